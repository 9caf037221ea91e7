"""The OpenAI chat-completions body, as Bedrock serves it for several families.

gpt-oss (``openai.gpt-oss-*``) takes exactly OpenAI's "Create chat completion" body on
InvokeModel (AWS page "OpenAI models"); Qwen 3, DeepSeek V3.1, Writer Palmyra and Mistral's
newer chat models (Large 3, Magistral, Ministral 3, Voxtral) answer in the same shape. One
:class:`Dialect` per family says what differs: the keys it knows, whether its content may
carry images or audio, and where reasoning goes. Family modules bind a dialect with
:class:`ChatCodec`.

Request: ``messages`` (roles ``system``/``developer`` → Converse ``system``, ``user``,
``assistant`` with ``tool_calls``, ``tool`` with ``tool_call_id`` → ``toolResult``),
``max_completion_tokens`` or ``max_tokens``, ``temperature``, ``top_p``, ``stop``, ``tools``
and ``tool_choice`` (``auto``/``none``/``required`` or a named function). A ``model`` field
must name the model called; ``stream`` must be a boolean.

Response: ``{"id": "chatcmpl-…", "object": "chat.completion", "created", "model",
"choices": [{"index": 0, "message": {"role": "assistant", "content", "tool_calls"?},
"finish_reason"}], "usage": {"prompt_tokens", "completion_tokens", "total_tokens"}}``.
gpt-oss puts any reasoning before the text inside ``<reasoning>…</reasoning>`` (AWS page
"OpenAI models", InvokeModel note); the other families return it as ``reasoning_content``.

Stream: ``chat.completion.chunk`` objects, the first delta carrying ``role``, one per text
piece, one per tool call (whole, with its ``index``), then an empty delta with
``finish_reason``. The chunk shape is OpenAI's; Bedrock's own chunks for these families are
not on record (unverified), nor are ``created``/``id`` formats.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces, malformed
from ._schema import array, check_enum, check_keys, check_range, check_type, optional, strings

__all__ = ["ChatCodec", "Dialect", "delta_text", "text_of", "tool_calls"]

# OpenAI chat-completion request keys Bedrock passes to these models (unknown keys are
# refused the schema way; the list is OpenAI's, which Bedrock's page points to).
COMMON_KEYS = (
    "messages",
    "model",
    "stream",
    "stream_options",
    "max_tokens",
    "max_completion_tokens",
    "temperature",
    "top_p",
    "stop",
    "seed",
    "n",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "response_format",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "user",
    "metadata",
)
ROLES = ("system", "developer", "user", "assistant", "tool")
MESSAGE_KEYS = ("role", "content", "name", "tool_calls", "tool_call_id", "reasoning_content")
TOOL_CHOICES = ("auto", "none", "required")
MAX_STOP_SEQUENCES = 4
_FINISH = {"max_tokens": "length", "tool_use": "tool_calls", "content_filtered": "content_filter"}
_DATA_URI = re.compile(r"data:image/(png|jpeg|jpg|gif|webp);base64,(.*)", re.DOTALL)
AUDIO_FORMATS = ("wav", "mp3", "flac", "ogg", "webm", "m4a")


@dataclass(frozen=True)
class Dialect:
    """How one family's chat-completion body differs from the common one."""

    extra_keys: tuple[str, ...] = ()
    #: Content part types besides ``text`` (``image_url`` only where the model takes images).
    media: tuple[str, ...] = ("image_url",)
    #: gpt-oss: reasoning inside ``<reasoning>`` tags before the text; else ``reasoning_content``.
    reasoning_tags: bool = False
    default_max_tokens: int = 4096


# -- request ------------------------------------------------------------------------------


def _decode(data: Any, where: str) -> bytes:
    check_type(data, "String", where)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise malformed(f"{where}: expected base64 data") from None


def _image(part: dict[str, Any], where: str) -> dict[str, Any]:
    source = part.get("image_url")
    url = source.get("url") if isinstance(source, dict) else source
    match = _DATA_URI.fullmatch(url) if isinstance(url, str) else None
    if match is None:
        raise malformed(f"{where}/image_url: expected a base64 image data URI")
    data = _decode(match.group(2), f"{where}/image_url")
    image_format = "jpeg" if match.group(1) == "jpg" else match.group(1)
    return {"image": {"format": image_format, "source": {"bytes": data}}}


def _audio(part: dict[str, Any], where: str) -> dict[str, Any]:
    """``input_audio`` as OpenAI (``{"data", "format"}``) or Mistral (a base64 string) sends it."""
    audio: Any = part.get("input_audio")
    if isinstance(audio, str):
        audio = {"data": audio, "format": "wav"}
    check_type(audio, "JSONObject", f"{where}/input_audio")
    check_keys(audio, f"{where}/input_audio", ("data",), ("data", "format"))
    audio_format = audio.get("format", "wav")
    check_type(audio_format, "String", f"{where}/input_audio/format")
    check_enum(audio_format, AUDIO_FORMATS, f"{where}/input_audio/format")
    data = _decode(audio["data"], f"{where}/input_audio/data")
    return {"audio": {"format": audio_format, "source": {"bytes": data}}}


def _content(value: Any, where: str, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [{"text": value}] if value else []
    if not isinstance(value, list):
        check_type(value, "String", where)
    blocks: list[dict[str, Any]] = []
    for index, part in enumerate(value):
        at = f"{where}/{index}"
        check_type(part, "JSONObject", at)
        kind = part.get("type")
        check_type(kind, "String", f"{at}/type")
        check_enum(kind, kinds, f"{at}/type")
        if kind == "text":
            check_type(part.get("text"), "String", f"{at}/text")
            blocks.append({"text": part["text"]})
        elif kind == "image_url":
            blocks.append(_image(part, at))
        else:
            blocks.append(_audio(part, at))
    return blocks


def _tool_use(call: Any, where: str) -> dict[str, Any]:
    check_type(call, "JSONObject", where)
    check_keys(call, where, ("id", "function"), ("id", "type", "function", "index"))
    function = call["function"]
    check_type(function, "JSONObject", f"{where}/function")
    check_keys(function, f"{where}/function", ("name", "arguments"), ("name", "arguments"))
    check_type(function["name"], "String", f"{where}/function/name")
    check_type(function["arguments"], "String", f"{where}/function/arguments")
    try:
        parsed = json.loads(function["arguments"])
    except ValueError:
        parsed = function["arguments"]
    arguments = parsed if isinstance(parsed, dict) else {"arguments": parsed}
    return {"toolUse": {"toolUseId": str(call["id"]), "name": function["name"], "input": arguments}}


def _message(native: Any, where: str, kinds: tuple[str, ...]) -> tuple[str, list[Any]]:
    """(Converse role or ``system``, blocks) of one message."""
    check_type(native, "JSONObject", where)
    check_keys(native, where, ("role",), MESSAGE_KEYS)
    role = native["role"]
    check_type(role, "String", f"{where}/role")
    check_enum(role, ROLES, f"{where}/role")
    if role != "assistant" and "content" not in native:
        raise malformed(f"{where}: required key [content] not found")
    # Only user turns carry media; instructions, tool results and replies are text.
    allowed = kinds if role == "user" else ("text",)
    blocks = _content(native.get("content"), f"{where}/content", allowed)
    if role in ("system", "developer"):
        return "system", blocks
    if role == "tool":
        if "tool_call_id" not in native:
            raise malformed(f"{where}: required key [tool_call_id] not found")
        check_type(native["tool_call_id"], "String", f"{where}/tool_call_id")
        result = {"toolUseId": native["tool_call_id"], "content": blocks or [{"text": ""}]}
        return "user", [{"toolResult": result}]
    if role == "assistant" and native.get("tool_calls") is not None:
        calls = array(native["tool_calls"], f"{where}/tool_calls")
        blocks += [_tool_use(c, f"{where}/tool_calls/{i}") for i, c in enumerate(calls)]
    return role, blocks


def _tools(body: dict[str, Any]) -> list[dict[str, Any]]:
    specs = []
    for index, tool in enumerate(array(body["tools"], "#/tools")):
        where = f"#/tools/{index}"
        check_type(tool, "JSONObject", where)
        check_keys(tool, where, ("function",), ("type", "function"))
        function = tool["function"]
        check_type(function, "JSONObject", f"{where}/function")
        known = ("name", "description", "parameters", "strict")
        check_keys(function, f"{where}/function", ("name",), known)
        check_type(function["name"], "String", f"{where}/function/name")
        parameters = function.get("parameters", {"type": "object", "properties": {}})
        check_type(parameters, "JSONObject", f"{where}/function/parameters")
        spec = {"name": function["name"], "inputSchema": {"json": parameters}}
        if function.get("description"):
            spec["description"] = str(function["description"])
        specs.append({"toolSpec": spec})
    return specs


def _tool_choice(body: dict[str, Any]) -> dict[str, Any] | None:
    """The Converse toolChoice of ``tool_choice`` (None: ``none``, which Converse lacks)."""
    choice = body.get("tool_choice", "auto")
    if isinstance(choice, dict):
        check_keys(choice, "#/tool_choice", ("function",), ("type", "function"))
        function = choice["function"]
        check_type(function, "JSONObject", "#/tool_choice/function")
        check_keys(function, "#/tool_choice/function", ("name",), ("name",))
        check_type(function["name"], "String", "#/tool_choice/function/name")
        return {"tool": {"name": function["name"]}}
    check_type(choice, "String", "#/tool_choice")
    check_enum(choice, TOOL_CHOICES, "#/tool_choice")
    # With "none" the tools stay in the prompt (and its count), unforced.
    return None if choice == "none" else {"any": {}} if choice == "required" else {"auto": {}}


def _tool_config(body: dict[str, Any]) -> dict[str, Any] | None:
    choice = _tool_choice(body)
    tools = _tools(body) if "tools" in body else []
    if not tools:
        return None
    config: dict[str, Any] = {"tools": tools}
    if choice is not None:
        config["toolChoice"] = choice
    return config


def _check_model_field(body: dict[str, Any], model: FoundationModel) -> None:
    if "model" not in body:
        return
    named = body["model"]
    check_type(named, "String", "#/model")
    # "must match the value in the header" (AWS page); a profile id or ARN of it matches.
    if named != model.model_id and not named.endswith(("." + model.model_id, "/" + model.model_id)):
        # Wording unverified: AWS documents the rule, not its error text.
        raise malformed(f"#/model: {named} does not match the model called ({model.model_id})")


def _inference_config(
    body: dict[str, Any], model: FoundationModel, dialect: Dialect
) -> dict[str, Any]:
    limit = model.max_output_tokens
    maximum = None
    for key in ("max_completion_tokens", "max_tokens"):
        value = optional(body, key, "Integer", minimum=1, maximum=limit)
        if value is not None and maximum is None:
            maximum = value
    default = min(dialect.default_max_tokens, limit or dialect.default_max_tokens)
    config: dict[str, Any] = {"maxTokens": maximum or default}
    temperature = optional(body, "temperature", "Number", minimum=0, maximum=2)
    if temperature is not None:
        config["temperature"] = temperature
    top_p = optional(body, "top_p", "Number", minimum=0, maximum=1)
    if top_p is not None:
        config["topP"] = top_p
    if "stop" in body:
        stop = body["stop"]
        sequences = [stop] if isinstance(stop, str) else strings(stop, "#/stop")
        check_range(len(sequences), "#/stop", maximum=MAX_STOP_SEQUENCES)
        if sequences:
            config["stopSequences"] = sequences
    return config


def parse(body: dict[str, Any], model: FoundationModel, dialect: Dialect) -> NativeRequest:
    """Check a chat-completion body the way Bedrock's schema does and translate it."""
    check_keys(body, "#", ("messages",), (*COMMON_KEYS, *dialect.extra_keys))
    _check_model_field(body, model)
    if "stream" in body:
        check_type(body["stream"], "Boolean", "#/stream")
    if "reasoning_effort" in body:
        check_type(body["reasoning_effort"], "String", "#/reasoning_effort")
        check_enum(body["reasoning_effort"], ("low", "medium", "high"), "#/reasoning_effort")
    kinds = ("text", *(m for m in dialect.media if m != "image_url" or model.image_input))
    system: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for index, native in enumerate(array(body["messages"], "#/messages", min_items=1)):
        role, blocks = _message(native, f"#/messages/{index}", kinds)
        if role == "system":
            system.extend(blocks)
        elif messages and messages[-1]["role"] == role:
            messages[-1]["content"].extend(blocks)  # consecutive tool results form one turn
        else:
            messages.append({"role": role, "content": blocks})
    config = _inference_config(body, model, dialect)
    parallel = body.get("parallel_tool_calls") is not False
    return NativeRequest(messages, system, config, _tool_config(body), parallel_tools=parallel)


# -- response -----------------------------------------------------------------------------


def _parts(result: InferenceResult) -> tuple[str, str]:
    """(reasoning, text) of a reply."""
    reasoning = "".join(
        str(b["reasoningContent"].get("reasoningText", {}).get("text", ""))
        for b in result.content
        if "reasoningContent" in b
    )
    text = "".join(str(b["text"]) for b in result.content if "text" in b)
    return reasoning, text


def tool_calls(result: InferenceResult) -> list[dict[str, Any]]:
    """The reply's toolUse blocks as OpenAI ``tool_calls`` (arguments as JSON text)."""
    return [
        {
            "id": b["toolUse"]["toolUseId"],
            "type": "function",
            "function": {
                "name": b["toolUse"]["name"],
                "arguments": json.dumps(b["toolUse"].get("input", {})),
            },
        }
        for b in result.content
        if "toolUse" in b
    ]


def _envelope(kind: str, model: FoundationModel, response_id: str) -> dict[str, Any]:
    # ``created`` is the wall clock, as OpenAI's is (it is not part of any id or count).
    return {"id": response_id, "object": kind, "created": int(time.time()), "model": model.model_id}


def _finish(result: InferenceResult) -> str:
    return _FINISH.get(result.stop_reason, "stop")


def _message_of(result: InferenceResult, dialect: Dialect) -> dict[str, Any]:
    reasoning, text = _parts(result)
    message: dict[str, Any] = {"role": "assistant"}
    if dialect.reasoning_tags and reasoning:
        text = f"<reasoning>{reasoning}</reasoning>{text}"
    calls = tool_calls(result)
    message["content"] = text if text or not calls else None
    if reasoning and not dialect.reasoning_tags:
        message["reasoning_content"] = reasoning
    if calls:
        message["tool_calls"] = calls
    return message


def render(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, dialect: Dialect
) -> dict[str, Any]:
    response = _envelope("chat.completion", model, make_id("chatcmpl-", 29))
    choice = {"index": 0, "message": _message_of(result, dialect), "finish_reason": _finish(result)}
    usage = result.usage
    response["choices"] = [choice]
    response["usage"] = {
        "prompt_tokens": usage["inputTokens"],
        "completion_tokens": usage["outputTokens"],
        "total_tokens": usage["inputTokens"] + usage["outputTokens"],
    }
    return response


def stream(
    result: InferenceResult,
    model: FoundationModel,
    make_id: MakeId,
    pieces: Pieces,
    dialect: Dialect,
) -> Iterator[dict[str, Any]]:
    head = _envelope("chat.completion.chunk", model, make_id("chatcmpl-", 29))

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    reasoning, text = _parts(result)
    deltas: list[Iterable[dict[str, Any]]] = []
    if reasoning and not dialect.reasoning_tags:
        deltas.append({"reasoning_content": piece} for piece in pieces(reasoning))
    elif reasoning:
        # gpt-oss wraps every reasoning delta in its own tags, after a role-only first chunk
        # (Bedrock's OpenAI-compatible stream for gpt-oss-120b, quoted raw in
        # CherryHQ/cherry-studio#10225, 2025-09).
        deltas.append([{"role": "assistant"}])
        deltas.append({"content": f"<reasoning>{piece}</reasoning>"} for piece in pieces(reasoning))
    if text:
        deltas.append({"content": piece} for piece in pieces(text))
    calls = enumerate(tool_calls(result))
    deltas.append({"tool_calls": [{"index": i, **call}]} for i, call in calls)
    first = True
    for delta in itertools.chain.from_iterable(deltas):
        yield chunk({"role": "assistant", **delta} if first else delta)
        first = False
    if first:  # nothing to say: one empty content delta opens the message
        yield chunk({"role": "assistant", "content": ""})
    yield chunk({}, _finish(result))


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a chunk carries (tool-call arguments count), or None for the closing chunk."""
    choice = chunk["choices"][0]
    delta = choice["delta"]
    if delta.get("tool_calls"):
        return "".join(str(c["function"]["arguments"]) for c in delta["tool_calls"])
    if choice["finish_reason"] is not None:
        return None
    return str(delta.get("content") or delta.get("reasoning_content") or "")


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a response (for tests and docs)."""
    return "".join(str(c["message"].get("content") or "") for c in body.get("choices", []))


class ChatCodec:
    """A family's codec functions, bound to its :class:`Dialect`."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def parse_request(self, body: dict[str, Any], model: FoundationModel) -> NativeRequest:
        return parse(body, model, self.dialect)

    def render_response(
        self, result: InferenceResult, model: FoundationModel, make_id: MakeId
    ) -> dict[str, Any]:
        return render(result, model, make_id, self.dialect)

    def render_stream(
        self, result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
    ) -> Iterator[dict[str, Any]]:
        return stream(result, model, make_id, pieces, self.dialect)
