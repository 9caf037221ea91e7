"""Mistral AI text completion on InvokeModel: ``<s>[INST] … [/INST]`` prompt in, outputs out.

Request/response/stream shapes: ``shared/reference/bedrock-wire.md`` §3.6 (Mistral 7B
Instruct, Mixtral 8x7B, Large 2402, Small 2402). The ``[INST]`` template is taken apart into
Converse-shaped turns, so the responder sees the user's question, not the markers.
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

KNOWN_KEYS = ("prompt", "max_tokens", "stop", "temperature", "top_p", "top_k")
STOP_LIMIT = 10
# max_tokens defaults from the text-completion parameter page: 512 for 7B and Mixtral,
# 8,192 for Large and Small. The maxima are the catalog's max_output_tokens.
_SMALL_MODELS = ("mistral-7b", "mixtral-8x7b")
_SMALL_DEFAULT, _LARGE_DEFAULT = 512, 8192

_INST = re.compile(r"\[INST\](.*?)\[/INST\]", re.DOTALL)


def _turns(prompt: str) -> list[dict[str, Any]]:
    """``<s>[INST] q [/INST] a</s>[INST] q2 [/INST]`` as alternating Converse turns."""
    text = prompt.replace("<s>", "").replace("</s>", "")
    matches = list(_INST.finditer(text))
    if not matches:
        return [{"role": "user", "content": [{"text": prompt}]}]
    # Text before the first [INST] (a hand-written instruction) belongs to the question.
    lead = text[: matches[0].start()].strip()
    messages: list[dict[str, Any]] = []
    for index, match in enumerate(matches):
        question = match.group(1).strip()
        if index == 0 and lead:
            question = f"{lead}\n{question}"
        messages.append({"role": "user", "content": [{"text": question}]})
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        answer = text[match.end() : end].strip()
        if answer:
            messages.append({"role": "assistant", "content": [{"text": answer}]})
    return messages


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a text-completion body the way Bedrock does and translate it."""
    check_keys(body, "#", ("prompt",), KNOWN_KEYS)
    check_type(body["prompt"], "String", "#/prompt")
    limit = model.max_output_tokens
    max_tokens = optional(body, "max_tokens", "Integer", minimum=1, maximum=limit)
    if max_tokens is None:
        small = any(name in model.model_id for name in _SMALL_MODELS)
        max_tokens = _SMALL_DEFAULT if small else _LARGE_DEFAULT
    config: dict[str, Any] = {"maxTokens": max_tokens}
    for native, converse in (("temperature", "temperature"), ("top_p", "topP")):
        value = optional(body, native, "Number", minimum=0, maximum=1)
        if value is not None:
            config[converse] = value
    # top_k has no Converse counterpart: it is checked, then has no effect.
    optional(body, "top_k", "Integer", minimum=1, maximum=200)
    if "stop" in body:
        config["stopSequences"] = strings(body["stop"], "#/stop", max_items=STOP_LIMIT)
    templated = _INST.search(body["prompt"]) is not None
    return NativeRequest(_turns(body["prompt"]), [], config, templated=templated)


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    return completion_response("outputs", result)


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """One chunk per text piece, then an empty chunk with the stop reason (metrics go on it)."""
    return completion_stream("outputs", result, pieces)


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a stream chunk carries, or None for the closing chunk."""
    return completion_delta_text("outputs", chunk)


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return completion_text("outputs", body)
