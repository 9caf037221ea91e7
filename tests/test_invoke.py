"""InvokeModel with Anthropic bodies, CountTokens, and Converse ↔ native parity."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import HAIKU, user

VERSION = "bedrock-2023-05-31"


def claude(**body: Any) -> str:
    return json.dumps({"anthropic_version": VERSION, "max_tokens": 100, **body})


def invoke(runtime: Any, model_id: str, body: str) -> tuple[dict[str, Any], dict[str, str]]:
    response = runtime.invoke_model(modelId=model_id, body=body)
    return json.loads(response["body"].read()), response["ResponseMetadata"]["HTTPHeaders"]


def test_anthropic_response_has_the_messages_api_shape(runtime: Any) -> None:
    body, _ = invoke(runtime, HAIKU, claude(messages=[{"role": "user", "content": "Hello"}]))
    assert set(body) == {
        "id",
        "type",
        "role",
        "model",
        "content",
        "stop_reason",
        "stop_sequence",
        "usage",
    }
    assert body["id"].startswith("msg_bdrk_01") and len(body["id"]) == len("msg_bdrk_01") + 24
    assert body["content"][0]["type"] == "text"
    assert body["stop_reason"] == "end_turn" and body["stop_sequence"] is None
    # Claude 3 Haiku reports no cache counts unless the request cached (openinference, 2025).
    assert set(body["usage"]) == {"input_tokens", "output_tokens"}


def test_anthropic_ids_are_unique_per_call(runtime: Any) -> None:
    request = claude(messages=[{"role": "user", "content": "Hello"}])
    first = invoke(runtime, HAIKU, request)[0]["id"]
    second = invoke(runtime, HAIKU, request)[0]["id"]
    assert first != second


def test_ids_are_reproducible_from_run_to_run() -> None:
    from moto_bedrock.generation.ids import IdFactory

    def run() -> list[str]:
        factory = IdFactory()  # a fresh backend's factory
        return [factory.make("msg_bdrk_01", seed, 24) for seed in ("a", "a", "b")]

    runs = [run(), run()]
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 3


def test_anthropic_stop_sequences_and_system_prompt(runtime: Any) -> None:
    whole, _ = invoke(
        runtime, HAIKU, claude(messages=[{"role": "user", "content": "Describe owls"}])
    )
    word = whole["content"][0]["text"].split()[2]
    stopped, _ = invoke(
        runtime,
        HAIKU,
        claude(messages=[{"role": "user", "content": "Describe owls"}], stop_sequences=[word]),
    )
    assert stopped["stop_reason"] == "stop_sequence" and stopped["stop_sequence"] == word
    assert whole["content"][0]["text"].startswith(stopped["content"][0]["text"])

    with_system, _ = invoke(
        runtime,
        HAIKU,
        claude(system="Be brief.", messages=[{"role": "user", "content": "Describe owls"}]),
    )
    # "Be brief." is 3 tokens, and a system prompt adds 1 to Claude's template.
    assert with_system["usage"]["input_tokens"] == whole["usage"]["input_tokens"] + 3 + 1


def test_anthropic_cache_control_reports_cache_tokens(runtime: Any) -> None:
    system = [
        # Claude 3 Haiku caches a prefix of at least 2,048 tokens (catalog/prompt_cache.json).
        {
            "type": "text",
            "text": "Long shared rules here. " * 600,
            "cache_control": {"type": "ephemeral"},
        }
    ]
    request = claude(system=system, messages=[{"role": "user", "content": "Hi"}])
    first, _ = invoke(runtime, HAIKU, request)
    second, _ = invoke(runtime, HAIKU, request)
    assert first["usage"]["cache_creation_input_tokens"] > 0
    assert first["usage"]["cache_read_input_tokens"] == 0
    assert (
        second["usage"]["cache_read_input_tokens"] == first["usage"]["cache_creation_input_tokens"]
    )


def test_anthropic_accepts_images_and_tool_history(runtime: Any) -> None:
    image = base64.b64encode(b"\x89PNG fake").decode()
    messages = [
        {
            "role": "user",
            "content": [
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": image},
                },
                {"type": "text", "text": "What is this?"},
            ],
        },
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": "look", "input": {}}],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a cat"}],
        },
    ]
    tools = [{"name": "look", "description": "Look", "input_schema": {"type": "object"}}]
    body, headers = invoke(runtime, HAIKU, claude(messages=messages, tools=tools))
    assert body["content"][0]["text"]
    assert int(headers["x-amzn-bedrock-input-token-count"]) == body["usage"]["input_tokens"]


# A body with ``messages`` fails the legacy text-completion branch first, and every failure
# is chained (docs/conformance.md "Chained schema errors").
NOT = '#: subject must not be valid against schema {"required":["messages"]}'
MALFORMED = [
    ({"max_tokens": 10, "messages": []}, NOT + "#: required key [anthropic_version] not found"),
    (
        {"anthropic_version": VERSION, "messages": []},
        NOT + "#: required key [max_tokens] not found",
    ),
    (
        {"messages": [], "temperature": 1, "inferenceConfig": {}, "toolConfig": {}},
        NOT
        + "#: required key [max_tokens] not found#: required key [anthropic_version] not found"
        + "#: extraneous key [toolConfig] is not permitted"
        + "#: extraneous key [inferenceConfig] is not permitted",
    ),
    ({"anthropic_version": VERSION, "max_tokens": 10}, "#: required key [messages] not found"),
    (
        {"anthropic_version": VERSION, "max_tokens": 10, "messages": [], "model": "claude"},
        NOT + "#: extraneous key [model] is not permitted",
    ),
    (
        {"anthropic_version": "2023-01-01", "max_tokens": 10, "messages": []},
        NOT + "#/anthropic_version: 2023-01-01 is not a valid enum value",
    ),
    (
        {"anthropic_version": VERSION, "max_tokens": "ten", "messages": []},
        NOT + "#/max_tokens: expected type: Integer, found: String",
    ),
    (
        {"anthropic_version": VERSION, "max_tokens": 0, "messages": []},
        NOT + "#/max_tokens: 0 is not greater or equal to 1",
    ),
    (
        {
            "anthropic_version": VERSION,
            "max_tokens": 10,
            "messages": [{"role": "bot", "content": "x"}],
        },
        NOT + "#/messages/0/role: bot is not a valid enum value",
    ),
    (
        {
            "anthropic_version": VERSION,
            "max_tokens": 10,
            "messages": [{"role": "user", "content": [{"type": "video"}]}],
        },
        NOT + "#/messages/0/content/0/type: video is not a valid enum value",
    ),
]


@pytest.mark.parametrize(
    ("body", "detail"), MALFORMED, ids=[d.split("}")[-1][3:33] for _, d in MALFORMED]
)
def test_anthropic_rejects_malformed_bodies(
    runtime: Any, body: dict[str, Any], detail: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(modelId=HAIKU, body=json.dumps(body))
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    assert excinfo.value.response["Error"]["Message"] == (
        f"Malformed input request: {detail}, please reformat your input and try again."
    )


def test_anthropic_max_tokens_above_the_model_limit(runtime: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(modelId=HAIKU, body=claude(max_tokens=5000, messages=[]))
    assert "exceeds the model limit of 4096" in excinfo.value.response["Error"]["Message"]


def test_invoke_model_rejects_a_body_that_is_not_json(runtime: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(modelId=HAIKU, body=b"{not json")
    assert excinfo.value.response["Error"]["Message"] == (
        "Malformed input request: #: expected type: JSONObject, found: invalid JSON, "
        "please reformat your input and try again."
    )


def test_converse_and_native_bodies_give_the_same_reply(runtime: Any) -> None:
    conversation = [
        user("Plan a trip to Lisbon"),
        {"role": "assistant", "content": [{"text": "Sure, for how long?"}]},
        user("Three days"),
    ]
    converse = runtime.converse(
        modelId=HAIKU,
        messages=conversation,
        system=[{"text": "You are a travel agent."}],
        inferenceConfig={"maxTokens": 40},
    )
    native, _ = invoke(
        runtime,
        HAIKU,
        claude(
            max_tokens=40,
            system="You are a travel agent.",
            messages=[
                {"role": m["role"], "content": m["content"][0]["text"]} for m in conversation
            ],
        ),
    )
    assert native["content"][0]["text"] == converse["output"]["message"]["content"][0]["text"]
    assert native["usage"]["input_tokens"] == converse["usage"]["inputTokens"]
    assert native["usage"]["output_tokens"] == converse["usage"]["outputTokens"]
    assert native["stop_reason"] == converse["stopReason"]


def test_count_tokens_matches_usage_for_converse_and_native(runtime: Any) -> None:
    messages = [user("How many tokens is this sentence, roughly?")]
    system = [{"text": "Count carefully."}]
    tools = {
        "tools": [
            {
                "toolSpec": {
                    "name": "calc",
                    "description": "Add",
                    "inputSchema": {"json": {"type": "object"}},
                }
            }
        ]
    }
    converse = runtime.converse(modelId=HAIKU, messages=messages, system=system, toolConfig=tools)
    counted = runtime.count_tokens(
        modelId=HAIKU,
        input={"converse": {"messages": messages, "system": system, "toolConfig": tools}},
    )
    assert counted["inputTokens"] == converse["usage"]["inputTokens"]

    body = claude(system="Count carefully.", messages=[{"role": "user", "content": "How many?"}])
    native, headers = invoke(runtime, HAIKU, body)
    counted = runtime.count_tokens(modelId=HAIKU, input={"invokeModel": {"body": body}})
    assert counted["inputTokens"] == native["usage"]["input_tokens"]
    assert counted["inputTokens"] == int(headers["x-amzn-bedrock-input-token-count"])


def test_count_tokens_rejects_unknown_models(runtime: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.count_tokens(
            modelId="acme.nothing-v1:0", input={"converse": {"messages": [user("Hi")]}}
        )
    assert excinfo.value.response["Error"]["Message"] == "The provided model identifier is invalid."
