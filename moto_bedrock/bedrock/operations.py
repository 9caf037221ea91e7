"""Which code answers each control-plane operation that is not the engine's.

Every entry takes the backend and the request's parsed parameters (member names as in
botocore's ``bedrock`` model) and returns the output structure. An operation missing here
is answered by the data-driven :mod:`.engine`; the catalog reads (ListFoundationModels,
...) have hand-written handlers in ``responses.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import BedrockBackend

__all__ = ["HANDLERS"]

Params = dict[str, Any]
Handler = Callable[["BedrockBackend", Params], dict[str, Any]]


def _listing(items_key: str, result: tuple[list[dict[str, Any]], str | None]) -> dict[str, Any]:
    items, token = result
    return {items_key: items, "nextToken": token}


def _empty(action: Callable[[], Any]) -> dict[str, Any]:
    action()
    return {}


HANDLERS: dict[str, Handler] = {
    # -- tags: one store for every taggable family ------------------------------------------
    "TagResource": lambda b, p: _empty(
        lambda: b.scope.tags.tag_resource(p["resourceARN"], p["tags"])
    ),
    "UntagResource": lambda b, p: _empty(
        lambda: b.scope.tags.untag_resource(p["resourceARN"], p["tagKeys"])
    ),
    "ListTagsForResource": lambda b, p: {
        "tags": b.scope.tags.list_tags_for_resource(p["resourceARN"])
    },
    # -- inference profiles -------------------------------------------------------------------
    "CreateInferenceProfile": lambda b, p: b.profiles.create(
        p["inferenceProfileName"], p["modelSource"], p.get("description"), p.get("tags")
    ),
    "GetInferenceProfile": lambda b, p: b.profiles.get(p["inferenceProfileIdentifier"]),
    "ListInferenceProfiles": lambda b, p: _listing(
        "inferenceProfileSummaries",
        b.profiles.list(p.get("typeEquals"), p.get("maxResults"), p.get("nextToken")),
    ),
    "DeleteInferenceProfile": lambda b, p: _empty(
        lambda: b.profiles.delete(p["inferenceProfileIdentifier"])
    ),
    # -- provisioned throughput -----------------------------------------------------------------
    "CreateProvisionedModelThroughput": lambda b, p: b.provisioned.create(
        p["provisionedModelName"],
        p["modelId"],
        p["modelUnits"],
        p.get("commitmentDuration"),
        p.get("tags"),
    ),
    "GetProvisionedModelThroughput": lambda b, p: b.provisioned.get(p["provisionedModelId"]),
    "ListProvisionedModelThroughputs": lambda b, p: _listing(
        "provisionedModelSummaries", b.provisioned.list(p)
    ),
    "UpdateProvisionedModelThroughput": lambda b, p: _empty(
        lambda: b.provisioned.update(
            p["provisionedModelId"], p.get("desiredProvisionedModelName"), p.get("desiredModelId")
        )
    ),
    "DeleteProvisionedModelThroughput": lambda b, p: _empty(
        lambda: b.provisioned.delete(p["provisionedModelId"])
    ),
    # -- prompt routers ---------------------------------------------------------------------------
    "CreatePromptRouter": lambda b, p: b.routers.create(
        p["promptRouterName"],
        p["models"],
        p["fallbackModel"],
        p["routingCriteria"],
        p.get("description"),
        p.get("tags"),
    ),
    "GetPromptRouter": lambda b, p: b.routers.get(p["promptRouterArn"]),
    "ListPromptRouters": lambda b, p: _listing(
        "promptRouterSummaries",
        b.routers.list(p.get("type"), p.get("maxResults"), p.get("nextToken")),
    ),
    "DeletePromptRouter": lambda b, p: _empty(lambda: b.routers.delete(p["promptRouterArn"])),
    # -- guardrails (guardrails.py) ----------------------------------------------------------------
    "CreateGuardrail": lambda b, p: b.guardrails.create(p, p.get("tags")),
    "GetGuardrail": lambda b, p: b.guardrails.describe(
        p["guardrailIdentifier"], p.get("guardrailVersion")
    ),
    "ListGuardrails": lambda b, p: b.guardrails.listing(
        p.get("guardrailIdentifier"), p.get("maxResults"), p.get("nextToken")
    ),
    "UpdateGuardrail": lambda b, p: b.guardrails.update(p["guardrailIdentifier"], p),
    "DeleteGuardrail": lambda b, p: _empty(
        lambda: b.guardrails.delete(p["guardrailIdentifier"], p.get("guardrailVersion"))
    ),
    "CreateGuardrailVersion": lambda b, p: b.guardrails.create_version(
        p["guardrailIdentifier"], p.get("description")
    ),
    "PutEnforcedGuardrailConfiguration": lambda b, p: b.guardrails.put_enforced(
        p.get("configId"), p["guardrailInferenceConfig"]
    ),
    "ListEnforcedGuardrailsConfiguration": lambda b, p: b.guardrails.list_enforced(),
    "DeleteEnforcedGuardrailConfiguration": lambda b, p: _empty(
        lambda: b.guardrails.delete_enforced(p["configId"])
    ),
    # -- automated reasoning policy versions ------------------------------------------------------
    "CreateAutomatedReasoningPolicy": lambda b, p: b.reasoning.create(p),
    "CreateAutomatedReasoningPolicyVersion": lambda b, p: b.reasoning.create_version(p),
    "GetAutomatedReasoningPolicy": lambda b, p: b.reasoning.get(p),
    "ListAutomatedReasoningPolicies": lambda b, p: b.reasoning.listing(p),
    # -- custom models and their jobs -----------------------------------------------------------
    "CreateModelCustomizationJob": lambda b, p: b.custom.create_customization_job(p),
    "GetModelCustomizationJob": lambda b, p: b.custom.get_customization_job(p["jobIdentifier"]),
    "ListModelCustomizationJobs": lambda b, p: _listing(
        "modelCustomizationJobSummaries", b.custom.list_customization_jobs(p)
    ),
    "StopModelCustomizationJob": lambda b, p: _empty(
        lambda: b.custom.stop_customization_job(p["jobIdentifier"])
    ),
    "CreateCustomModel": lambda b, p: b.custom.create_custom_model(p),
    "GetCustomModel": lambda b, p: b.custom.get_custom_model(p["modelIdentifier"]),
    "ListCustomModels": lambda b, p: _listing("modelSummaries", b.custom.list_custom_models(p)),
    "DeleteCustomModel": lambda b, p: _empty(
        lambda: b.custom.delete_custom_model(p["modelIdentifier"])
    ),
    "CreateModelCopyJob": lambda b, p: b.custom.create_copy_job(p),
    "GetModelCopyJob": lambda b, p: b.custom.get_copy_job(p["jobArn"]),
    "ListModelCopyJobs": lambda b, p: _listing("modelCopyJobSummaries", b.custom.list_copy_jobs(p)),
    "CreateModelImportJob": lambda b, p: b.custom.create_import_job(p),
    "GetModelImportJob": lambda b, p: b.custom.get_import_job(p["jobIdentifier"]),
    "ListModelImportJobs": lambda b, p: _listing(
        "modelImportJobSummaries", b.custom.list_import_jobs(p)
    ),
    "GetImportedModel": lambda b, p: b.custom.get_imported_model(p["modelIdentifier"]),
    "ListImportedModels": lambda b, p: _listing("modelSummaries", b.custom.list_imported_models(p)),
    "DeleteImportedModel": lambda b, p: _empty(
        lambda: b.custom.delete_imported_model(p["modelIdentifier"])
    ),
    # -- projects, trusted access, data retention storage (botocore 1.44) -------------------------
    "CreateProject": lambda b, p: b.projects.create(p),
    "GetProject": lambda b, p: b.projects.get(p),
    "ListProjects": lambda b, p: b.projects.list(p),
    "UpdateProject": lambda b, p: b.projects.update(p),
    "ArchiveProject": lambda b, p: b.projects.archive(p),
    "GetTrustedAccessProgram": lambda b, p: b.trusted_access.get_program(p),
    "ListTrustedAccessPrograms": lambda b, p: b.trusted_access.list_programs(p),
}


def _scoped(family: str, action: str, level: str) -> Handler:
    """A handler calling ``backend.<family>.<action>(params, level)``."""

    def handler(b: BedrockBackend, p: Params) -> dict[str, Any]:
        method: Callable[[Params, str], dict[str, Any]] = getattr(getattr(b, family), action)
        return method(p, level)

    return handler


for _level in ("Account", "Organization", "Project"):
    _scope = _level.lower()
    HANDLERS[f"GetTrustedAccessProgram{_level}Enrollment"] = _scoped(
        "trusted_access", "get_enrollment", _scope
    )
    HANDLERS[f"PutTrustedAccessProgram{_level}Enrollment"] = _scoped(
        "trusted_access", "put_enrollment", _scope
    )
    HANDLERS[f"StartTrustedAccessProgram{_level}Application"] = _scoped(
        "trusted_access", "start_application", _scope
    )
    for _verb in ("Put", "Get", "Delete"):
        HANDLERS[f"{_verb}{_level}DataRetentionStorage"] = _scoped(
            "retention_storage", _verb.lower(), _scope
        )
