"""Property tests: a stream always reassembles into exactly the non-streaming reply."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moto_bedrock import mock_bedrock
from moto_bedrock.generation.inference import InferenceResult
from moto_bedrock.wire.streaming import StreamSettings, converse_stream_events
from tests.conftest import HAIKU, REGION

# The README's suite skips these (property runs take tens of seconds); .ci/run runs them after it.
pytestmark = pytest.mark.slow

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
blocks = st.one_of(
    st.builds(lambda t: {"text": t}, st.text(max_size=200)),
    st.builds(
        lambda name, data: {"toolUse": {"toolUseId": "tooluse_abc", "name": name, "input": data}},
        st.from_regex(r"[a-z_]{1,20}", fullmatch=True),
        st.dictionaries(st.text(max_size=10), json_values, max_size=4),
    ),
    st.builds(
        lambda t: {"reasoningContent": {"reasoningText": {"text": t, "signature": "sig"}}},
        st.text(max_size=100),
    ),
)
chunkings = st.builds(
    StreamSettings,
    chunking=st.sampled_from(["token", "word", "character"]),
    size=st.integers(1, 5),
)


@given(content=st.lists(blocks, min_size=1, max_size=4), stream_settings=chunkings)
def test_events_reassemble_every_block(
    content: list[dict[str, Any]], stream_settings: StreamSettings
) -> None:
    usage = {"inputTokens": 3, "outputTokens": 5, "totalTokens": 8}
    result = InferenceResult(content, "end_turn", usage, 100, 50)
    events = converse_stream_events(result, None, stream_settings)

    assert next(iter(events[0])) == "messageStart"
    assert [next(iter(e)) for e in events[-2:]] == ["messageStop", "metadata"]
    for event in events:
        assert len(event) == 1
        body = next(iter(event.values()))
        for union in ("delta", "start"):
            if union in body:
                assert len(body[union]) == 1  # never an empty or ambiguous union
    for index, block in enumerate(content):
        mine = [e for e in events if next(iter(e.values())).get("contentBlockIndex") == index]
        assert next(iter(mine[-1])) == "contentBlockStop"
        deltas = [e["contentBlockDelta"]["delta"] for e in mine if "contentBlockDelta" in e]
        if "text" in block:
            assert "contentBlockStart" not in mine[0]
            assert "".join(d["text"] for d in deltas) == block["text"]
        elif "toolUse" in block:
            assert (
                mine[0]["contentBlockStart"]["start"]["toolUse"]["name"] == block["toolUse"]["name"]
            )
            fragments = [d["toolUse"]["input"] for d in deltas]
            assert fragments[0] == ""
            assert json.loads("".join(fragments)) == block["toolUse"]["input"]
        else:
            texts = [d["reasoningContent"].get("text", "") for d in deltas[:-1]]
            assert "".join(texts) == block["reasoningContent"]["reasoningText"]["text"]
            assert deltas[-1] == {"reasoningContent": {"signature": "sig"}}


words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=80
)


@pytest.fixture(scope="module")
def mocked_client() -> Iterator[Any]:
    # One mock for all examples: starting a mock per example would dominate the run.
    with mock_bedrock():
        yield boto3.client("bedrock-runtime", region_name=REGION)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    prompt=words.filter(lambda s: s.strip() != ""),
    max_tokens=st.one_of(st.none(), st.integers(1, 120)),
    stop=st.lists(st.text(min_size=1, max_size=4).filter(str.strip), max_size=2),
    with_tools=st.booleans(),
)
def test_converse_stream_equals_converse_for_any_request(
    mocked_client: Any, prompt: str, max_tokens: int | None, stop: list[str], with_tools: bool
) -> None:
    request: dict[str, Any] = {"messages": [{"role": "user", "content": [{"text": prompt}]}]}
    config: dict[str, Any] = {"stopSequences": stop}
    if max_tokens:
        config["maxTokens"] = max_tokens
    request["inferenceConfig"] = config
    if with_tools:
        spec = {
            "name": "lookup",
            "description": "Look it up",
            "inputSchema": {"json": {"type": "object"}},
        }
        request["toolConfig"] = {"tools": [{"toolSpec": spec}]}
    whole = mocked_client.converse(modelId=HAIKU, **request)
    events = list(mocked_client.converse_stream(modelId=HAIKU, **request)["stream"])
    text = "".join(
        e["contentBlockDelta"]["delta"].get("text", "") for e in events if "contentBlockDelta" in e
    )
    assert text == whole["output"]["message"]["content"][0]["text"]
    assert events[-2]["messageStop"]["stopReason"] == whole["stopReason"]
    assert events[-1]["metadata"]["usage"] == whole["usage"]
