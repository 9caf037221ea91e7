"""Replies from a real LLM running locally (Ollama, or any OpenAI-compatible server).

:class:`LLMResponder` translates a Converse-shaped :class:`Invocation` into one chat request
(OpenAI Chat Completions ``POST …/v1/chat/completions`` or Ollama ``POST …/api/chat``),
sends it with ``requests``, and translates the answer back into a :class:`Reply`: text,
``toolUse`` blocks, stop reason and token usage. Everything after that (``maxTokens``,
stop sequences, streaming, history) is the emulator's usual pipeline.

A local server that is down, slow, failing or incoherent never becomes an HTTP 500: the
call fails with a modeled error a Bedrock client understands (``ModelErrorException`` or,
past the timeout, ``ModelTimeoutException``), naming the endpoint and the problem.

Unlike every other responder this one is not deterministic: the reply is whatever the local
model says. Only the ``toolUseId`` values are derived deterministically.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import math
import re
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests

from ..bedrockruntime.exceptions import ModelErrorException, ModelTimeoutException
from ..generation.responders import Invocation, Reply
from ..wire import guard
from .base import ConfigError

__all__ = ["APIS", "LLMResponder", "ollama_request", "openai_request"]

#: The chat APIs a local LLM may speak.
APIS = ("openai", "ollama")
DEFAULT_API = "openai"
DEFAULT_TIMEOUT = 60
#: The longest timeout accepted (an hour).
MAX_TIMEOUT = 3600
_KEYS = ("url", "api", "model", "timeout", "api_key", "temperature")

# A chat reply is a few kilobytes; refusing more keeps a confused server from filling memory.
MAX_REPLY_BYTES = 16 * 1024 * 1024
# How much of a server's error text we quote in the Bedrock error message.
_DETAIL_CHARS = 300

# Bedrock's toolUseId pattern and length limit (botocore model, ToolUseId shape).
_TOOL_USE_ID = re.compile(r"[a-zA-Z0-9_.:-]+")
_TOOL_USE_ID_MAX = 64
_TOOL_USE_PREFIX = "tooluse_"

# Document formats whose bytes are plain text a chat model can read as is.
_TEXT_DOCUMENTS = frozenset({"txt", "md", "csv", "html"})


# -- configuration ------------------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _validate(config: Any, where: str) -> dict[str, Any]:
    """The checked settings of ``config``; raises ConfigError naming ``where``."""
    if not isinstance(config, dict):
        raise ConfigError(f"{where} must be a mapping; got {type(config).__name__}")
    unknown = sorted(str(key) for key in set(config) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where} has unknown keys {unknown}; expected some of {list(_KEYS)}")

    url = config.get("url")
    if url is None:
        raise ConfigError(f"{where}.url is required")
    if not isinstance(url, str):
        raise ConfigError(f"{where}.url must be a string; got {type(url).__name__}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}.url must be an http:// or https:// URL; got {url!r}")
    if parts.query or parts.fragment:
        raise ConfigError(f"{where}.url must not have a query or fragment; got {url!r}")
    refusal = guard.llm_host_refusal(url)
    if refusal is not None:
        raise ConfigError(f"{where}.url is refused: {refusal}")

    api = config.get("api", DEFAULT_API)
    if api not in APIS:
        raise ConfigError(f"{where}.api must be one of {list(APIS)}; got {api!r}")

    model = config.get("model")
    if model is None:
        raise ConfigError(f"{where}.model is required (the local model's name, e.g. 'llama3.2')")
    if not isinstance(model, str) or not model.strip():
        raise ConfigError(f"{where}.model must be a non-empty string; got {model!r}")

    timeout = config.get("timeout", DEFAULT_TIMEOUT)
    if not _number(timeout) or not 0 < timeout <= MAX_TIMEOUT:
        raise ConfigError(
            f"{where}.timeout must be a positive number of seconds, at most {MAX_TIMEOUT}; "
            f"got {timeout!r}"
        )

    api_key = config.get("api_key")
    if api_key is not None and (not isinstance(api_key, str) or not api_key):
        raise ConfigError(f"{where}.api_key must be a non-empty string")

    temperature = config.get("temperature")
    if temperature is not None and (not _number(temperature) or temperature < 0):
        raise ConfigError(f"{where}.temperature must be a number >= 0; got {temperature!r}")

    return {
        "url": url,
        "api": api,
        "model": model,
        "timeout": timeout,
        "api_key": api_key,
        "temperature": temperature,
    }


def endpoint_for(url: str, api: str) -> str:
    """The chat URL for ``url``: a bare base, a ``/v1`` (or ``/api``) base, or the full path."""
    base = url.rstrip("/")
    if api == "openai":
        if base.endswith("/chat/completions"):
            return base
        if base.endswith("/v1"):
            return f"{base}/chat/completions"
        return f"{base}/v1/chat/completions"
    if base.endswith("/api/chat"):
        return base
    if base.endswith("/api"):
        return f"{base}/chat"
    return f"{base}/api/chat"


# -- request translation: shared pieces ---------------------------------------------------


def _b64(data: Any) -> str:
    # In-process the parsed blob is raw bytes; keep a string as the base64 it already is.
    if isinstance(data, (bytes, bytearray)):
        return base64.b64encode(bytes(data)).decode("ascii")
    return str(data)


def _system_text(blocks: Iterable[dict[str, Any]]) -> str:
    texts = []
    for block in blocks:
        if "text" in block:
            texts.append(block["text"])
        elif "guardContent" in block:
            texts.append(block["guardContent"].get("text", {}).get("text", ""))
    return "\n".join(t for t in texts if t)


def _document_text(document: dict[str, Any]) -> str:
    """A document as text a chat model can read (binary formats become a placeholder)."""
    name = document.get("name", "document")
    source = document.get("source", {})
    if "text" in source:
        body = str(source["text"])
    elif "content" in source:
        body = "\n".join(str(part.get("text", "")) for part in source["content"])
    elif "bytes" in source and document.get("format", "txt") in _TEXT_DOCUMENTS:
        data = source["bytes"]
        raw = bytes(data) if isinstance(data, (bytes, bytearray)) else base64.b64decode(data)
        body = raw.decode("utf-8", errors="replace")
    else:
        # PDFs, spreadsheets and S3 locations would need a parser or network access.
        return (
            f"[document {name!r} ({document.get('format', 'unknown')}) not sent to the local model]"
        )
    return f"[document {name!r}]\n{body}"


def _tool_result_text(result: dict[str, Any]) -> str:
    pieces = []
    for part in result.get("content", []):
        if "text" in part:
            pieces.append(str(part["text"]))
        elif "json" in part:
            pieces.append(json.dumps(part["json"], sort_keys=True))
        elif "document" in part:
            pieces.append(_document_text(part["document"]))
        else:
            kind = next(iter(part), "content")
            pieces.append(f"[{kind} not sent to the local model]")
    text = "\n".join(pieces)
    # Chat APIs have no error flag on tool results; say it in the text instead.
    return f"Error: {text}" if result.get("status") == "error" else text


def _user_part(block: dict[str, Any]) -> tuple[str, str] | None:
    """A user content block as ("text", text) or ("image", data URL); None to skip it."""
    if "text" in block:
        return "text", str(block["text"])
    if "guardContent" in block:
        return "text", block["guardContent"].get("text", {}).get("text", "")
    if "document" in block:
        return "text", _document_text(block["document"])
    if "image" in block:
        image = block["image"]
        source = image.get("source", {})
        if "bytes" in source:
            return (
                "image",
                f"data:image/{image.get('format', 'png')};base64,{_b64(source['bytes'])}",
            )
        return "text", "[image not sent to the local model]"
    if "cachePoint" in block or "reasoningContent" in block:
        return None
    kind = next(iter(block), "content")
    return "text", f"[{kind} not sent to the local model]"


def _assistant_text(blocks: Iterable[dict[str, Any]]) -> str:
    return "\n".join(str(b["text"]) for b in blocks if "text" in b)


def _tools(tool_config: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Bedrock tool specs as the function tools both APIs take (system tools are dropped)."""
    tools = []
    for tool in (tool_config or {}).get("tools", []):
        spec = tool.get("toolSpec")
        if spec is None:
            continue
        function: dict[str, Any] = {"name": spec["name"]}
        if spec.get("description"):
            function["description"] = spec["description"]
        schema = spec.get("inputSchema", {}).get("json")
        if isinstance(schema, str):
            # Over raw JSON the document may arrive as a string; a model needs the object.
            try:
                schema = json.loads(schema)
            except ValueError:
                schema = None
        function["parameters"] = (
            schema if isinstance(schema, dict) else {"type": "object", "properties": {}}
        )
        if spec.get("strict") is not None:
            function["strict"] = bool(spec["strict"])
        tools.append({"type": "function", "function": function})
    return tools


def _json_schema(output_config: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (jsonSchema settings, parsed schema) of ``outputConfig.textFormat``, or empty dicts."""
    text_format = (output_config or {}).get("textFormat") or {}
    if text_format.get("type") != "json_schema":
        return {}, {}
    settings = (text_format.get("structure") or {}).get("jsonSchema") or {}
    schema = settings.get("schema")
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except ValueError:
            return {}, {}
    if not isinstance(schema, dict):
        return {}, {}
    return settings, schema


def _tool_names(messages: Iterable[dict[str, Any]]) -> dict[str, str]:
    """toolUseId → tool name, from every assistant toolUse block of the conversation."""
    names = {}
    for message in messages:
        for block in message.get("content", []):
            if "toolUse" in block:
                names[block["toolUse"]["toolUseId"]] = block["toolUse"]["name"]
    return names


# -- request translation: OpenAI ----------------------------------------------------------


def _openai_messages(message: dict[str, Any]) -> list[dict[str, Any]]:
    role = message.get("role")
    blocks = message.get("content", [])
    if role == "assistant":
        calls = [
            {
                "id": b["toolUse"]["toolUseId"],
                "type": "function",
                "function": {
                    "name": b["toolUse"]["name"],
                    "arguments": json.dumps(b["toolUse"].get("input", {})),
                },
            }
            for b in blocks
            if "toolUse" in b
        ]
        text = _assistant_text(blocks)
        out: dict[str, Any] = {"role": "assistant", "content": text or (None if calls else "")}
        if calls:
            out["tool_calls"] = calls
        return [out]
    if role == "system":
        return [{"role": "system", "content": _system_text(blocks)}]
    # A user turn: tool results must directly follow the assistant's tool_calls as "tool"
    # messages, so they come first; the turn's other content follows as one user message.
    messages: list[dict[str, Any]] = [
        {
            "role": "tool",
            "tool_call_id": b["toolResult"]["toolUseId"],
            "content": _tool_result_text(b["toolResult"]),
        }
        for b in blocks
        if "toolResult" in b
    ]
    parts = [p for b in blocks if "toolResult" not in b and (p := _user_part(b)) is not None]
    if parts:
        content: Any
        if all(kind == "text" for kind, _ in parts):
            # A plain string is what every OpenAI-compatible server understands.
            content = "\n".join(value for _, value in parts)
        else:
            content = [
                {"type": "text", "text": value}
                if kind == "text"
                else {"type": "image_url", "image_url": {"url": value}}
                for kind, value in parts
            ]
        messages.append({"role": "user", "content": content})
    return messages


def _openai_tool_choice(choice: dict[str, Any] | None) -> Any:
    if not choice:
        return None
    if "any" in choice:
        return "required"
    if "tool" in choice:
        return {"type": "function", "function": {"name": choice["tool"]["name"]}}
    return "auto"


def _sampling(
    invocation: Invocation, temperature: float | None, max_tokens_key: str
) -> dict[str, Any]:
    """inferenceConfig in the names both chat APIs share (``temperature`` overrides);
    only the output-limit key differs: ``max_tokens`` (OpenAI), ``num_predict`` (Ollama)."""
    config = invocation.inference_config
    sampling: dict[str, Any] = {}
    if config.get("maxTokens") is not None:
        sampling[max_tokens_key] = config["maxTokens"]
    chosen = temperature if temperature is not None else config.get("temperature")
    if chosen is not None:
        sampling["temperature"] = chosen
    if config.get("topP") is not None:
        sampling["top_p"] = config["topP"]
    if config.get("stopSequences"):
        sampling["stop"] = list(config["stopSequences"])
    return sampling


def openai_request(
    invocation: Invocation, model: str, temperature: float | None = None
) -> dict[str, Any]:
    """The OpenAI Chat Completions body for ``invocation`` (``temperature`` overrides)."""
    messages: list[dict[str, Any]] = []
    system = _system_text(invocation.system)
    if system:
        messages.append({"role": "system", "content": system})
    for message in invocation.messages:
        messages.extend(_openai_messages(message))
    body: dict[str, Any] = {"model": model, "messages": messages, "stream": False}
    body.update(_sampling(invocation, temperature, max_tokens_key="max_tokens"))
    tools = _tools(invocation.tool_config)
    if tools:
        body["tools"] = tools
        choice = _openai_tool_choice((invocation.tool_config or {}).get("toolChoice"))
        if choice is not None:
            body["tool_choice"] = choice
    settings, schema = _json_schema(invocation.output_config)
    if schema:
        json_schema: dict[str, Any] = {"name": settings.get("name") or "response", "schema": schema}
        if settings.get("description"):
            json_schema["description"] = settings["description"]
        body["response_format"] = {"type": "json_schema", "json_schema": json_schema}
    return body


# -- request translation: Ollama ----------------------------------------------------------


def _ollama_messages(message: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    role = message.get("role")
    blocks = message.get("content", [])
    if role == "assistant":
        out: dict[str, Any] = {"role": "assistant", "content": _assistant_text(blocks)}
        calls = [
            {"function": {"name": b["toolUse"]["name"], "arguments": b["toolUse"].get("input", {})}}
            for b in blocks
            if "toolUse" in b
        ]
        if calls:
            out["tool_calls"] = calls
        return [out]
    if role == "system":
        return [{"role": "system", "content": _system_text(blocks)}]
    messages: list[dict[str, Any]] = []
    for block in blocks:
        if "toolResult" in block:
            result = block["toolResult"]
            tool: dict[str, Any] = {"role": "tool", "content": _tool_result_text(result)}
            # Ollama has no call ids; it matches a result to its call by tool name.
            if result.get("toolUseId") in names:
                tool["tool_name"] = names[result["toolUseId"]]
            messages.append(tool)
    parts = [p for b in blocks if "toolResult" not in b and (p := _user_part(b)) is not None]
    if parts:
        user: dict[str, Any] = {
            "role": "user",
            "content": "\n".join(value for kind, value in parts if kind == "text"),
        }
        images = [value.split(",", 1)[1] for kind, value in parts if kind == "image"]
        if images:
            user["images"] = images  # bare base64, not data URLs
        messages.append(user)
    return messages


def ollama_request(
    invocation: Invocation, model: str, temperature: float | None = None
) -> dict[str, Any]:
    """The Ollama ``/api/chat`` body for ``invocation`` (``temperature`` overrides).

    Ollama has no ``tool_choice``; ``toolConfig.toolChoice`` is not sent.
    """
    names = _tool_names(invocation.messages)
    messages: list[dict[str, Any]] = []
    system = _system_text(invocation.system)
    if system:
        messages.append({"role": "system", "content": system})
    for message in invocation.messages:
        messages.extend(_ollama_messages(message, names))
    body: dict[str, Any] = {"model": model, "messages": messages, "stream": False}
    tools = _tools(invocation.tool_config)
    if tools:
        body["tools"] = tools
    options = _sampling(invocation, temperature, max_tokens_key="num_predict")
    if options:
        body["options"] = options
    _, schema = _json_schema(invocation.output_config)
    if schema:
        body["format"] = schema
    return body


# -- reply translation --------------------------------------------------------------------


class _Unparseable(ValueError):
    """The server's 2xx body is not the chat JSON we asked for."""


def _tool_use_id(call_id: Any, material: str) -> str:
    """A Bedrock toolUseId: the server's call id, ``tooluse_``-prefixed, else a digest.

    The same call id always maps to the same toolUseId, and the id goes back to the server
    unchanged on the next turn, so both sides agree. Without a usable call id (Ollama sends
    none) the id is a digest of the request and the call: deterministic, and different for
    different conversations.
    """
    if isinstance(call_id, str) and call_id:
        candidate = call_id if call_id.startswith(_TOOL_USE_PREFIX) else _TOOL_USE_PREFIX + call_id
        if len(candidate) <= _TOOL_USE_ID_MAX and _TOOL_USE_ID.fullmatch(candidate):
            return candidate
        material = call_id
    return _TOOL_USE_PREFIX + hashlib.sha256(material.encode()).hexdigest()[:24]


def _arguments(raw: Any) -> dict[str, Any] | None:
    """Tool arguments as an object, or None when they are malformed."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        if not raw.strip():
            return {}  # some servers send "" for a tool without parameters
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, dict) else None


def _reply(
    text: str,
    calls: list[dict[str, Any]],
    finish_reason: Any,
    usage: dict[str, int] | None,
    request: dict[str, Any],
) -> Reply:
    """Assemble a Reply from a chat reply's parts (``calls``: id/name/arguments dicts)."""
    content: list[dict[str, Any]] = [{"text": text}] if text else []
    tool_uses = []
    malformed = False
    for index, call in enumerate(calls):
        name = call.get("name")
        arguments = _arguments(call.get("arguments"))
        if not isinstance(name, str) or not name or arguments is None:
            malformed = True
            continue
        material = json.dumps([request, index, name, arguments], sort_keys=True)
        tool_use_id = _tool_use_id(call.get("id"), material)
        tool_uses.append({"toolUse": {"toolUseId": tool_use_id, "name": name, "input": arguments}})
    if finish_reason == "length":
        # A reply cut short: any half-written call is dropped, the complete ones kept.
        stop_reason = "max_tokens"
    elif malformed:
        # One unusable call makes the turn unusable: the client must not run part of it.
        stop_reason, tool_uses = "malformed_tool_use", []
    elif tool_uses:
        stop_reason = "tool_use"
    elif finish_reason == "content_filter":
        stop_reason = "content_filtered"
    else:
        # "stop" (also when a stop sequence matched: chat APIs do not say which) and the rest.
        stop_reason = "end_turn"
    return Reply(content=content + tool_uses, stop_reason=stop_reason, usage=usage)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _usage(input_tokens: Any, output_tokens: Any) -> dict[str, int] | None:
    usage = {}
    if (counted := _count(input_tokens)) is not None:
        usage["inputTokens"] = counted
    if (counted := _count(output_tokens)) is not None:
        usage["outputTokens"] = counted
    return usage or None


def _message_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        # Some servers answer with content parts, as requests may send them.
        return "".join(
            str(p.get("text", ""))
            for p in content
            if isinstance(p, dict) and p.get("type") == "text"
        )
    raise _Unparseable(f"message.content is a {type(content).__name__}")


def _tool_calls(message: dict[str, Any]) -> list[dict[str, Any]]:
    """A reply message's tool calls as ``{"id", "name", "arguments"}`` (both APIs nest them
    the same way; only the arguments' type differs: a JSON string or an object)."""
    calls = []
    for call in message.get("tool_calls") or []:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            raise _Unparseable("a tool call has no function")
        calls.append(
            {
                "id": call.get("id"),
                "name": function.get("name"),
                "arguments": function.get("arguments"),
            }
        )
    return calls


def openai_reply(body: Any, request: dict[str, Any]) -> Reply:
    """The Reply for an OpenAI Chat Completions response body."""
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise _Unparseable("no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise _Unparseable("no choices[0].message")
    calls = _tool_calls(message)
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    return _reply(
        _message_text(message.get("content")),
        calls,
        choices[0].get("finish_reason"),
        _usage(usage.get("prompt_tokens"), usage.get("completion_tokens")),
        request,
    )


def ollama_reply(body: Any, request: dict[str, Any]) -> Reply:
    """The Reply for an Ollama ``/api/chat`` response body (``stream: false``)."""
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, dict):
        raise _Unparseable("no message")
    calls = _tool_calls(message)
    return _reply(
        _message_text(message.get("content")),
        calls,
        body.get("done_reason"),
        _usage(body.get("prompt_eval_count"), body.get("eval_count")),
        request,
    )


# -- transport ----------------------------------------------------------------------------


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(error: BaseException) -> str:
    """The operating system's words for a failed connection ("connection refused")."""
    seen: set[int] = set()
    pending: list[Any] = [error]
    # requests' and urllib3's own texts name memory addresses; the type name is stable.
    fallback = type(error).__name__
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return str(current.strerror).lower()
        text = str(current)
        if current is not error and text and " at 0x" not in text and "(" not in text:
            fallback = text  # e.g. "Remote end closed connection without response"
        pending.extend([getattr(current, "reason", None), current.__cause__, current.__context__])
        pending.extend(current.args)
    return fallback


def _server_detail(response_body: bytes) -> str:
    """The error message of an OpenAI- or Ollama-shaped error body, shortened; else "".

    Any other body (an HTML page, a file, another service's answer) is never repeated to
    the caller: the URL may point at something the caller should not read through us.
    """
    text = response_body.decode("utf-8", errors="replace").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    text = ""
    if isinstance(parsed, dict):
        error = parsed.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            text = error["message"]
        elif isinstance(error, str):
            text = error
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 1] + "…"


class LLMResponder:
    """A responder that asks a local LLM over HTTP (OpenAI-compatible or Ollama API).

    Build it with :meth:`from_config`, e.g.
    ``LLMResponder.from_config({"url": "http://127.0.0.1:11434", "api": "ollama",
    "model": "llama3.2"})``.
    """

    def __init__(
        self,
        url: str,
        model: str,
        *,
        api: str = DEFAULT_API,
        timeout: float = DEFAULT_TIMEOUT,
        api_key: str | None = None,
        temperature: float | None = None,
    ) -> None:
        settings = _validate(
            {
                "url": url,
                "model": model,
                "api": api,
                "timeout": timeout,
                "api_key": api_key,
                "temperature": temperature,
            },
            "llm",
        )
        self.url: str = settings["url"]
        self.api: str = settings["api"]
        self.model: str = settings["model"]
        self.timeout: float = settings["timeout"]
        self.api_key: str | None = settings["api_key"]
        self.temperature: float | None = settings["temperature"]
        self.endpoint = endpoint_for(self.url, self.api)

    @classmethod
    def from_config(cls, config: dict[str, Any], *, where: str = "llm") -> LLMResponder:
        """A responder from config keys ``url``, ``model`` (required), ``api``, ``timeout``,
        ``api_key``, ``temperature``; raises ConfigError (naming ``where``) on bad input."""
        settings = _validate(config, where)
        return cls(
            settings.pop("url"),
            settings.pop("model"),
            **settings,
        )

    def to_config(self) -> dict[str, Any]:
        """The settings as :meth:`from_config` takes them (optional ones only when set).

        The ``api_key`` is a secret and is never given back: ``get_config``, ``get_replies``
        and saved config files leave it out, so it is set again where it is needed.
        """
        config: dict[str, Any] = {
            "url": self.url,
            "api": self.api,
            "model": self.model,
            "timeout": self.timeout,
        }
        if self.temperature is not None:
            config["temperature"] = self.temperature
        return config

    def __repr__(self) -> str:
        # Never the api_key: reprs end up in logs and test output.
        return f"LLMResponder(api={self.api!r}, endpoint={self.endpoint!r}, model={self.model!r})"

    def request_body(self, invocation: Invocation) -> dict[str, Any]:
        """The JSON body this responder would send for ``invocation``."""
        build = openai_request if self.api == "openai" else ollama_request
        return build(invocation, self.model, self.temperature)

    def __call__(self, invocation: Invocation) -> Reply:
        """Ask the local LLM; raises ModelErrorException / ModelTimeoutException on failure."""
        request = self.request_body(invocation)
        status, raw = self._post(request)
        if not 200 <= status < 300:
            detail = _server_detail(raw)
            raise self._model_error(
                f"answered HTTP {status}" + (f": {detail}" if detail else ""), status
            )
        try:
            body = json.loads(raw)
            parse = openai_reply if self.api == "openai" else ollama_reply
            return parse(body, request)
        except (ValueError, UnicodeDecodeError) as error:
            # _Unparseable is a ValueError too; json's own messages are precise enough.
            problem = str(error) if isinstance(error, _Unparseable) else "the body is not JSON"
            raise self._model_error(
                f"sent a reply that is not {self._api_name} chat JSON ({problem})", status
            ) from None

    # -- HTTP -------------------------------------------------------------------------------

    @property
    def _api_name(self) -> str:
        return "OpenAI" if self.api == "openai" else "Ollama"

    def _model_error(self, problem: str, status: int | None = None) -> ModelErrorException:
        return ModelErrorException(
            f"The local LLM at {self.endpoint} {problem}.",
            original_status_code=status,
            resource_name=self.endpoint,
        )

    def _timed_out(self) -> ModelTimeoutException:
        return ModelTimeoutException(
            f"The local LLM at {self.endpoint} did not answer within {self.timeout:g} seconds."
        )

    def _post(self, body: dict[str, Any]) -> tuple[int, bytes]:
        """POST ``body``; the status and the raw reply, within ``timeout`` seconds."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = json.dumps(body).encode()
        deadline = time.monotonic() + self.timeout
        try:
            with requests.Session() as session:
                # An HTTP_PROXY meant for the internet must not swallow loopback traffic.
                session.trust_env = not _loopback(urlsplit(self.endpoint).hostname)
                # No redirects: a 3xx is an answer like any other (a redirect could turn the
                # POST into a GET elsewhere, carrying the prompt and the key).
                response = session.post(
                    self.endpoint,
                    data=data,
                    headers=headers,
                    timeout=self.timeout,
                    stream=True,
                    allow_redirects=False,
                )
                with response:
                    # requests' timeout bounds each wait for data, not the whole reply, so
                    # a server trickling bytes is cut off at the deadline here.
                    chunks, size = [], 0
                    for chunk in response.iter_content(64 * 1024):
                        size += len(chunk)
                        if size > MAX_REPLY_BYTES:
                            raise self._model_error(
                                f"sent a reply larger than {MAX_REPLY_BYTES} bytes",
                                response.status_code,
                            )
                        chunks.append(chunk)
                        if time.monotonic() > deadline:
                            raise self._timed_out()
                    return response.status_code, b"".join(chunks)
        except requests.Timeout:
            raise self._timed_out() from None
        except requests.ConnectionError as error:
            # A read timeout while streaming the body surfaces as a ConnectionError.
            if time.monotonic() >= deadline:
                raise self._timed_out() from None
            raise self._model_error(f"could not be reached: {_reason(error)}") from None
        except requests.RequestException as error:
            raise self._model_error(f"could not be asked: {type(error).__name__}") from None
