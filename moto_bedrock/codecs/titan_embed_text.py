"""Amazon Titan Text Embeddings (G1 and V2) on InvokeModel.

Shapes: ``shared/reference/bedrock-wire.md`` §3.3. Vectors come from
:mod:`moto_bedrock.embeddings`. With ``"normalize": false`` (V2) the unit vector is scaled
to length ``sqrt(1 + token count)``: deterministic, always longer than 1, and growing with
the input the way real un-normalized vectors do; AWS's actual magnitudes are not known.

This module also holds the small JSON-schema checks the embedding codecs share; their
texts follow the everit validator messages Bedrock returns (``#/dimensions: expected
type: Integer, found: String``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import Any

from .. import embeddings
from ..bedrockruntime.exceptions import ValidationException
from ..catalog import FoundationModel
from ..tokens import count_tokens
from . import malformed

__all__ = ["check_enum", "check_keys", "embed", "expect_type", "render", "too_many_tokens"]

V1 = "amazon.titan-embed-text-v1"
MAX_CHARACTERS = 50_000  # V2 only, documented as "50,000 characters or 8,192 tokens"
EMBEDDING_TYPES = ("float", "binary")

# JSON-schema type names as the validator prints them (Java classes behind the JSON values).
_TYPES: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "Integer": (int,),
    "Boolean": (bool,),
    "JSONArray": (list,),
    "JSONObject": (dict,),
}


def type_name(value: Any) -> str:
    """The validator's name for a parsed JSON value's type."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "BigDecimal"
    if isinstance(value, str):
        return "String"
    return "JSONArray" if isinstance(value, list) else "JSONObject"


def render(value: Any) -> str:
    """A value as the validator prints it in enum errors (strings unquoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def expect_type(value: Any, expected: str, path: str) -> None:
    """Reject ``value`` unless it is of JSON-schema type ``expected``."""
    found = type_name(value)
    # bool is an int subclass in Python, but never a JSON integer.
    if found != expected or not isinstance(value, _TYPES[expected]):
        raise malformed(f"{path}: expected type: {expected}, found: {found}")


def check_enum(value: Any, allowed: Iterable[Any], path: str) -> None:
    # `1024.0 in {1024}` is true in Python; the type check before this one rejects floats.
    if isinstance(value, bool) or value not in tuple(allowed):
        raise malformed(f"{path}: {render(value)} is not a valid enum value")


def check_keys(
    body: dict[str, Any], required: Iterable[str], allowed: Collection[str], path: str = "#"
) -> None:
    """Required keys first, then extraneous ones (sorted, so the first is stable)."""
    for key in required:
        if key not in body:
            raise malformed(f"{path}: required key [{key}] not found")
    extra = sorted(set(body) - set(allowed))
    if extra:
        raise malformed(f"{path}: extraneous key [{extra[0]}] is not permitted")


def too_many_tokens(limit: int, count: int) -> ValidationException:
    # Text as observed from Titan embeddings, "400 Bad Request: " prefix included.
    return ValidationException(
        f"400 Bad Request: Too many input tokens. Max input tokens: {limit}, "
        f"request input token count: {count}"
    )


def _input_text(body: dict[str, Any], model: FoundationModel) -> tuple[str, int]:
    text = body["inputText"]
    expect_type(text, "String", "#/inputText")
    if not text:
        raise malformed("#/inputText: expected minLength: 1, actual: 0")
    if model.model_id != V1 and len(text) > MAX_CHARACTERS:
        # Observed without a "#/inputText: " pointer, unlike the other messages.
        raise malformed(f"expected maxLength: {MAX_CHARACTERS}, actual: {len(text)}")
    tokens = count_tokens(text)
    limit = model.context_window or 8192
    if tokens > limit:
        raise too_many_tokens(limit, tokens)
    return text, tokens


def embed(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check a Titan Text Embeddings body and answer it: (response body, input tokens)."""
    dimension_choices = model.embedding_dimensions or (1024,)
    if model.model_id == V1:
        check_keys(body, ["inputText"], ["inputText"])
        text, tokens = _input_text(body, model)
        vector = embeddings.embed_text(text, dimension_choices[0])
        return {"embedding": vector, "inputTextTokenCount": tokens}, tokens

    check_keys(body, ["inputText"], ["inputText", "dimensions", "normalize", "embeddingTypes"])
    text, tokens = _input_text(body, model)
    dimensions = body.get("dimensions", dimension_choices[0])
    expect_type(dimensions, "Integer", "#/dimensions")
    check_enum(dimensions, dimension_choices, "#/dimensions")
    normalize = body.get("normalize", True)
    expect_type(normalize, "Boolean", "#/normalize")
    types = body.get("embeddingTypes", ["float"])
    expect_type(types, "JSONArray", "#/embeddingTypes")
    if not types:
        raise malformed("#/embeddingTypes: expected minimum item count: 1, found: 0")
    for index, kind in enumerate(types):
        expect_type(kind, "String", f"#/embeddingTypes/{index}")
        check_enum(kind, EMBEDDING_TYPES, f"#/embeddingTypes/{index}")

    vector = embeddings.embed_text(text, dimensions)
    if not normalize:
        vector = embeddings.scale(vector, math.sqrt(1 + tokens))
    by_type: dict[str, Any] = {}
    if "float" in types:
        by_type["float"] = vector
    if "binary" in types:
        by_type["binary"] = embeddings.to_bits(vector)
    # "embedding" is always the float vector, whichever types were asked for.
    response = {"embedding": vector, "embeddingsByType": by_type, "inputTextTokenCount": tokens}
    return response, tokens
