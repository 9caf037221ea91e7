"""Scripted replies: static, FIFO queues, rules, a callable, a local LLM; strict mode.

(Skeleton: answers with the fallback responder until filled in.)
"""

from __future__ import annotations

from typing import Any

from ..responders import Invocation, Reply, Responder
from .base import ControlBase

__all__ = ["ReplyControls", "ReplyScript"]


class ReplyScript:
    """Which reply each invocation gets, and from where."""

    def respond(self, invocation: Invocation, fallback: Responder) -> tuple[Reply, str]:
        """The reply and its source (``"default"``, ``"queue"``, ``"rule:<name>"``...)."""
        return fallback(invocation), "default"

    def to_config(self) -> dict[str, Any]:
        return {}

    def load_config(self, config: dict[str, Any]) -> None:
        pass


class ReplyControls(ControlBase):
    """Control operations of scripted replies."""
