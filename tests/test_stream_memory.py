"""InvokeModelWithResponseStream makes its chunks as they are written: the memory a stream
holds does not grow with its length (issue 11)."""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID

from moto_bedrock import mock_bedrock
from moto_bedrock.bedrockruntime.models import bedrockruntime_backends
from moto_bedrock.behaviour.control import BedrockControl
from tests.conftest import HAIKU, REGION

BODY = json.dumps(
    {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 4096,
        "messages": [{"role": "user", "content": "Say it all."}],
    }
).encode()


def _peak_while(work: Any) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_a_long_native_stream_is_made_as_it_is_written() -> None:
    with mock_bedrock():
        controls = BedrockControl(region=REGION)
        controls.set_reply(reply={"text": "stream " * 2000})  # 14,000 characters
        controls.configure_streaming(chunking="character", size=1)
        backend = bedrockruntime_backends[DEFAULT_ACCOUNT_ID][REGION]

        def drain() -> int:
            plan = backend.invoke_model_with_response_stream(HAIKU, BODY)
            return sum(len(event["chunk"]["bytes"]) for event in plan.events)

        def hold() -> list[Any]:
            plan = backend.invoke_model_with_response_stream(HAIKU, BODY)
            return list(plan.events)

        written, lazy_peak = _peak_while(drain)
        held, whole_peak = _peak_while(hold)
    assert len(held) > 14_000  # one chunk a character, plus the opening and closing ones
    assert written == sum(len(event["chunk"]["bytes"]) for event in held)
    last = json.loads(held[-1]["chunk"]["bytes"])
    assert last["type"] == "message_stop" and "amazon-bedrock-invocationMetrics" in last
    # Written one at a time, the stream never holds more than a fraction of itself.
    assert lazy_peak < whole_peak / 3, (lazy_peak, whole_peak)
