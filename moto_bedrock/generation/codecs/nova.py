"""Amazon Nova (Micro, Lite, Pro, Premier) on InvokeModel: the ``messages-v1`` body.

Request/response/stream shapes: ``shared/reference/bedrock-wire.md`` §3.4. The body is the
Converse request with base64 strings where Converse has bytes, so translating it is mostly
checking it: the same responder, limits and usage then apply as for Converse.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Any

from ...catalog import FoundationModel
from ...rules.conversation import check_conversation
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces, malformed
from ._schema import array, check_enum, check_keys, check_type, optional, strings

KNOWN_KEYS = {"schemaVersion", "system", "messages", "inferenceConfig", "toolConfig"}
# ``max_new_tokens`` is the name older Nova docs used; ``reasoningConfig`` belongs to Nova 2
# and is accepted but has no effect here.
INFERENCE_KEYS = {
    "maxTokens",
    "max_new_tokens",
    "temperature",
    "topP",
    "topK",
    "stopSequences",
    "reasoningConfig",
}
# Document blocks are Converse-only: the Nova Invoke API does not accept them (docs).
BLOCK_KEYS = ("text", "image", "video", "toolUse", "toolResult", "cachePoint", "reasoningContent")
TOOL_RESULT_BLOCK_KEYS = ("text", "json", "image", "video")
IMAGE_FORMATS = ("jpeg", "png", "gif", "webp")
VIDEO_FORMATS = ("mkv", "mov", "mp4", "webm", "three_gp", "flv", "mpeg", "mpg", "wmv")
# Nova documents a "dynamic" default for maxTokens; the model's output limit stands in.
FALLBACK_MAX_TOKENS = 5000


def _decode(value: Any, path: str) -> bytes:
    check_type(value, "String", path)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise malformed(f"{path}: expected base64 data") from None


def _media(value: Any, path: str, kind: str, formats: tuple[str, ...]) -> dict[str, Any]:
    check_type(value, "JSONObject", path)
    check_keys(value, path, ("format", "source"), ("format", "source"))
    check_enum(value["format"], formats, f"{path}/format")
    source = value["source"]
    check_type(source, "JSONObject", f"{path}/source")
    # Video may also come from S3; images only as bytes.
    allowed = ("bytes", "s3Location") if kind == "video" else ("bytes",)
    check_keys(source, f"{path}/source", (), allowed)
    if "s3Location" in source:
        location = source["s3Location"]
        check_type(location, "JSONObject", f"{path}/source/s3Location")
        check_keys(location, f"{path}/source/s3Location", ("uri",), ("uri", "bucketOwner"))
        return {kind: {"format": value["format"], "source": {"s3Location": location}}}
    if "bytes" not in source:
        raise malformed(f"{path}/source: required key [bytes] not found")
    data = _decode(source["bytes"], f"{path}/source/bytes")
    return {kind: {"format": value["format"], "source": {"bytes": data}}}


def _union(block: Any, path: str, members: tuple[str, ...]) -> str:
    """The one member a union object sets (Converse content blocks are unions)."""
    check_type(block, "JSONObject", path)
    check_keys(block, path, (), members)
    if len(block) != 1:
        # Our wording: everit reports a failed oneOf differently, and no capture was found.
        raise malformed(f"{path}: expected exactly one of [{', '.join(members)}]")
    return str(next(iter(block)))


def _tool_result_block(block: Any, path: str) -> dict[str, Any]:
    kind = _union(block, path, TOOL_RESULT_BLOCK_KEYS)
    if kind == "text":
        check_type(block["text"], "String", f"{path}/text")
        return {"text": block["text"]}
    if kind == "json":
        return {"json": block["json"]}
    formats = IMAGE_FORMATS if kind == "image" else VIDEO_FORMATS
    return _media(block[kind], f"{path}/{kind}", kind, formats)


def _block(block: Any, path: str) -> dict[str, Any]:
    kind = _union(block, path, BLOCK_KEYS)
    value = block[kind]
    where = f"{path}/{kind}"
    if kind == "text":
        check_type(value, "String", where)
        return {"text": value}
    if kind in ("image", "video"):
        return _media(value, where, kind, IMAGE_FORMATS if kind == "image" else VIDEO_FORMATS)
    check_type(value, "JSONObject", where)
    if kind == "toolUse":
        check_keys(value, where, ("toolUseId", "name", "input"), ("toolUseId", "name", "input"))
        check_type(value["toolUseId"], "String", f"{where}/toolUseId")
        check_type(value["name"], "String", f"{where}/name")
        return {"toolUse": dict(value)}
    if kind == "toolResult":
        known = ("toolUseId", "content", "status")
        check_keys(value, where, ("toolUseId", "content"), known)
        check_type(value["toolUseId"], "String", f"{where}/toolUseId")
        if "status" in value:
            check_enum(value["status"], ("success", "error"), f"{where}/status")
        content = [
            _tool_result_block(item, f"{where}/content/{index}")
            for index, item in enumerate(array(value["content"], f"{where}/content"))
        ]
        return {"toolResult": {**value, "content": content}}
    # cachePoint and reasoningContent carry no binary data: they pass through as given.
    return {kind: dict(value)}


def _message(message: Any, path: str) -> dict[str, Any]:
    check_type(message, "JSONObject", path)
    check_keys(message, path, ("role", "content"), ("role", "content"))
    check_enum(message["role"], ("user", "assistant"), f"{path}/role")
    content = array(message["content"], f"{path}/content")
    blocks = [_block(block, f"{path}/content/{index}") for index, block in enumerate(content)]
    return {"role": message["role"], "content": blocks}


def _system(value: Any) -> list[dict[str, Any]]:
    blocks = []
    for index, block in enumerate(array(value, "#/system")):
        path = f"#/system/{index}"
        kind = _union(block, path, ("text", "cachePoint"))
        if kind == "text":
            check_type(block["text"], "String", f"{path}/text")
        blocks.append(dict(block))
    return blocks


def _inference_config(value: Any, model: FoundationModel) -> dict[str, Any]:
    path = "#/inferenceConfig"
    check_type(value, "JSONObject", path)
    check_keys(value, path, (), INFERENCE_KEYS)
    max_tokens = optional(value, "maxTokens", "Integer", path, minimum=1)
    older = optional(value, "max_new_tokens", "Integer", path, minimum=1)
    if max_tokens is None:
        max_tokens = older or model.max_output_tokens or FALLBACK_MAX_TOKENS
    config: dict[str, Any] = {"maxTokens": max_tokens}
    for key in ("temperature", "topP"):
        number = optional(value, key, "Number", path, minimum=0, maximum=1)
        if number is not None:
            config[key] = number
    # topK is validated, but Converse has no field for it and canned replies do not sample.
    optional(value, "topK", "Integer", path, minimum=0)
    if "stopSequences" in value:
        config["stopSequences"] = strings(value["stopSequences"], f"{path}/stopSequences")
    if "reasoningConfig" in value:
        check_type(value["reasoningConfig"], "JSONObject", f"{path}/reasoningConfig")
    return config


def _tool_config(value: Any) -> dict[str, Any]:
    path = "#/toolConfig"
    check_type(value, "JSONObject", path)
    check_keys(value, path, ("tools",), ("tools", "toolChoice"))
    tools = []
    for index, tool in enumerate(array(value["tools"], f"{path}/tools", min_items=1)):
        where = f"{path}/tools/{index}"
        kind = _union(tool, where, ("toolSpec", "cachePoint"))
        spec = tool[kind]
        check_type(spec, "JSONObject", f"{where}/{kind}")
        if kind == "toolSpec":
            known = ("name", "description", "inputSchema")
            check_keys(spec, f"{where}/toolSpec", ("name", "inputSchema"), known)
            check_type(spec["name"], "String", f"{where}/toolSpec/name")
        tools.append({kind: dict(spec)})
    config: dict[str, Any] = {"tools": tools}
    if "toolChoice" in value:
        choice = value["toolChoice"]
        _union(choice, f"{path}/toolChoice", ("auto", "any", "tool"))
        config["toolChoice"] = dict(choice)
    return config


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a ``messages-v1`` body the way Bedrock does and translate it."""
    check_keys(body, "#", ("messages",), KNOWN_KEYS)
    if "schemaVersion" in body:
        check_enum(body["schemaVersion"], ("messages-v1",), "#/schemaVersion")
    messages = [
        _message(message, f"#/messages/{index}")
        for index, message in enumerate(array(body["messages"], "#/messages"))
    ]
    system = _system(body["system"]) if "system" in body else []
    config = _inference_config(body.get("inferenceConfig", {}), model)
    tool_config = _tool_config(body["toolConfig"]) if "toolConfig" in body else None
    # Nova Invoke runs the Converse conversation rules ("first turn must be user", docs);
    # that it answers with Converse's exact texts is assumed, not captured.
    check_conversation(messages)
    return NativeRequest(messages, system, config, tool_config)


def _usage(result: InferenceResult) -> dict[str, int]:
    # Nova Invoke names the cache fields ``…TokenCount``, unlike Converse (reference §3.4).
    return {
        "inputTokens": result.usage["inputTokens"],
        "outputTokens": result.usage["outputTokens"],
        "totalTokens": result.usage["totalTokens"],
        "cacheReadInputTokenCount": result.usage.get("cacheReadInputTokens", 0),
        "cacheWriteInputTokenCount": result.usage.get("cacheWriteInputTokens", 0),
    }


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body: Converse's output with Nova's usage names."""
    return {
        "output": {"message": {"role": "assistant", "content": [dict(b) for b in result.content]}},
        "stopReason": result.stop_reason,
        "usage": _usage(result),
    }


def _delta(index: int, delta: dict[str, Any]) -> dict[str, Any]:
    return {"contentBlockDelta": {"delta": delta, "contentBlockIndex": index}}


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """The native stream objects: ConverseStream's events, each as one JSON object.

    As recorded (Arize-ai/openinference js/packages/openinference-instrumentation-bedrock/
    test/recordings/should-handle-invoke-model-with-response-stream.json, Nova Micro, 2025):
    every text delta is a content block of its own (delta, then stop, next index), and the
    closing usage has no ``totalTokens``. A tool's whole input comes in one delta.
    """
    yield {"messageStart": {"role": "assistant"}}
    index = 0
    for block in result.content:
        if "toolUse" in block:
            tool_use = block["toolUse"]
            start = {"toolUse": {"toolUseId": tool_use["toolUseId"], "name": tool_use["name"]}}
            yield {"contentBlockStart": {"start": start, "contentBlockIndex": index}}
            whole = json.dumps(tool_use.get("input", {}))
            yield _delta(index, {"toolUse": {"input": whole}})
            yield {"contentBlockStop": {"contentBlockIndex": index}}
            index += 1
            continue
        if "reasoningContent" in block:
            text = block["reasoningContent"].get("reasoningText", {}).get("text", "")
            kind = "reasoningContent"
        else:
            text, kind = block.get("text", ""), "text"
        for piece in pieces(text) or [""]:
            delta = {kind: {"text": piece}} if kind == "reasoningContent" else {"text": piece}
            yield _delta(index, delta)
            yield {"contentBlockStop": {"contentBlockIndex": index}}
            index += 1
    yield {"messageStop": {"stopReason": result.stop_reason}}
    usage = {k: v for k, v in _usage(result).items() if k != "totalTokens"}
    yield {"metadata": {"usage": usage, "metrics": {}, "trace": {}}}


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a native stream object carries, or None if it is not a delta."""
    delta = chunk.get("contentBlockDelta", {}).get("delta")
    if delta is None:
        return None
    if "toolUse" in delta:
        return str(delta["toolUse"].get("input", ""))
    if "reasoningContent" in delta:
        return str(delta["reasoningContent"].get("text", ""))
    return str(delta.get("text", ""))


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    content = body.get("output", {}).get("message", {}).get("content", [])
    return "".join(b.get("text", "") for b in content)
