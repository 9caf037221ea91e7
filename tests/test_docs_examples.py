"""Every Python example in docs/*.md runs as written (pages are found, not listed).

Each page's ```python blocks run in order in one namespace (a later block may use what an
earlier one defined), with ``http://127.0.0.1:5000`` pointing at this session's server,
reset before each page (and this process's state, which a
``ThreadedBedrockServer`` example serves); a ``test_*`` function a block defines is called. Blocks that are
fragments of a larger program are listed in ``FRAGMENTS`` with the reason: they must still
fail, so making one runnable means taking it off the list.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests

from moto_bedrock import mock_bedrock

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
DOC_SERVER = "http://127.0.0.1:5000"

# (page, index among the page's python blocks): why it does not run on its own.
FRAGMENTS: dict[tuple[str, int], str] = {
    ("config.md", 0): "loads bedrock-rules.yaml, a file the reader writes",
    ("config.md", 1): "loads bedrock-rules.yaml, a file the reader writes",
    ("control.md", 1): "a JSON document shown as Python",
    ("faults.md", 1): "continues a test whose client is defined elsewhere",
    ("invoke.md", 0): "a fragment: json and client come from the reader's code",
    ("invoke.md", 4): "a fragment: client, model and messages come from the reader's code",
    ("llm.md", 0): "needs a local LLM server (Ollama) running",
    ("replies.md", 2): "a fragment: runs under a mock the reader's code starts",
    ("streaming.md", 0): "a fragment: controls come from the reader's code",
    ("streaming.md", 1): "a fragment: controls come from the reader's code",
    ("streaming.md", 2): "a fragment: controls come from the reader's code",
    ("tools.md", 1): "a fragment: mock comes from the reader's code",
    ("tools.md", 2): "a fragment: controls come from the reader's code",
    ("tools.md", 3): "a fragment: runs under a mock the reader's code starts",
}


def python_blocks(page: Path) -> list[str]:
    return [code for lang, code in BLOCK.findall(page.read_text("utf-8")) if lang == "python"]


PAGES = sorted(page.name for page in DOCS.glob("*.md") if python_blocks(page))


def run_block(code: str, name: str, namespace: dict[str, Any], server_url: str) -> None:
    code = code.replace(DOC_SERVER, server_url)
    exec(compile(code, name, "exec"), namespace)
    for key in [k for k in namespace if k.startswith("test_")]:
        function = namespace.pop(key)
        if callable(function) and not function.__code__.co_argcount:
            function()


@pytest.mark.parametrize("page", PAGES)
def test_every_python_example_runs_as_written(page: str, server_url: str) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=10).raise_for_status()
    with mock_bedrock():  # starting a mock resets this process's state too
        pass
    namespace: dict[str, Any] = {"__name__": f"docs.{page}"}
    for index, code in enumerate(python_blocks(DOCS / page)):
        name = f"docs/{page} python block {index + 1}"
        if (page, index) in FRAGMENTS:
            with pytest.raises(Exception):  # noqa: B017 (any failure: it is a fragment)
                run_block(code, name, dict(namespace), server_url)
            continue
        run_block(code, name, namespace, server_url)


def test_the_fragment_list_names_existing_blocks() -> None:
    for page, index in FRAGMENTS:
        assert index < len(python_blocks(DOCS / page)), (page, index)
