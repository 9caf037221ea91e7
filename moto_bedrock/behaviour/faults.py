"""Injected faults: modeled errors on chosen calls, by operation and model.

A fault watches the calls that match its operation(s) and model. It lets the first
``on_call - 1`` of them through, then fails up to ``count`` of them (``None``: forever),
each with ``probability`` drawn from the fault's own seeded generator, so a run repeats
exactly. The error is raised before the model runs, so on the streaming operations it is an
ordinary HTTP error, never an event (``inject_stream_error`` covers mid-stream failures).

The small checkers here are shared with quotas and latency; models are matched by
:class:`~moto_bedrock.behaviour.matching.ModelPattern`, as rules are.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..bedrockruntime.exceptions import (
    INJECTABLE,
    BedrockError,
    ModelErrorException,
    injectable_code,
    make_error,
)
from ..wire.limits import MAX_COUNT, too_large
from .base import ConfigError, ControlBase, operation
from .matching import ModelPattern

__all__ = ["RUNTIME_OPERATIONS", "Fault", "FaultControls", "FaultPlan"]

#: The runtime operations a fault can be scoped to (and that the call history records).
RUNTIME_OPERATIONS = (
    "Converse",
    "ConverseStream",
    "InvokeModel",
    "InvokeModelWithResponseStream",
    "CountTokens",
)

#: The seed of a probabilistic fault given none, so that runs are reproducible anyway.
DEFAULT_SEED = 0

_FAULT_KEYS = (
    "error",
    "operation",
    "model",
    "on_call",
    "count",
    "probability",
    "seed",
    "message",
    "original_status_code",
    "resource_name",
)


# -- argument checks shared by faults, quotas and latency ---------------------------------


def name_of(where: str, key: str) -> str:
    """``key`` as an error message names it: ``faults[0].count``, or just ``count``."""
    return f"{where}.{key}" if where else key


def check_keys(spec: Any, where: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    """``spec`` as a mapping with no keys outside ``allowed``."""
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where or 'the entry'} must be a mapping; got {spec!r}")
    unknown = sorted(str(key) for key in set(spec) - set(allowed))
    if unknown:
        raise ConfigError(
            f"{where or 'the entry'}: unknown keys {unknown}; expected some of {sorted(allowed)}"
        )
    return spec


def bounded(value: Any, most: float, name: str) -> None:
    """Raise ConfigError if the number ``value`` is past ``most`` (wire/limits.py)."""
    problem = too_large(value, most, name)
    if problem is not None:
        raise ConfigError(problem)


def check_int(value: Any, name: str, minimum: int | None) -> int:
    """``value`` if it is an integer of at least ``minimum`` (None: any integer)."""
    if minimum is None:
        wanted = "an integer"
    else:
        wanted = "a positive integer" if minimum == 1 else f"an integer of {minimum} or more"
    # bool is an int in Python, but `count: true` in a config file is a mistake.
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or (minimum is not None and value < minimum)
    ):
        raise ConfigError(f"{name} must be {wanted}; got {value!r}")
    bounded(value, MAX_COUNT, name)
    return value


def check_text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{name} must be a non-empty string; got {value!r}")
    return value


def check_list(config: Any, area: str) -> list[Any]:
    if not isinstance(config, list):
        raise ConfigError(f"{area} must be a list; got {config!r}")
    return config


# -- faults ------------------------------------------------------------------------------


def _operations(value: Any, name: str) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(each, str) and each in RUNTIME_OPERATIONS for each in names)
    ):
        raise ConfigError(
            f"{name} must be one or a list of {', '.join(RUNTIME_OPERATIONS)}; got {value!r}"
        )
    return tuple(dict.fromkeys(names))


@dataclass
class Fault:
    """One injected fault and how many calls it has seen and failed."""

    error: str
    operations: tuple[str, ...] | None = None
    model: ModelPattern | None = None
    on_call: int = 1
    count: int | None = 1
    probability: float | None = None
    seed: int | None = None
    message: str | None = None
    original_status_code: int | None = None
    resource_name: str | None = None
    matched: int = 0
    """Calls that matched (including those before ``on_call`` and those let through)."""
    fired: int = 0
    """Calls this fault failed."""
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(DEFAULT_SEED if self.seed is None else self.seed)

    @classmethod
    def parse(cls, spec: Any, where: str = "") -> Fault:
        """A fault from its JSON form; ``where`` prefixes the names in error messages."""
        spec = check_keys(spec, where, _FAULT_KEYS)
        if "error" not in spec:
            raise ConfigError(f"{name_of(where, 'error')} is required")
        raw_error = spec["error"]
        code = injectable_code(raw_error) if isinstance(raw_error, str) else None
        if code is None:
            raise ConfigError(
                f"{name_of(where, 'error')} must be one of {', '.join(INJECTABLE)}; "
                f"got {raw_error!r}"
            )
        fault: dict[str, Any] = {"error": code}
        if spec.get("operation") is not None:
            fault["operations"] = _operations(spec["operation"], name_of(where, "operation"))
        if spec.get("model") is not None:
            fault["model"] = ModelPattern(spec["model"], name_of(where, "model"))
        if spec.get("on_call") is not None:
            fault["on_call"] = check_int(spec["on_call"], name_of(where, "on_call"), 1)
        if "count" in spec:  # an explicit null means "every matching call"
            count = spec["count"]
            fault["count"] = None if count is None else check_int(count, name_of(where, "count"), 1)
        if spec.get("probability") is not None:
            fault["probability"] = _probability(spec["probability"], name_of(where, "probability"))
        if spec.get("seed") is not None:
            if "probability" not in fault:
                raise ConfigError(f"{name_of(where, 'seed')} is only used with probability")
            fault["seed"] = check_int(spec["seed"], name_of(where, "seed"), None)
        if spec.get("message") is not None:
            fault["message"] = check_text(spec["message"], name_of(where, "message"))
        for key in ("original_status_code", "resource_name"):
            if spec.get(key) is not None and code != ModelErrorException.code:
                raise ConfigError(f"{name_of(where, key)} is only used with ModelErrorException")
        if spec.get("original_status_code") is not None:
            name = name_of(where, "original_status_code")
            status = check_int(spec["original_status_code"], name, 100)
            if status > 599:  # the service model's StatusCode range
                raise ConfigError(f"{name} must be an HTTP status (100-599); got {status!r}")
            fault["original_status_code"] = status
        if spec.get("resource_name") is not None:
            fault["resource_name"] = check_text(
                spec["resource_name"], name_of(where, "resource_name")
            )
        return cls(**fault)

    def applies_to(self, operation: str, model_id: str, requested_id: str) -> bool:
        return (self.operations is None or operation in self.operations) and (
            self.model is None or self.model.matches(model_id, requested_id)
        )

    def draw(self) -> bool:
        """Whether a call past ``on_call`` fails: always, or by the fault's seeded chance."""
        return self.probability is None or self._random.random() < self.probability

    def to_config(self) -> dict[str, Any]:
        """The JSON form :meth:`parse` takes (settings only, not progress)."""
        config: dict[str, Any] = {"error": self.error}
        if self.operations is not None:
            config["operation"] = list(self.operations)
        if self.model is not None:
            config["model"] = self.model.pattern
        config["on_call"] = self.on_call
        config["count"] = self.count
        optional = {
            "probability": self.probability,
            "seed": self.seed,
            "message": self.message,
            "original_status_code": self.original_status_code,
            "resource_name": self.resource_name,
        }
        config.update({key: value for key, value in optional.items() if value is not None})
        return config

    def to_json(self) -> dict[str, Any]:
        """Settings plus progress, as ``get_faults`` shows them."""
        return {**self.to_config(), "matched": self.matched, "fired": self.fired}

    def make_error(self) -> BedrockError:
        error: BedrockError
        if self.error == ModelErrorException.code:
            error = ModelErrorException(self.message, self.original_status_code, self.resource_name)
        else:
            error = make_error(self.error, self.message)
        # Read by the call history (``CallRecord.injected``); an attribute, not a subclass,
        # because moto derives the service of an error class from its module.
        error.injected = "fault"  # type: ignore[attr-defined]
        return error


def _probability(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{name} must be between 0 and 1; got {value!r}")
    return float(value)


class FaultPlan:
    """The faults queued for one backend, in the order they were injected."""

    def __init__(self) -> None:
        # Server mode runs calls on several threads; counting must not race.
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, operation: str, model_id: str, requested_id: str) -> BedrockError | None:
        """The error this call must fail with, if any (counts the call either way).

        Every matching fault counts the call and, once past ``on_call``, draws from its
        generator, so each fault's pass/fail sequence depends only on its own seed and the
        calls it matches. The first one that fires fails the call; a used-up fault goes.
        """
        with self._lock:
            winner: Fault | None = None
            for fault in list(self._faults):
                if not fault.applies_to(operation, model_id, requested_id):
                    continue
                fault.matched += 1
                if fault.matched < fault.on_call:
                    continue
                if fault.draw() and winner is None:
                    winner = fault
                    fault.fired += 1
                    if fault.count is not None and fault.fired >= fault.count:
                        self._faults.remove(fault)
            return None if winner is None else winner.make_error()

    def to_config(self) -> list[dict[str, Any]]:
        return [fault.to_config() for fault in self.faults()]

    def load_config(self, config: Any) -> None:
        """Replace every fault with those of ``config`` (a list), all checked first."""
        faults = [
            Fault.parse(spec, f"faults[{index}]")
            for index, spec in enumerate(check_list(config, "faults"))
        ]
        with self._lock:
            self._faults = faults


class FaultControls(ControlBase):
    """Control operations of faults."""

    @operation
    def inject_fault(
        self,
        error: str,
        operation: str | list[str] | None = None,
        model: str | None = None,
        on_call: int | None = None,
        count: int | None = 1,
        probability: float | None = None,
        seed: int | None = None,
        message: str | None = None,
        original_status_code: int | None = None,
        resource_name: str | None = None,
    ) -> dict[str, Any]:
        """Fail matching runtime calls with a modeled error; returns the fault.

        ``error`` is a code such as ``"ThrottlingException"`` (or ``"Throttling"``);
        ``operation`` one or a list of runtime operations (None: all); ``model`` a glob or
        ``re:<regex>`` on the resolved base id or the requested id (None: all). The first
        ``on_call - 1`` matching calls pass; then ``count`` calls fail (None: every one),
        each with ``probability`` (seeded by ``seed``, reproducible). ``message`` replaces
        AWS's text; ``original_status_code`` and ``resource_name`` fill ModelErrorException.
        """
        fault = Fault.parse(
            {
                "error": error,
                "operation": operation,
                "model": model,
                "on_call": on_call,
                "count": count,
                "probability": probability,
                "seed": seed,
                "message": message,
                "original_status_code": original_status_code,
                "resource_name": resource_name,
            }
        )
        self._behaviour.faults.add(fault)
        return fault.to_json()

    @operation
    def get_faults(self) -> dict[str, Any]:
        """The faults still active, oldest first, with ``matched`` and ``fired`` counts."""
        return {"faults": [fault.to_json() for fault in self._behaviour.faults.faults()]}

    @operation
    def clear_faults(self) -> dict[str, Any]:
        """Drop every injected fault."""
        self._behaviour.faults.clear()
        return {}
