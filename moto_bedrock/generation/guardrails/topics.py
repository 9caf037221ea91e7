"""Denied topics, matched by word overlap with the topic's name, definition and examples.

A topic is detected in a text when either
- one of its examples appears in the text (case-insensitive, whole words), or
- some sentence of the text shares at least :data:`MIN_SHARED` distinct content words with
  the topic (its name, definition and examples) and those shared words are at least
  :data:`MIN_SHARE` of that sentence's distinct content words.

Content words are the words left after dropping stopwords and one-letter words, compared
after a crude suffix stem (``loans`` ~ ``loan``, ``investing`` ~ ``invest``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import ASSESSED, Finding, setting
from .text import Words, content_terms
from .words import PhraseIndex

__all__ = ["MIN_SHARE", "MIN_SHARED", "TopicPolicy"]

MIN_SHARED = 2
MIN_SHARE = 0.3


class _Topic:
    def __init__(self, entry: Mapping[str, Any]) -> None:
        self.entry = entry
        examples = list(entry.get("examples", []))
        self.terms = content_terms(
            " ".join([entry["name"], entry.get("definition", ""), *examples])
        )
        self.examples = PhraseIndex(examples)

    def matches(self, text: Words, sentence_terms: list[set[str]]) -> bool:
        if self.examples.by_first and self.examples.matches(text):
            return True
        for terms in sentence_terms:
            shared = len(terms & self.terms)
            if shared >= MIN_SHARED and shared >= MIN_SHARE * len(terms):
                return True
        return False


class TopicPolicy:
    """A guardrail's denied topics, prepared once per guardrail version."""

    def __init__(self, policy: Mapping[str, Any]) -> None:
        self.topics = [_Topic(entry) for entry in policy.get("topics", [])]

    @property
    def configured(self) -> bool:
        return bool(self.topics)

    def findings(self, text: Words, source: str, full: bool) -> list[Finding]:
        """One finding per detected topic (per configured topic when ``full``)."""
        if not self.topics:
            return []
        sentence_terms = text.sentence_terms()
        found: list[Finding] = []
        for topic in self.topics:
            enabled, action = setting(topic.entry, source)
            if not enabled:
                continue
            detected = topic.matches(text, sentence_terms)
            if detected or full:
                found.append(
                    Finding(
                        {
                            "name": topic.entry["name"],
                            "type": "DENY",
                            "action": ASSESSED[action] if detected else "NONE",
                            "detected": detected,
                        }
                    )
                )
        return found
