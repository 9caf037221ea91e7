"""Per-call cost of one Converse call, four ways, in one run.

    python benchmarks/bench_converse.py [--calls N] [--rounds R]

1. ``mock_bedrock`` in-process;
2. ``moto_bedrock_server`` over loopback;
3. botocore's ``Stubber`` returning the same response (the floor: client-side work only);
4. moto's own ``invoke_model`` stub under ``mock_aws`` (the host's baseline), measured in a
   child process that never imports moto_bedrock, since importing it replaces that stub.

Prints the median per-call time of each and the ratios. The baseline and in-process calls
are interleaved: in each of R rounds, N calls a side are made in slices of S, baseline and
in-process in turn (the baseline child stays up between slices), and the round medians'
median is reported. On a shared machine the speed drifts within a second, so alternating
whole rounds let a slow spell fall on one side only. Not a test: figures vary by machine.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Summarize the water cycle in two lines."}]}]
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def warm_up(call: Callable[[], Any], calls: int) -> None:
    for _ in range(max(10, calls // 10)):
        call()


def per_call_samples(call: Callable[[], Any], calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def per_call_median(call: Callable[[], Any], calls: int) -> float:
    warm_up(call, calls)
    return statistics.median(per_call_samples(call, calls))


def moto_baseline(calls: int) -> None:
    """moto's own InvokeModel stub, without moto_bedrock (run in a child process).

    After warming up it prints "ready", then for each number N read from stdin makes N
    calls and prints their times (seconds, a JSON list).
    """
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("bedrock-runtime", region_name="us-east-1", **CREDENTIALS)
        body = json.dumps({"messages": MESSAGES, "max_tokens": 100})

        def call() -> Any:
            return client.invoke_model(modelId=MODEL, body=body)

        warm_up(call, calls)
        print("ready", flush=True)
        for line in sys.stdin:
            print(json.dumps(per_call_samples(call, int(line))), flush=True)


@contextmanager
def baseline_child(calls: int) -> Iterator[Callable[[int], list[float]]]:
    """A warmed-up baseline child process; yields a function: N -> the times of N calls."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--moto-baseline", "--calls", str(calls)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert child.stdin is not None and child.stdout is not None
    stdin, stdout = child.stdin, child.stdout
    try:
        if stdout.readline().strip() != "ready":
            raise RuntimeError("the baseline child did not start")

        def samples(count: int) -> list[float]:
            stdin.write(f"{count}\n")
            stdin.flush()
            return [float(t) for t in json.loads(stdout.readline())]

        yield samples
    finally:
        stdin.close()
        child.wait(timeout=30)


def baseline_and_in_process(calls: int, rounds: int, slice_calls: int) -> list[tuple[float, float]]:
    """Per round, the median call of the baseline and of in-process, slices interleaved."""
    import boto3

    from moto_bedrock import mock_bedrock

    medians = []
    with baseline_child(calls) as baseline, mock_bedrock():
        client = boto3.client("bedrock-runtime", region_name="us-east-1", **CREDENTIALS)

        def converse() -> Any:
            return client.converse(modelId=MODEL, messages=MESSAGES)

        warm_up(converse, calls)
        for _ in range(rounds):
            ours: list[float] = []
            theirs: list[float] = []
            for start in range(0, calls, slice_calls):
                count = min(slice_calls, calls - start)
                theirs += baseline(count)
                ours += per_call_samples(converse, count)
            medians.append((statistics.median(theirs), statistics.median(ours)))
    return medians


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
    parser.add_argument("--slice", type=int, default=20, help="calls a side per turn")
    parser.add_argument("--moto-baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.moto_baseline:
        moto_baseline(args.calls)
        return

    # Baseline and in-process take turns every few calls and the medians are compared, so
    # a burst of load on the machine cannot land on one side only.
    rounds = baseline_and_in_process(args.calls, args.rounds, max(1, args.slice))
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
    print("per round: " + " ".join(f"{ours / theirs:.2f}" for theirs, ours in rounds))
    print(f"in-process / moto stub = {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
