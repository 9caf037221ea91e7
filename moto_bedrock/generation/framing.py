"""Tokens a model's prompt template adds around what the caller sent, per body family.

Real models wrap a conversation in a chat template (role headers, begin/end markers, the
assistant cue) and, when tools are offered, some add a tool-use system prompt of their own.
Bedrock's reported ``inputTokens`` include all of it: Claude reports about 8 input tokens
for "Hello", one of them for the word. These figures are fitted to public recordings of
real traffic (``docs/tokens.md`` lists each recording and how close we come):

* ``request`` — added once per call (template start, the first role header, the cue);
* ``message`` — added for each message after the first;
* ``system`` — added when a system prompt is present;
* ``tools`` — the tool-use prompt added when tools are offered with ``toolChoice`` auto (or
  none), and ``forced_tools`` with ``any`` or ``tool``;
* ``counting`` — what CountTokens reports on top of the usage an invocation would report;
* ``thinking`` — added when extended thinking is enabled with a budget;
* ``structured`` — the structured-output prompt added with ``outputConfig.textFormat``
  (the schema's own tokens are counted besides);
* ``text_scale`` — how many more tokens the model's tokenizer makes of the same text;
* ``pixel_images`` — whether images cost by their size (``generation.inference``) rather
  than a flat amount.

A few models differ from their family's template (``MODEL_FRAMINGS``, by model-id prefix).

Families without a recording use the nearest template (marked in docs/tokens.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Framing", "framing_for", "framing_tokens"]


@dataclass(frozen=True)
class Framing:
    request: int = 0
    message: int = 0
    system: int = 0
    tools: int = 0
    forced_tools: int = 0
    counting: int = 0
    thinking: int = 0
    structured: int = 0
    text_scale: float = 1.0
    pixel_images: bool = False


# Anthropic's tool-use system prompt: 346 tokens under auto/none and 313 under any/tool
# for Claude 3.5 and later (Anthropic's tool-use pricing table).
# Extended thinking with a budget adds about 28 (Sonnet 4 and 4.5 report 42 and 43 for a
# 7-token question that costs 14 without it: pydantic/pydantic-ai tests/models/cassettes/
# test_bedrock/test_bedrock_model_thinking_part_anthropic.yaml and ..._legacy.yaml);
# adaptive thinking adds nothing (..._anthropic_adaptive.yaml: 14).
_CLAUDE = Framing(
    request=7, message=3, system=1, tools=346, forced_tools=313, thinking=28, pixel_images=True
)
# Claude 4.5 and later, as recorded on Bedrock (pydantic/pydantic-ai tests/models/cassettes/
# test_tool_choice_matrix/*-bedrock.yaml, Sonnet 4.5, 2026): one small tool and a short
# question report 572 input tokens under auto and 655 under any, about 190 and 300 more than
# the 346/313 of Anthropic's table. CountTokens reports 16 or 17 more than Converse usage
# for the same prompt (langchain-ai/langchain-aws libs/aws/tests/integration_tests/
# chat_models/test_bedrock_converse.py: 38 on Sonnet 4.5, 39 on Sonnet 4.6, for a system
# prompt and a question Converse bills at about 22; Claude 3.7 Sonnet counted 21 there).
# Native structured output adds about 170 besides its schema (pydantic/pydantic-ai tests/
# models/bedrock/cassettes/test_native_output/*.yaml: 210 to 317 for short prompts).
_CLAUDE_4_5 = Framing(
    request=7,
    message=3,
    system=1,
    tools=530,
    forced_tools=610,
    counting=16,
    thinking=28,
    structured=170,
    pixel_images=True,
)
# Claude Opus 4.7 and later use a new tokenizer, which Anthropic says makes up to 1.35 times
# the tokens of the same text; Sonnet 5 reports 16 for "I'm Pickle Rick" where Sonnet 4.5
# reported 12 (langchain-ai/langchain-aws libs/aws/tests/integration_tests/chat_models/
# test_bedrock.py, commit 6da32788).
_CLAUDE_5 = replace(_CLAUDE_4_5, text_scale=1.35)
_NOVA = Framing(request=0, message=2, tools=445, forced_tools=445)
# Nova 2's tool prompt is about twice Nova 1's: one small tool and a short question report
# 901 on Nova 2 Lite (pydantic/pydantic-ai tests/models/cassettes/test_multimodal_tool_returns/
# test_multimodal_tool_return_matrix[*-bedrock_nova].yaml, first calls), 571 with two tools on
# Nova Micro (test_bedrock/test_bedrock_model_structured_output.yaml).
_NOVA_2 = replace(_NOVA, tools=870, forced_tools=870, pixel_images=True)
# Llama 3 and Mistral 7B report 23 and 18 for a 9-token question through Converse
# (Arize-ai/openinference js/packages/openinference-instrumentation-bedrock/test/recordings/
# should-handle-meta-llama-models.json and should-handle-mistral-models.json); a bare Llama
# prompt through InvokeModel counts only itself (should-handle-meta-llama-models-invoke.json).
# With tools, Llama 4 Maverick reports about 115 more and Pixtral Large about 40 more
# (pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
# test_bedrock_media_kind_delivered_in_tool_result[meta_image].yaml and [mistral_document]).
_LLAMA = Framing(request=14, message=5, system=4, tools=115, forced_tools=115)
_MISTRAL = Framing(request=2, message=2)
_CHATML = Framing(request=11, message=5, system=3)

FRAMINGS: dict[str, Framing] = {
    "anthropic": _CLAUDE,
    "anthropic-text": Framing(request=4, message=3),
    "nova": _NOVA,
    "llama": _LLAMA,
    "mistral": Framing(request=9, message=8),
    "mistral-chat": replace(_MISTRAL, tools=40, forced_tools=40),
    "mistral_chat_v2": _MISTRAL,
    "voxtral": _MISTRAL,
    "qwen": _CHATML,
    "deepseek": Framing(request=4, message=2),
    "deepseek_v3": Framing(request=4, message=2),
    # gpt-oss wraps every request in its harmony system header (model identity, dates,
    # reasoning level, channels): about 67 tokens.
    "openai_chat": Framing(request=67, message=4, system=4),
    "writer": _CHATML,
    "cohere-command-r": Framing(request=8, message=3, system=3),
    "ai21-jamba": Framing(request=6, message=3, system=3),
}

#: Models whose template differs from their family's, by foundation-model id prefix.
MODEL_FRAMINGS: dict[str, Framing] = {
    **{
        prefix: _CLAUDE_4_5
        for prefix in (
            "anthropic.claude-haiku-4-5",
            "anthropic.claude-sonnet-4-5",
            "anthropic.claude-sonnet-4-6",
            "anthropic.claude-opus-4-5",
            "anthropic.claude-opus-4-6",
        )
    },
    "amazon.nova-2-lite": _NOVA_2,
    "amazon.nova-2-pro": _NOVA_2,
    **{
        prefix: _CLAUDE_5
        for prefix in (
            "anthropic.claude-opus-4-7",
            "anthropic.claude-sonnet-5",
            "anthropic.claude-opus-5",
            "anthropic.claude-fable-5",
        )
    },
}

_NONE = Framing()


def framing_for(family: str, model_id: str = "") -> Framing:
    """The template overhead of a model (its family's; none for families not listed)."""
    for prefix, framing in MODEL_FRAMINGS.items():
        if model_id.startswith(prefix):
            return framing
    return FRAMINGS.get(family, _NONE)


def framing_tokens(
    family: str,
    messages: int,
    has_system: bool,
    tool_config: dict[str, Any] | None,
    model_id: str = "",
) -> int:
    """Template tokens for a call with ``messages`` messages."""
    framing = framing_for(family, model_id)
    total = framing.request + framing.message * max(0, messages - 1)
    if has_system:
        total += framing.system
    tools = [t for t in (tool_config or {}).get("tools") or [] if "toolSpec" in t]
    if tools:
        choice = (tool_config or {}).get("toolChoice") or {}
        forced = isinstance(choice, dict) and ("any" in choice or "tool" in choice)
        total += framing.forced_tools if forced else framing.tools
    return total
