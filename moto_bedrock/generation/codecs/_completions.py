"""The ``{key: [{"text", "stop_reason"}]}`` reply format shared by Mistral text completion
(``outputs``) and DeepSeek (``choices``): responses, stream chunks and their text.

Streams send one chunk per text piece, then an empty chunk with the stop reason, which is
the one the backend adds the invocation metrics to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..inference import InferenceResult
from . import Pieces, reply_text

__all__ = ["completion_delta_text", "completion_response", "completion_stream", "completion_text"]

# Completion formats say "stop" for every natural end and "length" when cut by max tokens.
_STOP_REASONS = {"max_tokens": "length"}


def _stop_reason(result: InferenceResult) -> str:
    return _STOP_REASONS.get(result.stop_reason, "stop")


def completion_response(key: str, result: InferenceResult) -> dict[str, Any]:
    return {key: [{"text": reply_text(result), "stop_reason": _stop_reason(result)}]}


def completion_stream(
    key: str, result: InferenceResult, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    for piece in pieces(reply_text(result)):
        yield {key: [{"text": piece, "stop_reason": None}]}
    yield {key: [{"text": "", "stop_reason": _stop_reason(result)}]}


def completion_delta_text(key: str, chunk: dict[str, Any]) -> str | None:
    """The text a chunk carries, or None for the closing chunk."""
    item = chunk[key][0]
    if item["stop_reason"] is not None and not item["text"]:
        return None
    return str(item["text"])


def completion_text(key: str, body: dict[str, Any]) -> str:
    return "".join(str(item.get("text", "")) for item in body.get(key, []))
