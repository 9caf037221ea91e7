"""Converse: the response contract, determinism, limits, usage and model resolution."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.generation.framing import framing_tokens
from moto_bedrock.generation.tokens import count_tokens
from tests.conftest import HAIKU, REGION, Aws, user

SONNET_V2 = "anthropic.claude-3-5-sonnet-20241022-v2:0"
ERROR_TYPE = "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"


def text_of(response: dict[str, Any]) -> str:
    return "".join(b.get("text", "") for b in response["output"]["message"]["content"])


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_converse_returns_a_well_formed_response(runtime: Any) -> None:
    response = runtime.converse(modelId=HAIKU, messages=[user("Explain Python decorators")])

    assert set(response) == {"ResponseMetadata", "output", "stopReason", "usage", "metrics"}
    message = response["output"]["message"]
    assert message["role"] == "assistant"
    assert len(message["content"]) == 1 and text_of(response).strip()
    assert response["stopReason"] == "end_turn"
    usage = response["usage"]
    assert set(usage) == {"inputTokens", "outputTokens", "totalTokens"}
    # The text plus Claude's template around one message.
    assert usage["inputTokens"] == count_tokens("Explain Python decorators") + 7
    assert usage["outputTokens"] == count_tokens(text_of(response))
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert (
        isinstance(response["metrics"]["latencyMs"], int) and response["metrics"]["latencyMs"] > 0
    )
    request_id = response["ResponseMetadata"]["RequestId"]
    assert len(request_id) == 36 and request_id.count("-") == 4


def test_converse_is_deterministic_and_varies_with_the_prompt(runtime: Any) -> None:
    first = runtime.converse(modelId=HAIKU, messages=[user("What is a monad?")])
    again = runtime.converse(modelId=HAIKU, messages=[user("What is a monad?")])
    other = runtime.converse(modelId=HAIKU, messages=[user("How do tides work?")])

    assert text_of(first) == text_of(again)
    assert first["usage"] == again["usage"]
    assert text_of(first) != text_of(other)
    assert "monad" in text_of(first)


@pytest.mark.slow  # runs other Python processes: CI runs it (-m slow)
def test_converse_reply_is_the_same_in_every_process() -> None:
    # Different hash seeds must not change the reply: nothing may depend on hash().
    script = (
        "import boto3, moto_bedrock\n"
        "with moto_bedrock.mock_bedrock():\n"
        "    c = boto3.client('bedrock-runtime', region_name='us-east-1')\n"
        f"    r = c.converse(modelId={HAIKU!r}, messages=[{{'role': 'user', "
        "'content': [{'text': 'Name three rivers'}]}])\n"
        "    print(r['output']['message']['content'][0]['text'])\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert "rivers" in outputs.pop()


def test_converse_truncates_at_max_tokens(runtime: Any) -> None:
    full = runtime.converse(modelId=HAIKU, messages=[user("Describe the ocean")])
    short = runtime.converse(
        modelId=HAIKU, messages=[user("Describe the ocean")], inferenceConfig={"maxTokens": 5}
    )

    assert short["stopReason"] == "max_tokens"
    assert short["usage"]["outputTokens"] == 5
    assert count_tokens(text_of(short)) == 5
    assert text_of(full).startswith(text_of(short))


def test_converse_stops_at_the_first_stop_sequence(runtime: Any) -> None:
    full = text_of(runtime.converse(modelId=HAIKU, messages=[user("Describe the ocean")]))
    stop_word = full.split()[3]
    response = runtime.converse(
        modelId=HAIKU,
        messages=[user("Describe the ocean")],
        inferenceConfig={"stopSequences": ["zzz-never", stop_word]},
        additionalModelResponseFieldPaths=["/stop_sequence"],
    )

    assert response["stopReason"] == "stop_sequence"
    assert text_of(response) == full[: full.index(stop_word)]
    assert response["additionalModelResponseFields"] == {"stop_sequence": stop_word}
    assert response["usage"]["outputTokens"] == count_tokens(text_of(response))


def test_converse_reports_null_stop_sequence_when_asked_and_none_matched(runtime: Any) -> None:
    response = runtime.converse(
        modelId=HAIKU,
        messages=[user("Hello")],
        additionalModelResponseFieldPaths=["/stop_sequence", "/not_a_field"],
    )
    assert response["additionalModelResponseFields"] == {"stop_sequence": None}


def test_converse_counts_system_and_history_as_input(runtime: Any) -> None:
    messages = [
        user("First question here"),
        {"role": "assistant", "content": [{"text": "A first answer."}]},
        user("And a follow-up?"),
    ]
    response = runtime.converse(
        modelId=HAIKU, messages=messages, system=[{"text": "You are terse."}]
    )
    expected = sum(
        count_tokens(t)
        for t in ("You are terse.", "First question here", "A first answer.", "And a follow-up?")
    ) + framing_tokens("anthropic", 3, True, None)
    assert response["usage"]["inputTokens"] == expected


def test_converse_cache_points_write_then_read(runtime: Any) -> None:
    # Claude 3 Haiku caches a prefix of at least 2,048 tokens (catalog/prompt_cache.json).
    prompt = "A long shared system prompt about policies. " * 400
    system = [{"text": prompt}, {"cachePoint": {"type": "default"}}]
    # The template's tokens come first, so they are part of the cached prefix.
    cached = count_tokens(prompt) + framing_tokens("anthropic", 1, True, None)
    assert cached >= 2048

    first = runtime.converse(modelId=HAIKU, system=system, messages=[user("Question one")])
    second = runtime.converse(modelId=HAIKU, system=system, messages=[user("Question two")])

    assert first["usage"]["cacheWriteInputTokens"] == cached
    assert first["usage"]["cacheReadInputTokens"] == 0
    assert second["usage"]["cacheReadInputTokens"] == cached
    assert second["usage"]["cacheWriteInputTokens"] == 0
    assert second["usage"]["inputTokens"] == count_tokens("Question two")
    usage = second["usage"]
    assert usage["totalTokens"] == (
        usage["inputTokens"] + usage["outputTokens"] + usage["cacheReadInputTokens"]
    )


@pytest.mark.parametrize(
    "model_id",
    [
        HAIKU,
        f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}",
        f"us.{HAIKU}",
        f"arn:aws:bedrock:{REGION}:123456789012:inference-profile/us.{HAIKU}",
        f"us.{SONNET_V2}",
    ],
    ids=["base-id", "model-arn", "profile-id", "profile-arn", "profile-only-model"],
)
def test_converse_accepts_every_identifier_form(runtime: Any, model_id: str) -> None:
    response = runtime.converse(modelId=model_id, messages=[user("Hi")])
    assert response["stopReason"] == "end_turn"


@pytest.mark.parametrize(
    ("model_id", "message"),
    [
        ("acme.unknown-model-v1:0", "The provided model identifier is invalid."),
        ("eu.anthropic.claude-3-haiku-20240307-v1:0", "The provided model identifier is invalid."),
        (
            SONNET_V2,
            f"Invocation of model ID {SONNET_V2} with on-demand throughput isn’t supported. "
            "Retry your request with the ID or ARN of an inference profile that contains this model.",
        ),
        (
            "amazon.titan-embed-text-v2:0",
            "This action doesn't support the model that you provided. "
            "Try again with a supported text or chat model.",
        ),
    ],
    ids=["unknown", "profile-of-another-geo", "needs-profile", "embedding-model"],
)
def test_converse_rejects_bad_model_identifiers(runtime: Any, model_id: str, message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=model_id, messages=[user("Hi")])
    assert error_of(excinfo) == ("ValidationException", 400, message)
    headers = excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"] == ERROR_TYPE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"inferenceConfig": {"temperature": 1.5}},
            "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' "
            "failed to satisfy constraint: Member must have value less than or equal to 1",
        ),
        (
            {"inferenceConfig": {"maxTokens": 5000}},
            "The maximum tokens you requested exceeds the model limit of 4096. "
            "Try again with a maximum tokens value that is lower than 4096.",
        ),
        (
            {"inferenceConfig": {"temperature": 2, "topP": 1.5}},
            "2 validation errors detected: Value '2.0' at 'inferenceConfig.temperature' "
            "failed to satisfy constraint: Member must have value less than or equal to 1; "
            "Value '1.5' at 'inferenceConfig.topP' failed to satisfy constraint: "
            "Member must have value less than or equal to 1",
        ),
        (
            {"additionalModelResponseFieldPaths": ["stop_sequence"]},
            "The additionalModelResponseFieldPaths entry 'stop_sequence' is not a valid "
            "JSON Pointer. Each path must start with '/'.",
        ),
    ],
    ids=["temperature", "max-tokens-over-limit", "two-errors", "bad-pointer"],
)
def test_converse_rejects_out_of_range_values(
    runtime: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=[user("Hi")], **kwargs)
    assert error_of(excinfo) == ("ValidationException", 400, message)


RAW_CASES = [
    (b"{not json", "The request body is not valid JSON: "),
    (b"[1, 2]", "The request body must be a JSON object."),
    (
        json.dumps({"messages": [{"content": [{"text": "hi"}]}]}).encode(),
        "1 validation error detected: Value null at 'messages.1.member.role' "
        "failed to satisfy constraint: Member must not be null",
    ),
    (
        json.dumps({"messages": [user("hi")], "inferenceConfig": {"maxTokens": "ten"}}).encode(),
        "1 validation error detected: Value 'ten' at 'inferenceConfig.maxTokens' "
        "failed to satisfy constraint: Member must be of type integer",
    ),
    (
        json.dumps({"messages": [{"role": "robot", "content": [{"text": "hi"}]}]}).encode(),
        "1 validation error detected: Value 'robot' at 'messages.1.member.role' "
        "failed to satisfy constraint: Member must satisfy enum value set: [user, assistant, system]",
    ),
    (
        json.dumps({"messages": [{"role": "user", "content": [{}]}]}).encode(),
        "1 validation error detected: Value null at 'messages.1.member.content.1.member' "
        "failed to satisfy constraint: Member must have exactly one of the following keys set",
    ),
]


@pytest.mark.parametrize(
    ("body", "message"),
    RAW_CASES,
    ids=[
        "malformed-json",
        "not-an-object",
        "missing-role",
        "wrong-type",
        "bad-enum",
        "empty-union",
    ],
)
def test_converse_answers_malformed_bodies_with_a_modeled_400(
    aws: Aws, body: bytes, message: str
) -> None:
    from tests.conftest import signed_request

    response = signed_request(
        "POST",
        f"{aws.runtime_url()}/model/{HAIKU}/converse",
        body,
        {"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == ERROR_TYPE
    assert response.json()["message"].startswith(message)
    assert set(response.json()) == {"message"}


ASSISTANT = {"role": "assistant", "content": [{"text": "An answer."}]}


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        (
            [],
            "A conversation must start with a user message. "
            "Try again with a conversation that starts with a user message.",
        ),
        (
            [user("Hi"), ASSISTANT, ASSISTANT],
            "A conversation must alternate between user and assistant roles. Make sure the "
            "conversation alternates between user and assistant roles and try again.",
        ),
        (
            [user("Hi"), ASSISTANT, {"role": "user", "content": []}],
            "The content field in the Message object at messages.2 is empty.",
        ),
        (
            [user("Hi"), ASSISTANT, {"role": "user", "content": [{"text": "ok"}, {"text": ""}]}],
            "The text field in the ContentBlock object at messages.2.content.1 is blank. "
            "Add text to the text field, and try again.",
        ),
    ],
    ids=["empty", "same-role-twice", "empty-content", "blank-text"],
)
def test_converse_enforces_conversation_rules(
    runtime: Any, messages: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId=HAIKU, messages=messages)
    assert error_of(excinfo) == ("ValidationException", 400, message)


@pytest.mark.parametrize(
    "messages",
    [
        [user("Hi"), user("Again")],
        [user("Hi"), ASSISTANT, {"role": "user", "content": [{"text": "ok"}, {"text": "\n"}]}],
    ],
    ids=["two-user-turns", "whitespace-text"],
)
def test_claude_relaxes_two_conversation_rules(runtime: Any, messages: list[Any]) -> None:
    # Recorded for current Claude models (rules/conversation.py cites the sources); Nova keeps
    # both refusals.
    assert runtime.converse(modelId=HAIKU, messages=messages)["stopReason"] == "end_turn"
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId="amazon.nova-micro-v1:0", messages=messages)
    assert error_of(excinfo)[0] == "ValidationException"


def test_only_claude_accepts_a_conversation_that_opens_with_the_assistant(runtime: Any) -> None:
    # Sonnet 4.5 answered such a conversation (pydantic/pydantic-ai tests/models/cassettes/
    # test_bedrock/test_bedrock_anthropic_message_history_starting_with_response.yaml); Nova
    # and the other families refuse it.
    reply = runtime.converse(modelId=HAIKU, messages=[ASSISTANT, user("Hi")])
    assert reply["stopReason"] == "end_turn"
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(modelId="amazon.nova-lite-v1:0", messages=[ASSISTANT, user("Hi")])
    assert excinfo.value.response["Error"]["Message"] == (
        "A conversation must start with a user message. "
        "Try again with a conversation that starts with a user message."
    )
