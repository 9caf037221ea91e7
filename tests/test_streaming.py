"""ConverseStream and InvokeModelWithResponseStream: order, parity, faults, pacing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.eventstream import EventStreamBuffer
from botocore.exceptions import ClientError, EventStreamError

from moto_bedrock.behaviour.control import ConfigError
from moto_bedrock.generation.framing import framing_tokens
from moto_bedrock.generation.tokens import count_tokens
from moto_bedrock.wire.padding import ALPHABET
from tests.conftest import HAIKU, Aws, signed_request, user

# The tokens Claude's template adds around a one-message prompt.
CLAUDE_TEMPLATE = framing_tokens("anthropic", 1, False, None)

EMBEDDING = "amazon.titan-embed-text-v2:0"


def anthropic_body(prompt: str, max_tokens: int = 200, **extra: Any) -> str:
    return json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": max_tokens,
            "messages": [{"role": "user", "content": prompt}],
            **extra,
        }
    )


def stream_text(events: list[dict[str, Any]]) -> str:
    return "".join(
        e["contentBlockDelta"]["delta"].get("text", "") for e in events if "contentBlockDelta" in e
    )


def converse_text(response: dict[str, Any]) -> str:
    return "".join(b.get("text", "") for b in response["output"]["message"]["content"])


def test_converse_stream_follows_bedrocks_event_order(runtime: Any) -> None:
    response = runtime.converse_stream(modelId=HAIKU, messages=[user("Tell me about owls")])
    events = list(response["stream"])
    names = [next(iter(e)) for e in events]

    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == (
        "application/vnd.amazon.eventstream"
    )
    assert names[0] == "messageStart" and events[0]["messageStart"] == {"role": "assistant"}
    assert "contentBlockStart" not in names  # text blocks start with their first delta
    deltas = names[1:-3]
    assert deltas and set(deltas) == {"contentBlockDelta"}
    assert names[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    assert all(e["contentBlockDelta"]["contentBlockIndex"] == 0 for e in events[1:-3])
    assert events[-3] == {"contentBlockStop": {"contentBlockIndex": 0}}
    assert events[-2] == {"messageStop": {"stopReason": "end_turn"}}
    metadata = events[-1]["metadata"]
    assert set(metadata) == {"usage", "metrics"} and metadata["metrics"]["latencyMs"] > 0


PARITY_CASES = [
    ({"messages": [user("Hi")]}),
    (
        {
            "messages": [user("Explain quantum entanglement simply")],
            "inferenceConfig": {"maxTokens": 7},
        }
    ),
    (
        {
            "messages": [user("List some prime numbers 2 3 5 7 11")],
            "inferenceConfig": {"maxTokens": 1},
        }
    ),
    ({"messages": [user("Describe a rainforest")], "system": [{"text": "Be vivid."}]}),
    (
        {
            # Tools offered, but none fits the message: prose (a fit gets a tool call).
            "messages": [user("Tell me about Paris")],
            "toolConfig": {
                "tools": [
                    {
                        "toolSpec": {
                            "name": "get_weather",
                            "description": "Weather for a city",
                            "inputSchema": {
                                "json": {
                                    "type": "object",
                                    "properties": {"city": {"type": "string"}},
                                }
                            },
                        }
                    }
                ]
            },
        }
    ),
    (
        {
            "messages": [user("Summarize the ocean currents")],
            "inferenceConfig": {"stopSequences": ["the", "a"]},
            "additionalModelResponseFieldPaths": ["/stop_sequence"],
        }
    ),
]


@pytest.mark.parametrize("request_kwargs", PARITY_CASES, ids=range(len(PARITY_CASES)))
def test_converse_stream_equals_converse(runtime: Any, request_kwargs: dict[str, Any]) -> None:
    whole = runtime.converse(modelId=HAIKU, **request_kwargs)
    events = list(runtime.converse_stream(modelId=HAIKU, **request_kwargs)["stream"])

    assert stream_text(events) == converse_text(whole)
    assert events[-1]["metadata"]["usage"] == whole["usage"]
    assert events[-1]["metadata"]["metrics"] == whole["metrics"]
    stop = events[-2]["messageStop"]
    assert stop["stopReason"] == whole["stopReason"]
    assert stop.get("additionalModelResponseFields") == whole.get("additionalModelResponseFields")
    deltas = [e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e]
    assert len(deltas) == max(1, whole["usage"]["outputTokens"])  # one token per delta


def test_invoke_model_with_response_stream_anthropic(runtime: Any) -> None:
    body = anthropic_body("Tell me about owls", max_tokens=30)
    whole = json.loads(runtime.invoke_model(modelId=HAIKU, body=body)["body"].read())
    response = runtime.invoke_model_with_response_stream(modelId=HAIKU, body=body)
    chunks = [json.loads(e["chunk"]["bytes"]) for e in response["body"]]

    assert response["contentType"] == "application/json"
    assert [c["type"] for c in chunks[:2]] == ["message_start", "content_block_start"]
    assert [c["type"] for c in chunks[-3:]] == [
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    text = "".join(c["delta"]["text"] for c in chunks if c["type"] == "content_block_delta")
    assert text == whole["content"][0]["text"]
    assert chunks[0]["message"]["id"].startswith("msg_bdrk_01")
    assert chunks[0]["message"]["usage"]["input_tokens"] == whole["usage"]["input_tokens"]
    assert chunks[-2]["delta"]["stop_reason"] == whole["stop_reason"] == "max_tokens"
    assert chunks[-2]["usage"]["output_tokens"] == whole["usage"]["output_tokens"] == 30
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert metrics["inputTokenCount"] == whole["usage"]["input_tokens"]
    assert metrics["outputTokenCount"] == 30
    assert metrics["invocationLatency"] >= metrics["firstByteLatency"] > 0
    assert all("amazon-bedrock-invocationMetrics" not in c for c in chunks[:-1])


def test_invoke_model_returns_anthropic_json_and_token_headers(runtime: Any) -> None:
    response = runtime.invoke_model(modelId=HAIKU, body=anthropic_body("Hello there", 50))
    body = json.loads(response["body"].read())
    headers = response["ResponseMetadata"]["HTTPHeaders"]

    assert response["contentType"] == "application/json"
    assert body["type"] == "message" and body["role"] == "assistant"
    assert body["model"] == "claude-3-haiku-20240307"
    assert body["usage"]["input_tokens"] == count_tokens("Hello there") + CLAUDE_TEMPLATE
    assert headers["x-amzn-bedrock-input-token-count"] == str(body["usage"]["input_tokens"])
    assert headers["x-amzn-bedrock-output-token-count"] == str(body["usage"]["output_tokens"])
    assert int(headers["x-amzn-bedrock-invocation-latency"]) > 0


def raw_frames(response_bytes: bytes) -> list[Any]:
    buffer = EventStreamBuffer()
    buffer.add_data(response_bytes)
    return list(buffer)  # raises on a bad prelude or message CRC


def test_raw_http_streams_decode_with_valid_crcs(aws: Aws) -> None:
    url = aws.runtime_url()
    converse = signed_request(
        "POST",
        f"{url}/model/{HAIKU}/converse-stream",
        json.dumps({"messages": [user("Hello raw")]}),
        {"Content-Type": "application/json"},
    )
    frames = raw_frames(converse.content)
    assert converse.headers["Content-Type"] == "application/vnd.amazon.eventstream"
    first = frames[0]
    assert first.headers[":event-type"] == "messageStart"
    assert first.headers[":message-type"] == "event"
    assert first.headers[":content-type"] == "application/json"
    # Every payload carries Bedrock's padding field "p", a prefix of a-zA-Z0-9 (pydantic/pydantic-ai
    # tests/models/cassettes/test_bedrock/test_bedrock_model_stream.yaml, a real recording).
    start = json.loads(first.payload)
    assert ALPHABET.startswith(start.pop("p")) and start == {"role": "assistant"}
    assert all("p" in json.loads(f.payload) for f in frames)
    assert [f.headers[":event-type"] for f in frames[-2:]] == ["messageStop", "metadata"]

    invoke = signed_request(
        "POST",
        f"{url}/model/{HAIKU}/invoke-with-response-stream",
        anthropic_body("Hello raw"),
        {"Content-Type": "application/json"},
    )
    chunk_frames = raw_frames(invoke.content)
    assert invoke.headers["X-Amzn-Bedrock-Content-Type"] == "application/json"
    assert {f.headers[":event-type"] for f in chunk_frames} == {"chunk"}
    assert all(set(json.loads(f.payload)) == {"bytes", "p"} for f in chunk_frames)
    import base64

    last = json.loads(base64.b64decode(json.loads(chunk_frames[-1].payload)["bytes"]))
    assert last["type"] == "message_stop" and "amazon-bedrock-invocationMetrics" in last


@pytest.mark.parametrize(
    ("operation", "error", "extra"),
    [
        ("ConverseStream", "throttlingException", {}),
        ("ConverseStream", "internalServerException", {}),
        ("ConverseStream", "serviceUnavailableException", {}),
        (
            "ConverseStream",
            "validationException",
            {"message": "The model returned the following errors: Validation Error"},
        ),
        (
            "ConverseStream",
            "modelStreamErrorException",
            {"original_status_code": 429, "original_message": "overloaded"},
        ),
        ("InvokeModelWithResponseStream", "modelTimeoutException", {}),
        ("InvokeModelWithResponseStream", "throttlingException", {}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_mid_stream_errors_arrive_after_n_events(
    aws: Aws, runtime: Any, operation: str, error: str, extra: dict[str, Any]
) -> None:
    aws.controls().inject_stream_error(error=error, after_events=3, operation=operation, **extra)
    if operation == "ConverseStream":
        stream = runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"]
    else:
        stream = runtime.invoke_model_with_response_stream(
            modelId=HAIKU, body=anthropic_body("Hi")
        )["body"]
    seen = []
    with pytest.raises(EventStreamError) as excinfo:
        for event in stream:
            seen.append(event)
    assert len(seen) == 3
    details = excinfo.value.response["Error"]
    assert details["Code"] == error
    if error == "modelStreamErrorException":
        # botocore keeps only code and message; the raw test below checks the rest.
        assert details["Message"] == "Model produced invalid sequence as part of ToolUse."
    elif "message" in extra:
        assert details["Message"] == extra["message"]
    # The fault was used up: the next stream is whole.
    again = runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"]
    assert "metadata" in list(again)[-1]


def test_stream_error_config_is_checked(aws: Aws) -> None:
    controls = aws.controls()
    with pytest.raises(ConfigError, match="ConverseStream does not model modelTimeoutException"):
        controls.inject_stream_error(error="modelTimeoutException", operation="ConverseStream")
    with pytest.raises(ConfigError, match="error must be one of"):
        controls.inject_stream_error(error="boom")
    with pytest.raises(ConfigError, match=r"unknown keys \['afterEvents'\]"):
        controls.inject_stream_error(error="throttlingException", afterEvents=2)
    with pytest.raises(ConfigError, match="chunking must be one of"):
        controls.configure_streaming(chunking="syllable")


def test_errors_before_the_stream_are_plain_http_errors(runtime: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.converse_stream(modelId="acme.nothing-v1:0", messages=[user("Hi")])
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"].startswith(
        "ValidationException:"
    )
    with pytest.raises(ClientError) as excinfo:
        runtime.invoke_model_with_response_stream(
            modelId=EMBEDDING, body=json.dumps({"inputText": "x"})
        )
    assert excinfo.value.response["Error"]["Message"] == "The model is unsupported for streaming."


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"chunking": "word"}, ["Alpha", " beta", " gamma", " delta."]),
        ({"chunking": "word", "size": 2}, ["Alpha beta", " gamma delta."]),
        ({"chunking": "character", "size": 5}, ["Alpha", " beta", " gamm", "a del", "ta."]),
        ({"chunks": ["Alp", "ha beta", "X"]}, ["Alp", "ha beta", " gamma", " delta", "."]),
    ],
    ids=["word", "two-words", "five-chars", "explicit-then-tokens"],
)
def test_chunking_strategies(settings: dict[str, Any], expected: list[str]) -> None:
    from moto_bedrock.wire.streaming import StreamSettings

    pieces = StreamSettings(**settings).pieces("Alpha beta gamma delta.")
    assert pieces == expected
    assert "".join(pieces) == "Alpha beta gamma delta."


def test_configured_chunking_applies_to_streams(aws: Aws, runtime: Any) -> None:
    aws.controls().configure_streaming(chunking="word", size=3)
    events = list(runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"])
    deltas = [e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e]
    assert all(len(d.split()) <= 3 for d in deltas)
    assert len(deltas[0].split()) == 3
    whole = runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert "".join(deltas) == converse_text(whole)


def test_timing_without_sleeping_reports_consistent_latency(aws: Aws, runtime: Any) -> None:
    aws.controls().configure_streaming(
        time_to_first_token_ms=400, tokens_per_second=10, sleep=False
    )
    started = time.monotonic()
    whole = runtime.converse(
        modelId=HAIKU, messages=[user("Hi")], inferenceConfig={"maxTokens": 20}
    )
    events = list(
        runtime.converse_stream(
            modelId=HAIKU, messages=[user("Hi")], inferenceConfig={"maxTokens": 20}
        )["stream"]
    )
    native = runtime.invoke_model_with_response_stream(modelId=HAIKU, body=anthropic_body("Hi", 20))
    chunks = [json.loads(e["chunk"]["bytes"]) for e in native["body"]]
    assert time.monotonic() - started < 1.5  # 2 s would be spent if it slept

    assert whole["metrics"]["latencyMs"] == 400 + 20 * 100
    assert events[-1]["metadata"]["metrics"]["latencyMs"] == 400 + 20 * 100
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert metrics["firstByteLatency"] == 400
    assert metrics["invocationLatency"] == 400 + 20 * 100
    assert aws.controls().get_streaming()["tokens_per_second"] == 10


def test_exception_frames_carry_modeled_members(aws: Aws) -> None:
    aws.controls().inject_stream_error(
        error="modelStreamErrorException",
        after_events=2,
        original_status_code=503,
        original_message="upstream overloaded",
    )
    response = signed_request(
        "POST",
        f"{aws.runtime_url()}/model/{HAIKU}/converse-stream",
        json.dumps({"messages": [user("Hi")]}),
        {"Content-Type": "application/json"},
    )
    frames = raw_frames(response.content)
    assert response.status_code == 200
    assert [f.headers[":message-type"] for f in frames] == ["event", "event", "exception"]
    last = frames[-1]
    assert last.headers[":exception-type"] == "modelStreamErrorException"
    assert last.headers[":content-type"] == "application/json"
    assert json.loads(last.payload) == {
        "message": "Model produced invalid sequence as part of ToolUse.",
        "originalStatusCode": 503,
        "originalMessage": "upstream overloaded",
    }


def test_aiobotocore_parses_every_stream(aws: Aws) -> None:
    pytest.importorskip("aiobotocore", reason="aiobotocore is the [aio] extra (.ci/run has it)")
    import asyncio

    import aiobotocore.session

    async def run() -> tuple[list[Any], list[Any], dict[str, Any]]:
        session = aiobotocore.session.get_session()
        async with session.create_client(
            "bedrock-runtime",
            region_name="us-east-1",
            endpoint_url=aws.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ) as client:
            whole = await client.converse(modelId=HAIKU, messages=[user("Hi async")])
            converse = await client.converse_stream(modelId=HAIKU, messages=[user("Hi async")])
            events = [e async for e in converse["stream"]]
            native = await client.invoke_model_with_response_stream(
                modelId=HAIKU, body=anthropic_body("Hi async")
            )
            chunks = [json.loads(e["chunk"]["bytes"]) async for e in native["body"]]
            return events, chunks, whole

    events, chunks, whole = asyncio.run(run())
    assert stream_text(events) == converse_text(whole)
    assert events[-1]["metadata"]["usage"] == whole["usage"]
    assert chunks[-1]["type"] == "message_stop"


def test_in_process_and_server_send_the_same_bytes(server_url: str) -> None:
    import requests

    from moto_bedrock import mock_bedrock

    requests.post(f"{server_url}/moto-api/reset", timeout=5)  # earlier tests may leave settings
    body = json.dumps(
        {"messages": [user("Same bytes please")], "inferenceConfig": {"maxTokens": 9}}
    )
    path = f"/model/{HAIKU}/converse-stream"
    headers = {"Content-Type": "application/json"}
    with mock_bedrock():
        local = signed_request(
            "POST", f"https://bedrock-runtime.us-east-1.amazonaws.com{path}", body, headers
        )
    remote = signed_request("POST", f"{server_url}{path}", body, headers)
    assert local.status_code == remote.status_code == 200
    assert local.content == remote.content
    assert len(raw_frames(local.content)) == 1 + 9 + 3
