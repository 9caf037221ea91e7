"""Request shape validation against the botocore service model, in AWS's own words.

botocore checks only lower bounds on the client, and other SDKs check nothing, so the
server checks every constraint the model states (required members, types, lengths, ranges,
enums, patterns, unions) and reports them the way Bedrock does::

    1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to
    satisfy constraint: Member must have value less than or equal to 1

List elements are addressed as ``messages.1.member.content`` (1-based), as AWS does.

JSON nested deeper than :data:`MAX_JSON_DEPTH` is refused before anything walks it
(:func:`too_deep`), so no request can exhaust the interpreter's stack.

Most requests are valid, so each operation's input shape is first compiled into a plain
yes/no check (:func:`_valid`); only a request it cannot pass is walked again by the
collector, which words the errors.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StructureShape,
)
from botocore.session import get_session

from ..bedrockruntime.exceptions import ValidationException

__all__ = ["MAX_JSON_DEPTH", "operation_model", "too_deep", "validate_input"]

#: The deepest nesting of arrays and objects a JSON request may have. AWS's Java services
#: parse with Jackson, which stops at 1000 by default; Python's recursion limit (1000 frames,
#: shared with the server's own call stack) cannot follow that far, so we stop at 500, far
#: beyond any real request.
MAX_JSON_DEPTH = 500

# Bedrock answers a type mismatch in the JSON body with an error whose exact text is not on
# record; we report it as a ValidationException (a modeled error every SDK can raise) in the
# same aggregated format, naming the expected type.
_TYPE_NAMES = {
    "string": "string",
    "integer": "integer",
    "long": "long",
    "float": "float",
    "double": "double",
    "boolean": "boolean",
    "blob": "base64-encoded binary",
    "timestamp": "timestamp",
    "list": "list",
    "map": "map",
    "structure": "structure",
}


@cache
def _service_model(service: str) -> ServiceModel:
    # Loaded once per service: a new session reads the whole model file again.
    return get_session().get_service_model(service)


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    """The botocore model of one operation (cached; models are read-only)."""
    return _service_model(service).operation_model(operation)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _depth(value: Any, limit: int) -> int:
    """How deeply ``value`` nests lists and dicts, counted without recursion up to ``limit``+1."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            deepest = max(deepest, depth)
            if deepest > limit:
                break
            stack.extend(
                (child, depth + 1) for child in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def too_deep(raw: bytes | str) -> bool:
    """Whether the JSON text ``raw`` nests arrays and objects deeper than MAX_JSON_DEPTH.

    Cheap for ordinary requests (no more brackets than the limit: it cannot be too deep);
    otherwise parsed once to tell. Text that is not JSON is not too deep: its parser says
    what is wrong with it.
    """
    opening = (
        raw.count(b"[") + raw.count(b"{")
        if isinstance(raw, bytes)
        else raw.count("[") + raw.count("{")
    )
    if opening <= MAX_JSON_DEPTH:
        return False
    try:
        value = json.loads(raw)
    except RecursionError:
        return True
    except ValueError:
        return False
    return _depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH


def _render(value: Any, depth: int = 0) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)) and depth >= 10:
        return "[...]" if isinstance(value, list) else "{...}"  # a value, not a stack overflow
    if isinstance(value, list):
        return "[" + ", ".join(_render(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v, depth + 1)}" for k, v in value.items()) + "}"
    return str(value)


def _number(limit: float) -> str:
    return str(int(limit)) if float(limit).is_integer() else str(limit)


# A ContentBlock in ``messages`` that sets two members is answered with Bedrock's own text,
# listing the keys Bedrock names (envoyproxy/ai-gateway#1717, a text block carrying a
# cachePoint, 2026-01), not with the aggregated form; a block that sets none keeps it.
_BLOCK_PATH = re.compile(r"messages\.(\d+)\.member\.content\.(\d+)\.member")
_BLOCK_KEYS = (
    "text, image, toolUse, toolResult, document, video, cachePoint, reasoningContent, "
    "citationsContent, searchResult"
)


class _Collector:
    def __init__(self, constraints: bool = True) -> None:
        self.errors: list[str] = []
        #: Bedrock's own text for the first ContentBlock setting two keys, which wins.
        self.block_text: str | None = None
        #: Whether lengths, ranges, enums and patterns are checked, or only types.
        self.constraints = constraints

    def add(self, shape: Shape, value: Any, path: str, constraint: str) -> None:
        if value is None:
            shown = "Value null"
        elif shape.metadata.get("sensitive") or shape.type_name == "list":
            # Bedrock leaves a list's value out: "Value at 'toolConfig.tools' failed ..."
            # (genkit-ai/aws-bedrock-js-plugin#43, Portkey-AI/gateway#1124).
            shown = "Value"
        else:
            shown = f"Value '{_render(value)}'"
        self.errors.append(f"{shown} at '{path}' failed to satisfy constraint: {constraint}")

    def check(self, shape: Shape, value: Any, path: str) -> None:
        checker: Callable[[Shape, Any, str], None] = getattr(
            self, f"_check_{shape.type_name}", self._check_scalar
        )
        checker(shape, value, path)

    def _type_error(self, shape: Shape, value: Any, path: str) -> None:
        self.add(shape, value, path, f"Member must be of type {_TYPE_NAMES[shape.type_name]}")

    def _length(self, shape: Shape, value: Any, size: int, path: str) -> None:
        if not self.constraints:
            return
        meta = shape.metadata
        if "min" in meta and size < meta["min"]:
            self.add(
                shape,
                value,
                path,
                f"Member must have length greater than or equal to {meta['min']}",
            )
        if "max" in meta and size > meta["max"]:
            self.add(
                shape, value, path, f"Member must have length less than or equal to {meta['max']}"
            )

    def _check_structure(self, shape: Shape, value: Any, path: str) -> None:
        assert isinstance(shape, StructureShape)
        if shape.metadata.get("document"):
            return
        if not isinstance(value, dict):
            self._type_error(shape, value, path)
            return
        prefix = f"{path}." if path else ""
        present = [name for name in shape.members if value.get(name) is not None]
        block = _BLOCK_PATH.fullmatch(path) if shape.name == "ContentBlock" else None
        if block is not None and len(present) > 1 and self.block_text is None:
            message, position = int(block.group(1)) - 1, int(block.group(2)) - 1
            self.block_text = (
                f"ContentBlock object at messages.{message}.content.{position} can only set "
                f"one of the following keys: {_BLOCK_KEYS}."
            )
        if shape.is_tagged_union and len(present) != 1:
            self.add(
                shape,
                None if not present else value,
                path,
                f"Member must have exactly one of the following keys set: "
                f"[{', '.join(shape.members)}]",
            )
        for name in shape.required_members:
            if value.get(name) is None:
                self.add(shape.members[name], None, f"{prefix}{name}", "Member must not be null")
        for name in present:
            self.check(shape.members[name], value[name], f"{prefix}{name}")

    def _check_list(self, shape: Shape, value: Any, path: str) -> None:
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            self._type_error(shape, value, path)
            return
        self._length(shape, value, len(value), path)
        for index, item in enumerate(value, start=1):
            item_path = f"{path}.{index}.member"
            if item is None:
                self.add(shape.member, None, item_path, "Member must not be null")
            else:
                self.check(shape.member, item, item_path)

    def _check_map(self, shape: Shape, value: Any, path: str) -> None:
        assert isinstance(shape, MapShape)
        if not isinstance(value, dict):
            self._type_error(shape, value, path)
            return
        self._length(shape, value, len(value), path)
        for key, item in value.items():
            self.check(shape.key, key, f"{path}.key")
            if item is None:
                self.add(shape.value, None, f"{path}.{key}", "Member must not be null")
            else:
                self.check(shape.value, item, f"{path}.{key}")

    def _check_string(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, str):
            self._type_error(shape, value, path)
            return
        self._length(shape, value, len(value), path)
        if not self.constraints:
            return
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            self.add(shape, value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = shape.metadata.get("pattern")
        if pattern and not _compiled(pattern).fullmatch(value):
            self.add(
                shape, value, path, f"Member must satisfy regular expression pattern: {pattern}"
            )

    def _check_blob(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, (bytes, bytearray)):
            self._length(shape, value, len(value), path)
            return
        if not isinstance(value, str):
            self._type_error(shape, value, path)
            return
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            self._type_error(shape, value, path)
            return
        self._length(shape, value, len(decoded), path)

    def _check_boolean(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self._type_error(shape, value, path)

    def _check_integer(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self._type_error(shape, value, path)
            return
        self._range(shape, value, path)

    _check_long = _check_integer

    def _check_float(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._type_error(shape, value, path)
            return
        # AWS prints these as Java floats: 99 arrives as '99.0'.
        self._range(shape, float(value), path)

    _check_double = _check_float

    def _range(self, shape: Shape, value: float, path: str) -> None:
        if not self.constraints:
            return
        meta = shape.metadata
        if "min" in meta and value < meta["min"]:
            self.add(
                shape,
                value,
                path,
                f"Member must have value greater than or equal to {_number(meta['min'])}",
            )
        if "max" in meta and value > meta["max"]:
            self.add(
                shape,
                value,
                path,
                f"Member must have value less than or equal to {_number(meta['max'])}",
            )

    def _check_timestamp(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self._type_error(shape, value, path)

    def _check_scalar(self, shape: Shape, value: Any, path: str) -> None:
        return None


# -- the fast path: is the input valid at all? ---------------------------------------------
#
# A compiled check answers True only when the collector would find nothing; whatever it is
# unsure of answers False, and the collector then decides. It cannot change a message: it
# only spares the common valid request the paths and messages the collector builds.

_Check = Callable[[Any], bool]


def _accept(value: Any) -> bool:
    return True


def _in_range(meta: dict[str, Any], size: float) -> bool:
    return not ("min" in meta and size < meta["min"]) and not ("max" in meta and size > meta["max"])


def _compile(shape: Shape, constraints: bool, memo: dict[str, _Check]) -> _Check:
    """The yes/no check of ``shape``; ``memo`` shares checks (shapes may contain themselves)."""
    # Keyed by what the check depends on: a shape's name and its own constraints.
    key = f"{shape.name}|{shape.metadata!r}"
    if key not in memo:
        kind = shape.type_name
        if kind == "structure" and not shape.metadata.get("document"):
            assert isinstance(shape, StructureShape)
            _structure_check(shape, constraints, memo, key)
        elif kind == "list":
            assert isinstance(shape, ListShape)
            _list_check(shape, constraints, memo, key)
        elif kind == "map":
            assert isinstance(shape, MapShape)
            _map_check(shape, constraints, memo, key)
        else:
            memo[key] = _scalar_check(shape, constraints)
    return memo[key]


def _structure_check(
    shape: StructureShape, constraints: bool, memo: dict[str, _Check], key: str
) -> None:
    members: dict[str, _Check] = {}
    required = tuple(shape.required_members)
    union = bool(shape.is_tagged_union)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        present = 0
        for name, item in value.items():
            member = members.get(name)
            if member is not None and item is not None:
                if not member(item):
                    return False
                present += 1
        if union and present != 1:
            return False
        return None not in map(value.get, required)

    memo[key] = check  # before the members, so a member of this same shape finds it
    for name, member in shape.members.items():
        members[name] = _compile(member, constraints, memo)


def _list_check(shape: ListShape, constraints: bool, memo: dict[str, _Check], key: str) -> None:
    meta = shape.metadata
    sized = constraints and ("min" in meta or "max" in meta)
    checks: list[_Check] = []

    def check(value: Any) -> bool:
        if not isinstance(value, list) or (sized and not _in_range(meta, len(value))):
            return False
        item_check = checks[0]
        return all(item is not None and item_check(item) for item in value)

    memo[key] = check
    checks.append(_compile(shape.member, constraints, memo))


def _map_check(shape: MapShape, constraints: bool, memo: dict[str, _Check], key: str) -> None:
    meta = shape.metadata
    sized = constraints and ("min" in meta or "max" in meta)
    checks: list[_Check] = []

    def check(value: Any) -> bool:
        if not isinstance(value, dict) or (sized and not _in_range(meta, len(value))):
            return False
        key_check, item_check = checks
        return all(
            key_check(name) and item is not None and item_check(item)
            for name, item in value.items()
        )

    memo[key] = check
    checks.append(_compile(shape.key, constraints, memo))
    checks.append(_compile(shape.value, constraints, memo))


def _scalar_check(shape: Shape, constraints: bool) -> _Check:
    """The check of a scalar (or a document, or a type the collector does not check)."""
    meta = shape.metadata
    kind = shape.type_name
    sized = constraints and ("min" in meta or "max" in meta)
    if kind == "structure":  # a document: anything goes
        return _accept
    if kind == "string":
        enum = frozenset(meta.get("enum") or ()) if constraints else frozenset()
        # Compiled when first used, as the collector does: some models' patterns are Java
        # regular expressions Python cannot compile, and only their own strings may fail.
        pattern = meta.get("pattern") if constraints else None

        def string(value: Any) -> bool:
            return (
                isinstance(value, str)
                and (not sized or _in_range(meta, len(value)))
                and (not enum or value in enum)
                and (not pattern or _compiled(pattern).fullmatch(value) is not None)
            )

        return string
    if kind == "blob":

        def blob(value: Any) -> bool:
            if isinstance(value, (bytes, bytearray)):
                return not sized or _in_range(meta, len(value))
            if not isinstance(value, str):
                return False
            try:
                decoded = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                return False
            return not sized or _in_range(meta, len(decoded))

        return blob
    if kind == "boolean":
        return lambda value: isinstance(value, bool)
    if kind in ("integer", "long"):
        return lambda value: (
            isinstance(value, int)
            and not isinstance(value, bool)
            and (not sized or _in_range(meta, value))
        )
    if kind in ("float", "double"):
        return lambda value: (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and (not sized or _in_range(meta, float(value)))
        )
    if kind == "timestamp":
        return lambda value: isinstance(value, (int, float, str)) and not isinstance(value, bool)
    return _accept


#: Compiled checks by (operation, constraints); the operation is kept so its id stays its own.
_CHECKS: dict[tuple[int, bool], tuple[OperationModel, _Check]] = {}


def _valid(
    operation: OperationModel, shape: Shape, params: dict[str, Any], constraints: bool
) -> bool:
    """Whether ``params`` certainly break no rule of ``shape`` (False when unsure)."""
    key = (id(operation), constraints)
    entry = _CHECKS.get(key)
    if entry is None or entry[0] is not operation:
        entry = _CHECKS[key] = (operation, _compile(shape, constraints, {}))
    try:
        return entry[1](params)
    except Exception:  # e.g. an int too large for float(): the collector will say
        return False


def validate_input(
    operation: OperationModel, params: dict[str, Any], constraints: bool = True
) -> None:
    """Raise AWS's aggregated ValidationException if ``params`` break the input shape.

    ``params`` maps member names to raw values: the decoded JSON body members plus the URI,
    header and query-string members (as strings, or ints where the model says so). With
    ``constraints=False`` only types, required members and unions are checked, not lengths,
    ranges, enums or patterns.
    """
    shape = operation.input_shape
    if shape is None or _valid(operation, shape, params, constraints):
        return
    collector = _Collector(constraints)
    collector.check(shape, params, "")
    if collector.block_text is not None:
        raise ValidationException(collector.block_text)
    if collector.errors:
        count = len(collector.errors)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(
            f"{count} validation {noun} detected: " + "; ".join(collector.errors)
        )
