"""The rerank body both rerank models take on InvokeModel, and its answer.

``{"query": str, "documents": [str | object, ...], "top_n": int}`` (Cohere adds
``api_version`` and ``max_tokens_per_doc``: :mod:`.cohere_rerank`). A document given as a
JSON object is ranked by its compact JSON text. Results are ``{"index", "relevance_score"}``,
most relevant first, scored by :mod:`moto_bedrock.generation.relevance`; ``top_n`` keeps the
first n (default: all). Input tokens are those of the query and every document.

Limits: 1 to 1,000 documents (Bedrock's Rerank API limit; that InvokeModel shares it is
unverified), ``top_n`` 1 to the number of documents. Bedrock's wording for a ``top_n``
larger than the document count is not on record, so it is refused the schema way.
"""

from __future__ import annotations

import json
from typing import Any

from ..relevance import rank
from ..tokens import count_tokens
from ._schema import array, check_length, check_range, check_type, child, optional

__all__ = ["MAX_DOCUMENTS", "document_text", "ranked"]

MAX_DOCUMENTS = 1000


def document_text(document: Any, path: str) -> str:
    """A document as the text it is ranked by: a string as is, an object as compact JSON."""
    if isinstance(document, dict):
        return json.dumps(document, separators=(",", ":"), sort_keys=True)
    check_type(document, "String", path)
    return str(document)


def ranked(body: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """(results, input tokens) of a checked ``query``/``documents``/``top_n`` body."""
    query = body["query"]
    check_type(query, "String", "#/query")
    check_length(query, "#/query", min_length=1)
    documents = array(body["documents"], "#/documents", min_items=1, max_items=MAX_DOCUMENTS)
    texts = [document_text(d, child("#/documents", i)) for i, d in enumerate(documents)]
    top_n = optional(body, "top_n", "Integer", minimum=1)
    if top_n is not None:
        check_range(top_n, "#/top_n", maximum=len(texts))
    order = rank(query, texts)[: top_n or len(texts)]
    results = [{"index": index, "relevance_score": score} for index, score in order]
    tokens = count_tokens(query) + sum(count_tokens(t) for t in texts)
    return results, tokens
