"""Per-model simulated latency: time to first token and tokens per second.

(Skeleton: uses the global stream settings until filled in.)
"""

from __future__ import annotations

from typing import Any

from ..streaming import StreamSettings
from .base import ControlBase

__all__ = ["LatencyControls", "LatencyPlan"]


class LatencyPlan:
    """Timing overrides by model."""

    def settings_for(
        self, model_id: str, requested_id: str, base: StreamSettings
    ) -> StreamSettings:
        """``base`` with the timing configured for this model, if any."""
        return base

    def to_config(self) -> list[dict[str, Any]]:
        return []

    def load_config(self, config: list[dict[str, Any]]) -> None:
        pass


class LatencyControls(ControlBase):
    """Control operations of latency."""
