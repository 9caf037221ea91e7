"""Cohere Command R / R+ on InvokeModel: Cohere's v1 chat body in, v1 chat reply out.

Request/response/stream shapes: ``shared/reference/bedrock-wire.md`` §3.7. The body becomes
a Converse-shaped :class:`~moto_bedrock.generation.codecs.NativeRequest`: ``chat_history`` turns
(USER/CHATBOT) become user/assistant messages, ``preamble`` the system prompt, ``documents``
are appended to the user's text, and ``tool_results`` become a toolUse/toolResult exchange.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces
from ._schema import array, check_enum, check_keys, check_type, optional, strings

# Bedrock rejects keys outside this set ("extraneous key [stream] is not permitted" is a
# captured Command R error).
KNOWN_KEYS = {
    "message",
    "chat_history",
    "documents",
    "search_queries_only",
    "preamble",
    "max_tokens",
    "temperature",
    "p",
    "k",
    "prompt_truncation",
    "frequency_penalty",
    "presence_penalty",
    "seed",
    "return_prompt",
    "tools",
    "tool_results",
    "stop_sequences",
    "raw_prompting",
}
ROLES = {"USER": "user", "CHATBOT": "assistant"}
# Cohere's parameter types, as tool definitions write them, in JSON-schema terms.
PARAMETER_TYPES = {
    "str": "string",
    "string": "string",
    "int": "integer",
    "integer": "integer",
    "float": "number",
    "number": "number",
    "bool": "boolean",
    "boolean": "boolean",
    "list": "array",
    "array": "array",
    "dict": "object",
    "object": "object",
}
# Cohere's v1 API answers a stop sequence with COMPLETE as well (not captured on Bedrock).
FINISH_REASONS = {"max_tokens": "MAX_TOKENS"}
# Cohere's published output limit, used when the body sets none.
FALLBACK_MAX_TOKENS = 4000


def _tool_call(call: Any, path: str) -> dict[str, Any]:
    check_type(call, "JSONObject", path)
    check_keys(call, path, ("name",), ("name", "parameters"))
    check_type(call["name"], "String", f"{path}/name")
    parameters = call.get("parameters", {})
    check_type(parameters, "JSONObject", f"{path}/parameters")
    return {"name": call["name"], "parameters": parameters}


def _tool_use(call: dict[str, Any], call_id: str) -> dict[str, Any]:
    return {"toolUse": {"toolUseId": call_id, "name": call["name"], "input": call["parameters"]}}


def _history(value: Any) -> list[dict[str, Any]]:
    messages = []
    for index, turn in enumerate(array(value, "#/chat_history")):
        path = f"#/chat_history/{index}"
        check_type(turn, "JSONObject", path)
        check_keys(turn, path, ("role", "message"), ("role", "message", "tool_calls"))
        check_enum(turn["role"], ROLES, f"{path}/role")
        check_type(turn["message"], "String", f"{path}/message")
        content: list[dict[str, Any]] = [{"text": turn["message"]}] if turn["message"] else []
        for number, call in enumerate(array(turn.get("tool_calls", []), f"{path}/tool_calls")):
            checked = _tool_call(call, f"{path}/tool_calls/{number}")
            content.append(_tool_use(checked, f"cohere_history_{index}_{number}"))
        messages.append({"role": ROLES[turn["role"]], "content": content})
    return messages


def _documents(value: Any) -> str:
    """Documents as plain text after the message, so they count as input as they would."""
    parts = []
    for index, document in enumerate(array(value, "#/documents")):
        path = f"#/documents/{index}"
        check_type(document, "JSONObject", path)
        for key, text in document.items():
            check_type(text, "String", f"{path}/{key}")
        parts.append("\n".join(f"{key}: {text}" for key, text in document.items()))
    return "\n\n".join(parts)


def _tool_spec(tool: Any, path: str) -> dict[str, Any]:
    check_type(tool, "JSONObject", path)
    check_keys(tool, path, ("name",), ("name", "description", "parameter_definitions"))
    check_type(tool["name"], "String", f"{path}/name")
    definitions = tool.get("parameter_definitions", {})
    check_type(definitions, "JSONObject", f"{path}/parameter_definitions")
    properties: dict[str, Any] = {}
    required = []
    for name, definition in definitions.items():
        where = f"{path}/parameter_definitions/{name}"
        check_type(definition, "JSONObject", where)
        check_keys(definition, where, ("type",), ("description", "type", "required"))
        check_type(definition["type"], "String", f"{where}/type")
        # "List[str]" and the like are arrays; unknown names are treated as strings.
        base = definition["type"].split("[")[0].lower()
        schema = {"type": PARAMETER_TYPES.get(base, "string")}
        if "description" in definition:
            schema["description"] = str(definition["description"])
        properties[name] = schema
        if definition.get("required"):
            required.append(name)
    return {
        "toolSpec": {
            "name": tool["name"],
            "description": str(tool.get("description", "")),
            "inputSchema": {
                "json": {"type": "object", "properties": properties, "required": required}
            },
        }
    }


def _tool_exchange(value: Any) -> list[dict[str, Any]]:
    """``tool_results`` as the assistant's tool calls and the user's results that follow."""
    uses = []
    results = []
    for index, item in enumerate(array(value, "#/tool_results")):
        path = f"#/tool_results/{index}"
        check_type(item, "JSONObject", path)
        check_keys(item, path, ("call", "outputs"), ("call", "outputs"))
        call = _tool_call(item["call"], f"{path}/call")
        outputs = array(item["outputs"], f"{path}/outputs")
        for number, output in enumerate(outputs):
            check_type(output, "JSONObject", f"{path}/outputs/{number}")
        call_id = f"cohere_call_{index}"
        uses.append(_tool_use(call, call_id))
        content = [{"json": output} for output in outputs]
        results.append({"toolResult": {"toolUseId": call_id, "content": content}})
    if not uses:
        return []
    return [{"role": "assistant", "content": uses}, {"role": "user", "content": results}]


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a Command R chat body the way Bedrock does and translate it."""
    check_keys(body, "#", ("message",), KNOWN_KEYS)
    check_type(body["message"], "String", "#/message")
    max_tokens = optional(body, "max_tokens", "Integer", minimum=1)
    temperature = optional(body, "temperature", "Number", minimum=0, maximum=1)
    # "#/p: 1 is not less or equal to 0.99" is a captured Bedrock error.
    top_p = optional(body, "p", "Number", minimum=0.01, maximum=0.99)
    optional(body, "k", "Number", minimum=0, maximum=500)
    optional(body, "frequency_penalty", "Number", minimum=0, maximum=1)
    optional(body, "presence_penalty", "Number", minimum=0, maximum=1)
    optional(body, "seed", "Integer")
    for flag in ("search_queries_only", "return_prompt", "raw_prompting"):
        optional(body, flag, "Boolean")
    if "prompt_truncation" in body:
        check_enum(body["prompt_truncation"], ("OFF", "AUTO_PRESERVE_ORDER"), "#/prompt_truncation")

    messages = _history(body["chat_history"]) if "chat_history" in body else []
    text = body["message"]
    if "documents" in body:
        documents = _documents(body["documents"])
        text = f"{text}\n\n{documents}" if text and documents else text or documents
    if text:
        messages.append({"role": "user", "content": [{"text": text}]})
    if "tool_results" in body:
        messages.extend(_tool_exchange(body["tool_results"]))

    system: list[dict[str, Any]] = []
    if "preamble" in body:
        check_type(body["preamble"], "String", "#/preamble")
        system = [{"text": body["preamble"]}]

    config: dict[str, Any] = {
        "maxTokens": max_tokens or model.max_output_tokens or FALLBACK_MAX_TOKENS
    }
    if temperature is not None:
        config["temperature"] = temperature
    if top_p is not None:
        config["topP"] = top_p
    if "stop_sequences" in body:
        config["stopSequences"] = strings(body["stop_sequences"], "#/stop_sequences")

    tool_config: dict[str, Any] | None = None
    if "tools" in body:
        tools = [
            _tool_spec(tool, f"#/tools/{index}")
            for index, tool in enumerate(array(body["tools"], "#/tools"))
        ]
        tool_config = {"tools": tools} if tools else None
    return NativeRequest(messages, system, config, tool_config)


def _uuid(make_id: MakeId) -> str:
    # Cohere's ids are UUIDs; hashing a fresh id keeps them reproducible like every other id.
    digest = hashlib.sha256(make_id("", 22).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _tool_calls(result: InferenceResult) -> list[dict[str, Any]]:
    return [
        {"name": b["toolUse"]["name"], "parameters": b["toolUse"].get("input", {})}
        for b in result.content
        if "toolUse" in b
    ]


def _reply_text(result: InferenceResult) -> str:
    return "".join(b["text"] for b in result.content if "text" in b)


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body (Cohere v1 chat)."""
    text = _reply_text(result)
    calls = _tool_calls(result)
    reply: dict[str, Any] = {"role": "CHATBOT", "message": text}
    if calls:
        reply["tool_calls"] = calls
    response: dict[str, Any] = {
        "response_id": _uuid(make_id),
        "text": text,
        "generation_id": _uuid(make_id),
        # Cohere echoes the request's turns before the reply, but a codec renders from the
        # result alone, so only the reply's own turn is listed.
        "chat_history": [reply],
        "finish_reason": FINISH_REASONS.get(result.stop_reason, "COMPLETE"),
    }
    if calls:
        response["tool_calls"] = calls
    # Cohere's v1 usage block; whether Bedrock passes it through is not verified.
    tokens = {
        "input_tokens": result.usage["inputTokens"],
        "output_tokens": result.usage["outputTokens"],
    }
    response["meta"] = {"api_version": {"version": "1"}, "billed_units": tokens}
    return response


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """stream-start, text-generation deltas, tool calls if any, then stream-end."""
    response = render_response(result, model, make_id)
    yield {
        "is_finished": False,
        "event_type": "stream-start",
        "generation_id": response["generation_id"],
    }
    if response["text"]:
        for piece in pieces(response["text"]):
            yield {"is_finished": False, "event_type": "text-generation", "text": piece}
    if "tool_calls" in response:
        yield (
            {
                "is_finished": False,
                "event_type": "tool-calls-generation",
                "tool_calls": response["tool_calls"],
            }
        )
    yield (
        {
            "is_finished": True,
            "event_type": "stream-end",
            "response": response,
            "finish_reason": response["finish_reason"],
        }
    )


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a native stream object carries, or None if it is not a delta."""
    if chunk.get("event_type") != "text-generation":
        return None
    return str(chunk.get("text", ""))


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return str(body.get("text", ""))
