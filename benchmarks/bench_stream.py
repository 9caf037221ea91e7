"""Per-event cost of a 1,000-delta ConverseStream, in-process and over a loopback server.

    python benchmarks/bench_stream.py [--runs N]

The floor is botocore alone decoding and parsing the very same bytes (EventStreamBuffer and
the rest-json event parser), i.e. what any client pays whatever produced the stream. The
server is a ThreadedMotoServer in this process, so the benchmark can install a responder
that makes the 1,000-token reply. Prints medians and ratios. Not a test.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
import botocore.session
import requests
from botocore.eventstream import EventStream
from botocore.parsers import EventStreamJSONParser

from moto_bedrock import mock_bedrock
from moto_bedrock.bedrockruntime.models import bedrockruntime_backends
from moto_bedrock.generation.responders import Invocation, Reply

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Stream a long answer."}]}]
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
DELTAS = 1000
# 1,000 one-token words: the default token chunking sends one delta per word.
LONG_REPLY = " ".join(["word"] * DELTAS)


def long_reply(invocation: Invocation) -> Reply:
    return Reply(content=[{"text": LONG_REPLY}])


def use_long_replies() -> None:
    bedrockruntime_backends["123456789012"]["us-east-1"].responder = long_reply


def median_seconds(run: Callable[[], int], runs: int) -> tuple[float, int]:
    run()  # warm up
    samples, events = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        events = run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), events


def stream_events(client: Any) -> int:
    response = client.converse_stream(
        modelId=MODEL, messages=MESSAGES, inferenceConfig={"maxTokens": 4096}
    )
    return sum(1 for _ in response["stream"])


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self) -> Any:
        yield self.data

    def close(self) -> None:
        return None


def decode_only(data: bytes) -> Callable[[], int]:
    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    output_shape = model.operation_model("ConverseStream").output_shape.members["stream"]
    parser = EventStreamJSONParser()

    def run() -> int:
        return sum(1 for _ in EventStream(_Raw(data), output_shape, parser, "ConverseStream"))

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with mock_bedrock():
        use_long_replies()
        client = boto3.client("bedrock-runtime", region_name="us-east-1", **CREDENTIALS)
        in_process, events = median_seconds(lambda: stream_events(client), args.runs)
        # The very bytes a client receives, fetched as plain HTTP (intercepted in-process).
        data = requests.post(
            f"https://bedrock-runtime.us-east-1.amazonaws.com/model/{MODEL}/converse-stream",
            json={"messages": MESSAGES, "inferenceConfig": {"maxTokens": 4096}},
            timeout=30,
        ).content
    floor, floor_events = median_seconds(decode_only(data), args.runs)

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        use_long_replies()
        remote = boto3.client(
            "bedrock-runtime",
            region_name="us-east-1",
            endpoint_url=f"http://{host}:{port}",
            **CREDENTIALS,
        )
        over_http, _ = median_seconds(lambda: stream_events(remote), args.runs)
    finally:
        server.stop()

    assert events == floor_events, (events, floor_events)
    print(f"ConverseStream with {events} events ({DELTAS} deltas), median of {args.runs} runs")
    print(f"{'':34} {'us/event':>9} {'x floor':>8}")
    for name, seconds in (
        ("botocore decode+parse only (floor)", floor),
        ("mock_bedrock in-process", in_process),
        ("ThreadedMotoServer loopback", over_http),
    ):
        print(f"{name:34} {seconds / events * 1e6:9.1f} {seconds / floor:8.2f}")
    print(f"in-process / floor = {in_process / floor:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
