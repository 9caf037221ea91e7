"""Amazon Nova Canvas on InvokeModel: Titan Image Generator's request format, wider limits.

Request and response as in :mod:`.titan_image` (AWS doc "Image generation request and
response format", Amazon Nova user guide), with these differences:

* text, negativeText and maskPrompt 1–1024 characters; TEXT_IMAGE also takes ``style``
  (one of the eight documented presets) and image conditioning;
* width and height 320–4096 and multiples of 16, aspect ratio between 1:4 and 4:1, at most
  4,194,304 pixels (2048x2048, the largest documented square, is allowed); default
  1024x1024. Input images may have at most 4096 pixels a side and 4,194,304 in all;
* seed 0–858,993,459, default 12.

Answers are deterministic placeholder PNGs, exactly as for Titan: every task except
``VIRTUAL_TRY_ON`` is emulated (that one is answered with moto-bedrock's "not emulated"
error, HTTP 501); background removal returns one RGB image without transparency.
"""

from __future__ import annotations

from typing import Any

from ...catalog import FoundationModel
from . import malformed
from .titan_image import ImageFormat, generate_images, params_schemas

__all__ = ["generate"]

MAX_SIDE = 4096
MAX_PIXELS = 4_194_304
STYLES = (
    "3D_ANIMATED_FAMILY_FILM",
    "DESIGN_SKETCH",
    "FLAT_VECTOR_ILLUSTRATION",
    "GRAPHIC_NOVEL_ILLUSTRATION",
    "MAXIMALISM",
    "MIDCENTURY_RETRO",
    "PHOTOREALISM",
    "SOFT_DIGITAL_PAINTING",
)


def _check_size(width: int, height: int, path: str = "#/imageGenerationConfig") -> None:
    if not 1 / 4 <= width / height <= 4:
        raise malformed(f"{path}: the aspect ratio of {width}x{height} is not between 1:4 and 4:1")
    if width * height > MAX_PIXELS:
        raise malformed(
            f"{path}: {width}x{height} is {width * height:,} pixels; the maximum is {MAX_PIXELS:,}"
        )


def _check_input(size: tuple[int, int], path: str) -> None:
    if max(size) > MAX_SIDE:
        raise malformed(
            f"{path}: the image is {size[0]}x{size[1]}; each side must be at most {MAX_SIDE} pixels"
        )
    if size[0] * size[1] > MAX_PIXELS:
        raise malformed(
            f"{path}: the image is {size[0] * size[1]:,} pixels; the maximum is {MAX_PIXELS:,}"
        )


def _format() -> ImageFormat:
    tasks = params_schemas(1024, conditioning=True)
    tasks["TEXT_IMAGE"]["properties"]["style"] = {"type": "string", "enum": list(STYLES)}
    # Unlike Titan, Nova documents no required prompt for outpainting.
    tasks["OUTPAINTING"]["required"].remove("text")
    # Accepted by the schema so the task is recognised, then answered as not emulated.
    tasks["VIRTUAL_TRY_ON"] = {"type": "object"}
    return ImageFormat(
        tasks=tasks,
        dimension={"type": "integer", "minimum": 320, "maximum": MAX_SIDE, "multipleOf": 16},
        seed_max=858_993_459,
        seed_default=12,
        default_size=(1024, 1024),
        check_size=_check_size,
        check_input=_check_input,
        not_emulated=frozenset({"VIRTUAL_TRY_ON"}),
    )


def generate(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Answer a Nova Canvas body: (native response, input token count)."""
    return generate_images(_format(), body, model)
