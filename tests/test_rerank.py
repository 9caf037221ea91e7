"""Rerank: the rerank models' InvokeModel bodies and ``bedrock-agent-runtime`` Rerank.

Both modes, real boto3 clients. Scores are lexical (``moto_bedrock.generation.relevance``),
so the document that answers the query ranks first; the example is Cohere's own from its
Bedrock rerank page (docs.cohere.com "Rerank" on Bedrock).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.catalog import load_catalog
from tests.conftest import Aws
from tests.test_new_families_wire import where

COHERE = "cohere.rerank-v3-5:0"
AMAZON = "amazon.rerank-v1:0"
QUERY = "What is the capital of the United States?"
DOCUMENTS = [
    "Carson City is the capital city of the American state of Nevada.",
    "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific "
    "Ocean. Its capital is Saipan.",
    "Capitalization in English grammar is the use of a capital letter at the start of a word.",
    "Washington, D.C. is the capital of the United States. It is a federal district.",
    "Capital punishment has existed in the United States since before it was a country.",
]
ANSWER = 3


def invoke(aws: Aws, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    region, callable_id = where(model_id)
    runtime = aws.client("bedrock-runtime", region=region)
    return json.loads(
        runtime.invoke_model(modelId=callable_id, body=json.dumps(body))["body"].read()
    )


def test_cohere_rerank_invoke_model(aws: Aws) -> None:
    body = {"query": QUERY, "documents": DOCUMENTS, "top_n": 3, "api_version": 2}
    reply = invoke(aws, COHERE, body)
    results = reply["results"]
    assert next(r["index"] for r in results) == ANSWER
    assert len(results) == 3
    scores = [r["relevance_score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert set(reply) == {"results"}  # no id or meta on Bedrock (dd-trace-py, 2025-10)
    assert invoke(aws, COHERE, body) == reply


def test_amazon_rerank_invoke_model(aws: Aws) -> None:
    reply = invoke(aws, AMAZON, {"query": QUERY, "documents": DOCUMENTS})
    assert set(reply) == {"results"}
    assert next(r["index"] for r in reply["results"]) == ANSWER
    assert sorted(r["index"] for r in reply["results"]) == list(range(len(DOCUMENTS)))


def test_a_bad_rerank_body_gets_a_schema_error(aws: Aws) -> None:
    region, callable_id = where(COHERE)
    runtime = aws.client("bedrock-runtime", region=region)
    with pytest.raises(ClientError) as info:
        runtime.invoke_model(
            modelId=callable_id, body=json.dumps({"query": "q", "documents": ["a"]})
        )
    assert info.value.response["Error"]["Message"] == (
        "Malformed input request: #: required key [api_version] not found, "
        "please reformat your input and try again."
    )


def test_rerank_models_do_not_stream(aws: Aws) -> None:
    region, callable_id = where(AMAZON)
    runtime = aws.client("bedrock-runtime", region=region)
    with pytest.raises(ClientError) as info:
        runtime.invoke_model_with_response_stream(
            modelId=callable_id, body=json.dumps({"query": "q", "documents": ["a"]})
        )
    assert info.value.response["Error"]["Code"] == "ValidationException"


def sources(*texts: str) -> list[dict[str, Any]]:
    return [
        {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": t}}}
        for t in texts
    ]


def rerank_config(model_id: str, region: str, **extra: Any) -> dict[str, Any]:
    arn = load_catalog().get(model_id).arn(region)  # type: ignore[union-attr]
    return {
        "type": "BEDROCK_RERANKING_MODEL",
        "bedrockRerankingConfiguration": {"modelConfiguration": {"modelArn": arn}, **extra},
    }


@pytest.mark.parametrize("model_id", [COHERE, AMAZON])
def test_agent_runtime_rerank(aws: Aws, model_id: str) -> None:
    region, _ = where(model_id)
    client = aws.client("bedrock-agent-runtime", region=region)
    response = client.rerank(
        queries=[{"type": "TEXT", "textQuery": {"text": QUERY}}],
        sources=sources(*DOCUMENTS),
        rerankingConfiguration=rerank_config(model_id, region, numberOfResults=2),
    )
    results = response["results"]
    assert next(r["index"] for r in results) == ANSWER
    assert len(results) == 2
    assert results[0]["document"] == {"type": "TEXT", "textDocument": {"text": DOCUMENTS[ANSWER]}}
    assert results[0]["relevanceScore"] >= results[1]["relevanceScore"]
    assert "nextToken" not in response


def test_agent_runtime_rerank_scores_match_invoke_model(aws: Aws) -> None:
    region, _ = where(COHERE)
    client = aws.client("bedrock-agent-runtime", region=region)
    response = client.rerank(
        queries=[{"type": "TEXT", "textQuery": {"text": QUERY}}],
        sources=sources(*DOCUMENTS),
        rerankingConfiguration=rerank_config(COHERE, region),
    )
    direct = invoke(aws, COHERE, {"query": QUERY, "documents": DOCUMENTS, "api_version": 2})
    assert [(r["index"], r["relevanceScore"]) for r in response["results"]] == [
        (r["index"], pytest.approx(r["relevance_score"])) for r in direct["results"]
    ]


def test_agent_runtime_rerank_takes_json_documents(aws: Aws) -> None:
    region, _ = where(AMAZON)
    client = aws.client("bedrock-agent-runtime", region=region)
    documents = [
        {"topic": "taxes", "text": "Filing dates"},
        {"topic": "capitals", "text": "Washington"},
    ]
    response = client.rerank(
        queries=[{"type": "TEXT", "textQuery": {"text": "capitals"}}],
        sources=[
            {"type": "INLINE", "inlineDocumentSource": {"type": "JSON", "jsonDocument": d}}
            for d in documents
        ],
        rerankingConfiguration=rerank_config(AMAZON, region),
    )
    assert response["results"][0]["index"] == 1
    assert response["results"][0]["document"]["jsonDocument"] == documents[1]


def error_of(aws: Aws, region: str, **request: Any) -> dict[str, str]:
    client = aws.client("bedrock-agent-runtime", region=region)
    with pytest.raises(ClientError) as info:
        client.rerank(queries=[{"type": "TEXT", "textQuery": {"text": "q"}}], **request)
    error: dict[str, str] = info.value.response["Error"]
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error


def test_agent_runtime_rerank_errors(aws: Aws) -> None:
    region, _ = where(COHERE)
    unknown = {
        "type": "BEDROCK_RERANKING_MODEL",
        "bedrockRerankingConfiguration": {
            "modelConfiguration": {
                "modelArn": f"arn:aws:bedrock:{region}::foundation-model/acme.nope-v1:0"
            }
        },
    }
    error = error_of(aws, region, sources=sources("a"), rerankingConfiguration=unknown)
    assert error == {
        "Code": "ValidationException",
        "Message": "The provided model identifier is invalid.",
    }

    chat = rerank_config("openai.gpt-oss-120b-1:0", region)
    error = error_of(aws, region, sources=sources("a"), rerankingConfiguration=chat)
    assert error["Code"] == "ValidationException"
    assert "does not support reranking" in error["Message"]

    text_without_text = [{"type": "INLINE", "inlineDocumentSource": {"type": "TEXT"}}]
    error = error_of(
        aws, region, sources=text_without_text, rerankingConfiguration=rerank_config(COHERE, region)
    )
    assert error["Code"] == "ValidationException"
    assert "textDocument" in error["Message"]


def test_other_agent_runtime_operations_say_they_are_not_emulated(aws: Aws) -> None:
    client = aws.client("bedrock-agent-runtime")
    with pytest.raises(ClientError) as info:
        client.retrieve(knowledgeBaseId="KB12345678", retrievalQuery={"text": "x"})
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert info.value.response["Error"]["Code"] == "NotImplementedException"
