"""Amazon Titan Image Generator G1 (v1 and v2) on InvokeModel; also the shared request
format of Amazon's image models, which :mod:`.nova_canvas` reuses.

Request ``{"taskType", "<task>Params": {...}, "imageGenerationConfig": {"numberOfImages",
"height", "width", "cfgScale", "seed", "quality"}}`` → ``{"images": [base64 PNG], "error":
null}`` (AWS doc "Amazon Titan Image Generator G1 models", model-parameters-titan-image).

Every documented task type is accepted and answered with deterministic placeholder PNGs
(:func:`moto_bedrock.generation.images.png`):

* ``TEXT_IMAGE``, ``IMAGE_VARIATION``, ``COLOR_GUIDED_GENERATION`` (v2): ``numberOfImages``
  images of the configured size, image *i* drawn from ``seed + i``;
* ``INPAINTING``, ``OUTPAINTING``: ``numberOfImages`` images of the input image's size;
* ``BACKGROUND_REMOVAL`` (v2): one image of the input image's size. It is RGB: the real
  model's transparent background is not emulated, nor is ``returnMask``'s extra mask.

Input images must be base64 PNG or JPEG. Limits enforced: text and negativeText 1–512
characters, numberOfImages 1–5, cfgScale 1.1–10.0, seed 0–2,147,483,646 (default 42),
quality standard|premium, width x height one of the 25 documented sizes, input images at
most 1,408 pixels on the longer side. The docs give 1408 as the default width and height,
which is not one of the permitted sizes; 1024x1024 is used instead.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...bedrockruntime.exceptions import NotEmulated
from ...catalog import FoundationModel
from ..images import image_size, png
from ..tokens import count_tokens
from . import malformed
from ._schema import check_schema

__all__ = ["ImageFormat", "generate", "generate_images", "params_schemas"]

#: The object that carries each task's parameters.
PARAMS_KEYS = {
    "TEXT_IMAGE": "textToImageParams",
    "INPAINTING": "inPaintingParams",
    "OUTPAINTING": "outPaintingParams",
    "IMAGE_VARIATION": "imageVariationParams",
    "COLOR_GUIDED_GENERATION": "colorGuidedGenerationParams",
    "BACKGROUND_REMOVAL": "backgroundRemovalParams",
    "VIRTUAL_TRY_ON": "virtualTryOnParams",
}
# Editing tasks keep the input image's size; the others use imageGenerationConfig's.
INPUT_SIZED = frozenset({"INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL"})

SIZES = (
    (1024, 1024), (768, 768), (512, 512), (768, 1152), (384, 576), (1152, 768), (576, 384),
    (768, 1280), (384, 640), (1280, 768), (640, 384), (896, 1152), (448, 576), (1152, 896),
    (576, 448), (768, 1408), (384, 704), (1408, 768), (704, 384), (640, 1408), (320, 704),
    (1408, 640), (704, 320), (1152, 640), (1173, 640),
)  # fmt: skip
MAX_INPUT_SIDE = 1408


@dataclass(frozen=True)
class ImageFormat:
    """One model's variant of the Amazon image request format."""

    tasks: dict[str, dict[str, Any]]  # taskType -> schema of its params object
    dimension: dict[str, Any]  # schema of width and height
    seed_max: int
    seed_default: int
    default_size: tuple[int, int]
    check_size: Callable[[int, int], None]  # the width x height rules a schema cannot state
    check_input: Callable[[tuple[int, int], str], None]  # limits on an input image's size
    not_emulated: frozenset[str] = frozenset()


def _obj(required: tuple[str, ...] = (), **properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _number(low: float, high: float) -> dict[str, Any]:
    return {"type": "number", "minimum": low, "maximum": high}


def _enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


_IMAGE: dict[str, Any] = {"type": "string"}
_BOOLEAN: dict[str, Any] = {"type": "boolean"}


def params_schemas(text_max: int, conditioning: bool) -> dict[str, dict[str, Any]]:
    """The params-object schema of each task, for prompts of up to ``text_max`` characters.

    ``conditioning`` adds the image-conditioning members of TEXT_IMAGE (Titan v2, Nova).
    """
    text = {"type": "string", "minLength": 1, "maxLength": text_max}
    masks = {"maskPrompt": text, "maskImage": _IMAGE, "returnMask": _BOOLEAN}
    text_image: dict[str, dict[str, Any]] = {"text": text, "negativeText": text}
    if conditioning:
        text_image |= {
            "conditionImage": _IMAGE,
            "controlMode": _enum("CANNY_EDGE", "SEGMENTATION"),
            "controlStrength": _number(0, 1.0),
        }
    return {
        "TEXT_IMAGE": _obj(("text",), **text_image),
        "INPAINTING": _obj(("image",), image=_IMAGE, text=text, negativeText=text, **masks),
        "OUTPAINTING": _obj(
            ("image", "text"),
            image=_IMAGE,
            text=text,
            negativeText=text,
            outPaintingMode=_enum("DEFAULT", "PRECISE"),
            **masks,
        ),
        "IMAGE_VARIATION": _obj(
            ("images",),
            images={"type": "array", "items": _IMAGE, "minItems": 1, "maxItems": 5},
            text=text,
            negativeText=text,
            similarityStrength=_number(0.2, 1.0),
        ),
        "COLOR_GUIDED_GENERATION": _obj(
            ("text", "colors"),
            text=text,
            negativeText=text,
            referenceImage=_IMAGE,
            colors={
                "type": "array",
                "items": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"},
                "minItems": 1,
                "maxItems": 10,
            },
        ),
        "BACKGROUND_REMOVAL": _obj(("image",), image=_IMAGE),
    }


def _schema(spec: ImageFormat, task: Any) -> dict[str, Any]:
    """The body schema; a known ``taskType`` requires its own params and no other."""
    config = _obj(
        numberOfImages={"type": "integer", "minimum": 1, "maximum": 5},
        width=spec.dimension,
        height=spec.dimension,
        cfgScale=_number(1.1, 10.0),
        seed={"type": "integer", "minimum": 0, "maximum": spec.seed_max},
        quality=_enum("standard", "premium"),
    )
    members = {"taskType": _enum(*spec.tasks), "imageGenerationConfig": config}
    if isinstance(task, str) and task in spec.tasks:
        key = PARAMS_KEYS[task]
        return _obj(("taskType", key), **members, **{key: spec.tasks[task]})
    params = {PARAMS_KEYS[name]: schema for name, schema in spec.tasks.items()}
    return _obj(("taskType",), **members, **params)


def _decode(value: str, path: str, spec: ImageFormat) -> tuple[int, int]:
    """The size of a base64 PNG or JPEG input image, checked against the model's limits."""
    try:
        size = image_size(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        size = None
    if size is None:
        raise malformed(f"{path}: expected a base64-encoded PNG or JPEG image")
    spec.check_input(size, path)
    return size


def _check_inputs(task: str, params: dict[str, Any], path: str, spec: ImageFormat) -> None:
    """The rules between members, and every input image's encoding and size."""
    if task in ("INPAINTING", "OUTPAINTING") and ("maskPrompt" in params) == (
        "maskImage" in params
    ):
        raise malformed(f"{path}: exactly one of [maskPrompt, maskImage] is required")
    if task == "TEXT_IMAGE" and "conditionImage" not in params:
        for key in ("controlMode", "controlStrength"):
            if key in params:
                raise malformed(f"{path}: [{key}] requires [conditionImage]")
    for key in ("image", "maskImage", "conditionImage", "referenceImage"):
        if key in params:
            _decode(params[key], f"{path}/{key}", spec)
    for index, image in enumerate(params.get("images", ())):
        _decode(image, f"{path}/images/{index}", spec)


def generate_images(
    spec: ImageFormat, body: dict[str, Any], model: FoundationModel
) -> tuple[dict[str, Any], int]:
    """Check a body in ``spec``'s format and answer it: (response, input tokens)."""
    check_schema(body, _schema(spec, body.get("taskType")))
    task: str = body["taskType"]
    if task in spec.not_emulated:
        raise NotEmulated(f"the {task} task of {model.model_id}")
    key = PARAMS_KEYS[task]
    params: dict[str, Any] = body[key]
    config: dict[str, Any] = body.get("imageGenerationConfig", {})
    _check_inputs(task, params, f"#/{key}", spec)
    width = config.get("width", spec.default_size[0])
    height = config.get("height", spec.default_size[1])
    if "width" in config or "height" in config or task not in INPUT_SIZED:
        spec.check_size(width, height)
    if task in INPUT_SIZED:
        width, height = _decode(params["image"], f"#/{key}/image", spec)
    count = 1 if task == "BACKGROUND_REMOVAL" else config.get("numberOfImages", 1)
    seed = config.get("seed", spec.seed_default)
    # Everything that describes the picture (not its size or count) picks its colours.
    subject = json.dumps([model.model_id, task, params, config.get("cfgScale")], sort_keys=True)
    images = [
        base64.b64encode(png(width, height, seed + index, subject)).decode()
        for index in range(count)
    ]
    return {"images": images, "error": None}, count_tokens(params.get("text", ""))


def _titan_size(width: int, height: int) -> None:
    if (width, height) not in SIZES:
        raise malformed(
            f"#/imageGenerationConfig: {width}x{height} is not a supported image size "
            f"(width x height); supported sizes: {', '.join(f'{w}x{h}' for w, h in SIZES)}"
        )


def _titan_input(size: tuple[int, int], path: str) -> None:
    if max(size) > MAX_INPUT_SIDE:
        raise malformed(
            f"{path}: the image is {size[0]}x{size[1]}; its longer side must be at most "
            f"{MAX_INPUT_SIDE} pixels"
        )


def _titan(model: FoundationModel) -> ImageFormat:
    v2 = not model.model_id.endswith("-v1")
    tasks = params_schemas(512, conditioning=v2)
    if not v2:  # colour guidance and background removal arrived with v2
        del tasks["COLOR_GUIDED_GENERATION"], tasks["BACKGROUND_REMOVAL"]
    dimensions = sorted({side for size in SIZES for side in size})
    return ImageFormat(
        tasks=tasks,
        dimension={"type": "integer", "enum": dimensions},
        seed_max=2_147_483_646,
        seed_default=42,
        default_size=(1024, 1024),
        check_size=_titan_size,
        check_input=_titan_input,
    )


def generate(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Answer a Titan Image Generator body: (native response, input token count)."""
    return generate_images(_titan(model), body, model)
