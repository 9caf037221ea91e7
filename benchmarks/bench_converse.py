"""Per-call cost of one Converse call, four ways, in one run.

    python benchmarks/bench_converse.py [--calls N] [--rounds R]

1. ``mock_bedrock`` in-process;
2. ``moto_bedrock_server`` over loopback;
3. botocore's ``Stubber`` returning the same response (the floor: client-side work only);
4. moto's own ``invoke_model`` stub under ``mock_aws`` (the host's baseline), measured in a
   child process that never imports moto_bedrock, since importing it replaces that stub.

Prints the median per-call time of each and the ratios; the baseline and in-process runs
alternate over R rounds. Not a test: figures vary by machine.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Summarize the water cycle in two lines."}]}]
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def per_call_median(call: Callable[[], Any], calls: int) -> float:
    for _ in range(max(10, calls // 10)):
        call()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def moto_baseline(calls: int) -> float:
    """moto's own InvokeModel stub, without moto_bedrock (run in a child process)."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("bedrock-runtime", region_name="us-east-1", **CREDENTIALS)
        body = json.dumps({"messages": MESSAGES, "max_tokens": 100})
        return per_call_median(lambda: client.invoke_model(modelId=MODEL, body=body), calls)


def in_process(calls: int) -> float:
    import boto3

    from moto_bedrock import mock_bedrock

    with mock_bedrock():
        client = boto3.client("bedrock-runtime", region_name="us-east-1", **CREDENTIALS)
        return per_call_median(lambda: client.converse(modelId=MODEL, messages=MESSAGES), calls)


def stubber_floor(calls: int) -> float:
    import boto3
    from botocore.stub import Stubber

    from moto_bedrock import mock_bedrock

    with mock_bedrock():
        real = boto3.client("bedrock-runtime", region_name="us-east-1", **CREDENTIALS)
        response = real.converse(modelId=MODEL, messages=MESSAGES)
    response.pop("ResponseMetadata")
    client = boto3.client("bedrock-runtime", region_name="us-east-1", **CREDENTIALS)
    stubber = Stubber(client)
    stubber.activate()

    def call() -> None:
        stubber.add_response("converse", response)
        client.converse(modelId=MODEL, messages=MESSAGES)

    return per_call_median(call, calls)


def over_loopback(calls: int) -> float:
    import boto3
    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto_bedrock", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{url}/moto-api/data.json", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        client = boto3.client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=url, **CREDENTIALS
        )
        return per_call_median(lambda: client.converse(modelId=MODEL, messages=MESSAGES), calls)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--moto-baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.moto_baseline:
        print(moto_baseline(args.calls))
        return

    def baseline() -> float:
        child = subprocess.run(
            [sys.executable, __file__, "--moto-baseline", "--calls", str(args.calls)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": ""},
        )
        return float(child.stdout.strip().splitlines()[-1])

    # Baseline and in-process alternate over several rounds and the medians are compared,
    # so a burst of load on the machine cannot land on one side only.
    rounds = [(baseline(), in_process(args.calls)) for _ in range(args.rounds)]
    results = {
        "moto invoke_model stub (baseline)": statistics.median(b for b, _ in rounds),
        "botocore Stubber (floor)": stubber_floor(args.calls),
        "mock_bedrock in-process": statistics.median(i for _, i in rounds),
        "moto_bedrock_server loopback": over_loopback(args.calls),
    }
    baseline = results["moto invoke_model stub (baseline)"]
    floor = results["botocore Stubber (floor)"]
    print(f"Converse, median of {args.calls} calls each")
    print(f"{'':36} {'ms/call':>9} {'x baseline':>11} {'x floor':>8}")
    for name, seconds in results.items():
        print(f"{name:36} {seconds * 1000:9.3f} {seconds / baseline:11.2f} {seconds / floor:8.2f}")
    ratio = results["mock_bedrock in-process"] / baseline
    print(f"in-process / moto stub = {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
