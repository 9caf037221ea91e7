"""The examples of docs/control-plane.md run as written, and docs/operations.md names every
operation of the ``bedrock`` service model."""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
EXAMPLES = re.findall(r"```python\n(.*?)```", (DOCS / "control-plane.md").read_text(), re.S)


def test_the_page_has_its_examples() -> None:
    assert len(EXAMPLES) == 4


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_control_plane_example_runs(index: int) -> None:
    exec(compile(EXAMPLES[index], f"control-plane.md example {index + 1}", "exec"), {})


def test_operations_page_lists_every_bedrock_operation() -> None:
    text = (DOCS / "operations.md").read_text()
    model = botocore.session.get_session().get_service_model("bedrock")
    missing = [name for name in model.operation_names if f"| {name} |" not in text]
    assert not missing, missing
