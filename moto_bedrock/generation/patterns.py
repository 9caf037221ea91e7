"""User-supplied regular expressions, run with a time limit.

Schemas in requests (``pattern``, ``patternProperties``) and scripted-reply rules
(``user_regex``, ``system_regex``, ``re:`` model patterns) bring their own regexes. Python's
``re`` can backtrack for hours on a pattern such as ``^(a|aa)+$`` and holds the GIL while it
does, so one request would freeze every thread of the server. These run on the ``regex``
package instead, which releases the GIL (``concurrent=True``) and stops a search after
:data:`MATCH_SECONDS`, raising :class:`PatternTimeout`. Syntax is ``re``'s (``regex.V0``).

:func:`unsafe_reason` also names, at configuration time, the one shape that is always
catastrophic: a repeated group whose whole body is itself an open repeat (``(a+)+``,
``(\\w*)*``). Patterns where the repeats are separated (``([a-z]+\\.)+``) are fine and pass.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

import regex

__all__ = [
    "MATCH_SECONDS",
    "MAX_PATTERN_CHARS",
    "MAX_REPEAT",
    "PatternRefused",
    "PatternTimeout",
    "compile_pattern",
    "search",
    "unsafe_reason",
]

#: How long one search may run before it is given up (the check is periodic, so a search
#: can run a little past it).
MATCH_SECONDS = 0.1
#: The longest pattern accepted (Bedrock's own JSON schema limits are far larger, but no
#: useful regex is this long).
MAX_PATTERN_CHARS = 10_000
#: The largest count a repeat may name (``a{n}``): ``regex`` expands counted repeats when it
#: compiles, so ``a{10000000}`` alone took seconds.
MAX_REPEAT = 100_000

try:
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _parser = importlib.import_module("sre_parse")

_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


class PatternRefused(ValueError):
    """A pattern too long, or with a repeat count too large, to be compiled safely."""


class PatternTimeout(ValueError):
    """A search ran past :data:`MATCH_SECONDS`; ``pattern`` is the regex that did."""

    def __init__(self, pattern: str) -> None:
        super().__init__(
            f"the regular expression {pattern[:80]!r} took longer than {MATCH_SECONDS:g} s"
        )
        self.pattern = pattern


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Any:
    """``pattern`` compiled with ``re``'s syntax.

    Raises PatternRefused (too long, or a repeat count over :data:`MAX_REPEAT`), or
    ``regex.error``/``re.error`` (ValueErrors too) for bad syntax.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternRefused(f"the pattern is longer than {MAX_PATTERN_CHARS} characters")
    try:
        parsed = _parser.parse(pattern)
    except (OverflowError, RecursionError):
        raise PatternRefused("the pattern is too large") from None
    except Exception:  # re's syntax error: let regex say the same in its words
        parsed = []
    if _largest_count(list(parsed)) > MAX_REPEAT:
        raise PatternRefused(f"a repeat count in the pattern is over {MAX_REPEAT}")
    return regex.compile(pattern, regex.V0)


def _largest_count(items: list[Any]) -> int:
    largest = 0
    for op, av in items:
        name = op.name
        if name in _REPEATS:
            low, high, body = av
            bound = low if high == _parser.MAXREPEAT else high
            largest = max(largest, bound, _largest_count(list(body)))
        elif name == "SUBPATTERN":
            largest = max(largest, _largest_count(list(av[-1])))
        elif name == "BRANCH":
            largest = max([largest, *(_largest_count(list(b)) for b in av[1])])
    return largest


def search(pattern: str, text: str, seconds: float = MATCH_SECONDS) -> bool:
    """Whether ``pattern`` matches somewhere in ``text``; raises PatternTimeout."""
    try:
        return compile_pattern(pattern).search(text, timeout=seconds, concurrent=True) is not None
    except TimeoutError:
        raise PatternTimeout(pattern) from None


def unsafe_reason(pattern: str) -> str | None:
    """Why ``pattern`` is known to backtrack without bound, or None (also for bad syntax)."""
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # not Python syntax: compile_pattern reports it
        return None
    return _nested_repeat(list(parsed), inside_repeat=False)


def _nested_repeat(items: list[Any], inside_repeat: bool) -> str | None:
    for op, av in items:
        name = op.name
        if name in _REPEATS:
            _, high, body = av
            body = list(body)
            if high == _parser.MAXREPEAT or high > 1:
                inner = _only_repeat(body)
                if inner is not None:
                    return "a repeated group whose whole body is itself repeated, like (a+)+"
            found = _nested_repeat(body, True)
            if found:
                return found
        elif name == "SUBPATTERN":
            found = _nested_repeat(list(av[-1]), inside_repeat)
            if found:
                return found
        elif name == "BRANCH":
            for branch in av[1]:
                found = _nested_repeat(list(branch), inside_repeat)
                if found:
                    return found
    return None


def _only_repeat(body: list[Any]) -> Any:
    """The open repeat that is all of ``body`` (through plain groups), if it is one."""
    while len(body) == 1 and body[0][0].name == "SUBPATTERN":
        body = list(body[0][1][-1])
    if len(body) == 1 and body[0][0].name in _REPEATS and body[0][1][1] == _parser.MAXREPEAT:
        return body[0]
    return None
