"""Cohere Embed v4 (``cohere.embed-v4:0``) on InvokeModel: texts, images, or ``inputs``.

Besides v3's ``texts`` and ``images``, v4 takes ``inputs``: up to 96 items, each
``{"content": [{"type": "text", "text": …}, {"type": "image_url", "image_url": <data URI>
or {"url": <data URI>}}, …]}`` — text and images interleaved, one vector per item (the
normalized sum of its parts' vectors, :func:`moto_bedrock.generation.embeddings.combine`).
Exactly one of ``texts``, ``images`` and ``inputs`` is given.

v4 always answers by type: ``{"id", "embeddings": {"float": [[…]], …}, "response_type":
"embeddings_by_type", "texts": […]}``, ``embedding_types`` defaulting to ``["float"]``.
``texts`` echoes the texts given (for ``inputs``, each item's text parts joined; that
field's content for ``inputs`` is unverified). ``output_dimension``: the catalog's
dimensions (256, 512, 1024, 1536; default the first listed). Options, truncation,
quantization and ids are Embed v3's (:mod:`.cohere_embed`).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ...bedrockruntime.exceptions import ValidationException
from ...catalog import FoundationModel
from .. import embeddings
from . import malformed
from ._schema import array, check_enum, check_keys, check_pattern, check_type
from .cohere_embed import (
    MAX_TEXTS,
    _fit,
    _images,
    _options,
    _quantized,
    _response_id,
    _texts,
)

__all__ = ["embed"]

KEYS = (
    "texts",
    "images",
    "inputs",
    "input_type",
    "truncate",
    "embedding_types",
    "output_dimension",
    "max_tokens",
)
SOURCES = ("texts", "images", "inputs")
PART_TYPES = ("text", "image_url")
_DATA_URI = "^data:image/(jpeg|png|webp|gif);base64,"


def _image_part(part: dict[str, Any], where: str) -> bytes:
    source = part.get("image_url")
    uri: Any = source.get("url") if isinstance(source, dict) else source
    check_type(uri, "String", f"{where}/image_url")
    check_pattern(uri, _DATA_URI, f"{where}/image_url")
    try:
        return base64.b64decode(uri.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        # Bedrock's own wording for undecodable images is not on record.
        raise ValidationException(f"The image at {where[2:]} is not valid base64 data.") from None


def _inputs(body: dict[str, Any]) -> list[tuple[list[str], list[bytes]]]:
    """Each input's (text parts, image parts), checked."""
    items = []
    for index, item in enumerate(
        array(body["inputs"], "#/inputs", min_items=1, max_items=MAX_TEXTS)
    ):
        where = f"#/inputs/{index}"
        check_type(item, "JSONObject", where)
        check_keys(item, where, ("content",), ("content",))
        texts: list[str] = []
        images: list[bytes] = []
        for number, part in enumerate(array(item["content"], f"{where}/content", min_items=1)):
            at = f"{where}/content/{number}"
            check_type(part, "JSONObject", at)
            check_type(part.get("type"), "String", f"{at}/type")
            check_enum(part["type"], PART_TYPES, f"{at}/type")
            if part["type"] == "text":
                check_type(part.get("text"), "String", f"{at}/text")
                texts.append(part["text"])
            else:
                images.append(_image_part(part, at))
        items.append((texts, images))
    return items


def embed(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check an Embed v4 body and answer it: (response body, input tokens)."""
    given = [key for key in SOURCES if key in body]
    if not given:
        raise malformed("#: required key [texts] not found")
    check_keys(body, "#", [], KEYS)
    if len(given) > 1:
        raise malformed(f"#: {len(given)} subschemas matched instead of one")
    if "max_tokens" in body:
        check_type(body["max_tokens"], "Integer", "#/max_tokens")
    truncate, types, dimensions = _options(body, model)
    limit = model.context_window or 128000

    def text_vector(text: str) -> tuple[list[float], int]:
        kept, count = _fit(text, limit, truncate)
        return embeddings.embed_text(kept, dimensions), count

    vectors: list[list[float]] = []
    echoed: list[str] = []
    tokens = 0
    if "texts" in body:
        for text in _texts(body, model):
            vector, count = text_vector(text)
            vectors.append(vector)
            tokens += count
            echoed.append(text)
    elif "images" in body:
        vectors = [embeddings.embed_bytes(image, dimensions) for image in _images(body)]
    else:
        for texts, images in _inputs(body):
            parts = [embeddings.embed_bytes(image, dimensions) for image in images]
            for text in texts:
                vector, count = text_vector(text)
                parts.append(vector)
                tokens += count
            vectors.append(embeddings.combine(*parts))
            echoed.append(" ".join(texts))
    by_type = {kind: [_quantized(kind, v) for v in vectors] for kind in types or ["float"]}
    response = {
        "id": _response_id(body, model),
        "embeddings": by_type,
        "response_type": "embeddings_by_type",
        "texts": echoed,
    }
    return response, tokens
