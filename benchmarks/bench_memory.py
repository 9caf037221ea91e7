"""Server memory after many calls with large bodies: the call history's byte budget at work.

    python benchmarks/bench_memory.py [--calls 10000] [--body-bytes 1000000] [--threads 4]

Starts ``python -m moto_bedrock`` on a free loopback port, then sends ``--calls`` Converse
calls, each carrying about ``--body-bytes`` of content: alternately a PNG image of that size
(kept in the history as size and sha256) and a prompt of that many characters that the
conversation rules refuse (refused calls are recorded too). Prints the server's resident
memory (VmRSS) at start, every 1,000 calls and at the end, and the history's record count.
The documented budget (docs/security.md) is what this prints on a 2-core CI machine.
Linux only (reads /proc). Not a test.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moto_bedrock.pytest_plugin import BedrockServer
from tests.conftest import signed_request

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
PNG_HEADER = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def bodies(size: int) -> list[bytes]:
    image = PNG_HEADER + os.urandom(max(size - len(PNG_HEADER), 0))
    with_image = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"text": "Describe it."},
                    {
                        "image": {
                            "format": "png",
                            "source": {"bytes": base64.b64encode(image).decode()},
                        }
                    },
                ],
            }
        ]
    }
    # Two user turns in a row: refused by a conversation rule, recorded all the same.
    refused = {
        "messages": [
            {"role": "user", "content": [{"text": "Hi"}]},
            {"role": "user", "content": [{"text": "x" * size}]},
        ]
    }
    return [json.dumps(with_image).encode(), json.dumps(refused).encode()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--body-bytes", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    server = BedrockServer().start()
    assert server.process is not None
    pid = server.process.pid
    url = server.endpoint_url
    payloads = bodies(args.body_bytes)
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    try:
        print(f"start: RSS {rss_mb(pid):.0f} MB")
        began = time.monotonic()

        def call(index: int) -> None:
            response = signed_request(
                "POST",
                f"{url}/model/{MODEL}/converse",
                payloads[index % 2],
                {"Content-Type": "application/json"},
            )
            with lock:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if (index + 1) % 1000 == 0:
                print(f"{index + 1} calls: RSS {rss_mb(pid):.0f} MB", flush=True)

        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(call, range(args.calls)))
        seconds = time.monotonic() - began
        history = requests.post(
            f"{url}/moto-api/bedrock/get_call_history",
            json={"limit": 1},
            timeout=60,
        ).json()["calls"]
        print(
            f"end: {args.calls} calls of ~{args.body_bytes} bytes in {seconds:.0f} s; "
            f"statuses {dict(sorted(statuses.items()))}; RSS {rss_mb(pid):.0f} MB; "
            f"last sequence {history[-1]['sequence'] if history else None}"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
