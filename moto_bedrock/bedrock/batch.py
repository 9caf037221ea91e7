"""Batch inference: CreateModelInvocationJob, GetModelInvocationJob,
ListModelInvocationJobs and StopModelInvocationJob.

A job reads its JSONL input from moto's S3, answers every record through the runtime
backend (found through moto, so this control-plane module never imports it: the runtime
offers :class:`RecordRunner`), and writes ``<file>.jsonl.out`` and ``manifest.json.out``
under ``<output s3Uri>/<job id>/`` in the format of
https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html.

Its status moves on the behaviour clock over ``jobs.batch_seconds``: ``Submitted`` for
the first tenth, ``Validating`` to two tenths (the input is read and checked when this
ends), ``Scheduled`` to three tenths, then ``InProgress`` (every record is answered when
it starts; ``processedRecordCount`` grows with the time elapsed) and ``Completed`` at the
end, when the output is written. A record that cannot be answered, or a line that is not
a JSON record, becomes an error line; the job fails only when its input or output cannot
be used at all. The job state is worked out whenever the job is read.

Answering the records is unbounded work, so it runs without the jobs' lock: the reader that
finds a job due to start claims it under the lock, answers its records with the lock
released, and publishes them under the lock. Meanwhile every other call goes on; another
listing shows that job as it stands (``Scheduled``), and a reader of that same job waits for
that job alone.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any, Protocol

from .. import _moto
from ..bedrockruntime.exceptions import BedrockError
from ..behaviour import Behaviour
from ..behaviour.jobs import JobPlan, clock_time, in_window
from ..rules import ValidationPolicy
from ..wire.s3 import S3Location
from .common import Scope, Store, ValidationException, page

__all__ = ["BatchJob", "BatchJobs", "RecordRunner"]

#: Bedrock's documented limits (quotas with these defaults); see
#: https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html and
#: the Bedrock service quotas. The record minimum is waivable with rule id
#: ``batch-record-count`` (``configure_validation(lenient=[...])``).
MIN_RECORDS = 100
MAX_RECORDS = 50_000
MAX_FILE_BYTES = 1_000_000_000
MAX_JOB_BYTES = 5_000_000_000

#: The model id globs batch inference accepts (an approximation of the documented list of
#: supported models; unverified for each id).
BATCH_MODELS = (
    "anthropic.claude-*",
    "amazon.nova-micro-*",
    "amazon.nova-lite-*",
    "amazon.nova-pro-*",
    "amazon.nova-premier-*",
    "amazon.titan-embed-*",
    "meta.llama3*",
    "meta.llama4*",
    "mistral.*",
    "deepseek.*",
    "openai.gpt-oss-*",
    "qwen.*",
)
_GEO = ("us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca.")

# Messages: ours where marked "unverified".
UNSUPPORTED_MODEL = "The provided model doesn't support batch inference."  # unverified
NOT_STOPPABLE = "The job cannot be stopped in its current status: {status}."  # unverified

_RUNNING = ("Submitted", "Validating", "Scheduled", "InProgress")
_PHASES = (("Submitted", 0.0), ("Validating", 0.1), ("Scheduled", 0.2), ("InProgress", 0.3))

# HTTP status of each error code, for the ``errorCode`` of an error line.
_STATUS = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "ModelErrorException": 424,
    "ThrottlingException": 429,
    "ModelNotReadyException": 429,
    "ServiceQuotaExceededException": 429,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
}


class RecordRunner(Protocol):
    """What the runtime backend offers batch jobs (it registers nothing: moto finds it)."""

    validation: ValidationPolicy
    behaviour: Behaviour

    def run_record(
        self, invocation_type: str, model_id: str, model_input: Any, job: str
    ) -> tuple[dict[str, Any], int, int]: ...


def supports_batch(model_id: str) -> bool:
    bare = model_id.rsplit("/", 1)[-1]
    for prefix in _GEO:
        if bare.startswith(prefix):
            bare = bare[len(prefix) :]
            break
    return any(fnmatchcase(bare, pattern) for pattern in BATCH_MODELS)


@dataclass
class _File:
    """One input JSONL object and its answered lines."""

    key: str
    name: str
    lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BatchJob:
    """One batch inference job and its state on the behaviour clock."""

    arn: str
    name: str
    model_id: str
    role_arn: str
    token: str | None
    input_config: dict[str, Any]
    output_config: dict[str, Any]
    vpc_config: dict[str, Any] | None
    timeout_hours: int | None
    invocation_type: str | None
    tags: list[dict[str, str]]
    submitted: float
    status: str = "Submitted"
    message: str | None = None
    modified: float = 0.0
    ended: float | None = None
    files: list[_File] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"total": 0, "success": 0, "error": 0, "input": 0, "output": 0}
    )
    processed: int = 0
    stop_at: float | None = None
    #: Every record has been answered.
    answered: bool = False
    #: Set when the caller that claimed the records has answered them (None: unclaimed).
    answering: threading.Event | None = field(default=None, repr=False, compare=False)

    @property
    def job_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    def details(self) -> dict[str, Any]:
        """The GetModelInvocationJob output and ListModelInvocationJobs summary."""
        out: dict[str, Any] = {
            "jobArn": self.arn,
            "jobName": self.name,
            "modelId": self.model_id,
            "roleArn": self.role_arn,
            "status": self.status,
            "submitTime": clock_time(self.submitted),
            "lastModifiedTime": clock_time(self.modified),
            "inputDataConfig": self.input_config,
            "outputDataConfig": self.output_config,
            "timeoutDurationInHours": self.timeout_hours or 24,
            "jobExpirationTime": clock_time(self.submitted + (self.timeout_hours or 24) * 3600),
            "totalRecordCount": self.counts["total"],
            "processedRecordCount": self.processed,
            "successRecordCount": min(self.counts["success"], self.processed),
            "errorRecordCount": max(0, self.processed - self.counts["success"]),
        }
        optional = {
            "clientRequestToken": self.token,
            "message": self.message,
            "vpcConfig": self.vpc_config,
            "modelInvocationType": self.invocation_type,
            "endTime": None if self.ended is None else clock_time(self.ended),
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        return out


class BatchJobs:
    """The batch inference jobs of one control-plane backend (ARNs, ids, tags and paging
    from the shared machinery in ``common``)."""

    def __init__(self, scope: Scope) -> None:
        self._lock = threading.RLock()
        self.scope = scope
        self.account_id = scope.account_id
        self.partition = scope.partition
        # unverified text
        self._jobs: Store[BatchJob] = Store(
            scope, "model-invocation-job", "The model invocation job {id} was not found."
        )

    # -- operations ----------------------------------------------------------------------

    def create(
        self,
        runner: RecordRunner,
        now: float,
        *,
        job_name: str,
        role_arn: str,
        model_id: str,
        input_config: dict[str, Any],
        output_config: dict[str, Any],
        token: str | None = None,
        vpc_config: dict[str, Any] | None = None,
        timeout_hours: int | None = None,
        invocation_type: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> BatchJob:
        if not runner.validation.waives("job-role") and not _moto.role_exists(
            self.account_id, self.partition, role_arn
        ):
            raise ValidationException(  # unverified text
                f"The provided role {role_arn} does not exist or Amazon Bedrock cannot assume it."
            )
        if not supports_batch(model_id):
            known = "." in model_id.rsplit("/", 1)[-1]
            raise ValidationException(
                UNSUPPORTED_MODEL if known else "The provided model identifier is invalid."
            )
        for config, name in (
            (input_config, "s3InputDataConfig"),
            (output_config, "s3OutputDataConfig"),
        ):
            uri = config.get(name, {}).get("s3Uri", "")
            if S3Location.parse(uri) is None:
                raise ValidationException(f"{name}.s3Uri must be an S3 URI; got {uri!r}")
        # A reused clientRequestToken is answered by the shared rule (common/idempotency.py)
        # before this runs.
        with self._lock:
            job_id = self._jobs.new_id()
            arn = self.scope.arn("model-invocation-job", job_id)
            job = BatchJob(
                arn=arn,
                name=job_name,
                model_id=model_id,
                role_arn=role_arn,
                token=token,
                input_config=input_config,
                output_config=output_config,
                vpc_config=vpc_config,
                timeout_hours=timeout_hours,
                invocation_type=invocation_type,
                tags=tags or [],
                submitted=now,
                modified=now,
            )
            self._jobs.add(job_id, job, arn)
            self.scope.tags.tag(arn, tags)
            return job

    def get(self, identifier: str, runner: RecordRunner, plan: JobPlan, now: float) -> BatchJob:
        with self._lock:
            job = self._jobs.get(identifier)[1]
        self._advance(job, runner, plan, now)
        return job

    def stop(self, identifier: str, runner: RecordRunner, plan: JobPlan, now: float) -> None:
        job = self.get(identifier, runner, plan, now)
        with self._lock:
            if job.status not in _RUNNING:
                raise ValidationException(NOT_STOPPABLE.format(status=job.status))
            job.status, job.stop_at, job.modified = "Stopping", now, now

    def list_jobs(
        self,
        runner: RecordRunner,
        plan: JobPlan,
        now: float,
        submit_time_after: datetime | None = None,
        submit_time_before: datetime | None = None,
        status_equals: str | None = None,
        name_contains: str | None = None,
        sort_order: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        with self._lock:
            jobs = [job for _id, job in self._jobs.items()]
        for job in jobs:
            self._advance(job, runner, plan, now, wait=False)
        jobs.sort(key=lambda j: j.submitted)  # stable: jobs submitted together keep their order
        if sort_order != "Ascending":
            jobs.reverse()
        out = []
        for job in jobs:
            submitted = clock_time(job.submitted)
            if status_equals is not None and job.status != status_equals:
                continue
            if name_contains is not None and name_contains not in job.name:
                continue
            if not in_window(submitted, submit_time_after, submit_time_before):
                continue
            out.append(job.details())
        return page(out, max_results, next_token, "jobArn")

    # -- moving on the clock ------------------------------------------------------------

    def _advance(
        self, job: BatchJob, runner: RecordRunner, plan: JobPlan, now: float, wait: bool = True
    ) -> None:
        """Move ``job`` on the clock, answering its records outside the lock when due.

        A job whose records another caller is answering is waited for, or with
        ``wait=False`` (a listing) shown as it stands.
        """
        while True:
            with self._lock:
                claim = self._refresh(job, runner, plan, now)
            if claim is None:
                return
            answering, mine = claim
            if not mine:
                if not wait:
                    return
                answering.wait()  # another caller answers this job's records
                continue
            try:
                self._run(job, runner)  # only the claiming caller touches the lines
                with self._lock:
                    job.answered = True
            finally:
                with self._lock:
                    job.answering = None
                answering.set()

    def _refresh(
        self, job: BatchJob, runner: RecordRunner, plan: JobPlan, now: float
    ) -> tuple[threading.Event, bool] | None:
        """Move ``job`` on the clock (the lock held); when its records are due and not yet
        answered, stop there and return the event to wait on and whether the caller claimed
        them."""
        if job.status == "Stopping":
            job.status, job.modified, job.ended = "Stopped", now, now
            return None
        if job.status not in _RUNNING:
            return None
        forced = plan.outcome_for(job.arn)
        if forced is not None and forced.outcome == "fail":
            self._fail(job, forced.message or "", now)
            return None
        span = plan.batch_seconds
        elapsed = float("inf") if forced is not None else now - job.submitted
        for phase, start in _PHASES:
            if elapsed >= start * span and _RUNNING.index(phase) > _RUNNING.index(job.status):
                if phase == "Scheduled" and not self._validated(
                    job, runner, job.submitted + start * span
                ):
                    return None
                if phase == "InProgress" and not job.answered:
                    if job.answering is None:
                        job.answering = threading.Event()
                        return job.answering, True
                    return job.answering, False
                job.status, job.modified = phase, job.submitted + start * span
        if job.status == "InProgress":
            total = job.counts["total"]
            done = 1.0 if span <= 0 else min(1.0, (elapsed - 0.3 * span) / (0.7 * span))
            job.processed = int(total * max(0.0, done))
            job.modified = max(job.modified, min(now, job.submitted + span))
            if elapsed >= span:
                finished = now if forced is not None else job.submitted + span
                self._finish(job, finished)
        return None

    def _fail(self, job: BatchJob, message: str, at: float) -> None:
        job.status, job.message, job.modified, job.ended = "Failed", message, at, at

    def _validated(self, job: BatchJob, runner: RecordRunner, at: float) -> bool:
        """Read and check the input; fail the job (returning False) when it is unusable."""
        problem = self._load(job, runner)
        if problem is not None:
            self._fail(job, problem, at)
            return False
        return True

    def _load(self, job: BatchJob, runner: RecordRunner) -> str | None:
        """Read every input file into ``job.files``; a failure message, or None."""
        source = S3Location.parse(job.input_config["s3InputDataConfig"]["s3Uri"])
        target = S3Location.parse(job.output_config["s3OutputDataConfig"]["s3Uri"])
        assert source is not None and target is not None  # checked on create
        for location in (source, target):
            if not _moto.s3_bucket_exists(self.account_id, self.partition, location.bucket):
                return f"The S3 bucket {location.bucket} does not exist."  # unverified text
        keys = [
            (key, size)
            for key, size in _moto.s3_keys(
                self.account_id, self.partition, source.bucket, source.prefix
            )
            if key == source.prefix or key.endswith(".jsonl")
        ]
        if not keys:
            return f"No JSONL input files were found at {job.input_config['s3InputDataConfig']['s3Uri']}."  # unverified
        if (
            any(size > MAX_FILE_BYTES for _, size in keys)
            or sum(s for _, s in keys) > MAX_JOB_BYTES
        ):
            return "The input files exceed the maximum size of a batch inference job."  # unverified
        records = 0
        for key, _size in keys:
            text = _moto.s3_get(self.account_id, self.partition, source.bucket, key) or b""
            parsed = _parse_jsonl(text)
            if parsed is None:
                return f"The input file {key} is not valid JSONL."  # unverified text
            job.files.append(_File(key, key.rsplit("/", 1)[-1], parsed))
            records += len(parsed)
        if records > MAX_RECORDS or (
            records < MIN_RECORDS and not runner.validation.waives("batch-record-count")
        ):
            # unverified text
            return (
                f"The number of records ({records}) is outside the allowed range for a batch "
                f"inference job: at least {MIN_RECORDS} and at most {MAX_RECORDS}."
            )
        job.counts["total"] = records
        return None

    def _run(self, job: BatchJob, runner: RecordRunner) -> None:
        """Answer every record, keeping the output lines and the totals."""
        invocation_type = job.invocation_type or "InvokeModel"
        for source in job.files:
            for line in source.lines:
                if "error" in line:
                    job.counts["error"] += 1
                    continue
                try:
                    output, used_in, used_out = runner.run_record(
                        invocation_type, job.model_id, line["modelInput"], job.arn
                    )
                except BedrockError as error:
                    line["error"] = {
                        "errorCode": _STATUS.get(error.code, 400),
                        "errorMessage": error.message,
                    }
                    job.counts["error"] += 1
                    continue
                line["modelOutput"] = output
                job.counts["success"] += 1
                job.counts["input"] += used_in
                job.counts["output"] += used_out

    def _finish(self, job: BatchJob, at: float) -> None:
        target = S3Location.parse(job.output_config["s3OutputDataConfig"]["s3Uri"])
        assert target is not None
        for source in job.files:
            text = "".join(json.dumps(line) + "\n" for line in source.lines)
            key = target.key(job.job_id, f"{source.name}.out")
            _moto.s3_put(self.account_id, self.partition, target.bucket, key, text.encode())
        manifest = {
            "totalRecordCount": job.counts["total"],
            "processedRecordCount": job.counts["total"],
            "successRecordCount": job.counts["success"],
            "errorRecordCount": job.counts["error"],
            "inputTokenCount": job.counts["input"],
            "outputTokenCount": job.counts["output"],
        }
        key = target.key(job.job_id, "manifest.json.out")
        _moto.s3_put(
            self.account_id, self.partition, target.bucket, key, json.dumps(manifest).encode()
        )
        job.processed = job.counts["total"]
        job.status, job.modified, job.ended = "Completed", at, at


def _parse_jsonl(text: bytes) -> list[dict[str, Any]] | None:
    """The lines of a JSONL file as output lines to fill in; None if no line is a record.

    A line that is not a JSON object with a ``modelInput`` becomes an error line.
    """
    lines: list[dict[str, Any]] = []
    valid = 0
    for number, raw in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            record = None
        if isinstance(record, dict) and "modelInput" in record:
            record_id = record.get("recordId")
            line: dict[str, Any] = {
                "recordId": record_id if isinstance(record_id, str) else f"{number:011d}",
                "modelInput": record["modelInput"],
            }
            valid += 1
        else:
            line = {
                "recordId": record.get("recordId")
                if isinstance(record, dict)
                else f"{number:011d}",
                "error": {
                    "errorCode": 400,
                    # unverified text
                    "errorMessage": f"Line {number} is not a JSON object with a modelInput.",
                },
            }
        lines.append(line)
    return lines if valid else None
