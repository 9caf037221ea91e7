"""The HTTP server: HTTP/1.1 keep-alive and cleartext HTTP/2 on one port, streams as they
are produced, moto's header semantics, 400 for oversized bodies, and the threaded class."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import h2.config
import h2.connection
import h2.events
import pytest

from moto_bedrock.httpd import ServerSettings, ThreadedBedrockServer, wsgi_environ
from moto_bedrock.httpd.bridge import HEADERS_TOO_LARGE, TOO_LARGE, UNSUPPORTED_TRANSFER_CODING
from tests.conftest import HAIKU, REGION, user

AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/bedrock/aws4_request, "
    "SignedHeaders=host, Signature=0"
)
CONVERSE_STREAM = f"/model/{HAIKU}/converse-stream"


@pytest.fixture(scope="module")
def bedrock_url() -> Iterator[str]:
    with ThreadedBedrockServer() as server:
        yield server.endpoint_url


def h2c_request(url: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request over cleartext HTTP/2 with prior knowledge (as the JS SDK sends it)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        connection.initiate_connection()
        request = [(":method", "POST"), (":path", path), (":scheme", "http")]
        request += [(":authority", f"{host}:{port}"), *headers.items()]
        connection.send_headers(1, request)
        connection.send_data(1, body, end_stream=True)
        sock.sendall(connection.data_to_send())
        status, data = 0, b""
        while True:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            for event in connection.receive_data(chunk):
                if isinstance(event, h2.events.ResponseReceived):
                    status = int(dict(event.headers)[b":status"])
                elif isinstance(event, h2.events.DataReceived):
                    data += event.data
                    connection.acknowledge_received_data(len(event.data), 1)
                elif isinstance(event, h2.events.StreamEnded):
                    return status, data
            sock.sendall(connection.data_to_send())


def test_boto3_talks_to_the_threaded_server(bedrock_url: str) -> None:
    client = boto3.client(
        "bedrock-runtime",
        region_name=REGION,
        endpoint_url=bedrock_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    response = client.converse(modelId=HAIKU, messages=[user("Hi")])
    assert response["stopReason"] == "end_turn"
    events = list(client.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"])
    assert list(events[0]) == ["messageStart"] and list(events[-1]) == ["metadata"]


def test_http2_prior_knowledge_and_http11_share_the_port(bedrock_url: str) -> None:
    body = json.dumps({"messages": [user("Hi")]}).encode()
    headers = {"content-type": "application/json", "authorization": AUTH}
    status, stream = h2c_request(bedrock_url, CONVERSE_STREAM, body, headers)
    assert status == 200
    assert b":event-type\x07\x00\x0cmessageStart" in stream
    assert b":event-type\x07\x00\x08metadata" in stream

    host, port = bedrock_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    peers = set()
    for _ in range(2):  # keep-alive: both answers on one connection
        connection.request("POST", CONVERSE_STREAM, body, headers)
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Connection") != "close"
        assert b":event-type\x07\x00\x08metadata" in response.read()
        assert connection.sock is not None
        peers.add(connection.sock.getsockname())
    connection.close()
    assert len(peers) == 1


def serve_app(app: Any, **settings: Any) -> ThreadedBedrockServer:
    return ThreadedBedrockServer(app=app, settings=ServerSettings(port=0, **settings)).start()


def test_each_chunk_reaches_the_client_as_it_is_produced() -> None:
    sent_first = threading.Event()
    client_has_first = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"first;"
        sent_first.set()
        # The second chunk is produced only once the client has read the first.
        assert client_has_first.wait(10)
        yield b"second"

    server = serve_app(app)
    try:
        host, port = server.get_host_and_port()
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        assert response.read1(6) == b"first;"
        client_has_first.set()
        assert response.read() == b"second"
        connection.close()
    finally:
        server.stop()


def test_an_oversized_body_is_answered_400() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b"ok"]

    server = serve_app(app, max_body=1000)
    try:
        host, port = server.get_host_and_port()
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("POST", "/", b"x" * 100_000)
        response = connection.getresponse()
        assert response.status == 400
        assert response.getheader("x-amzn-ErrorType", "").startswith("ValidationException:")
        assert json.loads(response.read()) == {"message": TOO_LARGE}
        connection.request("POST", "/", b"x" * 1000)  # the connection is still usable
        assert connection.getresponse().read() == b"ok"
        connection.close()
    finally:
        server.stop()


def test_headers_follow_moto_server_semantics() -> None:
    scope = {
        "type": "http",
        "method": "PUT",
        "path": "/bucket/key",
        "query_string": b"a=1",
        "http_version": "1.1",
        "server": ("127.0.0.1", 5000),
        "headers": [
            (b"Host", b"127.0.0.1:5000"),
            (b"X-Amz-Meta-My_Key", b"kept"),  # moto keeps underscored S3 metadata names
            (b"X_Other", b"dropped"),  # and drops every other underscored name
            (b"X-Dup", b"1"),
            (b"x-dup", b"2"),
            (b"Content-Type", b"text/plain"),
        ],
    }
    environ = wsgi_environ(scope, b"body")
    assert environ["HTTP_X_AMZ_META_MY_KEY"] == "kept"
    assert environ["moto.preserved_header_names"] == {"HTTP_X_AMZ_META_MY_KEY": "X-Amz-Meta-My_Key"}
    assert "HTTP_X_OTHER" not in environ
    assert environ["HTTP_X_DUP"] == "1,2"
    assert environ["CONTENT_TYPE"] == "text/plain"
    assert (environ["PATH_INFO"], environ["QUERY_STRING"]) == ("/bucket/key", "a=1")
    assert environ["wsgi.input"].read() == b"body"
    # An underscored name never stands in for the dashed one.
    scope["headers"] = [(b"X-Amz-Meta-A-B", b"dashed"), (b"X-Amz-Meta-A_B", b"underscored")]
    assert wsgi_environ(scope, b"")["HTTP_X_AMZ_META_A_B"] == "dashed"


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    read: list[bytes] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        read.append(environ["wsgi.input"].read())
        start_response("200 OK", [])
        return [b"ok"]

    server = serve_app(app, max_body=1000)
    try:
        host, port = server.get_host_and_port()
        with socket.create_connection((host, port), timeout=5) as sock:
            # 1,500 bytes of a body whose end never comes: the answer cannot wait for it.
            head = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            sock.sendall(head + b"5dc\r\n" + b"x" * 1500 + b"\r\n")
            answer = b""
            while b"}" not in answer:
                piece = sock.recv(4096)
                assert piece, answer
                answer += piece
        assert answer.startswith(b"HTTP/1.1 400"), answer
        assert json.loads(answer.partition(b"\r\n\r\n")[2]) == {"message": TOO_LARGE}
        assert read == []  # the app never ran
    finally:
        server.stop()


def test_a_small_whole_answer_is_one_write_and_a_stream_one_per_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hypercorn.asyncio.tcp_server import TCPServer
    from hypercorn.events import RawData

    writes: list[bytes] = []
    protocol_send = TCPServer.protocol_send

    async def recorded(self: Any, event: Any) -> None:
        if isinstance(event, RawData) and event.data:
            writes.append(event.data)
        await protocol_send(self, event)

    monkeypatch.setattr(TCPServer, "protocol_send", recorded)
    streamed = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] == "/whole":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
            return [b"he", b"llo"]

        def chunks() -> Iterator[bytes]:
            yield b"one;"
            assert streamed.wait(10)  # the first chunk is out before the second is made
            yield b"two"

        start_response("200 OK", [("Content-Type", "text/plain")])
        return chunks()

    server = serve_app(app)
    try:
        host, port = server.get_host_and_port()
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("GET", "/whole")
        assert connection.getresponse().read() == b"hello"
        assert len(writes) == 1 and writes[0].startswith(b"HTTP/1.1 200 ")
        assert writes[0].endswith(b"\r\n\r\nhello")
        writes.clear()
        connection.request("GET", "/stream")  # the same connection: kept alive
        response = connection.getresponse()
        assert response.read1(4) == b"one;"
        streamed.set()
        assert response.read() == b"two"
        # The head with the first chunk, then the second chunk, then the chunked ending.
        assert writes[0].startswith(b"HTTP/1.1 200 ") and writes[0].endswith(b"4\r\none;\r\n")
        assert writes[1:] == [b"3\r\ntwo\r\n", b"0\r\n\r\n"]
        connection.close()
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("request_bytes", "status", "code", "message"),
    [
        (  # a transfer coding h11 does not implement: its hint is 501
            b"POST /model/x/converse HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            501,
            b"NotImplementedException:",
            UNSUPPORTED_TRANSFER_CODING,
        ),
        (  # headers past h11's buffer: its hint is 431
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
            431,
            b"ValidationException:",
            HEADERS_TOO_LARGE,
        ),
    ],
)
def test_a_request_h11_refuses_gets_a_modeled_error_of_its_status(
    bedrock_url: str, request_bytes: bytes, status: int, code: bytes, message: str
) -> None:
    host, port = bedrock_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request_bytes)
        answer = b""
        while piece := sock.recv(65536):
            answer += piece
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status}".encode()), answer
    assert b"x-amzn-errortype: " + code in head, head
    assert json.loads(body) == {"message": message}
