"""TwelveLabs Pegasus 1.2 (``twelvelabs.pegasus-1-2-v1:0``): questions about a video.

Request (AWS page "TwelveLabs Pegasus 1.2"): ``{"inputPrompt": …, "mediaSource":
{"base64String" | "s3Location": {"uri", "bucketOwner"?}}, "temperature"? (0–1),
"maxOutputTokens"? (≤ 4096), "responseFormat"?}``. The video becomes a Converse ``video``
block (format ``mp4``) before the prompt, so the same responder, rules and usage apply;
the video is not watched. Response: ``{"message": …, "finishReason": "stop"|"length"}``.

Stream: one ``{"message": <piece>}`` object per piece, then ``{"message": "",
"finishReason": …}`` (the stream object shape is not on record; unverified).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces, reply_text
from ._media_source import media_source
from ._schema import check_keys, check_length, check_type, optional

__all__ = ["delta_text", "parse_request", "render_response", "render_stream", "text_of"]

KEYS = ("inputPrompt", "mediaSource", "temperature", "maxOutputTokens", "responseFormat")
MAX_OUTPUT_TOKENS = 4096


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a Pegasus body and translate it."""
    check_keys(body, "#", ("inputPrompt", "mediaSource"), KEYS)
    prompt = body["inputPrompt"]
    check_type(prompt, "String", "#/inputPrompt")
    check_length(prompt, "#/inputPrompt", min_length=1)
    data, location = media_source(body["mediaSource"], "#/mediaSource")
    source: dict[str, Any] = {"bytes": data} if data is not None else {"s3Location": location}
    if "responseFormat" in body:
        check_type(body["responseFormat"], "JSONObject", "#/responseFormat")
    limit = min(model.max_output_tokens or MAX_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS)
    config: dict[str, Any] = {
        "maxTokens": optional(body, "maxOutputTokens", "Integer", minimum=1, maximum=limit) or limit
    }
    temperature = optional(body, "temperature", "Number", minimum=0, maximum=1)
    if temperature is not None:
        config["temperature"] = temperature
    content = [{"video": {"format": "mp4", "source": source}}, {"text": prompt}]
    return NativeRequest([{"role": "user", "content": content}], [], config)


def _finish(result: InferenceResult) -> str:
    return "length" if result.stop_reason == "max_tokens" else "stop"


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    return {"message": reply_text(result), "finishReason": _finish(result)}


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    for piece in pieces(reply_text(result)):
        yield {"message": piece}
    yield {"message": "", "finishReason": _finish(result)}


def delta_text(chunk: dict[str, Any]) -> str | None:
    return None if "finishReason" in chunk else str(chunk["message"])


def text_of(body: dict[str, Any]) -> str:
    return str(body.get("message", ""))
