"""Statuses that advance on the behaviour clock.

A :class:`Lifecycle` is a fixed sequence of statuses, each held for some seconds, ending in
a terminal one (``Creating`` 300 s, then ``InService``). A :class:`Progress` is one
resource's walk through it, read lazily: its status is computed from the clock each time
it is asked, so nothing runs in the background.

On a manual clock (``configure_clock(manual=True)``) the durations are honoured: a test
moves through the statuses with ``advance_clock``. On the real clock a resource is in its
terminal status at once, so everyday code never waits for simulated provisioning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ...behaviour.clock import Clock

__all__ = ["Lifecycle", "Progress"]


@dataclass(frozen=True)
class Lifecycle:
    """Statuses in order, each with how long it lasts; the last is terminal."""

    steps: tuple[tuple[str, float], ...]

    @classmethod
    def of(cls, *steps: tuple[str, float], then: str) -> Lifecycle:
        return cls((*steps, (then, 0.0)))

    @property
    def first(self) -> str:
        return self.steps[0][0]

    @property
    def terminal(self) -> str:
        return self.steps[-1][0]

    @property
    def total(self) -> float:
        """Seconds from the first status to the terminal one."""
        return sum(seconds for _, seconds in self.steps[:-1])

    def status_after(self, elapsed: float) -> str:
        for status, seconds in self.steps[:-1]:
            if elapsed < seconds:
                return status
            elapsed -= seconds
        return self.terminal


class Progress:
    """One resource's walk through a lifecycle, on one clock."""

    def __init__(self, lifecycle: Lifecycle, clock: Clock) -> None:
        self.lifecycle = lifecycle
        self.clock = clock
        self.started = clock.now()
        # Created on the real clock: done at once (see the module doc).
        self._instant = not clock.manual
        self._held: tuple[str, float] | None = None

    def _elapsed(self) -> float:
        if self._instant or not self.clock.manual:
            return self.lifecycle.total
        return max(0.0, self.clock.now() - self.started)

    @property
    def status(self) -> str:
        if self._held is not None:
            return self._held[0]
        return self.lifecycle.status_after(self._elapsed())

    @property
    def done(self) -> bool:
        return self._held is not None or self.status == self.lifecycle.terminal

    def hold(self, status: str) -> None:
        """Stop the walk at ``status`` from now on (Stopped, Failed, ...)."""
        self._held = (status, self.clock.now())

    def restart(self, lifecycle: Lifecycle | None = None) -> None:
        """Walk again from the first status (an update that re-provisions)."""
        self.lifecycle = lifecycle or self.lifecycle
        self.started = self.clock.now()
        self._instant = not self.clock.manual
        self._held = None

    def ended_at(self) -> datetime | None:
        """When the walk reached its terminal status (or was held), if it has."""
        if self._held is not None:
            return _utc(self._held[1])
        if not self.done:
            return None
        return _utc(self.started if self._instant else self.started + self.lifecycle.total)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)
