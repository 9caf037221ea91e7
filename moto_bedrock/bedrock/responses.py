"""``bedrock`` control-plane requests, parsed and validated from botocore's model.

Every operation has a handler: the catalog reads are written out here; every other one
hands its parsed parameters to :meth:`BedrockBackend.answer`. Only the invocation logging
configuration is still moto's own handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult

from .._moto import MotoBedrockResponse
from ..wire.protocol import BedrockProtocol
from ..wire.validation import operation_model
from .models import BedrockBackend, bedrock_backends

#: Answered by moto's inherited handlers: none (the logging configuration is ours since
#: issue 15, in ``invocation_logging.py``).
MOTO_KEEPS: frozenset[str] = frozenset()
_PATTERN_TOO_NARROW = frozenset({"get_prompt_router", "delete_prompt_router"})
OPERATIONS = tuple(operation_model("bedrock", "ListFoundationModels").service_model.operation_names)


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class BedrockResponse(BedrockProtocol, MotoBedrockResponse):
    """Our handlers for every operation but MOTO_KEEPS (moto's class is the base for those)."""

    #: Every operation but those still answered by moto's hand-written handlers.
    model_driven_actions = frozenset(_snake_case(name) for name in OPERATIONS) - MOTO_KEEPS

    def _validate_raw(self, request: Any, constraints: bool = True) -> dict[str, Any] | None:
        # botocore's pattern for these admits default routers' ARNs only, not those of the
        # routers CreatePromptRouter makes: their types are checked, not their patterns.
        if _snake_case(self._get_action()) in _PATTERN_TOO_NARROW:
            constraints = False
        return super()._validate_raw(request, constraints)

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

    # -- model invocation logging ------------------------------------------------------------

    def put_model_invocation_logging_configuration(self) -> ActionResult:  # type: ignore[override]
        self.bedrock_backend.put_model_invocation_logging_configuration(
            self._get_param("loggingConfig")
        )
        return ActionResult({})

    def get_model_invocation_logging_configuration(self) -> ActionResult:  # type: ignore[override]
        config = self.bedrock_backend.get_model_invocation_logging_configuration()
        return ActionResult({"loggingConfig": config})

    def delete_model_invocation_logging_configuration(self) -> ActionResult:  # type: ignore[override]
        self.bedrock_backend.delete_model_invocation_logging_configuration()
        return ActionResult({})

    # -- batch inference ---------------------------------------------------------------------

    def create_model_invocation_job(self) -> ActionResult:
        backend = self.bedrock_backend

        def create() -> dict[str, Any]:
            job = backend.create_model_invocation_job(
                job_name=self._get_param("jobName"),
                role_arn=self._get_param("roleArn"),
                model_id=self._get_param("modelId"),
                input_config=self._get_param("inputDataConfig"),
                output_config=self._get_param("outputDataConfig"),
                token=self._get_param("clientRequestToken"),
                vpc_config=self._get_param("vpcConfig"),
                timeout_hours=self._get_param("timeoutDurationInHours"),
                invocation_type=self._get_param("modelInvocationType"),
                tags=self._get_param("tags"),
            )
            return {"jobArn": job.arn}

        with backend.lock:  # the token rule every other operation follows (common/)
            answer = backend.idempotency.answer(
                "CreateModelInvocationJob", dict(self.params), create
            )
        return ActionResult(answer)

    def get_model_invocation_job(self) -> ActionResult:
        job = self.bedrock_backend.get_model_invocation_job(self._get_param("jobIdentifier"))
        return ActionResult(job.details())

    def list_model_invocation_jobs(self) -> ActionResult:
        summaries, next_token = self.bedrock_backend.list_model_invocation_jobs(
            submit_time_after=self._get_param("submitTimeAfter"),
            submit_time_before=self._get_param("submitTimeBefore"),
            status_equals=self._get_param("statusEquals"),
            name_contains=self._get_param("nameContains"),
            sort_order=self._get_param("sortOrder"),
            max_results=self._get_param("maxResults"),
            next_token=self._get_param("nextToken"),
        )
        return ActionResult({"invocationJobSummaries": summaries, "nextToken": next_token})

    def stop_model_invocation_job(self) -> ActionResult:
        self.bedrock_backend.stop_model_invocation_job(self._get_param("jobIdentifier"))
        return ActionResult({})


def _answering(operation: str) -> Callable[[BedrockResponse], ActionResult]:
    def handler(self: BedrockResponse) -> ActionResult:
        return ActionResult(self.bedrock_backend.answer(operation, dict(self.params)))

    handler.__name__ = _snake_case(operation)
    handler.__doc__ = f"Answer {operation} (see ``bedrock/operations.py`` and ``engine.py``)."
    return handler


# Every operation without a handler of our own gets one; moto's are replaced (but for
# MOTO_KEEPS), so no operation answers NotImplementedError.
for _operation in OPERATIONS:
    _name = _snake_case(_operation)
    if _name not in vars(BedrockResponse) and _name not in MOTO_KEEPS:
        setattr(BedrockResponse, _name, _answering(_operation))
