"""Amazon Rerank 1.0 (``amazon.rerank-v1:0``) on InvokeModel.

Body: ``{"query", "documents", "top_n"?}``; response: ``{"results": [{"index",
"relevance_score"}]}``. Ranking and limits: :mod:`._rerank`.
"""

from __future__ import annotations

from typing import Any

from ...catalog import FoundationModel
from ._rerank import ranked
from ._schema import check_keys

__all__ = ["RERANK_DEFAULTS", "rerank"]

KEYS = ("query", "documents", "top_n")

#: What a bedrock-agent-runtime Rerank call adds to the body it builds.
RERANK_DEFAULTS: dict[str, Any] = {}


def rerank(body: dict[str, Any], model: FoundationModel) -> tuple[dict[str, Any], int]:
    """Check an Amazon rerank body and answer it: (response body, input tokens)."""
    check_keys(body, "#", ("query", "documents"), KEYS)
    results, tokens = ranked(body)
    return {"results": results}, tokens
