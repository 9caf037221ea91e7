"""Call-history queries and the HistoryView assertions, in-process and through HTTP."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from moto_bedrock.behaviour.control import ConfigError
from moto_bedrock.behaviour.history_view import HistoryView
from tests.conftest import HAIKU, Aws, user

NOVA = "amazon.nova-lite-v1:0"
WEATHER_TOOLS = {
    "tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {"type": "object"}}}}]
}
RECORD_KEYS = {
    "sequence",
    "operation",
    "model_id",
    "resolved_model_id",
    "request",
    "stop_reason",
    "content",
    "usage",
    "error",
    "stream_fault",
    "waived_rules",
    "source",
    "injected",
    "guardrails",
    "started_at",
    "duration_ms",
    "routed_model_arn",
    "job",
    "abandoned",
}


def count(runtime: Any, text: str, model: str = HAIKU) -> None:
    runtime.count_tokens(modelId=model, input={"converse": {"messages": [user(text)]}})


def five_calls(runtime: Any) -> None:
    """#1 Converse HAIKU, #2 Converse us.HAIKU, #3 CountTokens, #4 a failed call, #5 Nova."""
    runtime.converse(modelId=HAIKU, messages=[user("Hello there")])
    runtime.converse(modelId=f"us.{HAIKU}", messages=[user("Second")])
    count(runtime, "Count me")
    with pytest.raises(ClientError):
        runtime.converse(modelId="acme.nothing-v1:0", messages=[user("Nobody home")])
    runtime.converse(modelId=NOVA, messages=[user("Fifth")])


def sequences(calls: Any) -> list[int]:
    return [call["sequence"] for call in calls]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [1, 2, 3, 4, 5]),
        ({"operation": "Converse"}, [1, 2, 4, 5]),
        ({"operation": "Count*"}, [3]),
        ({"model": HAIKU}, [1, 2, 3]),  # #2 sent a profile id that resolves to HAIKU
        ({"model": "us.*"}, [2]),
        ({"model": "amazon.nova-*"}, [5]),
        ({"model": "acme.*"}, [4]),  # a failed call keeps the id as sent
        ({"source": "default"}, [1, 2, 5]),  # CountTokens and refused calls have no source
        ({"error": True}, [4]),
        ({"error": False}, [1, 2, 3, 5]),
        ({"error": "ValidationException"}, [4]),
        ({"error": "Validation"}, [4]),
        ({"error": "Throttling*"}, []),
        ({"since": 3}, [4, 5]),
        ({"limit": 2}, [4, 5]),
        ({"operation": "Converse", "model": HAIKU, "limit": 1}, [2]),
        ({"operation": "Converse", "error": False, "since": 1}, [2, 5]),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else None,
)
def test_get_call_history_filters(
    aws: Aws, runtime: Any, filters: dict[str, Any], expected: list[int]
) -> None:
    five_calls(runtime)
    controls = aws.controls()
    assert sequences(controls.get_call_history(**filters)["calls"]) == expected
    # The Python view filters the same way on its side.
    assert sequences(controls.history().filter(**filters)) == expected


def test_records_carry_source_injection_and_timing(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.configure_clock(manual=True, now=1000)
    controls.enqueue_replies(replies=[{"text": "Queued."}])
    runtime.converse(modelId=HAIKU, messages=[user("One")])
    controls.advance_clock(seconds=5)
    runtime.converse(modelId=HAIKU, messages=[user("Two")])
    # (An error botocore does not retry: a retry would succeed and hide the fault.)
    controls.inject_fault(error="AccessDenied", operation="Converse")
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("Three")])
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"

    calls = controls.get_call_history()["calls"]
    assert all(set(call) == RECORD_KEYS for call in calls)
    assert [c["source"] for c in calls] == ["queue", "default", None]
    assert [c["injected"] for c in calls] == [None, None, "fault"]
    assert [c["started_at"] for c in calls] == [1000.0, 1005.0, 1005.0]
    assert all(isinstance(c["duration_ms"], float) and c["duration_ms"] >= 0 for c in calls)
    assert calls[0]["content"] == [{"text": "Queued."}]
    assert calls[2]["error"]["code"] == "AccessDeniedException"
    assert sequences(controls.get_call_history(source="queue")["calls"]) == [1]
    assert sequences(controls.get_call_history(error="AccessDenied")["calls"]) == [3]


def test_since_follows_sequence_numbers_across_a_clear(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    count(runtime, "a")
    count(runtime, "b")
    mark = controls.history().last["sequence"]
    controls.clear_call_history()
    count(runtime, "c")
    assert sequences(controls.get_call_history(since=mark)["calls"]) == [3]
    assert sequences(controls.get_call_history(since=3)["calls"]) == []


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            {"operation": "converse"},
            "unknown operation 'converse'; expected one of ApplyGuardrail, Converse, "
            "ConverseStream, CountTokens, InvokeModel, InvokeModelWithResponseStream, "
            "StartAsyncInvoke (or a glob)",
        ),
        ({"model": ""}, "model must be a non-empty string; got ''"),
        ({"source": 3}, "source must be a non-empty string; got 3"),
        ({"error": 3}, "error must be a non-empty string; got 3"),
        ({"since": -1}, "since must be an integer of 0 or more; got -1"),
        ({"since": True}, "since must be an integer of 0 or more; got True"),
        ({"limit": 0}, "limit must be an integer of 1 or more; got 0"),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else None,
)
def test_bad_filters_are_rejected_with_the_reason(
    aws: Aws, filters: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as excinfo:
        aws.controls().get_call_history(**filters)
    assert str(excinfo.value) == message


def test_bad_filters_are_http_400_on_the_server(server_url: str) -> None:
    url = f"{server_url}/moto-api/bedrock/get_call_history"
    response = requests.post(url, json={"limit": 0}, timeout=5)
    assert response.status_code == 400
    assert response.json() == {"message": "limit must be an integer of 1 or more; got 0"}
    response = requests.post(url, json={"operation": "Converse"}, timeout=5)
    assert response.status_code == 200 and "calls" in response.json()


def test_history_view_rejects_unknown_filters(aws: Aws) -> None:
    with pytest.raises(ConfigError, match=r"unknown history filters \['modle'\]"):
        aws.controls().history(modle=HAIKU)


def test_history_view_is_a_sequence_of_calls(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    empty = controls.history()
    assert len(empty) == 0 and list(empty) == [] and not empty
    with pytest.raises(AssertionError, match=r"^no Bedrock calls were recorded$"):
        _ = empty.last
    five_calls(runtime)

    view = controls.history(operation="Converse")
    assert isinstance(view, HistoryView)
    assert len(view) == 4 and bool(view)
    assert [c["sequence"] for c in view] == [1, 2, 4, 5]
    assert view[0] is view.first and view.first["request"]["messages"] == [user("Hello there")]
    assert view.last["model_id"] == NOVA
    assert repr(view) == "<HistoryView: 4 calls matching operation='Converse'>"
    narrowed = view.filter(model=HAIKU)
    assert sequences(narrowed) == [1, 2]
    assert (
        repr(narrowed) == f"<HistoryView: 2 calls matching operation='Converse', model={HAIKU!r}>"
    )
    with pytest.raises(AssertionError, match=r"^no Bedrock calls were recorded matching .*Titan"):
        _ = view.filter(model="*Titan*").first


def test_assert_called_counts_and_lists_the_calls_when_wrong(aws: Aws, runtime: Any) -> None:
    runtime.converse(modelId=HAIKU, messages=[user("Hello there")])
    count(runtime, "Count me")
    history = aws.controls().history()

    matched = history.assert_called(operation="Converse")
    assert sequences(matched) == [1]
    assert sequences(history.assert_called(times=1, operation="Converse", model="anthropic.*")) == [
        1
    ]
    history.assert_called()
    history.assert_called(times=2)
    with pytest.raises(AssertionError) as excinfo:
        history.assert_called(times=2, operation="Converse")
    assert str(excinfo.value) == (
        "expected 2 calls matching operation='Converse'; got 1.\n"
        "Recorded calls (2):\n"
        f"  #1 Converse {HAIKU} [default] end_turn user: 'Hello there'\n"
        f"  #2 CountTokens {HAIKU}"
    )
    with pytest.raises(AssertionError, match=r"^expected at least one call matching operation="):
        history.assert_called(operation="InvokeModel")
    with pytest.raises(ConfigError, match="unknown history filters"):
        history.assert_called(operations="Converse")


def test_assert_not_called_lists_the_offending_calls(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.history().assert_not_called()
    runtime.converse(modelId=HAIKU, messages=[user("Hello there")])
    history = controls.history()
    history.assert_not_called(operation="ConverseStream")
    history.assert_not_called(error=True)
    with pytest.raises(AssertionError) as excinfo:
        history.assert_not_called(model="anthropic.*")
    assert str(excinfo.value) == (
        "expected no calls matching model='anthropic.*'; got 1.\n"
        "Matching calls (1):\n"
        f"  #1 Converse {HAIKU} [default] end_turn user: 'Hello there'"
    )


def test_assert_called_with_model_matches_sent_or_resolved_ids(aws: Aws, runtime: Any) -> None:
    runtime.converse(modelId=f"us.{HAIKU}", messages=[user("Hi")])
    history = aws.controls().history()
    assert sequences(history.assert_called_with_model(HAIKU)) == [1]
    history.assert_called_with_model(f"us.{HAIKU}")
    history.assert_called_with_model("*claude-3-haiku*")
    with pytest.raises(AssertionError) as excinfo:
        history.assert_called_with_model(NOVA)
    assert str(excinfo.value) == (
        f"expected at least one call matching model={NOVA!r}; got 0.\n"
        "Recorded calls (1):\n"
        f"  #1 Converse us.{HAIKU} -> {HAIKU} [default] end_turn user: 'Hi'"
    )


def tool_conversation(result_id: str = "tooluse_1") -> list[dict[str, Any]]:
    return [
        user("What is the weather in Paris?"),
        {
            "role": "assistant",
            "content": [
                {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {}}}
            ],
        },
        {
            "role": "user",
            "content": [{"toolResult": {"toolUseId": result_id, "content": [{"text": "Sunny"}]}}],
        },
    ]


def test_assert_sent_tool_result(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    with pytest.raises(AssertionError) as excinfo:
        controls.history().assert_sent_tool_result()
    assert str(excinfo.value).startswith(
        "expected a request sending a toolResult; toolResults sent: none.\nRecorded calls (1):"
    )

    runtime.converse(modelId=HAIKU, messages=tool_conversation(), toolConfig=WEATHER_TOOLS)
    history = controls.history()
    assert sequences(history.assert_sent_tool_result()) == [2]
    assert sequences(history.assert_sent_tool_result(name="get_weather")) == [2]
    assert sequences(history.assert_sent_tool_result(tool_use_id="tooluse_1")) == [2]
    history.assert_sent_tool_result(name="get_weather", tool_use_id="tooluse_1")
    with pytest.raises(AssertionError) as excinfo:
        history.assert_sent_tool_result(name="get_time")
    assert str(excinfo.value).startswith(
        "expected a request sending a toolResult for tool 'get_time'; "
        "toolResults sent: tooluse_1 (get_weather).\n"
    )
    with pytest.raises(AssertionError, match="for tool 'get_weather' and toolUseId 'other'"):
        history.assert_sent_tool_result(name="get_weather", tool_use_id="other")


def test_tool_names_come_from_recorded_replies_too(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    tool_use = {"toolUseId": "tooluse_7", "name": "get_weather", "input": {}}
    controls.enqueue_replies(replies=[{"content": [{"toolUse": tool_use}]}])
    runtime.converse(modelId=HAIKU, messages=[user("Weather?")], toolConfig=WEATHER_TOOLS)
    # The follow-up answers tooluse_7 without the toolUse block in its own messages (the
    # lenient switch lets that through), so only the first call's reply names the tool.
    controls.configure_validation(lenient=["*"])
    result = {"toolResult": {"toolUseId": "tooluse_7", "content": [{"text": "Rain"}]}}
    messages = [
        user("Weather?"),
        {"role": "assistant", "content": [{"text": "Checking."}]},
        {"role": "user", "content": [result]},
    ]
    runtime.converse(modelId=HAIKU, messages=messages, toolConfig=WEATHER_TOOLS)
    history = controls.history()
    assert sequences(history.assert_sent_tool_result(name="get_weather")) == [2]
    # A view without the first call cannot know which tool tooluse_7 was.
    with pytest.raises(AssertionError, match=r"toolResults sent: tooluse_7 \(unknown tool\)"):
        history.filter(since=1).assert_sent_tool_result(name="get_weather")
    history.filter(since=1).assert_sent_tool_result(tool_use_id="tooluse_7")


def test_format_shows_one_line_per_call(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    assert controls.history().format() == "(no calls)"
    controls.inject_fault(error="AccessDenied", operation="CountTokens")
    runtime.converse(
        modelId=f"us.{HAIKU}",
        messages=[user("A question that is rather longer than forty characters")],
        inferenceConfig={"maxTokens": 3},
    )
    with pytest.raises(ClientError):
        count(runtime, "Count me")
    with pytest.raises(ClientError):
        runtime.converse(modelId="acme.nothing-v1:0", messages=[user("Nobody\nhome")])
    error = controls.get_call_history(error="AccessDenied")["calls"][0]["error"]
    lines = controls.history().format().split("\n")
    assert lines[:2] == [
        f"#1 Converse us.{HAIKU} -> {HAIKU} [default] max_tokens "
        "user: 'A question that is rather longer than f…'",
        f"#2 CountTokens {HAIKU} AccessDeniedException: {error['message']} (injected fault)",
    ]
    # (A failed call may or may not have its request recorded, hence no user text here.)
    assert lines[2].startswith(
        "#3 Converse acme.nothing-v1:0 ValidationException: "
        "The provided model identifier is invalid."
    )
    assert len(lines) == 3
