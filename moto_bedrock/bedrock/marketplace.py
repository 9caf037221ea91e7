"""Marketplace model endpoints: the engine keeps them; what differs is here.

An endpoint is a SageMaker endpoint, so its ARN is SageMaker's
(``arn:aws:sagemaker:<region>:<account>:endpoint/<endpointName>``), and that ARN is a
runtime ``modelId``. We cannot run the marketplace model; the endpoint answers in the body
format of the first architecture in :data:`~.custom_models.ARCHITECTURES` named in its
``modelSourceIdentifier`` (the hub content ARN), ``llama`` otherwise.
"""

from __future__ import annotations

from typing import Any

from ..bedrockruntime.exceptions import INVALID_MODEL_IDENTIFIER, ValidationException
from .common import Scope
from .custom_models import ARCHITECTURES
from .engine import Engine
from .invocable import Target

__all__ = ["FAMILY", "MarketplaceEndpoints"]

FAMILY = "MarketplaceModelEndpoint"


def endpoint_arn(scope: Scope, resource_id: str, request: dict[str, Any]) -> str:
    name = request.get("endpointName") or resource_id
    return f"arn:{scope.partition}:sagemaker:{scope.region}:{scope.account_id}:endpoint/{name}"


class MarketplaceEndpoints:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        engine.arn_forms[FAMILY] = endpoint_arn
        # The SageMaker endpoint's own status (a free string in the model): in service.
        engine.derived[FAMILY] = lambda _id, _request: {"endpointStatus": "InService"}

    def resolve(self, identifier: str, prompt: str) -> Target | None:
        if ":sagemaker:" not in identifier or ":endpoint/" not in identifier:
            return None
        found = self.engine.store(FAMILY).find(identifier)
        if found is None:
            raise ValidationException(INVALID_MODEL_IDENTIFIER)
        source = str(found[1].fields.get("modelSourceIdentifier", "")).lower()
        architecture = next((a for a in ARCHITECTURES if a in source), "llama")
        return Target(ARCHITECTURES[architecture], "marketplace-model-endpoint")
