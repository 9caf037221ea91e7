"""Embeddings: the hashing method, and the Titan and Cohere embedding bodies on InvokeModel."""

from __future__ import annotations

import base64
import json
import math
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.generation import embeddings
from moto_bedrock.generation.embeddings import embed_bytes, embed_text
from moto_bedrock.generation.tokens import count_tokens

TITAN_V1 = "amazon.titan-embed-text-v1"
TITAN_V2 = "amazon.titan-embed-text-v2:0"
TITAN_IMAGE = "amazon.titan-embed-image-v1"
COHERE_EN = "cohere.embed-english-v3"
COHERE_ML = "cohere.embed-multilingual-v3"
COHERE_V4 = "cohere.embed-v4:0"
ALL_MODELS = [TITAN_V1, TITAN_V2, TITAN_IMAGE, COHERE_EN, COHERE_ML, COHERE_V4]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3
PNG_B64 = base64.b64encode(PNG).decode()

DOCUMENTS = [
    "The Amazon rainforest is home to jaguars, sloths and thousands of tree species.",
    "Sourdough bread needs a starter, flour, water, salt and a long slow rise.",
    "The stock market fell sharply after the central bank raised interest rates.",
    "A black hole forms when a massive star collapses under its own gravity.",
    "Regular stretching and strength training help prevent running injuries.",
    "The violin concerto was premiered by the city orchestra last spring.",
    "Python decorators wrap a function to add logging or caching behaviour.",
    "Medieval castles were built with thick stone walls and deep moats.",
    "Electric cars charge their lithium batteries at public charging stations.",
    "Honeybees pollinate crops and communicate with a waggle dance.",
]
QUERY = "How long should sourdough bread rise before baking?"
RELATED = 1


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (norm(a) * norm(b))


def norm(vector: list[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


def invoke(runtime: Any, model_id: str, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The decoded response body and the input-token header."""
    response = runtime.invoke_model(modelId=model_id, body=json.dumps(body))
    tokens = int(response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-bedrock-input-token-count"])
    return json.loads(response["body"].read()), tokens


def rejection(runtime: Any, model_id: str, body: dict[str, Any]) -> str:
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(modelId=model_id, body=json.dumps(body))
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException"
    return str(error["Message"])


def schema_error(detail: str) -> str:
    return f"Malformed input request: {detail}, please reformat your input and try again."


# -- the method ------------------------------------------------------------------------


def test_vectors_are_unit_length_deterministic_and_sized() -> None:
    for dimensions in (256, 384, 1024, 1536):
        vector = embed_text("Hello, embeddings!", dimensions)
        assert len(vector) == dimensions and math.isclose(norm(vector), 1.0)
        assert vector == embed_text("Hello, embeddings!", dimensions)
    assert math.isclose(norm(embed_bytes(PNG, 1024)), 1.0)
    assert embed_bytes(PNG, 1024) == embed_bytes(PNG, 1024)


def test_empty_text_gets_one_fixed_unit_vector() -> None:
    empty = embed_text("", 512)
    assert empty == embed_text("   \n", 512)
    assert math.isclose(norm(empty), 1.0) and sum(1 for x in empty if x) > 400


@pytest.mark.slow  # runs other Python processes: CI runs it (-m slow)
def test_same_vectors_in_another_process_with_another_hash_seed() -> None:
    script = (
        "import json; from moto_bedrock.generation.embeddings import embed_text, embed_bytes;"
        "print(json.dumps([embed_text('Déjà vu: the cat sat on the mat!', 1024),"
        " embed_bytes(bytes(range(256)) * 5, 256)]))"
    )
    expected = [
        embed_text("Déjà vu: the cat sat on the mat!", 1024),
        embed_bytes(bytes(range(256)) * 5, 256),
    ]
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        output = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, check=True, text=True
        ).stdout
        assert json.loads(output) == expected


def test_shared_words_and_word_pieces_make_texts_close() -> None:
    def similarity(a: str, b: str) -> float:
        return cosine(embed_text(a, 1024), embed_text(b, 1024))

    assert similarity("embedding", "embeddings") > 0.25 > similarity("embedding", "giraffe")
    assert similarity("The cat sat", "the CAT sat") == pytest.approx(1.0)
    assert similarity("red apples", "red apples and pears") > similarity("red apples", "blue sky")
    # Documented limits: word order is ignored, synonyms are not close.
    assert similarity("dog bites man", "man bites dog") == pytest.approx(1.0)
    assert similarity("car", "automobile") < 0.2


def test_words_weigh_more_than_their_pieces() -> None:
    # Same word vs. a word sharing all but one 3-gram: the word feature dominates.
    assert cosine(embed_text("planets", 1024), embed_text("planet", 1024)) < 0.6


def test_quantizers_stay_in_range() -> None:
    vector = embed_text("quantize this short sentence please", 1024)
    int8, uint8 = embeddings.to_int8(vector), embeddings.to_uint8(vector)
    assert min(int8) >= -128 and max(int8) <= 127 and max(map(abs, int8)) == 127
    assert min(uint8) >= 0 and max(uint8) <= 255
    assert embeddings.to_bits([0.5, -0.5, 0.0]) == [1, 0, 0]
    assert embeddings.pack_bits([1.0] * 8 + [-1.0] * 8, signed=False) == [255, 0]
    assert embeddings.pack_bits([1.0] * 8 + [-1.0] * 8, signed=True) == [127, -128]
    assert embeddings.pack_bits([1, -1, -1, -1, -1, -1, -1, 1], signed=False) == [0b10000001]


# -- Titan Text Embeddings ----------------------------------------------------------------


def test_titan_v1_returns_1536_unit_floats_and_token_count(runtime: Any) -> None:
    text = "Titan G1 embeds this sentence."
    body, header = invoke(runtime, TITAN_V1, {"inputText": text})
    assert set(body) == {"embedding", "inputTextTokenCount"}
    assert body["embedding"] == embed_text(text, 1536)  # the server computes the same vector
    assert math.isclose(norm(body["embedding"]), 1.0)
    assert body["inputTextTokenCount"] == header == count_tokens(text)


def test_titan_v2_dimensions_and_default_float_type(runtime: Any) -> None:
    for dimensions in (None, 1024, 512, 256):
        request: dict[str, Any] = {"inputText": "Vectors for search."}
        if dimensions is not None:
            request["dimensions"] = dimensions
        body, _ = invoke(runtime, TITAN_V2, request)
        size = dimensions or 1024
        assert set(body) == {"embedding", "embeddingsByType", "inputTextTokenCount"}
        assert body["embeddingsByType"] == {"float": body["embedding"]}
        assert len(body["embedding"]) == size and math.isclose(norm(body["embedding"]), 1.0)
        assert all(isinstance(x, float) for x in body["embedding"])


def test_titan_v2_binary_is_one_zero_or_one_per_dimension(runtime: Any) -> None:
    for types in (["binary"], ["float", "binary"]):
        request = {"inputText": "binary please", "dimensions": 256, "embeddingTypes": types}
        body, _ = invoke(runtime, TITAN_V2, request)
        assert sorted(body["embeddingsByType"]) == sorted(types)
        bits = body["embeddingsByType"]["binary"]
        assert len(bits) == 256 and set(bits) <= {0, 1} and 1 in bits
        assert bits == [1 if x > 0 else 0 for x in body["embedding"]]


def test_titan_v2_normalize_false_is_not_unit_length(runtime: Any) -> None:
    text = "Not normalized, please."
    normalized, _ = invoke(runtime, TITAN_V2, {"inputText": text})
    raw, _ = invoke(runtime, TITAN_V2, {"inputText": text, "normalize": False})
    tokens = count_tokens(text)
    assert norm(raw["embedding"]) == pytest.approx(math.sqrt(1 + tokens))
    assert cosine(raw["embedding"], normalized["embedding"]) == pytest.approx(1.0)
    explicit, _ = invoke(runtime, TITAN_V2, {"inputText": text, "normalize": True})
    assert explicit == normalized


def test_titan_v2_same_request_same_vector(runtime: Any) -> None:
    request = {"inputText": "Deterministic?", "dimensions": 512}
    assert invoke(runtime, TITAN_V2, request) == invoke(runtime, TITAN_V2, request)


def ranking(vectors: list[list[float]], query: list[float]) -> list[int]:
    return sorted(range(len(vectors)), key=lambda i: cosine(vectors[i], query), reverse=True)


def test_titan_v2_retrieval_ranks_the_related_document_first(runtime: Any) -> None:
    vectors = [invoke(runtime, TITAN_V2, {"inputText": d})[0]["embedding"] for d in DOCUMENTS]
    query = invoke(runtime, TITAN_V2, {"inputText": QUERY})[0]["embedding"]
    order = ranking(vectors, query)
    assert order[0] == RELATED
    assert cosine(vectors[RELATED], query) > 2 * cosine(vectors[order[1]], query)


# -- Titan Multimodal Embeddings ------------------------------------------------------------


def test_titan_image_text_image_and_both(runtime: Any) -> None:
    for length in (None, 256, 384, 1024):
        check_titan_image(runtime, length)


def check_titan_image(runtime: Any, length: int | None) -> None:
    config = {} if length is None else {"embeddingConfig": {"outputEmbeddingLength": length}}
    size = length or 1024
    text, _ = invoke(runtime, TITAN_IMAGE, {"inputText": "a red kite", **config})
    image, image_tokens = invoke(runtime, TITAN_IMAGE, {"inputImage": PNG_B64, **config})
    both, _ = invoke(
        runtime, TITAN_IMAGE, {"inputText": "a red kite", "inputImage": PNG_B64, **config}
    )
    for body in (text, image, both):
        assert set(body) == {"embedding", "inputTextTokenCount"}
        assert len(body["embedding"]) == size and math.isclose(norm(body["embedding"]), 1.0)
    assert text["inputTextTokenCount"] == both["inputTextTokenCount"] == count_tokens("a red kite")
    assert image["inputTextTokenCount"] == image_tokens == 0
    assert cosine(both["embedding"], text["embedding"]) > 0.6
    assert cosine(both["embedding"], image["embedding"]) > 0.6
    assert image["embedding"] == embed_bytes(PNG, size)


# -- Cohere Embed ---------------------------------------------------------------------------


COHERE_SIZES: list[tuple[str, dict[str, Any], int]] = [
    (COHERE_EN, {}, 1024),
    (COHERE_ML, {}, 1024),
    (COHERE_V4, {}, 1536),
    (COHERE_V4, {"output_dimension": 1024}, 1024),
    (COHERE_V4, {"output_dimension": 512}, 512),
    (COHERE_V4, {"output_dimension": 256}, 256),
]


def test_cohere_floats(runtime: Any) -> None:
    for model_id, extra, size in COHERE_SIZES:
        check_cohere_floats(runtime, model_id, extra, size)


def check_cohere_floats(runtime: Any, model_id: str, extra: dict[str, Any], size: int) -> None:
    texts = ["first text", "second, longer text here"]
    request = {"texts": texts, "input_type": "search_document", **extra}
    body, tokens = invoke(runtime, model_id, request)
    assert set(body) == {"embeddings", "id", "response_type", "texts"}
    # As recorded (pydantic/pydantic-ai tests/cassettes/test_embeddings/TestBedrock.test_cohere_*):
    # v3 answers a plain list, English v3 echoing the texts lower-cased; v4 always answers
    # by type, with "float" by default.
    if model_id == COHERE_V4:
        assert body["response_type"] == "embeddings_by_type" and body["texts"] == texts
        vectors = body["embeddings"]["float"]
    else:
        assert body["response_type"] == "embeddings_floats"
        assert body["texts"] == ([t.lower() for t in texts] if model_id == COHERE_EN else texts)
        vectors = body["embeddings"]
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", body["id"]
    )
    assert [len(v) for v in vectors] == [size, size]
    assert all(math.isclose(norm(v), 1.0) for v in vectors)
    assert vectors[0] == embed_text("first text", size)
    assert tokens == sum(count_tokens(t) for t in texts)
    assert invoke(runtime, model_id, request)[0]["id"] == body["id"]  # deterministic


def test_cohere_every_embedding_type(runtime: Any) -> None:
    types = ["float", "int8", "uint8", "binary", "ubinary"]
    request = {
        "texts": ["alpha beta", "gamma"],
        "input_type": "clustering",
        "embedding_types": types,
    }
    body, _ = invoke(runtime, COHERE_EN, request)
    assert body["response_type"] == "embeddings_by_type"
    by_type = body["embeddings"]
    assert sorted(by_type) == sorted(types)
    for kind, low, high, size in [
        ("int8", -128, 127, 1024),
        ("uint8", 0, 255, 1024),
        ("binary", -128, 127, 128),
        ("ubinary", 0, 255, 128),
    ]:
        for values in by_type[kind]:
            assert len(values) == size and all(isinstance(x, int) for x in values)
            assert low <= min(values) and max(values) <= high
    for floats, ubinary, binary in zip(
        by_type["float"], by_type["ubinary"], by_type["binary"], strict=True
    ):
        assert math.isclose(norm(floats), 1.0)
        assert ubinary == embeddings.pack_bits(floats, signed=False)
        assert binary == [u - 128 for u in ubinary]


def test_cohere_v4_quantized_types_follow_output_dimension(runtime: Any) -> None:
    request = {"texts": ["v4"], "output_dimension": 256, "embedding_types": ["int8", "ubinary"]}
    body, _ = invoke(runtime, COHERE_V4, request)
    assert len(body["embeddings"]["int8"][0]) == 256 and len(body["embeddings"]["ubinary"][0]) == 32


def test_cohere_zero_texts_and_one_image(runtime: Any) -> None:
    body, tokens = invoke(runtime, COHERE_EN, {"texts": [], "input_type": "search_query"})
    assert body["embeddings"] == [] and tokens == 0
    uri = f"data:image/png;base64,{PNG_B64}"
    body, _ = invoke(runtime, COHERE_EN, {"images": [uri], "input_type": "image"})
    assert body["embeddings"] == [embed_bytes(PNG, 1024)]


JPEG = b"\xff\xd8\xff\xe0" + bytes(60)


@pytest.mark.parametrize("model", [COHERE_EN, COHERE_V4])
def test_cohere_takes_an_image_under_another_media_type(runtime: Any, model: str) -> None:
    # haystack's AmazonBedrockDocumentImageEmbedder renders a PDF page as JPEG and sends it
    # as "data:application/pdf;base64,..." (its live Bedrock test expects an embedding,
    # deepset-ai/haystack-core-integrations PR #2185): the bytes decide, not the type.
    jpeg = base64.b64encode(JPEG).decode()
    request = {"images": [f"data:application/pdf;base64,{jpeg}"], "input_type": "image"}
    body, _ = invoke(runtime, model, request)
    vector = (
        body["embeddings"]["float"][0]
        if isinstance(body["embeddings"], dict)
        else body["embeddings"][0]
    )
    assert vector == embed_bytes(JPEG, len(vector))

    # Bytes that are no JPEG or PNG under another type keep the schema error.
    pdf = base64.b64encode(b"%PDF-1.4 not an image").decode()
    message = rejection(
        runtime,
        COHERE_EN,
        {"images": [f"data:application/pdf;base64,{pdf}"], "input_type": "image"},
    )
    assert "does not match pattern ^data:image/(jpeg|png);base64," in message


def test_cohere_truncation(runtime: Any) -> None:
    text = " 7" * 600  # 1200 characters, 600 tokens: within 2048 characters, over 512 tokens
    request: dict[str, Any] = {"texts": [text], "input_type": "search_document"}
    message = rejection(runtime, COHERE_EN, request)
    assert "cannot exceed 512 - received 600" in message
    for mode in ("START", "END"):
        body, tokens = invoke(runtime, COHERE_EN, {**request, "truncate": mode})
        assert tokens == 512 and len(body["embeddings"][0]) == 1024


def test_cohere_retrieval_ranks_the_related_document_first(runtime: Any) -> None:
    documents = {"texts": DOCUMENTS, "input_type": "search_document"}
    vectors = invoke(runtime, COHERE_EN, documents)[0]["embeddings"]
    query = invoke(runtime, COHERE_EN, {"texts": [QUERY], "input_type": "search_query"})[0]
    order = ranking(vectors, query["embeddings"][0])
    assert order[0] == RELATED
    assert cosine(vectors[RELATED], query["embeddings"][0]) > 2 * cosine(
        vectors[order[1]], query["embeddings"][0]
    )


# -- rejections ---------------------------------------------------------------------------

NEGATIVE: list[tuple[str, dict[str, Any], str]] = [
    # G1's key failures carry no "#: " pointer (aws-samples/serverless-pdf-chat#35, 2024-02).
    (TITAN_V1, {}, schema_error("required key [inputText] not found")),
    (
        TITAN_V1,
        {"inputText": "x", "dimensions": 256},
        schema_error("extraneous key [dimensions] is not permitted"),
    ),
    (
        TITAN_V1,
        {"inputText": 5},
        schema_error("#/inputText: expected type: String, found: Integer"),
    ),
    (TITAN_V2, {"dimensions": 256}, schema_error("#: required key [inputText] not found")),
    (
        TITAN_V2,
        {"inputText": "x", "foo": 1},
        schema_error("#: extraneous key [foo] is not permitted"),
    ),
    (TITAN_V2, {"inputText": ""}, schema_error("#/inputText: expected minLength: 1, actual: 0")),
    (
        TITAN_V2,
        {"inputText": "x" * 50_001},
        schema_error("expected maxLength: 50000, actual: 50001"),
    ),
    (
        TITAN_V2,
        {"inputText": "!" * 9000},
        "400 Bad Request: Too many input tokens. Max input tokens: 8192, request input token count: 9000",
    ),
    (
        TITAN_V2,
        {"inputText": "x", "dimensions": "256"},
        schema_error("#/dimensions: expected type: Integer, found: String"),
    ),
    (
        TITAN_V2,
        {"inputText": "x", "dimensions": 256.0},
        schema_error("#/dimensions: expected type: Integer, found: BigDecimal"),
    ),
    (
        TITAN_V2,
        {"inputText": "x", "dimensions": 300},
        schema_error("#/dimensions: 300 is not a valid enum value"),
    ),
    (
        TITAN_V2,
        {"inputText": "x", "normalize": "no"},
        schema_error("#/normalize: expected type: Boolean, found: String"),
    ),
    (
        TITAN_V2,
        {"inputText": "x", "embeddingTypes": "float"},
        schema_error("#/embeddingTypes: expected type: JSONArray, found: String"),
    ),
    (
        TITAN_V2,
        {"inputText": "x", "embeddingTypes": []},
        schema_error("#/embeddingTypes: expected minimum item count: 1, found: 0"),
    ),
    (
        TITAN_V2,
        {"inputText": "x", "embeddingTypes": ["int8"]},
        schema_error("#/embeddingTypes/0: int8 is not a valid enum value"),
    ),
    (TITAN_IMAGE, {}, schema_error("#: no subschema matched out of the total 2 subschemas")),
    (
        TITAN_IMAGE,
        {"inputText": "x", "dimensions": 256},
        schema_error("#: extraneous key [dimensions] is not permitted"),
    ),
    (
        TITAN_IMAGE,
        {"inputImage": ""},
        schema_error("#/inputImage: expected minLength: 1, actual: 0"),
    ),
    (TITAN_IMAGE, {"inputText": ""}, schema_error("#/inputText: expected minLength: 1, actual: 0")),
    (
        TITAN_IMAGE,
        {"inputImage": "not base64!"},
        "The provided inputImage is not valid base64 data.",
    ),
    (
        TITAN_IMAGE,
        {"inputText": " word" * 129},
        "400 Bad Request: Too many input tokens. Max input tokens: 128, request input token count: 129",
    ),
    (
        TITAN_IMAGE,
        {"inputText": "x", "embeddingConfig": {"outputEmbeddingLength": 512}},
        schema_error("#/embeddingConfig/outputEmbeddingLength: 512 is not a valid enum value"),
    ),
    (
        TITAN_IMAGE,
        {"inputText": "x", "embeddingConfig": {}},
        schema_error("#/embeddingConfig: required key [outputEmbeddingLength] not found"),
    ),
    (
        TITAN_IMAGE,
        {"inputText": "x", "embeddingConfig": 256},
        schema_error("#/embeddingConfig: expected type: JSONObject, found: Integer"),
    ),
    (COHERE_EN, {"input_type": "search_query"}, schema_error("#: required key [texts] not found")),
    (COHERE_EN, {"texts": ["x"]}, schema_error("#: required key [input_type] not found")),
    (
        COHERE_EN,
        {"texts": ["x"], "input_type": "search_query", "output_dimension": 256},
        schema_error("#: extraneous key [output_dimension] is not permitted"),
    ),
    (
        COHERE_EN,
        {"texts": ["x"] * 97, "input_type": "search_query"},
        schema_error("#/texts: expected maximum item count: 96, found: 97"),
    ),
    (
        COHERE_EN,
        {"texts": ["x"] * 41 + ["y" * 2500], "input_type": "search_query"},
        schema_error("#/texts/41: expected maxLength: 2048, actual: 2500"),
    ),
    (
        COHERE_ML,
        {"texts": "x", "input_type": "search_query"},
        schema_error("#/texts: expected type: JSONArray, found: String"),
    ),
    (
        COHERE_ML,
        {"texts": [1], "input_type": "search_query"},
        schema_error("#/texts/0: expected type: String, found: Integer"),
    ),
    (
        COHERE_EN,
        {"texts": ["x"], "input_type": "query"},
        schema_error("#/input_type: query is not a valid enum value"),
    ),
    (
        COHERE_EN,
        {"texts": ["x"], "input_type": "search_query", "truncate": "LEFT"},
        schema_error("#/truncate: LEFT is not a valid enum value"),
    ),
    (
        COHERE_EN,
        {"texts": ["x"], "input_type": "search_query", "embedding_types": ["int4"]},
        schema_error("#/embedding_types/0: int4 is not a valid enum value"),
    ),
    (
        COHERE_EN,
        {"texts": ["x"], "input_type": "search_query", "embedding_types": []},
        schema_error("#/embedding_types: expected minimum item count: 1, found: 0"),
    ),
    (
        COHERE_EN,
        {"texts": ["x"], "images": [f"data:image/png;base64,{PNG_B64}"], "input_type": "image"},
        schema_error("#: 2 subschemas matched instead of one"),
    ),
    (
        COHERE_EN,
        {"images": ["a", "b"], "input_type": "image"},
        schema_error("#/images: expected maximum item count: 1, found: 2"),
    ),
    (
        COHERE_EN,
        {"images": ["http://x/cat.png"], "input_type": "image"},
        schema_error(
            "#/images/0: string [http://x/cat.png] does not match pattern "
            "^data:image/(jpeg|png);base64,"
        ),
    ),
    (
        COHERE_V4,
        {"texts": ["x"], "output_dimension": 300},
        schema_error("#/output_dimension: 300 is not a valid enum value"),
    ),
    (
        COHERE_V4,
        {"texts": ["x"], "output_dimension": "256"},
        schema_error("#/output_dimension: expected type: Integer, found: String"),
    ),
]


@pytest.mark.parametrize("model_id", ALL_MODELS)
def test_bad_bodies_are_rejected_in_bedrocks_words(runtime: Any, model_id: str) -> None:
    cases = [(body, message) for model, body, message in NEGATIVE if model == model_id]
    assert cases
    wrong = [
        (body, got, message)
        for body, message in cases
        if (got := rejection(runtime, model_id, body)) != message
    ]
    assert not wrong


def test_cohere_v4_accepts_long_texts_and_no_input_type(runtime: Any) -> None:
    body, tokens = invoke(runtime, COHERE_V4, {"texts": [" word" * 1000]})
    assert len(body["embeddings"]["float"][0]) == 1536 and tokens == 1000


# -- CountTokens and streaming --------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "request_body"),
    [
        (TITAN_V1, {"inputText": "Count these tokens, please."}),
        (TITAN_V2, {"inputText": "Count these tokens, please.", "dimensions": 256}),
        (TITAN_IMAGE, {"inputText": "Count these tokens", "inputImage": PNG_B64}),
        (COHERE_EN, {"texts": ["Count these", "tokens, please."], "input_type": "search_query"}),
    ],
)
def test_count_tokens_matches_the_invocation(
    runtime: Any, model_id: str, request_body: dict[str, Any]
) -> None:
    body, header = invoke(runtime, model_id, request_body)
    counted = runtime.count_tokens(
        modelId=model_id, input={"invokeModel": {"body": json.dumps(request_body)}}
    )
    assert counted["inputTokens"] == header > 0
    if "inputTextTokenCount" in body:
        assert counted["inputTokens"] == body["inputTextTokenCount"]


def test_count_tokens_rejects_bad_embedding_bodies(runtime: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.count_tokens(modelId=TITAN_V2, input={"invokeModel": {"body": json.dumps({})}})
    assert excinfo.value.response["Error"]["Message"] == schema_error(
        "#: required key [inputText] not found"
    )


def test_embedding_models_cannot_stream(runtime: Any) -> None:
    for model_id in ALL_MODELS:
        with pytest.raises(ClientError) as excinfo:
            runtime.invoke_model_with_response_stream(
                modelId=model_id, body=json.dumps({"inputText": "x"})
            )
        assert (
            excinfo.value.response["Error"]["Message"] == "The model is unsupported for streaming."
        )
