"""``bedrock-runtime`` requests in, model-driven responses out."""

from __future__ import annotations

from moto.core.responses import ActionResult

from ..protocol import BedrockProtocol
from .models import BedrockRuntimeBackend, bedrockruntime_backends


class BedrockRuntimeResponse(BedrockProtocol):
    """Every bedrock-runtime operation is parsed and serialized from the botocore model."""

    def __init__(self) -> None:
        super().__init__(service_name="bedrock-runtime")

    @property
    def backend(self) -> BedrockRuntimeBackend:
        return bedrockruntime_backends[self.current_account][self.region]

    def converse(self) -> ActionResult:
        result = self.backend.converse(
            operation="Converse",
            model_id=self._get_param("modelId"),
            messages=self._get_param("messages", []),
            system=self._get_param("system", []),
            inference_config=self._get_param("inferenceConfig", {}),
            tool_config=self._get_param("toolConfig"),
            additional_request_fields=self._get_param("additionalModelRequestFields"),
            response_field_paths=self._get_param("additionalModelResponseFieldPaths", []),
            request_metadata=self._get_param("requestMetadata"),
        )
        return ActionResult(result)
