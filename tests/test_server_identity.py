"""Who the server is and what it holds: banner, --version, help, GET summary and GET reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

import moto_bedrock
from moto_bedrock.server import build_parser, version_text
from tests.conftest import start_server, user


def test_version_and_help_name_the_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "moto_bedrock", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.startswith(f"moto-bedrock {moto_bedrock.__version__} (moto ")
    help_text = build_parser(prog="moto_bedrock_server").format_help()
    assert help_text.startswith("usage: moto_bedrock_server ")
    for flag in ("--config FILE", "-H HOST", "-p PORT", "--reload", "--ssl-cert", "--server"):
        assert flag in help_text
    assert version_text().startswith("moto-bedrock ")


def test_banner_names_the_server_and_what_each_config_file_sets(tmp_path: Path) -> None:
    config = tmp_path / "slow.yaml"
    config.write_text("streaming: {chunking: word}\nvalidation: {lenient: [max-tokens]}\n")
    server = start_server("--config", str(config))
    try:
        banner = server._log_text().decode()
        assert f"moto-bedrock {moto_bedrock.__version__} (moto " in banner
        assert f" * Running on {server.endpoint_url} (hypercorn, HTTP/1.1 and HTTP/2)" in banner
        assert f" * config {config}: sets streaming, validation (us-east-1)" in banner
    finally:
        server.stop()


def test_get_summary_and_read_only_operations(server_url: str) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    import boto3

    runtime = boto3.client(
        "bedrock-runtime",
        region_name="eu-west-1",
        endpoint_url=server_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    runtime.converse(modelId="amazon.nova-micro-v1:0", messages=[user("Hi")])
    summary = requests.get(f"{server_url}/moto-api/bedrock/", timeout=5).json()
    assert summary["name"] == "moto-bedrock" and summary["version"] == moto_bedrock.__version__
    assert summary["accounts"]["123456789012"]["eu-west-1"]["history"]["calls"] == 1
    assert summary["catalog"]["models"] > 10
    assert "get_clock" in summary["control"]["read_only"]

    read = requests.get(f"{server_url}/moto-api/bedrock/get_validation", timeout=5)
    assert (
        read.status_code == 200
        and read.json()
        == requests.post(f"{server_url}/moto-api/bedrock/get_validation", json={}, timeout=5).json()
    )
    history = requests.get(
        f"{server_url}/moto-api/bedrock/get_call_history?region=eu-west-1", timeout=5
    ).json()
    assert len(history["calls"]) == 1
    refused = requests.get(f"{server_url}/moto-api/bedrock/clear_call_history", timeout=5)
    assert refused.status_code == 405
