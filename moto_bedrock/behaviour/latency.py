"""Per-model simulated latency: time to first token and tokens per second.

An entry gives some of ``time_to_first_token_ms``, ``tokens_per_second`` and ``sleep`` for
the models its pattern matches; what it leaves out comes from the global stream settings
(``configure_streaming``). The backend turns the timing into the latency every surface
reports (``metrics.latencyMs``, the InvokeModel latency header, ``invocationMetrics``) and
waits that long on the behaviour clock unless ``sleep`` is false.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any

from ..wire.limits import MAX_DELAY_MS, MIN_TOKENS_PER_SECOND
from ..wire.streaming import StreamSettings
from .base import ConfigError, ControlBase, operation
from .faults import bounded as _bounded
from .faults import check_int, check_keys, check_list, name_of
from .matching import ModelPattern

__all__ = ["LatencyControls", "LatencyEntry", "LatencyPlan"]

_TIMING_KEYS = ("time_to_first_token_ms", "tokens_per_second", "sleep")
_LATENCY_KEYS = ("model", *_TIMING_KEYS)


@dataclass(frozen=True)
class LatencyEntry:
    """Timing for the models ``model`` matches (None: every model)."""

    model: ModelPattern | None = None
    time_to_first_token_ms: int | None = None
    tokens_per_second: float | None = None
    sleep: bool | None = None

    @classmethod
    def parse(cls, spec: Any, where: str = "") -> LatencyEntry:
        """An entry from its JSON form; ``where`` prefixes the names in error messages."""
        spec = check_keys(spec, where, _LATENCY_KEYS)
        model = spec.get("model")
        ttft = spec.get("time_to_first_token_ms")
        rate = spec.get("tokens_per_second")
        sleep = spec.get("sleep")
        if ttft is not None:
            check_int(ttft, name_of(where, "time_to_first_token_ms"), 0)
            _bounded(ttft, MAX_DELAY_MS, name_of(where, "time_to_first_token_ms"))
        if (
            rate is not None
            and isinstance(rate, (int, float))
            and not isinstance(rate, bool)
            and 0 < rate < MIN_TOKENS_PER_SECOND
        ):
            raise ConfigError(
                f"{name_of(where, 'tokens_per_second')} must be at least 1/600; got {rate!r}"
            )
        if rate is not None and (
            isinstance(rate, bool)
            or not isinstance(rate, (int, float))
            or not 0 < rate < float("inf")
        ):
            raise ConfigError(
                f"{name_of(where, 'tokens_per_second')} must be a number more than 0; got {rate!r}"
            )
        if sleep is not None and not isinstance(sleep, bool):
            raise ConfigError(f"{name_of(where, 'sleep')} must be true or false; got {sleep!r}")
        if ttft is None and rate is None and sleep is None:
            raise ConfigError(
                f"{where or 'a latency entry'} needs at least one of {', '.join(_TIMING_KEYS)}"
            )
        return cls(
            model=None if model is None else ModelPattern(model, name_of(where, "model")),
            time_to_first_token_ms=ttft,
            tokens_per_second=rate,
            sleep=sleep,
        )

    @property
    def key(self) -> str | None:
        return None if self.model is None else self.model.pattern

    def applies_to(self, model_id: str, requested_id: str) -> bool:
        return self.model is None or self.model.matches(model_id, requested_id)

    def apply(self, base: StreamSettings) -> StreamSettings:
        """``base`` with this entry's timing wherever the entry sets one."""
        timing = {
            name: getattr(self, name) for name in _TIMING_KEYS if getattr(self, name) is not None
        }
        return dataclasses.replace(base, **timing)

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {} if self.model is None else {"model": self.model.pattern}
        config.update(
            {name: getattr(self, name) for name in _TIMING_KEYS if getattr(self, name) is not None}
        )
        return config


class LatencyPlan:
    """Timing overrides by model.

    Entries with a model pattern are tried in the order they were set; the entry for every
    model (``model=None``) applies only where none of them matches, so a catch-all set first
    does not hide a per-model one set later.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LatencyEntry] = []

    def set(self, entry: LatencyEntry) -> None:
        """Add ``entry``, replacing one for the same model pattern (or the catch-all)."""
        with self._lock:
            for index, existing in enumerate(self._entries):
                if existing.key == entry.key:
                    self._entries[index] = entry
                    return
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def settings_for(
        self, model_id: str, requested_id: str, base: StreamSettings
    ) -> StreamSettings:
        """``base`` with the timing configured for this model, if any."""
        with self._lock:
            entries = list(self._entries)
        ordered = [e for e in entries if e.model is not None] + [
            e for e in entries if e.model is None
        ]
        for entry in ordered:
            if entry.applies_to(model_id, requested_id):
                return entry.apply(base)
        return base

    def to_config(self) -> list[dict[str, Any]]:
        with self._lock:
            return [entry.to_config() for entry in self._entries]

    def load_config(self, config: Any) -> None:
        """Replace every entry with those of ``config`` (a list), all checked first."""
        entries: list[LatencyEntry] = []
        for index, spec in enumerate(check_list(config, "latency")):
            entry = LatencyEntry.parse(spec, f"latency[{index}]")
            if any(e.key == entry.key for e in entries):
                what = "the entry for every model" if entry.key is None else repr(entry.key)
                raise ConfigError(f"latency[{index}] repeats {what}")
            entries.append(entry)
        with self._lock:
            self._entries = entries


class LatencyControls(ControlBase):
    """Control operations of latency."""

    @operation
    def set_latency(
        self,
        model: str | None = None,
        time_to_first_token_ms: int | None = None,
        tokens_per_second: float | None = None,
        sleep: bool | None = None,
    ) -> dict[str, Any]:
        """Simulate timing for the models ``model`` matches (None: every model).

        What is left out comes from the stream settings (``configure_streaming``). Setting
        the same pattern again replaces its entry. ``sleep=False`` keeps the reported
        latency but answers at once. Returns the entry.
        """
        entry = LatencyEntry.parse(
            {
                "model": model,
                "time_to_first_token_ms": time_to_first_token_ms,
                "tokens_per_second": tokens_per_second,
                "sleep": sleep,
            }
        )
        self._behaviour.latency.set(entry)
        return entry.to_config()

    @operation
    def get_latency(self) -> dict[str, Any]:
        """Every latency entry, in the order they were set."""
        return {"latency": self._behaviour.latency.to_config()}

    @operation
    def clear_latency(self) -> dict[str, Any]:
        """Drop every latency entry (the stream settings' timing applies again)."""
        self._behaviour.latency.clear()
        return {}
