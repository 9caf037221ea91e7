"""``bedrock-runtime`` requests in, model-driven responses out."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult

from ..generation.codecs import malformed
from ..wire.protocol import BedrockProtocol, ExactResult, StreamResult
from ..wire.validation import MAX_JSON_DEPTH, too_deep
from .models import BedrockRuntimeBackend, bedrockruntime_backends


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
        }

    def converse(self) -> ActionResult:
        return ExactResult(self.backend.converse(**self._converse_request()))

    def converse_stream(self) -> ActionResult:
        return StreamResult(self.backend.converse_stream(**self._converse_request()))

    def invoke_model(self) -> ActionResult:
        body, counts = self.backend.invoke_model(
            self._get_param("modelId"), _native_body(self._get_param("body"))
        )
        # Not in the service model; SDKs expose them only as raw HTTP headers.
        self.response_headers.update(
            {
                "x-amzn-bedrock-input-token-count": str(counts["inputTokens"]),
                "x-amzn-bedrock-output-token-count": str(counts["outputTokens"]),
                "x-amzn-bedrock-invocation-latency": str(counts["latencyMs"]),
            }
        )
        return ActionResult({"body": body, "contentType": "application/json"})

    def invoke_model_with_response_stream(self) -> ActionResult:
        plan = self.backend.invoke_model_with_response_stream(
            self._get_param("modelId"), _native_body(self._get_param("body"))
        )
        return StreamResult(plan, headers={"X-Amzn-Bedrock-Content-Type": "application/json"})

    def count_tokens(self) -> ActionResult:
        request = self._get_param("input")
        if isinstance(request, dict) and isinstance(request.get("invokeModel"), dict):
            _native_body(request["invokeModel"].get("body"))
        count = self.backend.count_tokens(self._get_param("modelId"), request)
        return ActionResult({"inputTokens": count})
