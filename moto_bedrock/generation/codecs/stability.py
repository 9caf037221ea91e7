"""Stability AI image models on InvokeModel: SD3 Large, SD3.5 Large, Stable Image Core/Ultra.

Request ``{"prompt", "negative_prompt"?, "aspect_ratio"?, "seed"?, "output_format"?}`` →
``{"seeds": [seed], "finish_reasons": [null], "images": [base64]}`` (AWS docs
model-parameters-diffusion-3-5-large, …-diffusion-3-text-image, …-stable-ultra-…).

* prompt and negative_prompt: at most 10,000 characters (the docs' minimum is 0);
* aspect_ratio: 16:9, 1:1 (default), 21:9, 2:3, 3:2, 4:5, 5:4, 9:16 or 9:21, drawn at about
  one megapixel with Stability's output sizes (1:1 → 1024x1024, 16:9 → 1344x768, ...);
* seed: 0–4,294,967,294. 0 means "random": the emulator derives a seed from the prompt
  instead, reports it in ``seeds`` and draws from it, so asking again with the reported
  seed gives the same image;
* output_format: png (default) or jpeg. **The image is always PNG**, whatever the format:
  a JPEG encoder is out of scope, and image libraries read either;
* SD3 and SD3.5 Large also take ``mode`` (text-to-image, the default, or image-to-image);
  image-to-image requires ``image`` (base64 PNG or JPEG, sides of at least 64 pixels, at
  most 9,437,184 pixels) and ``strength`` (0–1), and answers with an image of the input's
  size. Stable Image Core and Ultra are text-to-image only.

Content filtering (a non-null finish reason) is never emulated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from ...catalog import FoundationModel
from ..images import image_size, png
from ..tokens import count_tokens
from . import malformed
from ._schema import check_schema

__all__ = ["generate"]

# Stability's ~1 megapixel output size of each aspect ratio, in the docs' enum order.
SIZES = {
    "16:9": (1344, 768),
    "1:1": (1024, 1024),
    "21:9": (1536, 640),
    "2:3": (832, 1216),
    "3:2": (1216, 832),
    "4:5": (896, 1088),
    "5:4": (1088, 896),
    "9:16": (768, 1344),
    "9:21": (640, 1536),
}
SEED_MAX = 4_294_967_294
MIN_INPUT_SIDE = 64
MAX_INPUT_PIXELS = 9_437_184


def _schema(model: FoundationModel) -> dict[str, Any]:
    text = {"type": "string", "maxLength": 10_000}
    members: dict[str, dict[str, Any]] = {
        "prompt": text,
        "negative_prompt": text,
        "aspect_ratio": {"type": "string", "enum": list(SIZES)},
        "seed": {"type": "integer", "minimum": 0, "maximum": SEED_MAX},
        "output_format": {"type": "string", "enum": ["jpeg", "png"]},
    }
    if _image_to_image(model):
        members |= {
            "mode": {"type": "string", "enum": ["text-to-image", "image-to-image"]},
            "image": {"type": "string"},
            "strength": {"type": "number", "minimum": 0, "maximum": 1},
        }
    return {
        "type": "object",
        "properties": members,
        "required": ["prompt"],
        "additionalProperties": False,
    }


def _image_to_image(model: FoundationModel) -> bool:
    return ".sd3" in model.model_id  # stability.sd3-large-v1:0, stability.sd3-5-large-v1:0


def _input_size(value: str) -> tuple[int, int]:
    try:
        size = image_size(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        size = None
    if size is None:
        raise malformed("#/image: expected a base64-encoded PNG or JPEG image")
    width, height = size
    if min(size) < MIN_INPUT_SIDE or width * height > MAX_INPUT_PIXELS:
        raise malformed(
            f"#/image: the image is {width}x{height}; each side must be at least "
            f"{MIN_INPUT_SIDE} pixels and the total at most {MAX_INPUT_PIXELS:,} pixels"
        )
    return size


def generate(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Answer a Stability body: (native response, input token count)."""
    check_schema(body, _schema(model))
    if body.get("mode") == "image-to-image":
        for key in ("image", "strength"):
            if key not in body:
                raise malformed(f"#: required key [{key}] not found")
        size = _input_size(body["image"])
    else:
        size = SIZES[body.get("aspect_ratio", "1:1")]
    subject = json.dumps(
        [model.model_id, body["prompt"], body.get("negative_prompt"), body.get("image")]
    )
    seed = body.get("seed", 0)
    if seed == 0:  # "random": derived from the request, so that it is reproducible
        seed = int.from_bytes(hashlib.sha256(subject.encode()).digest()[:8], "big") % SEED_MAX
        seed += 1
    image = base64.b64encode(png(*size, seed, subject)).decode()
    response = {"seeds": [seed], "finish_reasons": [None], "images": [image]}
    return response, count_tokens(body["prompt"])
