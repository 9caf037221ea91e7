"""Server mode side by side, in one interleaved run.

    python benchmarks/bench_server.py [--rounds R] [--calls N] [--seconds S] [--no-node]
                                      [--baseline CHECKOUT]

Servers, all started at once, then measured in turn, a short block each, round after round
(on a shared machine the load drifts; blocks close in time keep the ratios fair):

* ``ours``: ``moto_bedrock_server`` (hypercorn, HTTP/1.1 keep-alive);
* ``werkzeug``: ``moto_bedrock_server --server werkzeug`` — moto_server's development server
  with moto's uncached routing, which is what server mode was before;
* ``baseline``: with ``--baseline CHECKOUT``, ``python -m moto_bedrock`` imported from that
  checkout (``PYTHONPATH=CHECKOUT``), e.g. the commit the speed issue was filed against:
  ``git worktree add /tmp/baseline 91815a4`` (its server is moto's werkzeug one);
* ``node``: the Node mock many teams use instead (``npx @copilotkit/aimock``'s ``llmock``
  bin, one fixture), when ``npx`` is on PATH and ``--no-node`` is not given.

For each: the median time of one boto3 ``converse`` call (a kept-alive client), for all but
the Node mock the median ``converse_stream`` of 67 events read to the end, and Converse
requests per second from 32 keep-alive connections (plain ``http.client`` threads in a
child process, so the client's work is not counted against the server's process). On
Linux each figure also gets ``_cpu``: the server process's CPU (user + system, all
threads) per request over that block, which moves far less than wall time when other work
shares the machine. Prints each round, then the medians over rounds and, for each ratio
the issue asks about, the median of its per-round ratios (in time, then in server CPU).
Not a test: the figures depend on the machine and on what else it is doing.

Last run (docs/design.md has the table): 2 cores at load average about 3, baseline
91815a4, 8 rounds of 200 calls; medians of per-round ratios: ours/Node Converse 2.28,
ours ConverseStream/Converse 1.83 (1.59 in server CPU), ours/baseline 32-connection
Converse/s 3.55, ours/werkzeug 3.36. (Runs before this one compared the server with
itself: ``python -m`` imported the current checkout for the baseline too.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

#: The checkout this file belongs to: "ours" and "werkzeug" run its code.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
PROMPT = "Summarize the water cycle in two lines."
MESSAGES = [{"role": "user", "content": [{"text": PROMPT}]}]
# This prompt's reply cut at 63 tokens streams 67 events: messageStart, 63 deltas,
# contentBlockStop, messageStop (max_tokens) and metadata.
STREAM_MESSAGES = [
    {"role": "user", "content": [{"text": "Write a short essay about the water cycle."}]}
]
STREAM_LIMIT = {"maxTokens": 63}
STREAM_EVENTS = 67
# moto routes a request to bedrock-runtime by its signature's scope; the server checks no
# signature, so the load client sends this one unchanged.
AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/bedrock/aws4_request, "
    "SignedHeaders=host, Signature=0"
)
NODE_FIXTURE = {
    "fixtures": [
        {
            "match": {"userMessage": PROMPT},
            "response": {"content": "Water evaporates, condenses and falls as rain."},
        }
    ]
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def command(name: str, port: int, fixture: str) -> list[str]:
    ours = [sys.executable, "-m", "moto_bedrock", "-p", str(port)]
    if name in ("ours", "baseline"):
        return ours
    if name == "werkzeug":
        return [*ours, "--server", "werkzeug"]
    npx = shutil.which("npx") or "npx"
    return [npx, "-y", "-p", "@copilotkit/aimock", "llmock", "-p", str(port), "-f", fixture,
            "--log-level", "silent", "--journal-max", "10"]  # fmt: skip


def start(
    name: str, fixture: str, baseline: str | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = dict(os.environ)
    # ``python -m`` puts its working folder first on sys.path, ahead of PYTHONPATH: each
    # server runs in its own checkout, or the baseline would import this one.
    tree = os.path.abspath(baseline) if name == "baseline" and baseline else ROOT
    env["PYTHONPATH"] = tree
    process = subprocess.Popen(
        command(name, port, fixture),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tree,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not listen within 120 s")


def client(port: int) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def median_ms(call: Callable[[], Any], calls: int) -> float:
    for _ in range(max(3, calls // 10)):
        call()
    samples = []
    for _ in range(calls):
        start_time = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start_time)
    return statistics.median(samples) * 1000


def server_cpu(pid: int | None) -> float | None:
    """Seconds of CPU (user + system, every thread) the process ``pid`` has used, on Linux."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(
    row: dict[str, float], key: str, pid: int | None, run: Callable[[], tuple[float, int]]
) -> None:
    """``row[key]`` = run()'s figure; ``row[key + "_cpu"]`` = server CPU ms per request."""
    before = server_cpu(pid)
    row[key], requests = run()
    after = server_cpu(pid)
    if before is not None and after is not None and requests:
        row[f"{key}_cpu"] = (after - before) / requests * 1000


def load(port: int, connections: int, seconds: float) -> None:
    """(Child process) Converse from ``connections`` keep-alive threads; prints requests/s."""
    import http.client

    body = json.dumps({"messages": MESSAGES}).encode()
    headers = {"Content-Type": "application/json", "Authorization": AUTH}
    stop = time.monotonic() + seconds
    done: list[int] = []
    failed: list[int] = []

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ok = bad = 0
        while time.monotonic() < stop:
            try:
                connection.request("POST", f"/model/{MODEL}/converse", body, headers)
                response = connection.getresponse()
                response.read()
                ok, bad = (ok + 1, bad) if response.status == 200 else (ok, bad + 1)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                bad += 1
                connection.close()
        done.append(ok)
        failed.append(bad)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rps = sum(done) / (time.monotonic() - started)
    print(json.dumps({"rps": rps, "requests": sum(done), "failed": sum(failed)}))


def throughput(port: int, seconds: float) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, __file__, "--load", str(port), "--seconds", str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(out)
    if result["failed"]:
        raise RuntimeError(f"{result['failed']} requests failed under load")
    return float(result["rps"]), int(result["requests"])


def measure(
    name: str, runtime: Any, port: int, pid: int | None, calls: int, seconds: float
) -> dict[str, float]:
    """One round's figures for one server (a short block of each measurement).

    With ``pid`` (not for the Node mock, which runs under npx), each figure also gets the
    server's CPU per request: on a shared machine it moves far less with the load.
    """
    row: dict[str, float] = {}

    def converse() -> None:
        runtime.converse(modelId=MODEL, messages=MESSAGES)

    def stream() -> None:
        response = runtime.converse_stream(
            modelId=MODEL, messages=STREAM_MESSAGES, inferenceConfig=STREAM_LIMIT
        )
        events = sum(1 for _ in response["stream"])
        assert events == STREAM_EVENTS, events

    def block(call: Callable[[], None], count: int) -> tuple[float, int]:
        return median_ms(call, count), count + max(3, count // 10)

    timed(row, "converse_ms", pid, lambda: block(converse, calls))
    if name != "node":
        timed(row, "stream_ms", pid, lambda: block(stream, max(5, calls // 4)))
    timed(row, "rps_32", pid, lambda: throughput(port, seconds))
    return row


RATIOS = [
    # (label, numerator, denominator, goal)
    (
        "ours Converse / Node mock Converse",
        ("ours", "converse_ms"),
        ("node", "converse_ms"),
        "<= 1.5",
    ),
    ("ours ConverseStream / ours Converse", ("ours", "stream_ms"), ("ours", "converse_ms"), "<= 2"),
    (
        "baseline Converse / Node mock Converse",
        ("baseline", "converse_ms"),
        ("node", "converse_ms"),
        "-",
    ),
    (
        "ours Converse / baseline Converse",
        ("ours", "converse_ms"),
        ("baseline", "converse_ms"),
        "-",
    ),
    (
        "CPU: ours / baseline per Converse",
        ("ours", "converse_ms_cpu"),
        ("baseline", "converse_ms_cpu"),
        "-",
    ),
    (
        "CPU: ours / baseline per stream",
        ("ours", "stream_ms_cpu"),
        ("baseline", "stream_ms_cpu"),
        "-",
    ),
    ("ours 32-conn rps / werkzeug 32-conn rps", ("ours", "rps_32"), ("werkzeug", "rps_32"), ">= 4"),
    ("ours 32-conn rps / baseline 32-conn rps", ("ours", "rps_32"), ("baseline", "rps_32"), ">= 4"),
    # The same questions in server CPU per request (load-robust; a proxy, not the target).
    (
        "CPU: ours stream / ours Converse",
        ("ours", "stream_ms_cpu"),
        ("ours", "converse_ms_cpu"),
        "<= 2",
    ),
    (
        "CPU at 32 conns: werkzeug / ours",
        ("werkzeug", "rps_32_cpu"),
        ("ours", "rps_32_cpu"),
        ">= 4",
    ),
    (
        "CPU at 32 conns: baseline / ours",
        ("baseline", "rps_32_cpu"),
        ("ours", "rps_32_cpu"),
        ">= 4",
    ),
]


def report(results: dict[str, list[dict[str, float]]]) -> None:
    """Medians over rounds, then each ratio's median over rounds (both sides of a ratio
    are measured within the same round, so a load that drifts between rounds cancels)."""
    print("\nmedians over rounds:")
    for name, rows in results.items():
        figures = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
        print(f"  {name:9} " + "  ".join(f"{key} {value:.2f}" for key, value in figures.items()))
    print("\nratios (median of the per-round ratios; min-max):")
    for label, (top, top_key), (bottom, bottom_key), goal in RATIOS:
        if top not in results or bottom not in results:
            continue
        if top_key not in results[top][0] or bottom_key not in results[bottom][0]:
            continue
        ratios = sorted(
            row[top_key] / other[bottom_key]
            for row, other in zip(results[top], results[bottom], strict=True)
        )
        print(
            f"  {label:40} {statistics.median(ratios):5.2f}  "
            f"({ratios[0]:.2f}-{ratios[-1]:.2f}; goal {goal})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=40, help="Converse calls per block")
    parser.add_argument("--seconds", type=float, default=1.5, help="seconds per load burst")
    parser.add_argument("--no-node", action="store_true")
    parser.add_argument("--baseline", metavar="CHECKOUT", help="a checkout to compare with")
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load(args.load, 32, args.seconds)
        return
    names = ["ours", "werkzeug"]
    if args.baseline:
        names.append("baseline")
    if not args.no_node and shutil.which("npx"):
        names.append("node")
    results: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fixture:
        json.dump(NODE_FIXTURE, fixture)
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for name in names:
            servers[name] = start(name, fixture.name, args.baseline)
        clients = {name: client(port) for name, (_, port) in servers.items()}
        for name in names:  # first calls set up backends, routes and caches: not counted
            measure(name, clients[name], servers[name][1], None, 5, 0.2)
        for round_number in range(args.rounds):
            for name in names:
                process, port = servers[name]
                pid = None if name == "node" else process.pid
                row = measure(name, clients[name], port, pid, args.calls, args.seconds)
                results[name].append(row)
                print(f"round {round_number + 1} {name:9} {json.dumps(row)}", flush=True)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=30)
        os.unlink(fixture.name)
    report(results)


if __name__ == "__main__":
    main()
