"""DeepSeek-R1 on InvokeModel: a text-completion prompt in, choices out.

Request/response shapes from the AWS page "DeepSeek models" (model-parameters-deepseek):
``{"prompt" (required), "temperature" (≤ 1), "top_p" (≤ 1), "max_tokens" (1–32,768),
"stop" (≤ 10 strings)}`` → ``{"choices": [{"text", "stop_reason": "stop"|"length"}]}``.

Not verified, so chosen to match the other text-completion models:

* the stream: one ``{"choices":[{"text","stop_reason":null}]}`` chunk per piece, then an
  empty closing chunk with the stop reason (the page shows no stream chunk);
* the default ``max_tokens`` when the body sets none (the page gives no default; 8,192 is
  the ceiling it recommends for answer quality);
* the lower bounds of ``temperature`` and ``top_p`` (the page gives only ``≤ 1``; 0 here).

The prompt template the page's example uses, ``<｜begin▁of▁sentence｜><｜User｜>…
<｜Assistant｜><think>\\n``, is taken apart into Converse-shaped turns, so the responder sees
the user's question, not the markers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces
from ._completions import (
    completion_delta_text,
    completion_response,
    completion_stream,
    completion_text,
)
from ._schema import check_keys, check_type, optional, strings

KNOWN_KEYS = ("prompt", "temperature", "top_p", "max_tokens", "stop")
DEFAULT_MAX_TOKENS = 8192
STOP_LIMIT = 10

# DeepSeek's special tokens use a full-width bar (U+FF5C) and "▁" (U+2581); the ASCII
# spellings people type by hand are accepted too.
_SPEAKER = re.compile(r"<[｜|](User|Assistant)[｜|]>")
_SPECIAL = re.compile(r"<[｜|](?:begin|end)[▁_]of[▁_]sentence[｜|]>")
_THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)


def _turn(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "content": [{"text": text}]}


def _turns(prompt: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The template's (system, messages); a prompt without speakers is one user turn."""
    text = _SPECIAL.sub("", prompt)
    speakers = list(_SPEAKER.finditer(text))
    if not speakers:
        return [], [_turn("user", prompt)]
    # Text before the first speaker is DeepSeek's system prompt.
    lead = text[: speakers[0].start()].strip()
    system = [{"text": lead}] if lead else []
    messages: list[dict[str, Any]] = []
    for index, speaker in enumerate(speakers):
        end = speakers[index + 1].start() if index + 1 < len(speakers) else len(text)
        said = _THINKING.sub("", text[speaker.end() : end]).strip()
        if said:  # the trailing "<｜Assistant｜><think>" asks for the answer
            messages.append(_turn(speaker.group(1).lower(), said))
    return system, messages or [_turn("user", "")]


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a DeepSeek body the way Bedrock does and translate it."""
    check_keys(body, "#", ("prompt",), KNOWN_KEYS)
    check_type(body["prompt"], "String", "#/prompt")
    limit = model.max_output_tokens
    max_tokens = optional(body, "max_tokens", "Integer", minimum=1, maximum=limit)
    config: dict[str, Any] = {"maxTokens": max_tokens or DEFAULT_MAX_TOKENS}
    for native, converse in (("temperature", "temperature"), ("top_p", "topP")):
        value = optional(body, native, "Number", minimum=0, maximum=1)
        if value is not None:
            config[converse] = value
    if "stop" in body:
        config["stopSequences"] = strings(body["stop"], "#/stop", max_items=STOP_LIMIT)
    system, messages = _turns(body["prompt"])
    return NativeRequest(messages, system, config)


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    return completion_response("choices", result)


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """One chunk per text piece, then an empty chunk with the stop reason (metrics go on it)."""
    return completion_stream("choices", result, pieces)


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a stream chunk carries, or None for the closing chunk."""
    return completion_delta_text("choices", chunk)


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return completion_text("choices", body)
