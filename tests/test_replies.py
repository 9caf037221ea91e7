"""Scripted replies: every reply kind on every operation, queues, strict mode, the
callable and LLM responders, and the ``replies`` config section, in both modes."""

from __future__ import annotations

import json
from typing import Any

import boto3
import jsonschema
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from moto_bedrock import mock_bedrock
from moto_bedrock.behaviour import replies as replies_module
from moto_bedrock.behaviour.control import ConfigError
from moto_bedrock.behaviour.replies import ReplyScript
from moto_bedrock.generation.responders import Invocation, Reply
from tests.conftest import HAIKU, REGION, Aws, user

NOVA = "amazon.nova-lite-v1:0"
WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "units": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1},
    },
    "required": ["city", "units"],
}
TOOLS = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "Weather for a city",
                "inputSchema": {"json": WEATHER_SCHEMA},
            }
        }
    ]
}
ANTHROPIC_TOOLS = [
    {"name": "get_weather", "description": "Weather for a city", "input_schema": WEATHER_SCHEMA}
]


def no_retry_client(aws: Aws) -> Any:
    # conftest's client sets max_attempts=1, which botocore reads as one *retry*; a
    # scripted error must reach the emulator exactly once (and use up one queued reply).
    return boto3.client(
        "bedrock-runtime",
        region_name=REGION,
        endpoint_url=aws.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )


@pytest.fixture
def runtime(aws: Aws) -> Any:
    return no_retry_client(aws)


def anthropic_body(prompt: str, **extra: Any) -> str:
    return json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 300,
            "messages": [{"role": "user", "content": prompt}],
            **extra,
        }
    )


def stream_events(runtime: Any, **request: Any) -> list[dict[str, Any]]:
    return list(runtime.converse_stream(**request)["stream"])


def stream_content(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reassemble ConverseStream events into Converse content blocks."""
    blocks: dict[int, dict[str, Any]] = {}
    for event in events:
        if "contentBlockStart" in event:
            start = event["contentBlockStart"]
            tool = start["start"]["toolUse"]
            blocks[start["contentBlockIndex"]] = {"toolUse": {**tool, "input": ""}}
        elif "contentBlockDelta" in event:
            body = event["contentBlockDelta"]
            index, delta = body["contentBlockIndex"], body["delta"]
            if "text" in delta:
                block = blocks.setdefault(index, {"text": ""})
                block["text"] += delta["text"]
            elif "toolUse" in delta:
                blocks[index]["toolUse"]["input"] += delta["toolUse"]["input"]
            else:
                block = blocks.setdefault(index, {"reasoningContent": {"reasoningText": {}}})
                text = block["reasoningContent"]["reasoningText"]
                for key, value in delta["reasoningContent"].items():
                    text[key] = text.get(key, "") + value
    for block in blocks.values():
        if "toolUse" in block:
            block["toolUse"]["input"] = json.loads(block["toolUse"]["input"])
    return [blocks[i] for i in sorted(blocks)]


def stop_reason_of(events: list[dict[str, Any]]) -> str:
    return next(e["messageStop"]["stopReason"] for e in events if "messageStop" in e)


def native_stream(runtime: Any, body: str, model: str = HAIKU) -> list[dict[str, Any]]:
    response = runtime.invoke_model_with_response_stream(modelId=model, body=body)
    return [json.loads(e["chunk"]["bytes"]) for e in response["body"]]


def native_stream_content(chunks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reassemble Anthropic stream chunks into Messages API content blocks."""
    blocks: list[dict[str, Any]] = []
    for chunk in chunks:
        if chunk["type"] == "content_block_start":
            blocks.append(dict(chunk["content_block"]))
            if blocks[-1]["type"] == "tool_use":
                blocks[-1]["input"] = ""
        elif chunk["type"] == "content_block_delta":
            delta = chunk["delta"]
            if delta["type"] == "text_delta":
                blocks[-1]["text"] += delta["text"]
            elif delta["type"] == "input_json_delta":
                blocks[-1]["input"] += delta["partial_json"]
            elif delta["type"] == "signature_delta":
                blocks[-1]["signature"] = delta["signature"]
            else:
                blocks[-1]["thinking"] += delta["thinking"]
    for block in blocks:
        if block["type"] == "tool_use":
            block["input"] = json.loads(block["input"])
    return blocks


def sources(controls: Any) -> list[str | None]:
    return [c["source"] for c in controls.get_call_history()["calls"]]


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


# -- reply kinds on every operation ------------------------------------------------------


def test_text_reply_answers_all_four_operations(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    assert controls.set_reply(reply={"text": "Scripted hello"}) == {
        "static": {"text": "Scripted hello"}
    }

    response = runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert response["output"] == {
        "message": {"role": "assistant", "content": [{"text": "Scripted hello"}]}
    }
    assert response["stopReason"] == "end_turn"

    events = stream_events(runtime, modelId=HAIKU, messages=[user("Hi")])
    assert stream_content(events) == [{"text": "Scripted hello"}]
    assert stop_reason_of(events) == "end_turn"

    body = json.loads(runtime.invoke_model(modelId=HAIKU, body=anthropic_body("Hi"))["body"].read())
    assert body["content"] == [{"type": "text", "text": "Scripted hello"}]
    assert body["stop_reason"] == "end_turn" and body["role"] == "assistant"

    chunks = native_stream(runtime, anthropic_body("Hi"))
    assert native_stream_content(chunks) == [{"type": "text", "text": "Scripted hello"}]
    assert chunks[-2]["delta"]["stop_reason"] == "end_turn"

    assert sources(controls) == ["static"] * 4
    controls.set_reply(reply=None)
    runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert sources(controls)[-1] == "default"


CONTENT = [
    {
        "reasoningContent": {
            "reasoningText": {"text": "The user wants weather.", "signature": "sig"}
        }
    },
    {"text": "Checking."},
    {"toolUse": {"toolUseId": "tooluse_fixed01", "name": "get_weather", "input": {"city": "Oslo"}}},
]


def test_content_reply_is_returned_verbatim(aws: Aws, runtime: Any) -> None:
    aws.controls().set_reply(reply={"content": CONTENT})
    request = {"modelId": HAIKU, "messages": [user("Weather?")], "toolConfig": TOOLS}

    response = runtime.converse(**request)
    assert response["output"]["message"]["content"] == CONTENT
    assert response["stopReason"] == "tool_use"  # a toolUse block implies tool_use

    events = stream_events(runtime, **request)
    assert stream_content(events) == CONTENT
    assert stop_reason_of(events) == "tool_use"

    native = anthropic_body("Weather?", tools=ANTHROPIC_TOOLS)
    body = json.loads(runtime.invoke_model(modelId=HAIKU, body=native)["body"].read())
    assert body["content"] == [
        {"type": "thinking", "thinking": "The user wants weather.", "signature": "sig"},
        {"type": "text", "text": "Checking."},
        {
            "type": "tool_use",
            "id": "tooluse_fixed01",
            "name": "get_weather",
            "input": {"city": "Oslo"},
        },
    ]
    assert body["stop_reason"] == "tool_use"

    streamed = native_stream_content(native_stream(runtime, native))
    assert streamed == body["content"]  # the signature arrives as a signature_delta


def test_tool_use_reply_with_input_and_text(aws: Aws, runtime: Any) -> None:
    aws.controls().set_reply(
        reply={
            "text": "Let me check.",
            "tool_use": {"name": "get_weather", "input": {"city": "Paris"}},
        }
    )
    request = {"modelId": HAIKU, "messages": [user("Weather in Paris?")], "toolConfig": TOOLS}

    response = runtime.converse(**request)
    content = response["output"]["message"]["content"]
    assert content[0] == {"text": "Let me check."}
    tool_use = content[1]["toolUse"]
    assert tool_use["name"] == "get_weather" and tool_use["input"] == {"city": "Paris"}
    assert tool_use["toolUseId"].startswith("tooluse_")
    assert response["stopReason"] == "tool_use"

    events = stream_events(runtime, **request)
    streamed = stream_content(events)
    assert streamed[0] == {"text": "Let me check."}
    assert streamed[1]["toolUse"]["input"] == {"city": "Paris"}
    assert stop_reason_of(events) == "tool_use"

    native = anthropic_body("Weather in Paris?", tools=ANTHROPIC_TOOLS)
    body = json.loads(runtime.invoke_model(modelId=HAIKU, body=native)["body"].read())
    assert [b["type"] for b in body["content"]] == ["text", "tool_use"]
    assert body["content"][1]["name"] == "get_weather"
    assert body["content"][1]["input"] == {"city": "Paris"}
    assert body["stop_reason"] == "tool_use"

    chunks = native_stream(runtime, native)
    streamed_native = native_stream_content(chunks)
    assert streamed_native[1]["input"] == {"city": "Paris"}
    assert chunks[-2]["delta"]["stop_reason"] == "tool_use"


def test_tool_use_input_is_generated_from_the_schema(aws: Aws, runtime: Any) -> None:
    aws.controls().set_reply(reply={"tool_use": {"name": "get_weather"}})
    request = {"modelId": HAIKU, "messages": [user("Weather?")], "toolConfig": TOOLS}

    response = runtime.converse(**request)
    [block] = response["output"]["message"]["content"]
    assert block["toolUse"]["name"] == "get_weather"
    jsonschema.validate(block["toolUse"]["input"], WEATHER_SCHEMA)
    assert response["stopReason"] == "tool_use"

    [streamed] = stream_content(stream_events(runtime, **request))
    jsonschema.validate(streamed["toolUse"]["input"], WEATHER_SCHEMA)

    native = anthropic_body("Weather?", tools=ANTHROPIC_TOOLS)
    body = json.loads(runtime.invoke_model(modelId=HAIKU, body=native)["body"].read())
    jsonschema.validate(body["content"][0]["input"], WEATHER_SCHEMA)


def test_tool_use_of_a_tool_not_offered_needs_an_input(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_reply(reply={"tool_use": {"name": "book_flight"}})
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("Fly")], toolConfig=TOOLS)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "moto-bedrock: the scripted reply calls tool 'book_flight', but this Converse call "
        "does not offer it (tool 'book_flight' is not offered in toolConfig.tools (offered: "
        'get_weather)), so its input cannot be generated; give "input" in the reply\'s '
        "tool_use."
    )
    assert controls.get_call_history()["calls"][-1]["injected"] == "strict"

    # With an explicit input the reply goes out: models do call tools they were not offered.
    controls.set_reply(reply={"tool_use": {"name": "book_flight", "input": {"to": "OSL"}}})
    response = runtime.converse(modelId=HAIKU, messages=[user("Fly")], toolConfig=TOOLS)
    tool_use = response["output"]["message"]["content"][0]["toolUse"]
    assert tool_use["name"] == "book_flight" and tool_use["input"] == {"to": "OSL"}


@pytest.mark.parametrize(
    ("spec", "code", "status", "message"),
    [
        (
            {"error": "ThrottlingException"},
            "ThrottlingException",
            429,
            "Too many requests, please wait before trying again.",
        ),
        ({"error": "Throttling", "message": "Slow down"}, "ThrottlingException", 429, "Slow down"),
        (
            {"error": "ModelTimeout"},
            "ModelTimeoutException",
            408,
            "Model has timed out in processing the request.",
        ),
        (
            {"error": "ServiceUnavailableException"},
            "ServiceUnavailableException",
            503,
            "Bedrock is unable to process your request.",
        ),
    ],
)
def test_error_reply_fails_the_call(
    aws: Aws, runtime: Any, spec: dict[str, Any], code: str, status: int, message: str
) -> None:
    controls = aws.controls()
    controls.set_reply(reply=spec)
    calls = [
        lambda: runtime.converse(modelId=HAIKU, messages=[user("Hi")]),
        lambda: runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")]),
        lambda: runtime.invoke_model(modelId=HAIKU, body=anthropic_body("Hi")),
        lambda: runtime.invoke_model_with_response_stream(modelId=HAIKU, body=anthropic_body("Hi")),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == (code, message, status)
    history = controls.get_call_history()["calls"]
    assert [c["error"] for c in history] == [{"code": code, "message": message}] * 4
    assert [c["injected"] for c in history] == ["rule"] * 4
    assert [c["source"] for c in history] == ["static"] * 4


def test_json_schema_reply_validates_and_repeats(aws: Aws, runtime: Any) -> None:
    schema = {
        "type": "object",
        "properties": {
            "sentiment": {"enum": ["positive", "negative"]},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        },
        "required": ["sentiment", "score", "tags"],
        "additionalProperties": False,
    }
    aws.controls().add_rule(name="classify", user_text="Classify", reply={"json_schema": schema})
    texts = []
    for _ in range(2):
        response = runtime.converse(modelId=HAIKU, messages=[user("Classify: great film")])
        [block] = response["output"]["message"]["content"]
        texts.append(block["text"])
        jsonschema.validate(json.loads(block["text"]), schema)
        assert response["stopReason"] == "end_turn"
    assert texts[0] == texts[1]
    events = list(
        runtime.converse_stream(modelId=HAIKU, messages=[user("Classify: great film")])["stream"]
    )
    streamed = "".join(
        e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e
    )
    assert streamed == texts[0]


def test_model_error_reply(aws: Aws, runtime: Any) -> None:
    aws.controls().set_reply(reply={"error": "ModelErrorException", "message": "boom"})
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert error_of(excinfo) == ("ModelErrorException", "boom", 424)


def test_stop_reason_and_usage_override(aws: Aws, runtime: Any) -> None:
    aws.controls().set_reply(
        reply={
            "text": "Filtered.",
            "stop_reason": "content_filtered",
            "usage": {"inputTokens": 100, "outputTokens": 7},
        }
    )
    response = runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert response["stopReason"] == "content_filtered"
    assert response["usage"] == {"inputTokens": 100, "outputTokens": 7, "totalTokens": 107}

    events = stream_events(runtime, modelId=HAIKU, messages=[user("Hi")])
    assert stop_reason_of(events) == "content_filtered"
    assert events[-1]["metadata"]["usage"] == {
        "inputTokens": 100,
        "outputTokens": 7,
        "totalTokens": 107,
    }

    response = runtime.invoke_model(modelId=HAIKU, body=anthropic_body("Hi"))
    body = json.loads(response["body"].read())
    assert body["usage"]["input_tokens"] == 100 and body["usage"]["output_tokens"] == 7
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-bedrock-input-token-count"] == "100"
    assert headers["x-amzn-bedrock-output-token-count"] == "7"


def test_scripted_text_still_obeys_max_tokens(aws: Aws, runtime: Any) -> None:
    aws.controls().set_reply(reply={"text": "one two three four five six seven eight nine ten"})
    response = runtime.converse(
        modelId=HAIKU, messages=[user("Hi")], inferenceConfig={"maxTokens": 3}
    )
    assert response["stopReason"] == "max_tokens"
    assert response["usage"]["outputTokens"] == 3


# -- queues --------------------------------------------------------------------------------


def test_queue_is_fifo_then_falls_back_to_the_default(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    default_text = runtime.converse(modelId=HAIKU, messages=[user("Hi")])["output"]
    controls.clear_call_history()

    assert controls.enqueue_replies(replies=[{"text": "first"}, {"text": "second"}]) == {
        "model": None,
        "length": 2,
    }
    assert controls.enqueue_replies(replies=[{"text": "third"}])["length"] == 3
    outputs = [runtime.converse(modelId=HAIKU, messages=[user("Hi")])["output"] for _ in range(4)]
    texts = [o["message"]["content"][0]["text"] for o in outputs[:3]]
    assert texts == ["first", "second", "third"]
    assert outputs[3] == default_text
    assert sources(controls) == ["queue", "queue", "queue", "default"]


def test_queue_serves_every_operation_in_order(aws: Aws, runtime: Any) -> None:
    aws.controls().enqueue_replies(
        replies=[{"text": "a"}, {"text": "b"}, {"text": "c"}, {"text": "d"}]
    )
    first = runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    second = stream_content(stream_events(runtime, modelId=HAIKU, messages=[user("Hi")]))
    third = json.loads(
        runtime.invoke_model(modelId=HAIKU, body=anthropic_body("Hi"))["body"].read()
    )
    fourth = native_stream_content(native_stream(runtime, anthropic_body("Hi")))
    assert first["output"]["message"]["content"] == [{"text": "a"}]
    assert second == [{"text": "b"}]
    assert third["content"] == [{"type": "text", "text": "c"}]
    assert fourth == [{"type": "text", "text": "d"}]


def test_per_model_queue_comes_before_the_global_queue(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.enqueue_replies(replies=[{"text": "global"}])
    controls.enqueue_replies(replies=[{"text": "nova"}], model="amazon.nova*")
    assert controls.enqueue_replies(replies=[{"text": "haiku"}], model="re:claude-3-haiku") == {
        "model": "re:claude-3-haiku",
        "length": 1,
    }

    def text(model: str) -> str:
        response = runtime.converse(modelId=model, messages=[user("Hi")])
        return str(response["output"]["message"]["content"][0]["text"])

    assert text(f"us.{HAIKU}") == "haiku"  # the profile id resolves to a matching model
    assert text(HAIKU) == "global"  # haiku's queue is empty: the global queue answers
    assert text(NOVA) == "nova"
    assert sources(controls) == ["queue", "queue", "queue"]
    assert text(NOVA) != "nova"
    assert sources(controls)[-1] == "default"


def test_queue_comes_before_rules_and_static(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_reply(reply={"text": "static"})
    controls.add_rule(name="hi", user_text="Hi", reply={"text": "rule"})
    controls.enqueue_replies(replies=[{"text": "queued"}])

    def text(prompt: str) -> str:
        response = runtime.converse(modelId=HAIKU, messages=[user(prompt)])
        return str(response["output"]["message"]["content"][0]["text"])

    assert [text("Hi"), text("Hi"), text("Bye")] == ["queued", "rule", "static"]
    assert sources(controls) == ["queue", "rule:hi", "static"]


def test_queues_can_be_listed_checked_and_cleared(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.enqueue_replies(replies=[{"text": "a"}, {"error": "Throttling"}])
    controls.enqueue_replies(replies=[{"text": "n"}], model="amazon.nova*")
    assert controls.get_queues() == {
        "queue": [{"text": "a"}, {"error": "Throttling"}],
        "queues": {"amazon.nova*": [{"text": "n"}]},
    }
    with pytest.raises(AssertionError) as excinfo:
        controls.assert_no_unused_replies()
    assert str(excinfo.value) == (
        '3 scripted replies were never used; global queue: [{"text": "a"}, '
        '{"error": "Throttling"}]; queue for \'amazon.nova*\': [{"text": "n"}]'
    )

    runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    runtime.converse(modelId=NOVA, messages=[user("Hi")])
    assert controls.unused_replies() == {
        "count": 1,
        "queue": [{"error": "Throttling"}],
        "queues": {},
    }
    with pytest.raises(AssertionError) as excinfo:
        controls.assert_no_unused_replies()
    assert str(excinfo.value) == (
        '1 scripted reply was never used; global queue: [{"error": "Throttling"}]'
    )
    with pytest.raises(ClientError):
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert controls.unused_replies() == {"count": 0, "queue": [], "queues": {}}
    controls.assert_no_unused_replies()

    controls.enqueue_replies(replies=[{"text": "left over"}], model="amazon.nova*")
    controls.clear_queues()
    assert controls.get_queues() == {"queue": [], "queues": {}}
    controls.assert_no_unused_replies()


def test_each_queued_reply_answers_exactly_one_of_many_parallel_calls(aws: Aws) -> None:
    from concurrent.futures import ThreadPoolExecutor

    controls = aws.controls()
    controls.enqueue_replies(replies=[{"text": f"reply {n}"} for n in range(24)])
    clients = [no_retry_client(aws) for _ in range(4)]

    def call(n: int) -> str:
        response = clients[n % 4].converse(modelId=HAIKU, messages=[user(f"call {n}")])
        return str(response["output"]["message"]["content"][0]["text"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(call, range(24)))
    assert sorted(texts) == sorted(f"reply {n}" for n in range(24))
    assert controls.unused_replies()["count"] == 0


# -- strict mode ---------------------------------------------------------------------------


def test_strict_mode_fails_once_the_queue_is_empty(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    assert controls.set_strict(strict=True) == {"strict": True}
    controls.enqueue_replies(replies=[{"text": "only one"}])
    runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert error_of(excinfo) == (
        "ValidationException",
        "moto-bedrock strict mode: nothing is scripted for this Converse call to "
        f"{HAIKU}: the reply queue is empty and there are no rules",
        400,
    )
    last = controls.get_call_history()["calls"][-1]
    assert last["injected"] == "strict" and last["error"]["code"] == "ValidationException"

    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(modelId=f"us.{HAIKU}", body=anthropic_body("Hi"))
    assert error_of(excinfo)[1] == (
        "moto-bedrock strict mode: nothing is scripted for this InvokeModel call to "
        f"us.{HAIKU} ({HAIKU}): the reply queue is empty and there are no rules"
    )

    controls.set_strict(strict=False)
    runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert sources(controls)[-1] == "default"


def test_strict_mode_names_queues_kept_for_other_models(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_strict()
    controls.enqueue_replies(replies=[{"text": "n"}], model="amazon.nova*")
    with pytest.raises(ClientError) as excinfo:
        list(runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"])
    assert error_of(excinfo)[1] == (
        "moto-bedrock strict mode: no queued reply for this ConverseStream call to "
        f"{HAIKU}: the replies queued are for models matching ['amazon.nova*'], and there "
        "are no rules"
    )


def test_strict_mode_is_satisfied_by_a_static_reply(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_strict(strict=True)
    controls.set_reply(reply={"text": "always"})
    response = runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert response["output"]["message"]["content"] == [{"text": "always"}]


def test_set_strict_rejects_non_booleans(aws: Aws) -> None:
    with pytest.raises(ConfigError, match=r"^strict must be true or false; got 'yes'$"):
        aws.controls().set_strict(strict="yes")


# -- Python responder and LLM responder ----------------------------------------------------


def test_callable_responder_in_process_only(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    if aws.mode == "server":
        with pytest.raises(
            ConfigError,
            match=r"^set_responder takes a Python callable, so it works in-process only$",
        ):
            controls.set_responder(lambda invocation: "x")
        return
    seen: list[Invocation] = []

    def responder(invocation: Invocation) -> Any:
        seen.append(invocation)
        text = invocation.user_text()
        if text == "reply":
            return Reply(content=[{"text": "a Reply"}], stop_reason="stop_sequence")
        if text == "spec":
            return {"text": "a spec", "usage": {"outputTokens": 42}}
        if text == "text":
            return f"echo from {invocation.model.model_id}"
        return None  # pass the call on

    controls.set_responder(responder)
    first = runtime.converse(modelId=HAIKU, messages=[user("reply")])
    assert first["output"]["message"]["content"] == [{"text": "a Reply"}]
    assert first["stopReason"] == "stop_sequence"
    second = runtime.converse(modelId=HAIKU, messages=[user("spec")])
    assert second["output"]["message"]["content"] == [{"text": "a spec"}]
    assert second["usage"]["outputTokens"] == 42
    third = runtime.converse(modelId=f"us.{HAIKU}", messages=[user("text")])
    assert third["output"]["message"]["content"] == [{"text": f"echo from {HAIKU}"}]
    runtime.converse(modelId=HAIKU, messages=[user("other")])
    assert sources(controls) == ["callable", "callable", "callable", "default"]
    assert seen[2].model_id == f"us.{HAIKU}" and seen[2].operation == "Converse"

    controls.set_reply(reply={"text": "static"})  # static comes before the callable
    runtime.converse(modelId=HAIKU, messages=[user("reply")])
    assert sources(controls)[-1] == "static"
    controls.set_reply(reply=None)
    controls.set_responder(None)
    runtime.converse(modelId=HAIKU, messages=[user("reply")])
    assert sources(controls)[-1] == "default"


class FakeLLM:
    """Stands in for LLMResponder without a server (tests the plumbing only)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def from_config(cls, config: dict[str, Any], *, where: str = "llm") -> FakeLLM:
        if set(config) != {"model"}:
            raise ConfigError(f"{where}: unknown keys {sorted(set(config) - {'model'})}")
        return cls(config)

    def to_config(self) -> dict[str, Any]:
        return dict(self.config)

    def __call__(self, invocation: Invocation) -> Reply:
        return Reply(content=[{"text": f"{self.config['model']} says hi"}])


@pytest.fixture
def fake_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replies_module, "LLMResponder", FakeLLM)


@pytest.mark.usefixtures("fake_llm")
def test_llm_responder_comes_after_the_callable() -> None:
    with mock_bedrock() as mock:
        controls = mock.control()
        runtime = boto3.client("bedrock-runtime", region_name=REGION)
        assert controls.use_llm(model="tiny") == {"llm": {"model": "tiny"}}
        response = runtime.converse(modelId=HAIKU, messages=[user("Hi")])
        assert response["output"]["message"]["content"] == [{"text": "tiny says hi"}]

        controls.set_responder(lambda invocation: None)  # passes every call on to the LLM
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
        controls.set_responder(lambda invocation: "mine")  # answers before the LLM
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
        controls.set_reply(reply={"text": "static"})  # and static before both
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
        assert sources(controls) == ["llm", "llm", "callable", "static"]

        controls.set_reply(reply=None)
        controls.set_responder(None)
        controls.clear_llm()
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
        assert sources(controls)[-1] == "default"


@pytest.mark.usefixtures("fake_llm")
def test_llm_config_round_trips() -> None:
    script = ReplyScript()
    script.load_config({"llm": {"model": "tiny"}, "strict": True})
    assert script.to_config() == {"strict": True, "llm": {"model": "tiny"}}
    with pytest.raises(ConfigError, match=r"^replies.llm: unknown keys \['x'\]$"):
        script.load_config({"llm": {"x": 1}})
    assert script.to_config() == {"strict": True, "llm": {"model": "tiny"}}


def test_use_llm_in_both_modes(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    # Port 9 (discard) on loopback: nothing listens, so the call fails fast and offline.
    config = controls.use_llm(url="http://127.0.0.1:9/v1", model="tiny")["llm"]
    assert config["url"] == "http://127.0.0.1:9/v1" and config["model"] == "tiny"
    assert controls.get_replies() == {"llm": config}
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert excinfo.value.response["Error"]["Code"] == "ModelErrorException"
    assert "127.0.0.1:9" in excinfo.value.response["Error"]["Message"]

    with pytest.raises(ConfigError, match=r"^llm.url is required$"):
        controls.use_llm(model="tiny")
    assert controls.get_replies() == {"llm": config}  # a refused config changes nothing
    assert controls.clear_llm() == {}
    assert controls.get_replies() == {}
    runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert sources(controls)[-1] == "default"


def test_clear_llm_without_one_is_harmless(aws: Aws) -> None:
    assert aws.controls().clear_llm() == {}


# -- configuration errors -------------------------------------------------------------------

BAD_REPLIES = [
    (
        {"txt": "x"},
        "reply: unknown keys ['txt']; expected some of ['text', 'content', 'tool_use', "
        "'json_schema', 'error', 'message', 'stop_reason', 'usage']",
    ),
    (
        {"stop_reason": "end_turn"},
        "reply needs one of text, content, tool_use, json_schema or error",
    ),
    (
        {"json_schema": {"type": "objekt"}},
        "reply.json_schema is not a valid JSON Schema: 'objekt' is not valid under any of "
        "the given schemas at $.type",
    ),
    ({"json_schema": "object"}, "reply.json_schema must be a JSON Schema object"),
    (
        {"text": "x", "json_schema": {"type": "object"}},
        "reply: json_schema cannot be combined with text",
    ),
    ({"text": 3}, "reply.text must be a string; got 3"),
    ({"text": "x", "message": "y"}, "reply.message goes only with error"),
    (
        {"text": "x", "stop_reason": "done"},
        "reply.stop_reason must be one of ['end_turn', 'tool_use', 'max_tokens', "
        "'stop_sequence', 'guardrail_intervened', 'content_filtered', "
        "'malformed_model_output', 'malformed_tool_use', 'model_context_window_exceeded']; "
        "got 'done'",
    ),
    (
        {"text": "x", "usage": {"inputTokens": -1}},
        "reply.usage needs inputTokens and/or outputTokens, each an integer >= 0",
    ),
    (
        {"text": "x", "usage": {"totalTokens": 1}},
        "reply.usage: unknown keys ['totalTokens']; expected some of ['inputTokens', 'outputTokens']",
    ),
    ({"content": []}, "reply.content must be a non-empty list of content blocks"),
    (
        {"content": [{"text": "a", "image": {}}]},
        "reply.content[0]: unknown keys ['image']; expected some of ['text', 'toolUse', "
        "'reasoningContent']",
    ),
    (
        {"content": [{"toolUse": {"toolUseId": "bad id!", "name": "t", "input": {}}}]},
        "reply.content[0].toolUse.toolUseId must match [a-zA-Z0-9_.:-]{1,64}; got 'bad id!'",
    ),
    (
        {"content": [{"text": "a"}], "text": "b"},
        "reply: content cannot be combined with text or tool_use",
    ),
    (
        {"tool_use": {"name": "get weather"}},
        "reply.tool_use.name must match [a-zA-Z0-9_-]{1,64}; got 'get weather'",
    ),
    (
        {"tool_use": {"name": "t", "input": [1]}},
        "reply.tool_use.input must be an object; got [1]",
    ),
    (
        {"error": "Nope"},
        "reply.error must be one of ['AccessDeniedException', 'InternalServerException', "
        "'ModelErrorException', 'ModelNotReadyException', 'ModelTimeoutException', "
        "'ResourceNotFoundException', 'ServiceQuotaExceededException', "
        "'ServiceUnavailableException', 'ThrottlingException', 'ValidationException']; "
        "got 'Nope'",
    ),
    (
        {"error": "Throttling", "stop_reason": "end_turn"},
        "reply: an error reply takes only error and message",
    ),
    ({"error": "Throttling", "message": ""}, "reply.message must be a non-empty string; got ''"),
]


@pytest.mark.parametrize(("spec", "message"), BAD_REPLIES)
def test_bad_reply_specs_are_refused(aws: Aws, spec: dict[str, Any], message: str) -> None:
    controls = aws.controls()
    with pytest.raises(ConfigError) as excinfo:
        controls.set_reply(reply=spec)
    assert str(excinfo.value) == message
    assert controls.get_replies() == {}


def test_bad_queue_arguments_are_refused(aws: Aws) -> None:
    controls = aws.controls()
    with pytest.raises(ConfigError) as excinfo:
        controls.enqueue_replies(replies={"text": "x"})
    assert str(excinfo.value) == ("replies must be a list of reply specs; got {'text': 'x'}")
    with pytest.raises(ConfigError) as excinfo:
        controls.enqueue_replies(replies=[{"text": "ok"}, {"text": None}])
    assert str(excinfo.value) == "replies[1].text must be a string; got None"
    with pytest.raises(ConfigError) as excinfo:
        controls.enqueue_replies(replies=[{"text": "x"}], model="re:claude-(3")
    assert str(excinfo.value) == (
        "model is not a valid regular expression: missing ), unterminated subpattern at "
        "position 7; got 're:claude-(3'"
    )
    assert controls.get_queues() == {"queue": [], "queues": {}}  # nothing half-queued


def test_config_errors_are_http_400_with_the_message(server_url: str) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    response = requests.post(
        f"{server_url}/moto-api/bedrock/set_reply",
        json={"reply": {"text": "x", "stop_reason": "finished"}},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("reply.stop_reason must be one of ['end_turn'")
    response = requests.post(
        f"{server_url}/moto-api/bedrock/enqueue_replies",
        json={"replies": [{"text": "ok"}], "model": "anthropic.*"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json() == {"model": "anthropic.*", "length": 1}


# -- the config section ---------------------------------------------------------------------

FULL_CONFIG: dict[str, Any] = {
    "strict": True,
    "static": {"text": "static"},
    "queue": [{"text": "q1"}, {"error": "ThrottlingException", "message": "later"}],
    "queues": {"amazon.nova*": [{"tool_use": {"name": "t"}}], "re:haiku": [{"text": "h"}]},
    "rules": [
        {"name": "hi", "user_text": "hi", "reply": {"text": "hello"}, "times": 2},
        {"turn": {"min": 2}, "tools_offered": ["a", "b"], "reply": {"content": [{"text": "x"}]}},
    ],
}


def test_config_round_trips() -> None:
    script = ReplyScript()
    assert script.to_config() == {}
    script.load_config(FULL_CONFIG)
    assert script.to_config() == FULL_CONFIG
    again = ReplyScript()
    again.load_config(script.to_config())
    assert again.to_config() == FULL_CONFIG
    script.load_config({})
    assert script.to_config() == {}


def test_config_leaves_out_python_callables() -> None:
    with mock_bedrock() as mock:
        controls = mock.control()
        controls.set_responder(lambda invocation: None)
        controls.add_rule(name="vip", when=lambda invocation: True, reply={"text": "vip"})
        controls.add_rule(name="plain", user_text="x", reply={"text": "y"})
        script = controls._behaviour.replies
        assert script.to_config() == {
            "rules": [{"name": "plain", "user_text": "x", "reply": {"text": "y"}}]
        }
        script.load_config(script.to_config())
        assert script.responder is None and [r.name for r in script.rules] == ["plain"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"strict": True, "stric": 1},
            "replies: unknown keys ['stric']; expected some of ['strict', 'static', 'queue', "
            "'queues', 'rules', 'llm', 'auto_tools']",
        ),
        ({"strict": "yes"}, "replies.strict must be true or false; got 'yes'"),
        ([], "replies must be an object; got []"),
        ({"static": {"text": 1}}, "replies.static.text must be a string; got 1"),
        (
            {"queue": {"text": "x"}},
            "replies.queue must be a list of reply specs; got {'text': 'x'}",
        ),
        (
            {"queue": [{"text": "x"}, {}]},
            "replies.queue[1] needs one of text, content, tool_use, json_schema or error",
        ),
        (
            {"queues": [{"text": "x"}]},
            "replies.queues must map model patterns to lists; got [{'text': 'x'}]",
        ),
        (
            {"queues": {"re:(": [{"text": "x"}]}},
            "replies.queues['re:('] is not a valid regular expression: missing ), unterminated "
            "subpattern at position 0; got 're:('",
        ),
        (
            {"queues": {"amazon.*": [{"error": "Nope"}]}},
            "replies.queues['amazon.*'][0].error must be one of ['AccessDeniedException', "
            "'InternalServerException', 'ModelErrorException', 'ModelNotReadyException', "
            "'ModelTimeoutException', 'ResourceNotFoundException', "
            "'ServiceQuotaExceededException', 'ServiceUnavailableException', "
            "'ThrottlingException', 'ValidationException']; got 'Nope'",
        ),
        ({"rules": {"reply": {}}}, "replies.rules must be a list of rules; got {'reply': {}}"),
        (
            {"rules": [{"user_regex": "a("}]},
            "replies.rules[0] needs a reply",
        ),
        ({"llm": "tiny"}, "replies.llm must be a mapping; got str"),
    ],
)
def test_bad_config_is_refused_and_changes_nothing(config: Any, message: str) -> None:
    script = ReplyScript()
    script.load_config(FULL_CONFIG)
    with pytest.raises(ConfigError) as excinfo:
        script.load_config(config)
    assert str(excinfo.value) == message
    assert script.to_config() == FULL_CONFIG


def test_get_replies_shows_the_config_section(aws: Aws) -> None:
    controls = aws.controls()
    controls.set_strict(strict=True)
    controls.set_reply(reply={"text": "s"})
    controls.enqueue_replies(replies=[{"text": "q"}])
    controls.enqueue_replies(replies=[{"text": "n"}], model="amazon.*")
    controls.set_rules(rules=[{"name": "r", "model": "anthropic.*", "reply": {"text": "x"}}])
    assert controls.get_replies() == {
        "strict": True,
        "static": {"text": "s"},
        "queue": [{"text": "q"}],
        "queues": {"amazon.*": [{"text": "n"}]},
        "rules": [{"name": "r", "model": "anthropic.*", "reply": {"text": "x"}}],
    }


def test_replies_reset_with_moto(server_url: str) -> None:
    from moto_bedrock.behaviour.control import RemoteControl

    remote = RemoteControl(server_url)
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    remote.set_reply(reply={"text": "x"})
    remote.set_strict(strict=True)
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    assert remote.get_replies() == {}
    with mock_bedrock() as mock:
        mock.control().set_reply(reply={"text": "x"})
    with mock_bedrock() as mock:
        assert mock.control().get_replies() == {}
