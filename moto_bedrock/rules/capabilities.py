"""Capability rules: what a request may use, by the model's flags in ``catalog/catalog.json``.

Each function is one rule of ``moto_bedrock.rules``: Bedrock's text when the request uses
something the model does not support, or None. Texts quoted in
``shared/reference/bedrock-wire.md`` §2.1 are exact; the others are marked unverified here
and in ``docs/rules.md``.
"""

from __future__ import annotations

from ..generation.inference import input_token_count
from ..generation.responders import Invocation
from .conversation import media_blocks

__all__ = [
    "context_window_violation",
    "document_input_violation",
    "image_input_violation",
    "system_prompt_violation",
    "tool_choice_any_violation",
    "tool_choice_tool_violation",
    "tool_use_streaming_violation",
    "tool_use_violation",
    "video_input_violation",
]

NO_TOOL_USE = "This model doesn't support tool use."
NO_STREAMING_TOOL_USE = "This model doesn't support tool use in streaming mode."
NO_SYSTEM = (
    "This model doesn't support system messages. Try again without a system message or use "
    "a model that supports system messages."
)
INPUT_TOO_LONG = "Input is too long for requested model."


def _tool_choice_text(choice: str) -> str:
    # Observed for ``any``, full stop included (techthoughts2/pwshBedrock
    # src/pwshBedrock/Public/Invoke-ConverseAPI.ps1; strands-agents/harness-sdk#1241 quotes it
    # in a title, without the stop); ``tool`` is assumed to follow the template (unverified).
    return (
        f"This model doesn't support the toolConfig.toolChoice.{choice} field. "
        f"Remove toolConfig.toolChoice.{choice} and try again."
    )


def _content_block_text(kind: str) -> str:
    # Observed for images (boto3#4581, Claude 3.5 Haiku); documents and videos are assumed
    # to follow the same template (unverified).
    return (
        f"This model doesn't support the {kind} content block that you provided. "
        "Update the content block and try again."
    )


def _offers_tools(invocation: Invocation) -> bool:
    return bool((invocation.tool_config or {}).get("tools"))


def tool_use_violation(invocation: Invocation) -> str | None:
    if _offers_tools(invocation) and not invocation.model.tool_use:
        return NO_TOOL_USE
    return None


def tool_use_streaming_violation(invocation: Invocation) -> str | None:
    if (
        invocation.operation == "ConverseStream"
        and _offers_tools(invocation)
        and not invocation.model.tool_use_streaming
    ):
        return NO_STREAMING_TOOL_USE
    return None


def _choice(invocation: Invocation) -> dict[str, object]:
    choice = (invocation.tool_config or {}).get("toolChoice")
    return choice if isinstance(choice, dict) else {}


def tool_choice_any_violation(invocation: Invocation) -> str | None:
    if "any" in _choice(invocation) and not invocation.model.tool_choice_any:
        return _tool_choice_text("any")
    return None


def tool_choice_tool_violation(invocation: Invocation) -> str | None:
    if "tool" in _choice(invocation) and not invocation.model.tool_choice_tool:
        return _tool_choice_text("tool")
    return None


def system_prompt_violation(invocation: Invocation) -> str | None:
    if invocation.system and not invocation.model.system_prompt:
        return NO_SYSTEM
    return None


def _uses(invocation: Invocation, kind: str) -> bool:
    return any(found == kind for found, _, _ in media_blocks(invocation.messages))


def image_input_violation(invocation: Invocation) -> str | None:
    if not invocation.model.image_input and _uses(invocation, "image"):
        return _content_block_text("image")
    return None


def document_input_violation(invocation: Invocation) -> str | None:
    if not invocation.model.document_input and _uses(invocation, "document"):
        return _content_block_text("document")
    return None


def video_input_violation(invocation: Invocation) -> str | None:
    if not invocation.model.video_input and _uses(invocation, "video"):
        return _content_block_text("video")
    return None


def context_window_violation(invocation: Invocation) -> str | None:
    """All input tokens (tools, system, messages) against the model's context window."""
    window = invocation.model.context_window
    if window is not None and input_token_count(invocation) > window:
        return INPUT_TOO_LONG
    return None
