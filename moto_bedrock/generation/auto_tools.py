"""The default model's own tool calls: ``toolChoice`` auto (or none) and a matching tool.

When a request offers tools and leaves the choice to the model, the default responder calls
the offered tool that best fits the latest user message, and calls none when nothing fits.
Both the choice and the arguments are deterministic and documented in ``docs/tools.md``:

* **Choice.** The words of the message (three letters or more, without stopwords and
  generic tool words such as "get" or "tool") are compared with the words of each tool's
  name and description. Two words match when they are equal or share their first five
  letters ("calculate" and "calculator"). A name word counts 2, a description word 1; the
  tool with the highest score is called if the score is at least :data:`MIN_SCORE`, the
  first offered one on a tie. A message holding arithmetic ("123 + 456") adds
  :data:`MIN_SCORE` to every tool with an expression-like property (``expression``...).
* **Arguments.** The schema-valid input the synthesizer makes for the tool is the base.
  Then each top-level property takes a value found in the message when its type allows it
  and the value validates (an optional property the draft left out is added only for a
  value of its own kind: an enum member, a number, a place or person name, quoted text): an ``enum`` member the message names; for ``integer`` and
  ``number`` the message's numbers in order; for strings a capitalised name after "in",
  "at", "to", "from" or "near" when the property is place-like (``city``, ``location``...),
  the quoted text or else a capitalised name when it is person-like (``name``, ``user``...),
  then an e-mail address, then the lower-case word after "to" ("Send a notification to
  alice"), the quoted text, else the words after "saying" ("... saying test message"),
  else the whole message when it is query-like (``query``, ``text``, ``message``...), the
  arithmetic written in the message ("2+2", "(3 * 4) / 2") when it is expression-like
  (``expression``, ``formula``...), and otherwise quoted text, then capitalised names, in
  order.
* **Several requests.** The message is split at "and", ";" or "also", and each piece at
  commas; a comma piece that fits no tool of its own stays with its neighbour ("in San
  Francisco, CA"). Each part is one request when it names its own place or person for a
  place- or person-like property of its tool (``weather in Paris and Berlin``, ``the
  weather in Paris and the population of Berlin``), or when it fits a tool of its own that
  no other part calls ("What is the time and weather?", "the time, day, and weather"), or
  when it quotes its own text for a tool with no place or person property ("the stock
  prices for 'KGL' and 'BNCH'"). A part split at "and" that fits no tool takes the
  previous part's. Each call is filled from its part alone, where a bare capitalised name also counts as a place; a call whose part
  names no place or person of its own is filled from the whole message ("Weather and time
  in Lima" calls both with Lima) (:func:`split_requests`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import regex
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .synth import LOCAL_REFERENCES

__all__ = [
    "MIN_SCORE",
    "auto_tool_choice",
    "fill_from_message",
    "message_values",
    "split_requests",
]

MIN_SCORE = 2

_STOPWORDS = frozenset(
    "a an and are as at be but by can could do does for from has have how i in is it its me my "
    "of on or please should so tell than that the their them then there these this to was we "
    "what when where which who why will with would you your about also any give just know "
    "like need some want".split()
)
_GENERIC = frozenset(
    "get set use used uses using tool tools function functions call calls run runs return "
    "returns given value values current data information info result results input output "
    "specified provided based".split()
)
_PREFIX = 5
#: Words that start a request rather than name something ("Tell", "Please", "Hello").
_LEADS = frozenset(
    "ask tell show find list call check look search let make use invoke run book send create "
    "compute calculate multiply add convert translate summarize explain describe write hello "
    "hi hey thanks thank please give get set extract analyze analyse parse classify identify "
    "determine return generate provide fetch retrieve compare count rate review recommend "
    "schedule plan".split()
)

_PLACE = frozenset(
    "city town location place destination origin country region address where state area".split()
)
_PERSON = frozenset("name person user username author who recipient owner customer".split())
_EXPRESSION = frozenset("expression expr formula equation math calculation arithmetic".split())
_QUERY = frozenset("query search q question prompt text message topic keywords term input".split())

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*\w)")
_OPERAND = r"\(*-?\d+(?:\.\d+)?\)*"
# Not starting after a "(" or inside a number: the start before already read the same text
# (and failed), and retrying each such start, each scanning the run, is quadratic.
_ARITHMETIC = re.compile(rf"(?<!\()(?!(?<=\d)\d){_OPERAND}(?:\s*[-+*/^%×÷]\s*{_OPERAND})+")
_QUOTED = re.compile(r"\"([^\"\n]{1,200})\"|“([^”\n]{1,200})”|(?<!\w)'([^'\n]{1,200})'(?!\w)")
_NAME = re.compile(r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TO_WORD = re.compile(r"\bto\s+([a-z][\w'-]*)\b")
_SAYING = re.compile(r"\b(?:saying|that says)\s+(.+?)[\s.!?]*$", re.IGNORECASE | re.DOTALL)
_PLACE_BEFORE = re.compile(r"\b(?:in|at|to|from|near|for)\s+$")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)$")


def _split(text: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return [w for w in re.findall(r"[a-z]{3,}", spaced.lower()) if w not in _STOPWORDS]


def _matches(words: frozenset[str], message: set[str], prefixes: set[str]) -> int:
    """How many of ``words`` match a message word: equal, or sharing its first letters."""
    return sum(1 for w in words if w in message or (len(w) >= _PREFIX and w[:_PREFIX] in prefixes))


#: Tool texts up to this length are remembered (256 of them): a request's descriptions can
#: be long, and the cache must not hold 256 of those.
_REMEMBERED_TOOL_TEXT = 4096


def _tool_words(text: str) -> frozenset[str]:
    # A tool's name and description are scored against every piece of a split message.
    if len(text) <= _REMEMBERED_TOOL_TEXT:
        return _remembered_tool_words(text)
    return _words_of(text)


@lru_cache(maxsize=256)
def _remembered_tool_words(text: str) -> frozenset[str]:
    return _words_of(text)


def _words_of(text: str) -> frozenset[str]:
    return frozenset(w for w in _split(text) if w not in _GENERIC)


def _score(spec: dict[str, Any], words: list[str]) -> int:
    name_words = _tool_words(str(spec.get("name", "")))
    description = _tool_words(str(spec.get("description") or ""))
    message = {w for w in words if w not in _GENERIC}
    prefixes = {m[:_PREFIX] for m in message if len(m) >= _PREFIX}
    named = _matches(name_words, message, prefixes)
    return 2 * named + _matches(description, message, prefixes)


def _takes_expression(spec: dict[str, Any]) -> bool:
    schema = spec["inputSchema"].get("json")
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return False
    return any(isinstance(name, str) and name.lower() in _EXPRESSION for name in properties)


def auto_tool_choice(tools: list[dict[str, Any]], message: str) -> str | None:
    """The name of the tool that best fits ``message``, or None when none scores enough."""
    words = _split(message)
    arithmetic = _ARITHMETIC.search(message[:4000]) is not None
    if not words and not arithmetic:
        return None
    best, best_score = None, 0
    for spec in tools:
        if not isinstance(spec.get("inputSchema"), dict):
            continue  # a systemTool has no schema to fill
        score = _score(spec, words)
        if arithmetic and _takes_expression(spec):
            score += MIN_SCORE  # "What is 123 + 456?" fits a tool taking an expression
        if score > best_score:
            best, best_score = spec, score
    return str(best["name"]) if best is not None and best_score >= MIN_SCORE else None


class _Values:
    """The values a message offers, each taken once, in order of appearance."""

    def __init__(self, text: str, part: bool = False) -> None:
        self.text = " ".join(text.split())
        found = message_values(text)
        self.numbers: list[str] = found["numbers"]
        self.quoted: list[str] = found["quoted"]
        self.names: list[str] = found["names"]
        # In one part of a split request ("... in Paris and Berlin?") a bare name is a place.
        self.places: list[str] = found["places"] or (list(self.names) if part else [])
        self.expressions: list[str] = found["expressions"]
        bounded = self.text[:4000]
        self.emails = _EMAIL.findall(bounded)
        self.recipients = [
            word
            for word in _TO_WORD.findall(bounded)
            if word not in _STOPWORDS | _LEADS | _GENERIC and not _EMAIL.match(word)
        ]
        said = _SAYING.search(bounded)
        self.sayings = [said.group(1)] if said else []

    def take(self, pool: list[str]) -> str | None:
        return pool.pop(0) if pool else None

    def take_name(self, places_first: bool) -> str | None:
        for pool, other in (
            (self.places, self.names) if places_first else (self.names, self.places),
        ):
            if pool:
                value = pool.pop(0)
                if value in other:
                    other.remove(value)
                return value
        return None


def message_values(text: str) -> dict[str, list[str]]:
    """Numbers, quoted texts, names, place names and arithmetic found in ``text``."""
    text = text[:4000]  # bounded work on untrusted input
    quoted = [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(text)]
    names, places = [], []
    for match in _NAME.finditer(text):
        value = match.group().strip()
        before = text[: match.start()]
        first, _, rest = value.partition(" ")
        if _SENTENCE_START.search(before) and _POSSESSIVE.sub("", first.lower()) in (
            _LEADS | _STOPWORDS
        ):
            # A sentence's first word is capitalised anyway: "Ask Ada" names Ada, and
            # "What's Aaron's name?" names Aaron.
            value = rest.strip()
        value = _POSSESSIVE.sub("", value)
        if not value or value == "I":
            continue
        if any(value in q for q in quoted):
            continue
        names.append(value)
        if _PLACE_BEFORE.search(before):
            places.append(value)
    return {
        "numbers": [m.group() for m in _NUMBER.finditer(text)],
        "quoted": quoted,
        "names": list(dict.fromkeys(names)),
        "places": list(dict.fromkeys(places)),
        "expressions": [m.group().strip() for m in _ARITHMETIC.finditer(text)],
    }


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def _enum_pick(schema: dict[str, Any], text: str) -> Any:
    lowered = text.lower()
    for member in schema.get("enum") or []:
        if isinstance(member, str) and member and member.lower() in lowered:
            return member
    return None


def _candidate(name: str, schema: dict[str, Any], values: _Values, optional: bool) -> Any:
    """A value for property ``name``; for an ``optional`` one only a value made for it."""
    if "enum" in schema:
        return _enum_pick(schema, values.text)
    types = _types(schema)
    hint = set(_split(name)) | {name.lower()}
    if types & {"integer", "number"}:
        while values.numbers:
            raw = values.numbers.pop(0)
            number = float(raw)
            if "integer" in types and number.is_integer():
                return int(number)
            if "number" in types:
                return int(number) if number.is_integer() and "." not in raw else number
        return None
    if "string" not in types:
        return None
    if hint & _PLACE:
        return values.take_name(places_first=True)
    if hint & _PERSON:
        # "a customer named 'Acme'": quoted text is the name the user chose.
        return (
            values.take(values.quoted)
            or values.take_name(places_first=False)
            or values.take(values.emails)
            or values.take(values.recipients)
        )
    if hint & _EXPRESSION:
        return values.take(values.expressions) or values.take(values.quoted)
    if hint & _QUERY:
        return (
            values.take(values.quoted)
            or values.take(values.sayings)
            or (None if optional else values.text or None)
        )
    if optional:
        return None
    return values.take(values.quoted) or values.take_name(places_first=False)


def _valid(schema: dict[str, Any], value: Any) -> bool:
    if "$ref" in schema or "$dynamicRef" in schema:
        return False  # no root here to resolve it against; keep the synthesized value
    try:
        checker = Draft202012Validator.FORMAT_CHECKER
        validator = Draft202012Validator(schema, format_checker=checker, registry=LOCAL_REFERENCES)
        return bool(validator.is_valid(value))
    except (SchemaError, RecursionError, TypeError, ValueError):
        return False


def fill_from_message(
    schema: Any, base: dict[str, Any], message: str, *, part: bool = False
) -> dict[str, Any]:
    """``base`` with its top-level properties set from values in ``message`` where valid;
    ``part`` when ``message`` is one part of :func:`split_requests`."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return base
    required = schema.get("required") if isinstance(schema.get("required"), list) else []
    values = _Values(message, part)
    filled = dict(base)
    for name, sub in list(properties.items())[:64]:
        if not isinstance(name, str) or not isinstance(sub, dict):
            continue
        optional = name not in filled and name not in required
        value = _candidate(name, sub, values, optional)
        if value is not None and _valid(sub, value):
            filled[name] = value
    return filled


# Possessive: with "\s*" before "\s+" each start in a run of spaces tried every way to share
# the run between them (4,000 spaces took minutes); the matches are the same. On the
# ``regex`` package because the stdlib's ``re`` knows possessive repeats only from Python 3.11.
_PARTS = regex.compile(
    r"(?:\s*+,)?\s++and\s++(?:also\s++)?|\s*+;\s*+|(?:\s*+,)?\s++also\s++", regex.IGNORECASE
)
_COMMA = re.compile(r",\s+")
_MAX_PARTS = 8


def _string_properties(schema: Any, kinds: frozenset[str] | None = None) -> list[str]:
    """The top-level free string properties (of a place- or person-like name if ``kinds``)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return []
    return [
        name
        for name, sub in properties.items()
        if isinstance(name, str)
        and isinstance(sub, dict)
        and "enum" not in sub
        and "string" in _types(sub)
        and (kinds is None or (set(_split(name)) | {name.lower()}) & kinds)
    ]


def _pieces(tools: list[dict[str, Any]], message: str) -> list[tuple[str, bool]]:
    """The message's parts, each with whether it was split at "and" (so it may take the
    previous part's tool): comma pieces that fit no tool rejoin a neighbour."""
    parts: list[tuple[str, bool]] = []
    for chunk in [p for p in _PARTS.split(message[:4000]) if p.strip()][:_MAX_PARTS]:
        pieces: list[str] = []
        # Parts past _MAX_PARTS are dropped anyway; the last piece keeps any further commas.
        for piece in _COMMA.split(chunk, maxsplit=_MAX_PARTS):
            if pieces and auto_tool_choice(tools, piece) is None:
                pieces[-1] = f"{pieces[-1]}, {piece}"
            elif pieces and auto_tool_choice(tools, pieces[-1]) is None:
                pieces[-1] = f"{pieces[-1]}, {piece}"  # a lead-in ("Hello, ...") joins it
            else:
                pieces.append(piece)
        parts += [(piece, index == 0) for index, piece in enumerate(pieces)]
    return parts[:_MAX_PARTS]


def split_requests(tools: list[dict[str, Any]], message: str) -> list[tuple[str, str]]:
    """``(tool name, text to fill it from)`` per request when ``message`` makes several,
    else ``[]``.

    A part is a request when it names its own place or person for a place- or person-like
    property of its tool, or when it fits a tool of its own that no other part calls;
    otherwise the message is one request (``[]``), so "multiply 3 and 4" stays one call.
    """
    parts = _pieces(tools, message)
    if len(parts) < 2:
        return []
    schemas = {str(t.get("name")): (t.get("inputSchema") or {}).get("json") for t in tools}
    requests: list[tuple[str, str]] = []
    keys: list[tuple[str, str | None]] = []
    tool: str | None = None
    for part, after_and in parts:
        own = auto_tool_choice(tools, part)
        tool = own or (tool if after_and else None)
        if tool is None:
            return []
        entities = _string_properties(schemas.get(tool), _PLACE | _PERSON)
        found = message_values(part)
        # The message's first word is capitalised anyway ("Weather and time in Lima").
        names = [n for n in found["names"] if requests or not part.lstrip().startswith(n)]
        named = found["places"] + found["quoted"] + names
        if not entities:
            # Quoted text names a request for any free string ("stock prices for 'KGL'
            # and 'BNCH'"); a tool taking no string is told apart by its own match alone.
            named = found["quoted"] if _string_properties(schemas.get(tool)) else []
        if named:
            key: tuple[str, str | None] = (tool, named[0])
            text = part
        elif own is not None:
            # A tool of its own: its values, if it takes a place or person, are the
            # message's ("What's the weather and the time in Lima?").
            key, text = (tool, None), (message if entities else part)
        else:
            return []
        if key in keys:
            return []
        keys.append(key)
        requests.append((tool, text))
    called = [name for name, _ in keys]
    if any(entity is None and called.count(name) > 1 for name, entity in keys):
        return []  # a call without its own name would repeat another call of that tool
    return requests
