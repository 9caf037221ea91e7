"""StartAsyncInvoke, GetAsyncInvoke and ListAsyncInvokes: invocations that finish later and
write their output to moto's S3.

An invocation is ``InProgress`` until the behaviour clock passes its start plus
``jobs.async_seconds`` (or a control forces its outcome); it is brought up to date
whenever it is read. On completion its files (see
:mod:`moto_bedrock.generation.async_outputs`) are written under
``<s3Uri>/<invocation id>/``; if the bucket does not exist then, it fails instead.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import _moto
from ..bedrock.common import ConflictException, page
from ..behaviour.jobs import JobPlan, clock_time, in_window
from ..generation.async_outputs import AsyncModel, async_model, check_async_input, render_outputs
from ..wire.s3 import S3Location
from .exceptions import INVALID_MODEL_IDENTIFIER, ResourceNotFoundException, ValidationException

__all__ = ["AsyncInvocation", "AsyncInvokes"]

# Texts below are ours where marked "unverified": no recorded Bedrock response gives them.
NOT_ASYNC = "The provided model doesn't support async inference."  # unverified
TOKEN_REUSED = (  # unverified
    "The client request token was already used for a request with different parameters."
)


@dataclass
class AsyncInvocation:
    """One async invocation and its state on the behaviour clock."""

    arn: str
    model: AsyncModel
    model_id: str
    model_arn: str
    model_input: Any
    output_config: dict[str, Any]
    token: str | None
    tags: list[dict[str, str]]
    submitted: float
    status: str = "InProgress"
    failure: str | None = None
    modified: float = 0.0
    ended: float | None = None
    written: dict[str, int] = field(default_factory=dict)

    @property
    def invocation_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    def summary(self) -> dict[str, Any]:
        """The GetAsyncInvoke output and ListAsyncInvokes summary of this invocation."""
        out: dict[str, Any] = {
            "invocationArn": self.arn,
            "modelArn": self.model_arn,
            "status": self.status,
            "submitTime": clock_time(self.submitted),
            "lastModifiedTime": clock_time(self.modified),
            "outputDataConfig": self.output_config,
        }
        if self.token is not None:
            out["clientRequestToken"] = self.token
        if self.failure is not None:
            out["failureMessage"] = self.failure
        if self.ended is not None:
            out["endTime"] = clock_time(self.ended)
        return out


class AsyncInvokes:
    """The async invocations of one runtime backend."""

    def __init__(self, account_id: str, region: str, partition: str) -> None:
        self._lock = threading.RLock()
        self.account_id = account_id
        self.region = region
        self.partition = partition
        self._invocations: dict[str, AsyncInvocation] = {}

    def start(
        self,
        *,
        model_id: str,
        model_input: Any,
        output_config: dict[str, Any],
        token: str | None,
        tags: list[dict[str, str]],
        now: float,
        make_id: Callable[[str], str],
    ) -> AsyncInvocation:
        """Check a StartAsyncInvoke request and record the invocation (idempotent by token)."""
        model = async_model(model_id)
        if model is None:
            # A model we know nothing of at all is an invalid identifier, as on InvokeModel.
            known = "." in model_id
            raise ValidationException(NOT_ASYNC if known else INVALID_MODEL_IDENTIFIER)
        check_async_input(model, model_input)
        with self._lock:
            if token is not None:
                for existing in self._invocations.values():
                    if existing.token == token:
                        same = (
                            existing.model_id == model_id
                            and existing.model_input == model_input
                            and existing.output_config == output_config
                        )
                        if not same:
                            raise ConflictException(TOKEN_REUSED)
                        return existing
            seed = json.dumps([model_id, model_input, output_config], sort_keys=True, default=str)
            arn = (
                f"arn:{self.partition}:bedrock:{self.region}:{self.account_id}:"
                f"async-invoke/{make_id(seed)}"
            )
            bare = model_id.rsplit("/", 1)[-1]
            invocation = AsyncInvocation(
                arn=arn,
                model=model,
                model_id=bare,
                model_arn=f"arn:{self.partition}:bedrock:{self.region}::foundation-model/{bare}",
                model_input=model_input,
                output_config=output_config,
                token=token,
                tags=tags,
                submitted=now,
                modified=now,
            )
            self._invocations[arn] = invocation
            return invocation

    def get(self, arn: str, plan: JobPlan, now: float) -> AsyncInvocation:
        with self._lock:
            invocation = self._invocations.get(arn)
            if invocation is None:
                # unverified text
                raise ResourceNotFoundException(f"The async invocation {arn} was not found.")
            self._refresh(invocation, plan, now)
            return invocation

    def list_invocations(
        self,
        plan: JobPlan,
        now: float,
        submit_time_after: datetime | None = None,
        submit_time_before: datetime | None = None,
        status_equals: str | None = None,
        sort_order: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        with self._lock:
            for invocation in self._invocations.values():
                self._refresh(invocation, plan, now)
            chosen = sorted(self._invocations.values(), key=lambda i: i.submitted)
        if sort_order != "Ascending":
            chosen.reverse()
        summaries = []
        for invocation in chosen:
            submitted = clock_time(invocation.submitted)
            if status_equals is not None and invocation.status != status_equals:
                continue
            if not in_window(submitted, submit_time_after, submit_time_before):
                continue
            summaries.append(invocation.summary())
        return page(summaries, max_results, next_token, "invocationArn")

    # -- moving on the clock ------------------------------------------------------------

    def _refresh(self, invocation: AsyncInvocation, plan: JobPlan, now: float) -> None:
        if invocation.status != "InProgress":
            return
        forced = plan.outcome_for(invocation.arn)
        due = invocation.submitted + plan.async_seconds
        if forced is None and now < due:
            return
        finished = now if forced is not None else due
        if forced is not None and forced.outcome == "fail":
            self._fail(invocation, forced.message or "", finished)
            return
        self._complete(invocation, finished)

    def _fail(self, invocation: AsyncInvocation, message: str, at: float) -> None:
        invocation.status, invocation.failure = "Failed", message
        invocation.modified = invocation.ended = at

    def _complete(self, invocation: AsyncInvocation, at: float) -> None:
        s3_config = invocation.output_config.get("s3OutputDataConfig", {})
        location = S3Location.parse(s3_config.get("s3Uri", ""))
        if location is None or not _moto.s3_bucket_exists(
            self.account_id, self.partition, location.bucket
        ):
            bucket = location.bucket if location else s3_config.get("s3Uri")
            # unverified text
            self._fail(invocation, f"The S3 bucket {bucket} does not exist.", at)
            return
        files = render_outputs(
            invocation.model, invocation.model_input, invocation.arn, invocation.model_id
        )
        for name, body in files.items():
            key = location.key(invocation.invocation_id, name)
            _moto.s3_put(self.account_id, self.partition, location.bucket, key, body)
            invocation.written[key] = len(body)
        invocation.status = "Completed"
        invocation.modified = invocation.ended = at
