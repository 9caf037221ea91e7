"""The clock quotas and simulated latency run on: real time, or a manual one tests move."""

from __future__ import annotations

import threading
import time
from typing import Any

from ..wire.limits import MAX_CLOCK_SECONDS
from .base import ConfigError, ControlBase, operation
from .faults import bounded as _bounded

__all__ = ["Clock", "ClockControls"]


class Clock:
    """Real time by default; in manual mode ``now()`` only moves when told, and
    ``sleep()`` advances it instead of sleeping, so timed behaviour runs instantly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._manual: float | None = None

    @property
    def manual(self) -> bool:
        return self._manual is not None

    def now(self) -> float:
        """Seconds since the epoch (real) or since the manual clock's start."""
        manual = self._manual
        return time.time() if manual is None else manual

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            if self._manual is not None:
                self._manual += seconds
                return
        time.sleep(seconds)

    def use_manual(self, now: float = 0.0) -> None:
        with self._lock:
            self._manual = float(now)

    def use_real(self) -> None:
        with self._lock:
            self._manual = None

    def advance(self, seconds: float) -> float:
        with self._lock:
            if self._manual is None:
                raise ConfigError("the clock is real; call configure_clock(manual=True) first")
            self._manual += seconds
            return self._manual

    def to_config(self) -> dict[str, Any]:
        return {"manual": True, "now": self._manual} if self._manual is not None else {}

    def load_config(self, config: dict[str, Any]) -> None:
        unknown = sorted(set(config) - {"manual", "now"})
        if unknown:
            raise ConfigError(f"clock: unknown keys {unknown}; expected some of ['manual', 'now']")
        manual, now = config.get("manual", False), config.get("now", 0)
        if not isinstance(manual, bool):
            raise ConfigError(f"clock.manual must be true or false; got {manual!r}")
        if isinstance(now, bool) or not isinstance(now, (int, float)):
            raise ConfigError(f"clock.now must be a number; got {now!r}")
        _bounded(abs(now), MAX_CLOCK_SECONDS, "clock.now (in absolute value)")
        if manual:
            self.use_manual(now)
        else:
            self.use_real()


class ClockControls(ControlBase):
    """Control operations of the clock."""

    @operation
    def configure_clock(self, manual: bool = True, now: float = 0) -> dict[str, Any]:
        """Use a manual clock starting at ``now`` seconds (``manual=False``: real time)."""
        self._behaviour.clock.load_config({"manual": manual, "now": now})
        return self.get_clock()

    @operation
    def get_clock(self) -> dict[str, Any]:
        clock = self._behaviour.clock
        return {"manual": clock.manual, "now": clock.now()}

    @operation
    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the manual clock forward (quota windows expire, latency elapses)."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ConfigError(f"seconds must be a number of zero or more; got {seconds!r}")
        _bounded(seconds, MAX_CLOCK_SECONDS, "seconds")
        self._behaviour.clock.advance(seconds)
        return self.get_clock()
