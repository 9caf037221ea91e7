"""Per-model requests- and tokens-per-minute quotas, on the behaviour clock.

Each quota keeps a sliding 60-second window of the calls it admitted and the tokens they
used. A call is refused with ``ThrottlingException`` (HTTP 429) when a matching quota's
window already holds ``requests_per_minute`` requests, or ``tokens_per_minute`` tokens or
more. Refused calls are not counted. Tokens (input + output) are charged when a call
finishes, so one call may take a window past its limit; the next call is then refused.
Real Bedrock also reserves ``max_tokens`` up front; that refinement is not emulated.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..bedrockruntime.exceptions import ThrottlingException
from .base import ConfigError, ControlBase, operation
from .faults import check_int, check_keys, check_list, name_of
from .matching import ModelPattern

__all__ = ["WINDOW_SECONDS", "Quota", "QuotaControls", "QuotaPlan"]

#: The length of a quota window: Bedrock's quotas are per minute.
WINDOW_SECONDS = 60.0

# AWS's texts (shared/reference/bedrock-wire.md §2.3).
TOO_MANY_REQUESTS = "Too many requests, please wait before trying again."
TOO_MANY_TOKENS = "Too many tokens, please wait before trying again."

_QUOTA_KEYS = ("model", "requests_per_minute", "tokens_per_minute")


@dataclass
class Quota:
    """The limits for the models ``model`` matches, and the usage in the current window."""

    model: ModelPattern
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None
    requests: deque[float] = field(default_factory=deque)
    """When each admitted call arrived."""
    tokens: deque[tuple[float, int]] = field(default_factory=deque)
    """When each finished call was charged, and its tokens."""

    @classmethod
    def parse(cls, spec: Any, where: str = "") -> Quota:
        """A quota from its JSON form; ``where`` prefixes the names in error messages."""
        spec = check_keys(spec, where, _QUOTA_KEYS)
        if spec.get("model") is None:
            raise ConfigError(f"{name_of(where, 'model')} is required (a glob or re:<regex>)")
        quota = cls(ModelPattern(spec["model"], name_of(where, "model")))
        # Zero is allowed: a new account's quota for a model can really be 0.
        if spec.get("requests_per_minute") is not None:
            name = name_of(where, "requests_per_minute")
            quota.requests_per_minute = check_int(spec["requests_per_minute"], name, 0)
        if spec.get("tokens_per_minute") is not None:
            name = name_of(where, "tokens_per_minute")
            quota.tokens_per_minute = check_int(spec["tokens_per_minute"], name, 0)
        if quota.requests_per_minute is None and quota.tokens_per_minute is None:
            raise ConfigError(
                f"{where or 'a quota'} needs requests_per_minute, tokens_per_minute or both"
            )
        return quota

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"model": self.model.pattern}
        if self.requests_per_minute is not None:
            config["requests_per_minute"] = self.requests_per_minute
        if self.tokens_per_minute is not None:
            config["tokens_per_minute"] = self.tokens_per_minute
        return config

    def expire(self, now: float) -> None:
        """Forget what is 60 seconds old or more."""
        start = now - WINDOW_SECONDS
        while self.requests and self.requests[0] <= start:
            self.requests.popleft()
        while self.tokens and self.tokens[0][0] <= start:
            self.tokens.popleft()

    def refusal(self) -> str | None:
        """Why a call now would exceed this quota (after :meth:`expire`), if it would."""
        if self.requests_per_minute is not None and len(self.requests) >= self.requests_per_minute:
            return TOO_MANY_REQUESTS
        if self.tokens_per_minute is not None and self.used_tokens() >= self.tokens_per_minute:
            return TOO_MANY_TOKENS
        return None

    def used_tokens(self) -> int:
        return sum(tokens for _, tokens in self.tokens)

    def to_json(self) -> dict[str, Any]:
        """Settings plus the window's usage, as ``get_quotas`` shows them."""
        return {
            **self.to_config(),
            "window": {"requests": len(self.requests), "tokens": self.used_tokens()},
        }


class QuotaPlan:
    """The quotas of one backend and the usage in their current windows.

    Every quota whose model pattern matches a call applies to it: the call must fit all of
    them, and counts in each.
    """

    def __init__(self) -> None:
        # Server mode admits calls on several threads; check-then-count must be atomic.
        self._lock = threading.Lock()
        self._quotas: list[Quota] = []

    def set(self, quota: Quota) -> None:
        """Add ``quota``, replacing (and resetting) one with the same model pattern."""
        with self._lock:
            for index, existing in enumerate(self._quotas):
                if existing.model.pattern == quota.model.pattern:
                    self._quotas[index] = quota
                    return
            self._quotas.append(quota)

    def clear(self) -> None:
        with self._lock:
            self._quotas.clear()

    def to_json(self, now: float) -> list[dict[str, Any]]:
        with self._lock:
            for quota in self._quotas:
                quota.expire(now)
            return [quota.to_json() for quota in self._quotas]

    def _matching(self, model_id: str, requested_id: str, now: float) -> list[Quota]:
        matching = [q for q in self._quotas if q.model.matches(model_id, requested_id)]
        for quota in matching:
            quota.expire(now)
        return matching

    def admit(self, model_id: str, requested_id: str, now: float) -> None:
        """Raise ThrottlingException if a call now would exceed a quota; else count it."""
        with self._lock:
            matching = self._matching(model_id, requested_id, now)
            for quota in matching:
                reason = quota.refusal()
                if reason is not None:
                    error = ThrottlingException(reason)
                    error.injected = "quota"  # type: ignore[attr-defined]
                    raise error
            for quota in matching:
                quota.requests.append(now)

    def settle(self, model_id: str, requested_id: str, tokens: int, now: float) -> None:
        """Charge ``tokens`` (input + output of the finished call) to the model's window."""
        if tokens <= 0:
            return
        with self._lock:
            for quota in self._matching(model_id, requested_id, now):
                quota.tokens.append((now, tokens))

    def to_config(self) -> list[dict[str, Any]]:
        with self._lock:
            return [quota.to_config() for quota in self._quotas]

    def load_config(self, config: Any) -> None:
        """Replace every quota with those of ``config`` (a list), with empty windows."""
        quotas: list[Quota] = []
        for index, spec in enumerate(check_list(config, "quotas")):
            quota = Quota.parse(spec, f"quotas[{index}]")
            if any(q.model.pattern == quota.model.pattern for q in quotas):
                raise ConfigError(f"quotas[{index}].model repeats {quota.model.pattern!r}")
            quotas.append(quota)
        with self._lock:
            self._quotas = quotas


class QuotaControls(ControlBase):
    """Control operations of quotas."""

    @operation
    def set_quota(
        self,
        model: str,
        requests_per_minute: int | None = None,
        tokens_per_minute: int | None = None,
    ) -> dict[str, Any]:
        """Limit the models ``model`` matches (a glob or ``re:<regex>``) per minute.

        Replaces any quota set before for the same pattern, and starts its window empty.
        Returns the quota with its current window usage.
        """
        quota = Quota.parse(
            {
                "model": model,
                "requests_per_minute": requests_per_minute,
                "tokens_per_minute": tokens_per_minute,
            }
        )
        self._behaviour.quotas.set(quota)
        return {**quota.to_config(), "window": {"requests": 0, "tokens": 0}}

    @operation
    def get_quotas(self) -> dict[str, Any]:
        """Every quota with the requests and tokens in its window now."""
        behaviour = self._behaviour
        return {"quotas": behaviour.quotas.to_json(behaviour.clock.now())}

    @operation
    def clear_quotas(self) -> dict[str, Any]:
        """Drop every quota and its usage."""
        self._behaviour.quotas.clear()
        return {}
