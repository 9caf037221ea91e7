"""The pytest plugin, run the way users run it: pytest in a subprocess, via pytester."""

from __future__ import annotations

import os
import re

import pytest

pytest_plugins = ["pytester"]

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"

# A user's test module: every test runs against both fixtures and checks it starts clean.
SAMPLE = """
import os
from pathlib import Path

import pytest

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
ENDPOINTS = Path(__file__).parent / "endpoints.log"

pytestmark = pytest.mark.bedrock_config("rules/base.yaml")


def user(text):
    return {"role": "user", "content": [{"text": text}]}


@pytest.fixture(params=["bedrock", "bedrock_server"])
def mocked(request):
    handle = request.getfixturevalue(request.param)
    # Reset between tests: whatever ran before, nothing is recorded yet.
    assert len(handle.history()) == 0
    if handle.endpoint_url is not None:
        assert handle.endpoint_url.startswith("http://127.0.0.1:")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with ENDPOINTS.open("a") as log:
            log.write(f"{worker} {handle.endpoint_url}\\n")
    return handle


@pytest.mark.bedrock_config("rules/reply.yaml", {"history": {"cap": 5}})
def test_marked_configs_apply(mocked):
    reply = mocked.client("bedrock-runtime").converse(modelId=HAIKU, messages=[user("Hi")])
    assert reply["output"]["message"]["content"] == [{"text": "Scripted."}]
    config = mocked.control.get_config()
    assert config["streaming"]["chunking"] == "word"
    assert config["history"] == {"cap": 5}
    mocked.history().assert_called(times=1, source="static")


def test_only_the_module_mark_applies_here(mocked):
    mocked.client("bedrock-runtime").converse(modelId=HAIKU, messages=[user("Hi")])
    assert mocked.history().last["source"] == "default"
    assert mocked.control.get_config()["history"] == {"cap": 1000}


def test_clients_reach_the_mock(mocked):
    models = mocked.client("bedrock").list_foundation_models()["modelSummaries"]
    assert any(m["modelId"] == HAIKU for m in models)


def test_a_failure_shows_the_history(mocked):
    mocked.client("bedrock-runtime").converse(modelId=HAIKU, messages=[user("Remember me")])
    assert False, "deliberate failure"
"""

HISTORY_LINE = f"#1 Converse {HAIKU} [default] end_turn user: 'Remember me'"


@pytest.fixture
def sample(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    # When this suite itself runs under xdist, the inner pytest must not look like a worker.
    for name in [n for n in os.environ if n.startswith("PYTEST_XDIST_")]:
        monkeypatch.delenv(name)
    pytester.makepyfile(test_sample=SAMPLE)
    rules = pytester.mkdir("rules")
    (rules / "base.yaml").write_text("streaming:\n  chunking: word\n")
    (rules / "reply.yaml").write_text("replies:\n  static:\n    text: Scripted.\n")
    return pytester


def history_sections(output: str) -> list[str]:
    """The text of each "bedrock call history" section in a pytest report."""
    return re.findall(r"-+ bedrock call history -+\n(.*?)\n", output)


@pytest.mark.slow  # runs other Python processes: CI runs it (-m slow)
def test_fixtures_markers_reset_and_history_on_failure(sample: pytest.Pytester) -> None:
    # --strict-markers: the plugin registers its marker.
    result = sample.runpytest_subprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, failed=2)
    output = result.stdout.str()
    # Only the two failures carry the section, each with the failed test's own call.
    assert history_sections(output) == [HISTORY_LINE, HISTORY_LINE]
    result.stdout.fnmatch_lines(
        ["*test_a_failure_shows_the_history?bedrock?*", "*deliberate failure*"]
    )
    # One server for the session, used by each of the four server tests.
    assert servers_by_worker(sample) == {"main": 1}


def servers_by_worker(sample: pytest.Pytester) -> dict[str, int]:
    """How many distinct servers each worker's server tests used (from endpoints.log)."""
    pairs = [line.split() for line in (sample.path / "endpoints.log").read_text().splitlines()]
    workers = {worker for worker, _ in pairs}
    assert len(pairs) == 4 * len(workers)  # each worker ran the four server tests
    # No two workers share a server.
    assert len({url for _, url in pairs}) == len({(worker, url) for worker, url in pairs})
    return {worker: len({u for w, u in pairs if w == worker}) for worker in workers}


@pytest.mark.slow  # three interpreters and two servers: about 25 s of CPU on 2 cores
def test_each_xdist_worker_runs_its_own_server(sample: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    # --dist each: both workers run every test, so both need a server.
    result = sample.runpytest_subprocess(
        "-p", "xdist", "-n", "2", "--dist", "each", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=12, failed=4)
    assert history_sections(result.stdout.str()) == [HISTORY_LINE] * 4
    assert servers_by_worker(sample) == {"gw0": 1, "gw1": 1}


MISUSE = """
import pytest


@pytest.mark.bedrock_config("rules.yaml")
def test_marker_without_a_fixture():
    pass


@pytest.mark.bedrock_config("broken.yaml")
def test_a_broken_file(bedrock):
    pass


@pytest.mark.bedrock_config("missing.yaml")
def test_a_missing_file(bedrock):
    pass


@pytest.mark.bedrock_config()
def test_a_marker_with_nothing(bedrock):
    pass


def test_not_using_the_plugin():
    pass
"""


@pytest.mark.slow  # runs other Python processes: CI runs it (-m slow)
def test_misuse_is_reported_clearly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_misuse=MISUSE)
    pytester.makefile(".yaml", rules="history: {cap: 3}\n", broken="history: {cap: 0}\n")
    # "-p moto_bedrock" is how .ci/moto-tests loads the package: the plugin still loads.
    result = pytester.runpytest_subprocess("-p", "moto_bedrock", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1, errors=3)
    broken = pytester.path / "broken.yaml"
    missing = pytester.path / "missing.yaml"
    result.stdout.fnmatch_lines_random(
        [
            "*@pytest.mark.bedrock_config needs the bedrock or bedrock_server fixture in the test",
            f"*@pytest.mark.bedrock_config: {broken}: history.cap must be a positive integer; "
            "got 0",
            f"*@pytest.mark.bedrock_config: {missing}: cannot read the file: *",
            "*@pytest.mark.bedrock_config needs at least one file or dict",
        ]
    )
    assert "bedrock call history" not in result.stdout.str()


@pytest.mark.slow  # runs other Python processes: CI runs it (-m slow)
def test_the_plugin_can_be_disabled_by_its_entry_point_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_off="def test_uses_it(bedrock):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:moto_bedrock_plugin", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'bedrock' not found*"])
