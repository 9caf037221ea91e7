"""Shared fixtures: every behaviour runs in-process and against a real server.

The session starts one ``python -m moto_bedrock`` process on a free loopback port (one per
xdist worker) and resets it before each server-mode test, exactly as a user's CI would.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from moto_bedrock import mock_bedrock
from moto_bedrock.behaviour.control import BedrockControl, RemoteControl
from moto_bedrock.pytest_plugin import BedrockServer

REGION = "us-east-1"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"

# Credentials are never real: moto accepts anything, and nothing leaves loopback.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
    os.environ.pop(proxy, None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(*args: str, command: list[str] | None = None) -> BedrockServer:
    """Start ``python -m moto_bedrock`` (or ``command``) on a free loopback port.

    The plugin's starter makes sure the server that answers is this one (a parallel
    session's server could take the port between choosing and binding it).
    """
    return BedrockServer(*args, command=command).start()


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    # Tests set a local LLM (a fake one on loopback) over HTTP, which needs the flag.
    server = start_server("--allow-llm-host", "127.0.0.1")
    try:
        yield server.endpoint_url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def werkzeug_url() -> Iterator[str]:
    """A server on moto's own werkzeug server (``--server werkzeug``)."""
    server = start_server("--server", "werkzeug")
    try:
        yield server.endpoint_url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def upstream_url() -> Iterator[str]:
    """A second server, standing in for real Bedrock where calls are recorded from it."""
    server = start_server()
    try:
        yield server.endpoint_url
    finally:
        server.stop()


# One boto3 session for the whole run. moto's mock replaces boto3's default session with a
# new one each time it starts, and a new session parses the service models again: that was
# the largest per-test cost of the suite. Clients made from this session are still mocked
# (moto's stubber is one of botocore's built-in handlers, and moto is imported above).
_SESSION = boto3.Session()
# Clients with the default config, one per (service, region, endpoint). A client holds no
# Bedrock state (that lives in the backends, reset for every test), so sharing is safe;
# clients with a config of their own (retry modes keep quotas) are made fresh.
_CLIENTS: dict[tuple[str, str, str | None], Any] = {}


@dataclass
class Aws:
    """A way to make boto3 clients for one mode: ``inprocess`` or ``server``."""

    mode: str
    endpoint_url: str | None

    def client(self, service: str, region: str = REGION, **config: Any) -> Any:
        key = (service, region, self.endpoint_url)
        if not config and key in _CLIENTS:
            return _CLIENTS[key]
        client = _SESSION.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            # No retries unless a test asks: botocore's ``max_attempts`` counts retries,
            # so only ``total_max_attempts: 1`` means a single attempt.
            config=Config(**{"retries": {"total_max_attempts": 1}, **config}),
        )
        if not config:
            _CLIENTS[key] = client
        return client

    def controls(self, region: str = REGION) -> Any:
        """The control API for this mode: in-process calls, or HTTP to the server."""
        if self.endpoint_url is None:
            return BedrockControl(region=region)
        return RemoteControl(self.endpoint_url, region=region)

    def runtime_url(self, region: str = REGION) -> str:
        """Base URL for raw HTTP calls to bedrock-runtime in this mode."""
        return self.endpoint_url or f"https://bedrock-runtime.{region}.amazonaws.com"


@pytest.fixture(params=["inprocess", "server"])
def aws(request: pytest.FixtureRequest) -> Iterator[Aws]:
    """boto3 clients for in-process mocking and for the real server, in turn."""
    if request.param == "inprocess":
        with mock_bedrock():
            yield Aws("inprocess", None)
    else:
        url = request.getfixturevalue("server_url")
        requests.post(f"{url}/moto-api/reset", timeout=5).raise_for_status()
        yield Aws("server", url)


@pytest.fixture
def runtime(aws: Aws) -> Any:
    return aws.client("bedrock-runtime")


@pytest.fixture
def control(aws: Aws) -> Any:
    return aws.client("bedrock")


def foundation_id(model_id: str) -> str:
    """The foundation-model id inside a system inference-profile id (``us.x`` -> ``x``)."""
    prefix, _, rest = model_id.partition(".")
    return rest if prefix in ("us", "eu", "apac", "global", "us-gov", "jp", "au") else model_id


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": text}]}


def signed_request(
    method: str, url: str, body: bytes | str = b"", headers: dict[str, str] | None = None
) -> requests.Response:
    """A raw HTTP request signed with SigV4 for the ``bedrock`` signing name.

    Server mode needs the signature to tell Bedrock from other services (moto routes
    unsigned requests to S3), so raw tests sign just as any SDK would.
    """
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    data = body.encode() if isinstance(body, str) else body
    request = AWSRequest(method=method, url=url, data=data, headers=headers or {})
    SigV4Auth(Credentials("testing", "testing"), "bedrock", REGION).add_auth(request)
    prepared = request.prepare()
    return requests.request(
        method, prepared.url, data=data, headers=dict(prepared.headers), timeout=10
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what tests recorded as ``fuzz_summary`` (seed and counts), even under xdist."""
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", []):
                if name == "fuzz_summary":
                    terminalreporter.write_line(str(value))
