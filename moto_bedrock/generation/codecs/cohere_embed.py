"""Cohere Embed (English/Multilingual v3, Embed v4) on InvokeModel.

Shapes: ``shared/reference/bedrock-wire.md`` §3.8. One vector per text (or per image), from
:mod:`moto_bedrock.generation.embeddings`. ``embedding_types`` selects quantized copies of the same
vector: ``int8``/``uint8`` are scaled by the vector's largest component, ``binary`` and
``ubinary`` are sign bits packed 8 to a value (``binary`` = ``ubinary`` - 128).

Limits: 0–96 texts; on v3 each text is at most 2048 characters and 512 tokens (the
catalog's context window), where ``truncate`` NONE (the default) rejects a longer text and
START/END drop tokens from that end. v4 is not held to the 2048-character cap (its
context is 128K tokens). ``input_type`` is required on v3 and optional on v4; it does not
change the vector, so queries and documents embed alike.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from typing import Any

from ...bedrockruntime.exceptions import ValidationException
from ...catalog import FoundationModel
from .. import embeddings
from ..tokens import tokenize
from . import malformed
from ._schema import check_enum, check_keys, check_length, check_pattern, check_type, strings

MAX_TEXTS = 96
MAX_CHARACTERS = 2048
MAX_IMAGES = 1
INPUT_TYPES = ("search_document", "search_query", "classification", "clustering", "image")
TRUNCATE = ("NONE", "START", "END")
EMBEDDING_TYPES = ("float", "int8", "uint8", "binary", "ubinary")
KEYS = ("texts", "images", "input_type", "truncate", "embedding_types")
# Embed v4 also takes max_tokens (recorded: pydantic-ai TestBedrock.test_cohere_v4_with_max_tokens).
V4_KEYS = (*KEYS, "output_dimension", "max_tokens")
_DATA_URI = "^data:image/(jpeg|png);base64,"
_DATA_URI_RE = re.compile(_DATA_URI)
# Any media type: haystack's image embedder sends a PDF page rendered as JPEG under
# "data:application/pdf;base64," and its live test against Bedrock expects an embedding
# (deepset-ai/haystack-core-integrations, amazon_bedrock document_image_embedder.py and
# tests/test_document_image_embedder.py::test_live_run_with_cohere, PR #2185). So the
# payload's bytes decide, not the declared type (docs/invoke.md).
_ANY_DATA_URI_RE = re.compile(r"^data:[\w.+-]+/[\w.+-]+;base64,")
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _is_v3(model: FoundationModel) -> bool:
    return model.model_id.endswith("-v3")


def _texts(body: dict[str, Any], model: FoundationModel) -> list[str]:
    texts = strings(body["texts"], "#/texts", max_items=MAX_TEXTS)
    if _is_v3(model):
        for index, text in enumerate(texts):
            check_length(text, f"#/texts/{index}", max_length=MAX_CHARACTERS)
    return texts


def _images(body: dict[str, Any]) -> list[bytes]:
    decoded = []
    for index, uri in enumerate(strings(body["images"], "#/images", max_items=MAX_IMAGES)):
        other = _ANY_DATA_URI_RE.match(uri) if not _DATA_URI_RE.match(uri) else None
        if other is not None:
            image = _decoded(uri[other.end() :])
            if image is not None and image.startswith(_IMAGE_MAGIC):
                decoded.append(image)  # a JPEG or PNG under another media type
                continue
        check_pattern(uri, _DATA_URI, f"#/images/{index}")
        image = _decoded(_DATA_URI_RE.sub("", uri, count=1))
        if image is None:
            # Bedrock's own wording for undecodable images is not on record.
            raise ValidationException(f"The image at images.{index} is not valid base64 data.")
        decoded.append(image)
    return decoded


def _decoded(payload: str) -> bytes | None:
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


def _fit(text: str, limit: int, truncate: str) -> tuple[str, int]:
    """``text`` cut to ``limit`` tokens as ``truncate`` says, and its token count."""
    tokens = tokenize(text)
    if len(tokens) <= limit:
        return text, len(tokens)
    if truncate == "NONE":
        # Cohere's own wording; how Bedrock relays it is not on record.
        raise ValidationException(
            "The model returned the following errors: too many tokens: total number of "
            f"tokens in the prompt cannot exceed {limit} - received {len(tokens)}. "
            "Try using a shorter prompt, or enabling truncation."
        )
    kept = tokens[-limit:] if truncate == "START" else tokens[:limit]
    return "".join(kept), limit


def _options(body: dict[str, Any], model: FoundationModel) -> tuple[str, list[str] | None, int]:
    """``truncate``, ``embedding_types`` (None when absent) and the output dimension."""
    if "input_type" in body:
        check_type(body["input_type"], "String", "#/input_type")
        check_enum(body["input_type"], INPUT_TYPES, "#/input_type")
    truncate = body.get("truncate", "NONE")
    check_type(truncate, "String", "#/truncate")
    check_enum(truncate, TRUNCATE, "#/truncate")
    types: list[str] | None = None
    if "embedding_types" in body:
        types = strings(body["embedding_types"], "#/embedding_types", min_items=1)
        for index, kind in enumerate(types):
            check_enum(kind, EMBEDDING_TYPES, f"#/embedding_types/{index}")
    choices = model.embedding_dimensions or (1024,)
    dimensions = body.get("output_dimension", choices[0])
    check_type(dimensions, "Integer", "#/output_dimension")
    check_enum(dimensions, choices, "#/output_dimension")
    return str(truncate), types, int(dimensions)


def _quantized(kind: str, vector: list[float]) -> list[float] | list[int]:
    if kind == "int8":
        return embeddings.to_int8(vector)
    if kind == "uint8":
        return embeddings.to_uint8(vector)
    if kind in ("binary", "ubinary"):
        return embeddings.pack_bits(vector, signed=kind == "binary")
    return vector


def _echo(texts: list[str], model: FoundationModel) -> list[str]:
    """The ``texts`` echoed back: Embed English v3 lower-cases them, the others do not.

    pydantic/pydantic-ai tests/cassettes/test_embeddings/TestBedrock.test_cohere_v3_minimal.yaml
    (english-v3: "hello, world!") and ...test_cohere_v3_with_base_truncate.yaml (multilingual-v3
    keeps the case), 2026.
    """
    return [t.lower() for t in texts] if model.model_id == "cohere.embed-english-v3" else texts


def _response_id(body: dict[str, Any], model: FoundationModel) -> str:
    """A uuid-shaped id that depends only on the model and the request."""
    canonical = json.dumps([model.model_id, body], sort_keys=True, separators=(",", ":"))
    return str(uuid.UUID(bytes=hashlib.sha256(canonical.encode()).digest()[:16], version=4))


def embed(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check a Cohere Embed body and answer it: (response body, input tokens)."""
    if "texts" not in body and "images" not in body:
        raise malformed("#: required key [texts] not found")
    if _is_v3(model):
        check_keys(body, "#", ["input_type"], KEYS)
    else:
        check_keys(body, "#", [], V4_KEYS)
    if "texts" in body and "images" in body:
        # One of the two, not both: the schema's oneOf, in the validator's words.
        raise malformed("#: 2 subschemas matched instead of one")
    texts = _texts(body, model) if "texts" in body else []
    images = _images(body) if "images" in body else []
    truncate, types, dimensions = _options(body, model)

    limit = model.context_window or 512
    vectors: list[list[float]] = []
    input_tokens = 0
    for text in texts:
        kept, count = _fit(text, limit, truncate)
        input_tokens += count
        vectors.append(embeddings.embed_text(kept, dimensions))
    vectors.extend(embeddings.embed_bytes(image, dimensions) for image in images)

    response: dict[str, Any] = {"id": _response_id(body, model), "texts": _echo(texts, model)}
    if types is None and not _is_v3(model):
        # Embed v4 always answers by type, "float" unless asked otherwise (pydantic/pydantic-ai
        # tests/cassettes/test_embeddings/TestBedrock.test_cohere_v4_minimal.yaml, 2026).
        types = ["float"]
    if types is None:
        response["embeddings"] = vectors
        response["response_type"] = "embeddings_floats"
    else:
        response["embeddings"] = {
            kind: [_quantized(kind, vector) for vector in vectors] for kind in types
        }
        response["response_type"] = "embeddings_by_type"
    return response, input_tokens
