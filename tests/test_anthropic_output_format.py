"""Anthropic's native structured output: ``output_config.format`` with a JSON schema.

The Vercel AI SDK's generateObject sends it for Claude, in ``additionalModelRequestFields``
(Converse) or a native Messages body (InvokeModel); the reply is JSON valid for the schema.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from tests.conftest import user

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
    "required": ["city", "days"],
    "additionalProperties": False,
}
FORMAT = {"output_config": {"format": {"type": "json_schema", "schema": SCHEMA}}}


def test_converse_answers_schema_valid_json(runtime: Any) -> None:
    reply = runtime.converse(
        modelId=SONNET, messages=[user("Plan a trip to Oslo.")], additionalModelRequestFields=FORMAT
    )
    text = reply["output"]["message"]["content"][0]["text"]
    jsonschema.validate(json.loads(text), SCHEMA)
    stream = runtime.converse_stream(
        modelId=SONNET, messages=[user("Plan a trip to Oslo.")], additionalModelRequestFields=FORMAT
    )["stream"]
    streamed = "".join(
        e["contentBlockDelta"]["delta"].get("text", "") for e in stream if "contentBlockDelta" in e
    )
    assert streamed == text


def test_a_native_messages_body_answers_schema_valid_json(runtime: Any) -> None:
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 500,
        "messages": [{"role": "user", "content": "Plan a trip to Oslo."}],
        **FORMAT,
    }
    reply = json.loads(runtime.invoke_model(modelId=SONNET, body=json.dumps(body))["body"].read())
    jsonschema.validate(json.loads(reply["content"][0]["text"]), SCHEMA)
