"""Mistral AI chat completion on InvokeModel (Mistral Large 2407, Pixtral Large).

Request/response shapes: ``shared/reference/bedrock-wire.md`` §3.6 and the AWS page
"Mistral AI chat completion". Messages, tools and tool calls are translated into their
Converse counterparts, so the same responder, limits and usage apply.

Stream chunks repeat the response's ``choices[].message`` shape, one per piece of the reply
text, then close with an empty-content chunk carrying ``stop_reason`` and any
``tool_calls`` whole (the closing and tool-call chunks' shapes are captured real traffic).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces, malformed, reply_text
from ._schema import array, check_enum, check_keys, check_type, optional

KNOWN_KEYS = ("messages", "tools", "tool_choice", "max_tokens", "top_p", "temperature")
MESSAGE_KEYS = ("role", "content", "tool_calls", "tool_call_id")
ROLES = ("system", "user", "assistant", "tool")
TOOL_CHOICES = ("auto", "any", "none")
# Mistral Large's documented default; Pixtral Large is assumed to share it.
DEFAULT_MAX_TOKENS = 8192
_STOP_REASONS = {"max_tokens": "length", "tool_use": "tool_calls"}
_DATA_URI = re.compile(r"data:image/(png|jpeg|jpg|gif|webp);base64,(.*)", re.DOTALL)


def _enum(value: Any, allowed: tuple[str, ...], where: str) -> str:
    check_type(value, "String", where)
    check_enum(value, allowed, where)
    return str(value)


def _image(block: dict[str, Any], where: str) -> dict[str, Any]:
    """An OpenAI-style ``image_url`` block (a base64 data URI) as a Converse image."""
    source = block.get("image_url")
    url = source.get("url") if isinstance(source, dict) else source
    match = _DATA_URI.fullmatch(url) if isinstance(url, str) else None
    if match is None:
        raise malformed(f"{where}/image_url: expected a base64 image data URI")
    try:
        data = base64.b64decode(match.group(2), validate=True)
    except (binascii.Error, ValueError):
        raise malformed(f"{where}/image_url: expected a base64 image data URI") from None
    image_format = "jpeg" if match.group(1) == "jpg" else match.group(1)
    return {"image": {"format": image_format, "source": {"bytes": data}}}


def _content(value: Any, where: str, model: FoundationModel) -> list[dict[str, Any]]:
    """A message's content (a string, or text/image blocks) as Converse blocks."""
    if isinstance(value, str):
        return [{"text": value}] if value else []
    if not isinstance(value, list):
        check_type(value, "String", where)
    kinds = ("text", "image_url") if model.image_input else ("text",)
    blocks: list[dict[str, Any]] = []
    for index, block in enumerate(value):
        at = f"{where}/{index}"
        check_type(block, "JSONObject", at)
        kind = _enum(block.get("type"), kinds, f"{at}/type")
        if kind == "text":
            check_type(block.get("text"), "String", f"{at}/text")
            blocks.append({"text": block["text"]})
        else:
            blocks.append(_image(block, at))
    return blocks


def _tool_use(call: Any, where: str) -> dict[str, Any]:
    """An assistant ``tool_calls`` entry as a Converse toolUse block."""
    check_type(call, "JSONObject", where)
    check_keys(call, where, ("id", "function"), ("id", "type", "function"))
    function = call["function"]
    check_type(function, "JSONObject", f"{where}/function")
    check_keys(function, f"{where}/function", ("name", "arguments"), ("name", "arguments"))
    arguments = function["arguments"]
    check_type(arguments, "String", f"{where}/function/arguments")
    # The model reads arguments as text; parsed, they count tokens as Converse input does.
    try:
        parsed = json.loads(arguments)
    except ValueError:
        parsed = arguments
    return {
        "toolUse": {
            "toolUseId": str(call["id"]),
            "name": str(function["name"]),
            "input": parsed if isinstance(parsed, dict) else {"arguments": parsed},
        }
    }


def _message(message: Any, where: str, model: FoundationModel) -> tuple[str, list[Any]]:
    """(Converse role, content blocks) of one native message; ``system`` stays ``system``."""
    check_type(message, "JSONObject", where)
    check_keys(message, where, ("role",), MESSAGE_KEYS)
    role = _enum(message["role"], ROLES, f"{where}/role")
    if role in ("system", "user", "tool") and "content" not in message:
        raise malformed(f"{where}: required key [content] not found")
    content = message.get("content")
    # Chat clients send ``"content": null`` beside an assistant's tool calls.
    if content is None and role == "assistant":
        content = ""
    blocks = _content(content, f"{where}/content", model)
    if role == "tool":
        if "tool_call_id" not in message:
            raise malformed(f"{where}: required key [tool_call_id] not found")
        check_type(message["tool_call_id"], "String", f"{where}/tool_call_id")
        result = {"toolUseId": message["tool_call_id"], "content": blocks}
        return "user", [{"toolResult": result}]
    if role == "assistant" and "tool_calls" in message:
        calls = array(message["tool_calls"], f"{where}/tool_calls")
        blocks += [_tool_use(c, f"{where}/tool_calls/{i}") for i, c in enumerate(calls)]
    return role, blocks


def _tool_spec(tool: Any, where: str) -> dict[str, Any]:
    check_type(tool, "JSONObject", where)
    check_keys(tool, where, ("function",), ("type", "function"))
    function = tool["function"]
    check_type(function, "JSONObject", f"{where}/function")
    check_keys(function, f"{where}/function", ("name",), ("name", "description", "parameters"))
    check_type(function["name"], "String", f"{where}/function/name")
    return {
        "toolSpec": {
            "name": function["name"],
            "description": str(function.get("description", "")),
            "inputSchema": {"json": function.get("parameters", {})},
        }
    }


def _tool_config(body: dict[str, Any], choice: str) -> dict[str, Any] | None:
    if "tools" not in body:
        return None
    tools = [_tool_spec(t, f"#/tools/{i}") for i, t in enumerate(array(body["tools"], "#/tools"))]
    if not tools:
        return None
    config: dict[str, Any] = {"tools": tools}
    # Converse has no "none": the tools stay in the prompt (and its token count), unforced.
    if choice != "none":
        config["toolChoice"] = {choice: {}}
    return config


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a chat-completion body the way Bedrock does and translate it."""
    check_keys(body, "#", ("messages",), KNOWN_KEYS)
    system: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for index, native in enumerate(array(body["messages"], "#/messages")):
        role, blocks = _message(native, f"#/messages/{index}", model)
        if role == "system":
            system.extend(blocks)
        elif messages and messages[-1]["role"] == role:
            # Consecutive tool results (and a user turn after them) form one Converse turn.
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": role, "content": blocks})
    choice = "auto"
    if "tool_choice" in body:
        choice = _enum(body["tool_choice"], TOOL_CHOICES, "#/tool_choice")
    tool_config = _tool_config(body, choice)
    limit = model.max_output_tokens
    max_tokens = optional(body, "max_tokens", "Integer", minimum=1, maximum=limit)
    config: dict[str, Any] = {
        "maxTokens": max_tokens or min(DEFAULT_MAX_TOKENS, limit or DEFAULT_MAX_TOKENS)
    }
    for native, converse in (("temperature", "temperature"), ("top_p", "topP")):
        value = optional(body, native, "Number", minimum=0, maximum=1)
        if value is not None:
            config[converse] = value
    return NativeRequest(messages, system, config, tool_config)


def _tool_calls(result: InferenceResult) -> list[dict[str, Any]]:
    """The result's toolUse blocks as Mistral ``tool_calls`` (arguments as JSON text).

    The ids are the responder's toolUseIds, so a follow-up ``tool_call_id`` matches them.
    """
    return [
        {
            "id": block["toolUse"]["toolUseId"],
            "function": {
                "name": block["toolUse"]["name"],
                "arguments": json.dumps(block["toolUse"].get("input", {})),
            },
        }
        for block in result.content
        if "toolUse" in block
    ]


def _stop_reason(result: InferenceResult) -> str:
    return _STOP_REASONS.get(result.stop_reason, "stop")


def _choice(content: str, stop_reason: str | None, calls: list[Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = calls
    return {"choices": [{"index": 0, "message": message, "stop_reason": stop_reason}]}


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    return _choice(reply_text(result), _stop_reason(result), _tool_calls(result))


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """One chunk per text piece, then the closing chunk with stop reason and tool calls."""
    text = reply_text(result)
    for piece in pieces(text) if text else []:
        yield _choice(piece, None, [])
    yield _choice("", _stop_reason(result), _tool_calls(result))


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a stream chunk carries (tool-call arguments count), or None if none."""
    choice = chunk["choices"][0]
    message = choice["message"]
    if message.get("tool_calls"):
        return "".join(str(c["function"]["arguments"]) for c in message["tool_calls"])
    if choice["stop_reason"] is not None and not message["content"]:
        return None
    return str(message["content"])


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return "".join(str(c["message"].get("content") or "") for c in body.get("choices", []))
