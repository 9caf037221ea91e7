"""Control-plane resources used at run time, end to end with boto3, in both modes."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from moto_bedrock._moto import moto_random
from moto_bedrock.bedrock.models import bedrock_backends
from moto_bedrock.bedrock.routers import SHORT_PROMPT_CHARS

from .conftest import HAIKU, REGION, Aws, user

NOVA_LITE = "amazon.nova-lite-v1:0"
SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0"
ROLE = "arn:aws:iam::123456789012:role/bedrock-jobs"
START = 1_700_000_000
ACCOUNT = "123456789012"


@pytest.fixture
def clients(aws: Aws) -> tuple[Any, Any, Any]:
    controls = aws.controls()
    controls.configure_clock(manual=True, now=START)
    return aws.client("bedrock"), aws.client("bedrock-runtime"), controls


def error_of(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_an_application_profile_is_invocable_until_deleted(clients: Any) -> None:
    control, runtime, controls = clients
    created = control.create_inference_profile(
        inferenceProfileName="support-bot",
        modelSource={"copyFrom": f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"},
        tags=[{"key": "team", "value": "support"}],
    )
    arn = created["inferenceProfileArn"]
    assert created["status"] == "ACTIVE"
    assert arn.startswith("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/")
    profile = control.get_inference_profile(inferenceProfileIdentifier=arn)
    assert profile["type"] == "APPLICATION"
    assert profile["models"] == [
        {"modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"}
    ]
    listed = control.list_inference_profiles(typeEquals="APPLICATION")
    assert [p["inferenceProfileArn"] for p in listed["inferenceProfileSummaries"]] == [arn]
    assert control.list_tags_for_resource(resourceARN=arn)["tags"] == [
        {"key": "team", "value": "support"}
    ]

    reply = runtime.converse(modelId=arn, messages=[user("hello")])
    assert reply["stopReason"] == "end_turn"
    call = controls.history().last
    assert (call["model_id"], call["resolved_model_id"]) == (arn, HAIKU)

    control.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert error_of(lambda: runtime.converse(modelId=arn, messages=[user("hi")])) == (
        "ValidationException",
        "The provided model identifier is invalid.",
    )
    assert error_of(lambda: control.list_tags_for_resource(resourceARN=arn))[0] == (
        "ResourceNotFoundException"
    )


def test_a_profile_copies_a_system_profile_and_routes_to_its_regions(clients: Any) -> None:
    control, runtime, _ = clients
    system = f"arn:aws:bedrock:{REGION}:123456789012:inference-profile/us.{NOVA_LITE}"
    arn = control.create_inference_profile(
        inferenceProfileName="nova", modelSource={"copyFrom": system}
    )["inferenceProfileArn"]
    models = control.get_inference_profile(inferenceProfileIdentifier=arn)["models"]
    assert len(models) > 1 and all(NOVA_LITE in m["modelArn"] for m in models)
    # CountTokens refuses every profile id, an application profile's too (as recorded for
    # system profiles: pydantic-ai test_anthropic_bedrock_count_tokens_error.yaml).
    with pytest.raises(ClientError) as refused:
        runtime.count_tokens(modelId=arn, input={"converse": {"messages": [user("count me")]}})
    assert refused.value.response["Error"]["Message"] == (
        "The provided model doesn't support counting tokens."
    )
    assert runtime.converse(modelId=arn, messages=[user("hi")])["usage"]["inputTokens"] > 0


def test_provisioned_throughput_serves_once_in_service(clients: Any) -> None:
    control, runtime, controls = clients
    arn = control.create_provisioned_model_throughput(
        provisionedModelName="steady",
        modelId=f"{HAIKU}:48k",
        modelUnits=2,
        commitmentDuration="OneMonth",
    )["provisionedModelArn"]
    pt = control.get_provisioned_model_throughput(provisionedModelId=arn)
    assert (pt["status"], pt["modelUnits"], pt["commitmentDuration"]) == ("Creating", 2, "OneMonth")
    assert pt["foundationModelArn"].endswith(f"foundation-model/{HAIKU}:48k")
    code, message = error_of(lambda: runtime.converse(modelId=arn, messages=[user("hi")]))
    assert code == "ModelNotReadyException" and "Creating" in message

    controls.advance_clock(seconds=600)
    assert control.get_provisioned_model_throughput(provisionedModelId=arn)["status"] == "InService"
    assert runtime.converse(modelId=arn, messages=[user("hi")])["stopReason"] == "end_turn"
    message = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 50, "messages": [message]}
    native = json.loads(runtime.invoke_model(modelId=arn, body=json.dumps(body))["body"].read())
    assert native["type"] == "message"
    stream = runtime.converse_stream(modelId=arn, messages=[user("hi")])["stream"]
    assert any("metadata" in event for event in stream)

    summaries = control.list_provisioned_model_throughputs(statusEquals="InService")
    assert [s["provisionedModelArn"] for s in summaries["provisionedModelSummaries"]] == [arn]
    control.delete_provisioned_model_throughput(provisionedModelId=arn)
    assert (
        error_of(lambda: control.get_provisioned_model_throughput(provisionedModelId=arn))[0]
        == "ResourceNotFoundException"
    )


def test_a_model_without_provisioned_throughput_is_refused(clients: Any) -> None:
    control, _, _ = clients
    code, _ = error_of(
        lambda: control.create_provisioned_model_throughput(
            provisionedModelName="nope", modelId=HAIKU, modelUnits=1
        )
    )
    assert code == "ValidationException"


def test_a_prompt_router_reports_the_model_it_chose(clients: Any) -> None:
    control, runtime, controls = clients
    routers = control.list_prompt_routers(type="default")["promptRouterSummaries"]
    anthropic = next(r for r in routers if "anthropic" in r["promptRouterArn"])
    assert anthropic["fallbackModel"]["modelArn"].endswith(SONNET)

    short = runtime.converse(modelId=anthropic["promptRouterArn"], messages=[user("hi")])
    assert short["trace"]["promptRouter"]["invokedModelId"].endswith(f"foundation-model/{HAIKU}")
    long_text = "x" * SHORT_PROMPT_CHARS
    stream = runtime.converse_stream(
        modelId=anthropic["promptRouterArn"], messages=[user(long_text)]
    )["stream"]
    metadata = next(e["metadata"] for e in stream if "metadata" in e)
    assert metadata["trace"]["promptRouter"]["invokedModelId"].endswith(SONNET)
    assert controls.history().last["resolved_model_id"] == SONNET


def test_a_custom_prompt_router_can_be_created_used_and_deleted(clients: Any) -> None:
    control, runtime, _ = clients
    fm = f"arn:aws:bedrock:{REGION}::foundation-model/"
    arn = control.create_prompt_router(
        promptRouterName="cheap-first",
        models=[{"modelArn": fm + HAIKU}, {"modelArn": fm + SONNET}],
        fallbackModel={"modelArn": fm + SONNET},
        routingCriteria={"responseQualityDifference": 0.25},
    )["promptRouterArn"]
    router = control.get_prompt_router(promptRouterArn=arn)
    assert (router["type"], router["status"]) == ("custom", "AVAILABLE")
    reply = runtime.converse(modelId=arn, messages=[user("short")])
    assert reply["trace"]["promptRouter"]["invokedModelId"] == fm + HAIKU
    control.delete_prompt_router(promptRouterArn=arn)
    assert error_of(lambda: control.get_prompt_router(promptRouterArn=arn))[0] == (
        "ResourceNotFoundException"
    )


def _customize(control: Any, name: str) -> str:
    return str(
        control.create_model_customization_job(
            jobName=f"{name}-job",
            customModelName=name,
            roleArn=ROLE,
            baseModelIdentifier=NOVA_LITE,
            trainingDataConfig={"s3Uri": "s3://training-bucket/train.jsonl"},
            outputDataConfig={"s3Uri": "s3://training-bucket/out/"},
            hyperParameters={"epochCount": "2"},
            customModelTags=[{"key": "stage", "value": "dev"}],
        )["jobArn"]
    )


def test_customization_copy_and_deployment_make_invocable_models(aws: Aws, clients: Any) -> None:
    control, runtime, controls = clients
    job = _customize(control, "tuned")
    assert control.get_model_customization_job(jobIdentifier=job)["status"] == "InProgress"
    assert control.list_custom_models()["modelSummaries"] == []
    controls.advance_clock(seconds=3600)
    done = control.get_model_customization_job(jobIdentifier=job)
    assert done["status"] == "Completed"
    model_arn = done["outputModelArn"]
    assert control.get_custom_model(modelIdentifier="tuned")["modelArn"] == model_arn
    assert control.list_tags_for_resource(resourceARN=model_arn)["tags"] == [
        {"key": "stage", "value": "dev"}
    ]

    # On demand through a deployment, once Active.
    deployment = control.create_custom_model_deployment(
        modelDeploymentName="tuned-live", modelArn=model_arn
    )["customModelDeploymentArn"]
    assert error_of(lambda: runtime.converse(modelId=deployment, messages=[user("hi")]))[0] == (
        "ModelNotReadyException"
    )
    controls.advance_clock(seconds=60)
    assert runtime.converse(modelId=deployment, messages=[user("hi")])["stopReason"] == "end_turn"

    # Through provisioned throughput.
    pt = control.create_provisioned_model_throughput(
        provisionedModelName="tuned-pt", modelId=model_arn, modelUnits=1
    )["provisionedModelArn"]
    controls.advance_clock(seconds=600)
    assert runtime.converse(modelId=pt, messages=[user("hi")])["stopReason"] == "end_turn"
    assert controls.history().last["resolved_model_id"] == NOVA_LITE

    # A copy into another region, invocable there through its own provisioned throughput.
    west = aws.client("bedrock", region="us-west-2")
    controls_west = aws.controls(region="us-west-2")
    controls_west.configure_clock(manual=True, now=START)
    copy_job = west.create_model_copy_job(sourceModelArn=model_arn, targetModelName="tuned-west")
    assert west.get_model_copy_job(jobArn=copy_job["jobArn"])["status"] == "InProgress"
    controls_west.advance_clock(seconds=600)
    copied = west.get_model_copy_job(jobArn=copy_job["jobArn"])
    assert copied["status"] == "Completed" and ":us-west-2:" in copied["targetModelArn"]
    assert (
        west.get_custom_model(modelIdentifier="tuned-west")["modelArn"] == copied["targetModelArn"]
    )


def test_a_stopped_customization_job_makes_no_model(clients: Any) -> None:
    control, _, controls = clients
    job = _customize(control, "halted")
    control.stop_model_customization_job(jobIdentifier=job)
    controls.advance_clock(seconds=3600)
    assert control.get_model_customization_job(jobIdentifier=job)["status"] == "Stopped"
    assert error_of(lambda: control.get_custom_model(modelIdentifier="halted"))[0] == (
        "ResourceNotFoundException"
    )


def test_an_imported_model_answers_in_its_architectures_body_format(clients: Any) -> None:
    control, runtime, controls = clients
    job = control.create_model_import_job(
        jobName="import-mistral",
        importedModelName="my-mistral",
        roleArn=ROLE,
        modelDataSource={"s3DataSource": {"s3Uri": "s3://weights-bucket/mistral-7b/"}},
    )["jobArn"]
    assert control.get_model_import_job(jobIdentifier=job)["status"] == "InProgress"
    controls.advance_clock(seconds=900)
    imported = control.get_model_import_job(jobIdentifier=job)["importedModelArn"]
    model = control.get_imported_model(modelIdentifier=imported)
    assert model["modelArchitecture"] == "mistral"
    body = {"prompt": "<s>[INST] hello [/INST]", "max_tokens": 30}
    native = json.loads(
        runtime.invoke_model(modelId=imported, body=json.dumps(body))["body"].read()
    )
    assert native["outputs"][0]["stop_reason"] in ("stop", "length")
    control.delete_imported_model(modelIdentifier=imported)
    assert (
        error_of(lambda: runtime.invoke_model(modelId=imported, body=json.dumps(body)))[0]
        == "ResourceNotFoundException"
    )


def test_a_marketplace_endpoint_is_invocable_by_its_sagemaker_arn(clients: Any) -> None:
    control, runtime, _ = clients
    endpoint = control.create_marketplace_model_endpoint(
        modelSourceIdentifier=(
            "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/"
            "huggingface-llm-mistral-7b-instruct/1.0.0"
        ),
        endpointConfig={
            "sageMaker": {
                "initialInstanceCount": 1,
                "instanceType": "ml.g5.2xlarge",
                "executionRole": ROLE,
            }
        },
        endpointName="mistral-endpoint",
    )["marketplaceModelEndpoint"]
    arn = endpoint["endpointArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:endpoint/mistral-endpoint"
    got = control.get_marketplace_model_endpoint(endpointArn=arn)["marketplaceModelEndpoint"]
    assert got["endpointArn"] == arn
    body = {"prompt": "<s>[INST] hi [/INST]", "max_tokens": 20}
    native = json.loads(runtime.invoke_model(modelId=arn, body=json.dumps(body))["body"].read())
    assert "outputs" in native  # the Mistral body format
    control.delete_marketplace_model_endpoint(endpointArn=arn)
    assert error_of(lambda: runtime.invoke_model(modelId=arn, body=json.dumps(body)))[0] == (
        "ValidationException"
    )


def test_automated_reasoning_policy_versions_count_up(clients: Any) -> None:
    control, _, _ = clients
    definition = {"version": "1.0", "types": [], "rules": [], "variables": []}
    policy = control.create_automated_reasoning_policy(name="refunds", policyDefinition=definition)
    assert policy["version"] == "DRAFT"
    first = control.create_automated_reasoning_policy_version(
        policyArn=policy["policyArn"], lastUpdatedDefinitionHash=policy["definitionHash"]
    )
    second = control.create_automated_reasoning_policy_version(
        policyArn=policy["policyArn"], lastUpdatedDefinitionHash=policy["definitionHash"]
    )
    assert (first["version"], second["version"]) == ("1", "2")
    assert second["policyArn"] == f"{policy['policyArn']}:2"
    assert control.get_automated_reasoning_policy(policyArn=second["policyArn"])["version"] == "2"
    assert control.get_automated_reasoning_policy(policyArn=policy["policyArn"])["version"] == (
        "DRAFT"
    )
    control.tag_resource(resourceARN=first["policyArn"], tags=[{"key": "v", "value": "1"}])
    assert control.list_tags_for_resource(resourceARN=first["policyArn"])["tags"] == [
        {"key": "v", "value": "1"}
    ]


def test_an_engine_family_keeps_state_statuses_pages_and_tags(clients: Any) -> None:
    control, _, controls = clients
    arns = []
    for name in ("eval-a", "eval-b", "eval-c"):
        arns.append(
            control.create_evaluation_job(
                jobName=name,
                roleArn=ROLE,
                evaluationConfig={
                    "automated": {
                        "datasetMetricConfigs": [
                            {
                                "taskType": "Summarization",
                                "dataset": {"name": "Builtin.Gigaword"},
                                "metricNames": ["Builtin.Accuracy"],
                            }
                        ]
                    }
                },
                inferenceConfig={"models": [{"bedrockModel": {"modelIdentifier": HAIKU}}]},
                outputDataConfig={"s3Uri": "s3://eval-bucket/out/"},
                jobTags=[{"key": "suite", "value": name}],
            )["jobArn"]
        )
    assert all(":evaluation-job/" in arn for arn in arns)
    job = control.get_evaluation_job(jobIdentifier=arns[0])
    assert (job["jobName"], job["status"], job["roleArn"]) == ("eval-a", "InProgress", ROLE)
    control.stop_evaluation_job(jobIdentifier=arns[1])
    controls.advance_clock(seconds=60)
    statuses = [control.get_evaluation_job(jobIdentifier=a)["status"] for a in arns]
    assert statuses == ["Completed", "Stopped", "Completed"]
    assert error_of(lambda: control.stop_evaluation_job(jobIdentifier=arns[0]))[0] == (
        "ConflictException"
    )
    first = control.list_evaluation_jobs(maxResults=2)
    rest = control.list_evaluation_jobs(maxResults=2, nextToken=first["nextToken"])
    listed = [j["jobArn"] for j in first["jobSummaries"] + rest["jobSummaries"]]
    assert listed == arns and "nextToken" not in rest
    assert control.list_tags_for_resource(resourceARN=arns[2])["tags"] == [
        {"key": "suite", "value": "eval-c"}
    ]
    missing = arns[0][:-12] + "missing00000"
    deleted = control.batch_delete_evaluation_job(jobIdentifiers=[arns[0], missing])
    assert [j["jobIdentifier"] for j in deleted["evaluationJobs"]] == [arns[0]]
    assert [e["jobIdentifier"] for e in deleted["errors"]] == [missing]
    assert error_of(lambda: control.get_evaluation_job(jobIdentifier=arns[0]))[0] == (
        "ResourceNotFoundException"
    )


def test_ids_and_arns_repeat_under_motos_seed(aws: Aws) -> None:
    def seeded_arn() -> str:
        if aws.endpoint_url is None:
            bedrock_backends[ACCOUNT][REGION].reset()
            moto_random.seed(42)
        else:
            requests.post(f"{aws.endpoint_url}/moto-api/reset", timeout=5).raise_for_status()
            requests.post(f"{aws.endpoint_url}/moto-api/seed?a=42", timeout=5).raise_for_status()
        return str(
            aws.client("bedrock").create_inference_profile(
                inferenceProfileName=f"seeded-{len(arns)}",
                modelSource={"copyFrom": f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"},
            )["inferenceProfileArn"]
        )

    arns: list[str] = []
    arns.append(seeded_arn())
    arns.append(seeded_arn())
    assert arns[0].rsplit("/", 1)[1] == arns[1].rsplit("/", 1)[1]


def test_an_update_reprovisions_and_every_runtime_operation_takes_the_arn(clients: Any) -> None:
    control, runtime, controls = clients
    arn = control.create_provisioned_model_throughput(
        provisionedModelName="swap", modelId=f"{HAIKU}:48k", modelUnits=1
    )["provisionedModelArn"]
    controls.advance_clock(seconds=600)
    control.update_provisioned_model_throughput(
        provisionedModelId=arn,
        desiredModelId=f"{HAIKU}:200k",
        desiredProvisionedModelName="swapped",
    )
    pt = control.get_provisioned_model_throughput(provisionedModelId=arn)
    assert (pt["status"], pt["provisionedModelName"]) == ("Updating", "swapped")
    assert pt["modelArn"].endswith(":48k") and pt["desiredModelArn"].endswith(":200k")
    controls.advance_clock(seconds=600)
    pt = control.get_provisioned_model_throughput(provisionedModelId=arn)
    assert (pt["status"], pt["modelArn"][-5:]) == ("InService", ":200k")

    message = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
    body = json.dumps(
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 20, "messages": [message]}
    )
    chunks = runtime.invoke_model_with_response_stream(modelId=arn, body=body)["body"]
    assert sum(1 for event in chunks if "chunk" in event) > 1
    counted = runtime.count_tokens(modelId=arn, input={"invokeModel": {"body": body}})
    assert counted["inputTokens"] > 0
    assert controls.history().last["resolved_model_id"] == f"{HAIKU}:200k"


def test_refusals_are_modeled_errors(clients: Any) -> None:
    control, _, _ = clients
    fm = f"arn:aws:bedrock:{REGION}::foundation-model/"
    control.create_inference_profile(
        inferenceProfileName="taken", modelSource={"copyFrom": fm + HAIKU}
    )
    refusals = {
        "name taken": lambda: control.create_inference_profile(
            inferenceProfileName="taken", modelSource={"copyFrom": fm + HAIKU}
        ),
        "unknown model": lambda: control.create_inference_profile(
            inferenceProfileName="other", modelSource={"copyFrom": fm + "acme.nothing-v1:0"}
        ),
        "system profile": lambda: control.delete_inference_profile(
            inferenceProfileIdentifier=f"us.{NOVA_LITE}"
        ),
        "one model": lambda: control.create_prompt_router(
            promptRouterName="solo",
            models=[{"modelArn": fm + HAIKU}],
            fallbackModel={"modelArn": fm + HAIKU},
            routingCriteria={"responseQualityDifference": 0.0},
        ),
        "fallback outside": lambda: control.create_prompt_router(
            promptRouterName="odd",
            models=[{"modelArn": fm + HAIKU}, {"modelArn": fm + SONNET}],
            fallbackModel={"modelArn": fm + NOVA_LITE},
            routingCriteria={"responseQualityDifference": 0.0},
        ),
        "not customizable": lambda: control.create_model_customization_job(
            jobName="j",
            customModelName="m",
            roleArn=ROLE,
            baseModelIdentifier=HAIKU,
            trainingDataConfig={"s3Uri": "s3://training-bucket/train.jsonl"},
            outputDataConfig={"s3Uri": "s3://training-bucket/out/"},
            hyperParameters={},
        ),
        "copy of nothing": lambda: control.create_model_copy_job(
            sourceModelArn=f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/"
            f"{NOVA_LITE}/abcdefghijkl",
            targetModelName="copy",
        ),
    }
    codes = {name: error_of(call)[0] for name, call in refusals.items()}
    assert codes == {
        "name taken": "ConflictException",
        "unknown model": "ResourceNotFoundException",
        "system profile": "ValidationException",
        "one model": "ValidationException",
        "fallback outside": "ValidationException",
        "not customizable": "ValidationException",
        "copy of nothing": "ResourceNotFoundException",
    }
