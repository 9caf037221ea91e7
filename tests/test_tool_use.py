"""Tool use in the default responder: forced calls, schema-valid inputs, closing answers."""

from __future__ import annotations

import copy
import json
import re
import socket
import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError
from jsonschema import Draft202012Validator

from moto_bedrock.bedrockruntime.exceptions import ValidationException
from moto_bedrock.catalog import load_catalog
from moto_bedrock.generation.responders import (
    Invocation,
    forced_tool,
    make_tool_use,
    offered_tools,
    structured_output,
)
from tests.conftest import HAIKU, Aws, user

NOVA = "amazon.nova-lite-v1:0"
CONVERSE_ID = re.compile(r"^tooluse_[A-Za-z0-9_-]{22}$")
NATIVE_ID = re.compile(r"^toolu_bdrk_01[A-Za-z0-9]{22}$")
CLOSERS = (
    "I hope this helps.",
    "Let me know if you would like more detail.",
    "That should give you a solid starting point.",
    "Feel free to ask a follow-up question.",
)

WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
    },
    "required": ["city", "unit"],
    "additionalProperties": False,
}
TIME_SCHEMA = {
    "type": "object",
    "properties": {"timezone": {"type": "string", "pattern": "^[A-Z][a-z]+/[A-Z][a-z_]+$"}},
    "required": ["timezone"],
}


def spec(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"toolSpec": {"name": name, "description": description, "inputSchema": {"json": schema}}}


TOOLS = [
    spec("get_time", "Current local time in a timezone", TIME_SCHEMA),
    spec("get_weather", "Weather forecast for a city", WEATHER_SCHEMA),
]
SCHEMAS = {"get_time": TIME_SCHEMA, "get_weather": WEATHER_SCHEMA}


def tool_config(choice: dict[str, Any] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"tools": copy.deepcopy(TOOLS)}
    if choice is not None:
        config["toolChoice"] = choice
    return config


def assert_valid(name: str, tool_input: Any) -> None:
    Draft202012Validator(
        SCHEMAS[name], format_checker=Draft202012Validator.FORMAT_CHECKER
    ).validate(tool_input)


def only_tool_use(response: dict[str, Any]) -> dict[str, Any]:
    content = response["output"]["message"]["content"]
    assert len(content) == 1 and set(content[0]) == {"toolUse"}, content
    tool_use: dict[str, Any] = content[0]["toolUse"]
    assert set(tool_use) == {"toolUseId", "name", "input"}
    return tool_use


def result_turn(tool_use_id: str, *parts: dict[str, Any], status: str | None = None) -> Any:
    result: dict[str, Any] = {"toolUseId": tool_use_id, "content": list(parts)}
    if status is not None:
        result["status"] = status
    return {"role": "user", "content": [{"toolResult": result}]}


WEATHER = {"temperature": 21, "conditions": "sunny"}


def test_agent_loop_with_converse(aws: Aws, runtime: Any) -> None:
    messages = [user("What's the weather in Lisbon this week?")]
    first = runtime.converse(modelId=HAIKU, messages=messages, toolConfig=tool_config({"any": {}}))

    assert first["stopReason"] == "tool_use"
    tool_use = only_tool_use(first)
    assert tool_use["name"] == "get_weather"  # the tool the question is about
    assert CONVERSE_ID.match(tool_use["toolUseId"])
    assert_valid("get_weather", tool_use["input"])
    assert tool_use["input"]["city"] == "Lisbon"  # quoted from the question
    assert first["usage"]["outputTokens"] > 0

    messages += [first["output"]["message"], result_turn(tool_use["toolUseId"], {"json": WEATHER})]
    final = runtime.converse(modelId=HAIKU, messages=messages, toolConfig=tool_config({"any": {}}))

    assert final["stopReason"] == "end_turn"
    [block] = final["output"]["message"]["content"]
    prefix = (
        'Based on the get_weather result for Lisbon: {"temperature": 21, "conditions": "sunny"}. '
    )
    assert block["text"].startswith(prefix)
    assert block["text"][len(prefix) :] in CLOSERS

    calls = aws.controls().get_call_history()["calls"]
    assert [c["stop_reason"] for c in calls] == ["tool_use", "end_turn"]
    assert calls[0]["content"] == first["output"]["message"]["content"]


def stream_events(response: dict[str, Any]) -> list[dict[str, Any]]:
    return list(response["stream"])


def test_agent_loop_with_converse_stream(runtime: Any) -> None:
    messages = [user("What's the weather in Lisbon this week?")]
    config = tool_config({"any": {}})
    events = stream_events(
        runtime.converse_stream(modelId=HAIKU, messages=messages, toolConfig=config)
    )

    names = [next(iter(e)) for e in events]
    assert names[:2] == ["messageStart", "contentBlockStart"]
    assert names[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    assert set(names[2:-3]) == {"contentBlockDelta"}
    start = events[1]["contentBlockStart"]
    assert start["contentBlockIndex"] == 0
    assert set(start["start"]) == {"toolUse"}
    tool_use_id = start["start"]["toolUse"]["toolUseId"]
    assert CONVERSE_ID.match(tool_use_id) and start["start"]["toolUse"]["name"] == "get_weather"
    fragments = [e["contentBlockDelta"]["delta"]["toolUse"]["input"] for e in events[2:-3]]
    assert fragments[0] == ""  # as Bedrock does, the first fragment is empty
    assert all(e["contentBlockDelta"]["contentBlockIndex"] == 0 for e in events[2:-3])
    tool_input = json.loads("".join(fragments))
    assert_valid("get_weather", tool_input)
    assert events[-3] == {"contentBlockStop": {"contentBlockIndex": 0}}
    assert events[-2] == {"messageStop": {"stopReason": "tool_use"}}

    # The same request through Converse gives the same call.
    same = only_tool_use(runtime.converse(modelId=HAIKU, messages=messages, toolConfig=config))
    assert same == {"toolUseId": tool_use_id, "name": "get_weather", "input": tool_input}

    assistant = {"role": "assistant", "content": [{"toolUse": same}]}
    messages += [assistant, result_turn(tool_use_id, {"text": "21 degrees and sunny"})]
    events = stream_events(
        runtime.converse_stream(modelId=HAIKU, messages=messages, toolConfig=config)
    )
    names = [next(iter(e)) for e in events]
    assert "contentBlockStart" not in names
    assert events[-2] == {"messageStop": {"stopReason": "end_turn"}}
    text = "".join(
        e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e
    )
    assert text.startswith("Based on the get_weather result for Lisbon: 21 degrees and sunny. ")


def test_tool_choice_tool_calls_the_named_tool(runtime: Any) -> None:
    response = runtime.converse(
        modelId=HAIKU,
        messages=[user("What's the weather in Lisbon?")],
        toolConfig=tool_config({"tool": {"name": "get_time"}}),
    )
    tool_use = only_tool_use(response)
    assert response["stopReason"] == "tool_use"
    assert tool_use["name"] == "get_time"
    assert_valid("get_time", tool_use["input"])


def test_any_picks_the_first_tool_when_nothing_matches(runtime: Any) -> None:
    response = runtime.converse(
        modelId=HAIKU, messages=[user("Hello there")], toolConfig=tool_config({"any": {}})
    )
    assert only_tool_use(response)["name"] == "get_time"


def test_auto_or_no_choice_keeps_the_prose_reply_when_no_tool_fits(runtime: Any) -> None:
    # A message no offered tool fits gets the same prose as without tools
    # (a fitting one gets a call: tests/test_auto_tools.py).
    messages = [user("Write a haiku about autumn leaves")]
    plain = runtime.converse(modelId=HAIKU, messages=messages)
    for config in (tool_config({"auto": {}}), tool_config()):
        response = runtime.converse(modelId=HAIKU, messages=messages, toolConfig=config)
        assert response["stopReason"] == "end_turn"
        assert response["output"] == plain["output"]


def test_ids_and_inputs_are_deterministic_and_new_each_turn(runtime: Any) -> None:
    config = tool_config({"any": {}})
    messages = [user("Weather in Osaka tomorrow?")]
    first = only_tool_use(runtime.converse(modelId=HAIKU, messages=messages, toolConfig=config))
    again = only_tool_use(runtime.converse(modelId=HAIKU, messages=messages, toolConfig=config))
    assert again == first

    messages += [
        {"role": "assistant", "content": [{"toolUse": first}]},
        result_turn(first["toolUseId"], {"json": WEATHER}),
    ]
    answer = runtime.converse(modelId=HAIKU, messages=messages, toolConfig=config)
    messages += [answer["output"]["message"], user("And the weather in Osaka next week?")]
    later = only_tool_use(runtime.converse(modelId=HAIKU, messages=messages, toolConfig=config))
    assert later["name"] == "get_weather" and CONVERSE_ID.match(later["toolUseId"])
    assert later["toolUseId"] != first["toolUseId"]

    other = runtime.converse(modelId=HAIKU, messages=[user("Weather in Lima?")], toolConfig=config)
    assert only_tool_use(other)["toolUseId"] != first["toolUseId"]


def test_results_of_several_tools_and_errors_are_all_quoted(runtime: Any) -> None:
    config = tool_config({"any": {}})
    calls = [
        {"toolUse": {"toolUseId": "tooluse_a", "name": "get_weather", "input": {"city": "Lima"}}},
        {"toolUse": {"toolUseId": "tooluse_b", "name": "get_time", "input": {"timezone": "x"}}},
    ]
    results = {
        "role": "user",
        "content": [
            {"toolResult": {"toolUseId": "tooluse_a", "content": [{"json": {"rain": True}}]}},
            {
                "toolResult": {
                    "toolUseId": "tooluse_b",
                    "content": [{"text": "Unknown timezone"}],
                    "status": "error",
                }
            },
        ],
    }
    messages = [user("Weather and time in Lima?"), {"role": "assistant", "content": calls}, results]
    response = runtime.converse(modelId=HAIKU, messages=messages, toolConfig=config)
    [block] = response["output"]["message"]["content"]
    assert response["stopReason"] == "end_turn"
    assert block["text"].startswith(
        'Based on the get_weather result for Lima: {"rain": true}. '
        "The get_time tool reported an error: Unknown timezone. "
    )


def test_forcing_a_tool_that_is_not_offered_is_rejected(runtime: Any) -> None:
    with pytest.raises(ClientError) as caught:
        runtime.converse(
            modelId=HAIKU,
            messages=[user("Hi")],
            toolConfig=tool_config({"tool": {"name": "book_flight"}}),
        )
    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Message"] == (
        "The tool book_flight in toolConfig.toolChoice.tool is not in toolConfig.tools. "
        "Add the tool or choose another, and try again."
    )


RICH_SCHEMA = {
    "$defs": {
        "passenger": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 2},
                "email": {"type": "string", "format": "email"},
                "age": {"type": "integer", "minimum": 0, "maximum": 120},
            },
            "required": ["name", "email"],
            "additionalProperties": False,
        }
    },
    "type": "object",
    "properties": {
        "origin": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "destination": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "date": {"type": "string", "format": "date"},
        "passengers": {
            "type": "array",
            "items": {"$ref": "#/$defs/passenger"},
            "minItems": 1,
            "maxItems": 4,
        },
        "cabin": {"enum": ["economy", "business"]},
        "budget": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.01},
        "flexible": {"type": "boolean"},
    },
    "required": ["origin", "destination", "date", "passengers", "cabin"],
    "additionalProperties": False,
}


def test_inputs_follow_rich_schemas(runtime: Any) -> None:
    config = {
        "tools": [spec("book_flight", "Book a flight", RICH_SCHEMA)],
        "toolChoice": {"any": {}},
    }
    for prompt in ("Book me a flight", "Fly two of us to Tokyo", "Cheapest seat to Oslo"):
        response = runtime.converse(modelId=HAIKU, messages=[user(prompt)], toolConfig=config)
        tool_use = only_tool_use(response)
        Draft202012Validator(
            RICH_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
        ).validate(tool_use["input"])


def test_nova_converse_tool_use(runtime: Any) -> None:
    response = runtime.converse(
        modelId=NOVA,
        messages=[user("Weather in Berlin?")],
        toolConfig=tool_config({"any": {}}),
    )
    tool_use = only_tool_use(response)
    assert response["stopReason"] == "tool_use" and CONVERSE_ID.match(tool_use["toolUseId"])
    assert tool_use["input"]["city"] == "Berlin"


def anthropic_body(messages: list[dict[str, Any]], **extra: Any) -> str:
    return json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 300,
            "messages": messages,
            "tools": [
                {
                    "name": "get_weather",
                    "description": "Weather forecast for a city",
                    "input_schema": WEATHER_SCHEMA,
                }
            ],
            **extra,
        }
    )


def test_invoke_model_anthropic_native_tool_use(runtime: Any) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Weather in Toronto?"}]
    response = runtime.invoke_model(
        modelId=HAIKU, body=anthropic_body(messages, tool_choice={"type": "any"})
    )
    body = json.loads(response["body"].read())
    assert body["stop_reason"] == "tool_use" and body["stop_sequence"] is None
    [block] = body["content"]
    assert set(block) == {"type", "id", "name", "input"}
    assert block["type"] == "tool_use" and block["name"] == "get_weather"
    assert NATIVE_ID.match(block["id"])
    assert_valid("get_weather", block["input"])
    assert block["input"]["city"] == "Toronto"

    messages += [
        {"role": "assistant", "content": body["content"]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": block["id"], "content": "Snow"}],
        },
    ]
    final = json.loads(
        runtime.invoke_model(
            modelId=HAIKU, body=anthropic_body(messages, tool_choice={"type": "any"})
        )["body"].read()
    )
    assert final["stop_reason"] == "end_turn"
    assert final["content"][0]["text"].startswith(
        "Based on the get_weather result for Toronto: Snow. "
    )


def test_invoke_model_with_response_stream_anthropic_tool_use(runtime: Any) -> None:
    body = anthropic_body(
        [{"role": "user", "content": "Weather in Toronto?"}],
        tool_choice={"type": "tool", "name": "get_weather"},
    )
    response = runtime.invoke_model_with_response_stream(modelId=HAIKU, body=body)
    chunks = [json.loads(e["chunk"]["bytes"]) for e in response["body"]]
    start = next(c for c in chunks if c["type"] == "content_block_start")
    assert start["content_block"]["type"] == "tool_use"
    assert NATIVE_ID.match(start["content_block"]["id"])
    partial = "".join(
        c["delta"]["partial_json"] for c in chunks if c["type"] == "content_block_delta"
    )
    assert_valid("get_weather", json.loads(partial))
    delta = next(c for c in chunks if c["type"] == "message_delta")
    assert delta["delta"]["stop_reason"] == "tool_use"

    # The non-streaming call gives the same block.
    same = json.loads(runtime.invoke_model(modelId=HAIKU, body=body)["body"].read())
    assert same["content"][0]["id"] == start["content_block"]["id"]
    assert same["content"][0]["input"] == json.loads(partial)


# -- the helpers, directly ------------------------------------------------------------------


def invocation(operation: str = "Converse", **fields: Any) -> Invocation:
    model = load_catalog().get(HAIKU)
    assert model is not None
    defaults: dict[str, Any] = {
        "messages": [user("What's the weather in Lisbon?")],
        "tool_config": tool_config({"any": {}}),
    }
    return Invocation(operation=operation, model_id=HAIKU, model=model, **{**defaults, **fields})


def test_make_tool_use_generates_valid_input_or_uses_the_given_one() -> None:
    call = invocation()
    block = make_tool_use(call, "get_time")
    assert set(block) == {"toolUse"} and block["toolUse"]["name"] == "get_time"
    assert_valid("get_time", block["toolUse"]["input"])
    assert make_tool_use(call, "get_time") == block

    given = make_tool_use(call, "get_weather", {"city": "Porto"})
    assert given["toolUse"]["input"] == {"city": "Porto"}
    assert CONVERSE_ID.match(given["toolUse"]["toolUseId"])
    second = make_tool_use(call, "get_weather", {"city": "Porto"}, index=1)
    assert second["toolUse"]["toolUseId"] != given["toolUse"]["toolUseId"]

    native = make_tool_use(invocation("InvokeModel"), "get_weather")
    assert NATIVE_ID.match(native["toolUse"]["toolUseId"])

    with pytest.raises(ValueError, match="'book_flight' is not offered"):
        make_tool_use(call, "book_flight")


def test_offered_and_forced_tools() -> None:
    config = tool_config({"any": {}})
    config["tools"] += [{"cachePoint": {"type": "default"}}, {"systemTool": {"name": "web"}}]
    call = invocation(tool_config=config)
    assert [t["name"] for t in offered_tools(call)] == ["get_time", "get_weather", "web"]
    assert forced_tool(call) == "get_weather"
    assert make_tool_use(call, "web")["toolUse"]["input"] == {}
    assert forced_tool(invocation(tool_config=tool_config({"auto": {}}))) is None
    assert forced_tool(invocation(tool_config=None)) is None


def test_structured_output_helper() -> None:
    assert structured_output(invocation()) is None
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    config = {
        "textFormat": {
            "type": "json_schema",
            "structure": {"jsonSchema": {"schema": json.dumps(schema), "name": "count"}},
        }
    }
    text = structured_output(invocation(output_config=config))
    assert text is not None and isinstance(json.loads(text)["n"], int)
    config["textFormat"]["structure"]["jsonSchema"]["schema"] = "[1]"  # type: ignore[index]
    with pytest.raises(ValidationException):
        structured_output(invocation(output_config=config))


@pytest.mark.parametrize(
    "schema",
    [True, {"type": "strin"}, {"$ref": "https://example.com/remote.json"}, {"not": {}}],
    ids=["true", "bad type", "remote ref", "unsatisfiable"],
)
def test_odd_tool_schemas_still_get_an_object_input(schema: Any) -> None:
    config = {"tools": [spec("odd", "An odd tool", schema)], "toolChoice": {"any": {}}}
    block = make_tool_use(invocation(tool_config=config), "odd")
    assert block["toolUse"]["input"] == {}


def test_open_tool_schemas_are_read_as_objects() -> None:
    schema = {"properties": {"city": {"type": "string"}}, "required": ["city"]}
    config = {"tools": [spec("where", "Find a place", schema)], "toolChoice": {"any": {}}}
    block = make_tool_use(invocation(tool_config=config), "where")
    assert block["toolUse"]["input"] == {"city": "Lisbon"}


def test_remote_schema_references_are_never_fetched(runtime: Any) -> None:
    """A ``$ref`` to a URL is not retrieved: a request must not make the server connect out.

    jsonschema falls back to ``urlopen`` for a reference it has no registry entry for. The
    listener counts connections and closes each at once, so a fetch shows up here quickly
    instead of leaving the call waiting for an answer.
    """
    connections: list[object] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.05)
        done = threading.Event()

        def count() -> None:
            while not done.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                connections.append(conn)
                conn.close()

        watcher = threading.Thread(target=count, daemon=True)
        watcher.start()
        remote = f"http://127.0.0.1:{listener.getsockname()[1]}/schema.json"
        schema = {
            "type": "object",
            "properties": {"city": {"$ref": remote}, "nested": {"$ref": remote + "#/x"}},
            "required": ["city"],
        }
        tools = {"tools": [spec("where", "Find a place", schema)], "toolChoice": {"any": {}}}
        try:
            reply = runtime.converse(
                modelId=HAIKU, messages=[user("Where is Lisbon?")], toolConfig=tools
            )
        finally:
            done.set()
            watcher.join()
    assert reply["output"]["message"]["content"][0]["toolUse"]["name"] == "where"
    assert connections == []
