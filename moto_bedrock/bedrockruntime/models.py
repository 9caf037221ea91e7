"""The ``bedrock-runtime`` backend: per-account, per-region state and the inference logic."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from ..bedrock.models import BedrockBackend, bedrock_backends
from ..behaviour import Behaviour
from ..behaviour.clock import Clock
from ..behaviour.config import apply_startup_config
from ..behaviour.history import CallHistory, CallRecord
from ..catalog import FoundationModel, load_catalog
from ..catalog.resolution import ResolvedModel, resolve_for_counting, resolve_model
from ..generation.citations import with_citations
from ..generation.codecs import (
    MakeId,
    NativeRequest,
    answer_whole,
    codec_for,
    kind_of,
    last_extended,
    malformed,
)
from ..generation.ids import IdFactory
from ..generation.inference import InferenceResult, PromptCache, finish, input_token_count
from ..generation.reasoning import with_reasoning
from ..generation.responders import DefaultResponder, Invocation, Responder
from ..rules import CONVERSE_RULES, NATIVE_RULES, ValidationPolicy, enforce
from ..rules.recorded import opens_with_empty_text, streams
from ..wire.streaming import (
    Pacer,
    StreamFault,
    StreamPlan,
    StreamSettings,
    converse_delta_text,
    iter_converse_stream_events,
)
from ..wire.usage import converse_usage, invoke_counts
from .async_invoke import AsyncInvocation, AsyncInvokes
from .batch_records import run_batch_record
from .exceptions import (
    COUNTING_NOT_SUPPORTED,
    INVALID_MODEL_IDENTIFIER,
    UNSUPPORTED_ACTION_FOR_MODEL,
    UNSUPPORTED_FOR_STREAMING,
    BedrockError,
    NotEmulated,
    ValidationException,
)
from .guardrails import (
    GuardrailCall,
    apply_guardrail,
    native_guardrail,
    open_guardrails,
    store_for,
)

__all__ = ["BedrockRuntimeBackend", "bedrockruntime_backends"]

# Used when a request sets no maximum and the catalog has no limit for the model.
DEFAULT_MAX_TOKENS = 4096


class BedrockRuntimeBackend(BaseBackend):
    """Inference state for one account and region; ``reset()`` clears all of it."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # Server mode answers requests on many threads at once.
        self.lock = threading.RLock()
        self.responder: Responder = DefaultResponder()
        self.prompt_cache = PromptCache()
        self.ids = IdFactory()
        self.stream_settings = StreamSettings()
        self.stream_faults: list[StreamFault] = []
        self.validation = ValidationPolicy()
        self.history = CallHistory()
        # One clock per account and region, owned by the control plane (whose resources'
        # statuses advance on it): looked up on use, so a reset of either backend is seen.
        self.behaviour = Behaviour(self._control_plane_clock)
        self.async_invokes = AsyncInvokes(account_id, region_name, self.partition)
        # A server's --config files hold for every new backend, so again after moto's reset.
        apply_startup_config(self)

    @property
    def control_plane(self) -> BedrockBackend:
        """The ``bedrock`` backend of the same account and region."""
        backend: BedrockBackend = bedrock_backends[self.account_id][self.region_name]
        return backend

    def _control_plane_clock(self) -> Clock:
        return self.control_plane.clock

    @contextmanager
    def _recording(
        self, operation: str, model_id: str, job: str | None = None
    ) -> Iterator[CallRecord]:
        """Record the call in the history (and the invocation log), success or failure."""
        record = self.history.start(operation, model_id)
        record.job = job
        record.started_at = self.behaviour.clock.now()
        began = time.perf_counter()
        try:
            yield record
        except BedrockError as error:
            record.error = {"code": error.code, "message": error.message}
            record.injected = getattr(error, "injected", None)
            record.source = record.source or getattr(error, "source", None)
            raise
        finally:
            record.duration_ms = round((time.perf_counter() - began) * 1000, 3)
            self.history.add(record)
            self.control_plane.invocation_logging.deliver(record)

    @staticmethod
    def _note_request(record: CallRecord, request: dict[str, Any]) -> None:
        """Record what a Converse-shaped call sent, so even a refused call shows it."""
        record.request = {
            "messages": request.get("messages", []),
            "system": request.get("system", []),
            "inferenceConfig": request.get("inference_config", {}),
            "toolConfig": request.get("tool_config"),
        }

    @staticmethod
    def _note(record: CallRecord, invocation: Invocation, result: InferenceResult) -> None:
        record.resolved_model_id = invocation.model.model_id
        record.request = {
            "messages": invocation.messages,
            "system": invocation.system,
            "inferenceConfig": invocation.inference_config,
            "toolConfig": invocation.tool_config,
        }
        record.stop_reason = result.stop_reason
        record.content = result.content
        record.usage = result.usage

    # -- stream faults ------------------------------------------------------------------

    def add_stream_fault(self, fault: StreamFault) -> None:
        with self.lock:
            self.stream_faults.append(fault)

    def clear_stream_faults(self) -> None:
        with self.lock:
            self.stream_faults.clear()

    def take_stream_fault(self, operation: str) -> StreamFault | None:
        """The first queued fault for ``operation``, used up once per stream."""
        with self.lock:
            for fault in self.stream_faults:
                if fault.applies_to(operation):
                    fault.count -= 1
                    if fault.count == 0:
                        self.stream_faults.remove(fault)
                    return fault
        return None

    # -- shared steps -------------------------------------------------------------------

    def resolve(self, model_id: str, prompt: str = "") -> ResolvedModel:
        """The model ``model_id`` names: a control-plane resource's (an application
        profile, a provisioned throughput, a router choosing by ``prompt``...) or the
        catalog's."""
        target = self.control_plane.invocables.resolve(model_id, prompt)
        if target is not None:
            model = load_catalog().get(target.model_id)
            if model is None:
                raise ValidationException(INVALID_MODEL_IDENTIFIER)
            return ResolvedModel(model, routed_model_arn=target.invoked_model_arn)
        return resolve_model(
            load_catalog(), model_id, self.region_name, self.account_id, self.partition
        )

    def _admitted(self, record: CallRecord, model_id: str, prompt: str = "") -> FoundationModel:
        """Resolve the model, then let injected faults and quotas refuse the call."""
        resolved = self.resolve(model_id, prompt)
        model = resolved.model
        record.resolved_model_id = model.model_id
        record.routed_model_arn = resolved.routed_model_arn
        self.behaviour.admit(record.operation, model.model_id, model_id)
        return model

    def _resolve_streaming(
        self, record: CallRecord, model_id: str, prompt: str = ""
    ) -> FoundationModel:
        model = self._admitted(record, model_id, prompt)
        if not streams(model):
            raise ValidationException(UNSUPPORTED_FOR_STREAMING)
        return model

    def _settings(self, invocation: Invocation) -> StreamSettings:
        """Stream settings with the model's own latency, if one is configured."""
        return self.behaviour.timing(
            invocation.model.model_id, invocation.model_id, self.stream_settings
        )

    def _answer(
        self, record: CallRecord, invocation: Invocation, rules: tuple[str, ...]
    ) -> InferenceResult:
        """Enforce ``rules``, run the responder, apply limits, usage and timing."""
        record.waived_rules = enforce(invocation, rules, self.validation)
        limit = invocation.model.max_output_tokens
        max_tokens = invocation.inference_config.get("maxTokens")
        reply, record.source = self.behaviour.respond(invocation, self.responder)
        reply = with_reasoning(invocation, with_citations(invocation, reply))
        if max_tokens is None:
            max_tokens = min(limit or DEFAULT_MAX_TOKENS, DEFAULT_MAX_TOKENS)
        with self.lock:
            result = finish(invocation, reply, max_tokens, self.prompt_cache)
        settings = self._settings(invocation)
        if settings.timed:
            result.latency_ms = settings.latency_ms(result.usage["outputTokens"])
            result.first_byte_ms = settings.time_to_first_token_ms or 0
        self.behaviour.settle(
            invocation.model.model_id,
            invocation.model_id,
            result.usage["inputTokens"] + result.usage["outputTokens"],
        )
        self._note(record, invocation, result)
        return result

    def _sleep_like_a_model(self, invocation: Invocation, result: InferenceResult) -> None:
        settings = self._settings(invocation)
        if settings.timed and settings.sleep:
            self.behaviour.clock.sleep(result.latency_ms / 1000)

    # -- Converse -----------------------------------------------------------------------

    def _converse(
        self,
        record: CallRecord,
        model: FoundationModel,
        *,
        model_id: str,
        messages: list[dict[str, Any]],
        system: list[dict[str, Any]],
        inference_config: dict[str, Any],
        tool_config: dict[str, Any] | None,
        additional_request_fields: dict[str, Any] | None,
        response_field_paths: list[str],
        request_metadata: dict[str, str] | None,
        output_config: dict[str, Any] | None = None,
        guardrail_config: dict[str, Any] | None = None,
    ) -> tuple[Invocation, InferenceResult, dict[str, Any] | None]:
        """Check and answer a Converse-shaped request: the result and any extra fields."""
        if not model.converse:
            raise ValidationException(UNSUPPORTED_ACTION_FOR_MODEL)
        for path in response_field_paths:
            if not path.startswith("/"):
                raise ValidationException(
                    f"The additionalModelResponseFieldPaths entry '{path}' is not a valid "
                    "JSON Pointer. Each path must start with '/'."
                )
        invocation = Invocation(
            operation=record.operation,
            model_id=model_id,
            model=model,
            messages=messages,
            system=system,
            inference_config=inference_config,
            tool_config=tool_config,
            additional_request_fields=additional_request_fields,
            request_metadata=request_metadata,
            output_config=output_config,
        )
        guard = self._open_guardrails(record, model, guardrail_config)
        blocked = self._guard_input(record, guard, invocation)
        if blocked is not None:
            return invocation, blocked, None
        result = self._answer(record, invocation, CONVERSE_RULES)
        self._guard_output(record, guard, invocation, result)
        extra = (
            result.additional_response_fields(response_field_paths)
            if response_field_paths
            else None
        )
        return invocation, result, extra

    def converse(self, job: str | None = None, **request: Any) -> dict[str, Any]:
        """Answer a Converse request; returns the operation's output structure."""
        with self._recording("Converse", request["model_id"], job) as record:
            self._note_request(record, request)
            model = self._admitted(record, request["model_id"], routing_text(request))
            invocation, result, extra = self._converse(record, model, **request)
            output: dict[str, Any] = {
                "output": {"message": {"role": "assistant", "content": result.content}},
                "stopReason": result.stop_reason,
                "usage": converse_usage(model, result.usage),
                "metrics": {"latencyMs": result.latency_ms},
            }
            trace: dict[str, Any] = {}
            if record.routed_model_arn is not None:
                trace["promptRouter"] = {"invokedModelId": record.routed_model_arn}
            if result.trace is not None:
                trace.update(result.trace)
            if trace:
                output["trace"] = trace
            if extra is not None:
                output["additionalModelResponseFields"] = extra
            record.bodies["output"] = output
        if job is None:
            self._sleep_like_a_model(invocation, result)
        return output

    def converse_stream(self, **request: Any) -> StreamPlan:
        """Answer a ConverseStream request: the same reply as Converse, as events.

        Every check runs before the first event, so bad input is an ordinary HTTP error.
        """
        with self._recording("ConverseStream", request["model_id"]) as record:
            self._note_request(record, request)
            model = self._resolve_streaming(record, request["model_id"], routing_text(request))
            invocation, result, extra = self._converse(record, model, **request)
            settings = self._settings(invocation)
            router = (
                {"promptRouter": {"invokedModelId": record.routed_model_arn}}
                if record.routed_model_arn is not None
                else None
            )
            events: Iterable[dict[str, Any]] = iter_converse_stream_events(
                result, extra, settings, router, opens_with_empty_text(model)
            )
            if self.control_plane.invocation_logging.config is not None:
                # The log record holds the whole stream and is written before it is sent.
                events = list(events)
                record.bodies["output"] = events
            fault = self.take_stream_fault("ConverseStream")
            record.stream_fault = fault.error if fault else None
        return StreamPlan(
            events=events,
            pacer=Pacer(settings, converse_delta_text),
            fault=fault,
            sleep=self.behaviour.clock.sleep,
            on_abandon=lambda: self.history.note_abandoned(record),
        )

    # -- guardrails (bedrockruntime/guardrails.py) -----------------------------------------

    def _open_guardrails(
        self, record: CallRecord, model: FoundationModel, config: dict[str, Any] | None
    ) -> GuardrailCall | None:
        store = store_for(self.account_id, self.region_name)
        return open_guardrails(store, self.behaviour.guardrails, record, model.model_id, config)

    def _guard_input(
        self,
        record: CallRecord,
        guard: GuardrailCall | None,
        invocation: Invocation,
        tag_suffix: str | None = None,
    ) -> InferenceResult | None:
        """The blocked answer if a guardrail blocks the input (the model is not called)."""
        if guard is None:
            return None
        blocked = guard.screen_input(
            invocation.messages,
            invocation.system,
            invocation.model.model_id,
            invocation.model_id,
            tag_suffix,
        )
        if blocked is not None:
            blocked.trace = guard.converse_trace()
            self._note(record, invocation, blocked)
        return blocked

    def _guard_output(
        self,
        record: CallRecord,
        guard: GuardrailCall | None,
        invocation: Invocation,
        result: InferenceResult,
    ) -> None:
        if guard is None:
            return
        guard.screen_output(result, invocation.model.model_id, invocation.model_id, record.source)
        result.trace = guard.converse_trace()
        record.stop_reason = result.stop_reason
        record.content = result.content

    def apply_guardrail(
        self,
        identifier: str,
        version: str,
        source: str,
        content: list[dict[str, Any]],
        output_scope: str | None,
    ) -> dict[str, Any]:
        """Answer ApplyGuardrail (see :func:`~.guardrails.apply_guardrail`)."""
        with self._recording("ApplyGuardrail", identifier) as record:
            return apply_guardrail(
                store_for(self.account_id, self.region_name),
                self.behaviour.guardrails,
                record,
                identifier,
                version,
                source,
                content,
                output_scope,
            )

    # -- InvokeModel --------------------------------------------------------------------

    def _codec(self, operation: str, model: FoundationModel) -> Any:
        codec = codec_for(model.family)
        if codec is None:
            raise NotEmulated(f"{operation} for {model.model_id} (the {model.family} body format)")
        return codec

    @staticmethod
    def _native_body(body: bytes) -> dict[str, Any]:
        try:
            native = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise malformed("#: expected type: JSONObject, found: invalid JSON") from None
        if not isinstance(native, dict):
            raise malformed(f"#: expected type: JSONObject, found: {type(native).__name__}")
        return native

    def _native_invocation(
        self,
        operation: str,
        codec: Any,
        model: FoundationModel,
        model_id: str,
        native: dict[str, Any],
    ) -> Invocation:
        request: NativeRequest = codec.parse_request(native, model)
        return Invocation(
            operation=operation,
            model_id=model_id,
            model=model,
            messages=request.messages,
            system=request.system,
            inference_config=request.inference_config,
            tool_config=request.tool_config,
            templated=request.templated,
            parallel_tools=request.parallel_tools,
            # A native Messages body's ``thinking`` and ``output_config`` work as in Converse.
            additional_request_fields={
                key: native[key]
                for key in ("thinking", "output_config")
                if isinstance(native.get(key), dict)
            }
            or None,
        )

    def _make_id(self, seed: str) -> MakeId:
        return lambda prefix, length: self.ids.make(prefix, seed, length)

    def _native_guardrail(
        self,
        record: CallRecord,
        model: FoundationModel,
        native: dict[str, Any],
        guardrail: dict[str, str | None] | None,
    ) -> tuple[GuardrailCall | None, str | None]:
        settings = guardrail or {}
        return native_guardrail(
            store_for(self.account_id, self.region_name),
            self.behaviour.guardrails,
            record,
            model.model_id,
            native,
            settings.get("identifier"),
            settings.get("version"),
            settings.get("trace"),
        )

    def _guarded_native(
        self,
        record: CallRecord,
        invocation: Invocation,
        guard: GuardrailCall | None,
        tag_suffix: str | None,
    ) -> InferenceResult:
        """The reply to a native text request, with its guardrails applied."""
        blocked = self._guard_input(record, guard, invocation, tag_suffix)
        if blocked is not None:
            return blocked
        result = self._answer(record, invocation, NATIVE_RULES)
        self._guard_output(record, guard, invocation, result)
        return result

    def invoke_model(
        self,
        model_id: str,
        body: bytes,
        guardrail: dict[str, str | None] | None = None,
        job: str | None = None,
    ) -> tuple[bytes, dict[str, int]]:
        """Answer InvokeModel: the native response body and its token counts."""
        with self._recording("InvokeModel", model_id, job) as record:
            model = self._admitted(record, model_id)
            codec = self._codec("InvokeModel", model)
            native = self._native_body(body)
            record.bodies["input"] = native
            guard, tag_suffix = self._native_guardrail(record, model, native, guardrail)
            kind = kind_of(codec)
            record.bodies["kind"] = kind
            if kind != "text":
                response, input_tokens = answer_whole(codec, native, model)
                record.usage = {"inputTokens": input_tokens, "outputTokens": 0}
                record.bodies["output"] = response
                self.behaviour.settle(model.model_id, model_id, input_tokens)
                counts = {"latencyMs": 100 + input_tokens // 10}
                if kind != "rerank":
                    # A rerank answer carries only the latency header (DataDog/dd-trace-py
                    # tests/contrib/botocore/bedrock_cassettes/cohere_rerank_invoke.yaml,
                    # Cohere Rerank 3.5, 2025-10).
                    counts["inputTokens"] = input_tokens
                if kind not in ("embedding", "rerank"):
                    # Embedding answers carry no output-token header (pydantic/pydantic-ai
                    # tests/cassettes/test_embeddings/*.yaml, Titan, Cohere and Nova).
                    counts["outputTokens"] = 0
                return json.dumps(response).encode(), counts
            invocation = self._native_invocation("InvokeModel", codec, model, model_id, native)
            result = self._guarded_native(record, invocation, guard, tag_suffix)
            make_id = self._make_id(json.dumps(native, sort_keys=True, default=str))
            response = codec.render_response(result, model, make_id)
            if hasattr(codec, "echoed"):  # request fields a family's response repeats
                response.update(codec.echoed(native))
            if guard is not None:
                response.update(guard.native_fields())
            record.bodies["output"] = response
        if job is None:
            self._sleep_like_a_model(invocation, result)
        counts = invoke_counts(model, result.usage, result.latency_ms)
        return json.dumps(response).encode(), counts

    def invoke_model_with_response_stream(
        self, model_id: str, body: bytes, guardrail: dict[str, str | None] | None = None
    ) -> StreamPlan:
        """Answer InvokeModelWithResponseStream: native stream objects as ``chunk`` events."""
        operation = "InvokeModelWithResponseStream"
        with self._recording(operation, model_id) as record:
            model = self._resolve_streaming(record, model_id)
            codec = self._codec(operation, model)
            native = self._native_body(body)
            record.bodies["input"] = native
            if kind_of(codec) != "text":
                raise ValidationException(UNSUPPORTED_FOR_STREAMING)
            guard, tag_suffix = self._native_guardrail(record, model, native, guardrail)
            invocation = self._native_invocation(operation, codec, model, model_id, native)
            result = self._guarded_native(record, invocation, guard, tag_suffix)
            settings = self._settings(invocation)
            make_id = self._make_id(json.dumps(native, sort_keys=True, default=str))
            metrics = {
                "inputTokenCount": result.usage["inputTokens"],
                "outputTokenCount": result.usage["outputTokens"],
                "invocationLatency": result.latency_ms,
                "firstByteLatency": result.first_byte_ms,
            }
            for cache_field, usage_field in (
                ("cacheReadInputTokenCount", "cacheReadInputTokens"),
                ("cacheWriteInputTokenCount", "cacheWriteInputTokens"),
            ):
                if usage_field in result.usage:
                    metrics[cache_field] = result.usage[usage_field]
            closing = {"amazon-bedrock-invocationMetrics": metrics}
            if guard is not None:
                closing.update(guard.native_fields())
            # Made as they are written, as ConverseStream's events are.
            chunks: Iterable[dict[str, Any]] = last_extended(
                codec.render_stream(result, model, make_id, settings.pieces), closing
            )
            if guard is not None and model.family == "titan-text":
                chunks = _titan_guarded(
                    chunks, guard.native_fields()["amazon-bedrock-guardrailAction"]
                )
            if self.control_plane.invocation_logging.config is not None:
                # The log record holds the whole stream and is written before it is sent.
                chunks = list(chunks)
                record.bodies["output"] = chunks
            fault = self.take_stream_fault(operation)
            record.stream_fault = fault.error if fault else None
        return StreamPlan(
            events=({"chunk": {"bytes": json.dumps(c).encode()}} for c in chunks),
            pacer=Pacer(settings, codec.delta_text),
            fault=fault,
            sleep=self.behaviour.clock.sleep,
            on_abandon=lambda: self.history.note_abandoned(record),
        )

    # -- CountTokens --------------------------------------------------------------------

    def count_tokens(self, model_id: str, request: dict[str, Any]) -> int:
        """Input tokens of a Converse or InvokeModel request, as usage would report them."""
        with self._recording("CountTokens", model_id) as record:
            count = self._count_tokens(record, model_id, request)
            record.usage = {"inputTokens": count}
        return count

    def _count_tokens(self, record: CallRecord, model_id: str, request: dict[str, Any]) -> int:
        # A control-plane resource (provisioned throughput, a custom or imported model, a
        # deployment...) counts for its model; profiles, system or application, are refused
        # (catalog/resolution.py: resolve_for_counting, from recorded traffic).
        target = (
            None
            if ":application-inference-profile/" in model_id
            else self.control_plane.invocables.resolve(model_id, "")
        )
        if target is not None:
            counted = load_catalog().get(target.model_id)
            if counted is None:
                raise ValidationException(INVALID_MODEL_IDENTIFIER)
            resolved = ResolvedModel(counted)
        else:
            resolved = resolve_for_counting(
                load_catalog(), model_id, self.region_name, self.account_id, self.partition
            )
        model = resolved.model
        record.resolved_model_id = model.model_id
        self.behaviour.admit(record.operation, model.model_id, model_id)
        if resolved.profile is not None:
            raise ValidationException(COUNTING_NOT_SUPPORTED)
        if "converse" in request:
            converse = request["converse"]
            if not model.converse:
                raise ValidationException(UNSUPPORTED_ACTION_FOR_MODEL)
            invocation = Invocation(
                operation="CountTokens",
                model_id=model_id,
                model=model,
                messages=converse.get("messages", []),
                system=converse.get("system", []),
                tool_config=converse.get("toolConfig"),
            )
            return input_token_count(invocation)
        codec = self._codec("CountTokens", model)
        native = self._native_body(request["invokeModel"].get("body", b""))
        if kind_of(codec) != "text":
            return answer_whole(codec, native, model)[1]
        invocation = self._native_invocation("CountTokens", codec, model, model_id, native)
        return input_token_count(invocation)

    # -- async invocations and batch records (bedrockruntime/async_invoke.py, bedrock/batch.py)

    def start_async_invoke(self, **request: Any) -> AsyncInvocation:
        with self._recording("StartAsyncInvoke", request["model_id"]) as record:
            invocation = self.async_invokes.start(
                **request,
                now=self.behaviour.clock.now(),
                make_id=lambda seed: self.ids.make("", seed, 12).lower(),
            )
            record.job = invocation.arn
            record.resolved_model_id = invocation.model_id
        return invocation

    def get_async_invoke(self, arn: str) -> AsyncInvocation:
        return self.async_invokes.get(arn, self.behaviour.jobs, self.behaviour.clock.now())

    def list_async_invokes(self, **filters: Any) -> tuple[list[dict[str, Any]], str | None]:
        return self.async_invokes.list_invocations(
            self.behaviour.jobs, self.behaviour.clock.now(), **filters
        )

    def run_record(self, invocation_type: str, model_id: str, model_input: Any, job: str) -> Any:
        """Answer one batch record as InvokeModel or Converse would (see bedrock/batch.py)."""
        return run_batch_record(self, invocation_type, model_id, model_input, job)


# bedrock-runtime has no region list in botocore's endpoint data; it runs wherever the
# control plane does, so its regions come from "bedrock".
bedrockruntime_backends = BackendDict(BedrockRuntimeBackend, "bedrock")


def routing_text(request: dict[str, Any]) -> str:
    """The text a prompt router routes on: that of the last user message."""
    for message in reversed(request.get("messages") or []):
        if message.get("role") == "user":
            return " ".join(
                str(block["text"]) for block in message.get("content", []) if "text" in block
            )
    return ""


def _titan_guarded(chunks: Iterable[dict[str, Any]], action: str) -> Iterator[dict[str, Any]]:
    """Titan's chunks under a guardrail: each carries the action and drops its null members
    (traceloop/openllmetry packages/opentelemetry-instrumentation-bedrock/tests/metrics/
    cassettes/test_bedrock_guardrails_metrics/test_titan_invoke_stream_guardrail.yaml,
    2025-02; Nova's chunks are unchanged, test_nova_invoke_stream.yaml)."""
    for chunk in chunks:
        kept = {key: value for key, value in chunk.items() if value is not None}
        yield {"amazon-bedrock-guardrailAction": action, **kept}
