"""Structured output: Converse ``outputConfig.textFormat`` gets schema-valid JSON text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from jsonschema import Draft7Validator, Draft202012Validator

from tests.conftest import HAIKU, user

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "age": {"type": "integer", "minimum": 0, "maximum": 130},
        "address": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
            "required": ["city", "zip"],
            "additionalProperties": False,
        },
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "status": {"enum": ["active", "inactive"]},
    },
    "required": ["name", "email", "age", "address", "tags", "status"],
    "additionalProperties": False,
}


def output_config(schema: Any, name: str = "person", raw: bool = False) -> dict[str, Any]:
    definition = {
        "schema": schema if raw else json.dumps(schema),
        "name": name,
        "description": "The extracted record",
    }
    return {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": definition}}}


def only_text(response: dict[str, Any]) -> str:
    content = response["output"]["message"]["content"]
    assert len(content) == 1 and set(content[0]) == {"text"}, content
    return str(content[0]["text"])


def test_converse_answers_with_schema_valid_json(runtime: Any) -> None:
    messages = [user("Extract the customer who lives in Lisbon.")]
    response = runtime.converse(
        modelId=HAIKU, messages=messages, outputConfig=output_config(PERSON)
    )
    assert response["stopReason"] == "end_turn"
    text = only_text(response)
    record = json.loads(text)
    Draft202012Validator(PERSON, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        record
    )
    assert record["address"]["city"] == "Lisbon"  # quoted from the prompt
    assert text == json.dumps(record, ensure_ascii=False)

    again = runtime.converse(modelId=HAIKU, messages=messages, outputConfig=output_config(PERSON))
    assert only_text(again) == text
    other = runtime.converse(
        modelId=HAIKU, messages=[user("Another one")], outputConfig=output_config(PERSON)
    )
    assert only_text(other) != text


def test_converse_stream_sends_the_same_json(runtime: Any) -> None:
    messages = [user("Extract the customer.")]
    config = output_config(PERSON)
    events = list(
        runtime.converse_stream(modelId=HAIKU, messages=messages, outputConfig=config)["stream"]
    )
    names = [next(iter(e)) for e in events]
    assert names[0] == "messageStart" and "contentBlockStart" not in names
    assert events[-2] == {"messageStop": {"stopReason": "end_turn"}}
    text = "".join(
        e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e
    )
    Draft202012Validator(PERSON).validate(json.loads(text))
    response = runtime.converse(modelId=HAIKU, messages=messages, outputConfig=config)
    assert only_text(response) == text
    assert events[-1]["metadata"]["usage"] == response["usage"]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array", "items": {"type": "integer", "multipleOf": 5}, "minItems": 2},
        {"type": "string", "format": "date"},
        {"anyOf": [{"type": "null"}, {"type": "boolean"}]},
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": {"step": {"type": "string", "minLength": 3}},
            "type": "object",
            "properties": {"steps": {"type": "array", "items": {"$ref": "#/definitions/step"}}},
            "required": ["steps"],
        },
    ],
    ids=["array", "string", "anyOf", "draft7"],
)
def test_any_valid_schema_gets_a_valid_value(runtime: Any, schema: dict[str, Any]) -> None:
    response = runtime.converse(
        modelId=HAIKU, messages=[user("Go")], outputConfig=output_config(schema, name="value")
    )
    value = json.loads(only_text(response))
    validator = Draft7Validator if "$schema" in schema else Draft202012Validator
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(value)


@pytest.mark.parametrize(
    ("schema", "detail"),
    [
        ('{"type": ', "the schema is not valid JSON (Expecting value at line 1 column 10)"),
        ("", "the schema is not valid JSON (Expecting value at line 1 column 1)"),
        ('{"type": "strin"}', "'strin' is not valid under any of the given schemas at $.type"),
        ('{"minLength": -1}', "-1 is less than the minimum of 0 at $.minLength"),
        ("[1, 2]", "[1, 2] is not of type 'object', 'boolean' at $"),
    ],
    ids=["truncated", "empty", "bad type", "bad minLength", "not an object"],
)
@pytest.mark.parametrize("operation", ["converse", "converse_stream"])
def test_invalid_schemas_are_rejected(
    runtime: Any, operation: str, schema: str, detail: str
) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(runtime, operation)(
            modelId=HAIKU, messages=[user("Hi")], outputConfig=output_config(schema, raw=True)
        )
    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Message"] == f"The provided JSON schema is invalid: {detail}"


def test_max_tokens_still_truncates_the_json(runtime: Any) -> None:
    messages = [user("Extract the customer.")]
    full = only_text(
        runtime.converse(modelId=HAIKU, messages=messages, outputConfig=output_config(PERSON))
    )
    cut = runtime.converse(
        modelId=HAIKU,
        messages=messages,
        outputConfig=output_config(PERSON),
        inferenceConfig={"maxTokens": 4},
    )
    assert cut["stopReason"] == "max_tokens" and cut["usage"]["outputTokens"] == 4
    text = only_text(cut)
    assert full.startswith(text) and text != full


def test_a_tool_loop_can_end_in_structured_output(runtime: Any) -> None:
    tools = {
        "tools": [
            {
                "toolSpec": {
                    "name": "lookup_customer",
                    "description": "Find a customer",
                    "inputSchema": {
                        "json": {
                            "type": "object",
                            "properties": {"query": {"type": "string"}},
                            "required": ["query"],
                        }
                    },
                }
            }
        ],
        "toolChoice": {"any": {}},
    }
    messages = [user("Look up Ada and return her record")]
    config = output_config(PERSON)
    first = runtime.converse(
        modelId=HAIKU, messages=messages, toolConfig=tools, outputConfig=config
    )
    assert first["stopReason"] == "tool_use"  # a forced tool call comes first
    tool_use = first["output"]["message"]["content"][0]["toolUse"]
    assert tool_use["input"] == {"query": "Look up Ada and return her record"}
    result = {"toolResult": {"toolUseId": tool_use["toolUseId"], "content": [{"text": "found"}]}}
    messages += [first["output"]["message"], {"role": "user", "content": [result]}]
    final = runtime.converse(
        modelId=HAIKU, messages=messages, toolConfig=tools, outputConfig=config
    )
    assert final["stopReason"] == "end_turn"
    Draft202012Validator(PERSON).validate(json.loads(only_text(final)))
