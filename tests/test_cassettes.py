"""Record and replay: calls forwarded to an upstream once, saved as readable fixtures, and
played back exactly, in-process and against a server.

The upstream is a second ``moto_bedrock_server`` (real Bedrock needs credentials and the
network, which tests never use); it is deterministic, so re-recording must give the same file.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from botocore.exceptions import ClientError

from moto_bedrock.behaviour.cassettes import (
    Interaction,
    decode_value,
    dump_interactions,
    encode_value,
    load_interactions,
)
from moto_bedrock.wire.streaming import ConfigError

from .conftest import HAIKU, Aws, free_port, user

NOVA = "amazon.nova-lite-v1:0"
WEATHER_TOOL = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "Weather for a city",
                "inputSchema": {
                    "json": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    }
                },
            }
        }
    ],
    "toolChoice": {"any": {}},
}


def _plain(response: dict[str, Any]) -> dict[str, Any]:
    """A parsed response without its per-call metadata, streams read into lists."""
    response = dict(response)
    response.pop("ResponseMetadata", None)
    for name in ("stream", "body"):
        value = response.get(name)
        if hasattr(value, "read"):
            response[name] = value.read()
        elif value is not None and not isinstance(value, bytes):
            response[name] = list(value)
    return response


def _suite(runtime: Any) -> list[tuple[str, Any]]:
    """One call of every recordable operation, a tool round trip and an error."""
    outcomes: list[tuple[str, Any]] = []
    messages = [user("What is the weather in Paris?")]
    first = runtime.converse(modelId=HAIKU, messages=messages, toolConfig=WEATHER_TOOL)
    outcomes.append(("converse-tool", _plain(first)))
    tool_use = next(b["toolUse"] for b in first["output"]["message"]["content"] if "toolUse" in b)
    messages += [
        first["output"]["message"],
        {
            "role": "user",
            "content": [
                {
                    "toolResult": {
                        "toolUseId": tool_use["toolUseId"],
                        "content": [{"json": {"forecast": "sunny, 21 C"}}],
                    }
                }
            ],
        },
    ]
    second = runtime.converse(
        modelId=HAIKU, messages=messages, toolConfig={"tools": WEATHER_TOOL["tools"]}
    )
    outcomes.append(("converse-answer", _plain(second)))
    stream = runtime.converse_stream(modelId=NOVA, messages=[user("Tell me about rivers")])
    outcomes.append(("converse-stream", _plain(stream)))
    body = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 40,
            "messages": [{"role": "user", "content": "Name a colour"}],
        }
    )
    invoked = runtime.invoke_model(modelId=HAIKU, body=body)
    outcomes.append(("invoke", _plain(invoked)))
    outcomes.append(
        (
            "invoke-headers",
            {
                k: v
                for k, v in invoked["ResponseMetadata"]["HTTPHeaders"].items()
                if k.startswith("x-amzn-bedrock-")
            },
        )
    )
    streamed = runtime.invoke_model_with_response_stream(modelId=HAIKU, body=body)
    outcomes.append(("invoke-stream", _plain(streamed)))
    counted = runtime.count_tokens(
        modelId=HAIKU, input={"converse": {"messages": [user("Count these words")]}}
    )
    outcomes.append(("count", _plain(counted)))
    with pytest.raises(ClientError) as refused:
        runtime.converse(modelId="anthropic.no-such-model", messages=[user("hi")])
    outcomes.append(("error", refused.value.response["Error"]))
    return outcomes


def test_a_recorded_suite_replays_exactly_with_the_upstream_gone(
    aws: Aws, upstream_url: str, tmp_path: Path
) -> None:
    runtime = aws.client("bedrock-runtime")
    controls = aws.controls()
    path = tmp_path / "suite.yaml"
    used = controls.use_cassette(
        path=str(path), mode="once", upstream={"endpoint_url": upstream_url}
    )
    assert used["recording"] is True
    recorded = _suite(runtime)
    assert controls.get_cassette()["recorded"] == 7
    controls.eject_cassette()

    # Replay only, with an upstream that does not exist: nothing may be forwarded.
    dead = f"http://127.0.0.1:{free_port()}"
    controls.use_cassette(path=str(path), mode="none", upstream={"endpoint_url": dead})
    assert _suite(runtime) == recorded
    assert controls.get_cassette()["recorded"] == 0
    sources = [call["source"] for call in controls.get_call_history()["calls"]]
    assert sources[-7:] == [f"cassette:suite.yaml#{i}" for i in range(7)]


def test_the_fixture_reads_as_a_conversation_and_holds_no_credentials(
    aws: Aws, upstream_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "readable.yaml"
    aws.controls().use_cassette(path=str(path), mode="all", upstream={"endpoint_url": upstream_url})
    runtime = aws.client("bedrock-runtime")
    runtime.converse(modelId=HAIKU, messages=[user("Describe the moon")])
    body = json.dumps({"inputText": "hello world"})
    runtime.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=body)
    text = path.read_text()
    document = yaml.safe_load(text)
    first, second = document["interactions"]
    assert first["operation"] == "Converse"
    assert first["request"]["messages"][0]["content"][0]["text"] == "Describe the moon"
    assert first["response"]["output"]["message"]["role"] == "assistant"
    assert second["request"]["body"] == {"$json": {"inputText": "hello world"}, "$form": "spaced"}
    assert "embedding" in second["response"]["body"]["$json"]
    for secret in (
        "Authorization",
        "AWS4-HMAC-SHA256",
        "Signature",
        "X-Amz-Security-Token",
        "testing",
    ):
        assert secret not in text


@pytest.mark.slow
def test_re_recording_an_unchanged_conversation_gives_an_empty_diff(
    aws: Aws, upstream_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "stable.yaml"
    texts = []
    for _ in range(2):
        # A fresh upstream, as in a new test run: its ids are reproducible from a reset.
        requests.post(f"{upstream_url}/moto-api/reset", timeout=5).raise_for_status()
        aws.controls().use_cassette(
            path=str(path), mode="all", upstream={"endpoint_url": upstream_url}
        )
        _suite(aws.client("bedrock-runtime"))
        texts.append(path.read_text())
    assert texts[0] == texts[1]


def test_a_miss_in_replay_names_the_nearest_fixture_and_the_field(
    aws: Aws, upstream_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "miss.yaml"
    controls = aws.controls()
    controls.use_cassette(path=str(path), mode="once", upstream={"endpoint_url": upstream_url})
    runtime = aws.client("bedrock-runtime")
    runtime.converse(modelId=HAIKU, messages=[user("Hello there")])
    controls.use_cassette(path=str(path), mode="none")
    with pytest.raises(ClientError) as missed:
        runtime.converse(modelId=HAIKU, messages=[user("Hello here")])
    error = missed.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "moto-bedrock cassette miss.yaml (mode none) has no recorded Converse call that "
        "matches this request; the nearest is interactions[0], which differs at "
        'messages[0].content[0].text: recorded "Hello there", sent "Hello here".'
    )
    history = controls.get_call_history()["calls"][-1]
    assert history["injected"] == "cassette"


def test_ignored_paths_do_not_take_part_in_matching(
    aws: Aws, upstream_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "ignore.yaml"
    controls = aws.controls()
    controls.use_cassette(path=str(path), mode="once", upstream={"endpoint_url": upstream_url})
    runtime = aws.client("bedrock-runtime")
    recorded = runtime.converse(
        modelId=HAIKU, messages=[user("Hi")], inferenceConfig={"temperature": 0.1}
    )
    controls.use_cassette(path=str(path), mode="none", ignore=["inferenceConfig.temperature"])
    replayed = runtime.converse(
        modelId=HAIKU, messages=[user("Hi")], inferenceConfig={"temperature": 0.9}
    )
    assert _plain(replayed) == _plain(recorded)


def test_new_episodes_replays_what_matches_and_records_the_rest(
    aws: Aws, upstream_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "episodes.yaml"
    controls = aws.controls()
    upstream = {"endpoint_url": upstream_url}
    controls.use_cassette(path=str(path), mode="once", upstream=upstream)
    runtime = aws.client("bedrock-runtime")
    runtime.converse(modelId=HAIKU, messages=[user("one")])
    controls.use_cassette(path=str(path), mode="new_episodes", upstream=upstream)
    runtime.converse(modelId=HAIKU, messages=[user("one")])
    runtime.converse(modelId=HAIKU, messages=[user("two")])
    state = controls.get_cassette()
    assert (state["interactions"], state["recorded"]) == (2, 1)
    texts = [
        i["request"]["messages"][0]["content"][0]["text"]
        for i in yaml.safe_load(path.read_text())["interactions"]
    ]
    assert texts == ["one", "two"]


def test_redacted_patterns_never_reach_the_file_and_still_match(
    aws: Aws, upstream_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "redact.yaml"
    controls = aws.controls()
    redact = [r"\b\d{12}\b", "Project Falcon"]
    controls.use_cassette(
        path=str(path), mode="once", upstream={"endpoint_url": upstream_url}, redact=redact
    )
    runtime = aws.client("bedrock-runtime")
    prompt = "Account 123456789012 runs Project Falcon"
    recorded = runtime.converse(modelId=HAIKU, messages=[user(prompt)])
    text = path.read_text()
    assert "123456789012" not in text and "Project Falcon" not in text
    assert "Account <redacted> runs <redacted>" in text
    controls.use_cassette(path=str(path), mode="none", redact=redact)
    replayed = runtime.converse(modelId=HAIKU, messages=[user(prompt)])
    assert replayed["usage"] == recorded["usage"]


def test_recording_from_an_upstream_that_is_not_there_fails_fast_and_clearly(
    aws: Aws, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    aws.controls().use_cassette(
        path=str(tmp_path / "dead.yaml"), mode="once", upstream={"endpoint_url": dead, "timeout": 5}
    )
    began = time.monotonic()
    with pytest.raises(ClientError) as refused:
        aws.client("bedrock-runtime").converse(modelId=HAIKU, messages=[user("hi")])
    assert time.monotonic() - began < 10
    error = refused.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith(
        f"moto-bedrock cassette dead.yaml could not record Converse: the upstream {dead} did "
        "not answer ("
    )


def test_a_recorded_error_replays_with_its_code_and_text(aws: Aws, tmp_path: Path) -> None:
    path = tmp_path / "throttled.yaml"
    dump_interactions(
        path,
        [
            Interaction(
                "Converse",
                {"modelId": HAIKU, "messages": [user("hi")]},
                error={"code": "ThrottlingException", "status": 429, "message": "Slow down."},
            )
        ],
    )
    aws.controls().use_cassette(path=str(path))
    with pytest.raises(ClientError) as refused:
        aws.client("bedrock-runtime").converse(modelId=HAIKU, messages=[user("hi")])
    assert refused.value.response["Error"] == {
        "Code": "ThrottlingException",
        "Message": "Slow down.",
    }
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"path": "x.txt"}, "path must end in .yaml, .yml or .json; got 'x.txt'"),
        (
            {"path": "x.yaml", "mode": "sometimes"},
            "mode must be one of none, once, new_episodes, all; got 'sometimes'",
        ),
        (
            {"path": "x.yaml", "upstream": {"url": "x"}},
            "upstream takes only endpoint_url, region, profile, timeout",
        ),
        (
            {"path": "x.yaml", "upstream": {"endpoint_url": "file:///etc"}},
            "upstream.endpoint_url must be an http(s) URL",
        ),
        (
            {"path": "x.yaml", "redact": ["("]},
            "redact: bad pattern '(' (missing ), unterminated subpattern at position 0)",
        ),
        ({"path": "x.yaml", "ignore": [1]}, "ignore must be a list of non-empty strings"),
    ],
)
def test_bad_cassette_settings_are_refused_with_their_reason(
    aws: Aws, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match="^" + re.escape(message) + "$"):
        aws.controls().use_cassette(**arguments)


def test_a_file_that_is_not_a_cassette_is_refused_naming_it(aws: Aws, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("interactions: []\n")
    with pytest.raises(ConfigError, match="not a cassette"):
        aws.controls().use_cassette(path=str(path))


def test_bytes_are_written_readably_and_read_back_the_same() -> None:
    value = {
        "compact": b'{"a":"\xc3\xa9"}',
        "spaced": b'{"a": 1, "b": "\\u00e9"}',
        "odd": b'{ "a" :1}',
        "image": b"\x89PNG\x00",
        "n": [1, "x"],
    }
    encoded = encode_value(value)
    assert encoded == {
        "compact": {"$json": {"a": "\u00e9"}},
        "spaced": {"$json": {"a": 1, "b": "\u00e9"}, "$form": "spaced-ascii"},
        "odd": {"$text": '{ "a" :1}'},
        "image": {"$base64": "iVBORwA="},
        "n": [1, "x"],
    }
    assert decode_value(encoded) == value


def test_a_cassette_file_round_trips_in_json_too(tmp_path: Path) -> None:
    interactions = [
        Interaction("CountTokens", {"modelId": HAIKU}, response={"inputTokens": 3}),
        Interaction(
            "ConverseStream", {"modelId": HAIKU}, events=[{"messageStart": {"role": "assistant"}}]
        ),
    ]
    for name in ("c.json", "c.yaml"):
        dump_interactions(tmp_path / name, interactions)
        assert load_interactions(tmp_path / name) == interactions


def test_aiobotocore_gets_the_same_replay_as_boto3(
    aws: Aws, upstream_url: str, tmp_path: Path
) -> None:
    import asyncio

    pytest.importorskip("aiobotocore", reason="aiobotocore is the [aio] extra (.ci/run has it)")
    from .test_sdk_errors import aio_client

    path = tmp_path / "aio.yaml"
    controls = aws.controls()
    controls.use_cassette(path=str(path), mode="once", upstream={"endpoint_url": upstream_url})
    runtime = aws.client("bedrock-runtime")
    recorded = _plain(runtime.converse_stream(modelId=NOVA, messages=[user("Tides")]))
    controls.use_cassette(path=str(path), mode="none")

    async def replay() -> dict[str, Any]:
        async with aio_client(aws, "bedrock-runtime") as client:
            response = await client.converse_stream(modelId=NOVA, messages=[user("Tides")])
            events = [event async for event in response["stream"]]
            return {"stream": events}

    assert asyncio.run(replay()) == recorded
