"""Reasoning content: when a model thinks before answering, and Bedrock's rules for asking.

Claude reasons when ``thinking`` is ``{"type": "enabled", "budget_tokens": n}`` (or
``{"type": "adaptive"}``) in ``additionalModelRequestFields`` or a native Messages body;
its reasoning block comes first and carries a ``signature``. DeepSeek R1 always reasons,
and its Converse reply puts the answer first, then the reasoning block, with no signature.
Both as recorded in pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
``test_bedrock_model_thinking_part_anthropic.yaml`` and ``..._deepseek.yaml`` (2025–2026).

The reasoning text is deterministic (built from the last question), and the signature is
a digest of it, so a client that passes the block back in the next turn sends it unchanged.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from .responders import Invocation, Reply

__all__ = ["MIN_BUDGET", "reasoning_kind", "thinking_violation", "with_reasoning"]

MIN_BUDGET = 1024
# Anthropic's documented test string: a request holding it gets redacted reasoning
# (recorded: pydantic-ai test_bedrock_model_thinking_part_redacted.yaml, Claude 3.7).
REDACTION_TRIGGER = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING"
# Claude's own texts, wrapped as Bedrock wraps Claude's model-side errors ("The model returned
# the following errors: ...", recorded in pydantic-ai's multimodal cassettes). The inner
# texts are quoted by many clients; Bedrock's exact wrapping of these four is unverified.
_WRAP = "The model returned the following errors: "
BUDGET_BELOW_MINIMUM = _WRAP + (
    f"thinking.enabled.budget_tokens: Input should be greater than or equal to {MIN_BUDGET}"
)
BUDGET_NOT_BELOW_MAX = _WRAP + "`max_tokens` must be greater than `thinking.budget_tokens`."
TEMPERATURE_WHILE_THINKING = _WRAP + (
    "`temperature` may only be set to 1 when thinking is enabled."
)
FORCED_TOOL_WHILE_THINKING = _WRAP + (
    "Thinking may not be enabled when tool_choice forces tool use."
)


def _thinking(invocation: Invocation) -> dict[str, Any] | None:
    fields = invocation.additional_request_fields or {}
    thinking = fields.get("thinking") if isinstance(fields, dict) else None
    if isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive"):
        return thinking
    return None


def _nova_reasoning(invocation: Invocation) -> bool:
    # Nova 2 reasons with reasoningConfig {"type": "enabled", ...} (AWS Nova 2 user guide;
    # no recording on file: the block shape follows the other no-signature families).
    fields = invocation.additional_request_fields or {}
    config = fields.get("reasoningConfig") if isinstance(fields, dict) else None
    return (
        invocation.model.model_id.startswith("amazon.nova-2-")
        and isinstance(config, dict)
        and config.get("type") == "enabled"
    )


def reasoning_kind(invocation: Invocation) -> str | None:
    """How the reply reasons: ``"claude"`` (first, signed), ``"first"`` (first, unsigned),
    ``"after"`` (after the answer, unsigned), or None.

    Recorded in pydantic-ai cassettes (2025-2026): gpt-oss, Kimi K2 Thinking and MiniMax M2
    (the OpenAI-format family) always reason first; Qwen3 reasons when ``reasoning_config``
    is set and not otherwise; DeepSeek R1 reasons after its answer.
    """
    family = invocation.model.family
    fields = invocation.additional_request_fields or {}
    if family == "anthropic" and _thinking(invocation) is not None:
        return "claude"
    if family == "deepseek":
        return "after"
    if family == "openai_chat" or _nova_reasoning(invocation):
        return "first"
    if family == "qwen" and isinstance(fields, dict) and fields.get("reasoning_config"):
        return "first"
    return None


def thinking_violation(invocation: Invocation) -> str | None:
    """Bedrock's refusal of a Claude ``thinking`` request, or None."""
    thinking = _thinking(invocation)
    if invocation.model.family != "anthropic" or thinking is None:
        return None
    config = invocation.inference_config
    if thinking.get("type") == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or isinstance(budget, bool) or budget < MIN_BUDGET:
            return BUDGET_BELOW_MINIMUM
        max_tokens = config.get("maxTokens")
        if isinstance(max_tokens, int) and budget >= max_tokens:
            return BUDGET_NOT_BELOW_MAX
    temperature = config.get("temperature")
    if temperature is not None and temperature != 1:
        return TEMPERATURE_WHILE_THINKING
    choice = (invocation.tool_config or {}).get("toolChoice")
    if isinstance(choice, dict) and ("any" in choice or "tool" in choice):
        return FORCED_TOOL_WHILE_THINKING
    return None


def _question(invocation: Invocation) -> str:
    for message in reversed(invocation.messages):
        if message.get("role") != "user":
            continue
        for block in message.get("content", []):
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                return " ".join(block["text"].split())[:200]
    return "the request"


def _reasoning_text(invocation: Invocation) -> str:
    return (
        f'The user asks: "{_question(invocation)}". I should work out what they need, '
        "check the facts I have, and then answer directly and briefly."
    )


def _signature(text: str) -> str:
    return base64.b64encode(hashlib.sha256(b"reasoning:" + text.encode()).digest() * 3).decode()


def with_reasoning(invocation: Invocation, reply: Reply) -> Reply:
    """``reply`` with the reasoning block the model would add (unless it has one already)."""
    kind = reasoning_kind(invocation)
    if kind is None or any("reasoningContent" in block for block in reply.content):
        return reply
    text = _reasoning_text(invocation)
    if kind == "claude" and REDACTION_TRIGGER in _question(invocation):
        redacted = {"reasoningContent": {"redactedContent": _signature(text).encode()}}
        return Reply([redacted, *reply.content], reply.stop_reason, reply.usage)
    if kind == "claude":
        block = {
            "reasoningContent": {"reasoningText": {"text": text, "signature": _signature(text)}}
        }
        return Reply([block, *reply.content], reply.stop_reason, reply.usage)
    block = {"reasoningContent": {"reasoningText": {"text": text}}}
    if kind == "first":
        return Reply([block, *reply.content], reply.stop_reason, reply.usage)
    return Reply([*reply.content, block], reply.stop_reason, reply.usage)
