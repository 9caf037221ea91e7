"""Several tool calls in one turn when the message asks for several things (docs/tools.md).

The prompts are the client suites' own: strands-agents' interrupt tests ("What is the time
and weather?", "What is the time, day, and weather?" with argument-less tools,
strands-agents/sdk-python tests_integ/interrupts/test_hook.py and test_tool.py at 1232230),
and the weather-and-time question agent tutorials ask with a tool each.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from moto_bedrock.generation.auto_tools import split_requests
from tests.conftest import HAIKU, Aws, user

SONNET = "global.anthropic.claude-sonnet-4-6"
GPT_OSS = "openai.gpt-oss-20b-1:0"


def spec(name: str, description: str, properties: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    return {"toolSpec": {"name": name, "description": description, "inputSchema": {"json": schema}}}


CITY = {"city": {"type": "string"}}
WEATHER = spec("get_weather", "Get the current weather in a city", CITY)
TIME = spec("get_time", "Get the current time in a city", CITY)
CITY_TOOLS = {"tools": [WEATHER, TIME]}
# strands' @tool functions without a docstring: the description is the name.
BARE = {"tools": [spec(n, n, {}) for n in ("time_tool", "day_tool", "weather_tool")]}


def calls(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b["toolUse"] for b in message["content"] if "toolUse" in b]


def results(uses: list[dict[str, Any]], texts: list[str]) -> dict[str, Any]:
    blocks = [
        {"toolResult": {"toolUseId": u["toolUseId"], "content": [{"text": t}]}}
        for u, t in zip(uses, texts, strict=True)
    ]
    return {"role": "user", "content": blocks}


def test_two_things_asked_two_tools_called_then_one_answer_from_both(runtime: Any) -> None:
    messages = [user("What is the weather in Paris and the time in Tokyo?")]
    first = runtime.converse(modelId=SONNET, messages=messages, toolConfig=CITY_TOOLS)
    assert first["stopReason"] == "tool_use"
    uses = calls(first["output"]["message"])
    assert [(u["name"], u["input"]) for u in uses] == [
        ("get_weather", {"city": "Paris"}),
        ("get_time", {"city": "Tokyo"}),
    ]
    assert uses[0]["toolUseId"] != uses[1]["toolUseId"]

    messages += [first["output"]["message"], results(uses, ["18° C, clear", "21:40"])]
    final = runtime.converse(modelId=SONNET, messages=messages, toolConfig=CITY_TOOLS)
    assert final["stopReason"] == "end_turn"
    text = final["output"]["message"]["content"][0]["text"]
    assert text.startswith(
        "Based on the get_weather result for Paris: 18° C, clear. "
        "Based on the get_time result for Tokyo: 21:40. "
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("What is the time and weather?", ["time_tool", "weather_tool"]),
        ("What is the time, day, and weather?", ["time_tool", "day_tool", "weather_tool"]),
        ("What is the weather?", ["weather_tool"]),
        ("What is the time and the time?", ["time_tool"]),  # one thing asked twice
    ],
)
def test_argument_less_tools_one_call_per_thing_asked(
    runtime: Any, message: str, expected: list[str]
) -> None:
    reply = runtime.converse(modelId=SONNET, messages=[user(message)], toolConfig=BARE)
    assert [u["name"] for u in calls(reply["output"]["message"])] == expected
    assert all(u["input"] == {} for u in calls(reply["output"]["message"]))


def test_a_call_without_a_place_of_its_own_takes_the_messages() -> None:
    tools = [WEATHER["toolSpec"], TIME["toolSpec"]]
    message = "What's the weather and the time in Lima?"
    assert split_requests(tools, message) == [
        ("get_weather", message),
        ("get_time", "the time in Lima?"),
    ]
    # A comma inside one request ("San Francisco, CA") does not split it.
    assert split_requests(tools, "What's the weather in San Francisco, CA?") == []


def test_the_stream_carries_each_call_in_its_own_block(runtime: Any) -> None:
    messages = [user("What is the weather in Paris and the time in Tokyo?")]
    whole = calls(
        runtime.converse(modelId=SONNET, messages=messages, toolConfig=CITY_TOOLS)["output"][
            "message"
        ]
    )
    events = list(
        runtime.converse_stream(modelId=SONNET, messages=messages, toolConfig=CITY_TOOLS)["stream"]
    )
    starts = {
        e["contentBlockStart"]["contentBlockIndex"]: e["contentBlockStart"]["start"]["toolUse"]
        for e in events
        if "contentBlockStart" in e
    }
    inputs: dict[int, str] = {}
    for e in events:
        if "contentBlockDelta" in e:
            index = e["contentBlockDelta"]["contentBlockIndex"]
            inputs[index] = (
                inputs.get(index, "") + e["contentBlockDelta"]["delta"]["toolUse"]["input"]
            )
    assert [starts[i] for i in sorted(starts)] == [
        {"toolUseId": u["toolUseId"], "name": u["name"]} for u in whole
    ]
    assert [json.loads(inputs[i]) for i in sorted(inputs)] == [u["input"] for u in whole]
    assert events[-2] == {"messageStop": {"stopReason": "tool_use"}}


CLAUDE_TOOLS = [
    {
        "name": s["toolSpec"]["name"],
        "description": s["toolSpec"]["description"],
        "input_schema": s["toolSpec"]["inputSchema"]["json"],
    }
    for s in (WEATHER, TIME)
]


def claude_body(**extra: Any) -> str:
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 300,
        "messages": [{"role": "user", "content": "Weather in Paris and the time in Tokyo?"}],
        "tools": CLAUDE_TOOLS,
        **extra,
    }
    return json.dumps(body)


def test_native_claude_body_gets_several_tool_use_blocks(runtime: Any) -> None:
    reply = json.loads(runtime.invoke_model(modelId=HAIKU, body=claude_body())["body"].read())
    assert reply["stop_reason"] == "tool_use"
    assert [(b["type"], b["name"], b["input"]) for b in reply["content"]] == [
        ("tool_use", "get_weather", {"city": "Paris"}),
        ("tool_use", "get_time", {"city": "Tokyo"}),
    ]


def test_native_claude_stream_gets_several_tool_use_blocks(runtime: Any) -> None:
    stream = runtime.invoke_model_with_response_stream(modelId=HAIKU, body=claude_body())
    events = [json.loads(e["chunk"]["bytes"]) for e in stream["body"]]
    starts = [e["content_block"] for e in events if e["type"] == "content_block_start"]
    assert [(s["type"], s["name"]) for s in starts] == [
        ("tool_use", "get_weather"),
        ("tool_use", "get_time"),
    ]
    delta = next(e for e in events if e["type"] == "message_delta")
    assert delta["delta"]["stop_reason"] == "tool_use"


def test_disable_parallel_tool_use_makes_one_call(runtime: Any) -> None:
    body = claude_body(tool_choice={"type": "auto", "disable_parallel_tool_use": True})
    reply = json.loads(runtime.invoke_model(modelId=HAIKU, body=body)["body"].read())
    assert [(b["name"], b["input"]) for b in reply["content"]] == [
        ("get_weather", {"city": "Paris"})
    ]


def openai_body(**extra: Any) -> str:
    tools = [
        {
            "type": "function",
            "function": {
                "name": s["toolSpec"]["name"],
                "description": s["toolSpec"]["description"],
                "parameters": s["toolSpec"]["inputSchema"]["json"],
            },
        }
        for s in (WEATHER, TIME)
    ]
    message = {"role": "user", "content": "Weather in Paris and the time in Tokyo?"}
    return json.dumps({"messages": [message], "tools": tools, **extra})


def test_openai_chat_body_gets_several_tool_calls(runtime: Any) -> None:
    reply = json.loads(runtime.invoke_model(modelId=GPT_OSS, body=openai_body())["body"].read())
    choice = reply["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert [
        (c["function"]["name"], json.loads(c["function"]["arguments"]))
        for c in choice["message"]["tool_calls"]
    ] == [("get_weather", {"city": "Paris"}), ("get_time", {"city": "Tokyo"})]

    one = runtime.invoke_model(modelId=GPT_OSS, body=openai_body(parallel_tool_calls=False))
    [call] = json.loads(one["body"].read())["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "get_weather"


def test_switched_off_no_tool_is_called(aws: Aws, runtime: Any) -> None:
    aws.controls().set_auto_tools(enabled=False)
    messages = [user("What is the weather in Paris and the time in Tokyo?")]
    reply = runtime.converse(modelId=SONNET, messages=messages, toolConfig=CITY_TOOLS)
    assert reply["stopReason"] == "end_turn"
    assert calls(reply["output"]["message"]) == []


def test_quoted_values_for_one_tool_get_a_call_each(runtime: Any) -> None:
    # A parallel-calling test in agent libraries: "What are the stock prices for 'KGL' and
    # 'BNCH'?" with one get_stock_price(symbol) tool expects both symbols called.
    stock = spec(
        "get_stock_price", "Gets the stock price for a symbol", {"symbol": {"type": "string"}}
    )
    message = user("What are the stock prices for 'KGL' and 'BNCH'?")
    reply = runtime.converse(modelId=SONNET, messages=[message], toolConfig={"tools": [stock]})
    assert [u["input"] for u in calls(reply["output"]["message"])] == [
        {"symbol": "KGL"},
        {"symbol": "BNCH"},
    ]


def test_three_things_asked_in_a_list() -> None:
    string = {"type": "string"}
    tools = [
        spec("get_weather", "Get the weather for a city", {"city": string})["toolSpec"],
        spec("calculator", "Evaluate a math expression", {"expression": string})["toolSpec"],
        spec("get_time", "Get the current time in a location", {"location": string})["toolSpec"],
    ]
    message = "I need the weather in New York and Los Angeles, and also calculate 15 * 23."
    assert [name for name, _ in split_requests(tools, message)] == [
        "get_weather",
        "get_weather",
        "calculator",
    ]
    # Argument-less tools are told apart by their own match alone, never by a name.
    bare = [spec(n, n, {})["toolSpec"] for n in ("time_tool", "weather_tool")]
    assert split_requests(bare, "What is the time in Paris and Berlin?") == []
