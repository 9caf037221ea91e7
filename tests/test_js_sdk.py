"""The AWS SDK for JavaScript v3 parses our server's responses, streams and errors.

Runs ``tests/js/check.mjs`` with node against the session server (the JS SDK cannot run
in-process). ``npm ci`` installs the pinned SDK into ``tests/js/node_modules`` when it is
missing or does not match ``package-lock.json``. In CI (``CI`` set) node and npm are
required and their absence fails the test; on a developer machine with only Python the test
is skipped with that reason. Marked slow (node, and ``npm ci`` on a first run, take longer
than the README's suite allows), so CI runs it with ``-m slow``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from tests.conftest import HAIKU, REGION, user

JS_DIR = Path(__file__).parent / "js"
CHECKS = {
    "stream-fault",
    "converse",
    "converse-stream",
    "invoke-model",
    "invoke-model-stream",
    "error-unknown-model",
    "error-unknown-model-stream",
    "error-temperature",
    "error-output-modality",
}
ANTHROPIC_BODY = json.dumps(
    {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "Hi"}],
    }
)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not on PATH: the JS SDK test needs node >= 20 and npm"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must have them)")
        pytest.skip(reason)
    return path


def installed_matches_lock() -> bool:
    """Whether node_modules holds exactly the versions package-lock.json pins."""
    hidden = JS_DIR / "node_modules" / ".package-lock.json"  # npm writes it last
    if not hidden.exists():
        return False
    wanted = json.loads((JS_DIR / "package-lock.json").read_text())["packages"]
    have = json.loads(hidden.read_text())["packages"]
    return all(
        have.get(name, {}).get("version") == entry.get("version")
        for name, entry in wanted.items()
        if name  # "" is the root package
    )


def npm_ci() -> None:
    if installed_matches_lock():
        return
    result = subprocess.run(
        [tool("npm"), "ci", "--no-audit", "--no-fund"],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"npm ci failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def boto3_results(url: str) -> dict[str, Any]:
    """What boto3 gets from the same server for the requests check.mjs sends."""
    config: dict[str, Any] = {
        "region_name": REGION,
        "endpoint_url": url,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    runtime = boto3.client("bedrock-runtime", **config)
    control = boto3.client("bedrock", **config)
    prompt = [user("Tell me about owls")]
    converse = runtime.converse(modelId=HAIKU, messages=prompt)
    invoke = json.loads(runtime.invoke_model(modelId=HAIKU, body=ANTHROPIC_BODY)["body"].read())

    def message(call: Any, **kwargs: Any) -> str:
        with pytest.raises(ClientError) as excinfo:
            call(**kwargs)
        return str(excinfo.value.response["Error"]["Message"])

    return {
        "converse": converse["output"]["message"]["content"][0]["text"],
        "stopReason": converse["stopReason"],
        "invoke": invoke["content"][0]["text"],
        "error-temperature": message(
            runtime.converse,
            modelId=HAIKU,
            messages=prompt,
            inferenceConfig={"temperature": 1.5},
        ),
        "error-output-modality": message(control.list_foundation_models, byOutputModality="SMELL"),
    }


@pytest.mark.slow
def test_js_sdk_parses_responses_streams_and_errors(server_url: str) -> None:
    node = tool("node")
    npm_ci()
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    # The first stream check.mjs opens takes this fault (see its header).
    requests.post(
        f"{server_url}/moto-api/bedrock/inject_stream_error",
        json={"error": "throttlingException", "after_events": 3},
        timeout=5,
    ).raise_for_status()
    env = {k: v for k, v in os.environ.items() if k != "AWS_BEARER_TOKEN_BEDROCK"}
    result = subprocess.run(
        [node, str(JS_DIR / "check.mjs"), server_url],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    checks = {line["check"]: line for line in map(json.loads, result.stdout.splitlines())}
    assert set(checks) == CHECKS, output
    assert all(line["ok"] for line in checks.values()), output

    expected = boto3_results(server_url)
    fault = checks["stream-fault"]
    assert fault["instanceOf"] == fault["name"] == "ThrottlingException"
    assert fault["message"] == "Too many requests, please wait before trying again."
    assert fault["eventsBefore"] == ["messageStart", "contentBlockDelta", "contentBlockDelta"]

    assert checks["converse"]["stopReason"] == expected["stopReason"] == "end_turn"
    assert checks["converse"]["text"] == expected["converse"]
    assert checks["converse-stream"]["text"] == expected["converse"]
    assert checks["converse-stream"]["stopReason"] == "end_turn"
    assert checks["invoke-model"]["text"] == expected["invoke"]
    assert checks["invoke-model-stream"]["text"] == expected["invoke"]
    assert checks["invoke-model-stream"]["types"] == ["message_start", "message_stop"]

    for name in ("error-unknown-model", "error-unknown-model-stream"):
        assert checks[name]["instanceOf"] == "ValidationException"
        assert checks[name]["message"] == "The provided model identifier is invalid."
        assert checks[name]["status"] == 400
    assert (
        checks["error-temperature"]["message"]
        == expected["error-temperature"]
        == (
            "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to "
            "satisfy constraint: Member must have value less than or equal to 1"
        )
    )
    modality = checks["error-output-modality"]["message"]
    assert modality == expected["error-output-modality"]
    assert modality.startswith(  # the enum values follow botocore's model
        "1 validation error detected: Value 'SMELL' at 'byOutputModality' failed to satisfy "
        "constraint: Member must satisfy enum value set: ["
    )
    for name in ("error-temperature", "error-output-modality"):
        assert checks[name]["instanceOf"] == "ValidationException"
        assert checks[name]["status"] == 400
