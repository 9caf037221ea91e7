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


def glyph_pdf(page: bytes, *cmaps: bytes) -> bytes:
    """A PDF whose page shows glyph ids (hex strings), with ``ToUnicode`` CMaps after it."""
    data = pdf(page)
    for cmap in cmaps:
        body = b"/CIDInit/ProcSet findresource begin begincmap " + cmap + b" endcmap"
        data += b"2 0 obj <</Filter/FlateDecode>>stream\n" + zlib.compress(body) + b"\nendstream\n"
    return data


# The W3C "dummy.pdf" page as Bedrock cited it in langchain-ai/langchain-aws
# libs/aws/tests/cassettes/test_pdf_citations.yaml.gz @0434c7f94f (Sonnet 5): each run is
# placed with Td and the glyphs include the spaces; its one font's CMap maps 11 codes.
DUMMY_PAGE = (
    b"BT 56.8 758.1 Td /F1 16.1 Tf <01020303> Tj 50.1 0 Td <04> Tj 9 0 Td <05> Tj "
    b"4.4 0 Td <060107> Tj 32.2 0 Td <050809> Tj 14.3 0 Td <0A0B> Tj ET"
)
DUMMY_CMAP = (
    b"1 begincodespacerange <00> <FF> endcodespacerange 11 beginbfchar <01> <0044> "
    b"<02> <0075> <03> <006D> <04> <0079> <05> <0020> <06> <0050> <07> <0046> <08> <0066> "
    b"<09> <0069> <0A> <006C> <0B> <0065> endbfchar"
)
# The same codes as ranges (a start code, and an array), and a second line.
RANGE_CMAP = (
    b"3 beginbfrange <01> <01> <0044> <02> <04> [<0075> <006D> <0079>] <05> <05> <0020> "
    b"endbfrange 4 beginbfchar <06> <0050> <07> <0046> <08> <0066> <09> <0069> endbfchar "
    b"1 beginbfrange <0A> <0B> [<006C> <0065>] endbfrange"
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (glyph_pdf(DUMMY_PAGE, DUMMY_CMAP), "Dummy PDF file"),
        (glyph_pdf(DUMMY_PAGE + b" BT 0 -20 Td <0102> Tj ET", RANGE_CMAP), "Dummy PDF file Du"),
        # Two fonts that map a code differently: which one a run uses is not read.
        (glyph_pdf(DUMMY_PAGE, DUMMY_CMAP, b"1 beginbfchar <01> <0041> endbfchar"), None),
        (glyph_pdf(DUMMY_PAGE), None),  # no CMap
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
    cmaps = (  # (the glyph shown, CMaps naming far more codes than a font has)
        (b"0041", b"beginbfrange " + b"<0000> <FFFF> <0000> " * 2000 + b"endbfrange"),
        (b"01", b"beginbfchar " + b"<01> <0041> " * 600_000 + b"endbfchar"),
        (
            b"01",
            b"beginbfrange " + (b"<00> <FF> [" + b"<0041> " * 2800 + b"] ") * 300 + b"endbfrange",
        ),
    )
    for glyph, cmap in cmaps:
        started = time.monotonic()
        assert pdf_text(glyph_pdf(b"BT <" + glyph + b"> Tj ET", cmap)) == "A"
        assert time.monotonic() - started < 3
    # Many tiny text streams: what is kept is counted as it comes, not re-summed per stream.
    started = time.monotonic()
    assert pdf_text(b"%PDF-1.4\n" + b"stream\nBT()Tj\nendstream\n" * 18_000) is None
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


def test_converse_cites_a_glyph_id_pdf_by_page(runtime: Any) -> None:
    document = {
        "format": "pdf",
        "name": "my-pdf",
        "source": {"bytes": glyph_pdf(DUMMY_PAGE, DUMMY_CMAP)},
        "citations": {"enabled": True},
    }
    question = {"text": "What is the title of this document?"}
    messages = [{"role": "user", "content": [question, {"document": document}]}]
    reply = runtime.converse(modelId="us.anthropic.claude-sonnet-5", messages=messages)
    [citation] = reply["output"]["message"]["content"][1]["citationsContent"]["citations"]
    assert citation == {
        "title": "my-pdf",
        "sourceContent": [{"text": "Dummy PDF file"}],
        "location": {"documentPage": {"documentIndex": 0, "start": 1, "end": 2}},
    }
