"""The new families' codecs, called directly with test-local model entries.

These pin each body's checks (with Bedrock's schema-style texts), its translation into the
Converse-shaped request, and its native response and stream shapes, without depending on
the catalog. The wire behaviour (boto3, both modes) is in ``test_new_families_wire.py``
and ``test_rerank.py``.

Sources: AWS pages "OpenAI models" (gpt-oss body, ``<reasoning>`` note), "Complete
embeddings request and response schema" (Nova multimodal embeddings), "TwelveLabs Marengo
Embed 2.7" and "TwelveLabs Pegasus 1.2", "Cohere Embed v4"; Cohere's rerank API.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
from typing import Any

import pytest

from moto_bedrock.bedrockruntime.exceptions import ValidationException
from moto_bedrock.catalog import FoundationModel
from moto_bedrock.generation import relevance
from moto_bedrock.generation.codecs import (
    _chat,
    amazon_rerank,
    answer_whole,
    codec_for,
    cohere_embed_v4,
    cohere_rerank,
    deepseek_v3,
    kind_of,
    mistral_chat_v2,
    nova_mm_embed,
    openai_chat,
    qwen,
    twelvelabs_marengo,
    twelvelabs_pegasus,
    voxtral,
    writer,
)
from moto_bedrock.generation.inference import InferenceResult

CHAT = pytest.mark.parametrize(
    "codec", [openai_chat, qwen, deepseek_v3, writer, mistral_chat_v2, voxtral]
)


def entry(model_id: str, family: str, **facts: Any) -> FoundationModel:
    """A catalog entry described here, so the codecs are tested whatever the catalog holds."""
    base: dict[str, Any] = {f.name: None for f in dataclasses.fields(FoundationModel)}
    base.update(
        model_id=model_id,
        model_name=model_id,
        provider_name="Test",
        family=family,
        input_modalities=("TEXT",),
        output_modalities=("TEXT",),
        response_streaming_supported=True,
        customizations_supported=(),
        inference_types_supported=("ON_DEMAND",),
        lifecycle_status="ACTIVE",
        requires_inference_profile=False,
        inference_profiles=(),
        max_output_tokens=16384,
        context_window=128000,
        converse=True,
        tool_use=True,
        tool_use_streaming=True,
        tool_choice_any=True,
        tool_choice_tool=True,
        system_prompt=True,
        image_input=False,
        document_input=False,
        video_input=False,
    )
    base.update(facts)
    return FoundationModel(**base)


GPT_OSS = entry("openai.gpt-oss-20b-1:0", "openai-chat")
QWEN_VL = entry("qwen.qwen3-vl-235b-a22b", "qwen", image_input=True)
NOVA_MM = entry(
    "amazon.nova-2-multimodal-embeddings-v1:0",
    "nova-mm-embed",
    output_modalities=("EMBEDDING",),
    embedding_dimensions=(3072, 1024, 384, 256),
)
EMBED_V4 = entry(
    "cohere.embed-v4:0",
    "cohere-embed-v4",
    output_modalities=("EMBEDDING",),
    embedding_dimensions=(1536, 1024, 512, 256),
)
MARENGO = entry(
    "twelvelabs.marengo-embed-2-7-v1:0",
    "twelvelabs-marengo",
    output_modalities=("EMBEDDING",),
    embedding_dimensions=(1024,),
)
PEGASUS = entry("twelvelabs.pegasus-1-2-v1:0", "twelvelabs-pegasus", video_input=True)
RERANK = entry("cohere.rerank-v3-5:0", "cohere-rerank")
PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x01" * 40).decode()
WAV = base64.b64encode(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 20).decode()


def bad(detail: str) -> str:
    return f"Malformed input request: {detail}, please reformat your input and try again."


def result(*content: dict[str, Any], stop: str = "end_turn") -> InferenceResult:
    usage = {"inputTokens": 11, "outputTokens": 7, "totalTokens": 18}
    return InferenceResult(list(content), stop, usage, latency_ms=5, first_byte_ms=1)


def make_id(prefix: str, length: int) -> str:
    return prefix + "x" * length


def pieces(text: str) -> list[str]:
    return [text[i : i + 4] for i in range(0, len(text), 4)]


def refused(call: Any, *args: Any) -> str:
    with pytest.raises(ValidationException) as info:
        call(*args)
    return str(info.value.message)


# -- codec look-up ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "kind"),
    [
        ("openai-chat", "text"),
        ("qwen", "text"),
        ("deepseek-v3", "text"),
        ("writer", "text"),
        ("mistral-chat-v2", "text"),
        ("voxtral", "text"),
        ("twelvelabs-pegasus", "text"),
        ("nova-mm-embed", "embedding"),
        ("twelvelabs-marengo", "embedding"),
        ("cohere-embed-v4", "embedding"),
        ("cohere-rerank", "rerank"),
        ("amazon-rerank", "rerank"),
    ],
)
def test_each_new_family_key_finds_its_codec(family: str, kind: str) -> None:
    # The catalog's keys (issue 10a) are written with dashes or underscores alike.
    for spelling in (family, family.replace("-", "_")):
        codec = codec_for(spelling)
        assert codec is not None
        assert kind_of(codec) == kind


# -- OpenAI chat completions --------------------------------------------------------------


def test_gpt_oss_request_translates_to_converse_fields() -> None:
    body = {
        "model": "openai.gpt-oss-20b-1:0",
        "messages": [
            {"role": "developer", "content": "Be brief."},
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "24 C"},
        ],
        "max_completion_tokens": 300,
        "temperature": 0.5,
        "top_p": 0.9,
        "stop": "END",
        "reasoning_effort": "low",
        "tools": [{"type": "function", "function": {"name": "weather", "parameters": {}}}],
        "tool_choice": "required",
        "stream": False,
    }
    request = openai_chat.parse_request(body, GPT_OSS)
    assert request.system == [{"text": "Be brief."}]
    assert [m["role"] for m in request.messages] == ["user", "assistant", "user"]
    call = request.messages[1]["content"][0]["toolUse"]
    assert call == {"toolUseId": "call_1", "name": "weather", "input": {"city": "Paris"}}
    tool_result = request.messages[2]["content"][0]["toolResult"]
    assert tool_result == {"toolUseId": "call_1", "content": [{"text": "24 C"}]}
    assert request.inference_config == {
        "maxTokens": 300,
        "temperature": 0.5,
        "topP": 0.9,
        "stopSequences": ["END"],
    }
    assert request.tool_config is not None
    assert request.tool_config["toolChoice"] == {"any": {}}
    assert request.tool_config["tools"][0]["toolSpec"]["name"] == "weather"


def test_max_tokens_is_an_alias_and_the_default_is_bounded() -> None:
    ask = [{"role": "user", "content": "Hi"}]
    alias = openai_chat.parse_request({"messages": ask, "max_tokens": 42}, GPT_OSS)
    assert alias.inference_config["maxTokens"] == 42
    default = openai_chat.parse_request({"messages": ask}, GPT_OSS)
    assert default.inference_config["maxTokens"] == 4096


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "#: required key [messages] not found"),
        ({"messages": []}, "#/messages: expected minimum item count: 1, found: 0"),
        ({"messages": [{"content": "x"}]}, "#/messages/0: required key [role] not found"),
        (
            {"messages": [{"role": "bot", "content": "x"}]},
            "#/messages/0/role: bot is not a valid enum value",
        ),
        ({"messages": [{"role": "user"}]}, "#/messages/0: required key [content] not found"),
        (
            {"messages": [{"role": "tool", "content": "x"}]},
            "#/messages/0: required key [tool_call_id] not found",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "max_completion_tokens": 0},
            "#/max_completion_tokens: 0 is not greater or equal to 1",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "temperature": 3},
            "#/temperature: 3 is not less or equal to 2",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "reasoning_effort": "max"},
            "#/reasoning_effort: max is not a valid enum value",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "tool_choice": "any"},
            "#/tool_choice: any is not a valid enum value",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "stream": "no"},
            "#/stream: expected type: Boolean, found: String",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "prompt": "x"},
            "#: extraneous key [prompt] is not permitted",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": PNG}]}]},
            "#/messages/0/content/0/type: image_url is not a valid enum value",
        ),
    ],
)
def test_bad_chat_bodies_get_schema_texts(body: dict[str, Any], detail: str) -> None:
    assert refused(openai_chat.parse_request, body, GPT_OSS) == bad(detail)


def test_the_model_field_must_name_the_model_called() -> None:
    ask = [{"role": "user", "content": "Hi"}]
    for named in ("openai.gpt-oss-20b-1:0", "us.openai.gpt-oss-20b-1:0"):
        openai_chat.parse_request({"messages": ask, "model": named}, GPT_OSS)
    message = refused(openai_chat.parse_request, {"messages": ask, "model": "gpt-4o"}, GPT_OSS)
    assert "#/model" in message


def test_reasoning_effort_is_gpt_oss_only() -> None:
    body = {"messages": [{"role": "user", "content": "x"}], "reasoning_effort": "low"}
    assert refused(writer.parse_request, body, GPT_OSS) == bad(
        "#: extraneous key [reasoning_effort] is not permitted"
    )


def test_images_reach_models_that_take_them() -> None:
    content = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": PNG}},
    ]
    request = qwen.parse_request({"messages": [{"role": "user", "content": content}]}, QWEN_VL)
    image = request.messages[0]["content"][1]["image"]
    assert image["format"] == "png"
    assert image["source"]["bytes"].startswith(b"\x89PNG")
    text_only = dataclasses.replace(QWEN_VL, image_input=False)
    assert "image_url is not a valid enum value" in refused(
        qwen.parse_request, {"messages": [{"role": "user", "content": content}]}, text_only
    )


@pytest.mark.parametrize("audio", [{"data": WAV, "format": "wav"}, WAV])
def test_voxtral_takes_audio_in_both_spellings(audio: Any) -> None:
    content = [
        {"type": "input_audio", "input_audio": audio},
        {"type": "text", "text": "Transcribe"},
    ]
    request = voxtral.parse_request({"messages": [{"role": "user", "content": content}]}, GPT_OSS)
    block = request.messages[0]["content"][0]["audio"]
    assert block["format"] == "wav"
    assert block["source"]["bytes"].startswith(b"RIFF")


def test_audio_is_refused_by_families_without_it() -> None:
    content = [{"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}}]
    message = refused(
        qwen.parse_request, {"messages": [{"role": "user", "content": content}]}, QWEN_VL
    )
    assert message == bad("#/messages/0/content/0/type: input_audio is not a valid enum value")


def test_bad_audio_gets_a_schema_text() -> None:
    content = [{"type": "input_audio", "input_audio": {"data": WAV, "format": "aiff"}}]
    message = refused(
        voxtral.parse_request, {"messages": [{"role": "user", "content": content}]}, GPT_OSS
    )
    assert message == bad(
        "#/messages/0/content/0/input_audio/format: aiff is not a valid enum value"
    )


REASONED = result({"reasoningContent": {"reasoningText": {"text": "Think."}}}, {"text": "Paris."})


def test_gpt_oss_response_has_the_chat_completion_shape_and_tagged_reasoning() -> None:
    body = openai_chat.render_response(REASONED, GPT_OSS, make_id)
    assert set(body) == {"id", "object", "created", "model", "choices", "usage"}
    assert body["id"].startswith("chatcmpl-")
    assert body["object"] == "chat.completion"
    assert isinstance(body["created"], int)
    assert body["model"] == "openai.gpt-oss-20b-1:0"
    assert body["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "<reasoning>Think.</reasoning>Paris."},
            "finish_reason": "stop",
        }
    ]
    assert body["usage"] == {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}


@pytest.mark.parametrize("codec", [qwen, deepseek_v3])
def test_other_families_return_reasoning_content(codec: Any) -> None:
    message = codec.render_response(REASONED, GPT_OSS, make_id)["choices"][0]["message"]
    assert message == {"role": "assistant", "content": "Paris.", "reasoning_content": "Think."}


@pytest.mark.parametrize(
    ("stop", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
    ],
)
def test_finish_reasons(stop: str, finish: str) -> None:
    body = writer.render_response(result({"text": "x"}, stop=stop), GPT_OSS, make_id)
    assert body["choices"][0]["finish_reason"] == finish


TOOL_CALL = result(
    {"toolUse": {"toolUseId": "tooluse_1", "name": "weather", "input": {"city": "Paris"}}},
    stop="tool_use",
)


@CHAT
def test_tool_calls_render_as_openai_tool_calls(codec: Any) -> None:
    message = codec.render_response(TOOL_CALL, GPT_OSS, make_id)["choices"][0]["message"]
    assert message == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "tooluse_1",
                "type": "function",
                "function": {"name": "weather", "arguments": '{"city": "Paris"}'},
            }
        ],
    }


@CHAT
def test_stream_chunks_concatenate_to_the_response(codec: Any) -> None:
    reply = result({"text": "Paris is the capital."})
    chunks = list(codec.render_stream(reply, GPT_OSS, make_id, pieces))
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert (
        text == codec.render_response(reply, GPT_OSS, make_id)["choices"][0]["message"]["content"]
    )
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop"}
    assert [codec.delta_text(c) for c in chunks[:-1]] == pieces("Paris is the capital.")
    assert codec.delta_text(chunks[-1]) is None


def test_stream_tool_calls_carry_their_index_and_arguments() -> None:
    chunks = list(openai_chat.render_stream(TOOL_CALL, GPT_OSS, make_id, pieces))
    call = chunks[0]["choices"][0]["delta"]["tool_calls"][0]
    assert call["index"] == 0
    assert call["function"] == {"name": "weather", "arguments": '{"city": "Paris"}'}
    assert openai_chat.delta_text(chunks[0]) == '{"city": "Paris"}'
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_text_of_reads_the_reply() -> None:
    body = qwen.render_response(result({"text": "Hello"}), GPT_OSS, make_id)
    assert _chat.text_of(body) == "Hello"


# -- TwelveLabs Pegasus -------------------------------------------------------------------


def test_pegasus_puts_the_video_before_the_prompt() -> None:
    video = base64.b64encode(b"\x00\x00\x00\x18ftypmp42").decode()
    body = {
        "inputPrompt": "What happens?",
        "mediaSource": {"base64String": video},
        "temperature": 0.2,
        "maxOutputTokens": 100,
    }
    request = twelvelabs_pegasus.parse_request(body, PEGASUS)
    first, second = request.messages[0]["content"]
    assert first["video"]["format"] == "mp4"
    assert first["video"]["source"]["bytes"].startswith(b"\x00\x00\x00\x18ftyp")
    assert second == {"text": "What happens?"}
    assert request.inference_config == {"maxTokens": 100, "temperature": 0.2}
    s3 = {
        "inputPrompt": "x",
        "mediaSource": {"s3Location": {"uri": "s3://b/v.mp4", "bucketOwner": "111122223333"}},
    }
    located = twelvelabs_pegasus.parse_request(s3, PEGASUS).messages[0]["content"][0]["video"]
    assert located["source"] == {
        "s3Location": {"uri": "s3://b/v.mp4", "bucketOwner": "111122223333"}
    }


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"mediaSource": {"base64String": "AAAA"}}, "#: required key [inputPrompt] not found"),
        ({"inputPrompt": "x"}, "#: required key [mediaSource] not found"),
        (
            {"inputPrompt": "x", "mediaSource": {}},
            "#/mediaSource: #: 0 subschemas matched instead of one",
        ),
        (
            {"inputPrompt": "x", "mediaSource": {"base64String": "AAAA"}, "temperature": 1.5},
            "#/temperature: 1.5 is not less or equal to 1",
        ),
        (
            {"inputPrompt": "x", "mediaSource": {"base64String": "AAAA"}, "maxOutputTokens": 5000},
            "#/maxOutputTokens: 5000 is not less or equal to 4096",
        ),
    ],
)
def test_bad_pegasus_bodies(body: dict[str, Any], detail: str) -> None:
    assert refused(twelvelabs_pegasus.parse_request, body, PEGASUS) == bad(detail)


def test_pegasus_response_and_stream() -> None:
    reply = result({"text": "A cat jumps."}, stop="max_tokens")
    assert twelvelabs_pegasus.render_response(reply, PEGASUS, make_id) == {
        "message": "A cat jumps.",
        "finishReason": "length",
    }
    chunks = list(twelvelabs_pegasus.render_stream(reply, PEGASUS, make_id, pieces))
    assert "".join(str(twelvelabs_pegasus.delta_text(c) or "") for c in chunks) == "A cat jumps."
    assert chunks[-1] == {"message": "", "finishReason": "length"}


# -- embeddings ---------------------------------------------------------------------------


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def nova_text(value: str, **params: Any) -> dict[str, Any]:
    single = {
        "embeddingPurpose": "GENERIC_INDEX",
        "text": {"truncationMode": "END", "value": value},
        **params,
    }
    return {
        "schemaVersion": "nova-multimodal-embed-v1",
        "taskType": "SINGLE_EMBEDDING",
        "singleEmbeddingParams": single,
    }


def test_nova_mm_text_embedding_has_its_dimension_and_is_unit_length() -> None:
    response, tokens = nova_mm_embed.embed(
        nova_text("a red bicycle", embeddingDimension=256), NOVA_MM
    )
    (item,) = response["embeddings"]
    assert item["embeddingType"] == "TEXT"
    assert len(item["embedding"]) == 256
    assert math.isclose(math.fsum(x * x for x in item["embedding"]), 1.0)
    assert "truncatedCharLength" not in item
    assert tokens > 0
    default, _ = nova_mm_embed.embed(nova_text("a red bicycle"), NOVA_MM)
    assert len(default["embeddings"][0]["embedding"]) == 3072


def test_nova_mm_vectors_are_deterministic_and_meaningful() -> None:
    def vector(text: str) -> list[float]:
        return list(
            nova_mm_embed.embed(nova_text(text, embeddingDimension=1024), NOVA_MM)[0]["embeddings"][
                0
            ]["embedding"]
        )

    assert vector("red bicycle") == vector("red bicycle")
    assert cosine(vector("red bicycle"), vector("a red bicycle for sale")) > cosine(
        vector("red bicycle"), vector("quarterly tax filing")
    )


@pytest.mark.parametrize(
    ("purpose", "text", "recorded"),
    [
        ("GENERIC_INDEX", "hello", 3),
        ("GENERIC_RETRIEVAL", "Hello, world!", 19),
        ("GENERIC_RETRIEVAL", "Test Nova truncate start", 20),
        ("TEXT_RETRIEVAL", "Test Nova settings", 22),
    ],
)
def test_nova_mm_counts_are_within_15_percent_of_the_recordings(
    purpose: str, text: str, recorded: int
) -> None:
    # pydantic/pydantic-ai tests/cassettes/test_embeddings/TestBedrock.test_nova_minimal.yaml,
    # ..._multiple_texts.yaml, ..._with_truncate_start.yaml, ..._with_embedding_purpose.yaml.
    body = nova_text(text, embeddingPurpose=purpose)
    body["singleEmbeddingParams"]["text"]["truncationMode"] = "NONE"
    _, tokens = nova_mm_embed.embed(body, NOVA_MM)
    assert abs(tokens - recorded) <= 0.15 * recorded


def test_nova_mm_truncation() -> None:
    long_text = "word " * 9000
    response, tokens = nova_mm_embed.embed(nova_text(long_text), NOVA_MM)
    # The kept 8,192 text tokens and the 2 that frame an indexed text (docs/tokens.md).
    assert tokens == 8192 + 2
    assert 0 < response["embeddings"][0]["truncatedCharLength"] < len(long_text)
    none = nova_text(long_text)
    none["singleEmbeddingParams"]["text"]["truncationMode"] = "NONE"
    assert "8192" in refused(nova_mm_embed.embed, none, NOVA_MM)


@pytest.mark.parametrize(
    ("kind", "member", "types"),
    [
        ("image", {"format": "png", "detailLevel": "STANDARD_IMAGE"}, ["IMAGE"]),
        ("audio", {"format": "mp3"}, ["AUDIO"]),
        (
            "video",
            {"format": "mp4", "embeddingMode": "AUDIO_VIDEO_COMBINED"},
            ["AUDIO_VIDEO_COMBINED"],
        ),
        ("video", {"format": "mp4", "embeddingMode": "AUDIO_VIDEO_SEPARATE"}, ["VIDEO", "AUDIO"]),
    ],
)
def test_nova_mm_media(kind: str, member: dict[str, Any], types: list[str]) -> None:
    source = {"bytes": base64.b64encode(b"media bytes" * 30).decode()}
    body = {
        "taskType": "SINGLE_EMBEDDING",
        "singleEmbeddingParams": {
            "embeddingPurpose": "GENERIC_INDEX",
            "embeddingDimension": 384,
            kind: {**member, "source": source},
        },
    }
    response, tokens = nova_mm_embed.embed(body, NOVA_MM)
    assert [e["embeddingType"] for e in response["embeddings"]] == types
    assert all(len(e["embedding"]) == 384 for e in response["embeddings"])
    assert tokens == 0


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (
            {"taskType": "SEGMENTED_EMBEDDING"},
            "#/taskType: SEGMENTED_EMBEDDING is not a valid enum value",
        ),
        ({"schemaVersion": "v2"}, "#/schemaVersion: v2 is not a valid enum value"),
        ({"extra": 1}, "#: extraneous key [extra] is not permitted"),
    ],
)
def test_bad_nova_mm_envelopes(change: dict[str, Any], detail: str) -> None:
    assert refused(nova_mm_embed.embed, {**nova_text("x"), **change}, NOVA_MM) == bad(detail)


def test_bad_nova_mm_params() -> None:
    body = nova_text("x", embeddingDimension=512)
    assert refused(nova_mm_embed.embed, body, NOVA_MM) == bad(
        "#/singleEmbeddingParams/embeddingDimension: 512 is not a valid enum value"
    )
    both = nova_text("x")
    both["singleEmbeddingParams"]["image"] = {"format": "png", "source": {"bytes": "AAAA"}}
    assert refused(nova_mm_embed.embed, both, NOVA_MM) == bad(
        "#/singleEmbeddingParams: 2 subschemas matched instead of one"
    )
    purpose = nova_text("x")
    purpose["singleEmbeddingParams"]["embeddingPurpose"] = "SEARCH"
    assert refused(nova_mm_embed.embed, purpose, NOVA_MM) == bad(
        "#/singleEmbeddingParams/embeddingPurpose: SEARCH is not a valid enum value"
    )


def test_nova_mm_segmented_text_is_cut_by_characters() -> None:
    text = "alpha beta gamma " * 100  # 1,700 characters
    model_input = {
        "taskType": "SEGMENTED_EMBEDDING",
        "segmentedEmbeddingParams": {
            "embeddingPurpose": "GENERIC_INDEX",
            "embeddingDimension": 256,
            "text": {
                "truncationMode": "END",
                "value": text,
                "segmentationConfig": {"maxLengthChars": 800},
            },
        },
    }
    result = nova_mm_embed.segmented_embed(model_input, NOVA_MM)
    spans = [s["segmentMetadata"] for s in result.segments]
    assert [(m["segmentStartCharPosition"], m["segmentEndCharPosition"]) for m in spans] == [
        (0, 800),
        (800, 1600),
        (1600, 1700),
    ]
    assert [m["segmentIndex"] for m in spans] == [0, 1, 2]
    assert {s["status"] for s in result.segments} == {"SUCCESS"}
    assert all(len(s["embedding"]) == 256 for s in result.segments)
    assert result.input_tokens > 0
    too_small = json.loads(json.dumps(model_input))
    too_small["segmentedEmbeddingParams"]["text"]["segmentationConfig"]["maxLengthChars"] = 10
    assert refused(nova_mm_embed.segmented_embed, too_small, NOVA_MM) == bad(
        "#/segmentedEmbeddingParams/text/segmentationConfig/maxLengthChars: 10 is not greater or equal to 800"
    )


def test_nova_mm_segmented_video_is_one_segment_of_the_duration() -> None:
    model_input = {
        "taskType": "SEGMENTED_EMBEDDING",
        "segmentedEmbeddingParams": {
            "embeddingPurpose": "GENERIC_INDEX",
            "video": {
                "format": "mp4",
                "embeddingMode": "AUDIO_VIDEO_SEPARATE",
                "source": {"s3Location": {"uri": "s3://bucket/clip.mp4"}},
                "segmentationConfig": {"durationSeconds": 10},
            },
        },
    }
    result = nova_mm_embed.segmented_embed(model_input, NOVA_MM)
    assert [s["embeddingType"] for s in result.segments] == ["VIDEO", "AUDIO"]
    assert result.segments[0]["segmentMetadata"] == {
        "segmentIndex": 0,
        "segmentStartSeconds": 0.0,
        "segmentEndSeconds": 10.0,
    }


def v4(**body: Any) -> dict[str, Any]:
    response, _ = cohere_embed_v4.embed(body, EMBED_V4)
    return response


def test_cohere_v4_inputs_answer_by_type() -> None:
    inputs = [
        {"content": [{"type": "text", "text": "a red bicycle"}]},
        {"content": [{"type": "text", "text": "a photo"}, {"type": "image_url", "image_url": PNG}]},
    ]
    response, tokens = cohere_embed_v4.embed(
        {"inputs": inputs, "input_type": "search_document"}, EMBED_V4
    )
    assert response["response_type"] == "embeddings_by_type"
    assert set(response["embeddings"]) == {"float"}
    vectors = response["embeddings"]["float"]
    assert len(vectors) == 2
    assert all(len(v) == 1536 for v in vectors)
    assert response["texts"] == ["a red bicycle", "a photo"]
    assert tokens > 0


def test_cohere_v4_interleaving_changes_the_vector() -> None:
    text_only = v4(inputs=[{"content": [{"type": "text", "text": "a photo"}]}])
    with_image = v4(
        inputs=[
            {
                "content": [
                    {"type": "text", "text": "a photo"},
                    {"type": "image_url", "image_url": {"url": PNG}},
                ]
            }
        ]
    )
    assert text_only["embeddings"]["float"] != with_image["embeddings"]["float"]
    assert with_image == v4(
        inputs=[
            {
                "content": [
                    {"type": "text", "text": "a photo"},
                    {"type": "image_url", "image_url": {"url": PNG}},
                ]
            }
        ]
    )


def test_cohere_v4_texts_also_answer_by_type_with_the_chosen_types() -> None:
    response = v4(texts=["hello"], embedding_types=["float", "int8"], output_dimension=256)
    assert set(response["embeddings"]) == {"float", "int8"}
    assert len(response["embeddings"]["int8"][0]) == 256
    assert response["response_type"] == "embeddings_by_type"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "#: required key [texts] not found"),
        ({"texts": ["a"], "inputs": []}, "#: 2 subschemas matched instead of one"),
        ({"inputs": []}, "#/inputs: expected minimum item count: 1, found: 0"),
        ({"inputs": [{}]}, "#/inputs/0: required key [content] not found"),
        (
            {"inputs": [{"content": [{"type": "audio"}]}]},
            "#/inputs/0/content/0/type: audio is not a valid enum value",
        ),
        (
            {"inputs": [{"content": [{"type": "image_url", "image_url": "http://x/y.png"}]}]},
            "#/inputs/0/content/0/image_url: string [http://x/y.png] does not match pattern ^data:image/(jpeg|png|webp|gif);base64,",
        ),
        (
            {"texts": ["a"], "output_dimension": 100},
            "#/output_dimension: 100 is not a valid enum value",
        ),
    ],
)
def test_bad_cohere_v4_bodies(body: dict[str, Any], detail: str) -> None:
    assert refused(cohere_embed_v4.embed, body, EMBED_V4) == bad(detail)


def test_marengo_text_and_image() -> None:
    text, tokens = twelvelabs_marengo.embed(
        {"inputType": "text", "inputText": "a dog on a beach"}, MARENGO
    )
    (item,) = text["data"]
    assert len(item["embedding"]) == 1024
    assert tokens == 5
    image, _ = twelvelabs_marengo.embed(
        {"inputType": "image", "mediaSource": {"base64String": PNG.split(",")[1]}}, MARENGO
    )
    assert len(image["data"][0]["embedding"]) == 1024
    long = {"inputType": "text", "inputText": "dog " * 100}
    assert twelvelabs_marengo.embed(long, MARENGO)[1] == 77
    assert "77" in refused(twelvelabs_marengo.embed, {**long, "textTruncate": "none"}, MARENGO)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "#: required key [inputType] not found"),
        ({"inputType": "pdf"}, "#/inputType: pdf is not a valid enum value"),
        ({"inputType": "text"}, "#: required key [inputText] not found"),
        ({"inputType": "image"}, "#: required key [mediaSource] not found"),
        (
            {"inputType": "text", "inputText": "x", "textTruncate": "start"},
            "#/textTruncate: start is not a valid enum value",
        ),
    ],
)
def test_bad_marengo_bodies(body: dict[str, Any], detail: str) -> None:
    assert refused(twelvelabs_marengo.embed, body, MARENGO) == bad(detail)


def test_marengo_video_is_for_async_invoke() -> None:
    body = {"inputType": "video", "mediaSource": {"s3Location": {"uri": "s3://b/v.mp4"}}}
    assert "StartAsyncInvoke" in refused(twelvelabs_marengo.embed, body, MARENGO)


# -- rerank -------------------------------------------------------------------------------

CAPITALS = [
    "Carson City is the capital city of the American state of Nevada.",
    "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean. Its capital is Saipan.",
    "Capitalization in English grammar is the use of a capital letter at the start of a word.",
    "Washington, D.C. is the capital of the United States. It is a federal district.",
    "Capital punishment has existed in the United States since before the United States was a country.",
]
QUESTION = "What is the capital of the United States?"


def test_the_relevant_document_ranks_first() -> None:
    order = [index for index, _ in relevance.rank(QUESTION, CAPITALS)]
    assert order[0] == 3
    assert order[1] == 4  # shares "United States" but not "capital of"
    scores = [score for _, score in relevance.rank(QUESTION, CAPITALS)]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_scores_are_deterministic_and_bounded() -> None:
    assert relevance.score("red bicycle", "A red bicycle.") == relevance.score(
        "red bicycle", "A red bicycle."
    )
    assert relevance.score("red bicycle", "red bicycle") == 1.0
    assert relevance.score("red bicycle", "quarterly taxes") == 0.0
    assert relevance.score("", "anything") == 0.0
    # Ties keep the documents' order.
    assert relevance.rank("x", ["a", "b"]) == [(0, 0.0), (1, 0.0)]


def test_cohere_rerank_body_and_response() -> None:
    body = {"query": QUESTION, "documents": CAPITALS, "top_n": 2, "api_version": 2}
    response, tokens = cohere_rerank.rerank(body, RERANK)
    assert [r["index"] for r in response["results"]] == [3, 4]
    # Bedrock answers only ``results`` (dd-trace-py's 2025-10 recording).
    assert set(response) == {"results"}
    assert tokens > 0
    assert response == cohere_rerank.rerank(body, RERANK)[0]


def test_json_documents_are_ranked_by_their_text() -> None:
    documents = [
        {"title": "Taxes", "body": "Filing dates"},
        {"title": "Capitals", "body": "Washington is the capital"},
    ]
    response, _ = amazon_rerank.rerank({"query": "capital", "documents": documents}, RERANK)
    assert response["results"][0]["index"] == 1
    assert set(response) == {"results"}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"query": "q", "documents": ["a"]}, "#: required key [api_version] not found"),
        (
            {"query": "q", "documents": ["a"], "api_version": 1},
            "#/api_version: 1 is not greater or equal to 2",
        ),
        (
            {"query": "q", "documents": [], "api_version": 2},
            "#/documents: expected minimum item count: 1, found: 0",
        ),
        (
            {"query": "", "documents": ["a"], "api_version": 2},
            "#/query: expected minLength: 1, actual: 0",
        ),
        (
            {"query": "q", "documents": [1], "api_version": 2},
            "#/documents/0: expected type: String, found: Integer",
        ),
        (
            {"query": "q", "documents": ["a"], "api_version": 2, "top_n": 2},
            "#/top_n: 2 is not less or equal to 1",
        ),
    ],
)
def test_bad_rerank_bodies(body: dict[str, Any], detail: str) -> None:
    assert refused(cohere_rerank.rerank, body, RERANK) == bad(detail)


def test_answer_whole_dispatches_every_non_text_kind() -> None:
    response, tokens = answer_whole(amazon_rerank, {"query": "a", "documents": ["a"]}, RERANK)
    assert response["results"] == [{"index": 0, "relevance_score": 1.0}]
    assert tokens == 2
    embedded, _ = answer_whole(twelvelabs_marengo, {"inputType": "text", "inputText": "x"}, MARENGO)
    assert len(embedded["data"][0]["embedding"]) == 1024
