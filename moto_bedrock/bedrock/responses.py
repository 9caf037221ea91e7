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
            "put_model_invocation_logging_configuration",
            "get_model_invocation_logging_configuration",
            "delete_model_invocation_logging_configuration",
            "create_model_invocation_job",
            "get_model_invocation_job",
            "list_model_invocation_jobs",
            "stop_model_invocation_job",
        }
    )

    @property
    def bedrock_backend(self) -> BedrockBackend:
        return bedrock_backends[self.current_account][self.region]

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
        job = self.bedrock_backend.create_model_invocation_job(
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
        return ActionResult({"jobArn": job.arn})

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
