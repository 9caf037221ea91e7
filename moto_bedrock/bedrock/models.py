"""The ``bedrock`` control-plane backend: one per account and region.

It owns the behaviour clock and the shared machinery (``common``), holds each resource
family (one module each, or the data-driven ``engine``), answers every operation through
:meth:`BedrockBackend.answer`, and tells the runtime what a resource ARN used as
``modelId`` invokes (``invocables``).
"""

from __future__ import annotations

import threading
from typing import Any

from moto.core.base_backend import BackendDict

from .. import _moto
from .._moto import MotoBedrockBackend
from ..bedrockruntime.exceptions import (
    INVALID_MODEL_IDENTIFIER,
    ValidationException,
)
from ..behaviour.clock import Clock
from ..catalog import FoundationModel, load_catalog
from ..catalog.resolution import find_foundation_model
from .automated_reasoning import AutomatedReasoning
from .batch import BatchJob, BatchJobs, RecordRunner
from .common import Idempotency, Scope
from .custom_models import CustomModels
from .deployments import Deployments
from .engine import Engine
from .guardrails import GuardrailStore
from .invocable import Invocables
from .invocation_logging import InvocationLogging
from .marketplace import MarketplaceEndpoints
from .operations import HANDLERS
from .profiles import InferenceProfiles
from .projects import Projects
from .provisioned import ProvisionedThroughput
from .retention_storage import RetentionStorage
from .routers import PromptRouters
from .trusted_access import TrustedAccess

__all__ = ["BedrockBackend", "bedrock_backends"]


class BedrockBackend(MotoBedrockBackend):
    """The control plane of one account and region.

    moto's class is kept as the base only so that moto's handlers find a backend; every
    operation is ours: the catalog reads here, resource families in their own modules
    (``profiles``, ``provisioned``, ``custom_models``, ``routers``, ``batch``,
    ``invocation_logging``), and the plain
    CRUD-shaped families in the data-driven ``engine``. :mod:`.operations` maps each
    operation to the code that answers it.
    """

    clock: Clock
    scope: Scope
    engine: Engine
    profiles: InferenceProfiles
    custom: CustomModels
    provisioned: ProvisionedThroughput
    routers: PromptRouters
    reasoning: AutomatedReasoning
    invocables: Invocables
    guardrails: GuardrailStore
    projects: Projects
    trusted_access: TrustedAccess
    retention_storage: RetentionStorage
    lock: threading.RLock

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        #: The behaviour clock of this account and region; the runtime backend reads it too.
        self.clock = Clock()
        #: What every resource family shares: ARNs, tags, the clock (see ``common``).
        self.scope = Scope(account_id, region_name, self.partition, self.clock)
        self.engine = Engine(self.scope)
        #: Answers by idempotency token (``clientRequestToken``/``clientToken``).
        self.idempotency = Idempotency()
        self.profiles = InferenceProfiles(self.scope)
        self.custom = CustomModels(self.scope, self._custom_models_in)
        self.provisioned = ProvisionedThroughput(self.scope, self.custom.model_ref)
        self.routers = PromptRouters(self.scope)
        self.reasoning = AutomatedReasoning(self.engine)
        self.invocation_logging = InvocationLogging(account_id, region_name, self.partition)
        self.batch_jobs = BatchJobs(self.scope)
        self.guardrails = GuardrailStore(self.scope)
        self.projects = Projects(self.scope)
        self.trusted_access = TrustedAccess(self.scope, self.projects)
        self.retention_storage = RetentionStorage(self.scope, self.projects, self.trusted_access)
        #: What a runtime ``modelId`` naming one of this backend's resources invokes.
        self.invocables = Invocables()
        for resolver in (
            self.profiles.resolve,
            self.provisioned.resolve,
            self.custom.resolve,
            self.routers.resolve,
            Deployments(self.engine, self.custom).resolve,
            MarketplaceEndpoints(self.engine).resolve,
        ):
            self.invocables.add(resolver)

    def _custom_models_in(self, region: str) -> CustomModels | None:
        account = bedrock_backends[self.account_id]
        if region not in account:
            return None
        backend: BedrockBackend = account[region]
        return backend.custom

    def answer(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """The output of ``operation`` for parsed ``params`` (member names to values)."""
        handler = HANDLERS.get(operation)
        with self.lock:  # server mode answers requests on many threads at once
            if handler is not None:
                return self.idempotency.answer(operation, params, lambda: handler(self, params))
            return self.idempotency.answer(
                operation, params, lambda: self.engine.call(operation, params)
            )

    # -- model invocation logging (invocation_logging.py) ---------------------------------

    def put_model_invocation_logging_configuration(self, logging_config: dict[str, Any]) -> None:
        self.invocation_logging.put(logging_config)

    def get_model_invocation_logging_configuration(self) -> dict[str, Any]:
        return self.invocation_logging.get()

    def delete_model_invocation_logging_configuration(self) -> None:
        self.invocation_logging.delete()

    # -- batch inference (batch.py) ---------------------------------------------------------

    def _runner(self) -> RecordRunner:
        # The runtime backend sits above us: found through moto, never imported.
        runner: RecordRunner = _moto.installed_backends("bedrock-runtime")[self.account_id][
            self.region_name
        ]
        return runner

    def create_model_invocation_job(self, **request: Any) -> BatchJob:
        runner = self._runner()
        return self.batch_jobs.create(runner, runner.behaviour.clock.now(), **request)

    def get_model_invocation_job(self, identifier: str) -> BatchJob:
        runner = self._runner()
        behaviour = runner.behaviour
        return self.batch_jobs.get(identifier, runner, behaviour.jobs, behaviour.clock.now())

    def stop_model_invocation_job(self, identifier: str) -> None:
        runner = self._runner()
        behaviour = runner.behaviour
        self.batch_jobs.stop(identifier, runner, behaviour.jobs, behaviour.clock.now())

    def list_model_invocation_jobs(self, **filters: Any) -> tuple[list[dict[str, Any]], str | None]:
        runner = self._runner()
        behaviour = runner.behaviour
        return self.batch_jobs.list_jobs(runner, behaviour.jobs, behaviour.clock.now(), **filters)

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


bedrock_backends = BackendDict(BedrockBackend, "bedrock")
