"""The catalog data and the control-plane operations built on it."""

from __future__ import annotations

import re
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from moto_bedrock.catalog import load_catalog
from tests.conftest import HAIKU, REGION, Aws

CATALOG = load_catalog()
BEDROCK_MODEL = botocore.session.get_session().get_service_model("bedrock")

# The list: every one of these model families must be in the catalog.
REQUIRED_MODELS = [
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-sonnet-20240229-v1:0",
    "anthropic.claude-3-opus-20240229-v1:0",
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "anthropic.claude-3-7-sonnet-20250219-v1:0",
    "anthropic.claude-sonnet-4-20250514-v1:0",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-opus-4-20250514-v1:0",
    "anthropic.claude-opus-4-1-20250805-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "amazon.nova-micro-v1:0",
    "amazon.nova-lite-v1:0",
    "amazon.nova-pro-v1:0",
    "amazon.nova-premier-v1:0",
    "amazon.nova-canvas-v1:0",
    "amazon.nova-reel-v1:0",
    "amazon.nova-sonic-v1:0",
    "amazon.titan-text-express-v1",
    "amazon.titan-text-lite-v1",
    "amazon.titan-text-premier-v1:0",
    "amazon.titan-embed-text-v1",
    "amazon.titan-embed-text-v2:0",
    "amazon.titan-embed-image-v1",
    "amazon.titan-image-generator-v1",
    "meta.llama3-8b-instruct-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
    "meta.llama3-2-11b-instruct-v1:0",
    "meta.llama3-3-70b-instruct-v1:0",
    "meta.llama4-scout-17b-instruct-v1:0",
    "meta.llama4-maverick-17b-instruct-v1:0",
    "mistral.mistral-7b-instruct-v0:2",
    "mistral.mixtral-8x7b-instruct-v0:1",
    "mistral.mistral-large-2402-v1:0",
    "mistral.mistral-large-2407-v1:0",
    "mistral.mistral-small-2402-v1:0",
    "mistral.pixtral-large-2502-v1:0",
    "cohere.command-r-v1:0",
    "cohere.command-r-plus-v1:0",
    "cohere.embed-english-v3",
    "cohere.embed-multilingual-v3",
    "cohere.embed-v4:0",
    "ai21.jamba-1-5-mini-v1:0",
    "ai21.jamba-1-5-large-v1:0",
    "deepseek.r1-v1:0",
    "stability.sd3-5-large-v1:0",
]


def enum(shape: str) -> set[str]:
    return set(BEDROCK_MODEL.shape_for(shape).enum)


def test_catalog_holds_every_required_model() -> None:
    missing = [m for m in REQUIRED_MODELS if CATALOG.get(m) is None]
    assert missing == []


@pytest.mark.parametrize("model", CATALOG.models, ids=lambda m: m.model_id)
def test_catalog_entry_is_consistent(model: Any) -> None:
    pattern = (
        BEDROCK_MODEL.operation_model("GetFoundationModel")
        .input_shape.members["modelIdentifier"]
        .metadata["pattern"]
    )
    assert re.fullmatch(pattern, model.model_id)
    assert set(model.input_modalities) <= enum("ModelModality")
    assert set(model.output_modalities) <= enum("ModelModality")
    assert set(model.customizations_supported) <= enum("ModelCustomization")
    assert set(model.inference_types_supported) <= enum("InferenceType")
    assert model.lifecycle_status in enum("FoundationModelLifecycleStatus")
    assert set(model.inference_profiles) <= set(CATALOG.geos)
    if model.requires_inference_profile:
        assert model.inference_profiles, "a profile-only model needs at least one profile"
    if model.converse:
        assert model.max_output_tokens and model.context_window
        assert "TEXT" in model.output_modalities
    else:
        assert not (model.tool_use or model.tool_use_streaming or model.system_prompt)
    if model.is_embedding:
        assert model.embedding_dimensions and not model.converse
    if model.tool_use_streaming or model.tool_choice_any or model.tool_choice_tool:
        assert model.tool_use


def test_list_foundation_models_returns_the_whole_catalog(control: Any) -> None:
    summaries = control.list_foundation_models()["modelSummaries"]
    expected = [m.model_id for m in CATALOG.models_in(REGION)]
    assert [s["modelId"] for s in summaries] == expected
    haiku = next(s for s in summaries if s["modelId"] == HAIKU)
    assert haiku == {
        "modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}",
        "modelId": HAIKU,
        "modelName": "Claude 3 Haiku",
        "providerName": "Anthropic",
        "inputModalities": ["TEXT", "IMAGE"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": list(CATALOG.get(HAIKU).customizations_supported),  # type: ignore[union-attr]
        "inferenceTypesSupported": ["ON_DEMAND"],
        "modelLifecycle": {"status": "ACTIVE"},
    }


def test_list_foundation_models_depends_on_the_region(aws: Any) -> None:
    east = aws.client("bedrock", region="us-east-1").list_foundation_models()["modelSummaries"]
    sydney = aws.client("bedrock", region="ap-southeast-2").list_foundation_models()
    assert {s["modelId"] for s in sydney["modelSummaries"]} == {
        m.model_id for m in CATALOG.models_in("ap-southeast-2")
    }
    assert all(
        s["modelArn"].startswith("arn:aws:bedrock:ap-southeast-2::")
        for s in sydney["modelSummaries"]
    )
    assert len(east) != len(sydney["modelSummaries"])


@pytest.mark.parametrize(
    ("filters", "predicate"),
    [
        ({"byProvider": "anthropic"}, lambda m: m.provider_name == "Anthropic"),
        ({"byProvider": "Meta"}, lambda m: m.provider_name == "Meta"),
        ({"byOutputModality": "EMBEDDING"}, lambda m: "EMBEDDING" in m.output_modalities),
        ({"byOutputModality": "IMAGE"}, lambda m: "IMAGE" in m.output_modalities),
        (
            {"byInferenceType": "PROVISIONED"},
            lambda m: "PROVISIONED" in m.inference_types_supported,
        ),
        (
            {"byCustomizationType": "FINE_TUNING"},
            lambda m: "FINE_TUNING" in m.customizations_supported,
        ),
        (
            {"byProvider": "Amazon", "byOutputModality": "TEXT", "byInferenceType": "ON_DEMAND"},
            lambda m: (
                m.provider_name == "Amazon"
                and "TEXT" in m.output_modalities
                and "ON_DEMAND" in m.inference_types_supported
            ),
        ),
    ],
    ids=[
        "provider-lowercase",
        "provider",
        "embedding",
        "image",
        "provisioned",
        "fine-tuning",
        "all-and",
    ],
)
def test_list_foundation_models_filters(
    control: Any, filters: dict[str, str], predicate: Any
) -> None:
    got = [s["modelId"] for s in control.list_foundation_models(**filters)["modelSummaries"]]
    expected = [m.model_id for m in CATALOG.models_in(REGION) if predicate(m)]
    assert got == expected
    assert got, "each filter case should select something"


def test_list_foundation_models_rejects_an_unknown_modality(control: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        control.list_foundation_models(byOutputModality="SMELL")
    assert excinfo.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'SMELL' at 'byOutputModality' failed to "
        "satisfy constraint: Member must satisfy enum value set: [TEXT, IMAGE, EMBEDDING]",
    }


@pytest.mark.parametrize(
    "identifier", [HAIKU, f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"], ids=["id", "arn"]
)
def test_get_foundation_model_by_id_or_arn(control: Any, identifier: str) -> None:
    details = control.get_foundation_model(modelIdentifier=identifier)["modelDetails"]
    assert details["modelId"] == HAIKU
    assert details["modelArn"] == f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"


def test_get_foundation_model_rejects_an_unknown_model(control: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        control.get_foundation_model(modelIdentifier="acme.nothing-v1:0")
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    assert excinfo.value.response["Error"]["Message"] == "The provided model identifier is invalid."


def test_get_foundation_model_availability(control: Any) -> None:
    response = control.get_foundation_model_availability(modelId=HAIKU)
    response.pop("ResponseMetadata")
    assert response == {
        "modelId": HAIKU,
        "agreementAvailability": {"status": "AVAILABLE"},
        "authorizationStatus": "AUTHORIZED",
        "entitlementAvailability": "AVAILABLE",
        "regionAvailability": "AVAILABLE",
    }


def test_list_inference_profiles_pages_through_every_system_profile(control: Any) -> None:
    seen: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"maxResults": 7}
    pages = 0
    while True:
        page = control.list_inference_profiles(**kwargs)
        pages += 1
        assert len(page["inferenceProfileSummaries"]) <= 7
        seen.extend(page["inferenceProfileSummaries"])
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    expected = [
        f"{geo}.{m.model_id}"
        for m in CATALOG.models
        for geo in m.inference_profiles
        if REGION in CATALOG.geos[geo].regions
    ]
    assert [p["inferenceProfileId"] for p in seen] == expected
    assert pages == -(-len(expected) // 7)
    paginator = control.get_paginator("list_inference_profiles")
    everything = [p for page in paginator.paginate() for p in page["inferenceProfileSummaries"]]
    assert len(everything) == len(expected)
    assert {p["type"] for p in seen} == {"SYSTEM_DEFINED"}


def test_list_inference_profiles_type_filter(control: Any) -> None:
    system = control.list_inference_profiles(typeEquals="SYSTEM_DEFINED")
    application = control.list_inference_profiles(typeEquals="APPLICATION")
    assert system["inferenceProfileSummaries"]
    assert application["inferenceProfileSummaries"] == []


def test_list_inference_profiles_only_shows_profiles_callable_from_the_region(aws: Any) -> None:
    frankfurt = aws.client("bedrock", region="eu-central-1").list_inference_profiles()
    prefixes = {
        p["inferenceProfileId"].split(".")[0] for p in frankfurt["inferenceProfileSummaries"]
    }
    assert prefixes <= {"eu", "global"}
    assert "eu" in prefixes


def test_get_inference_profile(control: Any) -> None:
    profile = control.get_inference_profile(inferenceProfileIdentifier=f"us.{HAIKU}")
    profile.pop("ResponseMetadata")
    assert profile["inferenceProfileId"] == f"us.{HAIKU}"
    assert profile["inferenceProfileArn"] == (
        f"arn:aws:bedrock:{REGION}:123456789012:inference-profile/us.{HAIKU}"
    )
    assert profile["inferenceProfileName"] == "US Anthropic Claude 3 Haiku"
    assert profile["status"] == "ACTIVE" and profile["type"] == "SYSTEM_DEFINED"
    assert [m["modelArn"] for m in profile["models"]] == [
        f"arn:aws:bedrock:{r}::foundation-model/{HAIKU}" for r in CATALOG.geos["us"].regions
    ]
    by_arn = control.get_inference_profile(
        inferenceProfileIdentifier=profile["inferenceProfileArn"]
    )
    assert by_arn["inferenceProfileId"] == f"us.{HAIKU}"


def test_get_inference_profile_rejects_an_unknown_profile(control: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        control.get_inference_profile(inferenceProfileIdentifier=f"eu.{HAIKU}")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_moto_control_plane_operations_still_work(aws: Aws, control: Any) -> None:
    aws.client("s3").create_bucket(
        Bucket="bedrock-invocation-logs"
    )  # Bedrock checks the destination exists
    control.put_model_invocation_logging_configuration(
        loggingConfig={
            "textDataDeliveryEnabled": True,
            "s3Config": {"bucketName": "bedrock-invocation-logs"},
        }
    )
    config = control.get_model_invocation_logging_configuration()["loggingConfig"]
    assert config["s3Config"] == {"bucketName": "bedrock-invocation-logs"}
