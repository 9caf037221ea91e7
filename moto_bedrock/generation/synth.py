"""Deterministic JSON Schema → instance generation, for tool inputs and structured output.

:func:`instance_for` walks a schema with a seeded :class:`random.Random` and builds a value
that validates against it: ``type`` (one or a list), ``enum``/``const``, objects
(``properties``, ``required``, ``additionalProperties``, ``patternProperties``,
``min/maxProperties``, ``dependentRequired``), arrays (``items``, ``prefixItems`` and
draft-7 tuple ``items``, ``min/maxItems``, ``uniqueItems``, ``contains``), strings
(``min/maxLength``, ``pattern``, common ``format`` values), numbers (bounds, exclusive
bounds in both the draft-4 and the modern form, ``multipleOf``), ``anyOf``/``oneOf``,
``allOf`` (merged), ``if``/``then``/``else``, ``$ref`` into the same document and boolean
schemas. ``examples[0]``, then ``default``, are used when they are valid.

Every candidate is checked with ``jsonschema`` (formats included); a failed check retries
with the same random stream, so results stay deterministic. Values read plausibly where a
property name suggests one (a ``city`` gets a city, an ``email`` an address, an ``age`` an
adult's age) but determinism comes first: the same schema and seed always give the same
value.

Limits: ``pattern`` is sampled from Python's own parse of the regex, which covers literals,
classes, groups, alternation, repeats and back-references; lookarounds and ``\\b`` are not
generated, only checked afterwards. ``not``, ``maxContains``, ``propertyNames``,
``dependentSchemas`` and ``unevaluated*`` are only checked, never aimed at. References
outside the document (remote ``$ref``) are not followed. When no valid value turns up,
:class:`UnsatisfiableSchema` carries the best attempt.

Budgets: a schema comes from an untrusted request, so generation is bounded. Sizes the schema
demands are capped (:data:`MAX_STRING_CHARS`, :data:`MAX_ITEMS`, :data:`MAX_PROPERTIES`, and
repeat counts in a ``pattern``), a whole run stops after :data:`SCHEMA_SECONDS`, and every
regex (``pattern``, ``patternProperties``) runs on :mod:`~moto_bedrock.generation.patterns`
with a time limit. Past any of them, :class:`SchemaBudgetExceeded` names the keyword.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import itertools
import json
import math
import random
import re
import string
import time
import uuid
from collections.abc import Iterable
from fractions import Fraction
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import SchemaError, ValidationError
from referencing import Registry
from referencing.exceptions import NoSuchResource

from .patterns import PatternRefused, PatternTimeout, compile_pattern
from .patterns import search as pattern_search

__all__ = [
    "LOCAL_REFERENCES",
    "MAX_ITEMS",
    "MAX_PROPERTIES",
    "MAX_STRING_CHARS",
    "SCHEMA_SECONDS",
    "SchemaBudgetExceeded",
    "UnsatisfiableSchema",
    "instance_for",
    "instance_from_seed",
    "rng_for",
    "schema_problem",
]

# Python's regex parser: ``re._parser`` since 3.11, ``sre_parse`` before (which now warns
# on import). Both are private but have been stable for many releases.
try:
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _parser = importlib.import_module("sre_parse")

_ATTEMPTS = 12  # whole-instance attempts before giving up
_LOCAL_TRIES = 3  # attempts per property or item whose value failed its own schema
_BUDGET = 5000  # generation steps per call: bounds retries inside deep or odd schemas
_SOFT_DEPTH = 5  # from here on: no optional properties, shortest arrays, shallow branches
_HARD_DEPTH = 40

#: The longest string a schema may demand (``minLength``, a ``pattern``'s repeats).
MAX_STRING_CHARS = 100_000
#: The most array items a schema may demand (``minItems``, ``minContains``).
MAX_ITEMS = 1_000
#: The most object properties a schema may demand (``minProperties``, ``required``).
MAX_PROPERTIES = 1_000
#: Wall time for one whole generation run, checks included.
SCHEMA_SECONDS = 2.0


class UnsatisfiableSchema(ValueError):
    """No valid instance was found; ``best`` is the last attempt (possibly None)."""

    def __init__(self, message: str, best: Any = None) -> None:
        super().__init__(message)
        self.best = best


class SchemaBudgetExceeded(ValueError):
    """The schema asks for more than the budgets allow; ``keyword`` is the one to blame."""

    def __init__(self, keyword: str, detail: str) -> None:
        super().__init__(f"the schema keyword '{keyword}' {detail}")
        self.keyword = keyword


def _demand(keyword: str, value: Any, cap: int) -> int:
    """``value`` of a size keyword, refused past ``cap``; 0 when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    if value > cap:
        raise SchemaBudgetExceeded(keyword, f"asks for {value:g}; at most {cap} is generated")
    return int(value) if value >= 0 else 0


def _safe_pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    if validator.is_type(instance, "string") and isinstance(pattern, str):
        found = _searches(pattern, instance, "pattern")
        if not found:
            yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _safe_pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if _searches(pattern, name, "patternProperties"):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


def _no_retrieval(uri: str) -> Any:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs-made init


#: The reference registry every validator here uses. A ``$ref`` outside the document must
#: not be fetched: without a registry, jsonschema falls back to ``urlopen`` on the URI, so a
#: tool schema in a request could make the server open connections (and wait on them).
LOCAL_REFERENCES: Registry[Any] = Registry(retrieve=_no_retrieval)  # type: ignore[call-arg]


def _checking_class(root: Any) -> Any:
    """The validator class for ``root``, with regex keywords on time-limited matching."""
    cls = validators.validator_for(root, default=Draft202012Validator)
    return validators.extend(
        cls, {"pattern": _safe_pattern, "patternProperties": _safe_pattern_properties}
    )


class _Fail(Exception):
    """This branch of the schema cannot be generated (``false``, an empty type list...)."""


def rng_for(*parts: Any) -> random.Random:
    """A random stream seeded by the sha256 of ``parts`` (never ``hash()``, which varies)."""
    canonical = json.dumps(parts, sort_keys=True, default=repr, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def schema_problem(schema: Any) -> str | None:
    """Why ``schema`` is not a valid JSON Schema (its own ``$schema`` draft, else 2020-12)."""
    cls = validators.validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as error:
        return f"{error.message} at {error.json_path}"
    return None


def instance_for(
    schema: Any, rng: random.Random, *, name: str | None = None, context: str | None = None
) -> Any:
    """A value that validates against ``schema``, drawn from ``rng``.

    ``name`` (a property or tool name) steers plausibility at the top level. ``context``
    is free text, such as the user's message, that plain strings may quote: place-like
    properties (``city``, ``location``...) take its capitalised names in turn, query-like
    ones (``query``, ``question``...) the whole text. Raises :class:`UnsatisfiableSchema`
    (with the best attempt) if no valid value turns up, :class:`SchemaBudgetExceeded` if the
    schema asks for more than the budgets allow.
    """
    generator = _Generator(schema, rng, context)
    best: Any = None
    for _ in range(_ATTEMPTS):
        generator.check_clock()
        generator.places_used = 0
        try:
            value = generator.generate(schema, 0, name)
        except _Fail:
            continue
        if generator.valid(schema, value):
            return value
        best = value
    raise UnsatisfiableSchema("no instance satisfying the schema was found", best)


def instance_from_seed(
    schema: Any, seed: str | bytes | int, *, name: str | None = None, context: str | None = None
) -> Any:
    """:func:`instance_for` with a random stream derived from ``seed`` by sha256."""
    if isinstance(seed, bytes):
        seed = seed.hex()
    return instance_for(schema, rng_for(seed), name=name, context=context)


# -- schema algebra -------------------------------------------------------------------------

_MAXIMA = ("maximum", "maxLength", "maxItems", "maxProperties", "maxContains")
_MINIMA = ("minimum", "minLength", "minItems", "minProperties", "minContains")
_SUBSCHEMA_KEYS = (
    "items",
    "additionalItems",
    "additionalProperties",
    "contains",
    "propertyNames",
    "not",
    "unevaluatedItems",
    "unevaluatedProperties",
)


def _both(first: Any, second: Any) -> Any:
    """A schema requiring both subschemas."""
    if first is False or second is False:
        return False
    if first is True or first == {}:
        return second
    if second is True or second == {}:
        return first
    return {"allOf": [first, second]}


def _intersect_types(first: Any, second: Any) -> list[str]:
    left = [first] if isinstance(first, str) else list(first)
    right = [second] if isinstance(second, str) else list(second)
    common = [t for t in left if t in right]
    # "integer" is a kind of "number".
    if "integer" in left and "number" in right and "integer" not in common:
        common.append("integer")
    if "number" in left and "integer" in right and "integer" not in common:
        common.append("integer")
    return common


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Both schemas as one, for generating (the originals are still used for checking).

    Keywords that combine simply are combined; for the rest the first schema wins and the
    later check against the original schemas catches any conflict.
    """
    out = dict(first)
    for key, value in second.items():
        if key not in out or out[key] == value:
            out[key] = value
            continue
        current = out[key]
        if key == "type":
            out[key] = _intersect_types(current, value)
        elif key in ("properties", "patternProperties", "dependentRequired") and (
            isinstance(current, dict) and isinstance(value, dict)
        ):
            merged = dict(current)
            for name, sub in value.items():
                if name not in merged:
                    merged[name] = sub
                elif key == "dependentRequired":
                    merged[name] = list(dict.fromkeys([*merged[name], *sub]))
                else:
                    merged[name] = _both(merged[name], sub)
            out[key] = merged
        elif key == "required" and isinstance(current, list) and isinstance(value, list):
            out[key] = list(dict.fromkeys([*current, *value]))
        elif key in _MINIMA and _is_number(current) and _is_number(value):
            out[key] = max(current, value)
        elif key in _MAXIMA and _is_number(current) and _is_number(value):
            out[key] = min(current, value)
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(current, bool) or isinstance(value, bool):
                out[key] = bool(current) or bool(value)  # draft 4: a flag on the bound
            elif key == "exclusiveMinimum":
                out[key] = max(current, value)
            else:
                out[key] = min(current, value)
        elif key == "enum" and isinstance(current, list) and isinstance(value, list):
            out[key] = [v for v in current if any(_same(v, w) for w in value)]
        elif key == "multipleOf" and _is_number(current) and _is_number(value):
            a, b = Fraction(str(current)), Fraction(str(value))
            lcm = Fraction(
                math.lcm(a.numerator, b.numerator), math.gcd(a.denominator, b.denominator)
            )
            out[key] = int(lcm) if lcm.denominator == 1 else float(lcm)
        elif key == "uniqueItems":
            out[key] = bool(current) or bool(value)
        elif key in _SUBSCHEMA_KEYS and not isinstance(current, list):
            out[key] = _both(current, value)
        elif key in ("anyOf", "oneOf") and isinstance(current, list):
            # (A1 | A2) & (B1 | B2) == (A1 & B1) | (A1 & B2) | ...: a fine guide for
            # generating, and the original schema still decides validity.
            out[key] = [_both(a, b) for a in current for b in value][:64]
        elif key == "allOf" and isinstance(current, list):
            out[key] = [*current, *value]
        elif key == "$ref":
            out["allOf"] = [*out.get("allOf", []), {"$ref": value}]
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(first: Any, second: Any) -> bool:
    """JSON equality: 1 == 1.0, but True != 1."""
    return _unique_key(first) == _unique_key(second)


def _unique_key(value: Any) -> str:
    def normal(item: Any) -> Any:
        if isinstance(item, float) and item.is_integer():
            return int(item)
        if isinstance(item, list):
            return [normal(i) for i in item]
        if isinstance(item, dict):
            return {k: normal(v) for k, v in item.items()}
        return item

    return json.dumps(normal(value), sort_keys=True)


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for raw in pointer.split("/")[1:]:
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _walk(schema: Any) -> Iterable[dict[str, Any]]:
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from _walk(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _walk(value)


# -- plausible values -----------------------------------------------------------------------

_CITIES = ("Lisbon", "Seattle", "Osaka", "Nairobi", "Toronto", "Berlin", "Melbourne", "Lima")
_COUNTRIES = ("Portugal", "Japan", "Kenya", "Canada", "Germany", "Australia", "Peru", "Chile")
_FIRST = ("Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Radia")
_LAST = ("Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Lee", "Perlman")
_FULL_NAMES = tuple(f"{f} {s}" for f, s in zip(_FIRST, _LAST, strict=True))
_WORDS = (
    "amber",
    "harbor",
    "meadow",
    "signal",
    "cedar",
    "orbit",
    "lantern",
    "summit",
    "river",
    "pixel",
)
_SENTENCES = (
    "A short summary of the requested item.",
    "Everything is on schedule for next week.",
    "The results look consistent with the previous run.",
    "Customer asked for a follow-up call.",
    "Delivered to the front desk this morning.",
)
_TEXT_HINTS: dict[str, tuple[str, ...]] = {
    "city": _CITIES,
    "town": _CITIES,
    "location": tuple(f"{c}, {k}" for c, k in zip(_CITIES, _COUNTRIES, strict=True)),
    "place": _CITIES,
    "destination": _CITIES,
    "origin": _CITIES,
    "country": _COUNTRIES,
    "state": ("California", "Ontario", "Bavaria", "Victoria", "Texas"),
    "province": ("Ontario", "Quebec", "Alberta"),
    "region": ("us-east-1", "eu-west-1", "ap-northeast-1"),
    "name": _FULL_NAMES,
    "fullname": _FULL_NAMES,
    "firstname": _FIRST,
    "givenname": _FIRST,
    "lastname": _LAST,
    "surname": _LAST,
    "familyname": _LAST,
    "username": ("ada_l", "ghopper", "aturing", "kjohnson", "radia.p"),
    "user": ("ada_l", "ghopper", "aturing", "kjohnson", "radia.p"),
    "author": _FULL_NAMES,
    "email": tuple(
        f"{f.lower()}.{s.lower()}@example.com" for f, s in zip(_FIRST, _LAST, strict=True)
    ),
    "phone": ("+1-206-555-0142", "+44 20 7946 0958", "+351 21 555 0199"),
    "phonenumber": ("+1-206-555-0142", "+44 20 7946 0958", "+351 21 555 0199"),
    "mobile": ("+1-206-555-0142", "+351 91 555 0199"),
    "url": ("https://example.com/docs", "https://example.org/status", "https://example.net/a"),
    "website": ("https://example.com", "https://example.org"),
    "link": ("https://example.com/docs", "https://example.org/status"),
    "address": ("221B Baker Street", "1600 Pennsylvania Avenue", "10 Downing Street"),
    "street": ("Baker Street", "Rua Augusta", "Main Street"),
    "zip": ("94107", "10115", "1100-148"),
    "zipcode": ("94107", "10115"),
    "postalcode": ("94107", "10115", "1100-148"),
    "currency": ("USD", "EUR", "JPY", "GBP"),
    "language": ("en", "pt", "ja", "de"),
    "lang": ("en", "pt", "ja", "de"),
    "locale": ("en-US", "pt-PT", "ja-JP"),
    "timezone": ("Europe/Lisbon", "America/Los_Angeles", "Asia/Tokyo"),
    "color": ("teal", "crimson", "amber", "indigo"),
    "colour": ("teal", "crimson", "amber", "indigo"),
    "unit": ("celsius", "fahrenheit"),
    "units": ("celsius", "fahrenheit"),
    "title": ("Quarterly report", "Release notes", "Meeting agenda", "Trip itinerary"),
    "subject": ("Quarterly report", "Follow-up", "Meeting agenda"),
    "description": _SENTENCES,
    "summary": _SENTENCES,
    "text": _SENTENCES,
    "content": _SENTENCES,
    "body": _SENTENCES,
    "message": _SENTENCES,
    "comment": _SENTENCES,
    "note": _SENTENCES,
    "notes": _SENTENCES,
    "reason": _SENTENCES,
    "answer": _SENTENCES,
    "query": ("weather in Lisbon", "best hiking trails", "quarterly revenue", "open issues"),
    "question": ("What is the status?", "When does it ship?", "Who owns this?"),
    "search": ("weather in Lisbon", "best hiking trails", "open issues"),
    "keyword": ("weather", "travel", "billing"),
    "status": ("active", "pending", "completed"),
    "category": ("electronics", "books", "travel", "groceries"),
    "type": ("standard", "premium", "basic"),
    "kind": ("standard", "premium", "basic"),
    "tag": ("urgent", "billing", "travel", "backend"),
    "label": ("urgent", "billing", "travel", "backend"),
    "company": ("Acme Corp", "Globex", "Initech", "Umbrella Ltd"),
    "organization": ("Acme Corp", "Globex", "Initech"),
    "product": ("Wireless headphones", "Standing desk", "Espresso machine"),
    "item": ("Wireless headphones", "Standing desk", "Espresso machine"),
    "path": ("reports/summary.txt", "src/main.py", "docs/index.md"),
    "file": ("summary.txt", "main.py", "index.md"),
    "filename": ("summary.txt", "main.py", "index.md"),
    "symbol": ("AMZN", "MSFT", "NVDA"),
    "ticker": ("AMZN", "MSFT", "NVDA"),
    "version": ("1.4.2", "2.0.0", "0.9.1"),
    "host": ("api.example.com", "db.internal.example.com"),
    "hostname": ("api.example.com", "db.internal.example.com"),
    "domain": ("example.com", "example.org"),
    "sort": ("asc", "desc"),
    "order": ("asc", "desc"),
    "method": ("GET", "POST"),
    "airport": ("LIS", "SEA", "KIX", "NBO"),
}
_GENERIC_HINTS = frozenset({"name", "type", "kind", "text", "user", "item", "content", "body"})
# (low, high, decimals): decimals 0 means a whole number reads best.
_NUMBER_HINTS: dict[str, tuple[int, int, int]] = {
    "age": (18, 90, 0),
    "year": (1990, 2030, 0),
    "month": (1, 12, 0),
    "day": (1, 28, 0),
    "hour": (0, 23, 0),
    "minute": (0, 59, 0),
    "second": (0, 59, 0),
    "count": (1, 20, 0),
    "quantity": (1, 20, 0),
    "qty": (1, 20, 0),
    "number": (1, 100, 0),
    "num": (1, 100, 0),
    "limit": (1, 20, 0),
    "page": (1, 5, 0),
    "size": (1, 50, 0),
    "days": (1, 14, 0),
    "nights": (1, 14, 0),
    "weeks": (1, 8, 0),
    "hours": (1, 12, 0),
    "minutes": (5, 60, 0),
    "price": (5, 500, 2),
    "cost": (5, 500, 2),
    "amount": (5, 500, 2),
    "total": (5, 500, 2),
    "balance": (5, 5000, 2),
    "salary": (40000, 150000, 0),
    "rating": (1, 5, 0),
    "stars": (1, 5, 0),
    "score": (0, 100, 0),
    "percent": (0, 100, 0),
    "percentage": (0, 100, 0),
    "latitude": (-60, 70, 4),
    "lat": (-60, 70, 4),
    "longitude": (-180, 180, 4),
    "lon": (-180, 180, 4),
    "lng": (-180, 180, 4),
    "temperature": (-5, 35, 1),
    "temp": (-5, 35, 1),
    "width": (100, 1920, 0),
    "height": (100, 1080, 0),
    "weight": (1, 100, 1),
    "distance": (1, 500, 1),
    "id": (1, 99999, 0),
}
_BOOLEAN_PREFIXES = ("is", "has", "can", "should", "enable", "enabled", "include", "allow")


_PLACE_HINTS = frozenset({"city", "town", "location", "place", "destination", "origin"})
_QUERY_HINTS = frozenset({"query", "search", "question", "prompt", "q", "keywords"})
_PLACE_BEFORE = r"\b(?:in|at|to|from|near|around|between|and|visit|visiting|of)\s+"


def _proper_names(text: str) -> list[str]:
    """Capitalised names after a place-like preposition ("in Lisbon", "to New York")."""
    found = re.findall(_PLACE_BEFORE + r"([A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)", text)
    return list(dict.fromkeys(found))


def _words(name: str | None) -> list[str]:
    if not name:
        return []
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def _hint(name: str | None, table: dict[str, Any]) -> Any:
    """The table entry a property name suggests: compounds, then specific words, then any."""
    words = _words(name)
    for first, second in itertools.pairwise(words):
        if first + second in table:
            return table[first + second]
    if "".join(words) in table:
        return table["".join(words)]
    generic = None
    for word in words:
        if word in table:
            if word not in _GENERIC_HINTS:
                return table[word]
            generic = table[word]
    return generic


def _singular(name: str | None) -> str | None:
    if not name:
        return name
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def _format_value(fmt: str, rng: random.Random, hint: str | None) -> str | None:
    year, month, day = rng.randint(2023, 2026), rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(0, 23), rng.choice((0, 15, 30, 45))
    date = f"{year:04d}-{month:02d}-{day:02d}"
    clock = f"{hour:02d}:{minute:02d}:00Z"
    word = rng.choice(_WORDS)
    values = {
        "date-time": f"{date}T{clock}",
        "date": date,
        "time": clock,
        "duration": rng.choice(("P3D", "PT45M", "P1W", "PT2H30M")),
        "hostname": f"{word}.example.com",
        "idn-hostname": f"{word}.example.com",
        "ipv4": f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randint(1, 254)}",
        "ipv6": f"2001:db8::{rng.randint(1, 0xFFFF):x}",
        "uri": f"https://example.com/{word}",
        "url": f"https://example.com/{word}",
        "iri": f"https://example.com/{word}",
        "uri-reference": f"https://example.com/{word}",
        "iri-reference": f"https://example.com/{word}",
        "uri-template": f"https://example.com/{word}/{{id}}",
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "json-pointer": f"/{word}/0",
        "relative-json-pointer": f"0/{word}",
        "regex": "^[a-z]+$",
        "byte": "aGVsbG8=",
    }
    if fmt in ("email", "idn-email"):
        first, last = rng.choice(_FIRST).lower(), rng.choice(_LAST).lower()
        return f"{first}.{last}@example.com".replace("-", "")
    return values.get(fmt)


def _plain_text(hint: str | None, rng: random.Random) -> str:
    choices = _hint(hint, _TEXT_HINTS)
    if choices:
        return str(rng.choice(choices))
    words = _words(hint)
    if words and words[-1] in ("date", "day", "birthday"):
        return str(_format_value("date", rng, hint))
    if words and words[-1] in ("time", "timestamp", "datetime", "at"):
        return str(_format_value("date-time", rng, hint))
    if words and words[-1] in ("id", "identifier", "uuid", "guid"):
        return str(_format_value("uuid", rng, hint))
    return f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}"


def _fit_length(text: str, low: int, high: int | None, rng: random.Random) -> str:
    while len(text) < low:
        text = f"{text} {rng.choice(_WORDS)}" if text else rng.choice(_WORDS)
    if high is not None and len(text) > high:
        text = text[:high]
        if len(text.rstrip()) >= low:
            text = text.rstrip()
    return text


# -- regex sampling -------------------------------------------------------------------------

_PRINTABLE = string.ascii_letters + string.digits + " -_.,:;!?@#/"
_CATEGORIES = {
    "CATEGORY_DIGIT": string.digits,
    "CATEGORY_NOT_DIGIT": string.ascii_letters,
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": string.ascii_letters + string.digits,
    "CATEGORY_WORD": string.ascii_letters + string.digits + "_",
    "CATEGORY_NOT_WORD": " -.,",
}


class _RegexSampler:
    """A string matching a regex, from Python's parse tree of it."""

    def __init__(self, rng: random.Random, extra: int) -> None:
        self.rng = rng
        self.extra = extra  # how far past the minimum an open repeat may go
        self.groups: dict[int, str] = {}
        self.size = 0  # characters emitted so far

    def sample(self, pattern: str) -> str:
        return self.emit(_parser.parse(pattern))

    def emit(self, items: Any) -> str:
        text = "".join(self.item(op.name, av) for op, av in items)
        self.size += len(text)
        if self.size > MAX_STRING_CHARS:
            raise SchemaBudgetExceeded(
                "pattern", f"demands a string longer than {MAX_STRING_CHARS} characters"
            )
        return text

    def item(self, op: str, av: Any) -> str:
        if op == "LITERAL":
            return chr(av)
        if op == "NOT_LITERAL":
            return self.rng.choice([c for c in string.ascii_letters if ord(c) != av])
        if op == "ANY":
            return self.rng.choice(string.ascii_letters)
        if op == "IN":
            return self.char_in(av)
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            _demand("pattern", low, MAX_STRING_CHARS)
            top = low + self.extra if high == _parser.MAXREPEAT else min(high, low + self.extra)
            return "".join(self.emit(sub) for _ in range(self.rng.randint(low, top)))
        if op == "SUBPATTERN":
            group, sub = av[0], av[-1]
            text = self.emit(sub)
            if group is not None:
                self.groups[group] = text
            return text
        if op == "ATOMIC_GROUP":
            return self.emit(av)
        if op == "BRANCH":
            return self.emit(self.rng.choice(av[1]))
        if op == "GROUPREF":
            return self.groups.get(av, "")
        if op == "GROUPREF_EXISTS":
            group, yes, no = av
            chosen = yes if group in self.groups else no
            return self.emit(chosen) if chosen is not None else ""
        # AT (anchors, \b), ASSERT and ASSERT_NOT: nothing to emit; checked afterwards.
        return ""

    def char_in(self, members: list[tuple[Any, Any]]) -> str:
        negate = any(op.name == "NEGATE" for op, _ in members)
        pool: list[str] = []
        for op, av in members:
            if op.name == "LITERAL":
                pool.append(chr(av))
            elif op.name == "RANGE":
                low, high = av
                printable = [c for c in _PRINTABLE if low <= ord(c) <= high]
                if negate:
                    pool.extend(chr(c) for c in range(low, min(high, low + 256) + 1))
                else:
                    pool.extend(printable or [chr(self.rng.randint(low, high))])
            elif op.name == "CATEGORY":
                pool.extend(_CATEGORIES.get(av.name, ""))
        if negate:
            excluded = set(pool)
            pool = [c for c in _PRINTABLE if c not in excluded]
        return self.rng.choice(pool) if pool else ""


# -- the generator --------------------------------------------------------------------------


class _Generator:
    """One generation run: the root document, its validator and the random stream."""

    def __init__(self, root: Any, rng: random.Random, context: str | None = None) -> None:
        self.root = root
        self.rng = rng
        self.query = " ".join((context or "").split())[:200]
        self.places = _proper_names(context or "")
        self.places_used = 0
        self.vary = False  # set while retrying for a unique array item
        cls = _checking_class(root)
        self.validator = cls(root, format_checker=cls.FORMAT_CHECKER, registry=LOCAL_REFERENCES)
        self.deadline = time.monotonic() + SCHEMA_SECONDS
        self.keyword = "type"  # the keyword being worked on, named if time runs out
        # Drafts before 2019-09 ignore keywords next to $ref and know no prefixItems.
        self.modern = "unevaluatedProperties" in cls.VALIDATORS
        self.prefix_items = "prefixItems" in cls.VALIDATORS
        self.budget = _BUDGET
        # id(schema) -> (schema, validator); the schema is kept so its id stays unique.
        self._validators: dict[int, tuple[Any, Any]] = {}

    # -- checking

    def valid(self, schema: Any, value: Any) -> bool:
        """Whether ``value`` validates against ``schema``, a part of the root document."""
        entry = self._validators.get(id(schema))
        if entry is None or entry[0] is not schema:
            entry = (schema, self.validator.evolve(schema=schema))
            self._validators[id(schema)] = entry
        try:
            return bool(entry[1].is_valid(value))
        except SchemaBudgetExceeded:
            raise
        except Exception:  # an unresolvable $ref or a regex Python cannot compile
            return False

    def spend(self) -> bool:
        """Count one generation step; False once the budget is gone (stop retrying)."""
        self.budget -= 1
        self.check_clock()
        return self.budget > 0

    def check_clock(self) -> None:
        """Raise SchemaBudgetExceeded once the run is past its time budget."""
        if time.monotonic() > self.deadline:
            raise SchemaBudgetExceeded(
                self.keyword, f"could not be satisfied within {SCHEMA_SECONDS:g} s"
            )

    # -- references and allOf

    def resolve(self, ref: str) -> Any:
        if ref == "#" or ref == "":
            return self.root
        if ref.startswith("#/"):
            try:
                return _pointer(self.root, ref[1:])
            except (KeyError, IndexError, ValueError, TypeError):
                raise _Fail(f"unresolvable $ref {ref}") from None
        anchor = ref[1:] if ref.startswith("#") else None
        for node in _walk(self.root):
            if anchor is not None and anchor in (node.get("$anchor"), node.get("$dynamicAnchor")):
                return node
            if node.get("$id") in (ref, f"#{anchor}") and node is not self.root:
                return node
        # A remote reference: not followed (no network); anything goes.
        return True

    def flatten(self, schema: dict[str, Any]) -> dict[str, Any] | bool:
        """``schema`` with ``$ref`` and ``allOf`` folded in."""
        for _ in range(50):
            if "$ref" not in schema and "allOf" not in schema:
                return schema
            rest = dict(schema) if self.modern or "$ref" not in schema else {"$ref": schema["$ref"]}
            parts: list[Any] = []
            for key in ("$ref", "$dynamicRef"):
                if key in rest:
                    parts.append(self.resolve(str(rest.pop(key))))
            parts.extend(rest.pop("allOf", None) or [])
            merged = rest
            for part in parts:
                if part is False:
                    return False
                if isinstance(part, dict):
                    merged = _merge(merged, part)
            schema = merged
        raise _Fail("$ref cycle")

    # -- generation

    def generate(self, schema: Any, depth: int, hint: str | None) -> Any:
        """A value aimed at ``schema`` (not yet checked)."""
        self.spend()
        if depth > _HARD_DEPTH:
            raise _Fail("too deep")
        if schema is False:
            raise _Fail("false schema")
        if not isinstance(schema, dict):
            return self.any_value(hint)
        flat = self.flatten(schema)
        if flat is False:
            raise _Fail("false schema")
        assert isinstance(flat, dict)
        if "const" in flat:
            return copy.deepcopy(flat["const"])
        preferred = []
        if isinstance(flat.get("examples"), list) and flat["examples"]:
            preferred.append(flat["examples"][0])
        if "default" in flat:
            preferred.append(flat["default"])
        for candidate in preferred:
            if self.valid(schema, candidate):
                return copy.deepcopy(candidate)
        if isinstance(flat.get("enum"), list):
            options = [v for v in flat["enum"] if self.valid(schema, v)] or flat["enum"]
            if not options:
                raise _Fail("empty enum")
            return copy.deepcopy(self.rng.choice(options))
        for key in ("oneOf", "anyOf"):
            if isinstance(flat.get(key), list):
                return self.branch(flat, key, depth, hint)
        if "if" in flat:
            return self.conditional(flat, depth, hint)
        return self.typed(flat, self.pick_type(flat, hint), depth, hint)

    def checked(self, schema: Any, depth: int, hint: str | None) -> Any:
        """A value for ``schema``, retried a few times until it validates."""
        value: Any = None
        failure: _Fail | None = None
        for _ in range(_LOCAL_TRIES):
            try:
                value = self.generate(schema, depth, hint)
            except _Fail as error:
                failure = error
                if not self.spend():
                    break
                continue
            if self.valid(schema, value) or not self.spend():
                return value
            failure = None
        if failure is not None:
            raise failure
        return value

    def branch(self, schema: dict[str, Any], key: str, depth: int, hint: str | None) -> Any:
        branches = list(schema[key])
        base = {k: v for k, v in schema.items() if k != key}
        order = list(range(len(branches)))
        self.rng.shuffle(order)
        if depth >= _SOFT_DEPTH:
            # Deep down, prefer branches that do not recurse, so generation ends.
            order.sort(key=lambda i: "$ref" in json.dumps(branches[i], default=repr))
        last: Any = None
        found = False
        for index in order:
            chosen = branches[index]
            if chosen is False:
                continue
            target = _merge(base, chosen) if isinstance(chosen, dict) else base
            try:
                value = self.generate(target, depth, hint)
            except _Fail:
                continue
            if self.valid(schema, value):
                return value
            last, found = value, True
            if not self.spend():
                break
        if not found:
            raise _Fail(f"no {key} branch could be generated")
        return last

    def conditional(self, schema: dict[str, Any], depth: int, hint: str | None) -> Any:
        condition = schema["if"]
        rest = {k: v for k, v in schema.items() if k not in ("if", "then", "else")}
        then = _both(condition, schema.get("then", True))
        attempts = [_both(rest, then), _both(rest, schema.get("else", True))]
        if self.rng.random() < 0.5:
            attempts.reverse()
        last: Any = None
        for attempt in attempts:
            try:
                value = self.generate(attempt, depth, hint)
            except _Fail:
                continue
            if self.valid(schema, value):
                return value
            last = value
        return last

    def pick_type(self, schema: dict[str, Any], hint: str | None) -> str:
        declared = schema.get("type")
        if declared is not None:
            types = [declared] if isinstance(declared, str) else list(declared)
            if not types:
                raise _Fail("empty type list")
            # null only when nothing else is allowed: a value reads better.
            useful = [t for t in types if t != "null"] or types
            return str(self.rng.choice(useful))
        keys = set(schema)
        if keys & {"properties", "required", "additionalProperties", "patternProperties"}:
            return "object"
        if keys & {"minProperties", "maxProperties", "dependentRequired"}:
            return "object"
        if keys & {"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"}:
            return "array"
        if keys & {"minLength", "maxLength", "pattern", "format"}:
            return "string"
        if keys & {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}:
            return "number"
        return self.hinted_type(hint)

    @staticmethod
    def hinted_type(hint: str | None) -> str:
        words = _words(hint)
        if words and words[0] in _BOOLEAN_PREFIXES:
            return "boolean"
        found = _hint(hint, _NUMBER_HINTS)
        if found and _hint(hint, _TEXT_HINTS) is None:
            return "integer" if found[2] == 0 else "number"
        return "string"

    def any_value(self, hint: str | None) -> Any:
        return self.typed({}, self.hinted_type(hint), 0, hint)

    def typed(self, schema: dict[str, Any], kind: str, depth: int, hint: str | None) -> Any:
        if kind == "null":
            return None
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind in ("integer", "number"):
            return self.number(schema, kind == "integer", hint)
        if kind == "string":
            return self.string(schema, hint)
        if kind == "array":
            return self.array(schema, depth, hint)
        if kind == "object":
            return self.object(schema, depth, hint)
        raise _Fail(f"unknown type {kind!r}")

    # -- numbers

    def number(self, schema: dict[str, Any], integer: bool, hint: str | None) -> int | float:
        low, low_open = _bound(schema, "minimum", "exclusiveMinimum", max)
        high, high_open = _bound(schema, "maximum", "exclusiveMaximum", min)
        multiple = schema.get("multipleOf")
        plain_low, plain_high, decimals = _hint(hint, _NUMBER_HINTS) or (
            0,
            100,
            0 if integer else 2,
        )
        if multiple is not None and _is_number(multiple) and multiple > 0:
            step = Fraction(str(multiple))
            if integer:
                step = Fraction(step.numerator)  # the smallest whole multiple of p/q is p
            steps = [step]
        elif integer:
            steps = [Fraction(1)]
        else:
            steps = [Fraction(1, 10**d) for d in dict.fromkeys((decimals, 2, 4, 8, 12))]
        # The plausible window, moved next to the bounds if they exclude it.
        window_low = plain_low if low is None else max(low, Fraction(plain_low))
        window_high = plain_high if high is None else min(high, Fraction(plain_high))
        span = plain_high - plain_low
        if window_low > window_high:
            if low is not None and (high is None or low > plain_high):
                window_low, window_high = (
                    low,
                    (low + span if high is None else min(high, low + span)),
                )
            else:
                assert high is not None
                window_low, window_high = (
                    (high - span if low is None else max(low, high - span)),
                    high,
                )
        for step in steps:
            # Then the true bounds, an open side reaching a few steps past the window.
            reach = span + 10 * step
            true_low = low if low is not None else Fraction(window_high) - reach
            true_high = high if high is not None else Fraction(true_low) + reach
            for lo_edge, hi_edge in ((window_low, window_high), (true_low, true_high)):
                first = math.ceil(Fraction(lo_edge) / step)
                last = math.floor(Fraction(hi_edge) / step)
                if low_open and first * step == low:
                    first += 1
                if high_open and last * step == high:
                    last -= 1
                if first > last:
                    continue
                for _ in range(20):
                    value = self.rng.randint(first, last) * step
                    result: int | float = int(value) if value.denominator == 1 else float(value)
                    if integer and not isinstance(result, int):
                        continue
                    if _fits(result, low, low_open, high, high_open, multiple):
                        return result
        raise _Fail("no number fits the bounds")

    # -- strings

    def string(self, schema: dict[str, Any], hint: str | None) -> str:
        self.keyword = "minLength"
        low = _demand("minLength", schema.get("minLength", 0), MAX_STRING_CHARS)
        high = schema.get("maxLength")
        high = high if isinstance(high, int) else None
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            self.keyword = "pattern"
            found = self.from_pattern(pattern, low, high)
            if found is not None:
                return found
        fmt = schema.get("format")
        text = _format_value(fmt, self.rng, hint) if isinstance(fmt, str) else None
        if text is None:
            quoted = self.quote(hint)
            if quoted is not None and _length_ok(quoted, low, high):
                return quoted
            text = _plain_text(hint, self.rng)
        return _fit_length(text, low, high, self.rng)

    def quote(self, hint: str | None) -> str | None:
        """Text from the context that a property named ``hint`` would plausibly hold."""
        words = set(_words(hint))
        if words & _PLACE_HINTS and self.places_used < len(self.places):
            self.places_used += 1
            return self.places[self.places_used - 1]
        if words & _QUERY_HINTS and self.query:
            return self.query
        return None

    def from_pattern(self, pattern: str, low: int, high: int | None) -> str | None:
        try:
            compile_pattern(pattern)
            re.compile(pattern)  # the sampler reads re's parse of it
        except PatternRefused as error:
            raise SchemaBudgetExceeded("pattern", f"is refused: {error}") from None
        except (re.error, OverflowError, RecursionError, ValueError):
            return None
        for extra in (3, 0, 1, 6, 12, 3, 24, 3):
            try:
                text = _RegexSampler(self.rng, extra).sample(pattern)
            except (re.error, OverflowError, RecursionError, IndexError, ValueError):
                return None
            for candidate in self.stretched(text, low, high):
                self.spend()
                if _length_ok(candidate, low, high) and _searches(pattern, candidate, "pattern"):
                    return candidate
        return None

    def stretched(self, text: str, low: int, high: int | None) -> list[str]:
        """``text`` as is, and padded to ``low`` (patterns are unanchored unless they say)."""
        if len(text) >= low:
            return [text] if high is None or len(text) <= high else []
        pad = "".join(self.rng.choice(string.ascii_lowercase) for _ in range(low - len(text)))
        return [text + pad, pad + text]

    # -- arrays

    def array(self, schema: dict[str, Any], depth: int, hint: str | None) -> list[Any]:
        items = schema.get("items", True)
        prefix = schema.get("prefixItems") if self.prefix_items else None
        if isinstance(items, list):  # draft 7 tuple form
            prefix, rest = items, schema.get("additionalItems", True)
        else:
            rest = items
        prefix = prefix if isinstance(prefix, list) else []
        contains = schema.get("contains")
        self.keyword = "minItems"
        min_contains = (
            _demand("minContains", schema.get("minContains", 1), MAX_ITEMS)
            if contains is not None
            else 0
        )
        low = max(_demand("minItems", schema.get("minItems", 0), MAX_ITEMS), min_contains)
        high = schema.get("maxItems")
        if rest is False:
            high = len(prefix) if high is None else min(int(high), len(prefix))
        minimal = depth >= _SOFT_DEPTH
        length = low if minimal else self.rng.randint(max(low, 1), max(low, 1) + 2)
        if high is not None:
            length = min(length, int(high))
        unique = bool(schema.get("uniqueItems"))
        item_hint = _singular(hint)
        seen: set[str] = set()
        values: list[Any] = []
        for index in range(length):
            sub = prefix[index] if index < len(prefix) else rest
            if contains is not None and index < min_contains:
                sub = _both(sub, contains)
            value: Any = None
            for attempt in range(8 if unique else 1):
                saved, self.vary = self.vary, self.vary or attempt > 0
                try:
                    value = self.checked(sub, depth + 1, item_hint)
                finally:
                    self.vary = saved
                if not unique or _unique_key(value) not in seen:
                    break
                self.spend()
            else:
                if index >= low:
                    break  # a shorter array still satisfies minItems
            seen.add(_unique_key(value))
            values.append(value)
        return values

    # -- objects

    def object(self, schema: dict[str, Any], depth: int, hint: str | None) -> dict[str, Any]:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        patterns = schema.get("patternProperties")
        patterns = patterns if isinstance(patterns, dict) else {}
        additional = schema.get("additionalProperties", True)
        self.keyword = "minProperties"
        required = [k for k in schema.get("required", []) if isinstance(k, str)]
        _demand("required", len(required), MAX_PROPERTIES)
        low = _demand("minProperties", schema.get("minProperties", 0), MAX_PROPERTIES)
        high = schema.get("maxProperties")
        minimal = depth >= _SOFT_DEPTH

        chosen = list(dict.fromkeys(required))
        for name in properties:
            if name in chosen or (high is not None and len(chosen) >= int(high)):
                continue
            if not minimal and self.rng.random() < 0.6:
                chosen.append(name)
        chosen = self.with_dependents(schema, chosen)
        spare = [k for k in properties if k not in chosen]
        while len(chosen) < low and spare:
            chosen.append(spare.pop(0))
        chosen = self.with_dependents(schema, chosen)
        extras = max(low - len(chosen), 0)
        # A free-form map gets an entry or two when its values are typed, or when a
        # uniqueItems retry needs this object to differ from its siblings.
        free = not properties and additional is not False and not minimal
        if free and (_is_map(additional) or self.vary):
            extras = max(extras, self.rng.randint(1, 2))

        value: dict[str, Any] = {}
        for name in chosen:
            sub = self.property_schema(name, properties, patterns, additional)
            try:
                value[name] = self.checked(sub, depth + 1, name)
            except _Fail:
                if name in required:
                    raise
        for index in range(extras):
            name = self.extra_name(patterns, additional, index, value)
            if name is None:
                break
            sub = self.property_schema(name, properties, patterns, additional)
            try:
                value[name] = self.checked(sub, depth + 1, name)
            except _Fail:
                continue
        return value

    @staticmethod
    def with_dependents(schema: dict[str, Any], chosen: list[str]) -> list[str]:
        dependents: dict[str, Any] = {}
        for key in ("dependentRequired", "dependencies"):
            table = schema.get(key)
            if isinstance(table, dict):
                for name, needed in table.items():
                    if isinstance(needed, list):
                        dependents.setdefault(name, []).extend(needed)
        result = list(chosen)
        for name in result:  # grows while iterating: the closure
            for needed in dependents.get(name, []):
                if needed not in result:
                    result.append(needed)
        return result

    @staticmethod
    def property_schema(
        name: str, properties: dict[str, Any], patterns: dict[str, Any], additional: Any
    ) -> Any:
        matching = [
            sub
            for pattern, sub in patterns.items()
            if _searches(pattern, name, "patternProperties")
        ]
        if name in properties:
            schema = properties[name]
        elif matching:
            schema = matching.pop(0)
        else:
            schema = additional if not isinstance(additional, bool) else True
        for sub in matching:
            schema = _both(schema, sub)
        return schema

    def extra_name(
        self, patterns: dict[str, Any], additional: Any, index: int, taken: dict[str, Any]
    ) -> str | None:
        if additional is not False:
            for _ in range(8):
                name = f"{self.rng.choice(_WORDS)}_{index + 1}"
                if name not in taken:
                    return name
        for pattern in patterns:
            sampled = self.from_pattern(pattern, 1, None)
            if sampled is not None and sampled not in taken:
                return sampled
        return None


def _is_map(additional: Any) -> bool:
    return isinstance(additional, dict) and additional != {}


def _searches(pattern: str, text: str, keyword: str) -> bool:
    try:
        return pattern_search(pattern, text)
    except PatternTimeout:
        raise SchemaBudgetExceeded(keyword, "takes too long to match") from None
    except PatternRefused as error:
        raise SchemaBudgetExceeded(keyword, f"is refused: {error}") from None
    except Exception:  # a regex that does not compile matches nothing
        return False


def _length_ok(text: str, low: int, high: int | None) -> bool:
    return len(text) >= low and (high is None or len(text) <= high)


def _bound(schema: dict[str, Any], inclusive: str, exclusive: str, pick: Any) -> tuple[Any, bool]:
    """The effective bound and whether it is open, from the modern and draft-4 forms.

    ``pick`` is ``max`` for lower bounds and ``min`` for upper ones: the stricter wins.
    """
    bound = schema.get(inclusive)
    bound = Fraction(str(bound)) if _is_number(bound) else None
    flag = schema.get(exclusive)
    if isinstance(flag, bool):  # draft 4: a flag on the inclusive bound
        return bound, flag and bound is not None
    if not _is_number(flag):
        return bound, False
    open_bound = Fraction(str(flag))
    if bound is None or pick(bound, open_bound) == open_bound:
        return open_bound, True
    return bound, False


def _fits(
    value: float, low: Any, low_open: bool, high: Any, high_open: bool, multiple: Any
) -> bool:
    """The bound and multipleOf checks exactly as jsonschema makes them (floats included)."""
    if low is not None and (value <= low if low_open else value < low):
        return False
    if high is not None and (value >= high if high_open else value > high):
        return False
    if _is_number(multiple) and multiple > 0:
        if isinstance(multiple, float):
            quotient = value / multiple
            try:
                return int(quotient) == quotient
            except OverflowError:
                return (Fraction(value) / Fraction(multiple)).denominator == 1
        return bool(value % multiple == 0)
    return True
