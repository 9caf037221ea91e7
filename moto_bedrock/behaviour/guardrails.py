"""Forced guardrail outcomes: make a guardrail intervene (or not) without crafting text.

An entry forces the outcome of the guardrails a call applies: ``intervene=True`` blocks
(the blocked message is the answer and a topic finding named
:data:`~moto_bedrock.generation.guardrails.FORCED_TOPIC` is added), ``intervene=False`` lets
the text through whatever the policies found (their findings stay, with action ``NONE``).
It can be scoped to a model pattern, a reply rule (by name: the output of calls that rule
answered), a direction (``INPUT``/``OUTPUT``) and a guardrail id, and used up after
``count`` evaluations (None: every one). ApplyGuardrail has no model: only entries
without ``model`` and ``rule`` apply to it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .base import ConfigError, ControlBase, operation
from .faults import check_int, check_keys, check_list, check_text, name_of
from .matching import ModelPattern

__all__ = ["ForcedGuardrail", "GuardrailControls", "GuardrailForcing"]

_KEYS = ("intervene", "model", "rule", "source", "guardrail", "count")
_SOURCES = ("INPUT", "OUTPUT")


@dataclass
class ForcedGuardrail:
    """One forced outcome and what it applies to."""

    intervene: bool
    model: ModelPattern | None = None
    rule: str | None = None
    source: str | None = None
    guardrail: str | None = None
    count: int | None = None
    used: int = 0

    @classmethod
    def parse(cls, spec: Any, where: str = "") -> ForcedGuardrail:
        spec = check_keys(spec, where, _KEYS)
        intervene = spec.get("intervene")
        if not isinstance(intervene, bool):
            raise ConfigError(
                f"{name_of(where, 'intervene')} must be true or false; got {intervene!r}"
            )
        source = spec.get("source")
        if source is not None and source not in _SOURCES:
            raise ConfigError(f"{name_of(where, 'source')} must be INPUT or OUTPUT; got {source!r}")
        count = spec.get("count")
        return cls(
            intervene=intervene,
            model=None
            if spec.get("model") is None
            else ModelPattern(spec["model"], name_of(where, "model")),
            rule=None
            if spec.get("rule") is None
            else check_text(spec["rule"], name_of(where, "rule")),
            source=source,
            guardrail=None
            if spec.get("guardrail") is None
            else check_text(spec["guardrail"], name_of(where, "guardrail")),
            count=None if count is None else check_int(count, name_of(where, "count"), 1),
        )

    def applies_to(
        self,
        source: str,
        guardrail_id: str,
        model_id: str | None,
        requested_id: str | None,
        reply_source: str | None,
    ) -> bool:
        if self.source is not None and self.source != source:
            return False
        if self.guardrail is not None and not guardrail_id.endswith(
            self.guardrail.rsplit("/", 1)[-1]
        ):
            return False
        if self.model is not None and (
            model_id is None or not self.model.matches(model_id, requested_id or model_id)
        ):
            return False
        return self.rule is None or reply_source == f"rule:{self.rule}"

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"intervene": self.intervene}
        for key, value in (
            ("model", None if self.model is None else self.model.pattern),
            ("rule", self.rule),
            ("source", self.source),
            ("guardrail", self.guardrail),
        ):
            if value is not None:
                config[key] = value
        config["count"] = self.count
        return config


class GuardrailForcing:
    """The forced outcomes of one backend, tried in the order they were set."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[ForcedGuardrail] = []

    def add(self, entry: ForcedGuardrail) -> None:
        with self._lock:
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def take(
        self,
        source: str,
        guardrail_id: str,
        model_id: str | None = None,
        requested_id: str | None = None,
        reply_source: str | None = None,
    ) -> bool | None:
        """The forced outcome of this evaluation (True: intervene), or None to evaluate."""
        with self._lock:
            for entry in self._entries:
                if entry.applies_to(source, guardrail_id, model_id, requested_id, reply_source):
                    entry.used += 1
                    if entry.count is not None and entry.used >= entry.count:
                        self._entries.remove(entry)
                    return entry.intervene
        return None

    def to_config(self) -> list[dict[str, Any]]:
        with self._lock:
            return [entry.to_config() for entry in self._entries]

    def load_config(self, config: Any) -> None:
        entries = [
            ForcedGuardrail.parse(spec, f"guardrails[{index}]")
            for index, spec in enumerate(check_list(config, "guardrails"))
        ]
        with self._lock:
            self._entries = entries


class GuardrailControls(ControlBase):
    """Control operations of forced guardrail outcomes."""

    @operation
    def force_guardrail(
        self,
        intervene: bool = True,
        model: str | None = None,
        rule: str | None = None,
        source: str | None = None,
        guardrail: str | None = None,
        count: int | None = None,
    ) -> dict[str, Any]:
        """Force the outcome of matching guardrail evaluations; returns the entry.

        ``intervene=True`` blocks, ``False`` lets the text through. ``model`` (glob or
        ``re:``), ``rule`` (a reply rule's name: the output it produced), ``source``
        (``INPUT``/``OUTPUT``) and ``guardrail`` (id or ARN) narrow it; ``count``
        evaluations use it up (None: it stays).
        """
        entry = ForcedGuardrail.parse(
            {
                "intervene": intervene,
                "model": model,
                "rule": rule,
                "source": source,
                "guardrail": guardrail,
                "count": count,
            }
        )
        self._behaviour.guardrails.add(entry)
        return entry.to_config()

    @operation
    def get_forced_guardrails(self) -> dict[str, Any]:
        """Every forced guardrail outcome still active, in the order they were set."""
        return {"guardrails": self._behaviour.guardrails.to_config()}

    @operation
    def clear_forced_guardrails(self) -> dict[str, Any]:
        """Drop every forced guardrail outcome."""
        self._behaviour.guardrails.clear()
        return {}
