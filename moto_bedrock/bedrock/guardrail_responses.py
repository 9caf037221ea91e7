"""The guardrail operations of the ``bedrock`` control plane, as a response mixin."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult

from .guardrails import GuardrailStore

__all__ = ["GUARDRAIL_ACTIONS", "GuardrailResponses"]

GUARDRAIL_ACTIONS = frozenset(
    {
        "create_guardrail",
        "get_guardrail",
        "list_guardrails",
        "update_guardrail",
        "delete_guardrail",
        "create_guardrail_version",
        "put_enforced_guardrail_configuration",
        "list_enforced_guardrails_configuration",
        "delete_enforced_guardrail_configuration",
    }
)

_SETTINGS = (
    "name",
    "description",
    "topicPolicyConfig",
    "contentPolicyConfig",
    "wordPolicyConfig",
    "sensitiveInformationPolicyConfig",
    "contextualGroundingPolicyConfig",
    "automatedReasoningPolicyConfig",
    "crossRegionConfig",
    "blockedInputMessaging",
    "blockedOutputsMessaging",
    "kmsKeyId",
)


class GuardrailResponses:
    """Request in, backend call, ``ActionResult`` out; mixed into ``BedrockResponse``."""

    bedrock_backend: Any
    _get_param: Any

    def _settings(self) -> dict[str, Any]:
        return {k: v for k in _SETTINGS if (v := self._get_param(k)) is not None}

    @property
    def _guardrails(self) -> GuardrailStore:
        store: GuardrailStore = self.bedrock_backend.guardrails
        return store

    def create_guardrail(self) -> ActionResult:
        guardrail = self.bedrock_backend.create_guardrail(
            self._settings(), self._get_param("tags") or []
        )
        return ActionResult(
            {
                "guardrailId": guardrail.guardrail_id,
                "guardrailArn": guardrail.arn,
                "version": "DRAFT",
                "createdAt": guardrail.draft.created_at,
            }
        )

    def get_guardrail(self) -> ActionResult:
        return ActionResult(
            self._guardrails.describe(
                self._get_param("guardrailIdentifier"), self._get_param("guardrailVersion")
            )
        )

    def list_guardrails(self) -> ActionResult:
        summaries, next_token = self.bedrock_backend.list_guardrails(
            guardrail_identifier=self._get_param("guardrailIdentifier"),
            max_results=self._get_param("maxResults"),
            next_token=self._get_param("nextToken"),
        )
        return ActionResult({"guardrails": summaries, "nextToken": next_token})

    def update_guardrail(self) -> ActionResult:
        guardrail = self._guardrails.update(
            self._get_param("guardrailIdentifier"), self._settings()
        )
        return ActionResult(
            {
                "guardrailId": guardrail.guardrail_id,
                "guardrailArn": guardrail.arn,
                "version": "DRAFT",
                "updatedAt": guardrail.draft.updated_at,
            }
        )

    def delete_guardrail(self) -> ActionResult:
        self.bedrock_backend.delete_guardrail(
            self._get_param("guardrailIdentifier"), self._get_param("guardrailVersion")
        )
        return EmptyResult()

    def create_guardrail_version(self) -> ActionResult:
        guardrail, version = self._guardrails.create_version(
            self._get_param("guardrailIdentifier"), self._get_param("description")
        )
        return ActionResult({"guardrailId": guardrail.guardrail_id, "version": version})

    def put_enforced_guardrail_configuration(self) -> ActionResult:
        entry = self._guardrails.put_enforced(
            self._get_param("configId"), self._get_param("guardrailInferenceConfig")
        )
        return ActionResult(
            {
                "configId": entry["configId"],
                "updatedAt": entry["updatedAt"],
                "updatedBy": entry["updatedBy"],
            }
        )

    def list_enforced_guardrails_configuration(self) -> ActionResult:
        return ActionResult({"guardrailsConfig": self._guardrails.list_enforced()})

    def delete_enforced_guardrail_configuration(self) -> ActionResult:
        self._guardrails.delete_enforced(self._get_param("configId"))
        return EmptyResult()
