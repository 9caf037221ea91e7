"""The call history and the strict/lenient switch, through the control API in both modes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.behaviour.control import ConfigError
from tests.conftest import HAIKU, Aws, user


def test_every_runtime_call_is_recorded(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    runtime.converse(modelId=HAIKU, messages=[user("First")], inferenceConfig={"maxTokens": 5})
    list(runtime.converse_stream(modelId=HAIKU, messages=[user("Second")])["stream"])
    body = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 5,
            "messages": [{"role": "user", "content": "Third"}],
        }
    )
    runtime.invoke_model(modelId=f"us.{HAIKU}", body=body)
    runtime.count_tokens(modelId=HAIKU, input={"converse": {"messages": [user("Fourth")]}})
    with pytest.raises(ClientError):
        runtime.converse(modelId="acme.nothing-v1:0", messages=[user("Fifth")])

    calls = controls.get_call_history()["calls"]
    assert [c["operation"] for c in calls] == [
        "Converse",
        "ConverseStream",
        "InvokeModel",
        "CountTokens",
        "Converse",
    ]
    assert [c["sequence"] for c in calls] == [1, 2, 3, 4, 5]
    first = calls[0]
    assert first["model_id"] == HAIKU and first["resolved_model_id"] == HAIKU
    assert first["request"]["messages"] == [user("First")]
    assert first["stop_reason"] == "max_tokens" and first["usage"]["outputTokens"] == 5
    assert first["error"] is None
    assert calls[2]["model_id"] == f"us.{HAIKU}" and calls[2]["resolved_model_id"] == HAIKU
    assert calls[2]["request"]["messages"] == [user("Third")]
    assert calls[3]["usage"] == {"inputTokens": 1 + 7}  # "Fourth" and Claude's template
    assert calls[4]["error"] == {
        "code": "ValidationException",
        "message": "The provided model identifier is invalid.",
    }


def test_stream_faults_are_recorded(aws: Aws, runtime: Any) -> None:
    aws.controls().inject_stream_error(error="throttlingException", after_events=1)
    with pytest.raises(Exception, match="throttlingException"):
        list(runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"])
    assert aws.controls().get_call_history()["calls"][-1]["stream_fault"] == "throttlingException"


def test_history_is_bounded_and_clearable(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.configure_history(cap=3)
    for index in range(5):
        runtime.count_tokens(modelId=HAIKU, input={"converse": {"messages": [user(f"n{index}")]}})
    calls = controls.get_call_history()["calls"]
    assert [c["sequence"] for c in calls] == [3, 4, 5]
    controls.clear_call_history()
    assert controls.get_call_history() == {"calls": []}
    with pytest.raises(ConfigError, match="cap must be a positive integer"):
        controls.configure_history(cap=0)


def test_lenient_switch_waives_a_rule_and_records_it(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    # Two assistant turns in a row break the conversation rule (Claude may take two user
    # turns in a row: rules/conversation.py).
    answer = {"role": "assistant", "content": [{"text": "Hello."}]}
    assistant_first = [user("Hello"), answer, answer]
    with pytest.raises(ClientError):
        runtime.converse(modelId=HAIKU, messages=assistant_first)

    assert controls.configure_validation(lenient=["conversation"])["lenient"] == ["conversation"]
    response = runtime.converse(modelId=HAIKU, messages=assistant_first)
    assert response["stopReason"] == "end_turn"
    assert controls.get_call_history()["calls"][-1]["waived_rules"] == ["conversation"]

    controls.configure_validation(lenient=["*"])
    runtime.converse(modelId=HAIKU, messages=assistant_first, inferenceConfig={"maxTokens": 9000})
    assert controls.get_call_history()["calls"][-1]["waived_rules"] == [
        "conversation",
        "max-tokens",
    ]

    controls.configure_validation(lenient=[])
    with pytest.raises(ClientError):
        runtime.converse(modelId=HAIKU, messages=assistant_first)


def test_lenient_switch_cannot_waive_shape_validation(aws: Aws, runtime: Any) -> None:
    aws.controls().configure_validation(lenient=["*"])
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("Hi")], inferenceConfig={"temperature": 3.0})
    assert excinfo.value.response["Error"]["Message"].startswith("1 validation error detected")


def test_lenient_switch_rejects_unknown_rules(aws: Aws) -> None:
    with pytest.raises(ConfigError, match=r"unknown rules \['no-such-rule'\]"):
        aws.controls().configure_validation(lenient=["no-such-rule"])


def test_history_and_policy_reset_with_moto(server_url: str) -> None:
    import boto3
    import requests

    from moto_bedrock import mock_bedrock
    from moto_bedrock.behaviour.control import BedrockControl, RemoteControl

    def exercise(controls: Any, runtime: Any) -> None:
        controls.configure_validation(lenient=["*"])
        runtime.count_tokens(modelId=HAIKU, input={"converse": {"messages": [user("x")]}})
        assert len(controls.get_call_history()["calls"]) == 1

    with mock_bedrock():
        exercise(BedrockControl(), boto3.client("bedrock-runtime", region_name="us-east-1"))
    with mock_bedrock():
        assert BedrockControl().get_call_history() == {"calls": []}
        assert BedrockControl().get_validation()["lenient"] == []

    remote = RemoteControl(server_url)
    requests.post(f"{server_url}/moto-api/reset", timeout=5)
    exercise(remote, Aws("server", server_url).client("bedrock-runtime"))
    requests.post(f"{server_url}/moto-api/reset", timeout=5)
    assert remote.get_call_history() == {"calls": []}
    assert remote.get_validation()["lenient"] == []
