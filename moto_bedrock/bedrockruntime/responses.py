"""``bedrock-runtime`` requests in, model-driven responses out."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult

from ..protocol import BedrockProtocol, StreamResult
from .models import BedrockRuntimeBackend, bedrockruntime_backends


class BedrockRuntimeResponse(BedrockProtocol):
    """Every bedrock-runtime operation is parsed and serialized from the botocore model."""

    def __init__(self) -> None:
        super().__init__(service_name="bedrock-runtime")

    @property
    def backend(self) -> BedrockRuntimeBackend:
        return bedrockruntime_backends[self.current_account][self.region]

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
        }

    def converse(self) -> ActionResult:
        return ActionResult(self.backend.converse(**self._converse_request()))

    def converse_stream(self) -> ActionResult:
        return StreamResult(self.backend.converse_stream(**self._converse_request()))

    def invoke_model(self) -> ActionResult:
        body, counts = self.backend.invoke_model(
            self._get_param("modelId"), self._get_param("body") or b""
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
            self._get_param("modelId"), self._get_param("body") or b""
        )
        return StreamResult(plan, headers={"X-Amzn-Bedrock-Content-Type": "application/json"})

    def count_tokens(self) -> ActionResult:
        count = self.backend.count_tokens(self._get_param("modelId"), self._get_param("input"))
        return ActionResult({"inputTokens": count})
