"""Document blocks in a native Claude Messages body (InvokeModel), as clients send them.

The Vercel AI SDK's Bedrock Anthropic provider sends a PDF as ``{"type": "document", "source":
{"type": "base64", "media_type": "application/pdf", ...}}`` (with ``anthropic_beta:
["pdfs-2024-09-25"]``); Anthropic's Messages API also takes plain-text sources with
``citations``, answered by text blocks carrying ``char_location`` citations.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def body(document: dict[str, Any]) -> str:
    question = {"type": "text", "text": "Summarize the contents of this document."}
    return json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "anthropic_beta": ["pdfs-2024-09-25"],
            "max_tokens": 300,
            "messages": [{"role": "user", "content": [question, document]}],
        }
    )


def test_pdf_and_cited_text_documents(runtime: Any) -> None:
    pdf = {
        "type": "document",
        "source": {
            "type": "base64",
            "media_type": "application/pdf",
            "data": base64.b64encode(PDF).decode(),
        },
    }
    reply = json.loads(runtime.invoke_model(modelId=SONNET, body=body(pdf))["body"].read())
    assert reply["stop_reason"] == "end_turn" and reply["content"][0]["type"] == "text"
    assert reply["usage"]["input_tokens"] > 10

    text = "Bedrock is a managed service. It serves foundation models."
    cited = {
        "type": "document",
        "title": "About Bedrock",
        "source": {"type": "text", "media_type": "text/plain", "data": text},
        "citations": {"enabled": True},
    }
    reply = json.loads(runtime.invoke_model(modelId=SONNET, body=body(cited))["body"].read())
    lead, first = reply["content"][:2]
    assert lead == {"type": "text", "text": "The document says: "}
    assert first["type"] == "text" and "Bedrock is a managed service." in first["text"]
    assert first["citations"] == [
        {
            "type": "char_location",
            "cited_text": "Bedrock is a managed service.",
            "document_index": 0,
            "document_title": "About Bedrock",
            "start_char_index": 0,
            "end_char_index": 29,
        }
    ]


@pytest.mark.parametrize(
    ("source", "failure"),
    [
        (
            {"type": "base64", "media_type": "image/gif", "data": ""},
            "#/messages/0/content/1/source/media_type: image/gif is not a valid enum value",
        ),
        ({"type": "file", "file_id": "f"}, "#/messages/0/content/1/source/type: file is not"),
    ],
)
def test_unsupported_document_sources_are_refused(
    runtime: Any, source: dict[str, Any], failure: str
) -> None:
    with pytest.raises(ClientError) as caught:
        runtime.invoke_model(modelId=SONNET, body=body({"type": "document", "source": source}))
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert failure in caught.value.response["Error"]["Message"]
