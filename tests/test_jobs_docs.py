"""The examples of docs/jobs.md and docs/logging.md run as written (in-process)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from moto_bedrock.behaviour.jobs import JobPlan

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = {"jobs.md": 2, "logging.md": 1}
EXAMPLES = [
    (page, index, code)
    for page in PAGES
    for index, code in enumerate(
        re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), re.S), start=1
    )
]


def test_each_page_has_its_examples() -> None:
    assert {page: sum(1 for p, _, _ in EXAMPLES if p == page) for page in PAGES} == PAGES


@pytest.mark.parametrize(
    ("page", "index", "code"), EXAMPLES, ids=[f"{p}-{i}" for p, i, _ in EXAMPLES]
)
def test_example_runs(page: str, index: int, code: str) -> None:
    exec(compile(code, f"{page} example {index}", "exec"), {})


def test_the_jobs_config_section_shown_loads() -> None:
    (section,) = re.findall(r"```yaml\n(.*?)```", (DOCS / "jobs.md").read_text(), re.S)
    plan = JobPlan()
    plan.load_config(yaml.safe_load(section)["jobs"])
    assert plan.to_config() == {
        "async_seconds": 30.0,
        "batch_seconds": 600.0,
        "outcomes": [{"job": "*", "outcome": "complete"}],
    }
