"""Per-provider InvokeModel body formats, one small module per model family.

Three kinds of codec module, found by family name (``nova-canvas`` → ``nova_canvas.py``):

* **text** codecs (``anthropic``, ``nova``, ``llama``...) define
  ``parse_request(body, model) -> NativeRequest`` (the native body translated into the
  Converse-shaped fields, so the same responder, limits and usage apply),
  ``render_response(result, model, make_id) -> dict`` (the native response body),
  ``render_stream(result, model, make_id, pieces) -> Iterator[dict]`` (the native stream
  objects, made as they are taken, without the final invocation metrics, which the
  backend adds to the last) and
  ``delta_text(chunk) -> str | None`` (the text a stream object carries, for pacing),
  and optionally ``echoed(body) -> dict`` (request fields the response repeats);
* **embedding** codecs define ``embed(body, model) -> (response, input_tokens)``;
* **image** codecs define ``generate(body, model) -> (response, input_tokens)``;
* **rerank** codecs define ``rerank(body, model) -> (response, input_tokens)``.

:func:`answer_whole` answers a body with any of the last three (they do not stream).

Every codec rejects a bad body with :func:`malformed`, Bedrock's JSON-schema style text;
the checks that produce those texts live in :mod:`._schema`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ...bedrockruntime.exceptions import MalformedInput, ValidationException
from ..inference import InferenceResult

__all__ = [
    "MakeId",
    "MalformedInput",
    "NativeRequest",
    "Pieces",
    "answer_whole",
    "codec_for",
    "last_extended",
    "malformed",
    "reply_text",
    "titan_too_many_tokens",
]

#: ``make_id(prefix, length)``: a fresh, reproducible id such as ``msg_bdrk_01…``.
MakeId = Callable[[str, int], str]
#: ``pieces(text)``: ``text`` cut into stream deltas that concatenate back to ``text``.
Pieces = Callable[[str], list[str]]


@dataclass
class NativeRequest:
    """A native body, translated into the fields Converse would have carried."""

    messages: list[dict[str, Any]]
    system: list[dict[str, Any]]
    inference_config: dict[str, Any]
    tool_config: dict[str, Any] | None = None
    templated: bool = True
    """False for a text-completion prompt without its model's chat template: the model then
    reads the prompt alone (a bare Llama prompt counts only its own tokens)."""
    parallel_tools: bool = True
    """False when the body asks for one tool call a turn (Claude's
    ``disable_parallel_tool_use``, OpenAI's ``parallel_tool_calls: false``)."""


def reply_text(result: InferenceResult) -> str:
    """The text blocks of a reply, joined (what text-only native formats return)."""
    return "".join(str(block["text"]) for block in result.content if "text" in block)


def malformed(detail: str) -> MalformedInput:
    """Bedrock's JSON-schema style rejection of a native body."""
    return MalformedInput(detail)


def titan_too_many_tokens(limit: int, count: int) -> ValidationException:
    """The Titan embedding models' input-token limit error (text and multimodal)."""
    # Text as observed from Titan embeddings, "400 Bad Request: " prefix included.
    return ValidationException(
        f"400 Bad Request: Too many input tokens. Max input tokens: {limit}, "
        f"request input token count: {count}"
    )


def codec_for(family: str) -> ModuleType | None:
    """The codec module of a model family, or None if that family is not emulated yet."""
    name = family.replace("-", "_")
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        return None


def kind_of(codec: ModuleType) -> str:
    """``text``, ``embedding``, ``image`` or ``rerank``: which interface above a codec has."""
    if hasattr(codec, "embed"):
        return "embedding"
    if hasattr(codec, "generate"):
        return "image"
    if hasattr(codec, "rerank"):
        return "rerank"
    return "text"


def answer_whole(codec: ModuleType, body: dict[str, Any], model: Any) -> tuple[dict[str, Any], int]:
    """(response, input tokens) of an embedding, image or rerank body."""
    kind = kind_of(codec)
    answer = (
        codec.embed if kind == "embedding" else codec.generate if kind == "image" else codec.rerank
    )
    response, tokens = answer(body, model)
    return response, int(tokens)


def last_extended(
    chunks: Iterable[dict[str, Any]], fields: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """``chunks`` as they come, the last one with ``fields`` added (the backend's closing
    fields: invocation metrics, a guardrail's)."""
    held: dict[str, Any] | None = None
    for chunk in chunks:
        if held is not None:
            yield held
        held = chunk
    if held is not None:
        held.update(fields)
        yield held
