"""The default model calls a fitting tool on its own under toolChoice auto (docs/tools.md).

The agent tests follow the pattern of client libraries' integration suites (strands-agents
``tests_integ``, langchain-aws' tool-calling tests): the model is offered tools without a
forced choice, must call the right one with a value the user gave, then answer from the
tool's result.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from moto_bedrock.generation.auto_tools import (
    auto_tool_choice,
    fill_from_message,
    message_values,
    split_requests,
)
from tests.conftest import HAIKU, Aws, user

SONNET = "global.anthropic.claude-sonnet-4-6"


def spec(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"toolSpec": {"name": name, "description": description, "inputSchema": {"json": schema}}}


WEATHER = spec(
    "get_weather",
    "Weather forecast for a city",
    {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer", "minimum": 1, "maximum": 10},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city"],
    },
)
MULTIPLY = spec(
    "multiply",
    "Multiply two numbers",
    {
        "type": "object",
        "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
        "required": ["a", "b"],
    },
)
SEARCH = spec(
    "search_docs",
    "Search the product documentation",
    {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
)
TOOLS = {"tools": [MULTIPLY, WEATHER, SEARCH]}


def only_tool_use(response: dict[str, Any]) -> dict[str, Any]:
    assert response["stopReason"] == "tool_use"
    [block] = response["output"]["message"]["content"]
    tool_use: dict[str, Any] = block["toolUse"]
    return tool_use


def test_agent_loop_calls_the_tool_with_the_users_values_then_answers(
    aws: Aws, runtime: Any
) -> None:
    messages = [user("What will the weather be in Lisbon for the next 3 days, in fahrenheit?")]
    first = runtime.converse(modelId=SONNET, messages=messages, toolConfig=TOOLS)

    call = only_tool_use(first)
    assert call["name"] == "get_weather"
    assert call["input"] == {"city": "Lisbon", "days": 3, "unit": "fahrenheit"}

    result = {"toolUseId": call["toolUseId"], "content": [{"json": {"high": 27, "sky": "clear"}}]}
    messages += [first["output"]["message"], {"role": "user", "content": [{"toolResult": result}]}]
    final = runtime.converse(modelId=SONNET, messages=messages, toolConfig=TOOLS)

    assert final["stopReason"] == "end_turn"
    text = final["output"]["message"]["content"][0]["text"]
    assert '"high": 27' in text and '"sky": "clear"' in text  # the tool's values, quoted
    calls = aws.controls().get_call_history()["calls"]
    assert [c["stop_reason"] for c in calls] == ["tool_use", "end_turn"]


def test_numbers_and_quoted_text_fill_the_arguments(runtime: Any) -> None:
    product = only_tool_use(
        runtime.converse(
            modelId=HAIKU, messages=[user("Please multiply 12.5 by 4")], toolConfig=TOOLS
        )
    )
    assert product["name"] == "multiply" and product["input"] == {"a": 12.5, "b": 4}

    search = only_tool_use(
        runtime.converse(
            modelId=HAIKU,
            messages=[user('Search the documentation for "rate limits"')],
            toolConfig={**TOOLS, "toolChoice": {"auto": {}}},
        )
    )
    assert search == {**search, "name": "search_docs", "input": {"query": "rate limits"}}


CALCULATOR = {
    "toolSpec": {
        "name": "calculator",  # no description, as the Vercel AI SDK sends it
        "inputSchema": {
            "json": {
                "type": "object",
                "properties": {"expression": {"type": "string"}},
                "required": ["expression"],
            }
        },
    }
}


def test_an_expression_argument_takes_the_arithmetic_in_the_message(runtime: Any) -> None:
    # The Vercel AI SDK's e2e suite: "What is 2+2? Use the calculator tool to compute this."
    # with a tool that has no description, expecting the input {"expression": "2+2"}.
    message = "What is 2+2? Use the calculator tool to compute this."
    call = only_tool_use(
        runtime.converse(
            modelId=SONNET, messages=[user(message)], toolConfig={"tools": [CALCULATOR]}
        )
    )
    assert call["name"] == "calculator" and call["input"] == {"expression": "2+2"}


def test_arithmetic_alone_picks_the_tool_taking_an_expression() -> None:
    # strands' tests_integ: "What is 123 + 456?" has no word naming the calculator.
    assert auto_tool_choice([CALCULATOR["toolSpec"]], "What is 123 + 456?") == "calculator"
    assert auto_tool_choice([MULTIPLY["toolSpec"]], "What is 123 + 456?") is None


def test_the_stream_makes_the_same_call(runtime: Any) -> None:
    messages = [user("Multiply 6 by 7")]
    call = only_tool_use(runtime.converse(modelId=HAIKU, messages=messages, toolConfig=TOOLS))
    events = list(
        runtime.converse_stream(modelId=HAIKU, messages=messages, toolConfig=TOOLS)["stream"]
    )
    start = next(
        e["contentBlockStart"]["start"]["toolUse"] for e in events if "contentBlockStart" in e
    )
    fragments = "".join(
        e["contentBlockDelta"]["delta"]["toolUse"]["input"]
        for e in events
        if "contentBlockDelta" in e
    )
    assert start == {"toolUseId": call["toolUseId"], "name": "multiply"}
    assert json.loads(fragments) == call["input"] == {"a": 6, "b": 7}
    assert events[-2] == {"messageStop": {"stopReason": "tool_use"}}


def test_native_claude_body_calls_the_tool_too(runtime: Any) -> None:
    body = {
        "anthropic_version": "2026-10-21",  # what anthropic 2.x's AnthropicBedrock sends
        "max_tokens": 200,
        "messages": [{"role": "user", "content": "Multiply 3 by 14"}],
        "tools": [
            {
                "name": "multiply",
                "description": "Multiply two numbers",
                "input_schema": MULTIPLY["toolSpec"]["inputSchema"]["json"],
            }
        ],
    }
    reply = json.loads(runtime.invoke_model(modelId=HAIKU, body=json.dumps(body))["body"].read())
    assert reply["stop_reason"] == "tool_use"
    [block] = reply["content"]
    assert block["type"] == "tool_use" and block["name"] == "multiply"
    assert block["input"] == {"a": 3, "b": 14}


def test_switched_off_the_model_answers_in_prose(aws: Aws, runtime: Any) -> None:
    messages = [user("Multiply 6 by 7")]
    control = aws.controls()
    assert control.set_auto_tools(enabled=False) == {"auto_tools": False}
    assert control.get_replies() == {"auto_tools": False}
    off = runtime.converse(modelId=HAIKU, messages=messages, toolConfig=TOOLS)
    assert off["stopReason"] == "end_turn" and "text" in off["output"]["message"]["content"][0]

    control.load_config(config={"replies": {"auto_tools": True}})
    assert only_tool_use(runtime.converse(modelId=HAIKU, messages=messages, toolConfig=TOOLS))
    control.load_config(config={"replies": {"auto_tools": False}})
    assert runtime.converse(modelId=HAIKU, messages=messages, toolConfig=TOOLS)["stopReason"] == (
        "end_turn"
    )


def test_two_places_get_two_calls_and_the_answer_names_each(runtime: Any) -> None:
    # haystack's amazon_bedrock suite: "weather in Paris and Berlin" expects two parallel
    # calls, then an answer mentioning both cities although each result is only "22° C".
    messages = [user("What's the weather like in Paris and Berlin?")]
    first = runtime.converse(modelId=SONNET, messages=messages, toolConfig=TOOLS)
    assert first["stopReason"] == "tool_use"
    calls = [block["toolUse"] for block in first["output"]["message"]["content"]]
    assert [(c["name"], c["input"]["city"]) for c in calls] == [
        ("get_weather", "Paris"),
        ("get_weather", "Berlin"),
    ]
    assert calls[0]["toolUseId"] != calls[1]["toolUseId"]

    results = [
        {"toolResult": {"toolUseId": c["toolUseId"], "content": [{"text": "22° C"}]}} for c in calls
    ]
    messages += [first["output"]["message"], {"role": "user", "content": results}]
    final = runtime.converse(modelId=SONNET, messages=messages, toolConfig=TOOLS)
    assert final["output"]["message"]["content"][0]["text"].startswith(
        "Based on the get_weather result for Paris: 22° C. "
        "Based on the get_weather result for Berlin: 22° C. "
    )


def place_tool(name: str, description: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    return {"name": name, "description": description, "inputSchema": {"json": schema}}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "What's the weather like in Paris and what is the population of Berlin?",
            [
                ("weather", "What's the weather like in Paris"),
                ("population", "what is the population of Berlin?"),
            ],
        ),
        (
            "What's the weather like in Paris and Berlin?",
            [("weather", "What's the weather like in Paris"), ("weather", "Berlin?")],
        ),
        (
            "Weather and population in Lima?",  # two things asked; the first takes Lima too
            [("weather", "Weather and population in Lima?"), ("population", "population in Lima?")],
        ),
        ("What's the weather in Paris and in Paris?", []),  # the same call twice
        ("Multiply 3 and 4", []),  # numbers are one request's arguments
        ("What's the weather in Paris?", []),
    ],
)
def test_several_requests_in_one_message(message: str, expected: list[tuple[str, str]]) -> None:
    tools = [
        place_tool("weather", "useful to determine the weather in a given location"),
        place_tool("population", "useful to determine the population of a given location"),
        MULTIPLY["toolSpec"],
    ]
    assert split_requests(tools, message) == expected


def test_quoted_text_is_the_name_for_a_person_like_property() -> None:
    # langchain-tests' unicode tool-call test: the quoted CJK name, not the English gloss.
    schema = {"type": "object", "properties": {"customer_name": {"type": "string"}}}
    message = "Create a customer named '你好啊集团' (Hello Group) - a Chinese technology company"
    assert fill_from_message(schema, {"customer_name": "x"}, message) == {
        "customer_name": "你好啊集团"
    }


# -- the matching rules, directly -------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("What's the weather in Paris?", "get_weather"),
        ("Could you calculate 12 * 7?", "calculator"),  # "calculate" ~ "calculator"
        ("Multiply 6 by 7 please", "multiply"),
        ("Hello there", None),
        ("Tell me a joke about cats", None),
        ("", None),
    ],
)
def test_tool_choice_by_words(message: str, expected: str | None) -> None:
    tools = [
        {"name": "get_weather", "description": "Get the weather for a city", "inputSchema": {}},
        {"name": "calculator", "description": "Evaluate arithmetic", "inputSchema": {}},
        {"name": "multiply", "description": "Multiply two numbers", "inputSchema": {}},
        {"name": "get_weather_tool", "inputSchema": {}},  # ties go to the first offered
    ]
    assert auto_tool_choice(tools, message) == expected


def test_values_found_in_a_message() -> None:
    found = message_values(
        'Ask Ada Lovelace about 42 and 3.5 items in New York, then search "big apple" '
        "and 'fun facts'; it's fine."
    )
    assert found == {
        "numbers": ["42", "3.5"],
        "quoted": ["big apple", "fun facts"],
        "names": ["Ada Lovelace", "New York"],
        "places": ["New York"],
        "expressions": [],
    }
    assert message_values("What is 2+2, or (3 * 4) / 2?")["expressions"] == ["2+2", "(3 * 4) / 2"]
    # strands' structured-output retry test asks "What's Aaron's name?": the name is Aaron.
    assert message_values("What's Aaron's name?")["names"] == ["Aaron"]


def test_values_only_replace_where_the_schema_allows() -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "maxLength": 5},
            "count": {"type": "integer", "maximum": 10},
            "mode": {"type": "string", "enum": ["fast", "slow"]},
        },
        "required": ["city", "count"],
    }
    base = {"city": "Porto", "count": 2}
    # "Amsterdam" is too long and 99 too big: the drafted values stay; "slow" is added.
    assert fill_from_message(schema, base, "Go to Amsterdam 99 times, slow") == {
        "city": "Porto",
        "count": 2,
        "mode": "slow",
    }
    assert fill_from_message(schema, base, "Go to Paris 3 times") == {"city": "Paris", "count": 3}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # strands-agents tests_integ/steering/test_tool_steering.py::test_ledger_captures_tool_calls
        (
            "Send a notification to alice saying test message",
            {"recipient": "alice", "message": "test message"},
        ),
        (
            "Send an email to john@example.com saying hello",
            {"recipient": "john@example.com", "message": "hello"},
        ),
        # A capitalised name still comes first; "to know" names nobody.
        ("Send a message to Bob", {"recipient": "Bob", "message": "Send a message to Bob"}),
        ("I want to know the weather", {"recipient": "x", "message": "I want to know the weather"}),
    ],
)
def test_recipients_and_what_to_say(message: str, expected: dict[str, str]) -> None:
    string = {"type": "string"}
    schema = {
        "type": "object",
        "properties": {"recipient": string, "message": string},
        "required": ["recipient", "message"],
    }
    assert fill_from_message(schema, {"recipient": "x", "message": "y"}, message) == expected


def test_hostile_messages_stay_bounded() -> None:
    """Regexes over the message and the split into requests stay fast on untrusted text:
    runs of spaces, digits and parentheses, and a message of many comma pieces scored
    against many tools with long descriptions."""
    description = "weather forecast for a city " + " ".join(f"word{i}" for i in range(300))
    schema = {"type": "object", "properties": {"city": {"type": "string"}}}
    tools = [
        {"name": f"get_weather_{i}", "description": description, "inputSchema": {"json": schema}}
        for i in range(100)
    ]
    for message in (
        " " * 4000,
        "1" * 4000,
        "(" * 2000 + "1" + ")" * 1990,
        ", ".join(["weather"] * 1300),
    ):
        started = time.monotonic()
        split_requests(tools, message)
        auto_tool_choice(tools, message)
        fill_from_message(schema, {}, message, part=True)
        assert time.monotonic() - started < 2
