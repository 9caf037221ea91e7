"""The new families over the wire, with boto3, in-process and against the server.

gpt-oss answers InvokeModel, its stream and Converse; Cohere Embed v4 takes ``inputs``;
Nova multimodal embeddings, TwelveLabs Marengo and Pegasus answer their native bodies.
Model ids and regions come from the catalog, so these hold whatever profiles it lists.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.catalog import load_catalog
from tests.conftest import Aws

GPT_OSS = "openai.gpt-oss-120b-1:0"
EMBED_V4 = "cohere.embed-v4:0"
NOVA_MM = "amazon.nova-2-multimodal-embeddings-v1:0"
MARENGO = "twelvelabs.marengo-embed-2-7-v1:0"
PEGASUS = "twelvelabs.pegasus-1-2-v1:0"
PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x02" * 64).decode()


def where(model_id: str) -> tuple[str, str]:
    """(region, id to call) for a catalog model: us-east-1 when offered there."""
    catalog = load_catalog()
    model = catalog.get(model_id)
    assert model is not None, f"{model_id} is not in the catalog"
    regions = model.regions or catalog.default_regions
    region = "us-east-1" if "us-east-1" in regions else regions[0]
    if not model.requires_inference_profile:
        return region, model_id
    geo = next(g for g in model.inference_profiles if region in catalog.geos[g].regions)
    return region, f"{geo}.{model_id}"


def runtime_for(aws: Aws, model_id: str) -> tuple[Any, str]:
    region, callable_id = where(model_id)
    return aws.client("bedrock-runtime", region=region), callable_id


def invoke(aws: Aws, model_id: str, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    runtime, callable_id = runtime_for(aws, model_id)
    response = runtime.invoke_model(modelId=callable_id, body=json.dumps(body))
    return json.loads(response["body"].read()), response["ResponseMetadata"]["HTTPHeaders"]


def test_gpt_oss_invoke_model(aws: Aws) -> None:
    body = {
        "messages": [
            {"role": "developer", "content": "Answer briefly."},
            {"role": "user", "content": "Name a primary colour."},
        ],
        "max_completion_tokens": 200,
        "reasoning_effort": "low",
    }
    reply, headers = invoke(aws, GPT_OSS, body)
    assert reply["object"] == "chat.completion"
    assert reply["model"] == GPT_OSS
    assert reply["id"].startswith("chatcmpl-")
    (choice,) = reply["choices"]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"]
    assert choice["finish_reason"] == "stop"
    usage = reply["usage"]
    assert usage["prompt_tokens"] == int(headers["x-amzn-bedrock-input-token-count"])
    assert usage["completion_tokens"] == int(headers["x-amzn-bedrock-output-token-count"])
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_gpt_oss_stream_matches_invoke(aws: Aws) -> None:
    runtime, callable_id = runtime_for(aws, GPT_OSS)
    body = json.dumps({"messages": [{"role": "user", "content": "Hello there"}], "max_tokens": 80})
    whole = json.loads(runtime.invoke_model(modelId=callable_id, body=body)["body"].read())
    stream = runtime.invoke_model_with_response_stream(modelId=callable_id, body=body)
    chunks = [json.loads(event["chunk"]["bytes"]) for event in stream["body"]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    # Each reasoning delta carries its own tags (CherryHQ/cherry-studio#10225); joined and
    # untagged, the stream is the whole reply.
    untagged = text.replace("</reasoning><reasoning>", "")
    assert untagged == whole["choices"][0]["message"]["content"]
    assert chunks[-1]["choices"][0]["finish_reason"] == whole["choices"][0]["finish_reason"]
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert metrics["inputTokenCount"] == whole["usage"]["prompt_tokens"]


def test_gpt_oss_tool_call_round_trip(aws: Aws) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather for a city",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                },
            },
        }
    ]
    ask = {"role": "user", "content": "Weather in Paris?"}
    first, _ = invoke(aws, GPT_OSS, {"messages": [ask], "tools": tools, "tool_choice": "required"})
    assert first["choices"][0]["finish_reason"] == "tool_calls"
    (call,) = first["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "get_weather"
    assert isinstance(json.loads(call["function"]["arguments"])["city"], str)
    follow_up = [
        ask,
        first["choices"][0]["message"],
        {"role": "tool", "tool_call_id": call["id"], "content": '{"temp_c": 24}'},
    ]
    final, _ = invoke(aws, GPT_OSS, {"messages": follow_up, "tools": tools})
    assert final["choices"][0]["finish_reason"] == "stop"
    assert final["choices"][0]["message"]["content"]


def test_gpt_oss_converse(aws: Aws) -> None:
    runtime, callable_id = runtime_for(aws, GPT_OSS)
    response = runtime.converse(
        modelId=callable_id,
        system=[{"text": "Answer briefly."}],
        messages=[{"role": "user", "content": [{"text": "Name a primary colour."}]}],
        inferenceConfig={"maxTokens": 200},
    )
    assert response["stopReason"] == "end_turn"
    # gpt-oss always reasons first; the answer follows in a text block.
    thought, answer = response["output"]["message"]["content"]
    assert thought["reasoningContent"]["reasoningText"]["text"]
    assert answer["text"]
    assert response["usage"]["inputTokens"] > 0


def test_a_bad_gpt_oss_body_gets_a_schema_error(aws: Aws) -> None:
    runtime, callable_id = runtime_for(aws, GPT_OSS)
    with pytest.raises(ClientError) as info:
        runtime.invoke_model(modelId=callable_id, body=json.dumps({"prompt": "Hi"}))
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert info.value.response["Error"]["Message"] == (
        "Malformed input request: #: required key [messages] not found"
        "#: extraneous key [prompt] is not permitted, please reformat your input and try again."
    )


def test_cohere_embed_v4_inputs(aws: Aws) -> None:
    body = {
        "inputs": [
            {"content": [{"type": "text", "text": "A red bicycle"}]},
            {
                "content": [
                    {"type": "text", "text": "Product photo"},
                    {"type": "image_url", "image_url": PNG},
                ]
            },
        ],
        "input_type": "search_document",
        "embedding_types": ["float"],
        "output_dimension": 512,
    }
    reply, headers = invoke(aws, EMBED_V4, body)
    assert reply["response_type"] == "embeddings_by_type"
    vectors = reply["embeddings"]["float"]
    assert [len(v) for v in vectors] == [512, 512]
    assert int(headers["x-amzn-bedrock-input-token-count"]) > 0
    again, _ = invoke(aws, EMBED_V4, body)
    assert again["embeddings"] == reply["embeddings"]


def test_cohere_embed_v4_still_takes_texts(aws: Aws) -> None:
    reply, _ = invoke(aws, EMBED_V4, {"texts": ["hello"], "input_type": "search_query"})
    assert reply["response_type"] == "embeddings_by_type"
    assert len(reply["embeddings"]["float"][0]) == 1536


def test_nova_multimodal_embeddings(aws: Aws) -> None:
    body = {
        "taskType": "SINGLE_EMBEDDING",
        "singleEmbeddingParams": {
            "embeddingPurpose": "GENERIC_RETRIEVAL",
            "embeddingDimension": 1024,
            "text": {"truncationMode": "END", "value": "Hello World!"},
        },
    }
    reply, _ = invoke(aws, NOVA_MM, body)
    (item,) = reply["embeddings"]
    assert item["embeddingType"] == "TEXT"
    assert len(item["embedding"]) == 1024


def test_marengo_embeds_a_query(aws: Aws) -> None:
    reply, _ = invoke(aws, MARENGO, {"inputType": "text", "inputText": "a dog on a beach"})
    assert len(reply["data"][0]["embedding"]) == 1024


def test_pegasus_answers_about_a_video_and_streams(aws: Aws) -> None:
    body = {
        "inputPrompt": "What happens in this video?",
        "mediaSource": {"s3Location": {"uri": "s3://my-bucket/clip.mp4"}},
        "maxOutputTokens": 200,
    }
    reply, _ = invoke(aws, PEGASUS, body)
    assert reply["finishReason"] == "stop"
    runtime, callable_id = runtime_for(aws, PEGASUS)
    stream = runtime.invoke_model_with_response_stream(modelId=callable_id, body=json.dumps(body))
    chunks = [json.loads(event["chunk"]["bytes"]) for event in stream["body"]]
    assert "".join(c["message"] for c in chunks) == reply["message"]
    assert chunks[-1]["finishReason"] == "stop"


WAV = base64.b64encode(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(20)).decode()


@pytest.mark.parametrize(
    ("model_id", "part"),
    [
        (
            "mistral.voxtral-small-24b-2507",
            {"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}},
        ),
        ("qwen.qwen3-vl-235b-a22b", {"type": "image_url", "image_url": {"url": PNG}}),
    ],
)
def test_audio_and_images_reach_the_models_that_take_them(
    aws: Aws, model_id: str, part: dict[str, Any]
) -> None:
    content = [part, {"type": "text", "text": "Describe this."}]
    reply, headers = invoke(aws, model_id, {"messages": [{"role": "user", "content": content}]})
    assert reply["choices"][0]["message"]["content"]
    text_only, _ = invoke(
        aws, model_id, {"messages": [{"role": "user", "content": "Describe this."}]}
    )
    # The media counts as input, so the call with it reports more input tokens.
    assert int(headers["x-amzn-bedrock-input-token-count"]) > text_only["usage"]["prompt_tokens"]
