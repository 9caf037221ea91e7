"""Citations: a document sent with citations enabled is cited in the reply (Claude)."""

from __future__ import annotations

from typing import Any

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
TEXT = "Oslo is the capital of Norway. It lies at the head of the Oslofjord."


def ask(citations: bool = True) -> list[dict[str, Any]]:
    document = {
        "format": "txt",
        "name": "oslo",
        "source": {"bytes": TEXT.encode()},
        "citations": {"enabled": citations},
    }
    return [{"role": "user", "content": [{"document": document}, {"text": "What is Oslo?"}]}]


def test_converse_cites_the_document(runtime: Any) -> None:
    reply = runtime.converse(modelId=SONNET, messages=ask())
    # Bedrock leads in with plain text, then the cited span (langchain-aws cassettes, 2026).
    lead, cited, *rest = reply["output"]["message"]["content"]
    assert set(lead) == {"text"}
    assert cited["citationsContent"]["content"] == [{"text": "Oslo is the capital of Norway."}]
    [citation] = cited["citationsContent"]["citations"]
    assert citation["title"] == "oslo"
    assert citation["sourceContent"] == [{"text": "Oslo is the capital of Norway."}]
    assert citation["location"] == {
        "documentChar": {
            "documentIndex": 0,
            "start": 0,
            "end": len("Oslo is the capital of Norway."),
        }
    }
    assert rest and "text" in rest[-1]
    plain = runtime.converse(modelId=SONNET, messages=ask(citations=False))
    assert all("citationsContent" not in b for b in plain["output"]["message"]["content"])


def test_converse_stream_sends_citation_deltas(runtime: Any) -> None:
    stream = runtime.converse_stream(modelId=SONNET, messages=ask())["stream"]
    deltas = [e["contentBlockDelta"] for e in stream if "contentBlockDelta" in e]
    lead = [d["delta"]["text"] for d in deltas if d["contentBlockIndex"] == 0]
    assert "".join(lead) == "The document says: "
    first_block = [d["delta"] for d in deltas if d["contentBlockIndex"] == 1]
    assert "text" in first_block[0] and "citation" in first_block[-1]
    citation = first_block[-1]["citation"]
    assert citation["sourceContent"] == [{"text": "Oslo is the capital of Norway."}]
    assert citation["location"]["documentChar"]["documentIndex"] == 0
