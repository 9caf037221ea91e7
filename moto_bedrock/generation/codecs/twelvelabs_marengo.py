"""TwelveLabs Marengo Embed (``twelvelabs.marengo-embed-2-7-v1:0``, 3.0) on InvokeModel.

InvokeModel embeds a search query: ``{"inputType": "text", "inputText": …, "textTruncate":
"end"|"none"}`` or ``{"inputType": "image", "mediaSource": {"base64String" | "s3Location"}}``
(AWS page "TwelveLabs Marengo Embed 2.7"). Video and audio are embedded only through
StartAsyncInvoke, so InvokeModel refuses them. Text is limited to 77 tokens: ``end`` (the
default) cuts the rest, ``none`` refuses a longer text.

Response: ``{"data": [{"embedding": [...]}]}`` (the shape clients parse, e.g. litellm's
Marengo transformation; 2.7's other per-item fields are not on record). Dimensions: the
catalog's (1024 for 2.7, 512 for 3.0). Inline images are embedded by their bytes, S3 images
by their URI (objects are not read); text by its words
(:mod:`moto_bedrock.generation.embeddings`).
"""

from __future__ import annotations

from typing import Any

from ...bedrockruntime.exceptions import ValidationException
from ...catalog import FoundationModel
from .. import embeddings
from ..tokens import tokenize
from . import malformed
from ._media_source import media_source
from ._schema import check_enum, check_keys, check_type

__all__ = ["embed"]

KEYS = (
    "inputType",
    "inputText",
    "textTruncate",
    "mediaSource",
    "startSec",
    "lengthSec",
    "useFixedLengthSec",
    "embeddingOption",
    "minClipSec",
)
INPUT_TYPES = ("video", "text", "audio", "image")
TRUNCATE = ("end", "none")
MAX_TEXT_TOKENS = 77


def embed(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check a Marengo body and answer it: (response body, input tokens)."""
    check_keys(body, "#", ("inputType",), KEYS)
    kind = body["inputType"]
    check_type(kind, "String", "#/inputType")
    check_enum(kind, INPUT_TYPES, "#/inputType")
    dimensions = (model.embedding_dimensions or (1024,))[0]
    if kind in ("video", "audio"):
        # Wording unverified: AWS documents the rule (InvokeModel takes text and images).
        raise ValidationException(
            f"The {kind} input type is supported only with StartAsyncInvoke for this model."
        )
    if kind == "image":
        if "mediaSource" not in body:
            raise malformed("#: required key [mediaSource] not found")
        data, location = media_source(body["mediaSource"], "#/mediaSource")
        content = data if data is not None else str(location["uri"] if location else "").encode()
        return {"data": [{"embedding": embeddings.embed_bytes(content, dimensions)}]}, 0
    if "inputText" not in body:
        raise malformed("#: required key [inputText] not found")
    text = body["inputText"]
    check_type(text, "String", "#/inputText")
    truncate = body.get("textTruncate", "end")
    check_type(truncate, "String", "#/textTruncate")
    check_enum(truncate, TRUNCATE, "#/textTruncate")
    tokens = tokenize(text)
    if len(tokens) > MAX_TEXT_TOKENS:
        if truncate == "none":
            # Wording unverified: the 77-token limit is documented, its error text is not.
            raise ValidationException(
                f"The input text has {len(tokens)} tokens, more than the limit of "
                f"{MAX_TEXT_TOKENS}. Set textTruncate to end to truncate it."
            )
        tokens = tokens[:MAX_TEXT_TOKENS]
    vector = embeddings.embed_text("".join(tokens), dimensions)
    return {"data": [{"embedding": vector}]}, len(tokens)
