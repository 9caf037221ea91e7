"""The examples in docs/invoke.md's sections on the newer families, run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "invoke.md"
SECTIONS = ("## Newer families", "## Rerank")


def examples() -> list[str]:
    """Every ``python`` block between the first section above and the next other heading."""
    text = DOC.read_text("utf-8")
    start = text.index(SECTIONS[0])
    end = text.index("\n## ", text.index(SECTIONS[-1]) + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end], re.DOTALL)


def test_the_sections_have_examples() -> None:
    assert len(examples()) == 3


@pytest.mark.slow
@pytest.mark.parametrize("source", examples(), ids=lambda s: s.split("\n", 1)[0][:40])
def test_example_runs_as_written(source: str) -> None:
    exec(compile(source, str(DOC), "exec"), {})
