"""``bedrock`` control-plane requests: moto's handlers plus our model-driven ones."""

from __future__ import annotations

from moto.core.responses import ActionResult

from .._moto import MotoBedrockResponse
from ..wire.protocol import BedrockProtocol
from .models import BedrockBackend, bedrock_backends


class BedrockResponse(BedrockProtocol, MotoBedrockResponse):
    """Adds the catalog operations; everything else is moto's ``BedrockResponse``."""

    model_driven_actions = frozenset(
        {
            "list_foundation_models",
            "get_foundation_model",
            "get_foundation_model_availability",
            "list_inference_profiles",
            "get_inference_profile",
        }
    )

    @property
    def bedrock_backend(self) -> BedrockBackend:
        return self.backend_of(bedrock_backends)  # type: ignore[no-any-return]

    def list_foundation_models(self) -> ActionResult:
        summaries = self.bedrock_backend.list_foundation_models(
            by_provider=self._get_param("byProvider"),
            by_customization_type=self._get_param("byCustomizationType"),
            by_output_modality=self._get_param("byOutputModality"),
            by_inference_type=self._get_param("byInferenceType"),
        )
        return ActionResult({"modelSummaries": summaries})

    def get_foundation_model(self) -> ActionResult:
        details = self.bedrock_backend.get_foundation_model(self._get_param("modelIdentifier"))
        return ActionResult({"modelDetails": details})

    def get_foundation_model_availability(self) -> ActionResult:
        return ActionResult(
            self.bedrock_backend.get_foundation_model_availability(self._get_param("modelId"))
        )

    def list_inference_profiles(self) -> ActionResult:
        profiles, next_token = self.bedrock_backend.list_inference_profiles(
            type_equals=self._get_param("typeEquals"),
            max_results=self._get_param("maxResults"),
            next_token=self._get_param("nextToken"),
        )
        return ActionResult({"inferenceProfileSummaries": profiles, "nextToken": next_token})

    def get_inference_profile(self) -> ActionResult:
        return ActionResult(
            self.bedrock_backend.get_inference_profile(
                self._get_param("inferenceProfileIdentifier")
            )
        )
