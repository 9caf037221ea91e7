"""AI21 Jamba (Instruct, 1.5 Mini/Large) on InvokeModel: an OpenAI-like chat body.

Request/response/stream shapes: ``shared/reference/bedrock-wire.md`` §3.9. ``system``
messages become the system prompt, ``assistant`` tool calls and ``tool`` messages become
toolUse/toolResult blocks, so the same responder, limits and usage apply as for Converse.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces, malformed
from ._chat import tool_calls as _tool_calls
from ._schema import array, check_enum, check_keys, check_type, optional, strings

# Unknown keys are rejected as for the other native bodies; that Jamba's schema is closed
# too is assumed, not captured.
KNOWN_KEYS = {
    "messages",
    "max_tokens",
    "temperature",
    "top_p",
    "stop",
    "n",
    "frequency_penalty",
    "presence_penalty",
    "tools",
    "response_format",
    "documents",
}
ROLES = ("system", "user", "assistant", "tool")
MESSAGE_KEYS = ("role", "content", "tool_calls", "tool_call_id")
# Documented: max_tokens default 4096, range 0-4096; temperature 0-2; top_p 0-1; n 1-16.
DEFAULT_MAX_TOKENS = 4096
FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    # OpenAI's name; AI21's own value for a tool call is not captured on Bedrock.
    "tool_use": "tool_calls",
}


def _model_name(model: FoundationModel) -> str:
    # "ai21.jamba-1-5-mini-v1:0" -> "jamba-1.5-mini" (AI21's own name; unverified on Bedrock)
    name = model.model_id.split(".", 1)[1].rsplit("-v", 1)[0]
    return re.sub(r"(\d)-(\d)", r"\1.\2", name)


def _tool_uses(value: Any, path: str) -> list[dict[str, Any]]:
    blocks = []
    for index, call in enumerate(array(value, path)):
        where = f"{path}/{index}"
        check_type(call, "JSONObject", where)
        check_keys(call, where, ("id", "function"), ("id", "type", "function", "index"))
        function = call["function"]
        check_type(function, "JSONObject", f"{where}/function")
        check_keys(function, f"{where}/function", ("name", "arguments"), ("name", "arguments"))
        check_type(function["arguments"], "String", f"{where}/function/arguments")
        try:
            arguments = json.loads(function["arguments"])
        except ValueError:
            # Our wording: the real text for unparsable arguments was not captured.
            raise malformed(f"{where}/function/arguments: expected a JSON object") from None
        tool_use = {"toolUseId": str(call["id"]), "name": str(function["name"]), "input": arguments}
        blocks.append({"toolUse": tool_use})
    return blocks


def _content(value: Any, path: str) -> str:
    """Message content: a string, or (as AI21 also accepts) a list of text parts."""
    if isinstance(value, list):
        parts = []
        for index, part in enumerate(value):
            check_type(part, "JSONObject", f"{path}/{index}")
            check_type(part.get("text"), "String", f"{path}/{index}/text")
            parts.append(part["text"])
        return "".join(parts)
    check_type(value, "String", path)
    return str(value)


def _messages(value: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(messages, system blocks) from the chat's messages."""
    messages: list[dict[str, Any]] = []
    system: list[dict[str, Any]] = []
    for index, message in enumerate(array(value, "#/messages", min_items=1)):
        path = f"#/messages/{index}"
        check_type(message, "JSONObject", path)
        check_keys(message, path, ("role",), MESSAGE_KEYS)
        role = message["role"]
        check_enum(role, ROLES, f"{path}/role")
        has_calls = role == "assistant" and bool(message.get("tool_calls"))
        required = ["tool_call_id"] if role == "tool" else []
        # An assistant turn that only calls tools may leave content out or null.
        if not has_calls:
            required.append("content")
        check_keys(message, path, required, None)
        content = message.get("content")
        text = "" if content is None and has_calls else _content(content, f"{path}/content")
        if role == "system":
            system.append({"text": text})
        elif role == "tool":
            check_type(message["tool_call_id"], "String", f"{path}/tool_call_id")
            result = {"toolUseId": message["tool_call_id"], "content": [{"text": text}]}
            messages.append({"role": "user", "content": [{"toolResult": result}]})
        else:
            blocks: list[dict[str, Any]] = [{"text": text}] if text or not has_calls else []
            if has_calls:
                blocks.extend(_tool_uses(message["tool_calls"], f"{path}/tool_calls"))
            messages.append({"role": role, "content": blocks})
    return messages, system


def _tool_spec(tool: Any, path: str) -> dict[str, Any]:
    check_type(tool, "JSONObject", path)
    check_keys(tool, path, ("type", "function"), ("type", "function"))
    check_enum(tool["type"], ("function",), f"{path}/type")
    function = tool["function"]
    check_type(function, "JSONObject", f"{path}/function")
    check_keys(function, f"{path}/function", ("name",), ("name", "description", "parameters"))
    check_type(function["name"], "String", f"{path}/function/name")
    parameters = function.get("parameters", {"type": "object", "properties": {}})
    check_type(parameters, "JSONObject", f"{path}/function/parameters")
    return {
        "toolSpec": {
            "name": function["name"],
            "description": str(function.get("description", "")),
            "inputSchema": {"json": parameters},
        }
    }


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a Jamba chat body the way Bedrock does and translate it."""
    # Jamba-Instruct has no tool use, so its schema has no ``tools`` key.
    known = KNOWN_KEYS if model.tool_use else KNOWN_KEYS - {"tools"}
    check_keys(body, "#", ("messages",), known)
    messages, system = _messages(body["messages"])
    max_tokens = optional(body, "max_tokens", "Integer", minimum=0, maximum=4096)
    temperature = optional(body, "temperature", "Number", minimum=0, maximum=2)
    top_p = optional(body, "top_p", "Number", minimum=0, maximum=1)
    # n > 1 is accepted, but the reply has one choice: the responder makes one answer.
    optional(body, "n", "Integer", minimum=1, maximum=16)
    # Penalty ranges are not documented for Bedrock; only their type is checked.
    optional(body, "frequency_penalty", "Number")
    optional(body, "presence_penalty", "Number")
    if "response_format" in body:
        check_type(body["response_format"], "JSONObject", "#/response_format")
    if "documents" in body:
        array(body["documents"], "#/documents")

    # 0 is in the documented range, but a zero budget cannot be asked of the backend,
    # which reads a falsy maxTokens as "not set".
    config: dict[str, Any] = {"maxTokens": DEFAULT_MAX_TOKENS if max_tokens is None else max_tokens}
    if temperature is not None:
        config["temperature"] = temperature
    if top_p is not None:
        config["topP"] = top_p
    if "stop" in body:
        stop = body["stop"]
        config["stopSequences"] = [stop] if isinstance(stop, str) else strings(stop, "#/stop")

    tool_config: dict[str, Any] | None = None
    if body.get("tools"):
        tools = [
            _tool_spec(tool, f"#/tools/{index}")
            for index, tool in enumerate(array(body["tools"], "#/tools"))
        ]
        tool_config = {"tools": tools}
    return NativeRequest(messages, system, config, tool_config)


def _chat_id(make_id: MakeId) -> str:
    # Recorded ids are "chatcmpl-" and a UUID (Arize-ai/openinference js/packages/
    # openinference-instrumentation-bedrock/test/recordings/should-handle-ai21-jamba-models.json,
    # 2025; older captures showed "chat-" and 32 hex digits). Hashing a fresh id keeps them
    # reproducible.
    digest = hashlib.sha256(make_id("", 22).encode()).digest()[:16]
    return f"chatcmpl-{uuid.UUID(bytes=digest, version=4)}"


def _usage(result: InferenceResult) -> dict[str, int]:
    prompt = result.usage["inputTokens"]
    completion = result.usage["outputTokens"]
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _reply_text(result: InferenceResult) -> str:
    return "".join(b["text"] for b in result.content if "text" in b)


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    calls = _tool_calls(result)
    message = {"role": "assistant", "content": _reply_text(result), "tool_calls": calls or None}
    return {
        "id": _chat_id(make_id),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": FINISH_REASONS.get(result.stop_reason, "stop"),
            }
        ],
        "usage": _usage(result),
        "meta": {"requestDurationMillis": result.latency_ms},
        "model": _model_name(model),
    }


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """One chunk per delta; the last also carries finish_reason, usage and meta, as in a
    captured frame."""
    chat_id = _chat_id(make_id)
    texts = pieces(_reply_text(result))
    deltas: Iterable[dict[str, Any]] = ({"content": piece} for piece in texts)
    calls = _tool_calls(result)
    if calls:
        indexed = [{"index": number, **call} for number, call in enumerate(calls)]
        deltas = itertools.chain(deltas, [{"tool_calls": indexed}])
    last = len(texts) + bool(calls) - 1
    for number, delta in enumerate(deltas):
        chunk: dict[str, Any] = {
            "id": chat_id,
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
        if number == last:
            chunk["choices"][0]["finish_reason"] = FINISH_REASONS.get(result.stop_reason, "stop")
            chunk["usage"] = _usage(result)
            chunk["meta"] = {"requestDurationMillis": result.latency_ms}
        yield chunk


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a native stream object carries, or None if it is not a delta."""
    choices = chunk.get("choices") or [{}]
    delta = choices[0].get("delta", {})
    if "content" in delta:
        return str(delta["content"])
    if "tool_calls" in delta:
        return "".join(c["function"]["arguments"] for c in delta["tool_calls"])
    return None


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return str(body["choices"][0]["message"].get("content") or "")
