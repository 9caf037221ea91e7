"""Anthropic Claude Messages API on InvokeModel: native request in, native reply out.

Request/response/stream shapes: ``shared/reference/bedrock-wire.md`` §3.1. The request is
translated into the Converse-shaped :class:`~moto_bedrock.generation.codecs.NativeRequest`, so the
same responder, limits and usage apply as for Converse.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Any, cast

from ...bedrockruntime.exceptions import ValidationException
from ...catalog import FoundationModel
from ...catalog.caching import unused_cache_counters
from ..inference import InferenceResult
from . import MakeId, MalformedInput, NativeRequest, malformed
from ._schema import array, check_enum, check_keys, check_range, check_type

ANTHROPIC_VERSION = "bedrock-2023-05-31"
#: Every ``anthropic_version`` Anthropic's Bedrock SDKs send: ``bedrock-2023-05-31`` (the
#: Python, TypeScript, Ruby and other SDKs' DEFAULT_VERSION before 2.x) and ``2026-10-21``
#: (anthropic 2.x's ``ANTHROPIC_API_VERSION``, which its ``AnthropicBedrock`` puts in every
#: body; not in AWS's docs).
ANTHROPIC_VERSIONS = (ANTHROPIC_VERSION, "2026-10-21")
KNOWN_KEYS = {
    "anthropic_version",
    "anthropic_beta",
    "max_tokens",
    "messages",
    "system",
    "temperature",
    "top_p",
    "top_k",
    "stop_sequences",
    "tools",
    "tool_choice",
    "thinking",
    "metadata",
    # Structured output (``{"format": {"type": "json_schema", "schema": {...}}}``), sent by the
    # Vercel AI SDK's generateObject on Claude; see generation/responders.structured_output.
    "output_config",
}
#: Bedrock's Claude schema also admits the legacy text-completion body, which must not
#: carry ``messages``; a Messages API body that fails is reported with that branch's failure
#: first, then every failure of the Messages API schema (five recorded errors, 2024-2026:
#: docs/conformance.md "Chained schema errors").
NOT_A_COMPLETION = '#: subject must not be valid against schema {"required":["messages"]}'
_REQUIRED = ("max_tokens", "anthropic_version", "messages")
#: Anthropic's refusal of an error tool result without content, as Bedrock passes it on
#: for Claude Sonnet 4.5 (docs/conformance.md; rules/recorded.py for Converse).
EMPTY_ERROR_RESULT = (
    "messages.{index}.content.{position}.tool_result: content cannot be empty if `is_error` is true"
)
_STOP_REASONS = {
    "end_turn": "end_turn",
    "max_tokens": "max_tokens",
    "stop_sequence": "stop_sequence",
    "tool_use": "tool_use",
}


def _check_error_results(content: Any, index: int) -> None:
    for position, block in enumerate(content if isinstance(content, list) else []):
        failed = isinstance(block, dict) and block.get("is_error") is True
        if failed and block.get("type") == "tool_result" and not block.get("content"):
            raise ValidationException(EMPTY_ERROR_RESULT.format(index=index, position=position))


def _model_name(model: FoundationModel) -> str:
    # "anthropic.claude-3-haiku-20240307-v1:0" -> "claude-3-haiku-20240307"
    name = model.model_id.split(".", 1)[1]
    return name.rsplit("-v", 1)[0]


def _cache_point_after(block: dict[str, Any], into: list[dict[str, Any]]) -> None:
    if isinstance(block, dict) and block.get("cache_control"):
        into.append({"cachePoint": {"type": "default"}})


def _image(block: dict[str, Any], path: str) -> dict[str, Any]:
    source = block.get("source")
    if not isinstance(source, dict) or source.get("type") != "base64":
        raise malformed(f"{path}/source: expected a base64 image source")
    try:
        data = base64.b64decode(str(source.get("data", "")), validate=True)
    except (binascii.Error, ValueError):
        raise malformed(f"{path}/source/data: expected base64 data") from None
    media_type = str(source.get("media_type", "image/png"))
    return {"image": {"format": media_type.split("/")[-1], "source": {"bytes": data}}}


#: Anthropic document ``media_type`` -> Converse document format.
_DOCUMENT_FORMATS = {"application/pdf": "pdf", "text/plain": "txt"}


def _document(block: dict[str, Any], path: str) -> dict[str, Any]:
    """A Messages ``document`` block (PDF or plain text) as a Converse document block.

    Sources: ``base64`` (``application/pdf`` or ``text/plain``), ``text`` and ``content``
    (text blocks), as Anthropic's Messages API defines them; the failure texts are written
    in the everit style of the other checks (unverified for this field).
    """
    found = block.get("source")
    source: dict[str, Any] = found if isinstance(found, dict) else {}
    kind = source.get("type")
    document: dict[str, Any] = {"name": str(block.get("title") or "document")}
    if isinstance(block.get("citations"), dict):
        document["citations"] = {"enabled": block["citations"].get("enabled") is True}
    if kind == "base64":
        media_type = str(source.get("media_type", ""))
        if media_type not in _DOCUMENT_FORMATS:
            raise malformed(f"{path}/source/media_type: {media_type} is not a valid enum value")
        try:
            data = base64.b64decode(str(source.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            raise malformed(f"{path}/source/data: expected base64 data") from None
        document.update(format=_DOCUMENT_FORMATS[media_type], source={"bytes": data})
    elif kind == "text":
        document.update(format="txt", source={"text": str(source.get("data", ""))})
    elif kind == "content":
        parts = _content(source.get("content", []), f"{path}/source/content")
        texts = [{"text": part["text"]} for part in parts if "text" in part]
        document.update(format="txt", source={"content": texts})
    else:
        raise malformed(f"{path}/source/type: {kind} is not a valid enum value")
    return {"document": document}


def _content(value: Any, path: str) -> list[dict[str, Any]]:
    if isinstance(value, str):
        return [{"text": value}]
    if not isinstance(value, list):
        raise malformed(f"{path}: expected type: JSONArray or String")
    blocks: list[dict[str, Any]] = []
    for index, block in enumerate(value):
        where = f"{path}/{index}"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            blocks.append({"text": str(block.get("text", ""))})
        elif kind == "image":
            blocks.append(_image(block, where))
        elif kind == "document":
            blocks.append(_document(block, where))
        elif kind == "tool_use":
            blocks.append(
                {
                    "toolUse": {
                        "toolUseId": str(block.get("id", "")),
                        "name": str(block.get("name", "")),
                        "input": block.get("input", {}),
                    }
                }
            )
        elif kind == "tool_result":
            inner = block.get("content", [])
            blocks.append(
                {
                    "toolResult": {
                        "toolUseId": str(block.get("tool_use_id", "")),
                        "content": _content(inner, f"{where}/content") if inner else [],
                    }
                }
            )
        elif kind in ("thinking", "redacted_thinking"):
            text = str(block.get("thinking", ""))
            blocks.append({"reasoningContent": {"reasoningText": {"text": text}}})
        else:
            raise malformed(f"{where}/type: {kind} is not a valid enum value")
        _cache_point_after(block, blocks)
    return blocks


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a Messages API body the way Bedrock does and translate it."""
    try:
        return _parse(body)
    except MalformedInput as failure:
        if "messages" not in body:
            raise
        raise malformed(NOT_A_COMPLETION + failure.detail) from None


def _parse(body: dict[str, Any]) -> NativeRequest:
    check_keys(body, "#", _REQUIRED, KNOWN_KEYS)
    check_enum(body["anthropic_version"], ANTHROPIC_VERSIONS, "#/anthropic_version")
    max_tokens = body["max_tokens"]
    check_type(max_tokens, "Integer", "#/max_tokens")
    check_range(max_tokens, "#/max_tokens", minimum=1)
    array(body["messages"], "#/messages")

    messages = []
    for index, message in enumerate(body["messages"]):
        where = f"#/messages/{index}"
        check_type(message, "JSONObject", where)
        check_keys(message, where, ("role", "content"), None)
        check_enum(message["role"], ("user", "assistant"), f"{where}/role")
        content = _content(message["content"], f"{where}/content")
        _check_error_results(message["content"], index)
        messages.append({"role": message["role"], "content": content})

    system: list[dict[str, Any]] = []
    if "system" in body:
        system = _content(body["system"], "#/system")

    config: dict[str, Any] = {"maxTokens": max_tokens}
    for native, converse in (("temperature", "temperature"), ("top_p", "topP")):
        if native in body:
            config[converse] = body[native]
    if "stop_sequences" in body:
        config["stopSequences"] = list(body["stop_sequences"] or [])

    tool_config: dict[str, Any] | None = None
    if body.get("tools"):
        tools = [
            {
                "toolSpec": {
                    "name": str(tool.get("name", "")),
                    "description": str(tool.get("description", "")),
                    "inputSchema": {"json": tool.get("input_schema", {})},
                }
            }
            for tool in body["tools"]
        ]
        tool_config = {"tools": tools}
        choice = body.get("tool_choice")
        if isinstance(choice, dict) and choice.get("type") in ("auto", "any"):
            tool_config["toolChoice"] = {choice["type"]: {}}
        elif isinstance(choice, dict) and choice.get("type") == "tool":
            tool_config["toolChoice"] = {"tool": {"name": str(choice.get("name", ""))}}
    choice = body.get("tool_choice")
    parallel = not (isinstance(choice, dict) and choice.get("disable_parallel_tool_use") is True)
    return NativeRequest(messages, system, config, tool_config, parallel_tools=parallel)


def _usage(result: InferenceResult, model: FoundationModel) -> dict[str, Any]:
    """Anthropic's ``usage``: Claude 3.7 and later always carry the cache counts and the
    ``cache_creation`` split by TTL (pydantic/pydantic-ai tests/models/cassettes/
    test_anthropic/test_anthropic_cache_bedrock_real_api.yaml, Haiku 4.5, 2026); older
    Claude models carry only input and output tokens unless the request cached
    (Arize-ai/openinference recordings of Claude 3 Haiku, 3 Sonnet and 3.5 Sonnet, 2025)."""
    usage: dict[str, Any] = {
        "input_tokens": result.usage["inputTokens"],
        "output_tokens": result.usage["outputTokens"],
    }
    modern = bool(unused_cache_counters(model.model_id, model.family))
    if not modern and "cacheReadInputTokens" not in result.usage:
        return usage
    usage["cache_creation_input_tokens"] = result.usage.get("cacheWriteInputTokens", 0)
    usage["cache_read_input_tokens"] = result.usage.get("cacheReadInputTokens", 0)
    if modern:
        # InferenceResult types usage as counts; cacheDetails is the one list in it.
        details = cast("list[dict[str, Any]]", result.usage.get("cacheDetails", []))
        written = {d["ttl"]: d["inputTokens"] for d in details}
        usage["cache_creation"] = {
            "ephemeral_5m_input_tokens": written.get("5m", 0),
            "ephemeral_1h_input_tokens": written.get("1h", 0),
        }
    return usage


def _native_block(block: dict[str, Any]) -> dict[str, Any]:
    if "toolUse" in block:
        tool_use = block["toolUse"]
        return {
            "type": "tool_use",
            "id": tool_use["toolUseId"],
            "name": tool_use["name"],
            "input": tool_use.get("input", {}),
        }
    if "reasoningContent" in block:
        reasoning = block["reasoningContent"].get("reasoningText", {})
        return {
            "type": "thinking",
            "thinking": reasoning.get("text", ""),
            "signature": reasoning.get("signature", ""),
        }
    if "citationsContent" in block:
        return _cited_text(block["citationsContent"])
    return {"type": "text", "text": block.get("text", "")}


def _cited_text(cited: dict[str, Any]) -> dict[str, Any]:
    """A Converse cited block as Anthropic's text block with ``char_location`` citations
    (``page_location`` for a PDF)."""
    citations = []
    for citation in cited.get("citations", []):
        located = citation.get("location", {})
        quoted = "".join(str(part.get("text", "")) for part in citation.get("sourceContent", []))
        native = {"cited_text": quoted, "document_title": citation.get("title")}
        if "documentPage" in located:
            page = located["documentPage"]
            native |= {"type": "page_location", "document_index": page.get("documentIndex", 0)}
            native |= {
                "start_page_number": page.get("start", 1),
                "end_page_number": page.get("end", 2),
            }
        else:
            char = located.get("documentChar", {})
            native |= {"type": "char_location", "document_index": char.get("documentIndex", 0)}
            native |= {
                "start_char_index": char.get("start", 0),
                "end_char_index": char.get("end", 0),
            }
        citations.append(native)
    text = "".join(str(part.get("text", "")) for part in cited.get("content", []))
    return {"type": "text", "text": text, "citations": citations}


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    return {
        "id": make_id("msg_bdrk_01", 24),
        "type": "message",
        "role": "assistant",
        "model": _model_name(model),
        "content": [_native_block(b) for b in result.content],
        "stop_reason": _STOP_REASONS.get(result.stop_reason, "end_turn"),
        "stop_sequence": result.stop_sequence,
        "usage": _usage(result, model),
    }


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Any
) -> Iterator[dict[str, Any]]:
    """The native stream objects, one per chunk, without the final invocation metrics."""
    usage = _usage(result, model)
    start_usage = {**usage, "output_tokens": 1}
    yield {
        "type": "message_start",
        "message": {
            "model": _model_name(model),
            "id": make_id("msg_bdrk_01", 24),
            "type": "message",
            "role": "assistant",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": start_usage,
        },
    }
    for index, block in enumerate(result.content):
        native = _native_block(block)
        if native["type"] == "tool_use":
            opening = {**native, "input": {}}
            yield {"type": "content_block_start", "index": index, "content_block": opening}
            for fragment in pieces(json.dumps(native["input"])):
                delta = {"type": "input_json_delta", "partial_json": fragment}
                yield {"type": "content_block_delta", "index": index, "delta": delta}
        elif native["type"] == "thinking":
            opening = {"type": "thinking", "thinking": ""}
            yield {"type": "content_block_start", "index": index, "content_block": opening}
            for piece in pieces(native["thinking"]):
                delta = {"type": "thinking_delta", "thinking": piece}
                yield {"type": "content_block_delta", "index": index, "delta": delta}
            if native["signature"]:  # one signature_delta closes a signed thinking block
                delta = {"type": "signature_delta", "signature": native["signature"]}
                yield {"type": "content_block_delta", "index": index, "delta": delta}
        else:
            opening = {"type": "text", "text": ""}
            yield {"type": "content_block_start", "index": index, "content_block": opening}
            for piece in pieces(native["text"]):
                delta = {"type": "text_delta", "text": piece}
                yield {"type": "content_block_delta", "index": index, "delta": delta}
            for citation in native.get("citations", []):
                delta = {"type": "citations_delta", "citation": citation}
                yield {"type": "content_block_delta", "index": index, "delta": delta}
        yield {"type": "content_block_stop", "index": index}
    yield (
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": _STOP_REASONS.get(result.stop_reason, "end_turn"),
                "stop_sequence": result.stop_sequence,
            },
            "usage": {"output_tokens": usage["output_tokens"]},
        }
    )
    yield {"type": "message_stop"}


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a native stream object carries, or None if it is not a delta."""
    if chunk.get("type") != "content_block_delta":
        return None
    delta = chunk["delta"]
    return str(delta.get("text") or delta.get("partial_json") or delta.get("thinking") or "")


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return "".join(b.get("text", "") for b in body.get("content", []) if b.get("type") == "text")
