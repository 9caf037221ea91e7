"""Injected faults: modeled errors on chosen calls, by operation and model.

(Skeleton: injects nothing until filled in.)
"""

from __future__ import annotations

from typing import Any

from ..bedrockruntime.exceptions import BedrockError
from .base import ControlBase

__all__ = ["FaultControls", "FaultPlan"]


class FaultPlan:
    """The faults queued for one backend."""

    def take(self, operation: str, model_id: str, requested_id: str) -> BedrockError | None:
        """The error this call must fail with, if any (counts the call either way)."""
        return None

    def to_config(self) -> list[dict[str, Any]]:
        return []

    def load_config(self, config: list[dict[str, Any]]) -> None:
        pass


class FaultControls(ControlBase):
    """Control operations of faults."""
