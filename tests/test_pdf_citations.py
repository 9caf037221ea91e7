"""A PDF sent with citations enabled is cited by page, quoting the text the PDF shows.

strands-agents' ``tests_integ`` sends a shareholder letter (a PDF) with ``citations:
{"enabled": true}`` and expects a ``citationsContent`` block in the reply.
"""

from __future__ import annotations

import base64
import json
import time
import zlib
from typing import Any

import pytest

from moto_bedrock.generation.pdf_text import pdf_text

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def pdf(content: bytes, compress: bool = True) -> bytes:
    body = zlib.compress(content) if compress else content
    stream = b"<</Filter/FlateDecode>>" if compress else b"<<>>"
    return b"%PDF-1.4\n1 0 obj " + stream + b"stream\n" + body + b"\nendstream\nendobj\n%%EOF\n"


PAGE = (
    b"BT /F1 12 Tf 72 700 Td [(Dear)-250(Shareholders:)] TJ "
    b"(2024 was a strong year \\(for us\\).) Tj ET "
    b"BT (Revenue grew 11\\045 year over year.) Tj ET"
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            pdf(PAGE),
            "Dear Shareholders: 2024 was a strong year (for us). Revenue grew 11% year over year.",
        ),
        (pdf(PAGE, compress=False), "Dear Shareholders: 2024 was a strong year (for us)."),
        (pdf(b"BT <0012002A> Tj ET"), None),  # glyph ids, no readable text
        (b"not a pdf", None),
    ],
)
def test_pdf_text(data: bytes, expected: str | None) -> None:
    text = pdf_text(data)
    assert text == expected if expected is None else (text or "").startswith(expected)


@pytest.mark.slow
def test_hostile_pdfs_stay_bounded() -> None:
    for body in (b"[" * 2_000_000, b"(\\\\" * 1_000_000, b"BT Tj (" + b"x" * 2_000_000):
        started = time.monotonic()
        assert pdf_text(pdf(body, compress=False)) is None
        assert time.monotonic() - started < 3


def test_converse_cites_a_pdf_by_page(runtime: Any) -> None:
    document = {
        "format": "pdf",
        "name": "letter to shareholders",
        "source": {"bytes": pdf(PAGE)},
        "citations": {"enabled": True},
    }
    question = {"text": "What does the document say? Use citations."}
    messages = [{"role": "user", "content": [{"document": document}, question]}]
    reply = runtime.converse(modelId=SONNET, messages=messages)
    # A plain lead-in block, then the cited span (Bedrock's layout).
    first = reply["output"]["message"]["content"][1]
    [citation] = first["citationsContent"]["citations"]
    assert citation == {
        "title": "letter to shareholders",
        "sourceContent": [{"text": "Dear Shareholders: 2024 was a strong year (for us)."}],
        "location": {"documentPage": {"documentIndex": 0, "start": 1, "end": 2}},
    }

    native = {"type": "document", "title": "letter", "citations": {"enabled": True}}
    native["source"] = {"type": "base64", "media_type": "application/pdf"}
    native["source"]["data"] = base64.b64encode(pdf(PAGE)).decode()
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 200,
        "messages": [{"role": "user", "content": [native, {"type": "text", "text": "Cite it."}]}],
    }
    answer = json.loads(runtime.invoke_model(modelId=SONNET, body=json.dumps(body))["body"].read())
    [cited] = answer["content"][1]["citations"]
    assert cited == {
        "type": "page_location",
        "cited_text": "Dear Shareholders: 2024 was a strong year (for us).",
        "document_index": 0,
        "document_title": "letter",
        "start_page_number": 1,
        "end_page_number": 2,
    }
