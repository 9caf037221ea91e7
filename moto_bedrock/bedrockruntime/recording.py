"""Record and replay on the wire: forward a call to an upstream Bedrock, answer from a fixture.

Recording calls the upstream with a real botocore client, in the operation's parameter form,
and keeps what botocore parsed (stream events decoded one by one). The answer is then built
from that recorded interaction exactly as a replay builds it, so what the caller gets while
recording and while replaying is the same, and our own encoder frames every stream.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EventStreamError

from .. import _moto
from ..behaviour.cassettes import OPERATIONS, Cassette, Interaction, decode_value, encode_value
from ..behaviour.history import CallRecord
from ..wire.streaming import ConfigError, StreamFault, StreamPlan
from .exceptions import INJECTABLE, BedrockError, ValidationException

__all__ = ["Answer", "play"]

# Response headers an InvokeModel answer carries that are not in the service model.
_KEPT_HEADERS = (
    "x-amzn-bedrock-input-token-count",
    "x-amzn-bedrock-output-token-count",
    "x-amzn-bedrock-invocation-latency",
    "x-amzn-bedrock-cache-read-input-token-count",
    "x-amzn-bedrock-cache-write-input-token-count",
)
_STREAMS = {"ConverseStream": "stream", "InvokeModelWithResponseStream": "body"}


class Answer:
    """What the response layer sends for a played interaction."""

    def __init__(self, interaction: Interaction) -> None:
        self.interaction = interaction
        self.output: dict[str, Any] = decode_value(interaction.response or {})
        self.headers: dict[str, str] = {
            str(k): str(v) for k, v in self.output.pop("headers", {}).items()
        }
        self.events: list[dict[str, Any]] = decode_value(interaction.events or [])

    def stream_plan(self, sleep: Any) -> StreamPlan:
        fault = None
        recorded = self.interaction.stream_error
        if recorded is not None:
            try:
                fault = StreamFault(
                    error=recorded["code"],
                    after_events=len(self.events),
                    message=recorded.get("message"),
                    original_status_code=recorded.get("originalStatusCode"),
                    original_message=recorded.get("originalMessage"),
                )
            except ConfigError:
                fault = None  # not an error event this operation models: the stream just ends
        return StreamPlan(events=self.events, fault=fault, sleep=sleep)


@cache
def _error_class(code: str) -> type[BedrockError]:
    """A modeled error class for ``code`` (botocore's shapes give it its status)."""
    known = INJECTABLE.get(code)
    if known is not None:
        return known
    return type(code, (BedrockError,), {"code": code})


def _raise_recorded(error: dict[str, Any]) -> None:
    raised = _error_class(str(error["code"]))(str(error.get("message", "")))
    raised.injected = "cassette"  # type: ignore[attr-defined]
    raise raised


def _harness_error(message: str) -> ValidationException:
    error = ValidationException(message)
    error.injected = "cassette"  # type: ignore[attr-defined]
    return error


def _client(cassette: Cassette, region: str) -> Any:
    """The upstream client, made once per cassette (never intercepted by moto)."""
    if cassette.upstream_client is not None:
        return cassette.upstream_client
    upstream = cassette.settings.upstream or {}
    timeout = float(upstream.get("timeout", 60))
    session = boto3.Session(profile_name=upstream.get("profile"))
    credentials: dict[str, str] = {}
    if upstream.get("endpoint_url") and session.get_credentials() is None:
        # A local upstream (another moto_bedrock_server) checks no signature.
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = session.client(
        "bedrock-runtime",
        region_name=upstream.get("region") or region,
        endpoint_url=upstream.get("endpoint_url"),
        config=Config(
            retries={"max_attempts": 1, "mode": "standard"},
            connect_timeout=min(timeout, 10.0),
            read_timeout=timeout,
        ),
        **credentials,
    )
    _moto.unmocked(client)
    cassette.upstream_client = client
    return client


def _forward(
    cassette: Cassette, region: str, operation: str, params: dict[str, Any]
) -> Interaction:
    """Send the call upstream and keep what came back as an interaction."""
    request = cassette.normalise(params)
    client = _client(cassette, region)
    method = getattr(client, xform_name(operation))
    upstream = (cassette.settings.upstream or {}).get("endpoint_url") or f"Bedrock in {region}"
    try:
        response = method(**params)
    except ClientError as error:
        details = error.response.get("Error", {})
        return Interaction(
            operation,
            request,
            error={
                "code": details.get("Code", "ValidationException"),
                "status": error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400),
                "message": details.get("Message", ""),
            },
        )
    except BotoCoreError as error:
        raise _harness_error(
            f"moto-bedrock cassette {cassette.name} could not record {operation}: the upstream "
            f"{upstream} did not answer ({error})."
        ) from None
    metadata = response.pop("ResponseMetadata", {})
    if operation in _STREAMS:
        events: list[dict[str, Any]] = []
        stream_error = None
        try:
            for event in response.pop(_STREAMS[operation]):
                events.append(event)
        except EventStreamError as error:
            details = error.response.get("Error", {})
            stream_error = {"code": details.get("Code", ""), "message": details.get("Message", "")}
            for name in ("originalStatusCode", "originalMessage"):
                if name in error.response:
                    stream_error[name] = error.response[name]
        return Interaction(
            operation,
            request,
            response=encode_value(response) or None,  # the members beside the stream
            events=encode_value(events),
            stream_error=stream_error,
        )
    if operation == "InvokeModel":
        response["body"] = response["body"].read()
        headers = metadata.get("HTTPHeaders", {})
        kept = {name: headers[name] for name in _KEPT_HEADERS if name in headers}
        if kept:
            response["headers"] = kept
    return Interaction(operation, request, response=encode_value(response))


def _note(record: CallRecord, interaction: Interaction, index: int, cassette: Cassette) -> None:
    record.source = f"cassette:{cassette.name}#{index}"
    record.request = decode_value(interaction.request)
    answer = decode_value(interaction.response or {})
    if "usage" in answer:
        record.usage = answer["usage"]
    if "stopReason" in answer:
        record.stop_reason = answer["stopReason"]
        record.content = answer.get("output", {}).get("message", {}).get("content")
    if interaction.error is not None:
        record.error = {
            "code": interaction.error["code"],
            "message": interaction.error.get("message", ""),
        }
        record.injected = "cassette"


def play(backend: Any, operation: str, params: dict[str, Any]) -> Answer | None:
    """Answer ``operation`` from the backend's cassette, recording it first if the mode says.

    None when no cassette is in use. Raises the recorded error of an error interaction, and
    the harness's ValidationException when nothing matches and nothing may be recorded.
    """
    cassette: Cassette | None = backend.behaviour.cassette.cassette
    if cassette is None or operation not in OPERATIONS:
        return None
    # ApplyGuardrail names a guardrail, not a model: the history shows that instead.
    named = params.get("modelId") or params.get("guardrailIdentifier") or ""
    record = backend.history.start(operation, str(named))
    record.started_at = backend.behaviour.clock.now()
    began = time.perf_counter()
    try:
        request = cassette.normalise(params)
        interaction = cassette.find(operation, request)
        if interaction is not None:
            index = cassette.interactions.index(interaction)
        elif cassette.recording:
            index = cassette.add(_forward(cassette, backend.region_name, operation, params))
            interaction = cassette.interactions[index]
        else:
            raise cassette.miss(operation, request)
        _note(record, interaction, index, cassette)
        if interaction.error is not None:
            _raise_recorded(interaction.error)
        return Answer(interaction)
    except BedrockError as error:
        record.error = record.error or {"code": error.code, "message": error.message}
        record.injected = getattr(error, "injected", None)
        raise
    finally:
        record.duration_ms = round((time.perf_counter() - began) * 1000, 3)
        backend.history.add(record)
