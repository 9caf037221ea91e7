"""The hostile-input suite's bounded runs (issue 11): a seeded fuzz run against a server of
its own (runtime, control plane and control API) that fails on any 5xx, any answer slower
than 2 s, or resident memory growing past a stated budget; and a load test of 256
concurrent streams and 200 concurrent Converse calls.

``HARDENING_SEED`` picks the fuzz seed (printed with the counts in the summary);
``HARDENING_REQUESTS`` how many requests it sends.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from moto_bedrock.behaviour.control import OPERATIONS
from tests.conftest import HAIKU, Aws, signed_request, start_server, user

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("HARDENING_SEED", "1111"))
REQUESTS = int(os.environ.get("HARDENING_REQUESTS", "400"))
HANG_SECONDS = 2.0
#: Resident memory the fuzz run may add to the server (its history budget is 64 MiB).
RSS_BUDGET_MB = 150
LONG_WRITER = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"

HUGE = [10**30, 2**63, -(2**63), 1e308, float("1e300"), -1, 0, 2**31, "9" * 400, True, None]
SCHEMA_BOMBS = [
    {"type": "string", "minLength": 10**8},
    {"type": "array", "minItems": 10**7},
    {"type": "object", "minProperties": 10**6},
    {"type": "string", "pattern": "^a{10000000}$"},
    {"type": "string", "pattern": "^a{30}!$", "not": {"pattern": "^(a|aa)+$"}},
]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _converse_body(rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {"messages": [user(rng.choice(["Hi", "a" * 60 + "!", "x" * 5000]))]}
    kind = rng.randrange(6)
    if kind == 0:
        schema = rng.choice(SCHEMA_BOMBS)
        definition = {"schema": json.dumps(schema), "name": "answer"}
        body["outputConfig"] = {
            "textFormat": {"type": "json_schema", "structure": {"jsonSchema": definition}}
        }
    elif kind == 1:
        body["inferenceConfig"] = {"maxTokens": rng.choice(HUGE)}
    elif kind == 2:
        body["toolConfig"] = {
            "tools": [
                {"toolSpec": {"name": "t", "inputSchema": {"json": rng.choice(SCHEMA_BOMBS)}}}
            ],
            "toolChoice": {"tool": {"name": "t"}},
        }
    elif kind == 3:
        body["messages"][0]["content"].append(
            {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo" * rng.choice([1, 999])}}}
        )
    return body


def _control_call(rng: random.Random) -> tuple[str, dict[str, Any]]:
    operation = rng.choice(OPERATIONS)
    names = ["cap", "max_bytes", "seconds", "count", "probability", "requests_per_minute"]
    names += ["tokens_per_second", "size", "after_events", "limit", "since", "now", "timeout"]
    kwargs = {rng.choice(names): rng.choice(HUGE) for _ in range(rng.randrange(3))}
    if operation in ("use_llm", "load_config") and rng.random() < 0.5:
        kwargs = {"url": "http://169.254.169.254/latest/meta-data", "model": "m"}
        if operation == "load_config":
            kwargs = {"config": {"replies": {"llm": kwargs}, "history": {"cap": 2**63}}}
    if operation == "add_rule" and rng.random() < 0.5:
        kwargs = {"user_regex": rng.choice(["^(a+)+$", "^(a|aa)+$", "a{99999999}"])}
        kwargs["reply"] = {"text": "x"}
    return operation, kwargs


def test_a_seeded_fuzz_run_finds_no_5xx_no_hang_and_bounded_memory(
    record_property: Any,
) -> None:
    rng = random.Random(SEED)
    server = start_server()
    assert server.process is not None
    url = server.endpoint_url
    counts: Counter[str] = Counter()
    slow: list[str] = []
    failures: list[str] = []
    try:
        # Warm up, so start-up allocations do not count as growth.
        signed_request("POST", f"{url}/model/{HAIKU}/converse", json.dumps(_converse_body(rng)))
        before = _rss_mb(server.process.pid)
        for index in range(REQUESTS):
            door = rng.randrange(4)
            began = time.monotonic()
            if door == 0:
                operation, kwargs = _control_call(rng)
                label = f"control {operation} {str(kwargs)[:80]}"
                response = requests.post(
                    f"{url}/moto-api/bedrock/{operation}", json=kwargs, timeout=30
                )
            elif door == 1:
                label = "control plane"
                path = rng.choice(["/foundation-models", f"/foundation-models/{HAIKU}", "/x"])
                response = signed_request("GET", url + path)
            else:
                stream = rng.random() < 0.3
                label = "ConverseStream" if stream else "Converse"
                suffix = "converse-stream" if stream else "converse"
                response = signed_request(
                    "POST",
                    f"{url}/model/{HAIKU}/{suffix}",
                    json.dumps(_converse_body(rng)),
                    {"Content-Type": "application/json"},
                )
            seconds = time.monotonic() - began
            counts[f"{response.status_code // 100}xx"] += 1
            if response.status_code >= 500:
                failures.append(f"#{index} {label}: {response.status_code} {response.text[:200]}")
            if seconds > HANG_SECONDS:
                slow.append(f"#{index} {label}: {seconds:.1f} s")
        growth = _rss_mb(server.process.pid) - before
    finally:
        server.stop()
    summary = f"seed={SEED} requests={REQUESTS} {dict(sorted(counts.items()))} rss+{growth:.0f}MB"
    record_property("fuzz_summary", summary)
    print(summary)
    assert not failures, failures
    assert not slow, slow
    assert growth < RSS_BUDGET_MB, summary


def _stream_in_order(events: list[dict[str, Any]]) -> bool:
    names = [next(iter(event)) for event in events]
    if names[0] != "messageStart" or names[-2:] != ["messageStop", "metadata"]:
        return False
    middle = names[1:-2]
    return bool(middle) and all(name.startswith("contentBlock") for name in middle)


def test_256_concurrent_streams_and_200_concurrent_converse_calls(aws: Aws) -> None:
    if aws.mode != "server":
        pytest.skip("concurrency is a server matter")
    client = aws.client("bedrock-runtime", max_pool_connections=256)
    texts = {}
    for index in range(4):
        reply = client.converse(modelId=HAIKU, messages=[user(f"Question {index}")])
        texts[index] = reply["output"]["message"]["content"][0]["text"]

    def stream(index: int) -> tuple[int, list[dict[str, Any]]]:
        response = client.converse_stream(modelId=HAIKU, messages=[user(f"Question {index % 4}")])
        return index, list(response["stream"])

    def converse(index: int) -> str:
        reply = client.converse(modelId=HAIKU, messages=[user(f"Question {index % 4}")])
        return str(reply["output"]["message"]["content"][0]["text"])

    with ThreadPoolExecutor(256) as pool:
        streams = list(pool.map(stream, range(256)))
        answers = list(pool.map(converse, range(200)))
    for index, events in streams:
        assert _stream_in_order(events), index
        text = "".join(
            e["contentBlockDelta"]["delta"].get("text", "")
            for e in events
            if "contentBlockDelta" in e
        )
        assert text == texts[index % 4]
    assert answers == [texts[i % 4] for i in range(200)]


def test_a_stalled_reader_is_dropped_after_the_write_timeout() -> None:
    import socket

    server = start_server("--stream-write-timeout", "1")
    url = server.endpoint_url
    try:
        control = f"{url}/moto-api/bedrock"
        # A reply far larger than the socket buffers, so writing it must block.
        requests.post(
            f"{control}/set_reply", json={"reply": {"text": "word " * 60_000}}, timeout=30
        ).raise_for_status()
        requests.post(
            f"{control}/configure_streaming", json={"chunking": "word"}, timeout=5
        ).raise_for_status()
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        # ~60,000 events (8 MB of frames) need a model that may write 60,000 tokens.
        body = json.dumps(
            {"messages": [user("Hi")], "inferenceConfig": {"maxTokens": 60_000}}
        ).encode()
        request = AWSRequest(
            method="POST",
            url=f"{url}/model/{LONG_WRITER}/converse-stream",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        SigV4Auth(Credentials("testing", "testing"), "bedrock", "us-east-1").add_auth(request)
        host, port = url.split("//")[1].split(":")
        sock = socket.create_connection((host, int(port)), timeout=60)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        head = f"POST /model/{LONG_WRITER}/converse-stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in request.headers.items())
        head += f"Content-Length: {len(body)}\r\n\r\n"
        sock.sendall(head.encode() + body)
        sock.recv(100)  # then read no more
        deadline = time.monotonic() + 60
        calls: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            calls = requests.post(f"{control}/get_call_history", json={}, timeout=5).json()["calls"]
            if calls and calls[-1]["abandoned"]:
                break
            time.sleep(0.2)
        sock.close()
        assert calls and calls[-1]["abandoned"] is True
        # The server still answers.
        assert requests.post(f"{control}/get_clock", json={}, timeout=5).status_code == 200
    finally:
        server.stop()
