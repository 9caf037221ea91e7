"""``document`` blocks in a native Anthropic body, with citations when they are enabled.

Shapes are Anthropic's Messages API (base64 PDF and plain-text sources, ``title``,
``citations.enabled``; ``char_location`` citations and ``citations_delta`` stream events),
which Bedrock passes to Claude unchanged; the cited sentence is the emulator's (see
generation/citations.py).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
NOTES = "The warranty lasts two years. Returns are free within thirty days."


def body(document: dict[str, Any]) -> str:
    content = [document, {"type": "text", "text": "How long is the warranty?"}]
    return json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 60,
            "messages": [{"role": "user", "content": content}],
        }
    )


@pytest.mark.slow  # three calls, one of them streamed: about 2 s in server mode
def test_native_documents_are_read_and_cited(runtime: Any) -> None:
    pdf = {
        "type": "document",
        "source": {
            "type": "base64",
            "media_type": "application/pdf",
            "data": base64.b64encode(b"%PDF-1.4 minimal").decode(),
        },
    }
    plain = json.loads(runtime.invoke_model(modelId=SONNET, body=body(pdf))["body"].read())
    assert plain["content"][0]["type"] == "text" and "citations" not in plain["content"][0]

    text = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": NOTES},
        "title": "Policy",
        "citations": {"enabled": True},
    }
    reply = json.loads(runtime.invoke_model(modelId=SONNET, body=body(text))["body"].read())
    citation = reply["content"][1]["citations"][0]
    quoted = "The warranty lasts two years."
    assert citation == {
        "type": "char_location",
        "cited_text": quoted,
        "document_index": 0,
        "document_title": "Policy",
        "start_char_index": 0,
        "end_char_index": len(quoted),
    }
    stream = runtime.invoke_model_with_response_stream(modelId=SONNET, body=body(text))
    chunks = [json.loads(e["chunk"]["bytes"]) for e in stream["body"]]
    deltas = [c["delta"] for c in chunks if c["type"] == "content_block_delta"]
    assert {"type": "citations_delta", "citation": citation} in deltas
