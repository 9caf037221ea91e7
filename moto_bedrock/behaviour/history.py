"""The call history: one record per runtime call, bounded, cleared by moto's reset.

Bounded twice (:class:`HistoryLimits`): by a count of records (``cap``) and by an estimate
of the bytes they hold (``max_bytes``); the oldest records go first when either is passed.
Binary content (images, documents, video) larger than :data:`BLOB_BYTES` is kept as its
size and sha256 (``{"omitted_bytes": n, "sha256": hex}``) unless ``keep_blobs`` is set, so
the history grows with the number of calls, not with what they carried.

:class:`CallFilter` selects calls by operation, model, source, error and sequence; it works
on the JSON form of a record, so the server filters with it and so does
:class:`~moto_bedrock.behaviour.history_view.HistoryView` on the client side.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from fnmatch import fnmatchcase
from typing import Any

from ..wire.streaming import ConfigError

__all__ = [
    "RECORDED_OPERATIONS",
    "CallFilter",
    "CallHistory",
    "CallRecord",
    "HistoryLimits",
]

DEFAULT_CAP = 1000
#: The most records ``cap`` may ask for.
MAX_CAP = 1_000_000
#: The default byte budget of one backend's history (an estimate of what records hold).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: The largest byte budget accepted (1 TiB: past any machine's memory, below any overflow).
MAX_MAX_BYTES = 1 << 40
#: Binary values larger than this are kept as size and digest unless ``keep_blobs``.
BLOB_BYTES = 4096
# What an estimate adds per record, and per value inside one (dicts, lists, numbers).
_RECORD_OVERHEAD = 1024
_VALUE_OVERHEAD = 64

#: The runtime operations the history records.
RECORDED_OPERATIONS = (
    "ApplyGuardrail",
    "Converse",
    "ConverseStream",
    "CountTokens",
    "InvokeModel",
    "InvokeModelWithResponseStream",
    "StartAsyncInvoke",
)


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
    guardrails: list[dict[str, Any]] = field(default_factory=list)
    """Each guardrail evaluation: id, version, origin, source, action and findings."""
    started_at: float = 0.0
    """When the call arrived, on the behaviour clock (seconds)."""
    duration_ms: float = 0.0
    """How long the backend took to answer (real wall time)."""
    routed_model_arn: str | None = None
    """For a prompt router ``modelId``: the model it chose (``trace.promptRouter``)."""
    job: str | None = None
    """The ARN of the batch job or async invocation this call belongs to, if any."""
    bodies: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What invocation logging writes (request and response bodies); not in the history."""
    abandoned: bool = False
    """A stream whose reader went away (or stalled past the write timeout) before its end."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy (binary content as base64)."""
        data = asdict(self)
        del data["bodies"]
        return _jsonable(data)  # type: ignore[no-any-return]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _bounded_int(where: str, value: Any, least: int, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise ConfigError(f"{where} must be an integer from {least} to {most}; got {value!r}")
    return value


@dataclass(frozen=True)
class HistoryLimits:
    """How much the history keeps: ``cap`` records, ``max_bytes`` (estimated), and whether
    binary content is kept whole (``keep_blobs``) or as size and digest."""

    cap: int = DEFAULT_CAP
    max_bytes: int = DEFAULT_MAX_BYTES
    keep_blobs: bool = False

    @classmethod
    def parse(cls, value: Any, where: str = "history") -> HistoryLimits:
        """Limits from a mapping of some of the three keys; raises ConfigError naming them."""
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where} must be a mapping; got {type(value).__name__}")
        names = sorted(f.name for f in fields(cls))
        unknown = sorted(str(key) for key in set(value) - set(names))
        if unknown:
            raise ConfigError(f"{where}: unknown keys {unknown}; expected some of {names}")
        keep_blobs = value.get("keep_blobs", False)
        if not isinstance(keep_blobs, bool):
            raise ConfigError(f"{where}.keep_blobs must be true or false; got {keep_blobs!r}")
        cap = value.get("cap", DEFAULT_CAP)
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            raise ConfigError(f"{where}.cap must be a positive integer; got {cap!r}")
        return cls(
            cap=_bounded_int(f"{where}.cap", cap, 1, MAX_CAP),
            max_bytes=_bounded_int(
                f"{where}.max_bytes",
                value.get("max_bytes", DEFAULT_MAX_BYTES),
                _RECORD_OVERHEAD,
                MAX_MAX_BYTES,
            ),
            keep_blobs=keep_blobs,
        )

    def to_config(self) -> dict[str, Any]:
        """The ``history`` config section: ``cap``, and the others when not the default."""
        config: dict[str, Any] = {"cap": self.cap}
        if self.max_bytes != DEFAULT_MAX_BYTES:
            config["max_bytes"] = self.max_bytes
        if self.keep_blobs:
            config["keep_blobs"] = True
        return config


def _compact(value: Any, keep_blobs: bool) -> tuple[Any, int]:
    """``value`` with large binary values replaced by size and digest; its estimated bytes.

    Containers are copied only where something inside them was replaced.
    """
    if isinstance(value, (bytes, bytearray)):
        size = len(value)
        if keep_blobs or size <= BLOB_BYTES:
            return value, size + _VALUE_OVERHEAD
        digest = hashlib.sha256(value).hexdigest()
        return {"omitted_bytes": size, "sha256": digest}, 2 * _VALUE_OVERHEAD
    if isinstance(value, str):
        return value, len(value) + _VALUE_OVERHEAD
    if isinstance(value, dict):
        total, changed, out = _VALUE_OVERHEAD, False, {}
        for key, item in value.items():
            new, size = _compact(item, keep_blobs)
            total += size + len(str(key))
            changed = changed or new is not item
            out[key] = new
        return (out if changed else value), total
    if isinstance(value, (list, tuple)):
        total, changed, items = _VALUE_OVERHEAD, False, []
        for item in value:
            new, size = _compact(item, keep_blobs)
            total += size
            changed = changed or new is not item
            items.append(new)
        return (items if changed else value), total
    return value, _VALUE_OVERHEAD


class CallHistory:
    """The most recent records within the limits, oldest first; safe from server threads."""

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self._lock = threading.Lock()
        self._records: deque[tuple[CallRecord, int]] = deque()
        self._bytes = 0
        self._sequence = 0
        self.limits = HistoryLimits(cap=cap)

    def start(self, operation: str, model_id: str) -> CallRecord:
        """A new record; it is kept once :meth:`add` is called."""
        with self._lock:
            self._sequence += 1
            return CallRecord(self._sequence, operation, model_id)

    def add(self, record: CallRecord) -> None:
        """Keep ``record`` (large blobs compacted), dropping the oldest past the limits."""
        keep_blobs = self.limits.keep_blobs
        # Outside the lock: this walks what the call carried.
        record.request, request_bytes = _compact(record.request, keep_blobs)
        record.content, content_bytes = _compact(record.content, keep_blobs)
        size = _RECORD_OVERHEAD + request_bytes + content_bytes
        with self._lock:
            self._records.append((record, size))
            self._bytes += size
            self._trim()

    def note_abandoned(self, record: CallRecord) -> None:
        """Mark a stream whose reader went away before its end (kept record or not)."""
        record.abandoned = True

    def _trim(self) -> None:
        limits = self.limits
        while self._records and (len(self._records) > limits.cap or self._bytes > limits.max_bytes):
            _, size = self._records.popleft()
            self._bytes -= size

    def records(self) -> list[CallRecord]:
        """A snapshot of the kept records, oldest first."""
        with self._lock:
            return [record for record, _ in self._records]

    @property
    def cap(self) -> int:
        """How many records are kept at most."""
        return self.limits.cap

    @property
    def bytes(self) -> int:
        """The estimated bytes the kept records hold."""
        return self._bytes

    def resize(self, cap: int) -> None:
        """Keep at most ``cap`` records from now on (the oldest go first)."""
        self.set_limits(HistoryLimits(cap, self.limits.max_bytes, self.limits.keep_blobs))

    def set_limits(self, limits: HistoryLimits) -> None:
        """Apply new limits (checked by :meth:`HistoryLimits.parse`); the oldest go first."""
        with self._lock:
            self.limits = limits
            self._trim()

    def clear(self) -> None:
        """Forget every record; sequence numbers keep counting."""
        with self._lock:
            self._records.clear()
            self._bytes = 0


def _is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def _check_text(name: str, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(f"{name} must be a non-empty string; got {value!r}")


def _check_count(name: str, value: Any, least: int) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value < least
    ):
        raise ConfigError(f"{name} must be an integer of {least} or more; got {value!r}")


@dataclass(frozen=True)
class CallFilter:
    """Which calls to select; every field left ``None`` matches every call.

    ``operation``, ``model`` and ``source`` are exact names or globs (``fnmatch`` syntax,
    case-sensitive); ``model`` matches the id as sent or the resolved base model id.
    ``error`` is ``True`` (failed calls), ``False`` (successful ones) or an error code
    glob, with or without its ``Exception`` suffix (``"Throttling"``). ``since`` keeps the
    calls after that sequence number; ``limit`` keeps the last ``limit`` of those matched.
    """

    operation: str | None = None
    model: str | None = None
    source: str | None = None
    error: bool | str | None = None
    since: int | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        for name in ("operation", "model", "source"):
            _check_text(name, getattr(self, name))
        operation = self.operation
        # A misspelt name would silently match nothing; a glob is taken as meant.
        if (
            operation is not None
            and not _is_glob(operation)
            and operation not in RECORDED_OPERATIONS
        ):
            raise ConfigError(
                f"unknown operation {operation!r}; expected one of "
                f"{', '.join(RECORDED_OPERATIONS)} (or a glob)"
            )
        if self.error is not None and not isinstance(self.error, bool):
            _check_text("error", self.error)
        _check_count("since", self.since, 0)
        _check_count("limit", self.limit, 1)

    @classmethod
    def of(cls, filters: Mapping[str, Any]) -> CallFilter:
        """A filter from keyword arguments, rejecting unknown names."""
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(filters) - set(names))
        if unknown:
            raise ConfigError(f"unknown history filters {unknown}; expected some of {names}")
        return cls(**filters)

    def matches(self, call: Mapping[str, Any]) -> bool:
        """Whether one call (a record's JSON form) passes every filter but ``limit``."""
        if self.operation is not None and not fnmatchcase(call["operation"], self.operation):
            return False
        if self.model is not None:
            ids = (call.get("model_id"), call.get("resolved_model_id"))
            if not any(i is not None and fnmatchcase(i, self.model) for i in ids):
                return False
        if self.source is not None:
            source = call.get("source")
            if source is None or not fnmatchcase(source, self.source):
                return False
        if self.since is not None and call["sequence"] <= self.since:
            return False
        return self._error_matches(call.get("error"))

    def _error_matches(self, error: Mapping[str, str] | None) -> bool:
        if self.error is None:
            return True
        if isinstance(self.error, bool):
            return (error is not None) is self.error
        if error is None:
            return False
        code = error["code"]
        return fnmatchcase(code, self.error) or fnmatchcase(code, self.error + "Exception")

    def select(self, calls: Iterable[Mapping[str, Any]]) -> list[Any]:
        """The matching calls, oldest first (the last ``limit`` of them, if set)."""
        chosen = [call for call in calls if self.matches(call)]
        return chosen[-self.limit :] if self.limit is not None else chosen

    def describe(self) -> str:
        """The filters set, as ``name=value`` pairs (empty when none is)."""
        return ", ".join(
            f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if getattr(self, f.name) is not None
        )
