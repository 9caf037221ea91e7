"""Server mode: the console script, python -m, ThreadedMotoServer and TEST_SERVER_MODE."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.conftest import HAIKU, REGION, free_port, start_server, user


def client(service: str, url: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_server_serves_other_moto_services_too(server_url: str) -> None:
    s3 = client("s3", server_url)
    s3.create_bucket(Bucket="alongside-bedrock")
    assert "alongside-bedrock" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    response = client("bedrock-runtime", server_url).converse(modelId=HAIKU, messages=[user("Hi")])
    assert response["stopReason"] == "end_turn"


def test_console_script_starts_the_server() -> None:
    # The script sits next to the interpreter running the tests (a venv needn't be on PATH).
    beside = os.path.join(os.path.dirname(sys.executable), "moto_bedrock_server")
    script = beside if os.path.exists(beside) else shutil.which("moto_bedrock_server")
    if script is None:
        pytest.fail("moto_bedrock_server is not on PATH: is the package installed?")
    server = start_server(command=[script])
    try:
        models = client("bedrock", server.endpoint_url).list_foundation_models()["modelSummaries"]
        assert any(m["modelId"] == HAIKU for m in models)
    finally:
        server.stop()


def test_server_accepts_moto_server_flags() -> None:
    # The starter passes -H 127.0.0.1 and -p; a moto_server flag after them wins.
    server = start_server("-H", "127.0.0.1")
    try:
        url = server.endpoint_url
        response = client("bedrock-runtime", url).converse(modelId=HAIKU, messages=[user("Hi")])
        assert response["output"]["message"]["role"] == "assistant"
    finally:
        server.stop()


def test_threaded_moto_server_serves_our_bedrock() -> None:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        response = client("bedrock-runtime", url).converse(modelId=HAIKU, messages=[user("Hi")])
        assert response["stopReason"] == "end_turn"
    finally:
        server.stop()


def test_test_server_mode_convention_targets_our_server(server_url: str) -> None:
    # moto's convention: with TEST_SERVER_MODE=true, mock_aws points boto3 at the server.
    script = (
        "import boto3\n"
        "from moto import mock_aws\n"
        "import moto_bedrock\n"
        "@mock_aws\n"
        "def run():\n"
        "    c = boto3.client('bedrock-runtime', region_name='us-east-1')\n"
        f"    r = c.converse(modelId={HAIKU!r}, messages=[{{'role': 'user', "
        "'content': [{'text': 'Hi'}]}])\n"
        "    print(r['stopReason'])\n"
        "run()\n"
    )
    env = {
        **os.environ,
        "TEST_SERVER_MODE": "true",
        "TEST_SERVER_MODE_ENDPOINT": server_url,
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "end_turn"
