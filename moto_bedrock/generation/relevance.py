"""Deterministic relevance scores for rerank models: the document that shares the query's
words, in the query's order, ranks first.

Method (lexical, no model): both texts are lower-cased and split into words (runs of
letters and digits); a word longer than 3 letters loses one trailing ``s`` (``states`` and
``state`` match). Stop words (``the``, ``of``, ``what``...) are left out of the query's
*terms* unless the query has nothing else. A document's score, in [0, 1], is

* 0.6 × coverage: the share of the query's distinct terms found in the document;
* 0.3 × phrasing: the share of the query's adjacent word pairs (stop words included)
  found adjacent in the document, so "capital of the United States" beats a text that
  merely mentions "capital" and "States";
* 0.1 × focus: the share of the document's words that are query terms, so a short,
  on-topic document beats a long one that mentions the terms in passing;

rounded to 6 decimals. Ties keep the documents' order. Limits: no synonyms, no
semantics beyond shared words; a document in another language scores 0.
"""

from __future__ import annotations

import itertools
import re

__all__ = ["rank", "score"]

_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = frozenset(
    "a an and are as at be by did do does for from has have how i in is it its me my of on "
    "or that the their there these this to was were what when where which who why will "
    "with you your".split()
)


def _words(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def score(query: str, document: str) -> float:
    """How relevant ``document`` is to ``query``: 0.0 (nothing shared) to 1.0."""
    query_words = _words(query)
    terms = {w for w in query_words if w not in _STOP_WORDS} or set(query_words)
    document_words = _words(document)
    if not terms or not document_words:
        return 0.0
    present = set(document_words)
    coverage = len(terms & present) / len(terms)
    query_pairs = _pairs(query_words)
    phrasing = (
        len(query_pairs & _pairs(document_words)) / len(query_pairs) if query_pairs else coverage
    )
    focus = sum(1 for w in document_words if w in terms) / len(document_words)
    return round(0.6 * coverage + 0.3 * phrasing + 0.1 * focus, 6)


def rank(query: str, documents: list[str]) -> list[tuple[int, float]]:
    """``(index, score)`` of every document, most relevant first (ties in input order)."""
    scored = [(index, score(query, document)) for index, document in enumerate(documents)]
    return sorted(scored, key=lambda item: (-item[1], item[0]))
