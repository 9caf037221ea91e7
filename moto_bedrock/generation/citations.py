"""Citations: a reply that cites the documents sent with ``citations: {"enabled": true}``.

When a Claude request holds such a document, the reply opens as Bedrock's do: a plain text
block leading in, then a ``citationsContent`` block whose content is the cited span (the
document's first sentence) with one citation locating it by character offsets
(``documentChar``), or for a PDF (text read by :mod:`.pdf_text`) by page (``documentPage``),
then the reply's own text. Streams send the cited text as text deltas, then the citation as
one ``citation`` delta. Layout: langchain-ai/langchain-aws libs/aws/tests/cassettes/
test_citations*.yaml.gz and test_pdf_citations.yaml.gz @0434c7f94f (Sonnet 5, 2026).
"""

from __future__ import annotations

import re
from typing import Any

from .pdf_text import pdf_text
from .responders import Invocation, Reply

__all__ = ["cited_documents", "with_citations"]

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def _document_text(document: dict[str, Any]) -> str | None:
    source = document.get("source")
    if not isinstance(source, dict):
        return None
    if isinstance(source.get("text"), str):
        return str(source["text"])
    data = source.get("bytes")
    if isinstance(data, (bytes, bytearray)) and document.get("format") in (
        "txt",
        "md",
        "html",
        "csv",
        None,
    ):
        return bytes(data).decode("utf-8", "replace")
    if isinstance(data, (bytes, bytearray)) and document.get("format") == "pdf":
        return pdf_text(bytes(data))
    if isinstance(source.get("content"), list):
        return " ".join(str(p.get("text", "")) for p in source["content"] if isinstance(p, dict))
    return None


def cited_documents(invocation: Invocation) -> list[tuple[int, dict[str, Any]]]:
    """(document index, document) of every document with citations enabled, in order."""
    found: list[tuple[int, dict[str, Any]]] = []
    index = 0
    for message in invocation.messages:
        for block in message.get("content", []):
            document = block.get("document") if isinstance(block, dict) else None
            if not isinstance(document, dict):
                continue
            citations = document.get("citations")
            if isinstance(citations, dict) and citations.get("enabled") is True:
                found.append((index, document))
            index += 1
    return found


def with_citations(invocation: Invocation, reply: Reply) -> Reply:
    """``reply`` opened by a cited sentence, for Claude, when a document asks for citations."""
    if invocation.model.family != "anthropic" or reply.stop_reason == "tool_use":
        return reply
    if any("citationsContent" in block for block in reply.content):
        return reply
    for index, document in cited_documents(invocation):
        text = _document_text(document)
        match = _SENTENCE.search(text or "")
        if text is None or match is None or not match.group().strip():
            continue
        quoted = match.group().strip()
        start = text.index(quoted)
        if document.get("format") == "pdf":
            # A PDF is cited by page, as Claude cites PDFs (page_location; the first page,
            # whose text comes first; Bedrock's end-page convention is unverified).
            location = {"documentPage": {"documentIndex": index, "start": 1, "end": 2}}
        else:
            location = {
                "documentChar": {"documentIndex": index, "start": start, "end": start + len(quoted)}
            }
        citation = {
            "title": str(document.get("name", "document")),
            "sourceContent": [{"text": quoted}],
            "location": location,
        }
        lead = {"text": "The document says: "}
        block = {"citationsContent": {"content": [{"text": quoted}], "citations": [citation]}}
        return Reply([lead, block, *reply.content], reply.stop_reason, reply.usage)
    return reply
