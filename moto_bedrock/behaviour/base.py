"""What every control area shares: the operation marker and the backend look-up.

A control area (replies, faults, quotas, ...) is a mixin of :class:`ControlBase`. Its
methods marked with :func:`operation` take and return JSON-ready values, so the same
method runs in-process (``BedrockControl``) and over HTTP (``RemoteControl`` sends
``POST /moto-api/bedrock/<name>``, and the server runs the method). Unmarked public
methods are Python helpers built on the marked ones (assertions, views), so they work
through either door; methods taking Python callables are in-process only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from moto.core.models import DEFAULT_ACCOUNT_ID

from .. import _moto
from ..wire.streaming import ConfigError

if TYPE_CHECKING:
    from ..bedrockruntime.models import BedrockRuntimeBackend
    from . import Behaviour

__all__ = ["ConfigError", "ControlBase", "operation", "operations_of"]

F = TypeVar("F", bound=Callable[..., Any])


def operation(method: F) -> F:
    """Mark ``method`` as a control operation served over HTTP too."""
    method._control_operation = True  # type: ignore[attr-defined]
    return method


def operations_of(cls: type) -> tuple[str, ...]:
    """The names of ``cls``'s control operations, sorted."""
    return tuple(
        sorted(
            name
            for name in dir(cls)
            if not name.startswith("_") and getattr(getattr(cls, name), "_control_operation", False)
        )
    )


class ControlBase:
    """The account and region a control acts on, and their backend's state."""

    #: False on ``RemoteControl``: Python callables cannot cross HTTP.
    in_process = True

    def __init__(self, region: str = "us-east-1", account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self.region = region
        self.account_id = account_id

    @property
    def _runtime(self) -> BedrockRuntimeBackend:
        # Found through moto, not imported: the backends sit above the behaviour layer.
        backend: BedrockRuntimeBackend = _moto.installed_backends("bedrock-runtime")[
            self.account_id
        ][self.region]
        return backend

    @property
    def _behaviour(self) -> Behaviour:
        return self._runtime.behaviour

    def _local_only(self, what: str) -> None:
        if not self.in_process:
            raise ConfigError(f"{what} takes a Python callable, so it works in-process only")
