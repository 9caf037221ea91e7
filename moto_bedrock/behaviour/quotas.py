"""Per-model requests- and tokens-per-minute quotas, on the behaviour clock.

(Skeleton: admits everything until filled in.)
"""

from __future__ import annotations

from typing import Any

from .base import ControlBase

__all__ = ["QuotaControls", "QuotaPlan"]


class QuotaPlan:
    """The quotas of one backend and the usage in their current windows."""

    def admit(self, model_id: str, requested_id: str, now: float) -> None:
        """Raise ThrottlingException if a call now would exceed a quota; else count it."""

    def settle(self, model_id: str, requested_id: str, tokens: int, now: float) -> None:
        """Charge ``tokens`` (input + output of the finished call) to the model's window."""

    def to_config(self) -> list[dict[str, Any]]:
        return []

    def load_config(self, config: list[dict[str, Any]]) -> None:
        pass


class QuotaControls(ControlBase):
    """Control operations of quotas."""
