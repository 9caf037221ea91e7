"""Image generation on InvokeModel: Titan Image Generator, Nova Canvas and Stability models.

Every answer is parsed here as a PNG, independently of the encoder: signature, IHDR, chunk
CRCs and an IDAT that inflates to exactly ``height * (1 + 3 * width)`` bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import time
import zlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.catalog import load_catalog
from moto_bedrock.generation.codecs import nova_canvas, stability, titan_image
from moto_bedrock.generation.images import image_size, png
from moto_bedrock.generation.tokens import count_tokens
from tests.conftest import Aws

TITAN_V1 = "amazon.titan-image-generator-v1"
TITAN_V2 = "amazon.titan-image-generator-v2:0"
NOVA = "amazon.nova-canvas-v1:0"
SD35 = "stability.sd3-5-large-v1:0"
CORE = "stability.stable-image-core-v1:1"
STABILITY_REGION = "us-west-2"  # the only region the catalog offers Stability models in


# -- helpers ----------------------------------------------------------------------------


def read_png(data: bytes) -> tuple[int, int]:
    """Check ``data`` is a complete 8-bit RGB PNG; returns (width, height)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: list[tuple[bytes, bytes]] = []
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        offset += 12 + length
    assert offset == len(data)
    kinds = [kind for kind, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    assert (depth, colour, compression, filtering, interlace) == (8, 2, 0, 0, 0)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + 3 * width
    assert len(raw) == height * stride
    assert all(raw[row * stride] <= 4 for row in range(height))  # valid filter types
    return width, height


def decoded(response: dict[str, Any]) -> list[bytes]:
    return [base64.b64decode(image) for image in response["images"]]


def invoke(runtime: Any, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = runtime.invoke_model(modelId=model_id, body=json.dumps(body))
    result: dict[str, Any] = json.loads(response["body"].read())
    return result


def rejection(runtime: Any, model_id: str, body: dict[str, Any]) -> str:
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(modelId=model_id, body=json.dumps(body))
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    return str(excinfo.value.response["Error"]["Message"])


def malformed(detail: str) -> str:
    return f"Malformed input request: {detail}, please reformat your input and try again."


def text_image(text: str = "a lighthouse at dusk", **config: Any) -> dict[str, Any]:
    """A Titan / Nova Canvas TEXT_IMAGE body (small by default, to keep tests fast)."""
    config = {"width": 512, "height": 512, **config}
    return {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": text},
        "imageGenerationConfig": config,
    }


def edit(task: str, params: dict[str, Any], **config: Any) -> dict[str, Any]:
    key = titan_image.PARAMS_KEYS[task]
    body: dict[str, Any] = {"taskType": task, key: params}
    if config:
        body["imageGenerationConfig"] = config
    return body


def b64png(width: int, height: int) -> str:
    return base64.b64encode(png(width, height, 1, "input")).decode()


def b64jpeg(width: int, height: int) -> str:
    """Just enough of a baseline JPEG (SOI, APP0, SOF0, EOI) to carry its size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + bytes(9)
    return base64.b64encode(b"\xff\xd8" + app0 + sof0 + b"\xff\xd9").decode()


@pytest.fixture
def west(aws: Aws) -> Any:
    return aws.client("bedrock-runtime", region=STABILITY_REGION)


# -- PNG encoder ------------------------------------------------------------------------


def test_png_is_valid_for_edge_sizes() -> None:
    for width, height in [(1, 1), (2, 3), (3, 1), (7, 100), (11_000, 2)]:
        data = png(width, height, 5, "edge")
        assert read_png(data) == (width, height) == image_size(data)


def test_png_bytes_are_pinned() -> None:
    # Same on every machine and Python: the encoder does not depend on the zlib build. A
    # change here changes every image users may have stored as a fixture.
    digest = hashlib.sha256(png(64, 32, 7, "golden")).hexdigest()
    assert digest == "b7f4053a63f89006050f2b1537728f8a03a4e01a1c0c99a404709c993ba98785"


def test_png_is_fast() -> None:
    started = time.perf_counter()
    data = png(1024, 1024, 3, "speed")
    elapsed = time.perf_counter() - started
    assert read_png(data) == (1024, 1024)
    assert elapsed < 0.5, f"1024x1024 took {elapsed:.3f}s"


def test_png_rejects_empty_sizes() -> None:
    for width, height in [(0, 1), (1, 0), (-5, 5)]:
        with pytest.raises(ValueError):
            png(width, height, 0, "x")


def test_image_size_reads_png_jpeg_gif_and_webp_headers() -> None:
    assert image_size(base64.b64decode(b64jpeg(640, 480))) == (640, 480)
    assert image_size(b"GIF89a\x80\x02\xe0\x01") == (640, 480)
    lossy = b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x00\x00\x00\x9d\x01\x2a"
    assert image_size(lossy + b"\x20\x03\xb8\x01") == (800, 440)
    header = b"RIFF\x00\x00\x00\x00WEBP"
    lossless = header + b"VP8L\x00\x00\x00\x00\x2f" + (799 | 439 << 14).to_bytes(4, "little")
    assert image_size(lossless) == (800, 440)
    extended = (
        header + b"VP8X" + bytes(8) + (799).to_bytes(3, "little") + (439).to_bytes(3, "little")
    )
    assert image_size(extended) == (800, 440)
    for junk in (
        b"",
        b"GIF89a..",
        b"\xff\xd8\xff",
        b"\x89PNG\r\n\x1a\n",
        lossy,
        b"RIFF....WEBPVP8X",
    ):
        assert image_size(junk) is None


# -- Titan Image Generator and Nova Canvas ----------------------------------------------


def test_text_image_returns_pngs_of_the_requested_size_and_count(runtime: Any) -> None:
    for model_id, width, height, count in [
        (TITAN_V1, 384, 576, 3),
        (TITAN_V2, 704, 320, 1),
        (NOVA, 320, 336, 5),
    ]:
        body = text_image(width=width, height=height, numberOfImages=count)
        response = invoke(runtime, model_id, body)
        assert set(response) == {"images", "error"} and response["error"] is None
        images = decoded(response)
        assert [read_png(image) for image in images] == [(width, height)] * count, model_id
        assert len(set(images)) == count, "images of one request must differ"


def test_default_size_is_1024_square_and_one_image(runtime: Any) -> None:
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a red fox"}}
    for model_id in (TITAN_V1, TITAN_V2, NOVA):
        images = decoded(invoke(runtime, model_id, body))
        assert [read_png(image) for image in images] == [(1024, 1024)], model_id


@pytest.mark.parametrize("model_id", [TITAN_V2, NOVA])
def test_amazon_images_are_deterministic(runtime: Any, model_id: str) -> None:
    first = decoded(invoke(runtime, model_id, text_image(seed=7, numberOfImages=2)))
    assert decoded(invoke(runtime, model_id, text_image(seed=7, numberOfImages=2))) == first
    other_seed = decoded(invoke(runtime, model_id, text_image(seed=8)))
    other_prompt = decoded(invoke(runtime, model_id, text_image("a lighthouse at dawn", seed=7)))
    assert other_seed[0] != first[0] and other_prompt[0] not in first
    # Image i of a request is drawn from seed + i.
    assert other_seed[0] == first[1]


def test_default_seeds_are_the_documented_ones(runtime: Any) -> None:
    assert invoke(runtime, TITAN_V2, text_image()) == invoke(runtime, TITAN_V2, text_image(seed=42))
    assert invoke(runtime, NOVA, text_image()) == invoke(runtime, NOVA, text_image(seed=12))


def test_server_and_in_process_draw_the_same_bytes(runtime: Any) -> None:
    # In server mode the answer comes from another process: hashing must not be salted.
    body = text_image(seed=3, numberOfImages=2)
    model = load_catalog().get(NOVA)
    assert model is not None
    assert invoke(runtime, NOVA, body) == nova_canvas.generate(body, model)[0]


# name: (model, body, size of each image, number of images).
OTHER_TASKS: dict[str, tuple[str, dict[str, Any], tuple[int, int], int]] = {
    "titan-inpainting": (
        TITAN_V1,
        edit("INPAINTING", {"image": b64png(400, 300), "maskPrompt": "sky"}, numberOfImages=2),
        (400, 300),
        2,
    ),
    "titan-outpainting-jpeg": (
        TITAN_V1,
        edit(
            "OUTPAINTING",
            {"image": b64jpeg(640, 480), "maskImage": b64png(640, 480), "text": "a beach"},
        ),
        (640, 480),
        1,
    ),
    "titan-background-removal": (  # always one image
        TITAN_V2,
        edit("BACKGROUND_REMOVAL", {"image": b64png(333, 222)}, numberOfImages=3),
        (333, 222),
        1,
    ),
    "titan-variation": (
        TITAN_V1,
        edit(
            "IMAGE_VARIATION",
            {"images": [b64png(64, 64)], "similarityStrength": 0.5},
            width=384,
            height=576,
        ),
        (384, 576),
        1,
    ),
    "titan-color-guided": (
        TITAN_V2,
        edit(
            "COLOR_GUIDED_GENERATION",
            {"text": "a kite", "colors": ["#FF9800", "#00aaff"]},
            width=512,
            height=512,
            numberOfImages=2,
        ),
        (512, 512),
        2,
    ),
    "nova-conditioned": (
        NOVA,
        edit(
            "TEXT_IMAGE",
            {
                "text": "a house",
                "conditionImage": b64png(320, 320),
                "controlMode": "SEGMENTATION",
                "style": "DESIGN_SKETCH",
            },
            width=320,
            height=320,
        ),
        (320, 320),
        1,
    ),
    "nova-variation": (
        NOVA,
        edit("IMAGE_VARIATION", {"images": [b64png(50, 50)] * 5}, width=320, height=640),
        (320, 640),
        1,
    ),
    "nova-outpainting": (  # Nova, unlike Titan, needs no text here
        NOVA,
        edit("OUTPAINTING", {"image": b64png(500, 100), "maskPrompt": "car"}),
        (500, 100),
        1,
    ),
    "nova-background-removal": (
        NOVA,
        edit("BACKGROUND_REMOVAL", {"image": b64jpeg(90, 60)}),
        (90, 60),
        1,
    ),
}


def test_other_tasks_answer_with_pngs(runtime: Any) -> None:
    got = {
        name: [read_png(image) for image in decoded(invoke(runtime, model_id, body))]
        for name, (model_id, body, _, _) in OTHER_TASKS.items()
    }
    assert got == {name: [size] * count for name, (_, _, size, count) in OTHER_TASKS.items()}


def _titan_sizes() -> str:
    return ", ".join(f"{w}x{h}" for w, h in titan_image.SIZES)


TITAN_REJECTIONS: list[tuple[str, dict[str, Any], str]] = [
    ("no-task-type", {"textToImageParams": {"text": "x"}}, "#: required key [taskType] not found"),
    (
        "no-params",
        {"taskType": "TEXT_IMAGE"},
        "#: required key [textToImageParams] not found",
    ),
    (
        "no-text",
        {"taskType": "TEXT_IMAGE", "textToImageParams": {"negativeText": "fog"}},
        "#/textToImageParams: required key [text] not found",
    ),
    ("extraneous", {**text_image(), "foo": 1}, "#: extraneous key [foo] is not permitted"),
    (
        "extraneous-config",
        text_image(steps=30),
        "#/imageGenerationConfig: extraneous key [steps] is not permitted",
    ),
    (
        "other-task-params",
        {**text_image(), "inPaintingParams": {"image": "x"}},
        "#: extraneous key [inPaintingParams] is not permitted",
    ),
    ("bad-task", {**text_image(), "taskType": "FOO"}, "#/taskType: FOO is not a valid enum value"),
    (
        "v2-task-on-v1",
        {"taskType": "COLOR_GUIDED_GENERATION"},
        "#/taskType: COLOR_GUIDED_GENERATION is not a valid enum value",
    ),
    (
        "v2-member-on-v1",
        {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x", "conditionImage": "x"}},
        "#/textToImageParams: extraneous key [conditionImage] is not permitted",
    ),
    (
        "params-type",
        {"taskType": "TEXT_IMAGE", "textToImageParams": "a cat"},
        "#/textToImageParams: expected type: JSONObject, found: String",
    ),
    (
        "text-too-long",
        text_image("x" * 600),
        "#/textToImageParams/text: expected maxLength: 512, actual: 600",
    ),
    ("text-empty", text_image(""), "#/textToImageParams/text: expected minLength: 1, actual: 0"),
    (
        "negative-too-long",
        {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x", "negativeText": "n" * 513}},
        "#/textToImageParams/negativeText: expected maxLength: 512, actual: 513",
    ),
    (
        "count-type",
        text_image(numberOfImages="2"),
        "#/imageGenerationConfig/numberOfImages: expected type: Integer, found: String",
    ),
    (
        "count-float",
        text_image(numberOfImages=2.0),
        "#/imageGenerationConfig/numberOfImages: expected type: Integer, found: BigDecimal",
    ),
    (
        "count-high",
        text_image(numberOfImages=6),
        "#/imageGenerationConfig/numberOfImages: 6 is not less or equal to 5",
    ),
    (
        "count-low",
        text_image(numberOfImages=0),
        "#/imageGenerationConfig/numberOfImages: 0 is not greater or equal to 1",
    ),
    (
        "cfg-low",
        text_image(cfgScale=1.0),
        "#/imageGenerationConfig/cfgScale: 1.0 is not greater or equal to 1.1",
    ),
    (
        "cfg-high",
        text_image(cfgScale=10.5),
        "#/imageGenerationConfig/cfgScale: 10.5 is not less or equal to 10.0",
    ),
    (
        "seed-low",
        text_image(seed=-1),
        "#/imageGenerationConfig/seed: -1 is not greater or equal to 0",
    ),
    (
        "seed-high",
        text_image(seed=2_147_483_647),
        "#/imageGenerationConfig/seed: 2147483647 is not less or equal to 2147483646",
    ),
    (
        "quality",
        text_image(quality="ultra"),
        "#/imageGenerationConfig/quality: ultra is not a valid enum value",
    ),
    (
        "width",
        text_image(width=1000),
        "#/imageGenerationConfig/width: 1000 is not a valid enum value",
    ),
    (
        "size-pair",
        text_image(width=1024, height=512),
        f"#/imageGenerationConfig: 1024x512 is not a supported image size (width x height); "
        f"supported sizes: {_titan_sizes()}",
    ),
    (
        "mask-both",
        edit("INPAINTING", {"image": b64png(64, 64), "maskPrompt": "a", "maskImage": "b"}),
        "#/inPaintingParams: exactly one of [maskPrompt, maskImage] is required",
    ),
    (
        "mask-none",
        edit("INPAINTING", {"image": b64png(64, 64)}),
        "#/inPaintingParams: exactly one of [maskPrompt, maskImage] is required",
    ),
    (
        "outpainting-text",
        edit("OUTPAINTING", {"image": b64png(64, 64), "maskPrompt": "a"}),
        "#/outPaintingParams: required key [text] not found",
    ),
    (
        "outpainting-mode",
        edit(
            "OUTPAINTING",
            {"image": b64png(64, 64), "maskPrompt": "a", "text": "b", "outPaintingMode": "FAST"},
        ),
        "#/outPaintingParams/outPaintingMode: FAST is not a valid enum value",
    ),
    (
        "image-not-base64",
        edit("INPAINTING", {"image": "not base64!", "maskPrompt": "a"}),
        "#/inPaintingParams/image: expected a base64-encoded PNG or JPEG image",
    ),
    (
        "image-not-png",
        edit("INPAINTING", {"image": base64.b64encode(b"GIF89a").decode(), "maskPrompt": "a"}),
        "#/inPaintingParams/image: expected a base64-encoded PNG or JPEG image",
    ),
    (
        "image-too-big",
        edit("INPAINTING", {"image": b64jpeg(1500, 800), "maskPrompt": "a"}),
        "#/inPaintingParams/image: the image is 1500x800; its longer side must be at most "
        "1408 pixels",
    ),
    (
        "variation-empty",
        edit("IMAGE_VARIATION", {"images": []}),
        "#/imageVariationParams/images: expected minimum item count: 1, found: 0",
    ),
    (
        "variation-six",
        edit("IMAGE_VARIATION", {"images": [b64png(8, 8)] * 6}),
        "#/imageVariationParams/images: expected maximum item count: 5, found: 6",
    ),
    (
        "similarity",
        edit("IMAGE_VARIATION", {"images": [b64png(8, 8)], "similarityStrength": 0.1}),
        "#/imageVariationParams/similarityStrength: 0.1 is not greater or equal to 0.2",
    ),
    ("two-violations", {"taskType": "FOO", "bar": 1}, "2 schema violations found"),
]


def assert_rejections(
    runtime: Any, model_id: str, cases: list[tuple[str, dict[str, Any], str]]
) -> None:
    """Every case is rejected with its message (one test, many cases: fixtures are slow)."""
    got = {name: rejection(runtime, model_id, body) for name, body, _ in cases}
    assert got == {name: malformed(detail) for name, _, detail in cases}


def test_titan_rejects_bad_bodies(runtime: Any) -> None:
    assert_rejections(runtime, TITAN_V1, TITAN_REJECTIONS)


TITAN_V2_REJECTIONS: list[tuple[str, dict[str, Any], str]] = [
    (
        "colors-empty",
        edit("COLOR_GUIDED_GENERATION", {"text": "x", "colors": []}),
        "#/colorGuidedGenerationParams/colors: expected minimum item count: 1, found: 0",
    ),
    (
        "colors-eleven",
        edit("COLOR_GUIDED_GENERATION", {"text": "x", "colors": ["#000000"] * 11}),
        "#/colorGuidedGenerationParams/colors: expected maximum item count: 10, found: 11",
    ),
    (
        "color-pattern",
        edit("COLOR_GUIDED_GENERATION", {"text": "x", "colors": ["red"]}),
        "#/colorGuidedGenerationParams/colors/0: string [red] does not match pattern "
        "^#[0-9A-Fa-f]{6}$",
    ),
    (
        "no-colors",
        edit("COLOR_GUIDED_GENERATION", {"text": "x"}),
        "#/colorGuidedGenerationParams: required key [colors] not found",
    ),
    (
        "control-without-image",
        edit("TEXT_IMAGE", {"text": "x", "controlStrength": 0.5}),
        "#/textToImageParams: [controlStrength] requires [conditionImage]",
    ),
    (
        "control-strength",
        edit("TEXT_IMAGE", {"text": "x", "conditionImage": b64png(8, 8), "controlStrength": 2}),
        "#/textToImageParams/controlStrength: 2 is not less or equal to 1.0",
    ),
    (
        "background-removal-image",
        edit("BACKGROUND_REMOVAL", {}),
        "#/backgroundRemovalParams: required key [image] not found",
    ),
]


def test_titan_v2_rejects_bad_bodies(runtime: Any) -> None:
    assert_rejections(runtime, TITAN_V2, TITAN_V2_REJECTIONS)


NOVA_REJECTIONS: list[tuple[str, dict[str, Any], str]] = [
    (
        "text-too-long",
        text_image("x" * 1025, width=320, height=320),
        "#/textToImageParams/text: expected maxLength: 1024, actual: 1025",
    ),
    (
        "width-low",
        text_image(width=304),
        "#/imageGenerationConfig/width: 304 is not greater or equal to 320",
    ),
    (
        "height-high",
        text_image(height=4112),
        "#/imageGenerationConfig/height: 4112 is not less or equal to 4096",
    ),
    (
        "width-step",
        text_image(width=1000),
        "#/imageGenerationConfig/width: 1000 is not a multiple of 16",
    ),
    (
        "aspect-ratio",
        text_image(width=1344, height=320),
        "#/imageGenerationConfig: the aspect ratio of 1344x320 is not between 1:4 and 4:1",
    ),
    (
        "pixels",
        text_image(width=4096, height=1040),
        "#/imageGenerationConfig: 4096x1040 is 4,259,840 pixels; the maximum is 4,194,304",
    ),
    (
        "seed-high",
        text_image(seed=858_993_460),
        "#/imageGenerationConfig/seed: 858993460 is not less or equal to 858993459",
    ),
    (
        "style",
        {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x", "style": "WATERCOLOR"}},
        "#/textToImageParams/style: WATERCOLOR is not a valid enum value",
    ),
    (
        "mask-prompt-too-long",
        edit("INPAINTING", {"image": b64png(64, 64), "maskPrompt": "m" * 1025}),
        "#/inPaintingParams/maskPrompt: expected maxLength: 1024, actual: 1025",
    ),
    (
        "input-too-big",
        edit("BACKGROUND_REMOVAL", {"image": b64jpeg(2100, 2100)}),
        "#/backgroundRemovalParams/image: the image is 4,410,000 pixels; the maximum is 4,194,304",
    ),
]


def test_nova_canvas_rejects_bad_bodies(runtime: Any) -> None:
    assert_rejections(runtime, NOVA, NOVA_REJECTIONS)


def test_nova_canvas_allows_its_largest_documented_sizes(runtime: Any) -> None:
    for width, height in [(2048, 2048), (1024, 4096)]:
        image = decoded(invoke(runtime, NOVA, text_image(width=width, height=height)))[0]
        assert read_png(image) == (width, height)


def test_virtual_try_on_is_not_emulated(runtime: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(
            modelId=NOVA, body=json.dumps({"taskType": "VIRTUAL_TRY_ON", "virtualTryOnParams": {}})
        )
    error = excinfo.value.response["Error"]
    assert error["Code"] == "NotImplementedException"
    assert error["Message"] == (
        "moto-bedrock does not emulate the VIRTUAL_TRY_ON task of amazon.nova-canvas-v1:0 yet."
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


# -- Stability --------------------------------------------------------------------------


def test_stability_aspect_ratios_are_about_one_megapixel(west: Any) -> None:
    got = {}
    for ratio in stability.SIZES:
        response = invoke(west, SD35, {"prompt": "a harbour", "aspect_ratio": ratio, "seed": 5})
        assert set(response) == {"seeds", "finish_reasons", "images"}
        assert response["seeds"] == [5] and response["finish_reasons"] == [None]
        (got[ratio],) = [read_png(image) for image in decoded(response)]
    assert got == stability.SIZES
    assert got["1:1"] == (1024, 1024) and got["16:9"] == (1344, 768)
    for width, height in got.values():
        assert 0.8e6 < width * height < 1.1e6 and width % 64 == height % 64 == 0


def test_every_stability_model_draws_a_default_square(west: Any) -> None:
    models = load_catalog().models_in(STABILITY_REGION)
    # Text-to-image models; the image-editing services (stability_edit) need an input image.
    stability_models = [m.model_id for m in models if m.family == "stability"]
    assert len(stability_models) == 6
    images = []
    for model_id in stability_models:
        response = invoke(west, model_id, {"prompt": "a harbour", "output_format": "jpeg"})
        # output_format jpeg still answers with PNG bytes (documented in the codec).
        (image,) = decoded(response)
        assert read_png(image) == (1024, 1024)
        images.append(image)
    assert len(set(images)) == len(images), "each model draws its own picture"


def test_stability_is_deterministic(west: Any) -> None:
    first = invoke(west, SD35, {"prompt": "a harbour", "seed": 9})
    assert invoke(west, SD35, {"prompt": "a harbour", "seed": 9}) == first
    assert invoke(west, SD35, {"prompt": "a harbour", "seed": 10})["images"] != first["images"]
    assert invoke(west, SD35, {"prompt": "a harbor", "seed": 9})["images"] != first["images"]
    negative = invoke(west, SD35, {"prompt": "a harbour", "seed": 9, "negative_prompt": "fog"})
    assert negative["images"] != first["images"]


def test_stability_random_seed_is_reported_and_reproducible(west: Any) -> None:
    randomised = invoke(west, SD35, {"prompt": "a harbour"})
    assert randomised == invoke(west, SD35, {"prompt": "a harbour", "seed": 0})
    (seed,) = randomised["seeds"]
    assert 1 <= seed <= 4_294_967_294
    again = invoke(west, SD35, {"prompt": "a harbour", "seed": seed})
    assert again == randomised


def test_stability_image_to_image_keeps_the_input_size(west: Any) -> None:
    body = {"prompt": "in winter", "mode": "image-to-image", "image": b64png(96, 80)}
    response = invoke(west, SD35, {**body, "strength": 0.6})
    assert [read_png(image) for image in decoded(response)] == [(96, 80)]


SD35_REJECTIONS: list[tuple[str, dict[str, Any], str]] = [
    ("no-prompt", {"seed": 1}, "#: required key [prompt] not found"),
    (
        "prompt-type",
        {"prompt": ["a", "b"]},
        "#/prompt: expected type: String, found: JSONArray",
    ),
    (
        "prompt-too-long",
        {"prompt": "x" * 10_001},
        "#/prompt: expected maxLength: 10000, actual: 10001",
    ),
    (
        "negative-too-long",
        {"prompt": "x", "negative_prompt": "n" * 10_001},
        "#/negative_prompt: expected maxLength: 10000, actual: 10001",
    ),
    (
        "aspect-ratio",
        {"prompt": "x", "aspect_ratio": "4:3"},
        "#/aspect_ratio: 4:3 is not a valid enum value",
    ),
    ("seed-low", {"prompt": "x", "seed": -1}, "#/seed: -1 is not greater or equal to 0"),
    (
        "seed-high",
        {"prompt": "x", "seed": 4_294_967_295},
        "#/seed: 4294967295 is not less or equal to 4294967294",
    ),
    (
        "seed-type",
        {"prompt": "x", "seed": "1"},
        "#/seed: expected type: Integer, found: String",
    ),
    (
        "output-format",
        {"prompt": "x", "output_format": "webp"},
        "#/output_format: webp is not a valid enum value",
    ),
    (
        "extraneous",
        {"prompt": "x", "cfg_scale": 7},
        "#: extraneous key [cfg_scale] is not permitted",
    ),
    ("mode", {"prompt": "x", "mode": "inpaint"}, "#/mode: inpaint is not a valid enum value"),
    (
        "no-image",
        {"prompt": "x", "mode": "image-to-image", "strength": 0.5},
        "#: required key [image] not found",
    ),
    (
        "no-strength",
        {"prompt": "x", "mode": "image-to-image", "image": b64png(64, 64)},
        "#: required key [strength] not found",
    ),
    (
        "strength-high",
        {"prompt": "x", "mode": "image-to-image", "image": b64png(64, 64), "strength": 1.5},
        "#/strength: 1.5 is not less or equal to 1",
    ),
    (
        "image-not-base64",
        {"prompt": "x", "mode": "image-to-image", "image": "%%%", "strength": 0.5},
        "#/image: expected a base64-encoded PNG or JPEG image",
    ),
    (
        "image-too-small",
        {"prompt": "x", "mode": "image-to-image", "image": b64png(32, 200), "strength": 0.5},
        "#/image: the image is 32x200; each side must be at least 64 pixels and the total at "
        "most 9,437,184 pixels",
    ),
]


def test_stability_rejects_bad_bodies(west: Any) -> None:
    assert_rejections(west, SD35, SD35_REJECTIONS)
    core = [
        (
            "core-is-text-only",
            {"prompt": "x", "mode": "text-to-image"},
            "#: extraneous key [mode] is not permitted",
        ),
    ]
    assert_rejections(west, CORE, core)


# -- CountTokens, usage headers and streaming -------------------------------------------

PROMPT = "A watercolour of a lighthouse on a rocky coast, seagulls overhead"


def test_count_tokens_and_usage_are_the_prompt_tokens(runtime: Any, west: Any) -> None:
    expected = count_tokens(PROMPT)
    assert expected > 0
    for client, model_id, body in [
        (runtime, TITAN_V1, text_image(PROMPT)),
        (runtime, NOVA, text_image(PROMPT)),
        (west, SD35, {"prompt": PROMPT, "negative_prompt": "people"}),
    ]:
        counted = client.count_tokens(
            modelId=model_id, input={"invokeModel": {"body": json.dumps(body).encode()}}
        )
        assert counted["inputTokens"] == expected, model_id
        response = client.invoke_model(modelId=model_id, body=json.dumps(body))
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        assert headers["x-amzn-bedrock-input-token-count"] == str(expected), model_id
        assert headers["x-amzn-bedrock-output-token-count"] == "0"


def test_count_tokens_validates_image_bodies(runtime: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.count_tokens(
            modelId=NOVA, input={"invokeModel": {"body": json.dumps(text_image(""))}}
        )
    assert excinfo.value.response["Error"]["Message"] == malformed(
        "#/textToImageParams/text: expected minLength: 1, actual: 0"
    )


def test_image_models_cannot_stream(runtime: Any, west: Any) -> None:
    for client, model_id, body in [
        (runtime, TITAN_V2, text_image()),
        (runtime, NOVA, text_image()),
        (west, SD35, {"prompt": "x"}),
    ]:
        with pytest.raises(ClientError) as excinfo:
            client.invoke_model_with_response_stream(modelId=model_id, body=json.dumps(body))
        error = excinfo.value.response["Error"]
        assert error == {
            "Code": "ValidationException",
            "Message": "The model is unsupported for streaming.",
        }, model_id
