"""Amazon Titan Text Embeddings (G1 and V2) on InvokeModel.

Shapes: ``shared/reference/bedrock-wire.md`` §3.3. Vectors come from
:mod:`moto_bedrock.generation.embeddings`. With ``"normalize": false`` (V2) the unit vector is scaled
to length ``sqrt(1 + token count)``: deterministic, always longer than 1, and growing with
the input the way real un-normalized vectors do; AWS's actual magnitudes are not known.
"""

from __future__ import annotations

import math
from typing import Any

from ...catalog import FoundationModel
from .. import embeddings
from ..tokens import count_tokens
from . import titan_too_many_tokens
from ._schema import array, check_enum, check_keys, check_length, check_type

V1 = "amazon.titan-embed-text-v1"
MAX_CHARACTERS = 50_000  # V2 only, documented as "50,000 characters or 8,192 tokens"
EMBEDDING_TYPES = ("float", "binary")


def _input_text(body: dict[str, Any], model: FoundationModel) -> tuple[str, int]:
    text = body["inputText"]
    check_type(text, "String", "#/inputText")
    check_length(text, "#/inputText", min_length=1)
    if model.model_id != V1:
        # Observed without a "#/inputText: " pointer, unlike the other messages.
        check_length(text, "", max_length=MAX_CHARACTERS)
    tokens = count_tokens(text)
    limit = model.context_window or 8192
    if tokens > limit:
        raise titan_too_many_tokens(limit, tokens)
    return text, tokens


def embed(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check a Titan Text Embeddings body and answer it: (response body, input tokens)."""
    dimension_choices = model.embedding_dimensions or (1024,)
    if model.model_id == V1:
        # G1's key failures carry no "#: " pointer: "Malformed input request: extraneous key
        # [textGenerationConfig] is not permitted, ..." (aws-samples/serverless-pdf-chat#35,
        # 2024-02).
        check_keys(body, "", ["inputText"], ["inputText"])
        text, tokens = _input_text(body, model)
        vector = embeddings.embed_text(text, dimension_choices[0])
        return {"embedding": vector, "inputTextTokenCount": tokens}, tokens

    known = ["inputText", "dimensions", "normalize", "embeddingTypes"]
    check_keys(body, "#", ["inputText"], known)
    text, tokens = _input_text(body, model)
    dimensions = body.get("dimensions", dimension_choices[0])
    check_type(dimensions, "Integer", "#/dimensions")
    check_enum(dimensions, dimension_choices, "#/dimensions")
    normalize = body.get("normalize", True)
    check_type(normalize, "Boolean", "#/normalize")
    types = array(body.get("embeddingTypes", ["float"]), "#/embeddingTypes", min_items=1)
    for index, kind in enumerate(types):
        check_type(kind, "String", f"#/embeddingTypes/{index}")
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
