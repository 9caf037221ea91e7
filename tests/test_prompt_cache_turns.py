"""Prompt caching across turns, cacheDetails and InvokeModel's cache headers.

Recorded: pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
test_bedrock_cache_messages_with_document_as_last_content.yaml (turn 2 reads what turn 1
wrote and writes only its extension; Claude's cacheDetails lists the write by TTL) and
Arize-ai/openinference .../recordings/should-handle-amazon-nova-models.json (Nova's
InvokeModel sends both cache headers, 0 when unused).
"""

from __future__ import annotations

import json
from typing import Any

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
POINT = {"cachePoint": {"type": "default"}}


def test_turn_two_reads_the_prefix_turn_one_wrote(runtime: Any) -> None:
    first_turn = {"role": "user", "content": [{"text": "A long shared context. " * 300}, POINT]}
    one = runtime.converse(modelId=SONNET, messages=[first_turn])["usage"]
    assert one["cacheReadInputTokens"] == 0 and one["cacheWriteInputTokens"] > 0
    assert one["cacheDetails"] == [{"ttl": "5m", "inputTokens": one["cacheWriteInputTokens"]}]

    assistant = {"role": "assistant", "content": [{"text": "Noted."}]}
    second_turn = {"role": "user", "content": [{"text": "And a follow-up question."}, POINT]}
    two = runtime.converse(modelId=SONNET, messages=[first_turn, assistant, second_turn])["usage"]
    assert two["cacheReadInputTokens"] == one["cacheWriteInputTokens"]
    assert 0 < two["cacheWriteInputTokens"] < one["cacheWriteInputTokens"]
    assert two["cacheDetails"] == [{"ttl": "5m", "inputTokens": two["cacheWriteInputTokens"]}]


def test_an_hour_ttl_is_reported_apart(runtime: Any) -> None:
    hour = {"cachePoint": {"type": "default", "ttl": "1h"}}
    messages = [{"role": "user", "content": [{"text": "System-like context. " * 300}, hour]}]
    usage = runtime.converse(modelId=SONNET, messages=messages)["usage"]
    assert usage["cacheDetails"] == [{"ttl": "1h", "inputTokens": usage["cacheWriteInputTokens"]}]


def test_a_prefix_below_the_models_minimum_is_neither_written_nor_read(runtime: Any) -> None:
    # Minimums per model: catalog/prompt_cache.json (Sonnet 4.5: 1,024; Haiku 4.5: 4,096).
    short = [{"role": "user", "content": [{"text": "A short context. " * 20}, POINT]}]
    for _ in range(2):
        usage = runtime.converse(modelId=SONNET, messages=short)["usage"]
        assert (usage["cacheReadInputTokens"], usage["cacheWriteInputTokens"]) == (0, 0)
        assert "cacheDetails" not in usage
    long = [{"role": "user", "content": [{"text": "A long shared context. " * 300}, POINT]}]
    written = runtime.converse(modelId=SONNET, messages=long)["usage"]["cacheWriteInputTokens"]
    assert 1024 <= written < 4096
    haiku = runtime.converse(modelId="us.anthropic.claude-haiku-4-5-20251001-v1:0", messages=long)
    assert haiku["usage"]["cacheWriteInputTokens"] == 0


def test_invoke_model_sends_cache_headers(runtime: Any) -> None:
    body = {"messages": [{"role": "user", "content": [{"text": "Hello"}]}]}
    response = runtime.invoke_model(modelId="amazon.nova-lite-v1:0", body=json.dumps(body))
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-bedrock-cache-read-input-token-count"] == "0"
    assert headers["x-amzn-bedrock-cache-write-input-token-count"] == "0"
    plain = runtime.invoke_model(
        modelId="anthropic.claude-3-haiku-20240307-v1:0",
        body=json.dumps(
            {
                "anthropic_version": "bedrock-2023-05-31",
                "max_tokens": 50,
                "messages": [{"role": "user", "content": "Hello"}],
            }
        ),
    )
    assert (
        "x-amzn-bedrock-cache-read-input-token-count"
        not in (plain["ResponseMetadata"]["HTTPHeaders"])
    )
