"""``bedrock-runtime`` requests in, model-driven responses out."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult

from ..generation.codecs import malformed
from ..wire.protocol import BedrockProtocol, ExactResult, StreamResult
from ..wire.validation import MAX_JSON_DEPTH, too_deep
from .models import BedrockRuntimeBackend, bedrockruntime_backends
from .recording import Answer, play


def _native_body(body: Any) -> bytes:
    """A native InvokeModel body, refused before the backend parses it if nested too deeply."""
    raw = body or b""
    if too_deep(raw):
        raise malformed(f"#: arrays and objects nest deeper than {MAX_JSON_DEPTH} levels")
    return raw


class BedrockRuntimeResponse(BedrockProtocol):
    """Every bedrock-runtime operation is parsed and serialized from the botocore model."""

    def __init__(self) -> None:
        super().__init__(service_name="bedrock-runtime")

    @property
    def backend(self) -> BedrockRuntimeBackend:
        return self.backend_of(bedrockruntime_backends)  # type: ignore[no-any-return]

    def _converse_request(self) -> dict[str, Any]:
        return {
            "model_id": self._get_param("modelId"),
            "messages": self._get_param("messages", []),
            "system": self._get_param("system", []),
            "inference_config": self._get_param("inferenceConfig", {}),
            "tool_config": self._get_param("toolConfig"),
            "additional_request_fields": self._get_param("additionalModelRequestFields"),
            "response_field_paths": self._get_param("additionalModelResponseFieldPaths", []),
            "request_metadata": self._get_param("requestMetadata"),
            "output_config": self._get_param("outputConfig"),
            "guardrail_config": self._get_param("guardrailConfig"),
        }

    def _played(self, operation: str) -> Answer | None:
        """The cassette's answer to this call, when a cassette is in use (record/replay)."""
        return play(self.backend, operation, self.params)

    def converse(self) -> ActionResult:
        if answer := self._played("Converse"):
            return ExactResult(answer.output)
        return ExactResult(self.backend.converse(**self._converse_request()))

    def converse_stream(self) -> ActionResult:
        if answer := self._played("ConverseStream"):
            return StreamResult(answer.stream_plan(self.backend.behaviour.clock.sleep))
        return StreamResult(self.backend.converse_stream(**self._converse_request()))

    def _native_guardrail(self) -> dict[str, str | None]:
        return {
            "identifier": self._get_param("guardrailIdentifier"),
            "version": self._get_param("guardrailVersion"),
            "trace": self._get_param("trace"),
        }

    def apply_guardrail(self) -> ActionResult:
        if answer := self._played("ApplyGuardrail"):
            return ActionResult(answer.output)
        return ActionResult(
            self.backend.apply_guardrail(
                self._get_param("guardrailIdentifier"),
                self._get_param("guardrailVersion"),
                self._get_param("source"),
                self._get_param("content", []),
                self._get_param("outputScope"),
            )
        )

    def invoke_model(self) -> ActionResult:
        if answer := self._played("InvokeModel"):
            self.response_headers.update(answer.headers)
            return ActionResult(answer.output)
        body, counts = self.backend.invoke_model(
            self._get_param("modelId"),
            _native_body(self._get_param("body")),
            self._native_guardrail(),
        )
        # Not in the service model; SDKs expose them only as raw HTTP headers.
        names = {
            "inputTokens": "x-amzn-bedrock-input-token-count",
            "outputTokens": "x-amzn-bedrock-output-token-count",
            "latencyMs": "x-amzn-bedrock-invocation-latency",
            "cacheReadInputTokens": "x-amzn-bedrock-cache-read-input-token-count",
            "cacheWriteInputTokens": "x-amzn-bedrock-cache-write-input-token-count",
        }
        self.response_headers.update(
            {header: str(counts[key]) for key, header in names.items() if key in counts}
        )
        return ActionResult({"body": body, "contentType": "application/json"})

    def invoke_model_with_response_stream(self) -> ActionResult:
        if answer := self._played("InvokeModelWithResponseStream"):
            return StreamResult(
                answer.stream_plan(self.backend.behaviour.clock.sleep),
                headers={
                    "X-Amzn-Bedrock-Content-Type": answer.output.get(
                        "contentType", "application/json"
                    )
                },
            )
        plan = self.backend.invoke_model_with_response_stream(
            self._get_param("modelId"),
            _native_body(self._get_param("body")),
            self._native_guardrail(),
        )
        return StreamResult(plan, headers={"X-Amzn-Bedrock-Content-Type": "application/json"})

    def count_tokens(self) -> ActionResult:
        if answer := self._played("CountTokens"):
            return ExactResult(answer.output)
        request = self._get_param("input")
        if isinstance(request, dict) and isinstance(request.get("invokeModel"), dict):
            _native_body(request["invokeModel"].get("body"))
        count = self.backend.count_tokens(self._get_param("modelId"), request)
        return ActionResult({"inputTokens": count})

    # -- async invocations (async_invoke.py) ----------------------------------------------

    def start_async_invoke(self) -> ActionResult:
        invocation = self.backend.start_async_invoke(
            model_id=self._get_param("modelId"),
            model_input=self._get_param("modelInput"),
            output_config=self._get_param("outputDataConfig"),
            token=self._get_param("clientRequestToken"),
            tags=self._get_param("tags", []),
        )
        return ActionResult({"invocationArn": invocation.arn})

    def get_async_invoke(self) -> ActionResult:
        return ActionResult(
            self.backend.get_async_invoke(self._get_param("invocationArn")).summary()
        )

    def list_async_invokes(self) -> ActionResult:
        summaries, next_token = self.backend.list_async_invokes(
            submit_time_after=self._get_param("submitTimeAfter"),
            submit_time_before=self._get_param("submitTimeBefore"),
            status_equals=self._get_param("statusEquals"),
            sort_order=self._get_param("sortOrder"),
            max_results=self._get_param("maxResults"),
            next_token=self._get_param("nextToken"),
        )
        return ActionResult({"asyncInvokeSummaries": summaries, "nextToken": next_token})
