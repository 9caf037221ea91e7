"""Contextual grounding and relevance, scored by content-word overlap.

- ``GROUNDING`` score: the share of the response's distinct content words that also appear
  in the grounding source.
- ``RELEVANCE`` score: the share of the query's distinct content words that also appear in
  the response.

Scores are rounded to two decimals. A filter is detected (and acts) when its score is below
its threshold. Both need a grounding source and a query; without them the policy is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import ASSESSED, Finding
from .text import Words, content_terms

__all__ = ["GroundingPolicy", "overlap"]


def overlap(part: set[str], whole: set[str]) -> float:
    """The share of ``part`` found in ``whole`` (1.0 for an empty ``part``), two decimals."""
    if not part:
        return 1.0
    return round(len(part & whole) / len(part), 2)


class GroundingPolicy:
    """A guardrail's contextual-grounding filters."""

    def __init__(self, policy: Mapping[str, Any]) -> None:
        self.filters = [f for f in policy.get("filters", []) if f.get("enabled", True)]

    @property
    def configured(self) -> bool:
        return bool(self.filters)

    def findings(self, response: Words, source_text: str, query: str, full: bool) -> list[Finding]:
        answer = response.terms()
        scores = {
            "GROUNDING": overlap(answer, content_terms(source_text)),
            "RELEVANCE": overlap(content_terms(query), answer),
        }
        found: list[Finding] = []
        for entry in self.filters:
            kind = entry["type"]
            threshold = float(entry["threshold"])
            detected = scores[kind] < threshold
            if detected or full:
                action = str(entry.get("action") or "BLOCK")
                found.append(
                    Finding(
                        {
                            "type": kind,
                            "threshold": threshold,
                            "score": scores[kind],
                            "action": ASSESSED[action] if detected else "NONE",
                            "detected": detected,
                        }
                    )
                )
        return found
