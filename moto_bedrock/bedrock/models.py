"""The ``bedrock`` control-plane backend.

It extends moto's own backend (custom models, customization jobs, logging configuration,
tags) with the foundation-model catalog, system inference profiles and model availability.
"""

from __future__ import annotations

from typing import Any

from moto.core.base_backend import BackendDict
from moto.utilities.paginator import paginate

from .._moto import MotoBedrockBackend
from ..bedrockruntime.exceptions import (
    INVALID_MODEL_IDENTIFIER,
    ResourceNotFoundException,
    ValidationException,
)
from ..catalog import FoundationModel, load_catalog
from ..catalog.resolution import (
    PROFILES_CREATED,
    SystemProfile,
    find_foundation_model,
    find_system_profile,
    system_profiles,
)
from .guardrails import GuardrailStore, StoredGuardrail

__all__ = ["BedrockBackend", "bedrock_backends"]


class InvalidNextToken(ValidationException):
    message = "The provided nextToken is not valid."


class BedrockBackend(MotoBedrockBackend):
    """moto's bedrock backend plus the catalog-driven read operations."""

    PAGINATION_MODEL = {
        **MotoBedrockBackend.PAGINATION_MODEL,
        "list_guardrails": {
            "input_token": "next_token",
            "limit_key": "max_results",
            "limit_default": 20,
            "unique_attribute": ["id", "version"],
            "fail_on_invalid_token": InvalidNextToken,
        },
        "list_inference_profiles": {
            "input_token": "next_token",
            "limit_key": "max_results",
            "limit_default": 1000,
            "unique_attribute": "inferenceProfileId",
            "fail_on_invalid_token": InvalidNextToken,
        },
    }

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.guardrails = GuardrailStore(region_name, account_id, self.partition)

    def _list_arns(self) -> list[str]:
        # moto's tag operations accept only the ARNs listed here.
        return [*super()._list_arns(), *self.guardrails.arns()]

    # -- guardrails (the operations are in guardrails.py) --------------------------------

    def create_guardrail(
        self, settings: dict[str, Any], tags: list[dict[str, str]]
    ) -> StoredGuardrail:
        guardrail = self.guardrails.create(settings)
        if tags:
            self.tag_resource(guardrail.arn, tags)
        return guardrail

    def delete_guardrail(self, identifier: str, version: str | None) -> None:
        arn = self.guardrails.arn_prefix() + identifier.rsplit("/", 1)[-1]
        self.guardrails.delete(identifier, version)
        if version is None:
            self.tagger.delete_all_tags_for_resource(arn)

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_guardrails(self, guardrail_identifier: str | None = None) -> list[dict[str, Any]]:
        return self.guardrails.summaries(guardrail_identifier)

    # -- foundation models --------------------------------------------------------------

    def _summary(self, model: FoundationModel) -> dict[str, Any]:
        return {
            "modelArn": model.arn(self.region_name, self.partition),
            "modelId": model.model_id,
            "modelName": model.model_name,
            "providerName": model.provider_name,
            "inputModalities": list(model.input_modalities),
            "outputModalities": list(model.output_modalities),
            "responseStreamingSupported": model.response_streaming_supported,
            "customizationsSupported": list(model.customizations_supported),
            "inferenceTypesSupported": list(model.inference_types_supported),
            "modelLifecycle": {"status": model.lifecycle_status},
        }

    def list_foundation_models(
        self,
        by_provider: str | None = None,
        by_customization_type: str | None = None,
        by_output_modality: str | None = None,
        by_inference_type: str | None = None,
    ) -> list[dict[str, Any]]:
        """Catalog models in this region; every filter given must match (AND)."""
        models = load_catalog().models_in(self.region_name)
        if by_provider is not None:
            # AWS matches the provider name case-insensitively ("anthropic" finds Anthropic).
            models = [m for m in models if m.provider_name.lower() == by_provider.lower()]
        if by_customization_type is not None:
            models = [m for m in models if by_customization_type in m.customizations_supported]
        if by_output_modality is not None:
            models = [m for m in models if by_output_modality in m.output_modalities]
        if by_inference_type is not None:
            models = [m for m in models if by_inference_type in m.inference_types_supported]
        return [self._summary(m) for m in models]

    def get_foundation_model(self, model_identifier: str) -> dict[str, Any]:
        model = find_foundation_model(load_catalog(), model_identifier, self.region_name)
        if model is None:
            raise ValidationException(INVALID_MODEL_IDENTIFIER)
        return self._summary(model)

    def get_foundation_model_availability(self, model_id: str) -> dict[str, Any]:
        model = find_foundation_model(load_catalog(), model_id, self.region_name)
        if model is None:
            raise ValidationException(INVALID_MODEL_IDENTIFIER)
        return {
            "modelId": model.model_id,
            "agreementAvailability": {"status": "AVAILABLE"},
            "authorizationStatus": "AUTHORIZED",
            "entitlementAvailability": "AVAILABLE",
            "regionAvailability": "AVAILABLE",
        }

    # -- inference profiles -------------------------------------------------------------

    def _profile(self, profile: SystemProfile) -> dict[str, Any]:
        return {
            "inferenceProfileName": profile.name,
            "description": profile.description,
            "createdAt": PROFILES_CREATED,
            "updatedAt": PROFILES_CREATED,
            "inferenceProfileArn": profile.arn,
            "models": [{"modelArn": arn} for arn in profile.model_arns()],
            "inferenceProfileId": profile.profile_id,
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        }

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_inference_profiles(self, type_equals: str | None = None) -> list[dict[str, Any]]:
        if type_equals not in (None, "SYSTEM_DEFINED"):
            return []  # application profiles are not modeled yet
        profiles = system_profiles(
            load_catalog(), self.region_name, self.account_id, self.partition
        )
        return [self._profile(p) for p in profiles]

    def get_inference_profile(self, identifier: str) -> dict[str, Any]:
        profile = find_system_profile(
            load_catalog(), identifier, self.region_name, self.account_id, self.partition
        )
        if profile is None:
            raise ResourceNotFoundException("Inference profile not found.")
        return self._profile(profile)


bedrock_backends = BackendDict(BedrockBackend, "bedrock")
