"""Model invocation logging: the configuration operations, and the log records every runtime
call writes to moto's CloudWatch Logs and S3.

A record follows Bedrock's ``ModelInvocationLog`` schema (``schemaType``, ``schemaVersion``,
``timestamp``, ``accountId``, ``identity``, ``region``, ``requestId``, ``operation``,
``modelId``, ``input``/``output`` with content types, bodies and token counts, and
``errorCode`` for a failed call); see
https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html.
CloudWatch events go to the stream ``aws/bedrock/modelinvocations`` of the configured
group; S3 objects are gzipped JSON lines under
``<keyPrefix>/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/``. A
body whose JSON is larger than 100 KB is written to the large-data S3 location instead
(``inputBodyS3Path``/``outputBodyS3Path``). Our own choices, unverified against real
logs: one S3 object per call, its name and the large-data object names, the identity ARN,
the validation messages below, and that a delivery flag left out counts as enabled.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Protocol

from .. import _moto
from ..bedrockruntime.exceptions import ValidationException
from ..wire.s3 import S3Location

__all__ = ["LOG_STREAM", "InvocationLogging"]

LOG_STREAM = "aws/bedrock/modelinvocations"
SCHEMA_VERSION = "1.0"
#: Bodies whose JSON is larger than this go to the large-data S3 location.
LARGE_BODY_BYTES = 100 * 1024
LOGGED_OPERATIONS = frozenset(
    {"Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream"}
)
_FLAGS = {
    "text": "textDataDeliveryEnabled",
    "image": "imageDataDeliveryEnabled",
    "embedding": "embeddingDataDeliveryEnabled",
    "video": "videoDataDeliveryEnabled",
}


class LoggedCall(Protocol):
    """What a runtime call record (``behaviour.history.CallRecord``) offers the log."""

    sequence: int
    operation: str
    model_id: str
    request: dict[str, Any]
    usage: dict[str, int] | None
    error: dict[str, str] | None
    bodies: dict[str, Any]


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"))


def _has_image(value: Any) -> bool:
    """Whether a Converse-shaped body holds an image block anywhere."""
    if isinstance(value, dict):
        return "image" in value or any(_has_image(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_image(v) for v in value)
    return False


class InvocationLogging:
    """The logging configuration of one account and region, and its delivery."""

    def __init__(self, account_id: str, region: str, partition: str) -> None:
        self._lock = threading.Lock()
        self.account_id = account_id
        self.region = region
        self.partition = partition
        self.config: dict[str, Any] | None = None

    # -- the configuration operations --------------------------------------------------

    def put(self, config: dict[str, Any]) -> None:
        """Check the destinations exist, as Bedrock does, then keep ``config``."""
        cloudwatch = config.get("cloudWatchConfig")
        if cloudwatch is not None:
            group, role = cloudwatch["logGroupName"], cloudwatch["roleArn"]
            if not _moto.role_exists(
                self.account_id, self.partition, role
            ) or not _moto.log_group_exists(self.account_id, self.region, group):
                raise ValidationException(  # unverified text
                    f"Failed to validate permissions for log group: {group}, with role: "
                    f"{role}. Verify the IAM role permissions are correct."
                )
            large = cloudwatch.get("largeDataDeliveryS3Config")
            if large is not None:
                self._check_bucket(large["bucketName"])
        s3 = config.get("s3Config")
        if s3 is not None:
            self._check_bucket(s3["bucketName"])
        with self._lock:
            self.config = config

    def _check_bucket(self, bucket: str) -> None:
        if not _moto.s3_bucket_exists(self.account_id, self.partition, bucket):
            raise ValidationException(  # unverified text
                f"Failed to validate permissions for S3 bucket: {bucket}. "
                "Verify the bucket exists and its policy lets Amazon Bedrock write to it."
            )

    def get(self) -> dict[str, Any]:
        with self._lock:
            return dict(self.config or {})

    def delete(self) -> None:
        with self._lock:
            self.config = None

    # -- delivery ------------------------------------------------------------------------

    def deliver(self, call: LoggedCall) -> None:
        """Write ``call``'s log record wherever the configuration says (then drop bodies)."""
        bodies, call.bodies = call.bodies, {}
        config = self.config
        if config is None or call.operation not in LOGGED_OPERATIONS:
            return
        now = time.time()
        request_id = self._request_id(call.sequence)
        record = self._record(call, bodies, config, now, request_id)
        cloudwatch = config.get("cloudWatchConfig")
        if cloudwatch is not None:
            large = cloudwatch.get("largeDataDeliveryS3Config")
            event = self._offload(record, large, now, request_id)
            _moto.put_log_event(
                self.account_id,
                self.region,
                cloudwatch["logGroupName"],
                LOG_STREAM,
                int(now * 1000),
                _dumps(event),
            )
        s3 = config.get("s3Config")
        if s3 is not None:
            stored = self._offload(record, s3, now, request_id)
            key = self._prefix(s3, now).key(f"{int(now * 1000)}_{request_id}.json.gz")
            body = gzip.compress((_dumps(stored) + "\n").encode(), mtime=0)
            _moto.s3_put(self.account_id, self.partition, s3["bucketName"], key, body)

    def _request_id(self, sequence: int) -> str:
        digest = hashlib.sha256(f"{self.account_id}:{self.region}:{sequence}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def _record(
        self,
        call: LoggedCall,
        bodies: dict[str, Any],
        config: dict[str, Any],
        now: float,
        request_id: str,
    ) -> dict[str, Any]:
        usage = call.usage or {}
        input_body = bodies.get("input", {k: v for k, v in call.request.items() if v is not None})
        output_body = bodies.get("output")
        kind = bodies.get("kind", "text")
        if kind == "text" and (_has_image(input_body) or _has_image(output_body)):
            kind = "image"
        include = config.get(_FLAGS.get(kind, "textDataDeliveryEnabled"), True) is not False
        log_input: dict[str, Any] = {"inputContentType": "application/json"}
        if include:
            log_input["inputBodyJson"] = input_body
        log_input["inputTokenCount"] = usage.get("inputTokens", 0)
        record: dict[str, Any] = {
            "schemaType": "ModelInvocationLog",
            "schemaVersion": SCHEMA_VERSION,
            "timestamp": datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "accountId": self.account_id,
            "identity": {"arn": f"arn:{self.partition}:iam::{self.account_id}:root"},
            "region": self.region,
            "requestId": request_id,
            "operation": call.operation,
            "modelId": call.model_id,
            "input": log_input,
        }
        if call.error is not None:
            record["errorCode"] = call.error["code"]
        else:
            log_output: dict[str, Any] = {"outputContentType": "application/json"}
            if include:
                log_output["outputBodyJson"] = output_body
            log_output["outputTokenCount"] = usage.get("outputTokens", 0)
            record["output"] = log_output
        return record

    def _prefix(self, s3: dict[str, Any], now: float) -> S3Location:
        hour = datetime.fromtimestamp(now, timezone.utc).strftime("%Y/%m/%d/%H")
        return S3Location(
            s3["bucketName"],
            S3Location(s3["bucketName"], s3.get("keyPrefix", "")).key(
                "AWSLogs", self.account_id, "BedrockModelInvocationLogs", self.region, hour
            ),
        )

    def _offload(
        self, record: dict[str, Any], s3: dict[str, Any] | None, now: float, request_id: str
    ) -> dict[str, Any]:
        """``record`` with each body over the limit moved to S3 (or left out, without S3)."""
        out = dict(record)
        for side, body_key, path_key in (
            ("input", "inputBodyJson", "inputBodyS3Path"),
            ("output", "outputBodyJson", "outputBodyS3Path"),
        ):
            part = out.get(side)
            if part is None or body_key not in part:
                continue
            text = _dumps(part[body_key])
            if len(text.encode()) <= LARGE_BODY_BYTES:
                continue
            part = {k: v for k, v in part.items() if k != body_key}
            if s3 is not None:
                location = self._prefix(s3, now)
                key = location.key("data", f"{request_id}_{side}.json.gz")
                body = gzip.compress(text.encode(), mtime=0)
                _moto.s3_put(self.account_id, self.partition, location.bucket, key, body)
                part[path_key] = location.uri("data", f"{request_id}_{side}.json.gz")
            out[side] = part
        return out
