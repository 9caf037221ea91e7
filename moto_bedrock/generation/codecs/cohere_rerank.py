"""Cohere Rerank 3.5 (``cohere.rerank-v3-5:0``) on InvokeModel.

Body: ``{"query", "documents", "top_n"?, "api_version": 2, "max_tokens_per_doc"?}``
(``api_version`` is required and at least 2, as Cohere's Bedrock page has it). Response:
``{"results": [{"index", "relevance_score"}]}`` and nothing else, with only the latency
header (DataDog/dd-trace-py tests/contrib/botocore/bedrock_cassettes/cohere_rerank_invoke.yaml
@3bb9ecda22, recorded 2025-10-31; Cohere's own API adds ``id`` and ``meta``, Bedrock does
not). Ranking: :mod:`._rerank`.
"""

from __future__ import annotations

from typing import Any

from ...catalog import FoundationModel
from ._rerank import ranked
from ._schema import check_keys, optional

__all__ = ["RERANK_DEFAULTS", "rerank"]

KEYS = ("query", "documents", "top_n", "api_version", "max_tokens_per_doc", "return_documents")
#: What a bedrock-agent-runtime Rerank call adds to the body it builds.
RERANK_DEFAULTS: dict[str, Any] = {"api_version": 2}


def rerank(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check a Cohere rerank body and answer it: (response body, input tokens)."""
    check_keys(body, "#", ("query", "documents", "api_version"), KEYS)
    optional(body, "api_version", "Integer", minimum=2)
    optional(body, "max_tokens_per_doc", "Integer", minimum=1)
    results, tokens = ranked(body)
    return {"results": results}, tokens
