"""What StartAsyncInvoke models produce: which models take async invocations, their input
checks, and the files a finished invocation writes under ``<s3Uri>/<invocation id>/``.

Which models support async invocation is decided here, by model id pattern, rather than
by the model catalog (which does not record it): Amazon Nova Reel (v1:0, v1:1), TwelveLabs
Marengo embeddings and Amazon Nova 2 multimodal embeddings. Sources: the Nova user guide,
"Video generation access and usage"
(https://docs.aws.amazon.com/nova/latest/userguide/video-gen-access.html) for Nova Reel's
input, ``output.mp4`` and ``manifest.json``. The contents of ``manifest.json`` and of the
embedding models' ``output.json`` are our own, unverified against real output.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from .codecs import malformed
from .embeddings import embed_bytes, embed_text
from .video import mp4_video

__all__ = ["ASYNC_MODELS", "AsyncModel", "async_model", "check_async_input", "render_outputs"]


@dataclass(frozen=True)
class AsyncModel:
    """A model StartAsyncInvoke accepts: its id pattern and what it produces."""

    pattern: str
    kind: str  # "video", "marengo" or "nova-embeddings"
    multi_shot: bool = False


#: The async-capable models, by model id glob (a geo prefix such as ``us.`` is allowed).
ASYNC_MODELS = (
    AsyncModel("amazon.nova-reel-v1:0", "video"),
    AsyncModel("amazon.nova-reel-v1:1", "video", multi_shot=True),
    AsyncModel("twelvelabs.marengo-embed-*", "marengo"),
    AsyncModel("amazon.nova-2-multimodal-embeddings-*", "nova-embeddings"),
)

_GEO_PREFIXES = ("us.", "eu.", "apac.", "us-gov.", "global.", "jp.", "au.", "ca.")
_REEL_TASKS = {"TEXT_VIDEO": False, "MULTI_SHOT_AUTOMATED": True, "MULTI_SHOT_MANUAL": True}
_REEL_DIMENSIONS = {"1280x720": (1280, 720)}
_REEL_FPS = 24
_SHOT_SECONDS = 6
MARENGO_DIMENSIONS = 1024
NOVA_EMBEDDING_DIMENSIONS = (256, 384, 1024, 3072)


def async_model(model_id: str) -> AsyncModel | None:
    """The async model ``model_id`` names (bare id or foundation-model ARN), if any."""
    bare = model_id.rsplit("/", 1)[-1] if model_id.startswith("arn:") else model_id
    for prefix in _GEO_PREFIXES:
        if bare.startswith(prefix):
            bare = bare[len(prefix) :]
            break
    return next((m for m in ASYNC_MODELS if fnmatchcase(bare, m.pattern)), None)


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise malformed(f"#{where}: expected type: JSONObject, found: {type(value).__name__}")
    return value


def _text(params: Mapping[str, Any], where: str, limit: int) -> str:
    text = params.get("text")
    if not isinstance(text, str) or not text:
        raise malformed(f"#{where}: required key [text] not found")
    if len(text) > limit:
        raise malformed(f"#{where}/text: expected maxLength: {limit}, actual: {len(text)}")
    return text


def _video_plan(model: AsyncModel, body: Mapping[str, Any]) -> tuple[int, int, int]:
    """Check a Nova Reel ``modelInput``: (width, height, seconds) of the video."""
    task = body.get("taskType")
    if task not in _REEL_TASKS or (_REEL_TASKS[task] and not model.multi_shot):
        allowed = [t for t, multi in _REEL_TASKS.items() if model.multi_shot or not multi]
        raise malformed(f"#/taskType: {task} is not a valid enum value; expected one of {allowed}")
    config = _object(body.get("videoGenerationConfig", {}), "/videoGenerationConfig")
    seconds = config.get("durationSeconds", _SHOT_SECONDS)
    if task == "TEXT_VIDEO":
        _text(
            _object(body.get("textToVideoParams"), "/textToVideoParams"), "/textToVideoParams", 512
        )
        allowed_seconds = [_SHOT_SECONDS]
    elif task == "MULTI_SHOT_AUTOMATED":
        params = _object(body.get("multiShotAutomatedParams"), "/multiShotAutomatedParams")
        _text(params, "/multiShotAutomatedParams", 4000)
        allowed_seconds = list(range(12, 121, _SHOT_SECONDS))
    else:
        params = _object(body.get("multiShotManualParams"), "/multiShotManualParams")
        shots = params.get("shots")
        if not isinstance(shots, list) or not 2 <= len(shots) <= 20:
            raise malformed("#/multiShotManualParams/shots: expected 2 to 20 shots")
        for index, shot in enumerate(shots):
            where = f"/multiShotManualParams/shots/{index}"
            _text(_object(shot, where), where, 512)
        seconds = config.get("durationSeconds", _SHOT_SECONDS * len(shots))
        allowed_seconds = [_SHOT_SECONDS * len(shots)]
    if seconds not in allowed_seconds or isinstance(seconds, bool):
        raise malformed(
            f"#/videoGenerationConfig/durationSeconds: {seconds!r} is not allowed "
            f"for {task}; expected one of {allowed_seconds}"
        )
    fps = config.get("fps", _REEL_FPS)
    if fps != _REEL_FPS or isinstance(fps, bool):
        raise malformed(f"#/videoGenerationConfig/fps: {fps!r} is not a valid enum value")
    dimension = config.get("dimension", "1280x720")
    if dimension not in _REEL_DIMENSIONS:
        raise malformed(
            f"#/videoGenerationConfig/dimension: {dimension!r} is not a valid enum value"
        )
    width, height = _REEL_DIMENSIONS[dimension]
    return width, height, int(seconds)


def _media_seed(body: Mapping[str, Any]) -> tuple[str | None, bytes | None]:
    """The text or media bytes an embedding request is about (a reference stands for itself)."""
    text = body.get("inputText")
    if isinstance(text, str):
        return text, None
    source = body.get("mediaSource")
    if isinstance(source, Mapping):
        if isinstance(source.get("base64String"), str):
            return None, source["base64String"].encode()
        location = source.get("s3Location")
        if isinstance(location, Mapping) and isinstance(location.get("uri"), str):
            return None, location["uri"].encode()
    return None, json.dumps(body, sort_keys=True, default=str).encode()


def _vector(text: str | None, data: bytes | None, dimensions: int) -> list[float]:
    return (
        embed_text(text, dimensions) if text is not None else embed_bytes(data or b"", dimensions)
    )


def _marengo_output(body: Mapping[str, Any]) -> dict[str, Any]:
    input_type = body.get("inputType")
    if input_type not in ("text", "image", "video", "audio"):
        raise malformed(f"#/inputType: {input_type!r} is not a valid enum value")
    text, data = _media_seed(body)
    if input_type == "text":
        options = ["text"]
    elif input_type == "video":
        chosen = body.get("embeddingOption", ["visual-text", "visual-image", "audio"])
        options = chosen if isinstance(chosen, list) and chosen else ["visual-text"]
    else:
        options = [input_type]
    seconds = body.get("useFixedLengthSec", _SHOT_SECONDS)
    seconds = seconds if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else 6
    data_out = []
    for option in options:
        vector = _vector(text, (data or b"") + str(option).encode(), MARENGO_DIMENSIONS)
        entry: dict[str, Any] = {"embedding": vector, "embeddingOption": option}
        if input_type in ("video", "audio"):
            entry.update({"startSec": 0.0, "endSec": float(seconds)})
        data_out.append(entry)
    return {"data": data_out}


def _nova_embeddings_output(body: Mapping[str, Any]) -> dict[str, Any]:
    params = next(
        (v for k, v in body.items() if k.endswith("Params") and isinstance(v, Mapping)), {}
    )
    dimensions = params.get("embeddingDimension", 3072)
    if dimensions not in NOVA_EMBEDDING_DIMENSIONS:
        raise malformed(f"#/embeddingDimension: {dimensions!r} is not a valid enum value")
    for modality in ("text", "image", "video", "audio"):
        content = params.get(modality)
        if isinstance(content, Mapping):
            text = content.get("value") if modality == "text" else None
            seed = json.dumps(content, sort_keys=True, default=str).encode()
            vector = _vector(text if isinstance(text, str) else None, seed, int(dimensions))
            return {
                "embeddings": [
                    {"embeddingType": modality.upper(), "embedding": vector, "status": "SUCCESS"}
                ]
            }
    raise malformed("#: one of [text, image, video, audio] is required")


def check_async_input(model: AsyncModel, model_input: Any) -> None:
    """Raise Bedrock's ValidationException when ``model_input`` is not valid for ``model``."""
    render_outputs(model, model_input, "", "", dry_run=True)


def render_outputs(
    model: AsyncModel, model_input: Any, invocation_arn: str, model_id: str, dry_run: bool = False
) -> dict[str, bytes]:
    """The files (name -> bytes) a finished invocation writes into its output folder."""
    body = _object(model_input, "")
    if model.kind == "video":
        width, height, seconds = _video_plan(model, body)
        if dry_run:
            return {}
        manifest = {
            "invocationArn": invocation_arn,
            "modelId": model_id,
            "outputVideo": "output.mp4",
            "durationSeconds": seconds,
            "fps": _REEL_FPS,
            "dimension": f"{width}x{height}",
        }
        return {
            "output.mp4": mp4_video(width, height, _REEL_FPS, seconds),
            "manifest.json": json.dumps(manifest).encode(),
        }
    output = _marengo_output(body) if model.kind == "marengo" else _nova_embeddings_output(body)
    return {} if dry_run else {"output.json": json.dumps(output).encode()}
