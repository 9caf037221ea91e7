"""The README's scripting examples, as written there (in-process; both modes are covered
by the per-control tests)."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from moto_bedrock import mock_bedrock

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
ASK = [{"role": "user", "content": [{"text": "What's the weather in Paris?"}]}]
schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
tools = {
    "tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": schema}}}],
    "toolChoice": {"any": {}},
}


def test_an_exact_reply() -> None:
    with mock_bedrock() as mock:
        mock.control().set_reply(reply={"text": "Sunny, 24 °C."})
        runtime = boto3.client("bedrock-runtime", region_name="us-east-1")
        response = runtime.converse(modelId=MODEL, messages=ASK)
        assert response["output"]["message"]["content"] == [{"text": "Sunny, 24 °C."}]


def test_a_tool_call() -> None:
    with mock_bedrock() as mock:
        runtime = boto3.client("bedrock-runtime", region_name="us-east-1")
        first = runtime.converse(modelId=MODEL, messages=ASK, toolConfig=tools)
        assert first["stopReason"] == "tool_use"
        call = first["output"]["message"]["content"][0]["toolUse"]
        assert call["name"] == "get_weather"
        assert isinstance(call["input"]["city"], str)

        result = {
            "toolResult": {"toolUseId": call["toolUseId"], "content": [{"json": {"temp_c": 24}}]}
        }
        messages = [*ASK, first["output"]["message"], {"role": "user", "content": [result]}]
        final = runtime.converse(modelId=MODEL, messages=messages, toolConfig=tools)
        assert final["stopReason"] == "end_turn"
        mock.control().history().assert_sent_tool_result(name="get_weather")


def test_a_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore's backoff would sleep up to a few seconds; the retries are what matter.
    monkeypatch.setattr(
        "botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, context: 0
    )
    with mock_bedrock() as mock:
        mock.control().inject_fault("ThrottlingException", count=2)
        runtime = boto3.client(
            "bedrock-runtime",
            region_name="us-east-1",
            config=Config(retries={"mode": "standard", "max_attempts": 3}),
        )
        runtime.converse(modelId=MODEL, messages=ASK)
        mock.control().history().assert_called(times=3)

        mock.control().inject_fault("ThrottlingException", count=None)
        with pytest.raises(ClientError) as error:
            runtime.converse(modelId=MODEL, messages=ASK)
        assert error.value.response["Error"]["Code"] == "ThrottlingException"
