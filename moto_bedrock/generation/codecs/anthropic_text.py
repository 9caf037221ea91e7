"""Legacy Claude Text Completions (Claude v2, v2.1, Instant) on InvokeModel.

Request/response/stream shapes: ``shared/reference/bedrock-wire.md`` §3.1 (last paragraph).
The prompt's ``\\n\\nHuman:`` / ``\\n\\nAssistant:`` turns become user/assistant messages,
text before the first turn the system prompt, and a non-empty final Assistant turn an
assistant prefill, so the same responder, limits and usage apply as for Converse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...bedrockruntime.exceptions import ValidationException
from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces
from ._schema import check_enum, check_keys, check_type, optional, strings

HUMAN = "\n\nHuman:"
ASSISTANT = "\n\nAssistant:"
KNOWN_KEYS = {
    "prompt",
    "max_tokens_to_sample",
    "stop_sequences",
    "temperature",
    "top_p",
    "top_k",
    "anthropic_version",
}
# Captured Bedrock texts (2024). The end-of-prompt text was captured in 2023 behind an
# "Invalid prompt: " prefix that the newer start-of-prompt text no longer has; which form
# Bedrock sends today for it is not verified.
MUST_START_WITH_HUMAN = f'prompt must start with "{HUMAN}" turn after an optional system prompt'
MUST_END_WITH_ASSISTANT = f'prompt must end with "{ASSISTANT}" turn'
_TURN = re.compile(f"({re.escape(HUMAN)}|{re.escape(ASSISTANT)})")


def _turns(prompt: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(messages, system blocks) from a ``Human:``/``Assistant:`` prompt."""
    parts = _TURN.split(prompt)
    preamble, markers, texts = parts[0], parts[1::2], parts[2::2]
    # Text before the first turn is the optional system prompt; it may not hold a turn.
    if not markers or markers[0] != HUMAN:
        raise ValidationException(MUST_START_WITH_HUMAN)
    if markers[-1] != ASSISTANT:
        raise ValidationException(MUST_END_WITH_ASSISTANT)
    system = [{"text": preamble.strip()}] if preamble.strip() else []
    messages = []
    for index, (marker, text) in enumerate(zip(markers, texts, strict=True)):
        role = "user" if marker == HUMAN else "assistant"
        if role == "assistant" and index == len(markers) - 1 and not text.strip():
            continue  # the empty closing "Assistant:" turn asks for the reply
        messages.append({"role": role, "content": [{"text": text.strip()}]})
    return messages, system


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a Text Completions body the way Bedrock does and translate it."""
    check_keys(body, "#", ("prompt", "max_tokens_to_sample"), KNOWN_KEYS)
    check_type(body["prompt"], "String", "#/prompt")
    # Documented range 0-4096: a larger value gets the backend's model-limit error.
    max_tokens = optional(body, "max_tokens_to_sample", "Integer", minimum=0)
    temperature = optional(body, "temperature", "Number", minimum=0, maximum=1)
    top_p = optional(body, "top_p", "Number", minimum=0, maximum=1)
    optional(body, "top_k", "Integer", minimum=0, maximum=500)
    if "anthropic_version" in body:
        check_enum(body["anthropic_version"], ("bedrock-2023-05-31",), "#/anthropic_version")
    config: dict[str, Any] = {"maxTokens": max_tokens}
    if temperature is not None:
        config["temperature"] = temperature
    if top_p is not None:
        config["topP"] = top_p
    if "stop_sequences" in body:
        config["stopSequences"] = strings(body["stop_sequences"], "#/stop_sequences")
    messages, system = _turns(body["prompt"])
    return NativeRequest(messages, system, config)


def _stop(result: InferenceResult) -> tuple[str, str | None]:
    """(stop_reason, stop): a natural end is reported as the model emitting "Human:"."""
    if result.stop_reason == "max_tokens":
        return "max_tokens", None
    if result.stop_reason == "stop_sequence":
        return "stop_sequence", result.stop_sequence
    return "stop_sequence", HUMAN


def _completion(result: InferenceResult) -> str:
    return "".join(b["text"] for b in result.content if "text" in b)


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    stop_reason, stop = _stop(result)
    return {"completion": _completion(result), "stop_reason": stop_reason, "stop": stop}


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """One chunk per delta, then an empty completion with the stop reason."""
    for piece in pieces(_completion(result)):
        yield {"completion": piece, "stop_reason": None, "stop": None}
    stop_reason, stop = _stop(result)
    yield {"completion": "", "stop_reason": stop_reason, "stop": stop}


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a native stream object carries, or None if it is not a delta."""
    return str(chunk["completion"]) if chunk.get("stop_reason") is None else None


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return str(body.get("completion", ""))
