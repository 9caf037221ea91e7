"""Rule matchers: the conditions a scripted-reply rule puts on a call.

Each matcher is built once from a JSON-ready value (strictly checked, so a bad regex is a
``ConfigError`` at configuration time, not a surprise at call time) and then asked
:meth:`Matcher.miss` for every call: ``None`` when the call satisfies it, otherwise a short
reason such as ``expected 'hello' in 'goodbye'``. The reasons feed strict mode's "closest
rule" message, so they say what was expected and what the call had.

Text matchers are case-sensitive, like ``str.__contains__`` and ``re.search``; a regex can
opt out with ``(?i)``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from typing import Any

from ..generation.patterns import PatternRefused, compile_pattern, search, unsafe_reason
from ..generation.responders import Invocation
from .base import ConfigError

__all__ = [
    "MATCHER_KEYS",
    "OPERATIONS",
    "Matcher",
    "ModelPattern",
    "build_matchers",
]

#: The operations that get replies (CountTokens never does).
OPERATIONS = ("Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream")

# How much of a call's text a miss reason quotes: enough to recognise, short enough to read.
_QUOTE_LIMIT = 60


def _quote(text: str) -> str:
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 3] + "..."
    return repr(text)


def _compile(pattern: Any, where: str, shown: str | None = None) -> str:
    """``pattern`` checked: valid, and not of a shape known to backtrack without bound.

    ``shown`` is the value as configured, quoted in errors (``re:`` model patterns).
    """
    if not isinstance(pattern, str) or not pattern:
        raise ConfigError(f"{where} must be a non-empty regular expression; got {pattern!r}")
    try:
        re.compile(pattern)
        compile_pattern(pattern)
    except PatternRefused as error:
        raise ConfigError(f"{where} is refused: {error}; got {pattern[:80]!r}") from None
    except (re.error, ValueError) as error:
        raise ConfigError(
            f"{where} is not a valid regular expression: {error}; got {shown or repr(pattern)}"
        ) from None
    unsafe = unsafe_reason(pattern)
    if unsafe is not None:
        raise ConfigError(
            f"{where} can backtrack without bound ({unsafe}); got {pattern!r}. "
            "Write the repeat once, e.g. (a+) rather than (a+)+"
        )
    return pattern


class ModelPattern:
    """A model pattern: an fnmatch glob (case-sensitive), or ``re:<regex>`` (``re.search``).

    It is tried on both the resolved base model id and the id as sent, so
    ``anthropic.claude-3-haiku*`` also catches ``us.anthropic.claude-3-haiku-...`` profile
    ids, and the model's ARNs resolve to a match as well. Rules, queues, faults, quotas and
    latency all scope by model through this one class.
    """

    def __init__(self, pattern: Any, where: str) -> None:
        if not isinstance(pattern, str) or not pattern:
            raise ConfigError(f"{where} must be a non-empty string; got {pattern!r}")
        self.pattern = pattern
        self._regex: str | None = None
        if pattern.startswith("re:"):
            self._regex = _compile(pattern[3:], where, repr(pattern))

    def matches_id(self, model_id: str) -> bool:
        if self._regex is not None:
            return search(self._regex, model_id)
        # fnmatchcase: case-sensitive on every platform (fnmatch would follow the OS).
        return fnmatch.fnmatchcase(model_id, self.pattern)

    def matches(self, model_id: str, requested_id: str) -> bool:
        """Whether the resolved base id or the id as sent matches."""
        return self.matches_id(model_id) or self.matches_id(requested_id)

    def matches_call(self, invocation: Invocation) -> bool:
        """Whether the call's base model id or its id as sent matches."""
        return self.matches(invocation.model.model_id, invocation.model_id)


class Matcher:
    """One condition of a rule; :meth:`miss` says why a call fails it (None: it passes)."""

    key: str

    def miss(self, invocation: Invocation) -> str | None:
        raise NotImplementedError


class _Substring(Matcher):
    def __init__(self, key: str, value: Any, where: str, text: Callable[[Invocation], str]):
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}.{key} must be a non-empty string; got {value!r}")
        self.key, self._value, self._text = key, value, text

    def miss(self, invocation: Invocation) -> str | None:
        text = self._text(invocation)
        if self._value in text:
            return None
        return f"expected {_quote(self._value)} in {_quote(text)}"


class _Regex(Matcher):
    def __init__(self, key: str, value: Any, where: str, text: Callable[[Invocation], str]):
        self.key, self._regex, self._text = key, _compile(value, f"{where}.{key}"), text

    def miss(self, invocation: Invocation) -> str | None:
        text = self._text(invocation)
        if search(self._regex, text):
            return None
        return f"expected a match for {_quote(self._regex)} in {_quote(text)}"


class _Model(Matcher):
    key = "model"

    def __init__(self, value: Any, where: str) -> None:
        self._pattern = ModelPattern(value, f"{where}.model")

    def miss(self, invocation: Invocation) -> str | None:
        if self._pattern.matches_call(invocation):
            return None
        got = _quote(invocation.model_id)
        if invocation.model_id != invocation.model.model_id:
            got += f" (model {_quote(invocation.model.model_id)})"
        return f"expected {_quote(self._pattern.pattern)} to match {got}"


def _names(value: Any, where: str, what: str) -> list[str]:
    """A name or a non-empty list of names, as a list."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise ConfigError(f"{where} must be {what} or a non-empty list of them; got {value!r}")
    return names


def _offered(invocation: Invocation) -> list[str]:
    tools = (invocation.tool_config or {}).get("tools") or []
    return [t["toolSpec"].get("name", "") for t in tools if isinstance(t.get("toolSpec"), dict)]


class _ToolsOffered(Matcher):
    key = "tools_offered"

    def __init__(self, value: Any, where: str) -> None:
        self._names = _names(value, f"{where}.tools_offered", "a tool name")

    def miss(self, invocation: Invocation) -> str | None:
        offered = _offered(invocation)
        missing = [n for n in self._names if n not in offered]
        if not missing:
            return None
        return f"expected tools {self._names} offered; missing {missing} (offered {offered})"


def _last_user_index(messages: list[dict[str, Any]]) -> int | None:
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].get("role") == "user":
            return index
    return None


def answered_tools(invocation: Invocation) -> list[str] | None:
    """Names of the tools whose results the last user message carries, or None if it
    carries no ``toolResult``. A result's tool is found by its ``toolUseId`` among the
    ``toolUse`` blocks of the assistant message before it (``"?"`` if none has it)."""
    last = _last_user_index(invocation.messages)
    if last is None:
        return None
    ids = [
        block["toolResult"].get("toolUseId")
        for block in invocation.messages[last].get("content", [])
        if isinstance(block.get("toolResult"), dict)
    ]
    if not ids:
        return None
    names: dict[str, str] = {}
    for message in reversed(invocation.messages[:last]):
        if message.get("role") == "assistant":
            for block in message.get("content", []):
                tool_use = block.get("toolUse")
                if isinstance(tool_use, dict):
                    names[str(tool_use.get("toolUseId"))] = str(tool_use.get("name"))
            break
    return [names.get(str(i), "?") for i in ids]


class _ToolResult(Matcher):
    key = "tool_result"

    def __init__(self, value: Any, where: str) -> None:
        if value is not True and (not isinstance(value, str) or not value):
            raise ConfigError(f"{where}.tool_result must be a tool name or true; got {value!r}")
        self._name: str | None = None if value is True else value

    def miss(self, invocation: Invocation) -> str | None:
        answered = answered_tools(invocation)
        if answered is None:
            return "expected a toolResult in the last user message; found none"
        if self._name is None or self._name in answered:
            return None
        return f"expected a toolResult for {self._name!r}; found results for {answered}"


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Turn(Matcher):
    key = "turn"

    def __init__(self, value: Any, where: str) -> None:
        where = f"{where}.turn"
        if _int(value):
            low, high = value, value
        elif isinstance(value, dict):
            unknown = sorted(set(value) - {"min", "max"})
            if unknown or not value:
                raise ConfigError(f"{where} takes 'min' and/or 'max'; got {value!r}")
            low, high = value.get("min", 1), value.get("max")
            if not _int(low) or (high is not None and not _int(high)):
                raise ConfigError(f"{where} bounds must be integers; got {value!r}")
        else:
            raise ConfigError(f"{where} must be an integer or {{min, max}}; got {value!r}")
        if low < 1 or (high is not None and high < low):
            raise ConfigError(f"{where} must count from 1 with min <= max; got {value!r}")
        self._low, self._high = low, high

    def miss(self, invocation: Invocation) -> str | None:
        turn = sum(1 for m in invocation.messages if m.get("role") == "user")
        if turn >= self._low and (self._high is None or turn <= self._high):
            return None
        if self._high == self._low:
            wanted = f"turn {self._low}"
        elif self._high is None:
            wanted = f"turn {self._low} or later"
        else:
            wanted = f"turn {self._low} to {self._high}"
        return f"expected {wanted}; got turn {turn}"


class _Metadata(Matcher):
    key = "metadata"

    def __init__(self, value: Any, where: str) -> None:
        if (
            not isinstance(value, dict)
            or not value
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        ):
            raise ConfigError(
                f"{where}.metadata must be a non-empty object of strings; got {value!r}"
            )
        self._wanted: dict[str, str] = value

    def miss(self, invocation: Invocation) -> str | None:
        got = invocation.request_metadata or {}
        if all(got.get(k) == v for k, v in self._wanted.items()):
            return None
        return f"expected requestMetadata to include {self._wanted}; got {got}"


class _Operation(Matcher):
    key = "operation"

    def __init__(self, value: Any, where: str) -> None:
        self._names = _names(value, f"{where}.operation", "an operation name")
        unknown = [n for n in self._names if n not in OPERATIONS]
        if unknown:
            raise ConfigError(
                f"{where}.operation: unknown operations {unknown}; expected some of "
                f"{list(OPERATIONS)}"
            )

    def miss(self, invocation: Invocation) -> str | None:
        if invocation.operation in self._names:
            return None
        wanted = repr(self._names[0]) if len(self._names) == 1 else f"one of {self._names}"
        return f"expected operation {wanted}; got {invocation.operation!r}"


class _When(Matcher):
    key = "when"

    def __init__(self, value: Any, where: str) -> None:
        if not callable(value):
            raise ConfigError(
                f"{where}.when must be a Python callable (in-process only); got {value!r}"
            )
        self.function: Callable[[Invocation], Any] = value

    def miss(self, invocation: Invocation) -> str | None:
        return None if self.function(invocation) else "the when callable returned false"


def _user(invocation: Invocation) -> str:
    return invocation.user_text()


def _system(invocation: Invocation) -> str:
    return invocation.system_text()


_BUILDERS: dict[str, Callable[[Any, str], Matcher]] = {
    "user_text": lambda v, w: _Substring("user_text", v, w, _user),
    "user_regex": lambda v, w: _Regex("user_regex", v, w, _user),
    "system_text": lambda v, w: _Substring("system_text", v, w, _system),
    "system_regex": lambda v, w: _Regex("system_regex", v, w, _system),
    "model": _Model,
    "tools_offered": _ToolsOffered,
    "tool_result": _ToolResult,
    "turn": _Turn,
    "metadata": _Metadata,
    "operation": _Operation,
    "when": _When,
}

#: Every matcher key a rule may use, in the order they are checked.
MATCHER_KEYS = tuple(_BUILDERS)


def build_matchers(rule: dict[str, Any], where: str) -> list[Matcher]:
    """The matchers for the matcher keys present in ``rule`` (other keys are ignored).

    ``where`` names the rule in error messages, e.g. ``replies.rules[0]``.
    """
    return [_BUILDERS[key](rule[key], where) for key in MATCHER_KEYS if key in rule]
