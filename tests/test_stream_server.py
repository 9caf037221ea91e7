"""Streaming against a real server: incremental delivery, disconnects, concurrency."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.eventstream import EventStreamBuffer
from moto.server import ThreadedMotoServer

from moto_bedrock.behaviour.control import BedrockControl, RemoteControl
from tests.conftest import HAIKU, REGION, free_port, user


def client(url: str) -> Any:
    return boto3.client(
        "bedrock-runtime",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def signed(url: str, body: bytes) -> AWSRequest:
    request = AWSRequest(
        method="POST", url=url, data=body, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(Credentials("testing", "testing"), "bedrock", REGION).add_auth(request)
    return request


def test_events_reach_the_client_as_they_are_produced(server_url: str) -> None:
    RemoteControl(server_url).configure_streaming(time_to_first_token_ms=100, tokens_per_second=40)
    try:
        url = f"{server_url}/model/{HAIKU}/converse-stream"
        body = json.dumps({"messages": [user("Tell me a long story")]}).encode()
        prepared = signed(url, body).prepare()
        started = time.monotonic()
        response = requests.post(
            url, data=body, headers=dict(prepared.headers), stream=True, timeout=30
        )
        assert response.headers.get("Transfer-Encoding") == "chunked"
        buffer = EventStreamBuffer()
        arrivals: list[tuple[float, str]] = []
        for data in response.raw.stream(64, decode_content=False):
            buffer.add_data(data)
            for frame in buffer:
                arrivals.append((time.monotonic() - started, frame.headers[":event-type"]))
    finally:
        requests.post(f"{server_url}/moto-api/reset", timeout=5)

    names = [name for _, name in arrivals]
    assert names[0] == "messageStart" and names[-1] == "metadata"
    first_delta = next(t for t, name in arrivals if name == "contentBlockDelta")
    last = arrivals[-1][0]
    deltas = names.count("contentBlockDelta")
    # ~deltas/40 s of pacing: the first delta must land long before the stream ends.
    assert deltas >= 20
    assert last - first_delta > (deltas - 1) / 40 * 0.7
    assert first_delta < last / 3


def test_a_client_that_hangs_up_mid_stream_does_not_hurt_the_server() -> None:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        requests.get(f"{url}/moto-api/data.json", timeout=5)
        time.sleep(0.3)  # let the thread that served that request finish
        baseline = threading.active_count()
        BedrockControl().configure_streaming(tokens_per_second=20)  # the server shares our backends
        body = json.dumps({"messages": [user("Tell me a long story")]}).encode()
        prepared = signed(f"{url}/model/{HAIKU}/converse-stream", body).prepare()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            head = [f"POST /model/{HAIKU}/converse-stream HTTP/1.1", f"Host: 127.0.0.1:{port}"]
            head += [f"{k}: {v}" for k, v in prepared.headers.items() if k.lower() != "host"]
            head += [f"Content-Length: {len(body)}", "", ""]
            sock.sendall("\r\n".join(head).encode() + body)
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        # The handler thread notices the closed socket at its next write and ends.
        deadline = time.monotonic() + 10
        while threading.active_count() > baseline and time.monotonic() < deadline:
            time.sleep(0.05)
        assert threading.active_count() <= baseline
        BedrockControl().configure_streaming()
        response = client(url).converse_stream(modelId=HAIKU, messages=[user("Still there?")])
        assert "metadata" in list(response["stream"])[-1]
    finally:
        requests.post(f"{url}/moto-api/reset", timeout=5)
        server.stop()


def test_32_concurrent_streams_all_complete_correctly(server_url: str) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=5)
    prompts = [f"Question number {i} about topic {i * 7}" for i in range(32)]
    expected = {
        p: client(server_url).converse(modelId=HAIKU, messages=[user(p)])["output"]["message"][
            "content"
        ][0]["text"]
        for p in prompts
    }
    barrier = threading.Barrier(32)

    def stream(prompt: str) -> tuple[str, str, dict[str, Any]]:
        local = client(server_url)
        barrier.wait(timeout=30)
        events = list(local.converse_stream(modelId=HAIKU, messages=[user(prompt)])["stream"])
        text = "".join(
            e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e
        )
        return prompt, text, events[-1]

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(stream, prompts))
    assert len(results) == 32
    for prompt, text, last in results:
        assert text == expected[prompt]
        assert "metadata" in last
