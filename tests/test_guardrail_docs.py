"""Every example in docs/guardrails.md runs (Python blocks as written, YAML through the config)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from moto_bedrock import mock_bedrock
from moto_bedrock.behaviour.control import BedrockControl

DOC = Path(__file__).resolve().parent.parent / "docs" / "guardrails.md"
BLOCKS = re.findall(r"```(python|yaml)\n(.*?)```", DOC.read_text(), re.DOTALL)
PYTHON = [code for kind, code in BLOCKS if kind == "python"]
YAML = [code for kind, code in BLOCKS if kind == "yaml"]


def test_the_doc_has_examples() -> None:
    assert len(PYTHON) == 3 and len(YAML) == 1


@pytest.mark.parametrize("code", PYTHON, ids=[f"python-{i}" for i in range(len(PYTHON))])
def test_python_example(code: str) -> None:
    exec(compile(code, str(DOC), "exec"), {})


def test_yaml_example_loads_as_a_config() -> None:
    with mock_bedrock():
        control = BedrockControl()
        control.load_config(config=yaml.safe_load(YAML[0]))
        assert control.get_forced_guardrails()["guardrails"] == [
            {"intervene": True, "rule": "risky", "count": None}
        ]
