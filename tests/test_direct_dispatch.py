"""The server's direct path for Bedrock requests answers exactly as moto's Flask app does.

``_moto.wsgi_app()`` hands a request signed for Bedrock straight to our response class's
``dispatch``, skipping Flask. These tests send a broad set of requests (every operation of
every Bedrock service, valid calls, streams, errors, moto's own paths and the control door)
through that app and through the same app with the direct path off, from the same state,
and compare status, headers and body byte for byte (the per-response request id aside).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import flask
import pytest
from werkzeug.test import EnvironBuilder

from moto_bedrock import _moto, services
from tests.conftest import HAIKU
from tests.operation_routes import operation_routes

AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/{}/bedrock/aws4_request, "
    "SignedHeaders=host, Signature=0"
)
TITAN = "amazon.titan-embed-text-v2:0"
#: A time written into a body (a resource's creation time): the two sides differ by the
#: microseconds between them.
TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
MESSAGES = [{"role": "user", "content": [{"text": "Summarize the water cycle."}]}]


def environ(
    method: str,
    path: str,
    body: Any = None,
    *,
    region: str = "us-east-1",
    headers: dict[str, str] | None = None,
    signed: bool = True,
    query: str = "",
) -> dict[str, Any]:
    """A WSGI environ as our HTTP server builds it (the raw path kept in RAW_URI)."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else (body or b"")
    sent = {"Content-Type": "application/json", "User-Agent": "Boto3/1.0", **(headers or {})}
    if signed:
        sent["Authorization"] = AUTH.format(region)
    builder = EnvironBuilder(
        method=method, path=path, data=data, headers=sent, query_string=query or None
    )
    built = builder.get_environ()
    raw = path + (f"?{query}" if query else "")
    built["RAW_URI"] = built["REQUEST_URI"] = raw
    if "Content-Type" in (headers or {}) and headers and headers["Content-Type"] == "":
        built.pop("CONTENT_TYPE", None)
    return built


def operation_requests() -> list[tuple[str, dict[str, Any]]]:
    """(service, request) for every operation of every Bedrock service we serve, with an
    empty JSON body (most are validation errors, compared as closely as the answers)."""
    found = []
    services = ("bedrock", "bedrock-runtime", "bedrock-agent-runtime")
    for service, method, path, region in operation_routes(services):
        body = {} if method in ("POST", "PUT", "PATCH") else None
        found.append((service, environ(method, path, body, region=region)))
    return found


def answered_requests() -> list[dict[str, Any]]:
    """Calls that succeed, stream, or fail in the ways clients meet most."""
    converse = f"/model/{HAIKU}/converse"
    stream = f"/model/{HAIKU}/converse-stream"
    invoke_body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 50,
        "messages": MESSAGES,
    }
    return [
        environ("POST", converse, {"messages": MESSAGES}),
        environ("POST", converse, {"messages": MESSAGES, "inferenceConfig": {"maxTokens": 5}}),
        environ("POST", stream, {"messages": MESSAGES, "inferenceConfig": {"maxTokens": 20}}),
        environ("POST", f"/model/{HAIKU}/invoke", invoke_body),
        environ("POST", f"/model/{HAIKU}/invoke-with-response-stream", invoke_body),
        environ("POST", f"/model/{TITAN}/invoke", {"inputText": "hello"}),
        environ(
            "POST", f"/model/{HAIKU}/count-tokens", {"input": {"converse": {"messages": MESSAGES}}}
        ),
        environ("POST", converse.replace(HAIKU, "no.such-model-v1:0"), {"messages": MESSAGES}),
        environ("POST", converse, {"messages": "not a list"}),
        environ("POST", converse, b"{not json"),
        environ("POST", converse, b"[1, 2]"),
        environ("POST", converse, b"\xff\xfe"),
        environ("POST", converse, {"messages": MESSAGES}, region="mars-east-1"),
        environ(
            "POST",
            converse,
            b"messages=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        environ("POST", converse, {"messages": MESSAGES}, headers={"Content-Type": ""}),
        environ("POST", converse, {"messages": MESSAGES}, headers={"X-Amz-Meta-A_B": "u"}),
        environ(
            "POST",
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2F" + HAIKU + "/converse",
            {"messages": MESSAGES},
        ),
        environ("GET", "/async-invoke", query="maxResults=2"),
        environ("GET", "/async-invoke", query="maxResults=x"),
        environ("GET", "/foundation-models"),
        environ("GET", "/foundation-models", query="byProvider=Anthropic"),
        environ("GET", f"/foundation-models/{HAIKU}"),
        environ("GET", "/guardrails"),
        environ(
            "POST",
            "/guardrails",
            {
                "name": "g",
                "blockedInputMessaging": "no",
                "blockedOutputsMessaging": "no",
                "contentPolicyConfig": {
                    "filtersConfig": [
                        {"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}
                    ]
                },
            },
        ),
        environ(
            "POST",
            "/guardrail/nope/version/1/apply",
            {"source": "INPUT", "content": [{"text": {"text": "hi"}}]},
        ),
        environ("POST", "/rerank", {}),
        environ("GET", "/nothing/here"),
        environ("DELETE", f"/model/{HAIKU}/converse"),
        environ("POST", "/"),
        # Served by Flask on both sides: moto's own paths, CORS and preflight, HEAD,
        # requests not signed for Bedrock.
        environ("POST", converse, {"messages": MESSAGES}, headers={"Origin": "http://x.test"}),
        environ(
            "OPTIONS",
            converse,
            headers={"Origin": "http://x.test", "Access-Control-Request-Method": "POST"},
        ),
        environ("HEAD", "/foundation-models"),
        environ("GET", "/moto-api/bedrock/"),
        environ("POST", "/moto-api/bedrock/history", {}, signed=False),
        environ("GET", "/moto-api/data.json", signed=False),
        environ(
            "POST",
            converse,
            {"messages": MESSAGES},
            signed=False,
            headers={"Authorization": AUTH.format("us-east-1").replace("/bedrock/", "/sts/")},
        ),
    ]


def answer(app: Any, request: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """The app's status, headers and body for a fresh copy of ``request``, state reset first."""
    reset = environ("POST", "/moto-api/reset", signed=False)
    b"".join(app(reset, lambda status, headers, exc_info=None: None))
    _moto.moto_random.seed(16)  # ids moto draws come out the same on both sides
    sent = dict(request)
    sent["wsgi.input"] = io.BytesIO(request["wsgi.input"].getvalue())
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]

    try:
        body = b"".join(app(sent, start_response))
    except Exception as error:  # moto's own classes raise for what they do not implement
        return "raised", [(type(error).__name__, str(error))], b""
    status, headers = started
    headers = [(k, "<id>" if k.lower() == "x-amzn-requestid" else v) for k, v in headers]
    return status, headers, TIMESTAMP.sub(b"<time>", body)


@pytest.fixture(scope="module")
def apps() -> Iterator[tuple[Any, Any]]:
    services.install()
    yield _moto.wsgi_app(), _moto.wsgi_app(direct=False)
    reset = environ("POST", "/moto-api/reset", signed=False)
    b"".join(_moto.wsgi_app(direct=False)(reset, lambda *args: None))


@pytest.fixture
def flask_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths moto's Flask apps answered."""
    calls: list[str] = []
    wsgi_app = flask.Flask.wsgi_app

    def counted(self: flask.Flask, environ: dict[str, Any], start_response: Any) -> Any:
        calls.append(environ["PATH_INFO"])
        return wsgi_app(self, environ, start_response)

    monkeypatch.setattr(flask.Flask, "wsgi_app", counted)
    return calls


def for_ids(requests: list[dict[str, Any]]) -> list[str]:
    return [f"{r['REQUEST_METHOD']} {r['RAW_URI']}"[:80] for r in requests]


@pytest.mark.parametrize("request_environ", answered_requests(), ids=for_ids(answered_requests()))
def test_a_call_gets_the_same_answer_either_way(
    apps: tuple[Any, Any], flask_calls: list[str], request_environ: dict[str, Any]
) -> None:
    direct, through_flask = apps
    expected = answer(through_flask, request_environ)
    flask_calls.clear()
    got = answer(direct, request_environ)
    assert got == expected
    bedrock_signed = "bedrock/aws4_request" in request_environ.get("HTTP_AUTHORIZATION", "")
    by_flask = (
        not bedrock_signed
        or "HTTP_ORIGIN" in request_environ
        or request_environ["REQUEST_METHOD"] in ("HEAD", "OPTIONS")
        or request_environ["PATH_INFO"].startswith("/moto-api")
    )
    # The reset before each call always goes through Flask (a moto path).
    assert flask_calls == ["/moto-api/reset", *([request_environ["PATH_INFO"]] if by_flask else [])]


def test_every_bedrock_operation_gets_the_same_answer_either_way(
    apps: tuple[Any, Any], flask_calls: list[str]
) -> None:
    direct, through_flask = apps
    requests = operation_requests()
    assert len(requests) > 100
    served_directly = set()
    for service, request_environ in requests:
        expected = answer(through_flask, request_environ)
        flask_calls.clear()
        assert answer(direct, request_environ) == expected, request_environ["RAW_URI"]
        if flask_calls == ["/moto-api/reset"]:
            served_directly.add(service)
        else:
            # moto's own bedrock-agent class answers some of these paths: Flask serves it.
            assert service != "bedrock-runtime", request_environ["RAW_URI"]
    assert served_directly == {"bedrock", "bedrock-runtime", "bedrock-agent-runtime"}


def test_the_stream_is_produced_as_it_is_read(apps: tuple[Any, Any]) -> None:
    """A stream served directly is still a generator (the server sends each frame as made)."""
    direct, _ = apps
    request = environ("POST", f"/model/{HAIKU}/converse-stream", {"messages": MESSAGES})
    body = direct(request, lambda status, headers, exc_info=None: None)
    assert not isinstance(body, (list, tuple))
    first = next(iter(body))
    assert first[8:12] and b":event-type" in first
    body.close()
