"""Every model in the catalog answers InvokeModel in its own body format.

One row per catalog model: a minimal native body of its family goes in, a native response
comes out, and CountTokens agrees with the token header. Families with no synchronous
InvokeModel (video and speech models) answer with an explicit 501.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.catalog import FoundationModel, load_catalog
from moto_bedrock.catalog.on_demand import profile_only_in
from moto_bedrock.generation.codecs import codec_for
from moto_bedrock.generation.framing import framing_for
from tests.conftest import REGION, foundation_id

IMAGE = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a lighthouse at dusk"}}
BODIES: dict[str, dict[str, Any]] = {
    "anthropic": {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 20,
        "messages": [{"role": "user", "content": "Hi"}],
    },
    "anthropic-text": {"prompt": "\n\nHuman: Hi\n\nAssistant:", "max_tokens_to_sample": 20},
    "nova": {
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
        "inferenceConfig": {"maxTokens": 20},
    },
    "titan-text": {"inputText": "Hi", "textGenerationConfig": {"maxTokenCount": 20}},
    # In its chat template, as clients send it: a bare prompt counts no template tokens.
    "llama": {
        "prompt": "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
        "max_gen_len": 20,
    },
    "mistral": {"prompt": "<s>[INST] Hi [/INST]", "max_tokens": 20},
    "mistral-chat": {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 20},
    "cohere-command": {"prompt": "Hi", "max_tokens": 20},
    "cohere-command-r": {"message": "Hi", "max_tokens": 20},
    "ai21-jamba": {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 20},
    "deepseek": {"prompt": "Hi", "max_tokens": 20},
    "titan-embed-text": {"inputText": "Hi there"},
    "titan-embed-image": {"inputText": "Hi there"},
    "cohere-embed": {"texts": ["Hi there"], "input_type": "search_document"},
    "cohere_embed_v4": {"texts": ["Hi there"], "input_type": "search_document"},
    "titan-image": {**IMAGE, "imageGenerationConfig": {"width": 512, "height": 512}},
    "nova-canvas": {**IMAGE, "imageGenerationConfig": {"width": 320, "height": 320}},
    "stability": {"prompt": "a lighthouse at dusk", "aspect_ratio": "1:1"},
    **{
        key: {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 20}
        for key in ("openai_chat", "qwen", "deepseek_v3", "writer", "mistral_chat_v2", "voxtral")
    },
    "twelvelabs_pegasus": {
        "inputPrompt": "Hi",
        "mediaSource": {"s3Location": {"uri": "s3://bucket/clip.mp4"}},
        "maxOutputTokens": 20,
    },
    "nova_mm_embed": {
        "taskType": "SINGLE_EMBEDDING",
        "singleEmbeddingParams": {
            "embeddingPurpose": "GENERIC_INDEX",
            "text": {"truncationMode": "END", "value": "Hi there"},
        },
    },
    "twelvelabs_marengo": {"inputType": "text", "inputText": "Hi there"},
    "cohere_rerank": {"query": "Hi", "documents": ["Hi there"], "api_version": 2},
    "amazon_rerank": {"query": "Hi", "documents": ["Hi there"]},
}
RERANK = {"cohere_rerank", "amazon_rerank"}
NOT_SYNCHRONOUS = {"nova-reel", "nova-sonic"}  # StartAsyncInvoke / bidirectional streaming

CATALOG = load_catalog()
# Listed families whose body format is not emulated yet: InvokeModel answers 501 for them.
PENDING = {m.family for m in CATALOG.models if codec_for(m.family) is None} - NOT_SYNCHRONOUS
# Provisioned-only context variants (``...:48k``) take no on-demand calls (test_catalog_current).
MODELS = [m for m in CATALOG.models_in(REGION) if m.inference_types_supported != ("PROVISIONED",)]


def callable_id(model: FoundationModel) -> str:
    if model.requires_inference_profile or profile_only_in(model.model_id, REGION):
        geo = next(g for g in model.inference_profiles if REGION in CATALOG.geos[g].regions)
        return f"{geo}.{model.model_id}"
    return model.model_id


def test_every_family_in_the_catalog_has_a_body_or_a_reason() -> None:
    families = {m.family for m in CATALOG.models}
    assert families == set(BODIES) | NOT_SYNCHRONOUS | PENDING
    assert not PENDING & set(BODIES), "a family with a test body must have a codec"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.model_id)
def test_invoke_model_answers_every_model(runtime: Any, model: FoundationModel) -> None:
    model_id = callable_id(model)
    if model.family in NOT_SYNCHRONOUS | PENDING:
        with pytest.raises(ClientError) as excinfo:
            runtime.invoke_model(modelId=model_id, body=json.dumps({"x": 1}))
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
        assert excinfo.value.response["Error"]["Code"] == "NotImplementedException"
        return
    body = json.dumps(BODIES[model.family])
    response = runtime.invoke_model(modelId=model_id, body=body)
    assert response["contentType"] == "application/json"
    assert isinstance(json.loads(response["body"].read()), dict)
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    if model.family in RERANK:
        # A rerank answer sends only the latency header (dd-trace-py's 2025-10 recording).
        assert "x-amzn-bedrock-input-token-count" not in headers
        return
    header = int(headers["x-amzn-bedrock-input-token-count"])
    # CountTokens takes the foundation-model id and refuses a profile id (pydantic/pydantic-ai
    # tests/models/cassettes/test_bedrock/test_bedrock_inference_profile_count_tokens.yaml).
    counted = runtime.count_tokens(
        modelId=foundation_id(model_id), input={"invokeModel": {"body": body}}
    )
    # Claude 4.5 and later count 16 more than they bill, Sonnet 4.6 17 (langchain-ai/
    # langchain-aws libs/aws/tests/integration_tests/chat_models/test_bedrock_converse.py:
    # 38 on Sonnet 4.5, 39 on Sonnet 4.6 for the same prompt; docs/tokens.md).
    extra = framing_for(model.family, model.model_id).counting
    assert counted["inputTokens"] == header + extra
    if "claude-sonnet-4-6" in model.model_id:
        assert extra == 17
    elif re.search(r"claude-(?:sonnet|opus|haiku|fable)-(?:4-[5-9]|5)", model.model_id):
        assert extra == 16
    else:
        assert extra == 0


TEXT_MODELS = [m for m in MODELS if m.converse and m.family in BODIES]


@pytest.mark.parametrize("model", TEXT_MODELS, ids=lambda m: m.model_id)
def test_converse_and_native_body_give_the_same_reply(runtime: Any, model: FoundationModel) -> None:
    model_id = callable_id(model)
    converse = runtime.converse(
        modelId=model_id,
        messages=[{"role": "user", "content": [{"text": "Hi"}]}],
        inferenceConfig={"maxTokens": 20},
    )
    response = runtime.invoke_model(modelId=model_id, body=json.dumps(BODIES[model.family]))
    native = json.loads(response["body"].read())
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    codec = codec_for(model.family)
    assert codec is not None
    # Reasoning models think first (gpt-oss writes it inline, as AWS documents); the answer
    # text is what both APIs must agree on.
    visible = "".join(b["text"] for b in converse["output"]["message"]["content"] if "text" in b)
    assert re.sub(r"^<reasoning>.*?</reasoning>", "", codec.text_of(native), flags=re.S) == visible
    assert int(headers["x-amzn-bedrock-input-token-count"]) == converse["usage"]["inputTokens"]
    assert int(headers["x-amzn-bedrock-output-token-count"]) == converse["usage"]["outputTokens"]
