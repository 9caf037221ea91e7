"""Reply rules: every matcher, first-match-wins, ``times``, strict mode's closest-rule
message, bad rules refused, and the rule named in the call history, in both modes."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from moto_bedrock.behaviour.control import ConfigError
from moto_bedrock.generation.responders import Invocation
from tests.conftest import HAIKU, Aws, user
from tests.test_replies import (
    NOVA,
    TOOLS,
    anthropic_body,
    error_of,
    no_retry_client,
    sources,
    stream_content,
    stream_events,
)


@pytest.fixture
def runtime(aws: Aws) -> Any:
    return no_retry_client(aws)


def text(runtime: Any, prompt: str = "Hi", model: str = HAIKU, **request: Any) -> str:
    """The reply text of a Converse call (text blocks joined)."""
    response = runtime.converse(
        modelId=model, messages=request.pop("messages", None) or [user(prompt)], **request
    )
    return "".join(b.get("text", "") for b in response["output"]["message"]["content"])


def tool(name: str) -> dict[str, Any]:
    return {"toolSpec": {"name": name, "inputSchema": {"json": {"type": "object"}}}}


# -- matchers --------------------------------------------------------------------------------


def test_user_text_is_a_case_sensitive_substring_of_the_last_user_message(
    aws: Aws, runtime: Any
) -> None:
    controls = aws.controls()
    controls.add_rule(name="greeting", user_text="hello", reply={"text": "Hi!"})
    assert text(runtime, "well hello there") == "Hi!"
    assert text(runtime, "HELLO") != "Hi!"
    history = [
        user("hello"),
        {"role": "assistant", "content": [{"text": "Hi!"}]},
        user("what now?"),
    ]
    assert text(runtime, messages=history) != "Hi!"  # only the last user message counts
    assert sources(controls) == ["rule:greeting", "default", "default"]


def test_user_regex_uses_re_search(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(user_regex=r"(?i)\border #\d+", reply={"text": "Order found."})
    assert text(runtime, "Where is ORDER #42?") == "Order found."
    assert text(runtime, "Where is order 42?") != "Order found."
    assert sources(controls) == ["rule:0", "default"]


def test_system_text_and_regex(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="pirate", system_text="pirate", reply={"text": "Arr."})
    controls.add_rule(name="json", system_regex=r"^Reply in JSON", reply={"text": "{}"})
    assert text(runtime, system=[{"text": "You are a pirate."}]) == "Arr."
    assert text(runtime, system=[{"text": "Reply in JSON only."}]) == "{}"
    assert text(runtime, system=[{"text": "Always Reply in JSON."}]) != "{}"
    assert sources(controls) == ["rule:pirate", "rule:json", "default"]


def test_model_glob_matches_base_ids_and_inference_profiles(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="haiku", model="anthropic.claude-3-haiku*", reply={"text": "haiku"})
    controls.add_rule(name="nova", model="re:^amazon\\.nova-(lite|pro)", reply={"text": "nova"})
    assert text(runtime, model=HAIKU) == "haiku"
    assert text(runtime, model=f"us.{HAIKU}") == "haiku"
    arn = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
    assert text(runtime, model=arn) == "haiku"
    assert text(runtime, model=NOVA) == "nova"
    assert text(runtime, model="amazon.nova-micro-v1:0") not in ("haiku", "nova")
    assert sources(controls) == ["rule:haiku"] * 3 + ["rule:nova", "default"]


def test_model_pattern_can_target_the_id_as_sent(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="profiles", model="us.*", reply={"text": "via profile"})
    assert text(runtime, model=f"us.{HAIKU}") == "via profile"
    assert text(runtime, model=HAIKU) != "via profile"


def test_tools_offered_takes_a_name_or_a_list(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="both", tools_offered=["search", "get_weather"], reply={"text": "both"})
    controls.add_rule(name="search", tools_offered="search", reply={"text": "search"})
    both = {"tools": [tool("get_weather"), tool("search")]}
    assert text(runtime, toolConfig=both) == "both"
    assert text(runtime, toolConfig={"tools": [tool("search")]}) == "search"
    assert text(runtime, toolConfig={"tools": [tool("other")]}) not in ("both", "search")
    assert text(runtime) not in ("both", "search")
    assert sources(controls) == ["rule:both", "rule:search", "default", "default"]


def test_an_agent_loop_driven_by_tool_results(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_rules(
        rules=[
            {
                "name": "weather-done",
                "tool_result": "get_weather",
                "reply": {"text": "It is sunny in Paris."},
            },
            {"name": "any-result", "tool_result": True, "reply": {"text": "Got a result."}},
            {
                "name": "ask-weather",
                "tools_offered": "get_weather",
                "user_text": "weather",
                "reply": {"tool_use": {"name": "get_weather", "input": {"city": "Paris"}}},
            },
        ]
    )
    tools = {"tools": [*TOOLS["tools"], tool("clock")]}
    messages: list[dict[str, Any]] = [user("What is the weather in Paris?")]
    first = runtime.converse(modelId=HAIKU, messages=messages, toolConfig=tools)
    assert first["stopReason"] == "tool_use"
    tool_use = first["output"]["message"]["content"][0]["toolUse"]
    assert tool_use["name"] == "get_weather"

    messages += [
        first["output"]["message"],
        {
            "role": "user",
            "content": [
                {
                    "toolResult": {
                        "toolUseId": tool_use["toolUseId"],
                        "content": [{"json": {"sky": "clear"}}],
                    }
                }
            ],
        },
    ]
    events = stream_events(runtime, modelId=HAIKU, messages=messages, toolConfig=tools)
    assert stream_content(events) == [{"text": "It is sunny in Paris."}]

    # A result for another tool is caught by ``tool_result: true`` only.
    clock_turn = [
        user("Time?"),
        {
            "role": "assistant",
            "content": [{"toolUse": {"toolUseId": "tooluse_c1", "name": "clock", "input": {}}}],
        },
        {
            "role": "user",
            "content": [{"toolResult": {"toolUseId": "tooluse_c1", "content": [{"text": "9:00"}]}}],
        },
    ]
    assert text(runtime, messages=clock_turn, toolConfig=tools) == "Got a result."
    assert sources(controls) == ["rule:ask-weather", "rule:weather-done", "rule:any-result"]


def test_tool_result_matches_native_invoke_model_requests(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="done", tool_result="get_weather", reply={"text": "Sunny."})
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 100,
        "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": "Weather?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "clear"}],
            },
        ],
    }
    response = runtime.invoke_model(modelId=HAIKU, body=json.dumps(body))
    assert json.loads(response["body"].read())["content"] == [{"type": "text", "text": "Sunny."}]
    assert sources(controls) == ["rule:done"]


def test_turn_counts_user_messages(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="second", turn=2, reply={"text": "turn two"})
    controls.add_rule(name="later", turn={"min": 3, "max": 4}, reply={"text": "turn 3-4"})

    def conversation(turns: int) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        for index in range(turns):
            if messages:
                messages.append({"role": "assistant", "content": [{"text": "ok"}]})
            messages.append(user(f"message {index + 1}"))
        return messages

    replies = [text(runtime, messages=conversation(n)) for n in range(1, 6)]
    assert replies[1:4] == ["turn two", "turn 3-4", "turn 3-4"]
    assert replies[0] not in ("turn two", "turn 3-4") and replies[4] not in replies[1:4]
    assert sources(controls) == ["default", "rule:second", "rule:later", "rule:later", "default"]


def test_metadata_is_a_subset_of_request_metadata(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="tenant", metadata={"tenant": "acme"}, reply={"text": "acme"})
    assert text(runtime, requestMetadata={"tenant": "acme", "user": "u1"}) == "acme"
    assert text(runtime, requestMetadata={"tenant": "other"}) != "acme"
    assert text(runtime) != "acme"
    assert sources(controls) == ["rule:tenant", "default", "default"]


def test_operation_takes_a_name_or_a_list(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="stream", operation="ConverseStream", reply={"text": "streamed"})
    controls.add_rule(
        name="native",
        operation=["InvokeModel", "InvokeModelWithResponseStream"],
        reply={"text": "native"},
    )
    assert text(runtime) not in ("streamed", "native")
    events = stream_events(runtime, modelId=HAIKU, messages=[user("Hi")])
    assert stream_content(events) == [{"text": "streamed"}]
    body = json.loads(runtime.invoke_model(modelId=HAIKU, body=anthropic_body("Hi"))["body"].read())
    assert body["content"] == [{"type": "text", "text": "native"}]
    assert sources(controls) == ["default", "rule:stream", "rule:native"]


def test_all_matchers_of_a_rule_must_match(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(
        name="narrow",
        user_text="refund",
        model="anthropic.*",
        operation="Converse",
        reply={"text": "Refund approved."},
    )
    assert text(runtime, "refund please") == "Refund approved."
    assert text(runtime, "refund please", model=NOVA) != "Refund approved."
    events = stream_events(runtime, modelId=HAIKU, messages=[user("refund please")])
    assert stream_content(events) != [{"text": "Refund approved."}]
    assert sources(controls) == ["rule:narrow", "default", "default"]


def test_when_callable_in_process_only(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()

    def long_prompt(invocation: Invocation) -> bool:
        return len(invocation.user_text()) > 20

    if aws.mode == "server":
        message = (
            r"^add_rule with a when callable takes a Python callable, so it works in-process only$"
        )
        with pytest.raises(ConfigError, match=message):
            controls.add_rule(name="long", when=long_prompt, reply={"text": "long"})
        with pytest.raises(ConfigError, match=r"^set_rules with a when callable"):
            controls.set_rules(rules=[{"when": long_prompt, "reply": {"text": "long"}}])
        # JSON cannot carry a callable, so whatever arrives as ``when`` is refused.
        with pytest.raises(ConfigError) as excinfo:
            controls.add_rule(name="long", when="len > 20", reply={"text": "long"})
        assert str(excinfo.value) == (
            "rule 'long' (rules[0]).when must be a Python callable (in-process only); "
            "got 'len > 20'"
        )
        assert controls.get_rules() == {"rules": []}
        return

    stored = controls.add_rule(name="long", when=long_prompt, reply={"text": "long"})
    assert stored == {
        "name": "long",
        "reply": {"text": "long"},
        "answered": 0,
        "when": "python:test_when_callable_in_process_only.<locals>.long_prompt",
    }
    assert text(runtime, "a fairly long prompt indeed") == "long"
    assert text(runtime, "short") != "long"
    assert sources(controls) == ["rule:long", "default"]


# -- order, times, bookkeeping -----------------------------------------------------------------


def test_first_matching_rule_wins_and_times_limits_a_rule(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.add_rule(name="once", user_text="Hi", times=1, reply={"text": "first time"})
    controls.add_rule(name="twice", user_text="Hi", times=2, reply={"text": "then this"})
    controls.add_rule(user_text="H", reply={"text": "catch-all"})
    assert [text(runtime, "Hi") for _ in range(5)] == [
        "first time",
        "then this",
        "then this",
        "catch-all",
        "catch-all",
    ]
    assert sources(controls) == ["rule:once", "rule:twice", "rule:twice", "rule:2", "rule:2"]
    assert controls.get_rules() == {
        "rules": [
            {
                "name": "once",
                "user_text": "Hi",
                "times": 1,
                "reply": {"text": "first time"},
                "answered": 1,
            },
            {
                "name": "twice",
                "user_text": "Hi",
                "times": 2,
                "reply": {"text": "then this"},
                "answered": 2,
            },
            {"user_text": "H", "reply": {"text": "catch-all"}, "answered": 2},
        ]
    }


def test_rules_can_be_replaced_and_cleared(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    stored = controls.add_rule(name="a", user_text="x", reply={"text": "a"})
    assert stored == {"name": "a", "user_text": "x", "reply": {"text": "a"}, "answered": 0}
    replaced = controls.set_rules(
        rules=[{"name": "b", "turn": 1, "reply": {"error": "ModelNotReady"}}]
    )
    assert replaced == {
        "rules": [{"name": "b", "turn": 1, "reply": {"error": "ModelNotReady"}, "answered": 0}]
    }
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("x")])
    assert error_of(excinfo) == (
        "ModelNotReadyException",
        "The model is not ready to serve inference requests. Try again later.",
        429,
    )
    assert controls.get_call_history()["calls"][-1]["injected"] == "rule"
    assert controls.clear_rules() == {}
    assert controls.get_rules() == {"rules": []}
    text(runtime, "x")
    assert sources(controls)[-1] == "default"


# -- strict mode ---------------------------------------------------------------------------------


def test_strict_miss_names_the_closest_rule(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_strict(strict=True)
    controls.add_rule(name="weather", user_text="weather", model="amazon.*", reply={"text": "w"})
    controls.add_rule(name="greeting", user_text="hello", reply={"text": "g"})
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("goodbye")])
    assert error_of(excinfo) == (
        "ValidationException",
        "moto-bedrock strict mode: no rule matched this Converse call to "
        "anthropic.claude-3-haiku-20240307-v1:0; closest rule 'greeting' failed on "
        "user_text: expected 'hello' in 'goodbye'",
        400,
    )
    call = controls.get_call_history()["calls"][-1]
    assert call["injected"] == "strict" and call["source"] is None

    # Most matchers satisfied beats fewest misses.
    controls.add_rule(
        name="anthropic-stream",
        model="anthropic.*",
        operation="ConverseStream",
        turn=2,
        reply={"text": "s"},
    )
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("goodbye")])
    assert error_of(excinfo)[1].endswith(
        "closest rule 'anthropic-stream' failed on turn: expected turn 2; got turn 1 and on "
        "operation: expected operation 'ConverseStream'; got 'Converse'"
    )


def test_strict_miss_reports_every_failed_matcher_and_ties_go_to_the_first(
    aws: Aws, runtime: Any
) -> None:
    controls = aws.controls()
    controls.set_strict(strict=True)
    controls.add_rule(user_text="weather", turn=2, reply={"text": "w"})
    controls.add_rule(
        name="tools", tools_offered=["search"], metadata={"k": "v"}, reply={"text": "t"}
    )
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model(modelId=f"us.{HAIKU}", body=anthropic_body("Is it raining?"))
    assert error_of(excinfo)[1] == (
        "moto-bedrock strict mode: no rule matched this InvokeModel call to "
        f"us.{HAIKU} ({HAIKU}); closest rule rules[0] failed on user_text: expected "
        "'weather' in 'Is it raining?' and on turn: expected turn 2; got turn 1"
    )


def test_strict_miss_explains_model_and_used_up_rules(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_strict(strict=True)
    controls.add_rule(name="once", user_text="Hi", times=1, reply={"text": "once"})
    controls.add_rule(name="nova-only", model="amazon.nova*", user_text="Hi", reply={"text": "n"})
    assert text(runtime, "Hi") == "once"
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=f"us.{HAIKU}", messages=[user("Hi")])
    assert error_of(excinfo)[1] == (
        "moto-bedrock strict mode: no rule matched this Converse call to "
        f"us.{HAIKU} ({HAIKU}); closest rule 'once' failed on times: already answered 1 "
        "of 1 times"
    )
    controls.set_rules(
        rules=[{"name": "nova-only", "model": "amazon.nova*", "reply": {"text": "n"}}]
    )
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=f"us.{HAIKU}", messages=[user("Hi")])
    assert error_of(excinfo)[1].endswith(
        f"closest rule 'nova-only' failed on model: expected 'amazon.nova*' to match "
        f"'us.{HAIKU}' (model '{HAIKU}')"
    )


@pytest.mark.parametrize(
    ("rule", "request_extra", "reason"),
    [
        ({"user_regex": "^order"}, {}, "user_regex: expected a match for '^order' in 'Hi'"),
        ({"system_text": "pirate"}, {}, "system_text: expected 'pirate' in ''"),
        (
            {"tools_offered": ["a", "b"]},
            {"toolConfig": {"tools": [tool("a")]}},
            "tools_offered: expected tools ['a', 'b'] offered; missing ['b'] (offered ['a'])",
        ),
        (
            {"tool_result": "a"},
            {},
            "tool_result: expected a toolResult in the last user message; found none",
        ),
        ({"turn": {"min": 2}}, {}, "turn: expected turn 2 or later; got turn 1"),
        (
            {"metadata": {"k": "v"}},
            {"requestMetadata": {"k": "w"}},
            "metadata: expected requestMetadata to include {'k': 'v'}; got {'k': 'w'}",
        ),
        (
            {"operation": ["InvokeModel", "ConverseStream"]},
            {},
            "operation: expected operation one of ['InvokeModel', 'ConverseStream']; got 'Converse'",
        ),
    ],
)
def test_strict_miss_reasons(
    aws: Aws, runtime: Any, rule: dict[str, Any], request_extra: dict[str, Any], reason: str
) -> None:
    controls = aws.controls()
    controls.set_strict(strict=True)
    controls.add_rule(name="r", **rule, reply={"text": "x"})
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("Hi")], **request_extra)
    assert error_of(excinfo)[1] == (
        f"moto-bedrock strict mode: no rule matched this Converse call to {HAIKU}; "
        f"closest rule 'r' failed on {reason}"
    )


def test_strict_tool_result_reason_names_the_tools_answered(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_strict(strict=True)
    controls.add_rule(name="r", tool_result="get_weather", reply={"text": "x"})
    messages = [
        user("Time?"),
        {
            "role": "assistant",
            "content": [{"toolUse": {"toolUseId": "tooluse_c1", "name": "clock", "input": {}}}],
        },
        {
            "role": "user",
            "content": [{"toolResult": {"toolUseId": "tooluse_c1", "content": [{"text": "9"}]}}],
        },
    ]
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=messages, toolConfig={"tools": [tool("clock")]})
    assert error_of(excinfo)[1].endswith(
        "closest rule 'r' failed on tool_result: expected a toolResult for 'get_weather'; "
        "found results for ['clock']"
    )


# -- bad rules -----------------------------------------------------------------------------------

BAD_RULES = [
    (
        {"name": "greeting", "user_regex": "(hello", "reply": {"text": "x"}},
        "rule 'greeting' (rules[0]).user_regex is not a valid regular expression: missing ), "
        "unterminated subpattern at position 0; got '(hello'",
    ),
    (
        {"system_regex": "[a-", "reply": {"text": "x"}},
        "rules[0].system_regex is not a valid regular expression: unterminated character "
        "set at position 0; got '[a-'",
    ),
    (
        {"model": "re:*claude", "reply": {"text": "x"}},
        "rules[0].model is not a valid regular expression: nothing to repeat at position 0; "
        "got 're:*claude'",
    ),
    (
        {"user_txt": "hi", "reply": {"text": "x"}},
        "rules[0]: unknown keys ['user_txt']; expected some of ['name', 'times', 'reply', "
        "'user_text', 'user_regex', 'system_text', 'system_regex', 'model', "
        "'tools_offered', 'tool_result', 'turn', 'metadata', 'operation', 'when']",
    ),
    ({"user_text": "hi"}, "rules[0] needs a reply"),
    (
        {"name": "r", "user_text": "hi", "reply": {"txt": "x"}},
        "rule 'r' (rules[0]).reply: unknown keys ['txt']; expected some of ['text', "
        "'content', 'tool_use', 'json_schema', 'error', 'message', 'stop_reason', 'usage']",
    ),
    ({"name": "", "reply": {"text": "x"}}, "rules[0].name must be a non-empty string; got ''"),
    (
        {"name": "r", "times": 0, "reply": {"text": "x"}},
        "rule 'r' (rules[0]).times must be an integer >= 1; got 0",
    ),
    (
        {"user_text": "", "reply": {"text": "x"}},
        "rules[0].user_text must be a non-empty string; got ''",
    ),
    (
        {"tools_offered": [], "reply": {"text": "x"}},
        "rules[0].tools_offered must be a tool name or a non-empty list of them; got []",
    ),
    (
        {"tool_result": False, "reply": {"text": "x"}},
        "rules[0].tool_result must be a tool name or true; got False",
    ),
    (
        {"turn": "2", "reply": {"text": "x"}},
        "rules[0].turn must be an integer or {min, max}; got '2'",
    ),
    (
        {"turn": {"min": 3, "max": 2}, "reply": {"text": "x"}},
        "rules[0].turn must count from 1 with min <= max; got {'min': 3, 'max': 2}",
    ),
    (
        {"turn": {"from": 3}, "reply": {"text": "x"}},
        "rules[0].turn takes 'min' and/or 'max'; got {'from': 3}",
    ),
    (
        {"metadata": {"k": 1}, "reply": {"text": "x"}},
        "rules[0].metadata must be a non-empty object of strings; got {'k': 1}",
    ),
    (
        {"operation": "CountTokens", "reply": {"text": "x"}},
        "rules[0].operation: unknown operations ['CountTokens']; expected some of "
        "['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream']",
    ),
]


@pytest.mark.parametrize(("rule", "message"), BAD_RULES)
def test_bad_rules_are_refused(aws: Aws, rule: dict[str, Any], message: str) -> None:
    controls = aws.controls()
    with pytest.raises(ConfigError) as excinfo:
        controls.add_rule(**rule)
    assert str(excinfo.value) == message
    with pytest.raises(ConfigError) as excinfo:
        controls.set_rules(rules=[rule])
    assert str(excinfo.value) == message
    assert controls.get_rules() == {"rules": []}


def test_rule_names_must_be_unique(aws: Aws) -> None:
    controls = aws.controls()
    controls.add_rule(name="a", reply={"text": "x"})
    with pytest.raises(ConfigError, match=r"^rules: two rules are named 'a'$"):
        controls.add_rule(name="a", reply={"text": "y"})
    with pytest.raises(ConfigError, match=r"^rules: two rules are named 'b'$"):
        controls.set_rules(rules=[{"name": "b", "reply": {"text": "x"}}] * 2)
    assert [r["name"] for r in controls.get_rules()["rules"]] == ["a"]


def test_bad_rule_over_raw_http_is_a_400(server_url: str) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    response = requests.post(
        f"{server_url}/moto-api/bedrock/add_rule",
        json={"name": "greeting", "user_regex": "(hello", "reply": {"text": "x"}},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json() == {
        "message": "rule 'greeting' (rules[0]).user_regex is not a valid regular expression: "
        "missing ), unterminated subpattern at position 0; got '(hello'"
    }
    response = requests.post(
        f"{server_url}/moto-api/bedrock/add_rule",
        json={"name": "greeting", "user_regex": "hel+o", "reply": {"text": "x"}},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json() == {
        "name": "greeting",
        "user_regex": "hel+o",
        "reply": {"text": "x"},
        "answered": 0,
    }
