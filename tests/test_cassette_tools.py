"""Record and replay from the places users reach it: mock_bedrock(cassette=...), the config
file, the pytest marker and options, and the ``moto_bedrock cassette`` command."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
import yaml

from moto_bedrock import BedrockControl, mock_bedrock
from moto_bedrock.behaviour.cassettes import Interaction, dump_interactions
from moto_bedrock.cli import main as cli

from .conftest import HAIKU, Aws, user

pytest_plugins = ["pytester"]


def _recorded(path: Path) -> None:
    dump_interactions(
        path,
        [
            Interaction(
                "Converse",
                {"modelId": HAIKU, "messages": [user("Ping")]},
                response={
                    "output": {"message": {"role": "assistant", "content": [{"text": "Pong."}]}},
                    "stopReason": "end_turn",
                    "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3},
                    "metrics": {"latencyMs": 5},
                },
            )
        ],
    )


def test_mock_bedrock_takes_a_cassette(tmp_path: Path) -> None:
    path = tmp_path / "ping.yaml"
    _recorded(path)
    with mock_bedrock(cassette={"path": str(path)}):
        runtime = boto3.client("bedrock-runtime", region_name="us-east-1")
        answer = runtime.converse(modelId=HAIKU, messages=[user("Ping")])
    assert answer["output"]["message"]["content"] == [{"text": "Pong."}]


def test_the_config_file_section_uses_and_reports_a_cassette(aws: Aws, tmp_path: Path) -> None:
    path = tmp_path / "ping.yaml"
    _recorded(path)
    controls = aws.controls()
    result = controls.load_config(config={"cassette": {"path": str(path), "ignore": ["system"]}})
    assert result["sections"] == ["cassette"]
    assert controls.get_config()["cassette"] == {
        "path": str(path),
        "mode": "none",
        "upstream": None,
        "ignore": ["system"],
        "redact": [],
    }
    runtime = aws.client("bedrock-runtime")
    answer = runtime.converse(modelId=HAIKU, messages=[user("Ping")], system=[{"text": "x"}])
    assert answer["output"]["message"]["content"] == [{"text": "Pong."}]
    controls.load_config(config={"cassette": {}})
    assert controls.get_cassette() == {}


def test_a_bad_cassette_section_leaves_the_config_unchanged(aws: Aws) -> None:
    controls = aws.controls()
    with pytest.raises(ValueError, match="cassette: mode must be one of"):
        controls.load_config(
            config={
                "replies": {"static": {"text": "A"}},
                "cassette": {"path": "a.yaml", "mode": "x"},
            }
        )
    assert controls.get_config()["replies"] == BedrockControl().get_config()["replies"]


SAMPLE = """
import pytest

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def ask(handle, text):
    runtime = handle.client("bedrock-runtime")
    answer = runtime.converse(modelId=HAIKU, messages=[{"role": "user", "content": [{"text": text}]}])
    return answer["output"]["message"]["content"][0]["text"]


@pytest.mark.bedrock_cassette("shared", mode="once")
def test_in_process(bedrock):
    assert ask(bedrock, "Hello")


@pytest.mark.bedrock_cassette(mode="once")
def test_against_the_server(bedrock_server):
    assert ask(bedrock_server, "Hello")
"""


@pytest.fixture
def sample(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in [n for n in os.environ if n.startswith("PYTEST_XDIST_")]:
        monkeypatch.delenv(name)
    pytester.makepyfile(test_sample=SAMPLE)
    return pytester


@pytest.mark.slow
def test_the_marker_records_once_then_replays_with_the_upstream_gone(
    sample: pytest.Pytester, upstream_url: str
) -> None:
    first = sample.runpytest_subprocess(
        "-p", "no:cacheprovider", "--bedrock-upstream", upstream_url
    )
    first.assert_outcomes(passed=2)
    folder = sample.path / "cassettes"
    assert sorted(p.name for p in folder.iterdir()) == [
        "shared.yaml",
        "test_against_the_server.yaml",
    ]
    before = {p.name: p.read_text() for p in folder.iterdir()}
    # Replay only: the upstream named now does not exist, so any forwarding would fail.
    again = sample.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--bedrock-record-mode",
        "none",
        "--bedrock-upstream",
        "http://127.0.0.1:9",
    )
    again.assert_outcomes(passed=2)
    assert {p.name: p.read_text() for p in folder.iterdir()} == before


def test_show_prints_the_conversation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ping.yaml"
    _recorded(path)
    assert cli(["cassette", "show", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"[0] Converse {HAIKU}",
        "  user: Ping",
        "  -> assistant: Pong.",
        '  -> stopReason end_turn, usage {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}',
    ]


def test_check_accepts_a_good_cassette_and_names_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ping.yaml"
    _recorded(path)
    assert cli(["cassette", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: 1 interactions fit botocore's shapes\n"
    document = yaml.safe_load(path.read_text())
    document["interactions"][0]["response"]["stopReason"] = 7
    document["interactions"][0]["request"]["messages"][0]["role"] = ["user"]
    path.write_text(yaml.safe_dump(document))
    assert cli(["cassette", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "interactions[0] (Converse).request: Invalid type for parameter messages[0].role" in out
    assert "interactions[0] (Converse).response: Invalid type for parameter stopReason" in out


def test_check_refuses_a_file_that_is_not_a_cassette(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.yaml"
    path.write_text("hello: world\n")
    assert cli(["cassette", "check", str(path)]) == 1
    assert "not a cassette" in capsys.readouterr().err
