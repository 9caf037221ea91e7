"""The declarative config: load_config / get_config / reset_behaviour, files, --config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from moto_bedrock.behaviour.config import read_config_file
from moto_bedrock.behaviour.control import ConfigError, RemoteControl
from moto_bedrock.server import build_parser
from tests.conftest import HAIKU, Aws, free_port, start_server, user

EXAMPLE = Path(__file__).parent / "data" / "bedrock-rules.yaml"
SECTIONS = [
    "replies",
    "faults",
    "quotas",
    "latency",
    "guardrails",
    "clock",
    "jobs",
    "cassette",
    "streaming",
    "validation",
    "history",
]
DEFAULT_STREAMING = {
    "chunking": "token",
    "size": 1,
    "chunks": None,
    "time_to_first_token_ms": None,
    "tokens_per_second": None,
    "sleep": True,
}
# The sections this module owns the format of; the areas' own defaults are theirs.
OWN_DEFAULTS = {
    "clock": {},
    "streaming": DEFAULT_STREAMING,
    "validation": {"lenient": []},
    "history": {"cap": 1000},
}
SOME = {
    "clock": {"manual": True, "now": 50},
    "streaming": {"chunking": "word", "size": 2},
    "validation": {"lenient": ["max-tokens"]},
    "history": {"cap": 2},
}


def test_load_config_applies_each_section(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    assert controls.load_config(config=SOME) == {
        "regions": ["us-east-1"],
        "sections": ["clock", "streaming", "validation", "history"],
    }
    assert controls.get_clock() == {"manual": True, "now": 50}
    assert controls.get_streaming() == {**DEFAULT_STREAMING, "chunking": "word", "size": 2}
    assert controls.get_validation()["lenient"] == ["max-tokens"]
    for index in range(3):
        runtime.count_tokens(modelId=HAIKU, input={"converse": {"messages": [user(f"n{index}")]}})
    assert [c["sequence"] for c in controls.get_call_history()["calls"]] == [2, 3]
    # The lenient rule is really waived: 9000 is over Haiku's 4096-token output limit.
    runtime.converse(modelId=HAIKU, messages=[user("Hi")], inferenceConfig={"maxTokens": 9000})
    assert controls.history().last["waived_rules"] == ["max-tokens"]


def test_get_config_dumps_every_section(aws: Aws) -> None:
    config = aws.controls().get_config()
    assert list(config) == SECTIONS
    assert {key: config[key] for key in OWN_DEFAULTS} == OWN_DEFAULTS
    aws.controls().load_config(config=SOME)
    config = aws.controls().get_config()
    assert {key: config[key] for key in OWN_DEFAULTS} == {
        "clock": {"manual": True, "now": 50},
        "streaming": {**DEFAULT_STREAMING, "chunking": "word", "size": 2},
        "validation": {"lenient": ["max-tokens"]},
        "history": {"cap": 2},
    }


def test_the_complete_example_file_loads_and_round_trips(aws: Aws) -> None:
    controls = aws.controls()
    assert controls.load_config_file(EXAMPLE) == {"regions": ["us-east-1"], "sections": SECTIONS}
    dumped = controls.get_config()
    assert dumped["streaming"]["chunking"] == "word"
    assert dumped["history"] == {"cap": 500}
    assert [rule["name"] for rule in dumped["replies"]["rules"]] == [
        "weather",
        "after-weather",
        "refuse",
    ]
    assert [fault["error"] for fault in dumped["faults"]] == [
        "ThrottlingException",
        "ModelErrorException",
    ]
    assert [quota["model"] for quota in dumped["quotas"]] == [
        "anthropic.claude-3-haiku*",
        "re:^amazon\\.titan-",
    ]
    assert dumped["latency"][0]["time_to_first_token_ms"] == 250
    controls.reset_behaviour()
    controls.load_config(config=dumped)
    assert controls.get_config() == dumped


def test_the_example_file_drives_the_runtime(aws: Aws, runtime: Any) -> None:
    aws.controls().load_config_file(EXAMPLE)
    tools = {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {}}}}]}
    replies = [
        runtime.converse(modelId=HAIKU, messages=[user("What's the weather?")], toolConfig=tools)
        for _ in range(3)
    ]
    # The global queue answers first, then the first matching rule.
    assert [r["output"]["message"]["content"][0] for r in replies] == [
        {"text": "First queued answer."},
        {"text": "Second queued answer."},
        {"text": "Let me look that up."},
    ]
    assert replies[1]["usage"] == {"inputTokens": 10, "outputTokens": 4, "totalTokens": 14}
    assert replies[2]["stopReason"] == "tool_use"
    sources = [call["source"] for call in aws.controls().history()]
    assert sources == ["queue", "queue", "rule:weather"]


def test_sections_left_out_are_left_alone(aws: Aws) -> None:
    controls = aws.controls()
    controls.load_config(config=SOME)
    controls.load_config(config={"streaming": {"chunking": "character"}})
    config = controls.get_config()
    assert config["streaming"]["chunking"] == "character" and config["streaming"]["size"] == 1
    assert config["validation"] == {"lenient": ["max-tokens"]}
    assert config["history"] == {"cap": 2}
    assert config["clock"] == {"manual": True, "now": 50}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"streaming": {}, "fautls": []},
            "unknown top-level key 'fautls'; expected some of replies, faults, quotas, "
            "latency, guardrails, clock, jobs, cassette, streaming, validation, history, regions",
        ),
        (
            ["streaming"],
            "a config must be a mapping of sections (replies, faults, quotas, "
            "latency, guardrails, clock, jobs, cassette, streaming, validation, history, regions); got list",
        ),
        ({"streaming": {"size": 0}}, "streaming.size must be a positive integer; got 0"),
        (
            {"streaming": {"chunk": "word"}},
            "streaming: unknown keys ['chunk']; expected some of ['chunking', 'chunks', "
            "'size', 'sleep', 'time_to_first_token_ms', 'tokens_per_second']",
        ),
        ({"streaming": "word"}, "streaming must be a mapping; got str"),
        (
            {"validation": {"lenient": ["no-such-rule"]}},
            "validation.lenient: unknown rules ['no-such-rule']; expected some of",
        ),
        (
            {"validation": {"lenient": "*"}},
            "validation.lenient must be a list of rule ids; got '*'",
        ),
        ({"history": {"cap": 0}}, "history.cap must be a positive integer; got 0"),
        (
            {"history": {"size": 3}},
            "history: unknown keys ['size']; expected some of ['cap', 'keep_blobs', 'max_bytes']",
        ),
        ({"clock": {"now": "soon"}}, "clock.now must be a number; got 'soon'"),
        ({"faults": [{"error": "Nope"}]}, "faults[0].error must be one of"),
        ({"quotas": {"model": "*"}}, "quotas"),
        (
            {"regions": "us-east-1"},
            "regions must be a list of region names, or '*'; got 'us-east-1'",
        ),
        ({"regions": ["mars-north-1"]}, "regions: unknown regions ['mars-north-1']"),
        (
            {"replies": {"rules": [{"user_regex": "(hi", "reply": {"text": "x"}}]}},
            "replies.rules[0].user_regex is not a valid regular expression: missing ), "
            "unterminated subpattern at position 0; got '(hi'",
        ),
        (
            {"replies": {"rules": [{"user_text": "hi", "reply": {"json_schema": {"type": 1}}}]}},
            "replies.rules[0].reply.json_schema is not a valid JSON Schema: 1 is not valid "
            "under any of the given schemas at $.type",
        ),
        (
            {"replies": {"statik": {"text": "x"}}},
            "replies: unknown keys ['statik']; expected some of ['strict', 'static', "
            "'queue', 'queues', 'rules', 'llm', 'auto_tools']",
        ),
    ],
    ids=[
        "unknown-key",
        "not-a-mapping",
        "streaming-value",
        "streaming-key",
        "streaming-type",
        "validation-rule",
        "validation-type",
        "history-cap",
        "history-key",
        "clock",
        "faults",
        "quotas",
        "regions-type",
        "regions-unknown",
        "rule-regex",
        "reply-schema",
        "replies-key",
    ],
)
def test_a_bad_document_is_refused_and_changes_nothing(aws: Aws, config: Any, message: str) -> None:
    controls = aws.controls()
    controls.load_config(config=SOME)
    before = controls.get_config()
    document = (
        {"streaming": {"chunking": "character"}, **config} if isinstance(config, dict) else config
    )
    with pytest.raises(ConfigError) as excinfo:
        controls.load_config(config=document)
    assert str(excinfo.value).startswith(message)
    assert controls.get_config() == before


def test_a_bad_document_is_http_400(server_url: str) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    response = requests.post(
        f"{server_url}/moto-api/bedrock/load_config",
        json={"config": {"history": {"cap": -1}}},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json() == {"message": "history.cap must be a positive integer; got -1"}


def test_regions_choose_where_a_document_applies(aws: Aws) -> None:
    here = aws.controls()
    here.load_config(config={"regions": ["eu-west-1"], "streaming": {"chunking": "word"}})
    assert here.get_streaming()["chunking"] == "token"
    assert aws.controls("eu-west-1").get_streaming()["chunking"] == "word"

    answer = here.load_config(config={"regions": "*", "validation": {"lenient": ["*"]}})
    assert "us-east-1" in answer["regions"] and "ap-south-1" in answer["regions"]
    for region in ("us-east-1", "us-west-2", "ap-south-1"):
        assert aws.controls(region).get_validation()["lenient"] == ["*"]


def test_reset_behaviour_restores_defaults_and_keeps_the_history(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    defaults = controls.get_config()
    runtime.count_tokens(modelId=HAIKU, input={"converse": {"messages": [user("kept")]}})
    controls.load_config_file(EXAMPLE)
    controls.inject_stream_error(error="throttlingException")
    assert controls.reset_behaviour() == defaults
    assert controls.get_config() == defaults
    assert len(controls.history()) == 1
    # The queued stream error went too: this stream completes.
    events = list(runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"])
    assert "metadata" in events[-1]


# -- files ----------------------------------------------------------------------------------


def test_yaml_and_json_files_load_alike(aws: Aws, tmp_path: Path) -> None:
    yaml_file = tmp_path / "rules.yml"
    yaml_file.write_text("streaming:\n  chunking: word\nhistory: {cap: 7}\n")
    json_file = tmp_path / "rules.json"
    json_file.write_text(json.dumps({"streaming": {"chunking": "word"}, "history": {"cap": 7}}))
    controls = aws.controls()
    controls.load_config_file(yaml_file)
    from_yaml = controls.get_config()
    controls.reset_behaviour()
    controls.load_config_file(str(json_file))
    assert controls.get_config() == from_yaml
    assert from_yaml["history"] == {"cap": 7} and from_yaml["streaming"]["chunking"] == "word"


def test_save_config_file_writes_what_load_takes_back(aws: Aws, tmp_path: Path) -> None:
    controls = aws.controls()
    controls.load_config_file(EXAMPLE)
    saved = controls.get_config()
    for name in ("saved.yaml", "saved.json"):
        controls.save_config_file(tmp_path / name)
        controls.reset_behaviour()
        controls.load_config_file(tmp_path / name)
        assert controls.get_config() == saved


def test_an_error_in_a_file_names_the_file(aws: Aws, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("history:\n  cap: zero\n")
    with pytest.raises(ConfigError) as excinfo:
        aws.controls().load_config_file(path)
    assert str(excinfo.value) == f"{path}: history.cap must be a positive integer; got 'zero'"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.yaml", "streaming:\n  chunking: [word\n", "line 3, column 1: expected ',' or ']'"),
        (
            "bad.yaml",
            "history: {cap: 1}\nhistory: {cap: 2}\n",
            "line 2, column 1: found duplicate key 'history'",
        ),
        ("bad.yaml", "- streaming\n", "the top level must be a mapping of sections"),
        (
            "bad.json",
            '{"history": {"cap": 1},\n "oops"}',
            "line 2, column 8: Expecting ':' delimiter",
        ),
        ("bad.json", '{"history": {}, "history": {}}', "duplicate key 'history'"),
        ("bad.toml", "history = 1", "unsupported file type '.toml'; use .yaml, .yml, .json"),
    ],
    ids=["yaml-syntax", "yaml-duplicate", "yaml-list", "json-syntax", "json-duplicate", "toml"],
)
def test_unreadable_files_are_refused_with_the_place(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as excinfo:
        read_config_file(path)
    assert str(excinfo.value).startswith(f"{path}: {message}")


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yaml: cannot read the file: No such file"):
        read_config_file(tmp_path / "missing.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing configured yet\n")
    assert read_config_file(empty) == {}


# -- the server's --config ------------------------------------------------------------------


def test_config_flags_sit_among_moto_server_flags() -> None:
    args = build_parser().parse_args(
        ["--config", "a.yaml", "-p", "5001", "--config=b.json", "-H", "0.0.0.0"]
    )
    assert (args.config, args.port, args.host) == (["a.yaml", "b.json"], 5001, "0.0.0.0")


def test_server_loads_config_files_at_start_and_after_reset(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(
        "regions: ['*']\nstreaming: {chunking: word}\nvalidation: {lenient: [max-tokens]}\n"
    )
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"streaming": {"chunking": "character", "size": 4}}))
    server = start_server("--config", str(base), "--config", str(extra))
    url = server.endpoint_url
    try:
        here, there = RemoteControl(url), RemoteControl(url, region="eu-west-1")
        # base.yaml applies everywhere; extra.json names no regions, so only the server's
        # default region (AWS_DEFAULT_REGION, us-east-1 here) gets it, on top of base.yaml.
        expected = {
            here: {**DEFAULT_STREAMING, "chunking": "character", "size": 4},
            there: {**DEFAULT_STREAMING, "chunking": "word"},
        }

        def assert_configured() -> None:
            for controls, streaming in expected.items():
                assert controls.get_streaming() == streaming
                assert controls.get_validation()["lenient"] == ["max-tokens"]

        assert_configured()
        here.configure_streaming(chunking="token")
        assert here.reset_behaviour()["streaming"] == expected[here]
        here.configure_streaming(chunking="token")
        requests.post(f"{url}/moto-api/reset", timeout=5).raise_for_status()
        assert_configured()
    finally:
        server.stop()


def test_server_refuses_a_bad_config_file_before_listening(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("streaming:\n  chunking: sentence\n")
    port = free_port()
    completed = subprocess.run(
        [sys.executable, "-m", "moto_bedrock", "-p", str(port), "--config", str(bad)],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert completed.returncode == 2
    assert completed.stderr.decode().strip() == (
        f"python -m moto_bedrock: error: {bad}: streaming.chunking must be one of token, word, "
        "character; got 'sentence'"
    )
    assert completed.stdout == b""
