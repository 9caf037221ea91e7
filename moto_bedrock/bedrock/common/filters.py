"""The filters and sort orders List* operations declare, applied in one place.

Each filter member of a List operation's input shape is read from botocore's model and
matched to a member of the summaries the operation returns, by its name:

* ``<x>Equals`` / ``<x>Filter`` / a plain enum member (``type``, ``modelStatus``): the
  summary's ``<x>`` (or ``<x>Id``, ``<x>Identifier``, or the member ending in ``<x>``:
  ``statusEquals`` -> ``jobStatus`` where there is no ``status``) equals the value;
* ``<x>Contains``: that member contains the value (case-sensitive; ``nameContains`` finds
  ``jobName``, ``modelName``, ...);
* ``<time>After`` / ``<time>Before``: the summary's timestamp is strictly after / before;
* ``isOwned``: ``ownerAccountId`` is (True) or is not (False) the caller's account;
* ``sortBy`` (``CreationTime``) / ``sortOrder``: sorted by the creation timestamp,
  Descending unless ``Ascending`` is asked for.

:func:`unresolved` names the members no rule matches (the tests keep that list to parent
identifiers, which the families handle themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Any

from botocore.model import Shape

from ...wire.validation import operation_model
from .errors import ValidationException

__all__ = ["narrowed", "rules", "unresolved"]

_PAGING = frozenset({"maxResults", "nextToken"})
#: Where a filter's noun is not the summary's (custom models name the root foundation
#: model ``baseModelArn``).
_ALIASES = {"foundationModelArn": "baseModelArn"}
_TIMES = ("creationTime", "createdAt", "submitTime")


@dataclass(frozen=True)
class Rule:
    member: str
    kind: str  # equals | contains | after | before | owned | sort
    field: str | None


def _summary_fields(operation: str) -> dict[str, Shape]:
    output = operation_model("bedrock", operation).output_shape
    for shape in output.members.values() if output is not None else ():
        if shape.type_name == "list" and shape.member.type_name == "structure":
            return dict(shape.member.members)
    return {}


def _field(prefix: str, fields: dict[str, Shape]) -> str | None:
    prefix = _ALIASES.get(prefix, prefix)
    for candidate in (prefix, f"{prefix}Id", f"{prefix}Identifier", f"{prefix}At"):
        if candidate in fields:
            return candidate
    lowered = prefix.lower()
    return next((f for f in fields if f.lower().endswith(lowered)), None)


def _time_field(fields: dict[str, Shape]) -> str | None:
    return next((t for t in _TIMES if t in fields), None)


@cache
def rules(operation: str) -> tuple[Rule, ...]:
    """How each filter member of ``operation``'s input applies to its summaries."""
    shape = operation_model("bedrock", operation).input_shape
    fields = _summary_fields(operation)
    found: list[Rule] = []
    members: dict[str, Shape] = dict(shape.members) if shape is not None else {}
    for name, member in members.items():
        if name in _PAGING or member.serialization.get("location") != "querystring":
            continue
        if name in ("sortBy", "sortOrder"):
            found.append(Rule(name, "sort", _time_field(fields)))
        elif name == "isOwned":
            found.append(
                Rule(name, "owned", "ownerAccountId" if "ownerAccountId" in fields else None)
            )
        elif member.type_name == "timestamp" and name.endswith(("After", "Before")):
            kind = "after" if name.endswith("After") else "before"
            found.append(Rule(name, kind, _field(name[: -len(kind)], fields)))
        elif name.endswith("Contains"):
            found.append(Rule(name, "contains", _field(name[: -len("Contains")], fields)))
        elif name.endswith(("Equals", "Filter")):
            noun = name.removesuffix("Equals").removesuffix("Filter")
            found.append(Rule(name, "equals", _field(noun, fields)))
        elif getattr(member, "enum", None) and name in fields:
            found.append(Rule(name, "equals", name))
        else:
            found.append(Rule(name, "equals", None))
    return tuple(found)


def unresolved(operation: str) -> list[str]:
    """Filter members of ``operation`` no rule applies to."""
    return [rule.member for rule in rules(operation) if rule.field is None]


def _utc(value: Any) -> datetime:
    """``value`` as an aware UTC time (moto parses query-string times without a zone)."""
    if not isinstance(value, datetime):
        raise ValidationException(f"Invalid timestamp: {value}")  # unverified text
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _keeps(rule: Rule, value: Any, item: dict[str, Any], account: str) -> bool:
    assert rule.field is not None
    have = item.get(rule.field)
    if rule.kind == "owned":
        return (have in (None, account)) == bool(value)
    if have is None:
        return False
    if rule.kind == "contains":
        return str(value) in str(have)
    if rule.kind == "after":
        return _utc(have) > _utc(value)
    if rule.kind == "before":
        return _utc(have) < _utc(value)
    return bool(have == value)


def narrowed(
    operation: str,
    params: dict[str, Any],
    items: Sequence[dict[str, Any]],
    account: str,
    default_order: str | None = None,
) -> list[dict[str, Any]]:
    """``items`` (wire-form summaries) that ``params``' filters keep, in the asked order.

    Without ``sortBy``/``sortOrder`` the items keep their order, unless ``default_order``
    (``Ascending``/``Descending``) says how the family sorts by default.
    """
    kept = list(items)
    order = default_order
    sort_field: str | None = None
    for rule in rules(operation):
        value = params.get(rule.member)
        if rule.kind == "sort":
            sort_field = sort_field or rule.field
            if rule.member == "sortOrder" and value is not None:
                order = str(value)
            elif value is not None and order is None:
                order = "Descending"
            continue
        if value is None or rule.field is None:
            continue
        kept = [item for item in kept if _keeps(rule, value, item, account)]
    if order is not None and sort_field is not None:
        field = sort_field
        kept.sort(key=lambda item: item[field], reverse=order != "Ascending")
    return kept
