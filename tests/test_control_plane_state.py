"""State of the families new in botocore 1.44, idempotency tokens and List* filters.

Projects, trusted access enrollments and data retention storage keep state across their
operations (create/put -> get -> list -> update -> archive/delete -> get); a reused
``clientRequestToken`` answers the first request again; the filters the service model
declares narrow and order every listing. One client per mode, tables where it can.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from moto_bedrock.bedrock.common.filters import unresolved

from .conftest import REGION, Aws

ACCOUNT = "123456789012"
NOW = 1_700_000_000
T0 = datetime.fromtimestamp(NOW, tz=timezone.utc)
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
ANTHROPIC = "anthropic-data-retention"
OPENAI = "openai-data-retention"
KMS = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{'0' * 8}-0000-0000-0000-{'0' * 12}"
CUSTOMER = {"kmsKeyArn": KMS, "s3BucketArn": "arn:aws:s3:::retained", "s3BucketOwner": ACCOUNT}


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def strip(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata", None)
    return response


@pytest.fixture
def bedrock(aws: Aws) -> Any:
    aws.controls().configure_clock(manual=True, now=NOW)
    return aws.client("bedrock")


# -- projects --------------------------------------------------------------------------


def test_a_project_round_trips_and_archiving_is_terminal(bedrock: Any, aws: Aws) -> None:
    made = strip(bedrock.create_project(name="team-a", tags=[{"key": "k", "value": "v"}]))
    pid, arn = made["id"], made["arn"]
    assert made == {
        "id": pid,
        "arn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:project/{pid}",
        "name": "team-a",
        "status": "active",
        "createdAt": T0,
        "dataRetention": {"mode": "inherit"},
    }
    assert len(pid) == 25 and pid.startswith("proj_")
    assert strip(bedrock.get_project(projectIdentifier=arn)) == made
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "k", "value": "v"}]
    other = bedrock.create_project(name="team-a", dataRetention={"mode": "none"})  # names repeat
    listed = bedrock.list_projects()["projectSummaries"]
    assert [p["id"] for p in listed] == ["default", pid, other["id"]]
    assert listed[2]["dataRetention"] == {"mode": "none"}
    first = bedrock.list_projects(maxResults=2)
    rest = bedrock.list_projects(maxResults=2, nextToken=first["nextToken"])
    assert [p["id"] for p in rest["projectSummaries"]] == [other["id"]]
    assert "nextToken" not in rest

    assert bedrock.update_project(projectIdentifier=pid, name="team-b")["name"] == "team-b"
    updated = bedrock.update_project(projectIdentifier=pid, dataRetention={"mode": "aws_review"})
    assert (updated["name"], updated["dataRetention"]) == ("team-b", {"mode": "aws_review"})
    aws.controls().advance_clock(seconds=30)
    archived = strip(bedrock.archive_project(projectIdentifier=pid))
    assert (archived["status"], archived["archivedAt"]) == ("archived", T0 + timedelta(seconds=30))
    aws.controls().advance_clock(seconds=30)
    assert strip(bedrock.archive_project(projectIdentifier=pid)) == archived  # no effect
    assert strip(bedrock.get_project(projectIdentifier=pid)) == archived
    assert [
        p["id"] for p in bedrock.list_projects(statusFilter="archived")["projectSummaries"]
    ] == [pid]
    active = bedrock.list_projects(statusFilter="active")["projectSummaries"]
    assert [p["id"] for p in active] == ["default", other["id"]]

    missing = "proj_" + "a" * 20
    cases: list[tuple[Callable[[], Any], str, str]] = [
        (
            lambda: bedrock.update_project(projectIdentifier=pid, name="x"),
            "ValidationException",
            f"Project {pid} is archived and cannot be changed.",
        ),
        (
            lambda: bedrock.update_project(projectIdentifier=other["id"]),
            "ValidationException",
            "Specify exactly one of name or dataRetention.",
        ),
        (
            lambda: bedrock.update_project(
                projectIdentifier=other["id"], name="x", dataRetention={"mode": "none"}
            ),
            "ValidationException",
            "Specify exactly one of name or dataRetention.",
        ),
        (
            lambda: bedrock.archive_project(projectIdentifier="default"),
            "ValidationException",
            "The default project cannot be archived.",
        ),
        (
            lambda: bedrock.update_project(projectIdentifier="default", name="x"),
            "ValidationException",
            "The default project cannot be updated.",
        ),
        (
            lambda: bedrock.get_project(projectIdentifier=missing),
            "ResourceNotFoundException",
            f"Project {missing} not found.",
        ),
        (
            lambda: bedrock.get_project(
                projectIdentifier=f"arn:aws:bedrock:us-west-2:{ACCOUNT}:project/{pid}"
            ),
            "ValidationException",
            f"The project ARN arn:aws:bedrock:us-west-2:{ACCOUNT}:project/{pid} is not in "
            "this account and Region.",
        ),
    ]
    assert [error_of(call) for call, _, _ in cases] == [(c, m) for _, c, m in cases]


# -- data retention storage --------------------------------------------------------------


def test_retention_storage_round_trips_with_statuses_on_the_clock(bedrock: Any, aws: Aws) -> None:
    project = bedrock.create_project(name="p")
    for level in ("Account", "Organization", "Project"):
        _round_trip(bedrock, aws, level, project if level == "Project" else None)
    _refusals(bedrock)


def _round_trip(bedrock: Any, aws: Aws, level: str, project: dict[str, Any] | None) -> None:
    scope = {"projectIdentifier": project["id"]} if project is not None else {}
    now = T0 + timedelta(seconds=60 * ("Account", "Organization", "Project").index(level))
    put = getattr(bedrock, f"put_{level.lower()}_data_retention_storage")
    get = getattr(bedrock, f"get_{level.lower()}_data_retention_storage")
    delete = getattr(bedrock, f"delete_{level.lower()}_data_retention_storage")
    expected = {
        "scope": level.lower(),
        "modelProvider": "anthropic",
        "storageDestination": "customer_managed",
        "storageConfiguration": CUSTOMER,
        "updatedAt": now,
        "kmsKeyStatus": "pending",
        "s3BucketStatus": "pending",
        **({"projectArn": project["arn"]} if project is not None else {}),
    }
    made = put(
        modelProvider="anthropic",
        storageDestination="customer_managed",
        storageConfiguration=CUSTOMER,
        **scope,
    )
    assert strip(made) == expected
    aws.controls().advance_clock(seconds=60)
    assert strip(get(modelProvider="anthropic", **scope)) == {
        **expected,
        "kmsKeyStatus": "active",
        "s3BucketStatus": "active",
    }
    replaced = put(modelProvider="anthropic", storageDestination="amazon_managed", **scope)
    assert "storageConfiguration" not in replaced and "kmsKeyStatus" not in replaced
    assert get(modelProvider="anthropic", **scope)["storageDestination"] == "amazon_managed"
    delete(modelProvider="anthropic", **scope)
    delete(modelProvider="anthropic", **scope)  # deleting nothing succeeds
    assert error_of(lambda: get(modelProvider="anthropic", **scope)) == (
        "ResourceNotFoundException",
        f"No data retention storage is configured for anthropic at {level.lower()} scope.",
    )


def _refusals(bedrock: Any) -> None:
    project = bedrock.create_project(name="p")["id"]
    archived = bedrock.create_project(name="old")["id"]
    bedrock.archive_project(projectIdentifier=archived)
    put = bedrock.put_account_data_retention_storage
    west_key = KMS.replace(REGION, "us-west-2")
    cases: list[tuple[Callable[[], Any], str, str]] = [
        (
            lambda: put(modelProvider="openai", storageDestination="amazon_managed"),
            "ConflictException",
            "Data retention storage for openai needs trusted access eligibility for a "
            "storage-capable program of that provider.",
        ),
        (
            lambda: put(modelProvider="anthropic", storageDestination="customer_managed"),
            "ValidationException",
            "storageConfiguration is required when storageDestination is customer_managed.",
        ),
        (
            lambda: put(
                modelProvider="anthropic",
                storageDestination="amazon_managed",
                storageConfiguration=CUSTOMER,
            ),
            "ValidationException",
            "storageConfiguration must be omitted when storageDestination is amazon_managed.",
        ),
        (
            lambda: put(
                modelProvider="anthropic",
                storageDestination="customer_managed",
                storageConfiguration={**CUSTOMER, "kmsKeyArn": west_key},
            ),
            "ValidationException",
            f"The KMS key {west_key} must be in {REGION}, the Region of the configuration.",
        ),
        (
            lambda: bedrock.put_project_data_retention_storage(
                projectIdentifier=archived,
                modelProvider="anthropic",
                storageDestination="amazon_managed",
            ),
            "ValidationException",
            f"Project {archived} is archived and cannot be changed.",
        ),
        (
            lambda: bedrock.get_project_data_retention_storage(
                projectIdentifier="proj_" + "b" * 20, modelProvider="anthropic"
            ),
            "ResourceNotFoundException",
            f"Project proj_{'b' * 20} not found.",
        ),
        (
            lambda: bedrock.get_project_data_retention_storage(
                projectIdentifier=project, modelProvider="openai"
            ),
            "ResourceNotFoundException",
            "No data retention storage is configured for openai at project scope.",
        ),
    ]
    assert [error_of(call) for call, _, _ in cases] == [(c, m) for _, c, m in cases]


# -- trusted access ------------------------------------------------------------------------


def test_trusted_access_enrollments_resolve_project_then_account_then_organization(
    bedrock: Any,
) -> None:
    listed = bedrock.list_trusted_access_programs()["programSummaries"]
    assert [(p["programId"], p["status"], p["source"]) for p in listed] == [
        (ANTHROPIC, "eligible", "program_default"),
        (OPENAI, "requestable", "program_default"),
    ]
    assert listed[0]["resolvedFor"] == {"accountId": ACCOUNT}
    assert bedrock.list_trusted_access_programs(maxResults=1)["nextToken"]
    project = bedrock.create_project(name="p")
    pid = project["id"]
    arn_form = f"arn:aws:bedrock::aws:trusted-access-program/{ANTHROPIC}"

    def resolved(**scope: Any) -> tuple[str, str, str]:
        got = bedrock.get_trusted_access_program(programIdentifier=arn_form, **scope)
        return got["status"], got["source"], got["optIn"]

    stored = strip(
        bedrock.get_trusted_access_program_account_enrollment(programIdentifier=ANTHROPIC)
    )
    assert stored == {"optIn": "inherit"}  # nothing stored: inherit, no time
    org = bedrock.put_trusted_access_program_organization_enrollment(
        programIdentifier=ANTHROPIC, optIn="enabled"
    )
    assert (org["optIn"], org["updatedAt"]) == ("enabled", T0)
    assert resolved() == ("enabled", "organization", "inherit")
    bedrock.put_trusted_access_program_account_enrollment(
        programIdentifier=ANTHROPIC, optIn="disabled"
    )
    assert resolved() == ("disabled", "account", "disabled")
    assert resolved(projectIdentifier=pid) == ("disabled", "account", "inherit")
    bedrock.put_trusted_access_program_project_enrollment(
        programIdentifier=ANTHROPIC, projectIdentifier=pid, optIn="enabled"
    )
    assert resolved(projectIdentifier=pid) == ("enabled", "project", "enabled")
    project_view = bedrock.get_trusted_access_program(
        programIdentifier=ANTHROPIC, projectIdentifier=pid
    )
    assert project_view["resolvedFor"] == {"accountId": ACCOUNT, "projectArn": project["arn"]}
    bedrock.put_trusted_access_program_account_enrollment(
        programIdentifier=ANTHROPIC, optIn="inherit"
    )
    assert strip(
        bedrock.get_trusted_access_program_account_enrollment(programIdentifier=ANTHROPIC)
    ) == {"optIn": "inherit", "updatedAt": T0}  # a stored inherit keeps its time
    assert resolved() == ("enabled", "organization", "inherit")
    got = bedrock.get_trusted_access_program_project_enrollment(
        programIdentifier=ANTHROPIC, projectIdentifier=project["arn"]
    )
    assert got["optIn"] == "enabled"

    handoff = bedrock.start_trusted_access_program_project_application(
        programIdentifier=OPENAI, projectIdentifier=pid
    )["result"]["providerHandoff"]
    assert handoff["applicationTokenExpiresAt"] == T0 + timedelta(hours=1)
    assert len(handoff["applicationToken"]) == 32

    bedrock.archive_project(projectIdentifier=pid)
    cases: list[tuple[Callable[[], Any], str, str]] = [
        (
            lambda: bedrock.put_trusted_access_program_account_enrollment(
                programIdentifier=OPENAI, optIn="enabled"
            ),
            "ConflictException",
            f"The account is not approved for trusted access program {OPENAI}.",
        ),
        (
            lambda: bedrock.start_trusted_access_program_account_application(
                programIdentifier=ANTHROPIC
            ),
            "ValidationException",
            f"Trusted access program {ANTHROPIC} has no self-service application; contact "
            "your AWS account team.",
        ),
        (
            lambda: bedrock.get_trusted_access_program(programIdentifier="nosuch-program"),
            "ResourceNotFoundException",
            "Trusted access program nosuch-program not found.",
        ),
        (
            lambda: bedrock.put_trusted_access_program_project_enrollment(
                programIdentifier=ANTHROPIC, projectIdentifier=pid, optIn="disabled"
            ),
            "ValidationException",
            f"Project {pid} is archived and cannot be changed.",
        ),
        (
            lambda: bedrock.get_trusted_access_program(
                programIdentifier=ANTHROPIC, projectIdentifier="default"
            ),
            "ValidationException",
            "The default project cannot be used here.",
        ),
    ]
    assert [error_of(call) for call, _, _ in cases] == [(c, m) for _, c, m in cases]
    # The refused enable kept what was stored (nothing) for the account.
    assert (
        bedrock.get_trusted_access_program_account_enrollment(programIdentifier=OPENAI)["optIn"]
        == "inherit"
    )


# -- idempotency tokens --------------------------------------------------------------------

ENDPOINT_CONFIG = {
    "sageMaker": {
        "initialInstanceCount": 1,
        "instanceType": "ml.g5.2xlarge",
        "executionRole": f"arn:aws:iam::{ACCOUNT}:role/r",
    }
}
SOURCE = (
    "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/"
    "huggingface-llm-mistral-7b/1.0.0"
)
#: (operation, request, the changed request, how to read the new ARN, how to count them).
IDEMPOTENT: list[
    tuple[str, dict[str, Any], dict[str, Any], Callable[[Any], str], Callable[[Any], int]]
] = [
    (
        "create_inference_profile",  # an own-module family
        {
            "inferenceProfileName": "p",
            "modelSource": {"copyFrom": f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"},
        },
        {"inferenceProfileName": "q"},
        lambda r: r["inferenceProfileArn"],
        lambda c: len(
            c.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
        ),
    ),
    (
        "create_automated_reasoning_policy",  # engine plus module
        {"name": "refunds"},
        {"name": "returns"},
        lambda r: r["policyArn"],
        lambda c: len(c.list_automated_reasoning_policies()["automatedReasoningPolicySummaries"]),
    ),
    (
        "create_marketplace_model_endpoint",  # the data-driven engine
        {"modelSourceIdentifier": SOURCE, "endpointConfig": ENDPOINT_CONFIG, "endpointName": "e"},
        {"endpointName": "f"},
        lambda r: r["marketplaceModelEndpoint"]["endpointArn"],
        lambda c: len(c.list_marketplace_model_endpoints()["marketplaceModelEndpoints"]),
    ),
]


def test_a_reused_client_request_token_answers_the_first_request_again(bedrock: Any) -> None:
    seen = []
    for method, request, changed, arn_of, count in IDEMPOTENT:
        create = getattr(bedrock, method)
        first = arn_of(create(**request, clientRequestToken="token-1"))
        again = arn_of(create(**request, clientRequestToken="token-1"))
        once = count(bedrock)
        mismatch = {**request, **changed, "clientRequestToken": "token-1"}
        code, message = error_of(lambda: create(**mismatch))  # noqa: B023 (called at once)
        other = arn_of(create(**{**request, **changed}, clientRequestToken="token-2"))
        seen.append((method, first == again, once, code, other != first, count(bedrock)))
        operation = "".join(part.title() for part in method.split("_"))
        assert message == (
            f"The client token token-1 was already used for a {operation} request with "
            "different parameters. Use a new token, or repeat the earlier request unchanged."
        )
    assert seen == [(method, True, 1, "ConflictException", True, 2) for method, *_ in IDEMPOTENT]


# -- list filters ------------------------------------------------------------------------------

#: Filter members that name a parent or a scope rather than filter summaries: the families
#: handle them (``offerType`` is accepted and ignored: there are no offers).
NOT_FILTERS = {
    "ListAutomatedReasoningPolicies": ["policyArn"],  # versions of one policy (own test)
    "ListFoundationModelAgreementOffers": ["offerType"],
    "ListFoundationModels": [
        "byProvider",
        "byCustomizationType",
        "byOutputModality",
        "byInferenceType",
        "projectIdentifier",
    ],
    "ListGuardrails": ["guardrailIdentifier"],
    "ListInferenceProfiles": ["projectIdentifier"],
    "ListTrustedAccessPrograms": ["projectIdentifier"],
}


def test_every_declared_list_filter_has_a_rule() -> None:
    model = botocore.session.get_session().get_service_model("bedrock")
    gaps = {
        name: unresolved(name)
        for name in model.operation_names
        if name.startswith("List") and unresolved(name)
    }
    assert gaps == NOT_FILTERS


def test_list_filters_narrow_and_order(bedrock: Any, aws: Aws) -> None:
    models = {
        "alpha-1": f"{HAIKU}:48k",
        "beta-2": "amazon.nova-lite-v1:0:24k",
        "alpha-3": f"{HAIKU}:48k",
    }
    for name, model in models.items():
        bedrock.create_provisioned_model_throughput(
            provisionedModelName=name, modelId=model, modelUnits=1
        )
        aws.controls().advance_clock(seconds=10)
    for name in ("tuned-a", "tuned-b"):
        bedrock.create_custom_model(
            modelName=name, modelSourceConfig={"s3DataSource": {"s3Uri": "s3://amzn-bucket/model/"}}
        )
        aws.controls().advance_clock(seconds=10)
    bedrock.create_marketplace_model_endpoint(
        modelSourceIdentifier=SOURCE, endpointConfig=ENDPOINT_CONFIG, endpointName="e1"
    )
    haiku_arn = bedrock.get_provisioned_model_throughput(provisionedModelId="alpha-1")["modelArn"]
    _engine_summaries(bedrock, aws)

    def names(operation: str, **filters: Any) -> list[str]:
        listed = getattr(bedrock, operation)(**filters)
        items = next(v for k, v in listed.items() if isinstance(v, list))
        for key in ("provisionedModelName", "modelName", "endpointArn"):
            if items and key in items[0]:
                return [item[key].rsplit("/", 1)[-1] for item in items]
        return []

    pt = "list_provisioned_model_throughputs"
    table: list[tuple[str, dict[str, Any], list[str]]] = [
        (pt, {}, ["alpha-3", "beta-2", "alpha-1"]),  # newest first by default
        (pt, {"sortOrder": "Ascending"}, ["alpha-1", "beta-2", "alpha-3"]),
        (pt, {"nameContains": "alpha"}, ["alpha-3", "alpha-1"]),
        (pt, {"creationTimeAfter": T0 + timedelta(seconds=5)}, ["alpha-3", "beta-2"]),
        (
            pt,
            {"creationTimeBefore": T0 + timedelta(seconds=15), "sortBy": "CreationTime"},
            ["beta-2", "alpha-1"],
        ),
        (pt, {"modelArnEquals": haiku_arn, "sortOrder": "Ascending"}, ["alpha-1", "alpha-3"]),
        (pt, {"statusEquals": "Creating"}, ["alpha-3", "beta-2", "alpha-1"]),
        (pt, {"statusEquals": "InService"}, []),
        ("list_custom_models", {"nameContains": "b"}, ["tuned-b"]),
        ("list_custom_models", {"sortOrder": "Descending"}, ["tuned-b", "tuned-a"]),
        ("list_custom_models", {"isOwned": True}, ["tuned-a", "tuned-b"]),
        ("list_custom_models", {"isOwned": False}, []),
        ("list_custom_models", {"modelStatus": "Failed"}, []),
        ("list_marketplace_model_endpoints", {"modelSourceEquals": SOURCE}, ["e1"]),
        ("list_marketplace_model_endpoints", {"modelSourceEquals": SOURCE + "x"}, []),
    ]
    assert [names(op, **f) for op, f, _ in table] == [want for _, _, want in table]


def _engine_summaries(bedrock: Any, aws: Aws) -> None:
    """Engine summaries carry the members a family's module derives (not placeholders)."""
    made = bedrock.create_automated_reasoning_policy(name="refunds")
    policy = made["policyArn"]
    (summary,) = bedrock.list_automated_reasoning_policies()["automatedReasoningPolicySummaries"]
    assert (summary["policyId"], summary["version"]) == (policy.rsplit("/", 1)[-1], "DRAFT")
    for _ in range(2):
        bedrock.create_automated_reasoning_policy_version(
            policyArn=policy, lastUpdatedDefinitionHash=made["definitionHash"]
        )
    versions = bedrock.list_automated_reasoning_policies(policyArn=policy)
    assert [
        (v["policyArn"], v["version"]) for v in versions["automatedReasoningPolicySummaries"]
    ] == [
        (f"{policy}:1", "1"),
        (f"{policy}:2", "2"),
    ]
    (endpoint,) = bedrock.list_marketplace_model_endpoints()["marketplaceModelEndpoints"]
    got = bedrock.get_marketplace_model_endpoint(endpointArn=endpoint["endpointArn"])
    assert got["marketplaceModelEndpoint"]["endpointStatus"] == "InService"
    aws.controls().advance_clock(seconds=300)  # the custom models are Active now
    model = bedrock.get_custom_model(modelIdentifier="tuned-a")["modelArn"]
    bedrock.create_custom_model_deployment(modelDeploymentName="live", modelArn=model)
    (deployment,) = bedrock.list_custom_model_deployments()["modelDeploymentSummaries"]
    assert deployment["customModelDeploymentName"] == "live"
