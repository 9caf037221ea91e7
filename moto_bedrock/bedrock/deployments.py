"""Custom model deployments: the engine keeps them; what differs is here.

A deployment (``custom-model-deployment/<12 chars>``) is ``Creating`` for a minute on the
behaviour clock, then ``Active``; from then on its ARN is a runtime ``modelId`` answering
like the deployed custom model (that is, like its base model).
"""

from __future__ import annotations

from ..bedrockruntime.exceptions import ModelNotReadyException, ResourceNotFoundException
from .custom_models import CustomModels
from .engine import Engine
from .invocable import Target

__all__ = ["FAMILY", "Deployments"]

FAMILY = "CustomModelDeployment"
# Unverified texts.
NOT_FOUND = "Custom model deployment {id} not found."
MODEL_GONE = "The custom model of deployment {id} no longer exists."
NOT_READY = "The custom model deployment {id} is not active yet."


class Deployments:
    def __init__(self, engine: Engine, custom: CustomModels) -> None:
        self.engine = engine
        self.custom = custom
        # Summaries name the deployment ``customModelDeploymentName``; requests say
        # ``modelDeploymentName``.
        engine.derived[FAMILY] = lambda _id, request: {
            "customModelDeploymentName": request["modelDeploymentName"]
        }

    def resolve(self, identifier: str, prompt: str) -> Target | None:
        if ":custom-model-deployment/" not in identifier:
            return None
        found = self.engine.store(FAMILY).find(identifier)
        if found is None:
            raise ResourceNotFoundException(NOT_FOUND.format(id=identifier))
        deployment = found[1]
        ref = self.custom.model_ref(str(deployment.fields.get("modelArn", "")))
        if ref is None:
            raise ResourceNotFoundException(MODEL_GONE.format(id=identifier))
        if deployment.progress.status != "Active":
            raise ModelNotReadyException(NOT_READY.format(id=identifier))
        return Target(ref.catalog_id, "custom-model-deployment")
