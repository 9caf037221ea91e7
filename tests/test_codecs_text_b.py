"""Native InvokeModel bodies: Amazon Nova, Cohere Command R, AI21 Jamba, Claude Text.

Every wire test runs in-process and against the server. The request tables feed three
checks each: the native response shape, stream/invoke parity, and CountTokens parity.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.bedrockruntime.exceptions import ValidationException
from moto_bedrock.catalog import load_catalog
from moto_bedrock.generation.codecs import (
    ai21_jamba,
    anthropic_text,
    codec_for,
    cohere_command_r,
    nova,
)
from moto_bedrock.generation.inference import InferenceResult
from moto_bedrock.wire.streaming import StreamSettings
from tests.conftest import foundation_id, user

NOVA_MICRO = "amazon.nova-micro-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
NOVA_PREMIER = "us.amazon.nova-premier-v1:0"  # callable only through a profile
COMMAND_R = "cohere.command-r-v1:0"
COMMAND_R_PLUS = "cohere.command-r-plus-v1:0"
JAMBA_MINI = "ai21.jamba-1-5-mini-v1:0"
JAMBA_LARGE = "ai21.jamba-1-5-large-v1:0"
JAMBA_INSTRUCT = "ai21.jamba-instruct-v1:0"
CLAUDE_V2 = "anthropic.claude-v2"
CLAUDE_V21 = "anthropic.claude-v2:1"
CLAUDE_INSTANT = "anthropic.claude-instant-v1"

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16).decode()
WEATHER_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}


# -- what each family's response and stream look like -----------------------------------


@dataclass(frozen=True)
class Family:
    text: Callable[[dict[str, Any]], str]
    stream_text: Callable[[list[dict[str, Any]]], str]
    check: Callable[[dict[str, Any], dict[str, int]], None]
    """Asserts the documented keys and types; gets the header token counts."""
    stop: Callable[[dict[str, Any]], Any]
    """Why the reply ended, in the family's own words."""


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def nova_text(body: dict[str, Any]) -> str:
    return "".join(b.get("text", "") for b in body["output"]["message"]["content"])


def nova_stream_text(chunks: list[dict[str, Any]]) -> str:
    deltas = [c["contentBlockDelta"]["delta"] for c in chunks if "contentBlockDelta" in c]
    return "".join(d.get("text", "") for d in deltas)


def nova_check(body: dict[str, Any], counts: dict[str, int]) -> None:
    assert set(body) == {"output", "stopReason", "usage"}
    assert body["output"]["message"]["role"] == "assistant"
    assert body["stopReason"] in ("end_turn", "max_tokens", "stop_sequence")
    usage = body["usage"]
    assert set(usage) == {
        "inputTokens",
        "outputTokens",
        "totalTokens",
        "cacheReadInputTokenCount",
        "cacheWriteInputTokenCount",
    }
    assert all(is_int(v) for v in usage.values())
    assert (usage["inputTokens"], usage["outputTokens"]) == (counts["input"], counts["output"])
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]


def cohere_stream_text(chunks: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in chunks if c["event_type"] == "text-generation")


def cohere_check(body: dict[str, Any], counts: dict[str, int]) -> None:
    assert {"response_id", "text", "generation_id", "chat_history", "finish_reason"} <= set(body)
    uuid.UUID(body["response_id"])
    uuid.UUID(body["generation_id"])
    assert body["finish_reason"] in ("COMPLETE", "MAX_TOKENS")
    assert body["chat_history"][-1] == {"role": "CHATBOT", "message": body["text"]}
    assert "tool_calls" not in body
    billed = body["meta"]["billed_units"]
    assert (billed["input_tokens"], billed["output_tokens"]) == (counts["input"], counts["output"])


def jamba_stream_text(chunks: list[dict[str, Any]]) -> str:
    return "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)


def jamba_check(body: dict[str, Any], counts: dict[str, int]) -> None:
    # "chatcmpl-<uuid>" as recorded (Arize-ai/openinference js/packages/openinference-
    # instrumentation-bedrock/test/recordings/should-handle-ai21-jamba-models.json).
    assert re.fullmatch(r"chatcmpl-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", body["id"])
    [choice] = body["choices"]
    assert choice["index"] == 0 and choice["finish_reason"] in ("stop", "length")
    assert choice["message"]["role"] == "assistant"
    assert isinstance(choice["message"]["content"], str)
    usage = body["usage"]
    assert set(usage) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert (usage["prompt_tokens"], usage["completion_tokens"]) == (
        counts["input"],
        counts["output"],
    )
    assert usage["total_tokens"] == counts["input"] + counts["output"]
    assert is_int(body["meta"]["requestDurationMillis"])
    assert body["model"].startswith("jamba-")


def claude_text_stream_text(chunks: list[dict[str, Any]]) -> str:
    return "".join(c["completion"] for c in chunks)


def claude_text_check(body: dict[str, Any], counts: dict[str, int]) -> None:
    assert set(body) == {"completion", "stop_reason", "stop"}
    assert isinstance(body["completion"], str)
    if body["stop_reason"] == "max_tokens":
        assert body["stop"] is None
    else:
        assert body["stop_reason"] == "stop_sequence" and isinstance(body["stop"], str)


NOVA = Family(nova_text, nova_stream_text, nova_check, lambda b: b["stopReason"])
COHERE = Family(
    lambda b: str(b["text"]), cohere_stream_text, cohere_check, lambda b: b["finish_reason"]
)
JAMBA = Family(
    lambda b: str(b["choices"][0]["message"]["content"]),
    jamba_stream_text,
    jamba_check,
    lambda b: b["choices"][0]["finish_reason"],
)
CLAUDE_TEXT = Family(
    lambda b: str(b["completion"]),
    claude_text_stream_text,
    claude_text_check,
    lambda b: (b["stop_reason"], b["stop"]),
)


def nova_body(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"messages": list(messages), **extra}


def claude_prompt(question: str, system: str = "") -> str:
    return f"{system}\n\nHuman: {question}\n\nAssistant:"


JAMBA_TOOL_BODY = {
    "messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "Sunny"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {"name": "get_weather", "parameters": WEATHER_SCHEMA},
        }
    ],
}


CASES = [
    pytest.param(
        NOVA_MICRO, nova_body(user("Tell me about owls")), NOVA, "end_turn", id="nova-micro"
    ),
    pytest.param(
        NOVA_LITE,
        nova_body(
            user("Describe a rainforest"),
            schemaVersion="messages-v1",
            system=[{"text": "Be vivid."}],
            inferenceConfig={
                "maxTokens": 40,
                "temperature": 0.5,
                "topP": 0.9,
                "topK": 20,
                "stopSequences": ["."],
            },
        ),
        NOVA,
        "stop_sequence",
        id="nova-lite-config-stop-sequence",
    ),
    pytest.param(
        NOVA_PRO,
        nova_body(
            {
                "role": "user",
                "content": [
                    {"image": {"format": "png", "source": {"bytes": PNG}}},
                    {"text": "What is in this picture?"},
                ],
            },
            inferenceConfig={"max_new_tokens": 8},
        ),
        NOVA,
        "max_tokens",
        id="nova-pro-image-max_new_tokens",
    ),
    pytest.param(
        NOVA_PREMIER,
        nova_body(
            user("Name a planet"),
            {"role": "assistant", "content": [{"text": "Mars."}]},
            user("And another one?"),
        ),
        NOVA,
        "end_turn",
        id="nova-premier-profile-multiturn",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Tell me about owls", "stop_sequences": ["."]},
        COHERE,
        "COMPLETE",  # Cohere v1 reports a stop sequence as a complete turn
        id="command-r-stop-sequence",
    ),
    pytest.param(
        COMMAND_R_PLUS,
        {
            "message": "Which animal hoots?",
            "chat_history": [
                {"role": "USER", "message": "Hi there"},
                {"role": "CHATBOT", "message": "Hello! How can I help?"},
            ],
            "preamble": "You are a zoologist.",
            "documents": [{"title": "Owls", "snippet": "Owls hoot at night."}],
            "max_tokens": 12,
            "temperature": 0.3,
            "p": 0.75,
            "k": 0,
            "stop_sequences": ["zebra"],
            "prompt_truncation": "OFF",
            "seed": 7,
        },
        COHERE,
        "MAX_TOKENS",
        id="command-r-plus-history-documents",
    ),
    pytest.param(
        COMMAND_R,
        {
            "message": "What's the weather in Paris?",
            "tools": [
                {
                    "name": "get_weather",
                    "description": "Weather for a city",
                    "parameter_definitions": {
                        "city": {"description": "City name", "type": "str", "required": True}
                    },
                }
            ],
            "tool_results": [
                {
                    "call": {"name": "get_weather", "parameters": {"city": "Paris"}},
                    "outputs": [{"text": "Sunny, 21 degrees"}],
                }
            ],
        },
        COHERE,
        "COMPLETE",
        id="command-r-tool-results",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": [{"role": "user", "content": "Tell me about owls"}]},
        JAMBA,
        "stop",
        id="jamba-mini",
    ),
    pytest.param(
        JAMBA_LARGE,
        {
            "messages": [
                {"role": "system", "content": "Answer briefly."},
                {"role": "user", "content": "Describe the ocean"},
            ],
            "max_tokens": 9,
            "temperature": 1.5,
            "top_p": 0.9,
            "stop": ["zebra"],
            "n": 1,
        },
        JAMBA,
        "length",
        id="jamba-large-system-limits",
    ),
    pytest.param(
        JAMBA_INSTRUCT,
        {"messages": [{"role": "user", "content": "Hello"}], "stop": "."},
        JAMBA,
        "stop",
        id="jamba-instruct-stop-sequence",
    ),
    pytest.param(
        JAMBA_MINI,
        JAMBA_TOOL_BODY,
        JAMBA,
        "stop",
        id="jamba-tool-round-trip",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": claude_prompt("Tell me about owls"), "max_tokens_to_sample": 300},
        CLAUDE_TEXT,
        ("stop_sequence", "\n\nHuman:"),  # a natural end is the model writing "Human:"
        id="claude-v2",
    ),
    pytest.param(
        CLAUDE_V21,
        {
            "prompt": claude_prompt("Describe a forest", system="You are a poet."),
            "max_tokens_to_sample": 200,
            "temperature": 0.5,
            "top_p": 0.9,
            "top_k": 250,
            "stop_sequences": ["."],
            "anthropic_version": "bedrock-2023-05-31",
        },
        CLAUDE_TEXT,
        ("stop_sequence", "."),
        id="claude-v2.1-system-stop-sequence",
    ),
    pytest.param(
        CLAUDE_INSTANT,
        {
            "prompt": "\n\nHuman: Count to three\n\nAssistant: One,\n\nHuman: Go on\n\nAssistant:",
            "max_tokens_to_sample": 6,
        },
        CLAUDE_TEXT,
        ("max_tokens", None),
        id="claude-instant-multiturn-max-tokens",
    ),
]


def invoke(
    runtime: Any, model_id: str, body: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The response body and the token counts from its headers."""
    response = runtime.invoke_model(modelId=model_id, body=json.dumps(body))
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    counts = {
        "input": int(headers["x-amzn-bedrock-input-token-count"]),
        "output": int(headers["x-amzn-bedrock-output-token-count"]),
    }
    assert response["contentType"] == "application/json"
    return json.loads(response["body"].read()), counts


def stream(runtime: Any, model_id: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = runtime.invoke_model_with_response_stream(modelId=model_id, body=json.dumps(body))
    return [json.loads(event["chunk"]["bytes"]) for event in response["body"]]


@pytest.mark.parametrize(("model_id", "body", "family", "stop"), CASES)
def test_invoke_stream_and_count_tokens_agree_on_a_native_body(
    runtime: Any, model_id: str, body: dict[str, Any], family: Family, stop: Any
) -> None:
    whole, counts = invoke(runtime, model_id, body)
    chunks = stream(runtime, model_id, body)
    # CountTokens takes the foundation-model id and refuses a profile id (pydantic/pydantic-ai
    # tests/models/cassettes/test_bedrock/test_bedrock_inference_profile_count_tokens.yaml).
    counted = runtime.count_tokens(
        modelId=foundation_id(model_id), input={"invokeModel": {"body": json.dumps(body)}}
    )

    family.check(whole, counts)
    assert family.stop(whole) == stop
    assert family.text(whole).strip() and counts["output"] > 0
    assert family.stream_text(chunks) == family.text(whole)
    assert all("amazon-bedrock-invocationMetrics" not in c for c in chunks[:-1])
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert (metrics["inputTokenCount"], metrics["outputTokenCount"]) == (
        counts["input"],
        counts["output"],
    )
    assert metrics["invocationLatency"] >= metrics["firstByteLatency"] > 0
    assert counted["inputTokens"] == counts["input"]


def test_each_family_has_its_own_stream_framing(runtime: Any) -> None:
    nova = stream(runtime, NOVA_MICRO, nova_body(user("Hi")))
    assert nova[0] == {"messageStart": {"role": "assistant"}}
    assert [next(iter(c)) for c in nova[-3:]] == ["contentBlockStop", "messageStop", "metadata"]
    assert nova[-1]["metadata"]["usage"]["outputTokens"] > 0

    cohere = stream(runtime, COMMAND_R, {"message": "Hi"})
    assert cohere[0]["event_type"] == "stream-start" and cohere[0]["is_finished"] is False
    end = cohere[-1]
    assert end["event_type"] == "stream-end" and end["is_finished"] is True
    assert end["response"]["generation_id"] == cohere[0]["generation_id"]
    assert end["finish_reason"] == end["response"]["finish_reason"] == "COMPLETE"

    jamba = stream(runtime, JAMBA_MINI, {"messages": [{"role": "user", "content": "Hi"}]})
    assert len({c["id"] for c in jamba}) == 1
    assert [c["choices"][0]["finish_reason"] for c in jamba[:-1]] == [None] * (len(jamba) - 1)
    assert jamba[-1]["choices"][0]["finish_reason"] == "stop"
    assert set(jamba[-1]) >= {"usage", "meta"}

    claude = stream(runtime, CLAUDE_V2, {"prompt": claude_prompt("Hi"), "max_tokens_to_sample": 50})
    assert all(c["stop_reason"] is None and c["stop"] is None for c in claude[:-1])
    assert claude[-1]["completion"] == "" and claude[-1]["stop_reason"] is not None


# -- Nova: the same conversation through Converse and through the native body -----------

NOVA_PARITY = [
    pytest.param(
        {
            "messages": [user("Explain tides")],
            "system": [{"text": "Be brief."}],
            "inferenceConfig": {"maxTokens": 7, "temperature": 0.2},
        },
        id="system-max-tokens",
    ),
    pytest.param(
        {
            "messages": [
                user("Name a planet"),
                {"role": "assistant", "content": [{"text": "Mars."}]},
                user("Tell me more about it"),
            ],
            "inferenceConfig": {"stopSequences": ["."]},
        },
        id="multi-turn-stop-sequence",
    ),
    pytest.param(
        {
            "messages": [user("What's the weather in Paris?")],
            "toolConfig": {
                "tools": [
                    {
                        "toolSpec": {
                            "name": "get_weather",
                            "description": "Weather for a city",
                            "inputSchema": {"json": WEATHER_SCHEMA},
                        }
                    }
                ],
                "toolChoice": {"auto": {}},
            },
        },
        id="tools",
    ),
]


@pytest.mark.parametrize("request_kwargs", NOVA_PARITY)
def test_nova_native_body_matches_converse(runtime: Any, request_kwargs: dict[str, Any]) -> None:
    converse = runtime.converse(modelId=NOVA_LITE, **request_kwargs)
    native, counts = invoke(runtime, NOVA_LITE, request_kwargs)

    assert nova_text(native) == "".join(
        b.get("text", "") for b in converse["output"]["message"]["content"]
    )
    assert native["stopReason"] == converse["stopReason"]
    for key in ("inputTokens", "outputTokens", "totalTokens"):
        assert native["usage"][key] == converse["usage"][key]
    assert counts["input"] == converse["usage"]["inputTokens"]


def test_nova_native_cache_points_report_token_count_fields(runtime: Any) -> None:
    body = nova_body(
        user("Question one"),
        system=[
            # Nova caches a prefix of at least 1,000 tokens (catalog/prompt_cache.json).
            {"text": "A long shared system prompt about policies. " * 200},
            {"cachePoint": {"type": "default"}},
        ],
    )
    first, _ = invoke(runtime, NOVA_LITE, body)
    body["messages"] = [user("Question two")]
    second, _ = invoke(runtime, NOVA_LITE, body)

    cached = first["usage"]["cacheWriteInputTokenCount"]
    assert cached > 0 and first["usage"]["cacheReadInputTokenCount"] == 0
    assert second["usage"]["cacheReadInputTokenCount"] == cached
    assert second["usage"]["cacheWriteInputTokenCount"] == 0


# -- rejected bodies: one per documented required field and limit ------------------------


def bad(detail: str) -> str:
    return f"Malformed input request: {detail}, please reformat your input and try again."


def over_limit(limit: int) -> str:
    return (
        f"The maximum tokens you requested exceeds the model limit of {limit}. "
        f"Try again with a maximum tokens value that is lower than {limit}."
    )


NOVA_OK = [user("Hi")]
JAMBA_OK = [{"role": "user", "content": "Hi"}]
CLAUDE_OK = claude_prompt("Hi")

WIRE_REJECTED = [
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "max_tokens": 10},
        bad("#: extraneous key [max_tokens] is not permitted"),
        id="nova-claude-key",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "inferenceConfig": {"maxTokens": 10001}},
        over_limit(10000),
        id="nova-max-tokens-over-model-limit",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": [{"role": "assistant", "content": [{"text": "Hi"}]}]},
        "A conversation must start with a user message. "
        "Try again with a conversation that starts with a user message.",
        id="nova-assistant-first",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "stream": True},
        bad("#: extraneous key [stream] is not permitted"),
        id="cohere-stream-key",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "max_tokens": 4001},
        over_limit(4000),
        id="cohere-max-tokens-limit",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "p": 1},
        bad("#/p: 1 is not less or equal to 0.99"),
        id="cohere-p-high",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "temperature": 2.5},
        bad("#/temperature: 2.5 is not less or equal to 2"),
        id="jamba-temperature",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK},
        bad("#: required key [max_tokens_to_sample] not found"),
        id="claude-text-no-max-tokens",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK, "max_tokens_to_sample": 5000},
        over_limit(4096),
        id="claude-text-max-tokens-over-model-limit",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": "Hello", "max_tokens_to_sample": 10},
        'prompt must start with "\n\nHuman:" turn after an optional system prompt',
        id="claude-text-no-human-turn",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": "\n\nHuman: Hello", "max_tokens_to_sample": 10},
        'prompt must end with "\n\nAssistant:" turn',
        id="claude-text-no-assistant-turn",
    ),
]


@pytest.mark.parametrize(("model_id", "body", "message"), WIRE_REJECTED)
def test_bad_native_bodies_are_rejected_with_bedrocks_text(
    runtime: Any, model_id: str, body: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(modelId=model_id, body=json.dumps(body))
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == message


# Every schema rule, straight through the codec: the wire adds nothing to these texts, as
# the table above shows for a few of them in both modes.
SCHEMA_REJECTED = [
    # Nova
    pytest.param(NOVA_LITE, {}, "#: required key [messages] not found", id="nova-no-messages"),
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "max_tokens": 10},
        "#: extraneous key [max_tokens] is not permitted",
        id="nova-claude-key",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "schemaVersion": "messages-v2"},
        "#/schemaVersion: messages-v2 is not a valid enum value",
        id="nova-schema-version",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "inferenceConfig": {"maxTokens": "ten"}},
        "#/inferenceConfig/maxTokens: expected type: Integer, found: String",
        id="nova-max-tokens-type",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "inferenceConfig": {"maxTokens": 0}},
        "#/inferenceConfig/maxTokens: 0 is not greater or equal to 1",
        id="nova-max-tokens-zero",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "inferenceConfig": {"temperature": 1.5}},
        "#/inferenceConfig/temperature: 1.5 is not less or equal to 1",
        id="nova-temperature",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "inferenceConfig": {"topK": -1}},
        "#/inferenceConfig/topK: -1 is not greater or equal to 0",
        id="nova-top-k",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": [{"role": "system", "content": [{"text": "Hi"}]}]},
        "#/messages/0/role: system is not a valid enum value",
        id="nova-role",
    ),
    pytest.param(
        NOVA_LITE,
        {"messages": [{"role": "user"}]},
        "#/messages/0: required key [content] not found",
        id="nova-no-content",
    ),
    pytest.param(
        NOVA_LITE,
        {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"document": {"format": "txt", "name": "a", "source": {"bytes": PNG}}}
                    ],
                }
            ]
        },
        "#/messages/0/content/0: extraneous key [document] is not permitted",
        id="nova-document-is-converse-only",
    ),
    pytest.param(
        NOVA_LITE,
        {
            "messages": [
                {
                    "role": "user",
                    "content": [{"image": {"format": "bmp", "source": {"bytes": PNG}}}],
                }
            ]
        },
        "#/messages/0/content/0/image/format: bmp is not a valid enum value",
        id="nova-image-format",
    ),
    # Cohere Command R
    pytest.param(COMMAND_R, {}, "#: required key [message] not found", id="cohere-no-message"),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "stream": True},
        "#: extraneous key [stream] is not permitted",
        id="cohere-stream-key",
    ),
    pytest.param(
        COMMAND_R,
        {"message": 42},
        "#/message: expected type: String, found: Integer",
        id="cohere-message-type",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "max_tokens": "many"},
        "#/max_tokens: expected type: Integer, found: String",
        id="cohere-max-tokens-type",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "temperature": 1.5},
        "#/temperature: 1.5 is not less or equal to 1",
        id="cohere-temperature",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "p": 1},
        "#/p: 1 is not less or equal to 0.99",
        id="cohere-p-high",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "p": 0},
        "#/p: 0 is not greater or equal to 0.01",
        id="cohere-p-low",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "k": 501},
        "#/k: 501 is not less or equal to 500",
        id="cohere-k",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "prompt_truncation": "ON"},
        "#/prompt_truncation: ON is not a valid enum value",
        id="cohere-prompt-truncation",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "chat_history": [{"role": "SYSTEM", "message": "x"}]},
        "#/chat_history/0/role: SYSTEM is not a valid enum value",
        id="cohere-history-role",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "chat_history": [{"role": "USER"}]},
        "#/chat_history/0: required key [message] not found",
        id="cohere-history-message",
    ),
    # AI21 Jamba
    pytest.param(JAMBA_MINI, {}, "#: required key [messages] not found", id="jamba-no-messages"),
    pytest.param(
        JAMBA_MINI,
        {"messages": []},
        "#/messages: expected minimum item count: 1, found: 0",
        id="jamba-empty-messages",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": [{"role": "bot", "content": "Hi"}]},
        "#/messages/0/role: bot is not a valid enum value",
        id="jamba-role",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": [{"role": "user"}]},
        "#/messages/0: required key [content] not found",
        id="jamba-no-content",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "max_tokens": 5000},
        "#/max_tokens: 5000 is not less or equal to 4096",
        id="jamba-max-tokens-high",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "max_tokens": -1},
        "#/max_tokens: -1 is not greater or equal to 0",
        id="jamba-max-tokens-low",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "max_tokens": "x"},
        "#/max_tokens: expected type: Integer, found: String",
        id="jamba-max-tokens-type",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "temperature": 2.5},
        "#/temperature: 2.5 is not less or equal to 2",
        id="jamba-temperature",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "top_p": 1.5},
        "#/top_p: 1.5 is not less or equal to 1",
        id="jamba-top-p",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "n": 17},
        "#/n: 17 is not less or equal to 16",
        id="jamba-n",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "model": "jamba-1.5-mini"},
        "#: extraneous key [model] is not permitted",
        id="jamba-model-key",
    ),
    pytest.param(
        JAMBA_INSTRUCT,
        {"messages": JAMBA_OK, "tools": []},
        "#: extraneous key [tools] is not permitted",
        id="jamba-instruct-has-no-tools",
    ),
    # Claude Text Completions
    pytest.param(
        CLAUDE_V2,
        {"max_tokens_to_sample": 10},
        "#: required key [prompt] not found",
        id="claude-text-no-prompt",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK},
        "#: required key [max_tokens_to_sample] not found",
        id="claude-text-no-max-tokens",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK, "max_tokens_to_sample": 10, "max_tokens": 10},
        "#: extraneous key [max_tokens] is not permitted",
        id="claude-text-messages-key",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK, "max_tokens_to_sample": -1},
        "#/max_tokens_to_sample: -1 is not greater or equal to 0",
        id="claude-text-max-tokens-low",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK, "max_tokens_to_sample": 10, "temperature": 1.5},
        "#/temperature: 1.5 is not less or equal to 1",
        id="claude-text-temperature",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK, "max_tokens_to_sample": 10, "top_k": 501},
        "#/top_k: 501 is not less or equal to 500",
        id="claude-text-top-k",
    ),
    # Further limits, one per family
    pytest.param(
        NOVA_LITE,
        {"messages": NOVA_OK, "inferenceConfig": {"topP": 1.1}},
        "#/inferenceConfig/topP: 1.1 is not less or equal to 1",
        id="nova-top-p",
    ),
    pytest.param(
        NOVA_PREMIER,
        {
            "messages": [
                {
                    "role": "user",
                    "content": [{"image": {"format": "png", "source": {"bytes": "!!"}}}],
                }
            ]
        },
        "#/messages/0/content/0/image/source/bytes: expected base64 data",
        id="nova-image-not-base64",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "presence_penalty": 2},
        "#/presence_penalty: 2 is not less or equal to 1",
        id="cohere-presence-penalty",
    ),
    pytest.param(
        COMMAND_R,
        {"message": "Hi", "tools": [{"description": "no name"}]},
        "#/tools/0: required key [name] not found",
        id="cohere-tool-name",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "n": 0},
        "#/n: 0 is not greater or equal to 1",
        id="jamba-n-low",
    ),
    pytest.param(
        JAMBA_MINI,
        {"messages": JAMBA_OK, "stop": [1]},
        "#/stop/0: expected type: String, found: Integer",
        id="jamba-stop-type",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK, "max_tokens_to_sample": 10, "top_p": 1.5},
        "#/top_p: 1.5 is not less or equal to 1",
        id="claude-text-top-p",
    ),
    pytest.param(
        CLAUDE_V2,
        {"prompt": CLAUDE_OK, "max_tokens_to_sample": 1.5},
        "#/max_tokens_to_sample: expected type: Integer, found: BigDecimal",
        id="claude-text-max-tokens-type",
    ),
]


@pytest.mark.parametrize(("model_id", "body", "detail"), SCHEMA_REJECTED)
def test_schema_violations_name_the_field_and_rule(
    model_id: str, body: dict[str, Any], detail: str
) -> None:
    found = model(model_id.removeprefix("us."))
    codec = codec_for(found.family)
    assert codec is not None
    with pytest.raises(ValidationException) as excinfo:
        codec.parse_request(body, found)
    assert excinfo.value.message == bad(detail)


# -- translation and tool calls (pure functions: no wire needed) -------------------------

CATALOG = load_catalog()


def model(model_id: str) -> Any:
    found = CATALOG.get(model_id)
    assert found is not None
    return found


def make_id(prefix: str, length: int) -> str:
    return prefix + "x" * length


def tool_result() -> InferenceResult:
    tool_use = {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Paris"}}
    usage = {"inputTokens": 12, "outputTokens": 9, "totalTokens": 21}
    return InferenceResult(
        [{"text": "Checking."}, {"toolUse": tool_use}], "tool_use", usage, 300, 200
    )


PIECES = StreamSettings().pieces


def test_nova_request_translates_to_converse_fields() -> None:
    body = nova_body(
        {
            "role": "user",
            "content": [
                {"image": {"format": "png", "source": {"bytes": PNG}}},
                {"text": "Describe"},
                {"cachePoint": {"type": "default"}},
            ],
        },
        system=[{"text": "Be brief."}],
        inferenceConfig={"max_new_tokens": 50, "topP": 0.5, "topK": 3},
        toolConfig={
            "tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": WEATHER_SCHEMA}}}],
            "toolChoice": {"tool": {"name": "f"}},
        },
    )
    request = nova.parse_request(body, model(NOVA_LITE))

    image = request.messages[0]["content"][0]["image"]
    assert image == {"format": "png", "source": {"bytes": base64.b64decode(PNG)}}
    assert request.system == [{"text": "Be brief."}]
    assert request.inference_config == {"maxTokens": 50, "topP": 0.5}
    assert request.tool_config == body["toolConfig"]


def test_nova_default_max_tokens_is_the_model_limit() -> None:
    request = nova.parse_request(nova_body(user("Hi")), model(NOVA_MICRO))
    assert request.inference_config == {"maxTokens": 10000}


def test_nova_renders_tool_use_in_converse_shape() -> None:
    result = tool_result()
    response = nova.render_response(result, model(NOVA_LITE), make_id)
    chunks = list(nova.render_stream(result, model(NOVA_LITE), make_id, PIECES))

    assert response["stopReason"] == "tool_use"
    assert response["output"]["message"]["content"][1] == {"toolUse": result.content[1]["toolUse"]}
    # Each text delta is a block of its own, so the tool's block comes after them all; its
    # input arrives whole, in one delta (Arize-ai/openinference .../recordings/
    # should-handle-invoke-model-with-response-stream.json, Nova).
    text_blocks = sum(
        1 for c in chunks if "text" in c.get("contentBlockDelta", {}).get("delta", {})
    )
    start = next(c["contentBlockStart"] for c in chunks if "contentBlockStart" in c)
    assert start == {
        "start": {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather"}},
        "contentBlockIndex": text_blocks,
    }
    fragments = [
        c["contentBlockDelta"]["delta"]["toolUse"]["input"]
        for c in chunks
        if "toolUse" in c.get("contentBlockDelta", {}).get("delta", {})
    ]
    assert len(fragments) == 1 and json.loads(fragments[0]) == {"city": "Paris"}
    assert chunks[-2] == {"messageStop": {"stopReason": "tool_use"}}
    assert [nova.delta_text(c) for c in chunks[:1]] == [None]


def test_cohere_request_translates_history_tools_and_results() -> None:
    body = {
        "message": "And tomorrow?",
        "chat_history": [
            {"role": "USER", "message": "Weather?"},
            {"role": "CHATBOT", "message": "Where?"},
        ],
        "preamble": "Be brief.",
        "documents": [{"title": "Note", "snippet": "Paris is in France."}],
        "tools": [
            {
                "name": "get_weather",
                "parameter_definitions": {
                    "city": {"type": "str", "required": True},
                    "days": {"type": "int", "description": "How many days"},
                },
            }
        ],
        "tool_results": [
            {
                "call": {"name": "get_weather", "parameters": {"city": "Paris"}},
                "outputs": [{"sky": "clear"}],
            }
        ],
        "max_tokens": 100,
        "p": 0.5,
    }
    request = cohere_command_r.parse_request(body, model(COMMAND_R))

    roles = [m["role"] for m in request.messages]
    assert roles == ["user", "assistant", "user", "assistant", "user"]
    assert request.messages[2]["content"] == [
        {"text": "And tomorrow?\n\ntitle: Note\nsnippet: Paris is in France."}
    ]
    call = request.messages[3]["content"][0]["toolUse"]
    result = request.messages[4]["content"][0]["toolResult"]
    assert call["name"] == "get_weather" and call["input"] == {"city": "Paris"}
    assert result == {"toolUseId": call["toolUseId"], "content": [{"json": {"sky": "clear"}}]}
    assert request.system == [{"text": "Be brief."}]
    assert request.inference_config == {"maxTokens": 100, "topP": 0.5}
    assert request.tool_config is not None
    schema = request.tool_config["tools"][0]["toolSpec"]["inputSchema"]["json"]
    assert schema["properties"] == {
        "city": {"type": "string"},
        "days": {"type": "integer", "description": "How many days"},
    }
    assert schema["required"] == ["city"]


def test_cohere_renders_tool_calls_in_its_own_shape() -> None:
    result = tool_result()
    response = cohere_command_r.render_response(result, model(COMMAND_R), make_id)
    chunks = list(cohere_command_r.render_stream(result, model(COMMAND_R), make_id, PIECES))

    calls = [{"name": "get_weather", "parameters": {"city": "Paris"}}]
    assert response["tool_calls"] == calls
    assert response["chat_history"][-1] == {
        "role": "CHATBOT",
        "message": "Checking.",
        "tool_calls": calls,
    }
    assert response["finish_reason"] == "COMPLETE"
    [generation] = [c for c in chunks if c["event_type"] == "tool-calls-generation"]
    assert generation["tool_calls"] == calls
    assert chunks[-1]["response"]["tool_calls"] == calls
    assert cohere_stream_text(chunks) == "Checking."


def test_jamba_renders_tool_calls_openai_style() -> None:
    result = tool_result()
    response = ai21_jamba.render_response(result, model(JAMBA_MINI), make_id)
    chunks = list(ai21_jamba.render_stream(result, model(JAMBA_MINI), make_id, PIECES))

    choice = response["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["tool_calls"] == [
        {
            "id": "tooluse_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
        }
    ]
    assert response["model"] == "jamba-1.5-mini"
    tool_delta = chunks[-1]["choices"][0]["delta"]["tool_calls"][0]
    assert tool_delta["index"] == 0 and tool_delta["function"]["name"] == "get_weather"
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    assert jamba_stream_text(chunks) == "Checking."


def test_jamba_request_translates_system_and_tool_messages() -> None:
    request = ai21_jamba.parse_request(JAMBA_TOOL_BODY, model(JAMBA_MINI))

    assert [m["role"] for m in request.messages] == ["user", "assistant", "user"]
    assert request.messages[1]["content"] == [
        {"toolUse": {"toolUseId": "call_1", "name": "get_weather", "input": {"city": "Paris"}}}
    ]
    assert request.messages[2]["content"] == [
        {"toolResult": {"toolUseId": "call_1", "content": [{"text": "Sunny"}]}}
    ]
    assert request.inference_config == {"maxTokens": 4096}
    assert request.tool_config == {
        "tools": [
            {
                "toolSpec": {
                    "name": "get_weather",
                    "description": "",
                    "inputSchema": {"json": WEATHER_SCHEMA},
                }
            }
        ]
    }


def test_claude_text_prompt_becomes_turns_with_system_and_prefill() -> None:
    prompt = "You are terse.\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Count\n\nAssistant: One,"
    request = anthropic_text.parse_request(
        {"prompt": prompt, "max_tokens_to_sample": 20, "stop_sequences": ["\n\nHuman:"]},
        model(CLAUDE_V2),
    )

    assert request.system == [{"text": "You are terse."}]
    assert request.messages == [
        {"role": "user", "content": [{"text": "Hi"}]},
        {"role": "assistant", "content": [{"text": "Hello"}]},
        {"role": "user", "content": [{"text": "Count"}]},
        {"role": "assistant", "content": [{"text": "One,"}]},
    ]
    assert request.inference_config == {"maxTokens": 20, "stopSequences": ["\n\nHuman:"]}


@pytest.mark.parametrize(
    ("codec", "text_chunk", "other_chunk"),
    [
        pytest.param(
            nova,
            {"contentBlockDelta": {"delta": {"text": "Hi"}, "contentBlockIndex": 0}},
            {"messageStop": {"stopReason": "end_turn"}},
            id="nova",
        ),
        pytest.param(
            cohere_command_r,
            {"is_finished": False, "event_type": "text-generation", "text": "Hi"},
            {"is_finished": False, "event_type": "stream-start", "generation_id": "g"},
            id="cohere",
        ),
        pytest.param(
            ai21_jamba,
            {
                "id": "chat-1",
                "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
            },
            {"id": "chat-1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            id="jamba",
        ),
        pytest.param(
            anthropic_text,
            {"completion": "Hi", "stop_reason": None, "stop": None},
            {"completion": "", "stop_reason": "stop_sequence", "stop": "\n\nHuman:"},
            id="claude-text",
        ),
    ],
)
def test_delta_text_finds_the_text_a_chunk_carries(
    codec: Any, text_chunk: dict[str, Any], other_chunk: dict[str, Any]
) -> None:
    assert codec.delta_text(text_chunk) == "Hi"
    assert codec.delta_text(other_chunk) is None
