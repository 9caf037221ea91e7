"""The JSON-schema checks every codec runs on a native InvokeModel body.

Bedrock validates native bodies with the everit JSON-schema validator and returns its
failure text wrapped by :func:`~moto_bedrock.generation.codecs.malformed`:
``Malformed input request: #/path: <failure>, please reformat your input and try again.``
(``shared/reference/bedrock-wire.md`` §2.4). The conventions, each written once below:

* ``path`` is a JSON pointer from the root ``#`` (``#/messages/0/role``); an empty path
  (and every path under it) gives the bare failure, as Titan Text words nested errors;
* types are named after the Java class behind the parsed value: ``String``, ``Integer``
  (``Long`` beyond 32 bits), ``BigDecimal`` (a number with a fraction), ``Boolean``,
  ``JSONArray``, ``JSONObject``, ``Null``; ``Number`` (any finite number) is only expected;
* values print as Java prints them: strings bare, ``true``/``false``/``null``, containers
  as compact JSON;
* failures: ``expected type: T, found: U``; ``V is not a valid enum value``;
  ``V is not greater or equal to N`` / ``less or equal to``; ``V is not a multiple of N``;
  ``expected minLength: N, actual: M`` (and ``maxLength``); ``string [V] does not match
  pattern P``; ``expected minimum item count: N, found: M`` (and ``maximum``);
  ``required key [K] not found``; ``extraneous key [K] is not permitted``;
* several failures of one object are **chained**: Bedrock joins every failure text with no
  separator (``#: required key [prompt] not found#: extraneous key [input] is not
  permitted``). Missing keys come first, in the schema's ``required`` order; then keys the
  schema does not know, in the order a ``java.util.HashMap`` of the body's keys iterates
  them (the parser behind the validator keeps members in one), which is why
  ``toolConfig`` is reported before ``inferenceConfig`` (:func:`java_key_order`).

Two ways to validate, with the same texts:

* **imperative** (:func:`check_type`, :func:`check_keys`, :func:`check_enum`,
  :func:`check_range`, :func:`check_length`, :func:`check_pattern`, :func:`array`,
  :func:`strings`, :func:`optional`): each raises its failure at once, so the codec's
  order of checks decides which failure a bad body reports;
* **declarative** (:func:`check_schema` over a JSON-schema subset with lowercase type
  names): every failure is collected; one is reported with its path, several only
  counted (``2 schema violations found``), as Bedrock does.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable
from typing import Any

from . import malformed

__all__ = [
    "array",
    "at",
    "check_enum",
    "check_keys",
    "check_length",
    "check_pattern",
    "check_range",
    "check_schema",
    "check_type",
    "child",
    "count_failure",
    "enum_failure",
    "is_type",
    "java_key_order",
    "json_type",
    "key_failures",
    "length_failure",
    "multiple_failure",
    "optional",
    "pattern_failure",
    "range_failure",
    "render",
    "schema_violations",
    "strings",
    "type_failure",
]


def json_type(value: Any) -> str:
    """The everit name of a parsed JSON value's type (the Java class behind it)."""
    if value is None:
        return "Null"
    if isinstance(value, bool):  # before int: True is an int in Python
        return "Boolean"
    if isinstance(value, int):
        return "Integer" if -(2**31) <= value < 2**31 else "Long"
    if isinstance(value, float):  # unverified: Bedrock's parser may say Double
        return "BigDecimal"
    if isinstance(value, str):
        return "String"
    return "JSONArray" if isinstance(value, list) else "JSONObject"


def is_type(value: Any, expected: str) -> bool:
    """Whether ``value`` is of the everit type ``expected`` (or ``Number``)."""
    found = json_type(value)
    if expected in ("Integer", "Number") and found in ("Integer", "Long"):
        return True
    if expected == "Number":
        return found == "BigDecimal" and math.isfinite(value)
    return found == expected


def render(value: Any) -> str:
    """A value as everit prints it: strings bare, JSON literals and containers as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, list, dict)) or value is None:
        return json.dumps(value, separators=(",", ":"))
    return str(value)


# -- failure texts: None (or []) when the value passes -----------------------------------


def at(path: str, failure: str) -> str:
    """``path: failure``, or the bare failure when ``path`` is empty."""
    return f"{path}: {failure}" if path else failure


def child(path: str, key: str | int) -> str:
    """The path of a member or item; stays empty under an empty path."""
    return f"{path}/{key}" if path else ""


def type_failure(value: Any, expected: str, path: str) -> str | None:
    if is_type(value, expected):
        return None
    return at(path, f"expected type: {expected}, found: {json_type(value)}")


def _same(value: Any, option: Any) -> bool:
    # ``True == 1`` in Python, but a JSON boolean never equals a JSON number.
    return bool(value == option) and isinstance(value, bool) == isinstance(option, bool)


def enum_failure(value: Any, allowed: Iterable[Any], path: str) -> str | None:
    if any(_same(value, option) for option in allowed):
        return None
    return at(path, f"{render(value)} is not a valid enum value")


def range_failure(
    value: float, path: str, minimum: float | None = None, maximum: float | None = None
) -> str | None:
    if minimum is not None and value < minimum:
        return at(path, f"{render(value)} is not greater or equal to {render(minimum)}")
    if maximum is not None and value > maximum:
        return at(path, f"{render(value)} is not less or equal to {render(maximum)}")
    return None


def multiple_failure(value: float, multiple: float, path: str) -> str | None:
    if value % multiple:
        return at(path, f"{render(value)} is not a multiple of {render(multiple)}")
    return None


def length_failure(
    text: str, path: str, min_length: int | None = None, max_length: int | None = None
) -> str | None:
    if min_length is not None and len(text) < min_length:
        return at(path, f"expected minLength: {min_length}, actual: {len(text)}")
    if max_length is not None and len(text) > max_length:
        return at(path, f"expected maxLength: {max_length}, actual: {len(text)}")
    return None


def pattern_failure(text: str, pattern: str, path: str) -> str | None:
    if re.search(pattern, text):  # everit uses Matcher.find(): unanchored unless ^...$
        return None
    return at(path, f"string [{text}] does not match pattern {pattern}")


def count_failure(
    items: list[Any], path: str, min_items: int | None = None, max_items: int | None = None
) -> str | None:
    if min_items is not None and len(items) < min_items:
        return at(path, f"expected minimum item count: {min_items}, found: {len(items)}")
    if max_items is not None and len(items) > max_items:
        return at(path, f"expected maximum item count: {max_items}, found: {len(items)}")
    return None


def _java_string_hash(text: str) -> int:
    value = 0
    for unit in text.encode("utf-16-be").hex(" ", 2).split():  # Java hashes UTF-16 units
        value = (31 * value + int(unit, 16)) & 0xFFFFFFFF
    return value


def java_key_order(keys: Iterable[str]) -> list[str]:
    """``keys`` in the order a ``java.util.HashMap`` holding them iterates them.

    The table has 16 buckets, doubled while the map is over three quarters full; a key's
    bucket is its spread ``String.hashCode()`` masked by the table size; keys sharing a
    bucket stay in insertion order (a short collision list).
    """
    listed = list(dict.fromkeys(keys))
    size = 16
    while len(listed) > size * 3 // 4:
        size *= 2

    def bucket(key: str) -> int:
        hashed = _java_string_hash(key)
        return (hashed ^ (hashed >> 16)) & (size - 1)

    return sorted(listed, key=bucket)  # sorted() is stable: insertion order within a bucket


def key_failures(
    obj: dict[str, Any], path: str, required: Iterable[str], known: Collection[str] | None
) -> list[str]:
    """Missing required keys (in order), then keys outside ``known`` (None: any key).

    Unknown keys are listed in :func:`java_key_order` of all of ``obj``'s keys.
    """
    found = [at(path, f"required key [{key}] not found") for key in required if key not in obj]
    if known is not None:
        extra = [key for key in java_key_order(obj) if key not in known]
        found += [at(path, f"extraneous key [{key}] is not permitted") for key in extra]
    return found


# -- imperative checks: raise the first failure -----------------------------------------


def _reject(failure: str | None) -> None:
    if failure is not None:
        raise malformed(failure)


def check_type(value: Any, expected: str, path: str) -> None:
    """Reject ``value`` unless it is of the everit type ``expected`` (or ``Number``)."""
    _reject(type_failure(value, expected, path))


def check_keys(
    obj: dict[str, Any], path: str, required: Iterable[str], known: Collection[str] | None
) -> None:
    """Required keys first, then keys outside ``known`` (None: any key), all chained."""
    failures = key_failures(obj, path, required, known)
    _reject("".join(failures) if failures else None)


def check_enum(value: Any, allowed: Iterable[Any], path: str) -> None:
    _reject(enum_failure(value, allowed, path))


def check_range(
    value: float, path: str, minimum: float | None = None, maximum: float | None = None
) -> None:
    _reject(range_failure(value, path, minimum, maximum))


def check_length(
    text: str, path: str, min_length: int | None = None, max_length: int | None = None
) -> None:
    _reject(length_failure(text, path, min_length, max_length))


def check_pattern(text: str, pattern: str, path: str) -> None:
    _reject(pattern_failure(text, pattern, path))


def array(value: Any, path: str, min_items: int = 0, max_items: int | None = None) -> list[Any]:
    """A JSON array checked for type and item count."""
    check_type(value, "JSONArray", path)
    _reject(count_failure(value, path, min_items, max_items))
    return list(value)


def strings(value: Any, path: str, min_items: int = 0, max_items: int | None = None) -> list[str]:
    """A JSON array of strings, such as a list of stop sequences."""
    items = array(value, path, min_items, max_items)
    for index, item in enumerate(items):
        check_type(item, "String", child(path, index))
    return items


def optional(
    obj: dict[str, Any],
    key: str,
    expected: str,
    path: str = "#",
    minimum: float | None = None,
    maximum: float | None = None,
) -> Any:
    """``obj[key]`` checked for type and range, or None when the key is absent."""
    if key not in obj:
        return None
    value = obj[key]
    where = child(path, key)
    check_type(value, expected, where)
    if expected in ("Integer", "Number"):
        check_range(value, where, minimum, maximum)
    return value


# -- declarative schemas: collect every failure -----------------------------------------

# JSON-schema type keywords and the everit names they are reported under.
_SCHEMA_TYPES = {
    "object": "JSONObject",
    "array": "JSONArray",
    "string": "String",
    "integer": "Integer",
    "number": "Number",
    "boolean": "Boolean",
}


def schema_violations(value: Any, schema: dict[str, Any], path: str = "#") -> list[str]:
    """Every way ``value`` breaks ``schema``, as ``path: failure`` texts.

    Supported keywords: type (required), enum, minimum, maximum, multipleOf, minLength,
    maxLength, pattern, items, minItems, maxItems, properties, required and
    additionalProperties (``false`` or absent). A value of the wrong type is not looked
    into further.
    """
    kind = schema["type"]
    wrong = type_failure(value, _SCHEMA_TYPES[kind], path)
    if wrong is not None:
        return [wrong]
    found: list[str | None] = []
    if "enum" in schema:
        found.append(enum_failure(value, schema["enum"], path))
    if kind in ("integer", "number"):
        found.append(range_failure(value, path, schema.get("minimum"), schema.get("maximum")))
        if "multipleOf" in schema:
            found.append(multiple_failure(value, schema["multipleOf"], path))
    elif kind == "string":
        found.append(length_failure(value, path, schema.get("minLength"), schema.get("maxLength")))
        if "pattern" in schema:
            found.append(pattern_failure(value, schema["pattern"], path))
    elif kind == "array":
        found.append(count_failure(value, path, schema.get("minItems"), schema.get("maxItems")))
        for index, item in enumerate(value):
            found += schema_violations(item, schema["items"], child(path, index))
    elif kind == "object":
        members: dict[str, dict[str, Any]] = schema.get("properties", {})
        closed = schema.get("additionalProperties") is False
        found += key_failures(value, path, schema.get("required", ()), members if closed else None)
        for key, member in members.items():
            if key in value:
                found += schema_violations(value[key], member, child(path, key))
    return [failure for failure in found if failure is not None]


def check_schema(value: Any, schema: dict[str, Any]) -> None:
    """Reject ``value`` unless it satisfies ``schema``: one failure named, several counted."""
    found = schema_violations(value, schema)
    if len(found) > 1:
        raise malformed(f"{len(found)} schema violations found")
    _reject(found[0] if found else None)
