"""What every policy shares: the per-direction setting of an entry and the finding type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ASSESSED", "Finding", "Mask", "setting"]

#: A configured action and the action an assessment reports for it.
ASSESSED = {"BLOCK": "BLOCKED", "ANONYMIZE": "ANONYMIZED", "NONE": "NONE"}


def setting(entry: Mapping[str, Any], source: str, default: str = "BLOCK") -> tuple[bool, str]:
    """Whether ``entry`` is enabled for ``source`` (INPUT/OUTPUT) and its configured action.

    ``inputEnabled``/``outputEnabled`` default to true; ``inputAction``/``outputAction``
    fall back to the entry's ``action`` (PII and regexes), then to ``default``.
    """
    side = "input" if source == "INPUT" else "output"
    enabled = entry.get(f"{side}Enabled")
    action = entry.get(f"{side}Action") or entry.get("action") or default
    return enabled is not False, str(action)


@dataclass(frozen=True)
class Mask:
    """Characters ``start``..``end`` of one block, to be replaced by ``placeholder``."""

    start: int
    end: int
    placeholder: str


@dataclass
class Finding:
    """One entry of an assessment (wire form) and what it asks of the text."""

    entry: dict[str, Any]
    masks: list[Mask] = field(default_factory=list)

    @property
    def action(self) -> str:
        return str(self.entry.get("action", "NONE"))

    @property
    def detected(self) -> bool:
        return bool(self.entry.get("detected", False))
