"""Cohere Command (legacy, ``cohere.command-text-v14``/``-light-``) on InvokeModel.

A prompt in, ``generations`` out. Request keys from AWS's Cohere Command parameter page;
the response shape (``id`` and ``prompt`` echoed, one generation with its own id and a
``finish_reason`` of ``COMPLETE``) is recorded in Arize-ai/openinference
js/packages/openinference-instrumentation-bedrock/test/recordings/
should-handle-cohere-command-models.json (2025-07). The stream shape (a ``text`` chunk per
delta with ``is_finished: false``, then ``is_finished: true`` with the finish reason) follows
AWS's parameter page and is not on record (unverified).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces, reply_text
from ._schema import check_enum, check_keys, check_type, optional, strings

KNOWN_KEYS = (
    "prompt",
    "temperature",
    "p",
    "k",
    "max_tokens",
    "stop_sequences",
    "return_likelihoods",
    "stream",
    "num_generations",
    "logit_bias",
    "truncate",
)
STOP_LIMIT = 4
DEFAULT_MAX_TOKENS = 20  # AWS's default for this model
_FINISH = {"max_tokens": "MAX_TOKENS"}


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a Cohere Command body the way Bedrock does and translate it."""
    check_keys(body, "#", ("prompt",), KNOWN_KEYS)
    check_type(body["prompt"], "String", "#/prompt")
    limit = model.max_output_tokens
    max_tokens = optional(body, "max_tokens", "Integer", minimum=1, maximum=limit)
    config: dict[str, Any] = {"maxTokens": DEFAULT_MAX_TOKENS if max_tokens is None else max_tokens}
    temperature = optional(body, "temperature", "Number", minimum=0, maximum=5)
    if temperature is not None:
        config["temperature"] = min(float(temperature), 1.0)
    top_p = optional(body, "p", "Number", minimum=0, maximum=1)
    if top_p is not None:
        config["topP"] = top_p
    optional(body, "k", "Integer", minimum=0, maximum=500)  # checked, no Converse counterpart
    optional(body, "num_generations", "Integer", minimum=1, maximum=5)
    if "stop_sequences" in body:
        stops = strings(body["stop_sequences"], "#/stop_sequences", max_items=STOP_LIMIT)
        if stops:
            config["stopSequences"] = stops
    if "return_likelihoods" in body:
        check_enum(
            body["return_likelihoods"], ("GENERATION", "ALL", "NONE"), "#/return_likelihoods"
        )
    if "truncate" in body:
        check_enum(body["truncate"], ("NONE", "START", "END"), "#/truncate")
    messages = [{"role": "user", "content": [{"text": body["prompt"]}]}]
    return NativeRequest(messages, [], config)


def echoed(body: dict[str, Any]) -> dict[str, Any]:
    """Request fields the response repeats: the prompt (recorded)."""
    return {"prompt": body["prompt"]}


def _uuid(make_id: MakeId) -> str:
    digest = hashlib.sha256(make_id("", 22).encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    generation = {
        "id": _uuid(make_id),
        "text": reply_text(result),
        "finish_reason": _FINISH.get(result.stop_reason, "COMPLETE"),
    }
    return {"id": _uuid(make_id), "generations": [generation]}


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """One ``text`` chunk per piece, then the closing chunk (metrics go on it)."""
    for piece in pieces(reply_text(result)):
        yield {"text": piece, "is_finished": False}
    yield {"is_finished": True, "finish_reason": _FINISH.get(result.stop_reason, "COMPLETE")}


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a stream chunk carries, or None for the closing chunk."""
    return None if chunk.get("is_finished") else str(chunk.get("text", ""))


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return "".join(str(g.get("text", "")) for g in body.get("generations", []))
