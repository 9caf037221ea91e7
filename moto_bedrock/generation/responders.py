"""Response generation behind one small protocol.

A responder turns a parsed :class:`Invocation` into a :class:`Reply` (content blocks and a
stop reason). Everything model-like that applies to every reply — ``maxTokens``
truncation, stop sequences, token usage, latency — is done afterwards by
``moto_bedrock.generation.inference``, so a canned reply behaves like a real model's.

The default responder also plays the model's part in tool use and structured output
(``docs/tools.md``): a forced ``toolChoice`` gets one ``toolUse`` block whose input is
generated from the tool's JSON schema (``moto_bedrock.generation.synth``), tool results get a closing
answer that quotes them, and ``outputConfig.textFormat`` gets schema-valid JSON text.
:func:`make_tool_use` and :func:`structured_output` expose the same for scripted replies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..bedrockruntime.exceptions import ValidationException
from ..catalog import FoundationModel
from .auto_tools import auto_tool_choice, fill_from_message, split_requests
from .synth import SchemaBudgetExceeded, UnsatisfiableSchema, instance_for, rng_for, schema_problem

__all__ = [
    "DefaultResponder",
    "Invocation",
    "Reply",
    "Responder",
    "forced_tool",
    "make_tool_use",
    "offered_tools",
    "structured_output",
]


@dataclass(frozen=True)
class Invocation:
    """A runtime call, parsed into the fields every responder may look at."""

    operation: str
    model_id: str
    """The identifier the caller sent (base id, ARN or inference-profile id)."""
    model: FoundationModel
    messages: list[dict[str, Any]] = field(default_factory=list)
    system: list[dict[str, Any]] = field(default_factory=list)
    inference_config: dict[str, Any] = field(default_factory=dict)
    tool_config: dict[str, Any] | None = None
    additional_request_fields: dict[str, Any] | None = None
    request_metadata: dict[str, str] | None = None
    output_config: dict[str, Any] | None = None
    """Converse's ``outputConfig`` (``textFormat`` asks for JSON-schema output)."""
    templated: bool = True
    """Whether the model wraps the prompt in its chat template (``generation.framing``);
    False for a native text-completion prompt sent without one."""
    auto_tools: bool = True
    """Whether the default responder may call a tool on its own under ``toolChoice`` auto
    (``generation.auto_tools``); the replies control switches it off."""
    parallel_tools: bool = True
    """Whether one turn may call several tools (a native body can ask for one at a time)."""

    def user_text(self) -> str:
        """The text of the last user message."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return "\n".join(b["text"] for b in message.get("content", []) if "text" in b)
        return ""

    def system_text(self) -> str:
        return "\n".join(b["text"] for b in self.system if "text" in b)


@dataclass
class Reply:
    """What a responder produces: assistant content blocks and why the turn ended."""

    content: list[dict[str, Any]]
    stop_reason: str = "end_turn"
    usage: dict[str, int] | None = None
    """Token counts to report instead of the computed ones (``inputTokens``,
    ``outputTokens``; ``totalTokens`` is derived)."""


class Responder(Protocol):
    """Anything that can answer an invocation."""

    def __call__(self, invocation: Invocation) -> Reply: ...


_OPENERS = (
    "Here is a short answer about {topic}.",
    "Let me address {topic} directly.",
    "Good question about {topic}.",
    "Thinking about {topic}, a few points stand out.",
    "On the subject of {topic}, here is what matters.",
)
_SUBJECTS = (
    "the main idea",
    "a careful approach",
    "the simplest option",
    "each step",
    "the underlying pattern",
    "a small example",
    "the key constraint",
    "this trade-off",
)
_VERBS = ("depends on", "comes down to", "builds on", "starts with", "relies on", "points to")
_OBJECTS = (
    "clear inputs and predictable outputs",
    "the context you provide",
    "testing one change at a time",
    "keeping the design simple",
    "measuring before optimizing",
    "what the user actually needs",
    "a well-defined contract",
    "the data you already have",
)
_CLOSERS = (
    "I hope this helps.",
    "Let me know if you would like more detail.",
    "That should give you a solid starting point.",
    "Feel free to ask a follow-up question.",
)
_STOPWORDS = frozenset(
    "a an and are as at be but by can do does for from has have how i in is it me my of on "
    "or please should so tell than that the their them then there these this to was we what "
    "when where which who why will with would you your".split()
)


def _seed(invocation: Invocation) -> int:
    # sha256 of a canonical form, never hash(): the reply must be the same in every
    # process and on every machine, whatever PYTHONHASHSEED is.
    canonical = json.dumps(
        [invocation.model.model_id, invocation.system, invocation.messages],
        sort_keys=True,
        default=repr,
    )
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:8], "big")


def _topic(text: str) -> str:
    words = [w for w in re.findall(r"[^\W\d_]{3,}", text.lower()) if w not in _STOPWORDS]
    if not words:
        return "your message"
    ranked = sorted(dict.fromkeys(words), key=lambda w: (-len(w), words.index(w)))[:2]
    ranked.sort(key=words.index)
    return " and ".join(ranked)


def _canonical(*parts: Any) -> str:
    return json.dumps(
        parts,
        sort_keys=True,
        default=lambda v: base64.b64encode(v).decode() if isinstance(v, bytes) else repr(v),
    )


def _request_parts(invocation: Invocation) -> list[Any]:
    """What identifies a request for seeding tool and JSON replies."""
    return [
        invocation.model.model_id,
        invocation.system,
        invocation.messages,
        invocation.tool_config,
        invocation.output_config,
    ]


# -- tool use -------------------------------------------------------------------------------


def offered_tools(invocation: Invocation) -> list[dict[str, Any]]:
    """The tools a request offers, in order: each ``toolSpec`` (``systemTool`` entries as
    ``{"name": ...}``, since they carry no schema); ``cachePoint`` entries are skipped."""
    tools = []
    for tool in (invocation.tool_config or {}).get("tools") or []:
        if not isinstance(tool, dict):
            continue
        for kind in ("toolSpec", "systemTool"):
            spec = tool.get(kind)
            if isinstance(spec, dict) and isinstance(spec.get("name"), str):
                tools.append(spec)
    return tools


def _tool_input_schema(spec: dict[str, Any]) -> Any:
    schema = (spec.get("inputSchema") or {}).get("json")
    return schema if isinstance(schema, (dict, bool)) else {"type": "object"}


def _tool_input(schema: Any, rng: random.Random, name: str, context: str) -> Any:
    # Tool inputs are JSON objects (Claude requires an object schema), so a schema that
    # leaves the type open is read as an object schema.
    if schema is True:
        schema = {"type": "object"}
    elif isinstance(schema, dict) and "type" not in schema:
        schema = {**schema, "type": "object"}
    try:
        value = instance_for(schema, rng, name=name, context=context)
    except UnsatisfiableSchema as error:
        value = error.best
    except SchemaBudgetExceeded:
        raise
    except Exception:  # a schema too broken to walk (Claude would refuse it outright)
        value = None
    return value if isinstance(value, dict) else {}


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _tool_use_id(invocation: Invocation, name: str, tool_input: Any, index: int) -> str:
    digest = hashlib.sha256(
        _canonical("toolUseId", _request_parts(invocation), name, tool_input, index).encode()
    ).digest()
    if invocation.operation.startswith("InvokeModel") and invocation.model.family == "anthropic":
        # Claude's native API on Bedrock uses ids like toolu_bdrk_01WfJyXCLoTuipZaGyYrqMRa
        # (bedrock-wire.md §1.2): "toolu_bdrk_01" and 22 letters and digits.
        number = int.from_bytes(digest, "big")
        chars = []
        for _ in range(22):
            number, digit = divmod(number, 62)
            chars.append(_BASE62[digit])
        return "toolu_bdrk_01" + "".join(chars)
    # Converse ids look like tooluse_kZJMlvQmRJ6eAyJE5GIl_Q: 16 bytes in unpadded base64url.
    return "tooluse_" + base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def make_tool_use(
    invocation: Invocation, name: str, tool_input: Any | None = None, *, index: int = 0
) -> dict[str, Any]:
    """A ``toolUse`` content block calling the offered tool ``name``.

    Without ``tool_input`` the input is generated from the tool's ``inputSchema.json`` and
    validates against it. The id and the generated input depend only on the request (and
    ``index``, to tell apart several calls in one reply), so the same request always gets
    the same block and every turn gets new ids. Raises ValueError if ``name`` is not offered.
    """
    spec = next((t for t in offered_tools(invocation) if t["name"] == name), None)
    if spec is None:
        offered = ", ".join(t["name"] for t in offered_tools(invocation)) or "none"
        raise ValueError(f"tool {name!r} is not offered in toolConfig.tools (offered: {offered})")
    if tool_input is None:
        rng = rng_for("toolInput", _request_parts(invocation), name, index)
        schema = _tool_input_schema(spec)
        tool_input = _tool_input(schema, rng, name, invocation.user_text())
    return {
        "toolUse": {
            "toolUseId": _tool_use_id(invocation, name, tool_input, index),
            "name": name,
            "input": tool_input,
        }
    }


def _last_user_content(invocation: Invocation) -> list[dict[str, Any]]:
    for message in reversed(invocation.messages):
        if message.get("role") == "user":
            return [b for b in message.get("content") or [] if isinstance(b, dict)]
    return []


def _tool_results(invocation: Invocation) -> list[dict[str, Any]]:
    """The ``toolResult`` blocks of the last user message."""
    return [b["toolResult"] for b in _last_user_content(invocation) if "toolResult" in b]


def _relevance(spec: dict[str, Any], words: set[str]) -> int:
    # Words of the tool's name count twice as much as words of its description.
    name_words = set(
        re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", spec["name"]).lower())
    )
    description = set(re.findall(r"[a-z]{3,}", str(spec.get("description", "")).lower()))
    return 2 * len(words & name_words) + len(words & description)


def forced_tool(invocation: Invocation) -> str | None:
    """The tool a ``toolChoice`` of ``any`` or ``tool`` makes the model call, or None.

    ``tool`` names it; for ``any`` the tool whose name and description share most words
    with the last user text is chosen, the first offered one on a tie.
    """
    choice = (invocation.tool_config or {}).get("toolChoice")
    tools = offered_tools(invocation)
    if not isinstance(choice, dict) or not tools:
        return None
    named = choice.get("tool")
    if isinstance(named, dict) and "name" in named:
        return str(named["name"])
    if "any" not in choice:
        return None
    words = {
        w for w in re.findall(r"[a-z]{3,}", invocation.user_text().lower()) if w not in _STOPWORDS
    }
    return str(max(tools, key=lambda spec: _relevance(spec, words))["name"])  # first best


def _result_text(result: dict[str, Any]) -> str:
    parts = []
    for part in result.get("content") or []:
        if not isinstance(part, dict):
            continue
        if "text" in part:
            parts.append(str(part["text"]))
        elif "json" in part:
            parts.append(json.dumps(part["json"], ensure_ascii=False))
        elif "document" in part:
            parts.append(f"[document {part['document'].get('name', '')}]".replace(" ]", "]"))
        else:
            parts.append(f"[{next(iter(part), 'content')}]")
    text = " ".join(p.strip() for p in parts if p.strip()) or "(no content)"
    return text if len(text) <= 300 else text[:299].rstrip() + "…"


def _tool_names(invocation: Invocation) -> dict[str, str]:
    """Each earlier call's id -> its label: the tool name and the call's first short text
    argument ("weather result for Paris"), so an answer tells several calls apart."""
    names = {}
    for message in invocation.messages:
        for block in message.get("content") or []:
            if isinstance(block, dict) and isinstance(block.get("toolUse"), dict):
                call = block["toolUse"]
                arguments = call.get("input") if isinstance(call.get("input"), dict) else {}
                shown = next(
                    (v for v in arguments.values() if isinstance(v, str) and 0 < len(v) <= 60),
                    None,
                )
                label = f"{call.get('name')} result"
                names[str(call.get("toolUseId"))] = f"{label} for {shown}" if shown else label
    return names


def _answer_tool_results(invocation: Invocation, results: list[dict[str, Any]]) -> Reply:
    """A final answer that quotes each tool result, so an agent loop ends."""
    names = _tool_names(invocation)
    sentences = []
    for result in results:
        label = names.get(str(result.get("toolUseId")), "tool result")
        text = _result_text(result)
        end = "" if text.endswith((".", "!", "?", "…")) else "."
        if result.get("status") == "error":
            name = label.split(" result", 1)[0]
            sentences.append(f"The {name} tool reported an error: {text}{end}")
        else:
            sentences.append(f"Based on the {label}: {text}{end}")
    sentences.append(random.Random(_seed(invocation)).choice(_CLOSERS))
    return Reply(content=[{"text": " ".join(sentences)}])


# -- structured output ----------------------------------------------------------------------


def _invalid_schema(detail: str) -> ValidationException:
    # Bedrock's exact text for a bad outputConfig schema has not been observed; this wording
    # is ours (docs/tools.md says so).
    return ValidationException(f"The provided JSON schema is invalid: {detail}")


def _converse_schema(invocation: Invocation) -> dict[str, Any] | None:
    text_format = (invocation.output_config or {}).get("textFormat")
    if not isinstance(text_format, dict) or text_format.get("type") != "json_schema":
        return None
    definition = (text_format.get("structure") or {}).get("jsonSchema")
    return definition if isinstance(definition, dict) else None


def _anthropic_schema(invocation: Invocation) -> dict[str, Any] | None:
    """Anthropic's ``output_config.format`` json_schema (in additionalModelRequestFields or a
    native Messages body), as a Converse jsonSchema definition."""
    if invocation.model.family != "anthropic":
        return None
    fields = invocation.additional_request_fields or {}
    config = fields.get("output_config") if isinstance(fields, dict) else None
    fmt = config.get("format") if isinstance(config, dict) else None
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return None
    schema = fmt.get("schema")
    return {"schema": json.dumps(schema) if not isinstance(schema, str) else schema}


def structured_output(invocation: Invocation) -> str | None:
    """The JSON text answering ``outputConfig.textFormat``, or None if none was asked for.

    The text is ``json.dumps`` of an instance of the schema, the same for the same request.
    Raises ValidationException if the schema is not JSON or not a valid JSON Schema.
    """
    definition = _converse_schema(invocation) or _anthropic_schema(invocation)
    if definition is None:
        return None
    try:
        schema = json.loads(definition.get("schema", ""))
    except (TypeError, ValueError) as error:
        detail = (
            f"{error.msg} at line {error.lineno} column {error.colno}"
            if isinstance(error, json.JSONDecodeError)
            else str(error)
        )
        raise _invalid_schema(f"the schema is not valid JSON ({detail})") from None
    problem = schema_problem(schema)
    if problem is not None:
        raise _invalid_schema(problem)
    rng = rng_for("structuredOutput", _request_parts(invocation))
    try:
        instance = instance_for(
            schema, rng, name=definition.get("name"), context=invocation.user_text()
        )
    except UnsatisfiableSchema as error:
        # Like a model under constrained decoding, answer anyway: the best attempt.
        instance = error.best
    return json.dumps(instance, ensure_ascii=False)


class DefaultResponder:
    """Deterministic, prompt-dependent replies: the same request always gets the same one.

    In order: after tool results, a closing answer quoting them (JSON if ``outputConfig``
    asks for it); with ``toolChoice`` ``any`` or ``tool``, one ``toolUse`` block and
    stopReason ``tool_use``; with ``outputConfig``, JSON text; under ``toolChoice`` auto (or
    none) a call of the offered tool that fits the message, with values from it
    (``generation.auto_tools``); otherwise prose.
    """

    def __call__(self, invocation: Invocation) -> Reply:
        results = _tool_results(invocation)
        json_text = structured_output(invocation)
        if results:
            if json_text is not None:
                return Reply(content=[{"text": json_text}])
            return _answer_tool_results(invocation, results)
        tool = forced_tool(invocation)
        # An unknown forced tool is refused by the tool-choice-known rule; when that rule is
        # waived, the reply is what it would be without the forced choice.
        if tool is not None and any(t["name"] == tool for t in offered_tools(invocation)):
            block = _call_with_message_values(invocation, tool)
            # With a forced choice Claude goes straight to the call: no text block before it.
            return Reply(content=[block], stop_reason="tool_use")
        if json_text is not None:
            return Reply(content=[{"text": json_text}])
        if invocation.auto_tools:
            calls = _auto_tool_use(invocation)
            if calls:
                return Reply(content=calls, stop_reason="tool_use")
        return _prose(invocation)


def _auto_tool_use(invocation: Invocation) -> list[dict[str, Any]]:
    """The calls the model makes on its own under ``toolChoice`` auto: one per request the
    message makes (``auto_tools.split_requests``), none when no tool fits."""
    choice = (invocation.tool_config or {}).get("toolChoice")
    if isinstance(choice, dict) and "auto" not in choice:
        return []
    message = invocation.user_text()
    tools = offered_tools(invocation)
    requests = split_requests(tools, message)
    if requests and not invocation.parallel_tools:
        # One call a turn: the first request's (the body turned parallel calls off).
        return [_call_with_message_values(invocation, *requests[0])]
    if requests:
        return [
            _call_with_message_values(invocation, name, part, index)
            for index, (name, part) in enumerate(requests)
        ]
    name = auto_tool_choice(tools, message)
    return [] if name is None else [_call_with_message_values(invocation, name)]


def _call_with_message_values(
    invocation: Invocation, name: str, text: str | None = None, index: int = 0
) -> dict[str, Any]:
    """A call of offered tool ``name`` whose input takes values from ``text`` (by default
    the last user text)."""
    spec = next(t for t in offered_tools(invocation) if t["name"] == name)
    drafted = make_tool_use(invocation, name, index=index)["toolUse"]["input"]
    source = invocation.user_text() if text is None else text
    filled = fill_from_message(_tool_input_schema(spec), drafted, source, part=text is not None)
    return make_tool_use(invocation, name, filled, index=index)


def _prose(invocation: Invocation) -> Reply:
    rng = random.Random(_seed(invocation))
    sentences = [rng.choice(_OPENERS).format(topic=_topic(invocation.user_text()))]
    for _ in range(rng.randint(2, 4)):
        subject = rng.choice(_SUBJECTS)
        sentences.append(
            f"{subject[0].upper()}{subject[1:]} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
        )
    sentences.append(rng.choice(_CLOSERS))
    return Reply(content=[{"text": " ".join(sentences)}])
