"""The container recipe: the repository's Dockerfile builds and its image runs the server.

Needs a docker that can build (a daemon, and the python base image reachable or cached);
where there is none the test is skipped and says why. Slow: a build takes minutes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TAG = "moto-bedrock-ci-test"

pytestmark = pytest.mark.slow


def docker() -> str:
    path = shutil.which("docker")
    if path is None:
        pytest.skip("docker is not on PATH")
    info = subprocess.run([path, "info"], capture_output=True, text=True, timeout=60)
    if info.returncode != 0:
        pytest.skip(f"docker cannot build here (no daemon): {info.stderr.strip()[:200]}")
    return path


def test_the_dockerfile_builds_and_runs_the_server() -> None:
    binary = docker()
    build = subprocess.run(
        [binary, "build", "-t", TAG, str(ROOT)], capture_output=True, text=True, timeout=1200
    )
    output = build.stdout + build.stderr
    if (
        build.returncode != 0
        and "python:3.12-slim" in output
        and ("pull" in output or "resolve" in output or "not found" in output)
    ):
        pytest.skip(f"the base image python:3.12-slim is not reachable:\n{output[-500:]}")
    assert build.returncode == 0, output[-3000:]
    version = subprocess.run(
        [binary, "run", "--rm", TAG, "--version"], capture_output=True, text=True, timeout=300
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("moto-bedrock ")
