"""Cohere Rerank 3.5 (``cohere.rerank-v3-5:0``) on InvokeModel.

Body: ``{"query", "documents", "top_n"?, "api_version": 2, "max_tokens_per_doc"?}``
(``api_version`` is required and at least 2, as Cohere's Bedrock page has it). Response:
``{"id": <uuid>, "results": [{"index", "relevance_score"}], "meta": {"api_version":
{"version": "2"}, "billed_units": {"search_units": 1}}}`` (``meta`` follows Cohere's v2
API; that Bedrock passes it through is unverified). Ranking: :mod:`._rerank`.
"""

from __future__ import annotations

from typing import Any

from ...catalog import FoundationModel
from ._rerank import ranked
from ._schema import check_keys, optional
from .cohere_embed import _response_id

__all__ = ["RERANK_DEFAULTS", "rerank"]

KEYS = ("query", "documents", "top_n", "api_version", "max_tokens_per_doc", "return_documents")
# Cohere bills one search unit per query of up to 100 documents.
DOCUMENTS_PER_SEARCH_UNIT = 100

#: What a bedrock-agent-runtime Rerank call adds to the body it builds.
RERANK_DEFAULTS: dict[str, Any] = {"api_version": 2}


def rerank(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check a Cohere rerank body and answer it: (response body, input tokens)."""
    check_keys(body, "#", ("query", "documents", "api_version"), KEYS)
    optional(body, "api_version", "Integer", minimum=2)
    optional(body, "max_tokens_per_doc", "Integer", minimum=1)
    results, tokens = ranked(body)
    units = -(-len(body["documents"]) // DOCUMENTS_PER_SEARCH_UNIT)
    meta = {"api_version": {"version": "2"}, "billed_units": {"search_units": units}}
    return {"id": _response_id(body, model), "results": results, "meta": meta}, tokens
