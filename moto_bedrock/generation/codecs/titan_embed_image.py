"""Amazon Titan Multimodal Embeddings G1 on InvokeModel.

Request ``{"inputText"?, "inputImage"? (base64), "embeddingConfig"?:
{"outputEmbeddingLength": 256|384|1024}}`` with at least one of text and image; response
``{"embedding", "inputTextTokenCount"}``. A caption and an image together are embedded
separately and combined as the normalized sum of the two unit vectors, so the result is
close to both. Image bytes are embedded as opaque data (:func:`embeddings.embed_bytes`):
the image is not decoded, so any base64 payload is accepted.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ...bedrockruntime.exceptions import ValidationException
from ...catalog import FoundationModel
from .. import embeddings
from ..tokens import count_tokens
from . import malformed, titan_too_many_tokens
from ._schema import check_enum, check_keys, check_length, check_type

KEYS = ("inputText", "inputImage", "embeddingConfig")
TEXT_TOKEN_LIMIT = 128


def _output_length(body: dict[str, Any], choices: tuple[int, ...]) -> int:
    if "embeddingConfig" not in body:
        return choices[0]
    config = body["embeddingConfig"]
    check_type(config, "JSONObject", "#/embeddingConfig")
    check_keys(config, "#/embeddingConfig", ["outputEmbeddingLength"], ["outputEmbeddingLength"])
    length = config["outputEmbeddingLength"]
    path = "#/embeddingConfig/outputEmbeddingLength"
    check_type(length, "Integer", path)
    check_enum(length, choices, path)
    return int(length)


def _image(value: Any) -> bytes:
    check_type(value, "String", "#/inputImage")
    check_length(value, "#/inputImage", min_length=1)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        # Bedrock's own wording for undecodable images is not on record.
        raise ValidationException("The provided inputImage is not valid base64 data.") from None


def embed(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check a Titan Multimodal Embeddings body and answer it: (response, input tokens)."""
    check_keys(body, "#", [], KEYS)
    if "inputText" not in body and "inputImage" not in body:
        # The schema is an anyOf over the two inputs; this is the validator's anyOf text.
        raise malformed("#: no subschema matched out of the total 2 subschemas")
    dimensions = _output_length(body, model.embedding_dimensions or (1024,))

    parts: list[list[float]] = []
    tokens = 0
    if "inputText" in body:
        text = body["inputText"]
        check_type(text, "String", "#/inputText")
        check_length(text, "#/inputText", min_length=1)
        tokens = count_tokens(text)
        limit = model.context_window or TEXT_TOKEN_LIMIT
        if tokens > limit:
            raise titan_too_many_tokens(limit, tokens)
        parts.append(embeddings.embed_text(text, dimensions))
    if "inputImage" in body:
        parts.append(embeddings.embed_bytes(_image(body["inputImage"]), dimensions))

    vector = parts[0] if len(parts) == 1 else embeddings.combine(*parts)
    return {"embedding": vector, "inputTextTokenCount": tokens}, tokens
