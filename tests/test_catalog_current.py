"""The catalog is current: today's models, the ids clients use by default, its date and doc.

Client defaults (checked by :func:`test_client_default_models_resolve`):

* strands-agents 1.62 ``strands/models/bedrock.py``: ``DEFAULT_BEDROCK_MODEL_ID =
  "global.anthropic.claude-sonnet-4-6"`` (``us.`` variant in US regions), default region
  us-west-2;
* issue 10's client runs: ``us.anthropic.claude-sonnet-5``, Claude Opus 4.5 and 5,
  ``amazon.nova-2-lite-v1:0``, ``amazon.nova-2-multimodal-embeddings-v1:0``, Mistral
  Large 3, ``qwen.qwen3-vl-235b-a22b``, ``openai.gpt-oss-120b``, Voxtral and xAI models.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.catalog import FoundationModel, load_catalog
from moto_bedrock.catalog.resolution import resolve_model
from tests.catalog_doc import DOC, current_block, render
from tests.conftest import Aws, user

CATALOG = load_catalog()
ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"

CLIENT_DEFAULTS = [
    ("global.anthropic.claude-sonnet-4-6", "us-west-2"),
    ("us.anthropic.claude-sonnet-4-6", "us-east-1"),
    ("us.anthropic.claude-sonnet-5", "us-east-1"),
    ("global.anthropic.claude-sonnet-5", "us-east-1"),
    ("us.anthropic.claude-opus-4-5-20251101-v1:0", "us-east-1"),
    ("us.anthropic.claude-opus-5", "us-east-1"),
    ("global.anthropic.claude-opus-4-6-v1", "us-east-1"),
    ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "us-east-1"),
    ("us.amazon.nova-2-lite-v1:0", "us-east-1"),
    ("global.amazon.nova-2-lite-v1:0", "us-east-1"),
    ("amazon.nova-2-multimodal-embeddings-v1:0", "us-east-1"),
    ("mistral.mistral-large-3-675b-instruct", "us-east-1"),
    ("mistral.voxtral-mini-3b-2507", "us-east-1"),
    ("qwen.qwen3-vl-235b-a22b", "us-east-1"),
    ("openai.gpt-oss-120b-1:0", "us-east-1"),
    ("openai.gpt-oss-20b-1:0", "us-west-2"),
    ("deepseek.v3-v1:0", "us-west-2"),
    ("us.writer.palmyra-x5-v1:0", "us-east-1"),
    ("twelvelabs.pegasus-1-2-v1:0", "us-east-1"),
    ("cohere.rerank-v3-5:0", "us-west-2"),
    ("amazon.rerank-v1:0", "us-west-2"),
    ("xai.grok-4.3", "us-west-2"),
    ("global.xai.grok-4.6", "us-east-1"),
]


@pytest.mark.parametrize(("model_id", "region"), CLIENT_DEFAULTS)
def test_client_default_models_resolve(model_id: str, region: str) -> None:
    resolved = resolve_model(CATALOG, model_id, region, ACCOUNT)
    assert resolved.model.model_id == model_id.split(".", 1)[1] or resolved.model.model_id == (
        model_id
    )


_PROVIDERS = (
    "ai21|amazon|anthropic|cohere|deepseek|google|luma|meta|minimax|mistral|moonshot|nvidia|"
    "openai|qwen|stability|twelvelabs|writer|xai"
)
_ID = re.compile(
    rf"(?<![\w./-])(?:(us|eu|apac|global)\.)?((?:{_PROVIDERS})\.[a-z0-9][a-z0-9.\-]*+(?::[0-9a-z]++)*+)(?![*\w…])"
)


def test_every_model_id_in_the_readme_and_docs_is_in_the_catalog() -> None:
    missing = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for match in _ID.finditer(path.read_text("utf-8")):
            geo, model_id = match.group(1), match.group(2).rstrip(".-")
            model = CATALOG.get(model_id)
            if model is None or (geo is not None and geo not in model.inference_profiles):
                missing.append(f"{path.name}: {match.group(0)}")
    assert not missing


def test_the_catalog_records_its_date_and_sources() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", CATALOG.date)
    fields = set(FoundationModel.__dataclass_fields__)
    for model in CATALOG.models:
        assert model.sources, model.model_id
        assert set(model.unverified) <= fields, model.model_id
    # Facts known only from client code are marked as such in the data.
    sonnet5 = CATALOG.get("anthropic.claude-sonnet-5")
    assert sonnet5 is not None and sonnet5.sources == ("client-usage",)
    assert "inference_profiles" in sonnet5.unverified


def test_docs_list_the_catalog_date_and_every_model() -> None:
    assert current_block(DOC.read_text("utf-8")) == render(CATALOG), (
        "docs/catalog.md is stale: run python -m tests.catalog_doc"
    )


def test_provisioned_only_variants_are_listed_but_not_callable_on_demand(aws: Aws) -> None:
    control = aws.client("bedrock")
    provisioned = {
        m["modelId"]
        for m in control.list_foundation_models(byInferenceType="PROVISIONED")["modelSummaries"]
    }
    assert {
        "anthropic.claude-3-haiku-20240307-v1:0:48k",
        "anthropic.claude-3-haiku-20240307-v1:0:200k",
        "amazon.nova-pro-v1:0:300k",
        "cohere.embed-english-v3:0:512",
    } <= provisioned
    variant = control.get_foundation_model(
        modelIdentifier="anthropic.claude-3-haiku-20240307-v1:0:48k"
    )["modelDetails"]
    assert variant["inferenceTypesSupported"] == ["PROVISIONED"]
    with pytest.raises(ClientError) as excinfo:
        aws.client("bedrock-runtime").converse(
            modelId="anthropic.claude-3-haiku-20240307-v1:0:48k", messages=[user("Hi")]
        )
    assert excinfo.value.response["Error"]["Message"].startswith(
        "Invocation of model ID anthropic.claude-3-haiku-20240307-v1:0:48k with on-demand "
        "throughput isn’t supported."
    )


NEW_TEXT_MODELS = [
    "global.anthropic.claude-sonnet-4-6",
    "us.anthropic.claude-sonnet-5",
    "openai.gpt-oss-120b-1:0",
    "qwen.qwen3-vl-235b-a22b",
    "deepseek.v3-v1:0",
    "mistral.mistral-large-3-675b-instruct",
    "us.writer.palmyra-x5-v1:0",
    "us.amazon.nova-2-lite-v1:0",
]


@pytest.mark.parametrize("model_id", NEW_TEXT_MODELS)
def test_converse_works_for_new_text_models_whatever_their_body_format(
    aws: Aws, model_id: str
) -> None:
    region = "us-west-2" if model_id.startswith("deepseek") else "us-east-1"
    response = aws.client("bedrock-runtime", region).converse(
        modelId=model_id, messages=[user("Say hello")]
    )
    assert response["stopReason"] == "end_turn"
    # gpt-oss reasons first (pydantic-ai test_bedrock_thinking_false_openai_variant_silent_drop.yaml).
    texts = [b["text"] for b in response["output"]["message"]["content"] if "text" in b]
    assert texts and texts[0]


def test_a_family_without_a_codec_answers_a_clear_501(aws: Aws) -> None:
    # Stability's image-editing services need an input image; their bodies are not emulated.
    with pytest.raises(ClientError) as excinfo:
        aws.client("bedrock-runtime").invoke_model(
            modelId="stability.stable-image-inpaint-v1:0", body=json.dumps({"prompt": "x"})
        )
    error: dict[str, Any] = excinfo.value.response["Error"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Code"] == "NotImplementedException"
    assert "stability_edit" in error["Message"]
