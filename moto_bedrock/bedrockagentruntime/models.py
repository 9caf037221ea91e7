"""The ``bedrock-agent-runtime`` backend: Rerank on top of the rerank models' InvokeModel codecs.

A Rerank call names one text query, 1–1,000 inline sources (TEXT or JSON documents) and a
rerank model by ARN (``arn:aws:bedrock:<region>::foundation-model/<id>``) or id. The model
is resolved through the catalog like any runtime call, its codec (``cohere-rerank``,
``amazon-rerank``) ranks the documents with the body its InvokeModel takes, and the results
come back as ``{"index", "relevanceScore", "document"}``, most relevant first, at most
``numberOfResults`` of them (default: all). Scores: :mod:`moto_bedrock.generation.relevance`.

Results fit one page: ``nextToken`` is never returned, and one sent is ignored.
"""

from __future__ import annotations

from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from ..catalog import FoundationModel, load_catalog
from ..catalog.resolution import resolve_model
from ..generation.codecs import codec_for, kind_of
from .exceptions import ValidationException

__all__ = ["BedrockAgentRuntimeBackend", "bedrockagentruntime_backends"]

_FOUNDATION_MODEL = "foundation-model/"


def _model_id(arn: str) -> str:
    return arn.split(_FOUNDATION_MODEL, 1)[1] if _FOUNDATION_MODEL in arn else arn


def _document_text(document: dict[str, Any], index: int) -> Any:
    """What a source gives the rerank body: its text, or its JSON object."""
    kind = document["type"]
    member = "textDocument" if kind == "TEXT" else "jsonDocument"
    if member not in document:
        # Wording unverified: the pairing of type and member is documented, its error is not.
        raise ValidationException(
            f"sources.{index}.inlineDocumentSource: a {kind} document needs {member}."
        )
    if kind == "TEXT":
        return document["textDocument"].get("text", "")
    return document["jsonDocument"]


class BedrockAgentRuntimeBackend(BaseBackend):
    """Rerank for one account and region; it keeps no state."""

    def _rerank_model(self, arn: str) -> tuple[FoundationModel, Any]:
        model = resolve_model(
            load_catalog(), _model_id(arn), self.region_name, self.account_id, self.partition
        ).model
        codec = codec_for(model.family)
        if codec is None or kind_of(codec) != "rerank":
            # Wording unverified.
            raise ValidationException(f"The model {model.model_id} does not support reranking.")
        return model, codec

    def rerank(
        self,
        queries: list[dict[str, Any]],
        sources: list[dict[str, Any]],
        reranking_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        """Answer Rerank: ``{"results": [{"index", "relevanceScore", "document"}]}``."""
        config = reranking_configuration["bedrockRerankingConfiguration"]
        model_config = config["modelConfiguration"]
        model, codec = self._rerank_model(model_config["modelArn"])
        documents = [
            _document_text(source["inlineDocumentSource"], index)
            for index, source in enumerate(sources)
        ]
        body: dict[str, Any] = {
            **codec.RERANK_DEFAULTS,
            **(model_config.get("additionalModelRequestFields") or {}),
            "query": queries[0]["textQuery"].get("text", ""),
            "documents": documents,
        }
        wanted = config.get("numberOfResults")
        if wanted is not None:
            body["top_n"] = min(int(wanted), len(documents))
        response, _tokens = codec.rerank(body, model)
        results = [
            {
                "index": item["index"],
                "relevanceScore": float(item["relevance_score"]),
                "document": sources[item["index"]]["inlineDocumentSource"],
            }
            for item in response["results"]
        ]
        return {"results": results}


bedrockagentruntime_backends = BackendDict(BedrockAgentRuntimeBackend, "bedrock")
