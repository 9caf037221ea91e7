"""Scripted replies: static, FIFO queues, rules, a callable, a local LLM; strict mode.

Every reply is a small JSON/YAML-ready *reply spec*, checked strictly and parsed once when
it is configured (:class:`ScriptedReply`)::

    {"text": "Hello!"}
    {"content": [{"text": "..."}, {"toolUse": {"toolUseId": "...", "name": "...", "input": {}}}]}
    {"tool_use": {"name": "get_weather", "input": {"city": "Paris"}}, "text": "Let me look."}
    {"json_schema": {"type": "object", "properties": {"ok": {"type": "boolean"}}}}
    {"error": "ThrottlingException", "message": "Slow down"}

plus ``stop_reason`` (botocore's StopReason enum) and ``usage`` (``inputTokens``,
``outputTokens``) on any non-error reply. :meth:`ReplyScript.respond` picks the answer for
a call in a fixed order: the first per-model queue whose pattern matches, the global
queue, the first matching rule, the static reply, the Python callable, the LLM responder,
and finally the default responder — unless strict mode is on, in which case a call that
nothing scripted answers fails with a ValidationException naming the closest rule.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..bedrockruntime.exceptions import INJECTABLE, ValidationException, injectable_code, make_error
from ..generation.responders import Invocation, Reply, Responder, make_tool_use
from ..generation.synth import UnsatisfiableSchema, instance_for, rng_for, schema_problem
from .base import ConfigError, ControlBase, operation
from .llm import LLMResponder
from .matching import MATCHER_KEYS, Matcher, ModelPattern, build_matchers

__all__ = ["ReplyControls", "ReplyScript", "ScriptedReply"]

#: What a Python responder may return: a Reply, a reply spec, plain text, or None to pass
#: the call on to the LLM responder or the default.
ResponderResult = Reply | dict[str, Any] | str | None
PythonResponder = Callable[[Invocation], ResponderResult]

_REPLY_KEYS = (
    "text",
    "content",
    "tool_use",
    "json_schema",
    "error",
    "message",
    "stop_reason",
    "usage",
)
_RULE_KEYS = ("name", "times", "reply", *MATCHER_KEYS)
_CONFIG_KEYS = ("strict", "static", "queue", "queues", "rules", "llm", "auto_tools")
_TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_TOOL_USE_ID = re.compile(r"[a-zA-Z0-9_.:-]{1,64}")
_USAGE_KEYS = ("inputTokens", "outputTokens")


def _stop_reasons() -> list[str]:
    # The service model is the authority (and moto caches it), so new stop reasons in a
    # newer botocore are accepted without a change here.
    from moto.core.utils import get_service_model

    return list(get_service_model("bedrock-runtime").shape_for("StopReason").enum)


def _json_copy(value: Any, where: str) -> Any:
    """A deep copy that is plain JSON (tuples become lists), or a ConfigError."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{where} must be JSON-ready ({error})") from None


def _check_keys(value: Any, allowed: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be an object; got {value!r}")
    unknown = sorted(set(value) - set(allowed), key=str)
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown}; expected some of {list(allowed)}")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_block(block: Any, where: str) -> None:
    """One assistant content block: text, toolUse or reasoningContent, as Converse has them."""
    kinds = ("text", "toolUse", "reasoningContent")
    _check_keys(block, kinds, where)
    if len(block) != 1:
        raise ConfigError(f"{where} must have exactly one of {list(kinds)}; got {sorted(block)}")
    if "text" in block:
        if not isinstance(block["text"], str):
            raise ConfigError(f"{where}.text must be a string; got {block['text']!r}")
    elif "toolUse" in block:
        tool_use = _check_keys(block["toolUse"], ("toolUseId", "name", "input"), f"{where}.toolUse")
        for key, pattern in (("toolUseId", _TOOL_USE_ID), ("name", _TOOL_NAME)):
            value = tool_use.get(key)
            if not isinstance(value, str) or not pattern.fullmatch(value):
                raise ConfigError(
                    f"{where}.toolUse.{key} must match {pattern.pattern}; got {value!r}"
                )
        if not isinstance(tool_use.get("input"), dict):
            raise ConfigError(f"{where}.toolUse.input must be an object")
    else:
        reasoning = _check_keys(
            block["reasoningContent"], ("reasoningText",), f"{where}.reasoningContent"
        )
        text = _check_keys(
            reasoning.get("reasoningText"),
            ("text", "signature"),
            f"{where}.reasoningContent.reasoningText",
        )
        if not all(isinstance(v, str) for v in text.values()) or "text" not in text:
            raise ConfigError(
                f"{where}.reasoningContent.reasoningText needs a string text "
                "(and optionally a string signature)"
            )


@dataclass(frozen=True)
class ScriptedReply:
    """A checked reply spec, ready to answer calls; :attr:`spec` is its JSON form."""

    spec: dict[str, Any]
    content: list[dict[str, Any]] = field(default_factory=list)
    tool_use: tuple[str, dict[str, Any] | None] | None = None
    stop_reason: str = "end_turn"
    usage: dict[str, int] | None = None
    error: tuple[str, str | None] | None = None
    json_schema: dict[str, Any] | None = None
    """Answer with JSON text generated to validate against this schema."""

    @classmethod
    def parse(cls, spec: Any, where: str) -> ScriptedReply:
        """Check ``spec`` strictly; ``where`` names it in errors (``replies.queue[0]``)."""
        spec = _json_copy(_check_keys(spec, _REPLY_KEYS, where), where)
        kinds = [k for k in ("text", "content", "tool_use", "json_schema", "error") if k in spec]
        if not kinds:
            raise ConfigError(f"{where} needs one of text, content, tool_use, json_schema or error")
        if "error" in spec:
            if len(kinds) > 1 or "stop_reason" in spec or "usage" in spec:
                raise ConfigError(f"{where}: an error reply takes only error and message")
            return cls._parse_error(spec, where)
        if "message" in spec:
            raise ConfigError(f"{where}.message goes only with error")
        if "content" in spec and len(kinds) > 1:
            raise ConfigError(f"{where}: content cannot be combined with text or tool_use")
        if "json_schema" in spec:
            if len(kinds) > 1:
                raise ConfigError(f"{where}: json_schema cannot be combined with {kinds[0]}")
            schema = spec["json_schema"]
            if not isinstance(schema, (dict, bool)):
                raise ConfigError(f"{where}.json_schema must be a JSON Schema object")
            problem = schema_problem(schema)
            if problem is not None:
                raise ConfigError(f"{where}.json_schema is not a valid JSON Schema: {problem}")
        content: list[dict[str, Any]] = []
        if "text" in spec:
            if not isinstance(spec["text"], str):
                raise ConfigError(f"{where}.text must be a string; got {spec['text']!r}")
            content.append({"text": spec["text"]})
        if "content" in spec:
            blocks = spec["content"]
            if not isinstance(blocks, list) or not blocks:
                raise ConfigError(f"{where}.content must be a non-empty list of content blocks")
            for index, block in enumerate(blocks):
                _check_block(block, f"{where}.content[{index}]")
            content = blocks
        tool_use = cls._parse_tool_use(spec["tool_use"], where) if "tool_use" in spec else None
        calls_tool = tool_use is not None or any("toolUse" in b for b in content)
        stop_reason = spec.get("stop_reason", "tool_use" if calls_tool else "end_turn")
        reasons = _stop_reasons()
        if stop_reason not in reasons:
            raise ConfigError(f"{where}.stop_reason must be one of {reasons}; got {stop_reason!r}")
        usage = spec.get("usage")
        if usage is not None:
            _check_keys(usage, _USAGE_KEYS, f"{where}.usage")
            if not usage or not all(_is_int(v) and v >= 0 for v in usage.values()):
                raise ConfigError(
                    f"{where}.usage needs inputTokens and/or outputTokens, each an integer >= 0"
                )
        schema = spec.get("json_schema")
        return cls(spec, content, tool_use, stop_reason, usage, json_schema=schema)

    @classmethod
    def _parse_error(cls, spec: dict[str, Any], where: str) -> ScriptedReply:
        name, message = spec["error"], spec.get("message")
        code = injectable_code(name) if isinstance(name, str) else None
        if code is None:
            raise ConfigError(f"{where}.error must be one of {sorted(INJECTABLE)}; got {name!r}")
        if message is not None and (not isinstance(message, str) or not message):
            raise ConfigError(f"{where}.message must be a non-empty string; got {message!r}")
        return cls(spec, error=(code, message))

    @staticmethod
    def _parse_tool_use(value: Any, where: str) -> tuple[str, dict[str, Any] | None]:
        tool_use = _check_keys(value, ("name", "input"), f"{where}.tool_use")
        name, tool_input = tool_use.get("name"), tool_use.get("input")
        if not isinstance(name, str) or not _TOOL_NAME.fullmatch(name):
            raise ConfigError(
                f"{where}.tool_use.name must match {_TOOL_NAME.pattern}; got {name!r}"
            )
        if tool_input is not None and not isinstance(tool_input, dict):
            raise ConfigError(f"{where}.tool_use.input must be an object; got {tool_input!r}")
        return name, tool_input

    def answer(self, invocation: Invocation, source: str) -> Reply:
        """The reply for ``invocation``; an error reply raises its modeled error instead."""
        if self.error is not None:
            error = make_error(*self.error)
            error.injected = "rule"  # type: ignore[attr-defined, unused-ignore]
            error.source = source  # type: ignore[attr-defined, unused-ignore]
            raise error
        content = copy.deepcopy(self.content)
        if self.json_schema is not None:
            content.append({"text": _schema_text(invocation, self.json_schema)})
        if self.tool_use is not None:
            content.append(_tool_use_block(invocation, *self.tool_use))
        usage = dict(self.usage) if self.usage is not None else None
        return Reply(content=content, stop_reason=self.stop_reason, usage=usage)


def _tool_use_block(
    invocation: Invocation, name: str, tool_input: dict[str, Any] | None
) -> dict[str, Any]:
    """A toolUse block calling ``name``; input generated from its schema when not given."""
    try:
        return make_tool_use(invocation, name, copy.deepcopy(tool_input))
    except ValueError as error:
        if tool_input is None:
            # Nothing to generate the input from: say so on the wire, where the test sees it.
            raise _script_error(
                f"moto-bedrock: the scripted reply calls tool {name!r}, but this "
                f"{invocation.operation} call does not offer it ({error}), so its input "
                'cannot be generated; give "input" in the reply\'s tool_use.'
            ) from None
    # An explicit input needs no schema, and models do call tools they were not offered:
    # offer it for the id's sake only, so the id has the usual form and determinism.
    tools = [*(invocation.tool_config or {}).get("tools", []), {"toolSpec": {"name": name}}]
    offering = replace(invocation, tool_config={**(invocation.tool_config or {}), "tools": tools})
    return make_tool_use(offering, name, copy.deepcopy(tool_input))


def _schema_text(invocation: Invocation, schema: dict[str, Any]) -> str:
    """JSON text valid against ``schema``, the same for the same request."""
    rng = rng_for("scriptedJson", schema, invocation.model.model_id, invocation.messages)
    try:
        value = instance_for(schema, rng, context=invocation.user_text())
    except UnsatisfiableSchema as error:
        value = error.best  # a schema no value satisfies: the closest attempt
    return json.dumps(value)


def _script_error(message: str) -> ValidationException:
    error = ValidationException(message)
    error.injected = "strict"  # type: ignore[attr-defined, unused-ignore]
    return error


@dataclass
class Rule:
    """A scripted rule: when all its matchers pass, its reply answers the call."""

    index: int
    spec: dict[str, Any]
    """The JSON form (without a ``when`` callable)."""
    matchers: list[Matcher]
    reply: ScriptedReply
    name: str | None = None
    times: int | None = None
    when: Callable[[Invocation], Any] | None = None
    answered: int = 0

    @classmethod
    def parse(cls, spec: Any, index: int, where: str) -> Rule:
        """Check a rule spec; ``where`` is its path (``replies.rules[0]``)."""
        _check_keys(spec, _RULE_KEYS, where)
        name = spec.get("name")
        if name is not None and (not isinstance(name, str) or not name):
            raise ConfigError(f"{where}.name must be a non-empty string; got {name!r}")
        if name is not None:
            # Name the rule too: a path alone is hard to find in a long file.
            where = f"rule {name!r} ({where})"
        times = spec.get("times")
        if times is not None and (not _is_int(times) or times < 1):
            raise ConfigError(f"{where}.times must be an integer >= 1; got {times!r}")
        if "reply" not in spec:
            raise ConfigError(f"{where} needs a reply")
        matchers = build_matchers(spec, where)
        reply = ScriptedReply.parse(spec["reply"], f"{where}.reply")
        stored = _json_copy({k: v for k, v in spec.items() if k != "when"}, where)
        return cls(index, stored, matchers, reply, name, times, spec.get("when"))

    @property
    def label(self) -> str:
        return repr(self.name) if self.name is not None else f"rules[{self.index}]"

    @property
    def source(self) -> str:
        return f"rule:{self.name if self.name is not None else self.index}"

    def view(self) -> dict[str, Any]:
        """The rule as get_rules shows it: its spec, how often it answered, its callable."""
        view = {**copy.deepcopy(self.spec), "answered": self.answered}
        if self.when is not None:
            view["when"] = f"python:{getattr(self.when, '__qualname__', repr(self.when))}"
        return view

    def misses(self, invocation: Invocation) -> list[tuple[str, str]]:
        """(key, reason) for each way the call fails this rule; empty when it matches."""
        misses = [(m.key, r) for m in self.matchers if (r := m.miss(invocation)) is not None]
        if self.times is not None and self.answered >= self.times:
            misses.append(("times", f"already answered {self.answered} of {self.times} times"))
        return misses


def make_llm(config: Any, where: str = "llm") -> LLMResponder:
    """An LLM responder from its config (checked by :class:`LLMResponder`)."""
    return LLMResponder.from_config(config, where=where)


@dataclass
class _Choice:
    """What answers a call, decided under the lock and carried out after it."""

    scripted: ScriptedReply | None = None
    source: str = "default"
    responder: PythonResponder | None = None
    llm: LLMResponder | None = None
    strict: bool = False
    auto_tools: bool = True
    misses: list[tuple[Rule, int, list[tuple[str, str]]]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    """Patterns of per-model queues that hold replies but not for this model."""


class ReplyScript:
    """Which reply each invocation gets, and from where. Safe to use from server threads."""

    def __init__(self) -> None:
        # Reentrant: a ``when`` callable runs under the lock and may read the script.
        self._lock = threading.RLock()
        self.strict = False
        self.static: ScriptedReply | None = None
        self.queue: deque[ScriptedReply] = deque()
        self.queues: dict[str, tuple[ModelPattern, deque[ScriptedReply]]] = {}
        self.rules: list[Rule] = []
        self.responder: PythonResponder | None = None
        self.llm: LLMResponder | None = None
        self.auto_tools = True
        """Whether the default responder calls a fitting tool on its own under auto."""

    # -- configuration ------------------------------------------------------------------

    def set_static(self, spec: dict[str, Any] | None) -> None:
        parsed = None if spec is None else ScriptedReply.parse(spec, "reply")
        with self._lock:
            self.static = parsed

    def enqueue(self, specs: Any, model: str | None = None) -> int:
        """Append replies to the global queue or ``model``'s; returns that queue's length."""
        if not isinstance(specs, list):
            raise ConfigError(f"replies must be a list of reply specs; got {specs!r}")
        parsed = [ScriptedReply.parse(s, f"replies[{i}]") for i, s in enumerate(specs)]
        if model is None:
            with self._lock:
                self.queue.extend(parsed)
                return len(self.queue)
        pattern = ModelPattern(model, "model")
        with self._lock:
            queue = self.queues.setdefault(model, (pattern, deque()))[1]
            queue.extend(parsed)
            return len(queue)

    def queued(self) -> dict[str, Any]:
        """The replies still queued: ``{"queue": [...], "queues": {pattern: [...]}}``."""
        with self._lock:
            return copy.deepcopy(
                {
                    "queue": [r.spec for r in self.queue],
                    "queues": {p: [r.spec for r in q] for p, (_, q) in self.queues.items()},
                }
            )

    def clear_queues(self) -> None:
        with self._lock:
            self.queue.clear()
            self.queues.clear()

    def add_rule(self, spec: Any) -> Rule:
        with self._lock:
            rule = Rule.parse(spec, len(self.rules), f"rules[{len(self.rules)}]")
            self._check_names([*self.rules, rule], "rules")
            self.rules.append(rule)
            return rule

    def set_rules(self, specs: Any) -> None:
        rules = self._parse_rules(specs, "rules")
        with self._lock:
            self.rules = rules

    @classmethod
    def _parse_rules(cls, specs: Any, where: str) -> list[Rule]:
        if not isinstance(specs, list):
            raise ConfigError(f"{where} must be a list of rules; got {specs!r}")
        rules = [Rule.parse(s, i, f"{where}[{i}]") for i, s in enumerate(specs)]
        cls._check_names(rules, where)
        return rules

    @staticmethod
    def _check_names(rules: list[Rule], where: str) -> None:
        # Names are what history sources and strict messages show, so they must be unique.
        seen: set[str] = set()
        for rule in rules:
            if rule.name is not None:
                if rule.name in seen:
                    raise ConfigError(f"{where}: two rules are named {rule.name!r}")
                seen.add(rule.name)

    def clear_rules(self) -> None:
        with self._lock:
            self.rules = []

    def rule_views(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.view() for rule in self.rules]

    def set_strict(self, strict: Any) -> None:
        if not isinstance(strict, bool):
            raise ConfigError(f"strict must be true or false; got {strict!r}")
        with self._lock:
            self.strict = strict

    def set_responder(self, responder: PythonResponder | None) -> None:
        if responder is not None and not callable(responder):
            raise ConfigError(f"responder must be callable or None; got {responder!r}")
        with self._lock:
            self.responder = responder

    def set_auto_tools(self, enabled: Any) -> None:
        if not isinstance(enabled, bool):
            raise ConfigError(f"auto_tools must be true or false; got {enabled!r}")
        with self._lock:
            self.auto_tools = enabled

    def set_llm(self, llm: LLMResponder | None) -> None:
        with self._lock:
            self.llm = llm

    # -- answering ----------------------------------------------------------------------

    def respond(self, invocation: Invocation, fallback: Responder) -> tuple[Reply, str]:
        """The reply and its source (``"default"``, ``"queue"``, ``"rule:<name>"``...).

        Raises the scripted error of an error reply, or strict mode's ValidationException.
        """
        choice = self._choose(invocation)
        if choice.scripted is not None:
            return choice.scripted.answer(invocation, choice.source), choice.source
        if choice.responder is not None:
            answer = choice.responder(invocation)
            if answer is not None:
                return _coerce(answer, invocation), "callable"
        if choice.llm is not None:
            return choice.llm(invocation), "llm"
        if choice.strict:
            raise _script_error(_strict_message(invocation, choice))
        if not choice.auto_tools:
            invocation = replace(invocation, auto_tools=False)
        return fallback(invocation), "default"

    def _choose(self, invocation: Invocation) -> _Choice:
        choice = _Choice()
        with self._lock:
            for pattern, queue in self.queues.values():
                if queue and pattern.matches_call(invocation):
                    return _Choice(queue.popleft(), "queue")
                if queue:
                    choice.waiting.append(pattern.pattern)
            if self.queue:
                return _Choice(self.queue.popleft(), "queue")
            for rule in self.rules:
                misses = rule.misses(invocation)
                if not misses:
                    rule.answered += 1
                    return _Choice(rule.reply, rule.source)
                satisfied = len(rule.matchers) - sum(1 for key, _ in misses if key != "times")
                choice.misses.append((rule, satisfied, misses))
            if self.static is not None:
                return _Choice(self.static, "static")
            choice.responder, choice.llm, choice.strict = self.responder, self.llm, self.strict
            choice.auto_tools = self.auto_tools
        return choice

    # -- config -------------------------------------------------------------------------

    def to_config(self) -> dict[str, Any]:
        """The ``replies`` config section (Python callables are not serializable and are
        left out, and so are rules with a ``when`` callable)."""
        with self._lock:
            config: dict[str, Any] = {}
            if self.strict:
                config["strict"] = True
            if self.static is not None:
                config["static"] = copy.deepcopy(self.static.spec)
            queued = self.queued()
            if queued["queue"]:
                config["queue"] = queued["queue"]
            if queued["queues"]:
                config["queues"] = queued["queues"]
            rules = [copy.deepcopy(r.spec) for r in self.rules if r.when is None]
            if rules:
                config["rules"] = rules
            if self.llm is not None:
                config["llm"] = self.llm.to_config()
            if not self.auto_tools:
                config["auto_tools"] = False
            return config

    def load_config(self, config: Any) -> None:
        """Replace every scripted reply from a ``replies`` section (checked first)."""
        config = _check_keys(config, _CONFIG_KEYS, "replies")
        strict = config.get("strict", False)
        if not isinstance(strict, bool):
            raise ConfigError(f"replies.strict must be true or false; got {strict!r}")
        static = config.get("static")
        static_reply = None if static is None else ScriptedReply.parse(static, "replies.static")
        queue_specs = config.get("queue", [])
        if not isinstance(queue_specs, list):
            raise ConfigError(f"replies.queue must be a list of reply specs; got {queue_specs!r}")
        queue = deque(
            ScriptedReply.parse(s, f"replies.queue[{i}]") for i, s in enumerate(queue_specs)
        )
        queues_spec = config.get("queues", {})
        if not isinstance(queues_spec, dict):
            raise ConfigError(
                f"replies.queues must map model patterns to lists; got {queues_spec!r}"
            )
        queues: dict[str, tuple[ModelPattern, deque[ScriptedReply]]] = {}
        for pattern, specs in queues_spec.items():
            where = f"replies.queues[{pattern!r}]"
            if not isinstance(specs, list):
                raise ConfigError(f"{where} must be a list of reply specs; got {specs!r}")
            queues[pattern] = (
                ModelPattern(pattern, where),
                deque(ScriptedReply.parse(s, f"{where}[{i}]") for i, s in enumerate(specs)),
            )
        rules = self._parse_rules(config.get("rules", []), "replies.rules")
        llm = make_llm(config["llm"], "replies.llm") if config.get("llm") is not None else None
        auto_tools = config.get("auto_tools", True)
        if not isinstance(auto_tools, bool):
            raise ConfigError(f"replies.auto_tools must be true or false; got {auto_tools!r}")
        with self._lock:
            self.auto_tools = auto_tools
            self.strict, self.static, self.queue, self.queues = strict, static_reply, queue, queues
            self.rules, self.llm, self.responder = rules, llm, None


def _coerce(answer: Any, invocation: Invocation) -> Reply:
    """A Python responder's answer as a Reply."""
    if isinstance(answer, Reply):
        return answer
    if isinstance(answer, str):
        return Reply(content=[{"text": answer}])
    if isinstance(answer, dict):
        return ScriptedReply.parse(answer, "the responder's reply").answer(invocation, "callable")
    raise ConfigError(
        f"the responder must return a Reply, a reply spec, text or None; got {answer!r}"
    )


def _strict_message(invocation: Invocation, choice: _Choice) -> str:
    call = f"this {invocation.operation} call to {invocation.model_id}"
    if invocation.model_id != invocation.model.model_id:
        call += f" ({invocation.model.model_id})"
    prefix = "moto-bedrock strict mode: "
    if not choice.misses:
        if choice.waiting:
            return (
                f"{prefix}no queued reply for {call}: the replies queued are for models "
                f"matching {choice.waiting}, and there are no rules"
            )
        return (
            f"{prefix}nothing is scripted for {call}: the reply queue is empty and there are "
            "no rules"
        )
    # Closest: most matchers satisfied, then fewest misses, then the earliest rule.
    rule, _, misses = min(choice.misses, key=lambda m: (-m[1], len(m[2]), m[0].index))
    reasons = " and on ".join(f"{key}: {reason}" for key, reason in misses)
    return f"{prefix}no rule matched {call}; closest rule {rule.label} failed on {reasons}"


class ReplyControls(ControlBase):
    """Control operations of scripted replies."""

    @property
    def _replies(self) -> ReplyScript:
        return self._behaviour.replies

    @operation
    def set_reply(self, reply: dict[str, Any] | None = None) -> dict[str, Any]:
        """Answer every call not queued or matched by a rule with ``reply`` (None clears)."""
        self._replies.set_static(reply)
        static = self._replies.static
        return {"static": None if static is None else copy.deepcopy(static.spec)}

    @operation
    def enqueue_replies(
        self, replies: list[dict[str, Any]], model: str | None = None
    ) -> dict[str, Any]:
        """Queue replies, answered first in, first out, before rules.

        ``model`` (a glob or ``re:<regex>``) makes the queue serve only matching models.
        Returns the queue's pattern and its length.
        """
        length = self._replies.enqueue(replies, model)
        return {"model": model, "length": length}

    @operation
    def get_queues(self) -> dict[str, Any]:
        """Everything still queued: ``{"queue": [...], "queues": {pattern: [...]}}``."""
        return self._replies.queued()

    @operation
    def clear_queues(self) -> dict[str, Any]:
        """Drop every queued reply."""
        self._replies.clear_queues()
        return {}

    @operation
    def unused_replies(self) -> dict[str, Any]:
        """The queued replies no call used yet, and how many."""
        queued = self._replies.queued()
        queues = {p: specs for p, specs in queued["queues"].items() if specs}
        count = len(queued["queue"]) + sum(len(specs) for specs in queues.values())
        return {"count": count, "queue": queued["queue"], "queues": queues}

    def assert_no_unused_replies(self) -> None:
        """Fail (AssertionError) when queued replies were never used, listing them."""
        unused = self.unused_replies()
        if unused["count"]:
            parts = []
            if unused["queue"]:
                parts.append(f"global queue: {json.dumps(unused['queue'])}")
            for pattern, specs in unused["queues"].items():
                parts.append(f"queue for {pattern!r}: {json.dumps(specs)}")
            count = unused["count"]
            what = "1 scripted reply was" if count == 1 else f"{count} scripted replies were"
            raise AssertionError(f"{what} never used; " + "; ".join(parts))

    @operation
    def add_rule(self, **rule: Any) -> dict[str, Any]:
        """Append a rule: matcher keys, ``reply``, and optional ``name`` and ``times``.

        In-process a ``when=callable(invocation) -> bool`` matcher is allowed too.
        Returns the rule as stored.
        """
        return self._replies.add_rule(rule).view()

    @operation
    def set_rules(self, rules: list[dict[str, Any]]) -> dict[str, Any]:
        """Replace every rule; returns them as :meth:`get_rules` does."""
        self._replies.set_rules(rules)
        return self.get_rules()

    @operation
    def get_rules(self) -> dict[str, Any]:
        """The rules in order, each with how many calls it ``answered``."""
        return {"rules": self._replies.rule_views()}

    @operation
    def clear_rules(self) -> dict[str, Any]:
        self._replies.clear_rules()
        return {}

    @operation
    def set_strict(self, strict: bool = True) -> dict[str, Any]:
        """Strict mode: a call nothing scripted answers fails with a ValidationException."""
        self._replies.set_strict(strict)
        return {"strict": strict}

    @operation
    def set_auto_tools(self, enabled: bool = True) -> dict[str, Any]:
        """Whether the default model calls a fitting tool on its own under ``toolChoice``
        auto (on by default; ``docs/tools.md``). Off, it answers such calls in prose."""
        self._replies.set_auto_tools(enabled)
        return {"auto_tools": enabled}

    @operation
    def use_llm(self, **config: Any) -> dict[str, Any]:
        """Answer unscripted calls with a local LLM (see the LLM responder's config)."""
        llm = make_llm(config)
        self._replies.set_llm(llm)
        return {"llm": llm.to_config()}

    @operation
    def clear_llm(self) -> dict[str, Any]:
        self._replies.set_llm(None)
        return {}

    @operation
    def get_replies(self) -> dict[str, Any]:
        """The whole ``replies`` config section as it stands (without Python callables)."""
        return self._replies.to_config()

    def set_responder(self, responder: PythonResponder | None) -> None:
        """Answer unscripted calls with ``responder(invocation)`` (in-process only).

        It may return a Reply, a reply spec dict, text, or None to pass the call on to
        the LLM responder or the default. ``None`` removes it.
        """
        self._local_only("set_responder")
        self._replies.set_responder(responder)
