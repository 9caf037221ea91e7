"""The call history: one record per runtime call, bounded, cleared by moto's reset."""

from __future__ import annotations

import base64
import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["CallHistory", "CallRecord"]

DEFAULT_CAP = 1000


@dataclass
class CallRecord:
    """What one runtime call asked for and what it got."""

    sequence: int
    operation: str
    model_id: str
    resolved_model_id: str | None = None
    request: dict[str, Any] = field(default_factory=dict)
    """Converse-shaped fields: messages, system, inferenceConfig, toolConfig."""
    stop_reason: str | None = None
    content: list[dict[str, Any]] | None = None
    usage: dict[str, int] | None = None
    error: dict[str, str] | None = None
    """``{"code", "message"}`` when the call was answered with an error."""
    stream_fault: str | None = None
    waived_rules: list[str] = field(default_factory=list)
    """Rules not enforced because the validation policy is lenient for them."""
    source: str | None = None
    """What answered: ``default``, ``static``, ``queue``, ``rule:<name>``, ``callable``, ``llm``."""
    injected: str | None = None
    """``fault`` or ``quota`` when the error was injected by a control, not caused by input."""
    started_at: float = 0.0
    """When the call arrived, on the behaviour clock (seconds)."""
    duration_ms: float = 0.0
    """How long the backend took to answer (real wall time)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy (binary content as base64)."""
        return _jsonable(asdict(self))  # type: ignore[no-any-return]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class CallHistory:
    """The most recent ``cap`` records, oldest first; safe to use from server threads."""

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self._lock = threading.Lock()
        self._records: deque[CallRecord] = deque(maxlen=cap)
        self._sequence = 0

    def start(self, operation: str, model_id: str) -> CallRecord:
        """A new record; it is kept once :meth:`add` is called."""
        with self._lock:
            self._sequence += 1
            return CallRecord(self._sequence, operation, model_id)

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    @property
    def cap(self) -> int:
        return self._records.maxlen or DEFAULT_CAP

    def resize(self, cap: int) -> None:
        with self._lock:
            self._records = deque(self._records, maxlen=cap)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
