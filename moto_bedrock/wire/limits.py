"""Upper bounds for every number a client can configure, checked where the number is.

A number past these is a configuration error (HTTP 400 over the control API), never a
sleep of eleven days, an overflow deep in a request (a 500) or a loop without end.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "MAX_CLOCK_SECONDS",
    "MAX_COUNT",
    "MAX_DELAY_MS",
    "MIN_TOKENS_PER_SECOND",
    "too_large",
]

#: The longest time to first token, in milliseconds (ten minutes).
MAX_DELAY_MS = 600_000
#: The slowest stream: one token may take at most ten minutes.
MIN_TOKENS_PER_SECOND = 1 / 600
#: The largest count (fault counts, calls, events, quota sizes).
MAX_COUNT = 10**12
#: The largest clock time or clock step, in seconds (some 30,000 years).
MAX_CLOCK_SECONDS = 1e12


def too_large(value: Any, most: float, name: str) -> str | None:
    """Why the number ``value`` is past ``most`` (or not finite), or None; a leaf, so the
    caller raises its own error."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None  # the type is checked where the value is read
    if (isinstance(value, float) and not math.isfinite(value)) or value > most:
        return f"{name} must be at most {most:g}; got {value!r}"
    return None
