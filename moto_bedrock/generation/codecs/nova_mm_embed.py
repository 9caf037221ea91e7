"""Amazon Nova Multimodal Embeddings (``amazon.nova-2-multimodal-embeddings-v1:0``).

Synchronous InvokeModel body (AWS page "Complete embeddings request and response schema")::

    {"schemaVersion": "nova-multimodal-embed-v1", "taskType": "SINGLE_EMBEDDING",
     "singleEmbeddingParams": {"embeddingPurpose": "GENERIC_INDEX", "embeddingDimension": 3072,
                               "text": {"truncationMode": "END", "value": "…"}}}

with exactly one of ``text`` (``value`` or an S3 ``source``), ``image`` (``format``,
``detailLevel``, ``source``), ``audio`` (``format``, ``source``) or ``video`` (``format``,
``source``, ``embeddingMode``). A ``source`` is ``{"bytes": <base64>}`` or
``{"s3Location": {"uri", "bucketOwner"?}}``. Response: ``{"embeddings": [{"embeddingType",
"embedding", "truncatedCharLength"?}]}`` — ``TEXT``, ``IMAGE``, ``AUDIO``, ``VIDEO``, or
for video ``AUDIO_VIDEO_COMBINED`` (one vector) / ``VIDEO`` and ``AUDIO`` (``…_SEPARATE``).

Vectors come from :mod:`moto_bedrock.generation.embeddings`: text by its words, inline
media by its bytes. S3 objects are not read: an S3 source is embedded by its URI, so the
same URI always gives the same vector (unverified behaviour by construction).

Text is limited to 8,192 tokens: ``truncationMode`` ``NONE`` refuses a longer text, ``START``
and ``END`` drop from that end and report ``truncatedCharLength`` (the characters kept).

:func:`segmented_embed` answers the asynchronous ``SEGMENTED_EMBEDDING`` form (for
StartAsyncInvoke); see its docstring.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from ...bedrockruntime.exceptions import ValidationException
from ...catalog import FoundationModel
from .. import embeddings
from ..tokens import tokenize
from . import malformed
from ._schema import check_enum, check_keys, check_type, optional

__all__ = ["SegmentedEmbeddings", "embed", "segmented_embed"]

SCHEMA_VERSION = "nova-multimodal-embed-v1"
PURPOSES = (
    "GENERIC_INDEX",
    "GENERIC_RETRIEVAL",
    "TEXT_RETRIEVAL",
    "IMAGE_RETRIEVAL",
    "VIDEO_RETRIEVAL",
    "DOCUMENT_RETRIEVAL",
    "AUDIO_RETRIEVAL",
    "CLASSIFICATION",
    "CLUSTERING",
)
#: The instruction the model puts before a text, by purpose: a query is told what it will be
#: matched against, an indexed text only framed. Fitted to pydantic/pydantic-ai tests/
#: cassettes/test_embeddings/TestBedrock.test_nova_*.yaml @4fda38988f: "hello" to index
#: reports 3; three-word texts report 18 to 20 for GENERIC_RETRIEVAL and 22 for
#: TEXT_RETRIEVAL.
_INSTRUCTION_TOKENS = {"GENERIC_INDEX": 2, "GENERIC_RETRIEVAL": 15}
_OTHER_PURPOSE_TOKENS = 19
DIMENSIONS = (3072, 1024, 384, 256)
TRUNCATION = ("START", "END", "NONE")
MEDIA = ("text", "image", "audio", "video")
FORMATS = {
    "image": ("png", "jpeg", "gif", "webp"),
    "audio": ("mp3", "wav", "ogg"),
    "video": ("mp4", "mov", "mkv", "webm", "flv", "mpeg", "mpg", "wmv", "3gp"),
}
DETAIL_LEVELS = ("STANDARD_IMAGE", "DOCUMENT_IMAGE")
VIDEO_MODES = ("AUDIO_VIDEO_COMBINED", "AUDIO_VIDEO_SEPARATE")
MAX_TEXT_TOKENS = 8192
# Segmentation defaults and bounds (AWS schema page; the defaults are unverified).
MAX_LENGTH_CHARS = (800, 50000, 32000)
DURATION_SECONDS = (1, 30, 5)


def _source(value: Any, where: str) -> bytes:
    """The bytes a source stands for: inline bytes decoded, an S3 location's URI."""
    check_type(value, "JSONObject", where)
    if len(value) != 1 or next(iter(value)) not in ("bytes", "s3Location"):
        raise malformed(f"{where}: #: exactly one of [bytes, s3Location] is required")
    if "bytes" in value:
        check_type(value["bytes"], "String", f"{where}/bytes")
        try:
            return base64.b64decode(value["bytes"], validate=True)
        except (binascii.Error, ValueError):
            raise malformed(f"{where}/bytes: expected base64 data") from None
    location = value["s3Location"]
    check_type(location, "JSONObject", f"{where}/s3Location")
    check_keys(location, f"{where}/s3Location", ("uri",), ("uri", "bucketOwner"))
    check_type(location["uri"], "String", f"{where}/s3Location/uri")
    return str(location["uri"]).encode()


def _fit(text: str, mode: str, limit: int) -> tuple[str, int, bool]:
    tokens = tokenize(text)
    if len(tokens) <= limit:
        return text, len(tokens), False
    if mode == "NONE":
        # Wording unverified: the limit is documented, the error text is not on record.
        raise ValidationException(
            f"Input text has {len(tokens)} tokens, more than the maximum of {limit}. "
            "Set truncationMode to START or END to truncate it."
        )
    kept = tokens[-limit:] if mode == "START" else tokens[:limit]
    return "".join(kept), limit, True


def _media(params: dict[str, Any], path: str) -> str:
    given = [key for key in MEDIA if key in params]
    if len(given) != 1:
        # The everit oneOf wording, as for other codecs' "exactly one of" bodies.
        found = (
            f"{len(given)} subschemas matched instead of one"
            if given
            else ("required key [text] not found")
        )
        raise malformed(f"{path}: {found}")
    return given[0]


def _text_input(value: Any, where: str) -> tuple[str, str]:
    """(text, truncation mode) of a ``text`` member."""
    check_type(value, "JSONObject", where)
    known = ("truncationMode", "value", "source", "segmentationConfig")
    check_keys(value, where, ("truncationMode",), known)
    mode = value["truncationMode"]
    check_type(mode, "String", f"{where}/truncationMode")
    check_enum(mode, TRUNCATION, f"{where}/truncationMode")
    if ("value" in value) == ("source" in value):
        raise malformed(f"{where}: exactly one of [value, source] is required")
    if "value" in value:
        check_type(value["value"], "String", f"{where}/value")
        return str(value["value"]), str(mode)
    return _source(value["source"], f"{where}/source").decode("utf-8", "replace"), str(mode)


def _media_input(kind: str, value: Any, where: str) -> tuple[bytes, str | None]:
    """(bytes, video embedding mode) of an ``image``/``audio``/``video`` member."""
    check_type(value, "JSONObject", where)
    required = ("format", "source", "embeddingMode") if kind == "video" else ("format", "source")
    known = (*required, "detailLevel", "segmentationConfig")
    check_keys(value, where, required, known)
    check_type(value["format"], "String", f"{where}/format")
    check_enum(value["format"], FORMATS[kind], f"{where}/format")
    if "detailLevel" in value:
        check_type(value["detailLevel"], "String", f"{where}/detailLevel")
        check_enum(value["detailLevel"], DETAIL_LEVELS, f"{where}/detailLevel")
    mode = None
    if kind == "video":
        check_type(value["embeddingMode"], "String", f"{where}/embeddingMode")
        check_enum(value["embeddingMode"], VIDEO_MODES, f"{where}/embeddingMode")
        mode = str(value["embeddingMode"])
    return _source(value["source"], f"{where}/source"), mode


def _params(body: dict[str, Any], task: str, member: str) -> tuple[dict[str, Any], int, str]:
    """The task's params object, its dimension and its one media member, checked."""
    check_keys(body, "#", ("taskType", member), ("schemaVersion", "taskType", member))
    if "schemaVersion" in body:
        check_type(body["schemaVersion"], "String", "#/schemaVersion")
        check_enum(body["schemaVersion"], (SCHEMA_VERSION,), "#/schemaVersion")
    check_type(body["taskType"], "String", "#/taskType")
    check_enum(body["taskType"], (task,), "#/taskType")
    params = body[member]
    path = f"#/{member}"
    check_type(params, "JSONObject", path)
    check_keys(
        params, path, ("embeddingPurpose",), ("embeddingPurpose", "embeddingDimension", *MEDIA)
    )
    check_type(params["embeddingPurpose"], "String", f"{path}/embeddingPurpose")
    check_enum(params["embeddingPurpose"], PURPOSES, f"{path}/embeddingPurpose")
    dimension = params.get("embeddingDimension", DIMENSIONS[0])
    check_type(dimension, "Integer", f"{path}/embeddingDimension")
    check_enum(dimension, DIMENSIONS, f"{path}/embeddingDimension")
    return params, int(dimension), _media(params, path)


def _vectors(kind: str, data: bytes, mode: str | None, dimension: int) -> list[dict[str, Any]]:
    """The embeddings of one piece of media (video may give two)."""
    if kind != "video":
        return [
            {"embeddingType": kind.upper(), "embedding": embeddings.embed_bytes(data, dimension)}
        ]
    if mode == "AUDIO_VIDEO_COMBINED":
        vector = embeddings.embed_bytes(data, dimension)
        return [{"embeddingType": "AUDIO_VIDEO_COMBINED", "embedding": vector}]
    return [
        {
            "embeddingType": "VIDEO",
            "embedding": embeddings.embed_bytes(b"video:" + data, dimension),
        },
        {
            "embeddingType": "AUDIO",
            "embedding": embeddings.embed_bytes(b"audio:" + data, dimension),
        },
    ]


def embed(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check a synchronous body and answer it: (response body, input tokens)."""
    params, dimension, kind = _params(body, "SINGLE_EMBEDDING", "singleEmbeddingParams")
    where = f"#/singleEmbeddingParams/{kind}"
    if kind == "text":
        text, mode = _text_input(params["text"], where)
        kept, tokens, cut = _fit(text, mode, MAX_TEXT_TOKENS)
        entry: dict[str, Any] = {
            "embeddingType": "TEXT",
            "embedding": embeddings.embed_text(kept, dimension),
        }
        if cut:
            entry["truncatedCharLength"] = len(kept)
        purpose = params["embeddingPurpose"]
        return {"embeddings": [entry]}, tokens + _INSTRUCTION_TOKENS.get(
            purpose, _OTHER_PURPOSE_TOKENS
        )
    data, video_mode = _media_input(kind, params[kind], where)
    return {"embeddings": _vectors(kind, data, video_mode, dimension)}, 0


@dataclass
class SegmentedEmbeddings:
    """What an asynchronous ``SEGMENTED_EMBEDDING`` job produces.

    ``segments``: one record per segment and embedding, in order, each
    ``{"embeddingType", "embedding", "status": "SUCCESS", "segmentMetadata": {...}}``, the
    lines the job writes to its JSONL output (text: ``segmentIndex``,
    ``segmentStartCharPosition``, ``segmentEndCharPosition``; audio/video:
    ``segmentIndex``, ``segmentStartSeconds``, ``segmentEndSeconds``).
    ``input_tokens``: the text's tokens (0 for media).
    """

    segments: list[dict[str, Any]] = field(default_factory=list)
    input_tokens: int = 0


def _segmentation(value: dict[str, Any], where: str, key: str, bounds: tuple[int, int, int]) -> int:
    config = value.get("segmentationConfig", {})
    check_type(config, "JSONObject", f"{where}/segmentationConfig")
    check_keys(config, f"{where}/segmentationConfig", (), (key,))
    size = optional(config, key, "Integer", f"{where}/segmentationConfig", bounds[0], bounds[1])
    return int(size or bounds[2])


def segmented_embed(model_input: dict[str, Any], model: FoundationModel) -> SegmentedEmbeddings:
    """Check a ``SEGMENTED_EMBEDDING`` model input (StartAsyncInvoke) and embed each segment.

    ``model_input`` is the async call's ``modelInput``: ``{"schemaVersion"?, "taskType":
    "SEGMENTED_EMBEDDING", "segmentedEmbeddingParams": {"embeddingPurpose",
    "embeddingDimension"?, <one of text/image/audio/video>}}``, where ``text`` may have
    ``segmentationConfig.maxLengthChars`` (800–50,000, default 32,000) and ``audio``/``video``
    ``segmentationConfig.durationSeconds`` (1–30, default 5). Text is cut into segments of at
    most that many characters. Media is not decoded, so its length is unknown: audio and
    video give one segment of ``durationSeconds`` (an emulator limit). Raises the same
    ValidationExceptions as :func:`embed`.
    """
    params, dimension, kind = _params(
        model_input, "SEGMENTED_EMBEDDING", "segmentedEmbeddingParams"
    )
    where = f"#/segmentedEmbeddingParams/{kind}"
    value = params[kind]
    result = SegmentedEmbeddings()
    if kind == "text":
        size = _segmentation(value, where, "maxLengthChars", MAX_LENGTH_CHARS)
        text, _mode = _text_input(value, where)
        starts = range(0, max(len(text), 1), size)
        for index, start in enumerate(starts):
            piece = text[start : start + size]
            result.input_tokens += len(tokenize(piece))
            span: dict[str, Any] = {
                "segmentIndex": index,
                "segmentStartCharPosition": start,
                "segmentEndCharPosition": start + len(piece),
            }
            vector = embeddings.embed_text(piece, dimension)
            result.segments.append(_segment("TEXT", vector, span))
        return result
    data, video_mode = _media_input(kind, value, where)
    metadata: dict[str, Any] = {"segmentIndex": 0}
    if kind != "image":
        seconds = _segmentation(value, where, "durationSeconds", DURATION_SECONDS)
        metadata.update(segmentStartSeconds=0.0, segmentEndSeconds=float(seconds))
    for entry in _vectors(kind, data, video_mode, dimension):
        result.segments.append(_segment(entry["embeddingType"], entry["embedding"], metadata))
    return result


def _segment(kind: str, vector: list[float], metadata: dict[str, Any]) -> dict[str, Any]:
    return {
        "embeddingType": kind,
        "embedding": vector,
        "status": "SUCCESS",
        "segmentMetadata": dict(metadata),
    }
