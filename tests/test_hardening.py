"""Hostile and careless input: no request can freeze, exhaust or turn the emulator against
its host (issue 11). Each finding of the audit has its regression test here; the bounded
fuzz run and the load test are in ``test_hardening_load.py``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from moto_bedrock import mock_bedrock
from tests.conftest import HAIKU, REGION, Aws, signed_request, user

# A request that the budgets must end well inside this (they stop generation at 2 s).
QUICK = 3.0


def output_config(schema: Any) -> dict[str, Any]:
    definition = {"schema": json.dumps(schema), "name": "answer"}
    return {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": definition}}}


def timed(call: Any) -> tuple[Any, float]:
    began = time.monotonic()
    try:
        result: Any = call()
    except ClientError as error:
        result = error
    return result, time.monotonic() - began


# -- 1. budgets ----------------------------------------------------------------------------

HOSTILE_SCHEMAS = [
    pytest.param({"type": "string", "minLength": 1e8}, "minLength", id="minLength-1e8"),
    pytest.param({"type": "array", "minItems": 1e7}, "minItems", id="minItems-1e7"),
    pytest.param({"type": "object", "minProperties": 1e6}, "minProperties", id="minProps-1e6"),
    pytest.param({"type": "string", "pattern": "^a{10000000}$"}, "pattern", id="repeat-1e7"),
    pytest.param(
        {"type": "string", "pattern": "^a{40}!$", "not": {"pattern": "^(a|aa)+$"}},
        "pattern",
        id="backtracking-not",
    ),
]


@pytest.mark.parametrize(("schema", "keyword"), HOSTILE_SCHEMAS)
def test_a_schema_past_its_budget_is_a_validation_error_naming_the_keyword(
    runtime: Any, schema: dict[str, Any], keyword: str
) -> None:
    error, seconds = timed(
        lambda: runtime.converse(
            modelId=HAIKU, messages=[user("Hi")], outputConfig=output_config(schema)
        )
    )
    assert seconds < QUICK
    assert isinstance(error, ClientError)
    assert error.response["Error"]["Code"] == "ValidationException"
    message = error.response["Error"]["Message"]
    assert message.startswith("The provided JSON schema is too complex to satisfy: ")
    assert f"the schema keyword '{keyword}'" in message


def test_a_tool_schema_past_its_budget_is_refused_too(runtime: Any) -> None:
    spec = {
        "name": "fill",
        "inputSchema": {"json": {"type": "object", "properties": {"x": {"minItems": 10**7}}}},
    }
    spec["inputSchema"]["json"]["required"] = ["x"]
    spec["inputSchema"]["json"]["properties"]["x"]["type"] = "array"
    error, seconds = timed(
        lambda: runtime.converse(
            modelId=HAIKU,
            messages=[user("Hi")],
            toolConfig={"tools": [{"toolSpec": spec}], "toolChoice": {"tool": {"name": "fill"}}},
        )
    )
    assert seconds < QUICK
    assert isinstance(error, ClientError)
    assert "the schema keyword 'minItems'" in error.response["Error"]["Message"]


@pytest.mark.slow
def test_a_deeply_branching_schema_stops_at_the_time_budget(runtime: Any) -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(30):
        schema = {"type": "array", "minItems": 3, "items": schema}
    error, seconds = timed(
        lambda: runtime.converse(
            modelId=HAIKU, messages=[user("Hi")], outputConfig=output_config(schema)
        )
    )
    assert seconds < QUICK
    assert isinstance(error, ClientError)
    assert "could not be satisfied within 2 s" in error.response["Error"]["Message"]


def test_the_audited_pattern_answers_at_once_and_other_calls_do_not_wait(runtime: Any) -> None:
    schema = {"type": "string", "pattern": "^a{27}!$", "not": {"pattern": "^(a+)+$"}}
    timings: dict[str, float] = {}

    def hostile() -> None:
        _, timings["hostile"] = timed(
            lambda: runtime.converse(
                modelId=HAIKU, messages=[user("Hi")], outputConfig=output_config(schema)
            )
        )

    thread = threading.Thread(target=hostile)
    thread.start()
    _, timings["other"] = timed(lambda: runtime.converse(modelId=HAIKU, messages=[user("Hi")]))
    thread.join(10)
    assert timings["hostile"] < QUICK
    assert timings["other"] < QUICK


def test_a_rule_regex_that_backtracks_without_bound_is_refused_when_configured(
    aws: Aws,
) -> None:
    controls = aws.controls()
    with pytest.raises(Exception, match=r"user_regex can backtrack without bound"):
        controls.add_rule(user_regex=r"^(a+)+$", reply={"text": "never"})
    with pytest.raises(Exception, match=r"a repeat count in the pattern is over 100000"):
        controls.add_rule(user_regex=r"^a{10000000}$", reply={"text": "never"})
    # Separated repeats are fine.
    controls.add_rule(user_regex=r"^([a-z]+\.)+[a-z]+$", reply={"text": "a domain"})


def test_a_rule_regex_that_still_backtracks_is_cut_off_with_a_validation_error(
    aws: Aws, runtime: Any
) -> None:
    aws.controls().add_rule(user_regex=r"^(a|aa)+$", reply={"text": "never"})
    error, seconds = timed(lambda: runtime.converse(modelId=HAIKU, messages=[user("a" * 60 + "!")]))
    assert seconds < QUICK
    assert isinstance(error, ClientError)
    assert error.response["Error"]["Code"] == "ValidationException"
    assert error.response["Error"]["Message"].startswith(
        "A reply rule could not be checked: the regular expression '^(a|aa)+$' took longer"
    )


# -- 2. memory -----------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64  # 16 KiB: over the blob threshold


def image_message(data: bytes) -> dict[str, Any]:
    return {
        "role": "user",
        "content": [
            {"text": "What is this?"},
            {"image": {"format": "png", "source": {"bytes": data}}},
        ],
    }


def test_large_blobs_are_kept_as_size_and_digest(aws: Aws, runtime: Any) -> None:
    import hashlib

    runtime.converse(modelId=HAIKU, messages=[image_message(PNG)])
    call = aws.controls().get_call_history()["calls"][-1]
    source = call["request"]["messages"][0]["content"][1]["image"]["source"]["bytes"]
    assert source == {"omitted_bytes": len(PNG), "sha256": hashlib.sha256(PNG).hexdigest()}


def test_keep_blobs_keeps_them_whole(aws: Aws, runtime: Any) -> None:
    import base64

    controls = aws.controls()
    assert controls.configure_history(keep_blobs=True) == {
        "cap": 1000,
        "max_bytes": 64 * 1024 * 1024,
        "keep_blobs": True,
    }
    runtime.converse(modelId=HAIKU, messages=[image_message(PNG)])
    call = controls.get_call_history()["calls"][-1]
    kept = call["request"]["messages"][0]["content"][1]["image"]["source"]["bytes"]
    assert base64.b64decode(kept) == PNG


def test_the_history_has_a_byte_budget(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.configure_history(max_bytes=200_000)
    big = "x" * 60_000
    for _ in range(10):
        runtime.converse(modelId=HAIKU, messages=[user(big)])
    calls = controls.get_call_history()["calls"]
    # Each record holds its prompt (60 kB) and a reply: three fit, ten do not.
    assert 1 <= len(calls) <= 3
    assert calls[-1]["sequence"] == 10


def test_refused_calls_count_against_the_budget_too(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.configure_history(max_bytes=100_000)
    for _ in range(5):
        with pytest.raises(ClientError):
            # An assistant turn first: refused by a rule (Nova's; Claude accepts it), but recorded.
            runtime.converse(
                modelId="amazon.nova-lite-v1:0",
                messages=[{"role": "assistant", "content": [{"text": "y" * 40_000}]}],
            )
    assert len(controls.get_call_history()["calls"]) <= 2


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"cap": 10**30}, "cap must be an integer from 1 to 1000000; got 10000"),
        ({"cap": 2**63}, "cap must be an integer from 1 to 1000000; got 9223372036854775808"),
        ({"max_bytes": 2**70}, "max_bytes must be an integer from 1024 to 1099511627776"),
        ({"keep_blobs": "yes"}, "keep_blobs must be true or false; got 'yes'"),
    ],
)
def test_history_limits_are_bounded(aws: Aws, limits: dict[str, Any], message: str) -> None:
    with pytest.raises(Exception, match=message[:40].replace("(", r"\(")):
        aws.controls().configure_history(**limits)


def test_a_config_document_past_a_bound_changes_nothing(aws: Aws) -> None:
    controls = aws.controls()
    before = controls.get_config()
    document = {"streaming": {"chunking": "word"}, "history": {"cap": 2**63}}
    with pytest.raises(Exception, match=r"history.cap must be an integer from 1 to 1000000"):
        controls.load_config(config=document)
    assert controls.get_config() == before


def test_configure_history_with_a_huge_cap_is_json_400_over_http(server_url: str) -> None:
    response = requests.post(
        f"{server_url}/moto-api/bedrock/configure_history", json={"cap": 10**30}, timeout=5
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("history.cap must be an integer from 1 to")


def _stream_request(server_url: str, text_size: int) -> Any:
    """A raw ConverseStream request, sent with a socket we control."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = f"{server_url}/model/{HAIKU}/converse-stream"
    body = json.dumps({"messages": [user("Hi")]}).encode()
    request = AWSRequest(
        method="POST", url=url, data=body, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(Credentials("testing", "testing"), "bedrock", REGION).add_auth(request)
    return request


def test_an_abandoned_stream_is_recorded_as_abandoned(server_url: str) -> None:
    import socket

    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    control_url = f"{server_url}/moto-api/bedrock"
    json_headers = {"Content-Type": "application/json"}
    # A long reply, paced so that it is still being written when the reader leaves.
    requests.post(
        f"{control_url}/set_reply", json={"reply": {"text": "word " * 400}}, timeout=5
    ).raise_for_status()
    requests.post(
        f"{control_url}/configure_streaming",
        json={"chunking": "word", "tokens_per_second": 200, "sleep": True},
        headers=json_headers,
        timeout=5,
    ).raise_for_status()
    request = _stream_request(server_url, 0)
    host, port = server_url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        head = f"POST {request.url.split(port, 1)[1]} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in request.headers.items())
        head += f"Content-Length: {len(request.body)}\r\n\r\n"
        sock.sendall(head.encode() + request.body)
        assert sock.recv(200).startswith(b"HTTP/1.1 200")
    deadline = time.monotonic() + 10
    calls: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        calls = requests.post(
            f"{control_url}/get_call_history", json={}, headers=json_headers, timeout=5
        ).json()["calls"]
        if calls and calls[-1]["abandoned"]:
            break
        time.sleep(0.1)
    assert calls[-1]["operation"] == "ConverseStream"
    assert calls[-1]["abandoned"] is True
    assert calls[-1]["error"] is None


def test_a_finished_stream_is_not_abandoned(aws: Aws, runtime: Any) -> None:
    events = list(runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"])
    assert "metadata" in events[-1]
    assert aws.controls().get_call_history()["calls"][-1]["abandoned"] is False


def test_streams_are_drawn_lazily() -> None:
    from moto_bedrock.generation.inference import InferenceResult
    from moto_bedrock.wire.streaming import StreamSettings, iter_converse_stream_events

    result = InferenceResult(
        content=[{"text": "word " * 100_000}],
        stop_reason="end_turn",
        usage={"inputTokens": 1, "outputTokens": 100_000, "totalTokens": 100_001},
        latency_ms=0,
        first_byte_ms=0,
    )
    events = iter_converse_stream_events(result, None, StreamSettings(chunking="word"))
    # A generator: nothing is built until taken, and the first events come at once.
    assert next(events) == {"messageStart": {"role": "assistant"}}
    assert "contentBlockDelta" in next(events)


# -- 3. the host's network and the control door ------------------------------------------


def _door(server_url: str, operation: str, headers: dict[str, str], body: bytes = b"{}") -> Any:
    return requests.post(
        f"{server_url}/moto-api/bedrock/{operation}", data=body, headers=headers, timeout=5
    )


JSON_TYPE = {"Content-Type": "application/json"}
NOT_JSON = (415, "The control API takes a JSON body")
CROSS_ORIGIN = (403, "The control API refuses cross-origin browser requests.")
REFUSED_DOOR = {
    "text-plain": ({"Content-Type": "text/plain"}, *NOT_JSON),
    "no-type": ({}, *NOT_JSON),
    "form": ({"Content-Type": "application/x-www-form-urlencoded"}, *NOT_JSON),
    "origin": ({**JSON_TYPE, "Origin": "https://evil.example"}, *CROSS_ORIGIN),
    "null-origin": ({**JSON_TYPE, "Origin": "null"}, *CROSS_ORIGIN),
    "sec-fetch": ({**JSON_TYPE, "Sec-Fetch-Site": "cross-site"}, *CROSS_ORIGIN),
    "rebinding": (
        {**JSON_TYPE, "Host": "evil.example"},
        403,
        "The control API does not answer to Host 'evil.example'",
    ),
}


@pytest.mark.parametrize(
    ("headers", "status", "start"), list(REFUSED_DOOR.values()), ids=list(REFUSED_DOOR)
)
def test_the_control_door_refuses_what_a_web_page_could_send(
    server_url: str, headers: dict[str, str], status: int, start: str
) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    response = _door(server_url, "get_call_history", headers)
    assert response.status_code == status
    assert response.json()["message"].startswith(start)
    assert "calls" not in response.json()


def test_the_control_door_answers_its_own_page_and_loopback_names(server_url: str) -> None:
    port = server_url.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1"):
        headers = {"Content-Type": "application/json; charset=utf-8", "Host": host}
        assert _door(server_url, "get_clock", headers).status_code == 200
    same_origin = {"Content-Type": "application/json", "Origin": server_url}
    assert _door(server_url, "get_clock", same_origin).status_code == 200


def test_the_control_door_bounds_and_checks_its_body(server_url: str) -> None:
    json_type = {"Content-Type": "application/json"}
    from moto_bedrock.wire.guard import MAX_CONTROL_BODY_BYTES

    huge = _door(server_url, "get_clock", json_type, b" " * (MAX_CONTROL_BODY_BYTES + 1))
    assert huge.status_code == 413
    assert huge.json() == {"message": f"the body is larger than {MAX_CONTROL_BODY_BYTES} bytes"}


@pytest.fixture
def guard_restored() -> Any:
    """The process's guard settings, put back as they were after the test."""
    from moto_bedrock.wire import guard

    before = guard.settings()
    yield guard
    guard.configure(
        bound_host=before.bound_host,
        control_hosts=before.control_hosts,
        llm_hosts=before.llm_hosts,
        write_timeout=before.write_timeout,
    )


def test_guard_settings_come_from_server_flags(guard_restored: Any) -> None:
    guard = guard_restored
    rest = guard.apply_flags(
        ["-H", "0.0.0.0", "--control-allow-host", "bedrock", "--allow-llm-host", "ollama:11434"]
    )
    assert rest == ["-H", "0.0.0.0"]
    chosen = guard.settings()
    assert chosen.bound_host == "0.0.0.0" and chosen.control_hosts == {"bedrock"}
    assert chosen.llm_hosts == {"ollama"}
    ok = {"Content-Type": "application/json"}
    assert guard.control_refusal({**ok, "Host": "bedrock:5000"}) is None
    # A wildcard bind is no name: a client must use an allowed one.
    assert guard.control_refusal({**ok, "Host": "0.0.0.0:5000"}) is not None
    assert guard.control_refusal({**ok, "Host": "evil.example:5000"}) is not None
    guard.apply_flags(["--control-allow-host", "*"])
    assert guard.control_refusal({**ok, "Host": "anything:1"}) is None
    with pytest.raises(SystemExit):
        guard.apply_flags(["--stream-write-timeout", "0"])


def test_a_local_llm_over_http_only_to_hosts_the_server_allows(server_url: str) -> None:
    # The test server runs with --allow-llm-host 127.0.0.1.
    from moto_bedrock import RemoteControl

    controls = RemoteControl(server_url)
    with pytest.raises(Exception, match=r"llm.url is refused: the host '169.254.169.254' is not"):
        controls.use_llm(url="http://169.254.169.254/latest", model="m")
    document = {"replies": {"llm": {"url": "http://internal.example:8080", "model": "m"}}}
    with pytest.raises(Exception, match=r"replies.llm.url is refused: the host 'internal.example'"):
        controls.load_config(config=document)
    controls.use_llm(url="http://127.0.0.1:9", model="m")


def test_without_the_flag_no_llm_can_be_set_over_http(guard_restored: Any) -> None:
    from moto_bedrock import BedrockControl, mock_bedrock
    from moto_bedrock.behaviour.base import ConfigError

    guard = guard_restored
    guard.configure()
    with mock_bedrock():
        controls = BedrockControl()
        with guard.over_http(), pytest.raises(ConfigError) as refused:
            controls.use_llm(url="http://127.0.0.1:11434", model="m")
        assert str(refused.value) == (
            "llm.url is refused: a local LLM cannot be set over HTTP unless the server was "
            "started with --allow-llm-host HOST"
        )
        # In-process, the test's own code decides.
        controls.use_llm(url="http://127.0.0.1:11434", model="m")


def test_the_api_key_is_never_given_back(aws: Aws) -> None:
    controls = aws.controls()
    answer = controls.use_llm(url="http://127.0.0.1:9", model="m", api_key="sk-secret")
    assert "sk-secret" not in json.dumps(answer)
    assert "sk-secret" not in json.dumps(controls.get_config())
    assert "sk-secret" not in json.dumps(controls.get_replies())


class _Upstream:
    """A loopback HTTP server answering every POST with one canned status and body."""

    def __init__(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.paths: list[str] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                upstream.paths.append(f"POST {self.path}")
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                upstream.paths.append(f"GET {self.path}")
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected"),
    [
        (302, b"", {"Location": "/secret?token=abc"}, "answered HTTP 302."),
        (500, b"root:x:0:0:root:/root:/bin/bash", {}, "answered HTTP 500."),
        (404, b'{"error": {"message": "no such model"}}', {}, "answered HTTP 404: no such model."),
    ],
    ids=["redirect", "foreign-body", "openai-error"],
)
def test_the_local_llm_is_never_followed_or_echoed(
    aws: Aws, runtime: Any, status: int, body: bytes, headers: dict[str, str], expected: str
) -> None:
    upstream = _Upstream(status, body, headers)
    try:
        aws.controls().use_llm(url=upstream.url, model="m", timeout=5)
        with pytest.raises(ClientError) as failed:
            runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    finally:
        upstream.close()
    assert failed.value.response["Error"]["Code"] == "ModelErrorException"
    assert failed.value.response["Error"]["Message"].endswith(expected)
    assert upstream.paths == ["POST /v1/chat/completions"]


# -- 4. modeled 4xx, never 500 -----------------------------------------------------------

CONVERSE_BODY = json.dumps({"messages": [user("Hi")]}).encode()


@pytest.mark.parametrize("service", ["bedrock", "bedrock-runtime"])
def test_an_unknown_region_in_the_signature_is_a_403(server_url: str, service: str) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    path = "/foundation-models" if service == "bedrock" else f"/model/{HAIKU}/converse"
    method = "GET" if service == "bedrock" else "POST"
    body = b"" if method == "GET" else CONVERSE_BODY
    request = AWSRequest(
        method=method,
        url=server_url + path,
        data=body,
        headers={"Content-Type": "application/json"},
    )
    SigV4Auth(Credentials("testing", "testing"), "bedrock", "xx-nowhere-9").add_auth(request)
    prepared = request.prepare()
    response = requests.request(method, prepared.url, data=body, headers=dict(prepared.headers))
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"].startswith("InvalidSignatureException")
    assert response.json() == {
        "message": "Credential should be scoped to a valid region, not 'xx-nowhere-9'."
    }


def test_an_unknown_region_in_process_is_a_403_too() -> None:
    import boto3

    from moto_bedrock import mock_bedrock

    with mock_bedrock():
        client = boto3.client("bedrock-runtime", region_name="xx-nowhere-9")
        with pytest.raises(ClientError) as refused:
            client.converse(modelId=HAIKU, messages=[user("Hi")])
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def _header_fields(answer: bytes) -> dict[bytes, bytes]:
    head = answer.partition(b"\r\n\r\n")[0]
    return {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
    }


@pytest.mark.parametrize(
    ("server", "body"),
    [
        ("hypercorn", b"ZZZ\r\nabc\r\n0\r\n\r\n"),  # a size that is not hexadecimal
        ("hypercorn", b'3\r\n{"m\r\nZZ\r\n'),  # broken after a first good chunk
        pytest.param("werkzeug", b"ZZZ\r\nabc\r\n0\r\n\r\n", marks=pytest.mark.slow),
    ],
)
def test_a_malformed_chunked_body_is_a_modeled_400(
    request: pytest.FixtureRequest, server: str, body: bytes
) -> None:
    import socket

    url = request.getfixturevalue("server_url" if server == "hypercorn" else "werkzeug_url")
    signed = _stream_request(url, 0)
    host, port = url.split("//")[1].split(":")
    path = f"/model/{HAIKU}/converse"
    headers = "".join(
        f"{k}: {v}\r\n" for k, v in signed.headers.items() if k.lower() != "content-length"
    )
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
            + body
        )
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < int(
            _header_fields(answer).get(b"content-length", b"1")
        ):
            piece = sock.recv(4096)
            assert piece, answer
            answer += piece
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer
    fields = _header_fields(answer)
    assert fields[b"x-amzn-errortype"].startswith(b"ValidationException:http://internal.amazon")
    assert fields[b"content-type"] == b"application/json"
    assert fields[b"x-amzn-requestid"]
    assert json.loads(payload) == {"message": "The request body could not be read."}


def test_a_form_content_type_on_converse_is_a_modeled_404(aws: Aws) -> None:
    # rest-json routes by path, but a form type names the Query protocol: AWS's front end
    # finds no operation for it (tests/test_robustness.py), in both modes alike.
    response = signed_request(
        "POST",
        f"{aws.runtime_url()}/model/{HAIKU}/converse",
        CONVERSE_BODY,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"].startswith("UnknownOperationException")


@pytest.mark.parametrize(
    ("operation", "kwargs", "message"),
    [
        ("configure_streaming", {"time_to_first_token_ms": 10**12}, "time_to_first_token_ms"),
        ("configure_streaming", {"tokens_per_second": 1e-300}, "tokens_per_second must be at"),
        ("set_latency", {"time_to_first_token_ms": 10**12}, "time_to_first_token_ms must be"),
        ("configure_clock", {"now": 1e308}, "clock.now (in absolute value) must be at most"),
        ("inject_fault", {"error": "Throttling", "count": 10**30}, "count must be at most"),
        (
            "inject_stream_error",
            {"error": "throttlingException", "after_events": 10**30},
            "after_events must be at most 1e+12",
        ),
        (
            "set_quota",
            {"model": "*", "requests_per_minute": 10**30},
            "requests_per_minute must be at most",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else None,
)
def test_every_configured_number_has_an_upper_bound(
    aws: Aws, operation: str, kwargs: dict[str, Any], message: str
) -> None:
    # Each of these used to be accepted and then slept for days, overflowed (a 500) or
    # ran past islice's range when a call came.
    with pytest.raises(Exception) as refused:
        getattr(aws.controls(), operation)(**kwargs)
    assert message in str(refused.value)
    assert aws.client("bedrock-runtime").converse(modelId=HAIKU, messages=[user("Hi")])


def test_a_number_too_large_for_a_float_is_a_400_over_http(server_url: str) -> None:
    response = requests.post(
        f"{server_url}/moto-api/bedrock/configure_clock",
        data='{"now": 1' + "0" * 400 + "}",
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400


def test_a_body_refused_unread_logs_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    # A declared length over InvokeModel's limit is refused before moto sets the request
    # up; the answer was right, but every such request logged a serializer traceback.
    url = f"https://bedrock-runtime.{REGION}.amazonaws.com/model/{HAIKU}/invoke"
    with mock_bedrock(), caplog.at_level(logging.ERROR):
        response = signed_request(
            "POST", url, b"x" * 25_000_001, {"Content-Type": "application/json"}
        )
        assert response.status_code == 400, response.text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
