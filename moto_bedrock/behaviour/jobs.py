"""Work that finishes later: how long async invocations and batch jobs take, and outcomes
forced by the controls.

Jobs run on the behaviour clock: an async invocation is ``InProgress`` for
``async_seconds`` after it starts, then ``Completed``; a batch job spends ``batch_seconds``
going through ``Submitted``, ``Validating``, ``Scheduled`` and ``InProgress``. A job's
state is worked out whenever it is read, so a manual clock (``advance_clock``) moves jobs
as it moves quotas. :meth:`JobControls.complete_job` and :meth:`JobControls.fail_job` force
the outcome of the jobs whose ARN or id matches a glob (``"*"``: every job, present and
future) the next time each is read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from typing import Any

from .base import ConfigError, ControlBase, operation
from .faults import check_keys, check_list, check_text

__all__ = ["JobControls", "JobOutcome", "JobPlan", "clock_time", "in_window"]

#: Defaults: long enough that a poll loop sees a job in progress, short enough for tests.
DEFAULT_ASYNC_SECONDS = 1.0
DEFAULT_BATCH_SECONDS = 1.0

#: The failure message of ``fail_job`` when none is given.
DEFAULT_FAILURE = "The job was failed by the moto-bedrock behaviour controls."

_KEYS = ("async_seconds", "batch_seconds", "outcomes")
_OUTCOME_KEYS = ("job", "outcome", "message")


@dataclass(frozen=True)
class JobOutcome:
    """Jobs matching ``job`` (a glob over ARN and id) end as ``outcome`` when next read."""

    job: str
    outcome: str  # "complete" or "fail"
    message: str | None = None

    @classmethod
    def parse(cls, spec: Any, where: str) -> JobOutcome:
        spec = check_keys(spec, where, _OUTCOME_KEYS)
        outcome = spec.get("outcome")
        if outcome not in ("complete", "fail"):
            raise ConfigError(f"{where}.outcome must be 'complete' or 'fail'; got {outcome!r}")
        message = spec.get("message")
        if message is not None:
            check_text(message, f"{where}.message")
        return cls(check_text(spec.get("job"), f"{where}.job"), outcome, message)

    def matches(self, arn: str) -> bool:
        job_id = arn.rsplit("/", 1)[-1]
        return fnmatchcase(arn, self.job) or fnmatchcase(job_id, self.job)

    def to_json(self) -> dict[str, Any]:
        spec = {"job": self.job, "outcome": self.outcome}
        return spec if self.message is None else {**spec, "message": self.message}


def clock_time(seconds: float) -> datetime:
    """A behaviour-clock reading as the UTC time the API reports."""
    return datetime.fromtimestamp(seconds, timezone.utc)


def in_window(when: datetime, after: datetime | None, before: datetime | None) -> bool:
    """Whether ``when`` is strictly between the bounds given (moto parses them naive, UTC)."""
    for bound, sign in ((after, 1), (before, -1)):
        if bound is None:
            continue
        bound = bound if bound.tzinfo else bound.replace(tzinfo=timezone.utc)
        if sign * (when - bound).total_seconds() <= 0:
            return False
    return True


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{name} must be a number of zero or more; got {value!r}")
    return float(value)


class JobPlan:
    """Durations and forced outcomes of one backend's jobs; safe across server threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.async_seconds = DEFAULT_ASYNC_SECONDS
        self.batch_seconds = DEFAULT_BATCH_SECONDS
        self._outcomes: list[JobOutcome] = []

    def force(self, outcome: JobOutcome) -> None:
        with self._lock:
            self._outcomes.append(outcome)

    def outcome_for(self, arn: str) -> JobOutcome | None:
        """The most recently forced outcome whose pattern matches ``arn``, if any."""
        with self._lock:
            return next((o for o in reversed(self._outcomes) if o.matches(arn)), None)

    def clear(self) -> None:
        with self._lock:
            self._outcomes.clear()

    def to_config(self) -> dict[str, Any]:
        return {
            "async_seconds": self.async_seconds,
            "batch_seconds": self.batch_seconds,
            "outcomes": [o.to_json() for o in self._outcomes],
        }

    def load_config(self, config: Any) -> None:
        """Replace the plan with the ``jobs`` section of a config document (keys optional)."""
        config = check_keys(config, "jobs", _KEYS)
        async_seconds = _seconds(
            config.get("async_seconds", DEFAULT_ASYNC_SECONDS), "jobs.async_seconds"
        )
        batch_seconds = _seconds(
            config.get("batch_seconds", DEFAULT_BATCH_SECONDS), "jobs.batch_seconds"
        )
        outcomes = check_list(config.get("outcomes", []), "jobs.outcomes")
        parsed = [JobOutcome.parse(spec, f"jobs.outcomes[{i}]") for i, spec in enumerate(outcomes)]
        with self._lock:
            self.async_seconds, self.batch_seconds = async_seconds, batch_seconds
            self._outcomes = parsed


class JobControls(ControlBase):
    """Control operations of async invocations and batch jobs."""

    @operation
    def configure_jobs(
        self, async_seconds: float | None = None, batch_seconds: float | None = None
    ) -> dict[str, Any]:
        """Set how long (on the behaviour clock) async invocations and batch jobs take."""
        plan = self._behaviour.jobs
        if async_seconds is not None:
            plan.async_seconds = _seconds(async_seconds, "async_seconds")
        if batch_seconds is not None:
            plan.batch_seconds = _seconds(batch_seconds, "batch_seconds")
        return self.get_jobs()

    @operation
    def get_jobs(self) -> dict[str, Any]:
        """The job durations and the forced outcomes, as the ``jobs`` config section."""
        return self._behaviour.jobs.to_config()

    @operation
    def complete_job(self, job: str = "*") -> dict[str, Any]:
        """Finish the matching jobs (ARN, id or glob) successfully when each is next read."""
        return self._force(JobOutcome(check_text(job, "job"), "complete"))

    @operation
    def fail_job(self, job: str = "*", message: str = DEFAULT_FAILURE) -> dict[str, Any]:
        """Fail the matching jobs (ARN, id or glob) with ``message`` when each is next read."""
        return self._force(
            JobOutcome(check_text(job, "job"), "fail", check_text(message, "message"))
        )

    @operation
    def clear_job_outcomes(self) -> dict[str, Any]:
        """Forget every forced outcome (jobs already finished stay as they are)."""
        self._behaviour.jobs.clear()
        return self.get_jobs()

    def _force(self, outcome: JobOutcome) -> dict[str, Any]:
        self._behaviour.jobs.force(outcome)
        return self.get_jobs()
