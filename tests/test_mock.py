"""mock_bedrock in every form moto's mock_aws supports, and how it composes with moto."""

from __future__ import annotations

import asyncio
import json
import unittest
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws
from moto.core.exceptions import ServiceNotWhitelisted

import moto_bedrock
from moto_bedrock import mock_bedrock
from tests.conftest import HAIKU, REGION, user


def converse_text(prompt: str = "Hello there") -> str:
    client = boto3.client("bedrock-runtime", region_name=REGION)
    response = client.converse(modelId=HAIKU, messages=[user(prompt)])
    return str(response["output"]["message"]["content"][0]["text"])


@mock_bedrock
def test_decorator_on_a_function() -> None:
    assert converse_text()


ONLY_BEDROCK: Any = {"core": {"service_whitelist": ["bedrockruntime"]}}


def test_decorator_honours_config_in_both_forms() -> None:
    # moto's bare mock_aws(func) drops config; mock_bedrock(func, config=...) must not.
    def s3_then_bedrock() -> str:
        with pytest.raises(ServiceNotWhitelisted):
            boto3.client("s3", region_name=REGION).list_buckets()
        return converse_text()

    assert mock_bedrock(s3_then_bedrock, config=ONLY_BEDROCK)()
    assert mock_bedrock(config=ONLY_BEDROCK)(s3_then_bedrock)()


def test_decorator_on_an_async_function() -> None:
    @mock_bedrock
    async def call() -> str:
        await asyncio.sleep(0)
        return converse_text()

    assert asyncio.run(call())


def test_context_manager_and_start_stop() -> None:
    with mock_bedrock() as mock:
        assert isinstance(mock, moto_bedrock.BedrockMock)
        assert converse_text()

    mock = mock_bedrock()
    mock.start()
    try:
        assert converse_text()
    finally:
        mock.stop()


def test_plain_mock_aws_serves_our_bedrock_after_import() -> None:
    with mock_aws():
        assert converse_text()


def test_nesting_with_mock_aws_keeps_the_outer_mock_active() -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="outer")
        with mock_bedrock():
            assert converse_text()
        # The inner mock must not tear down the outer one's patching or data.
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["outer"]
        assert converse_text()


@mock_bedrock
def test_s3_and_bedrock_work_together() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="prompts")
    s3.put_object(Bucket="prompts", Key="q.txt", Body=b"Summarize the water cycle")
    prompt = s3.get_object(Bucket="prompts", Key="q.txt")["Body"].read().decode()
    answer = converse_text(prompt)
    s3.put_object(Bucket="prompts", Key="a.txt", Body=answer.encode())
    assert s3.get_object(Bucket="prompts", Key="a.txt")["Body"].read().decode() == answer


def test_state_resets_between_mocks() -> None:
    # Claude 3 Haiku caches a prefix of at least 2,048 tokens (catalog/prompt_cache.json).
    system = [{"text": "Shared prefix for caching. " * 600}, {"cachePoint": {"type": "default"}}]

    def cache_write() -> int:
        client = boto3.client("bedrock-runtime", region_name=REGION)
        response = client.converse(modelId=HAIKU, system=system, messages=[user("Hi")])
        return int(response["usage"]["cacheWriteInputTokens"])

    with mock_bedrock():
        assert cache_write() > 0
        assert cache_write() == 0  # second call reads the cache
    with mock_bedrock():
        assert cache_write() > 0  # a new mock starts with an empty cache


@mock_bedrock
def test_plain_requests_calls_are_intercepted() -> None:
    response = requests.post(
        f"https://bedrock-runtime.{REGION}.amazonaws.com/model/{HAIKU}/converse",
        data=json.dumps({"messages": [user("Hello")]}),
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json()["output"]["message"]["role"] == "assistant"


@mock_bedrock
class TestClassDecorator:
    def test_a_method(self) -> None:
        assert converse_text()

    def test_each_method_is_isolated(self) -> None:
        client = boto3.client("bedrock", region_name=REGION)
        assert client.list_custom_models()["modelSummaries"] == []


@mock_bedrock
class UnittestClassDecorator(unittest.TestCase):
    def setUp(self) -> None:
        self.client = boto3.client("bedrock-runtime", region_name=REGION)

    def test_converse_in_a_testcase(self) -> None:
        response: Any = self.client.converse(modelId=HAIKU, messages=[user("Hi")])
        self.assertEqual(response["stopReason"], "end_turn")
