"""Word policy: custom words and phrases, and the managed PROFANITY list.

A word or phrase matches where the same words stand next to each other in the text,
compared case-insensitively and as whole words (``ass`` does not match ``class``); any run
of spaces or punctuation between the words of a phrase counts as one gap. Matching walks the
text's words once, looking up the phrases that start with each word, so the cost grows with
the text, not with the size of the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .common import ASSESSED, Finding, setting
from .text import Words, words

__all__ = ["PROFANITY", "PhraseIndex", "WordPolicy"]

#: The managed profanity list of moto-bedrock (Bedrock's own list is not published).
PROFANITY = (
    "arse", "arsehole", "ass", "asshole", "bastard", "bitch", "bitches", "bollocks",
    "bullshit", "cock", "crap", "cunt", "damn", "dick", "dickhead", "douchebag", "dumbass",
    "fuck", "fucked", "fucker", "fucking", "goddamn", "jackass", "motherfucker", "piss",
    "pissed", "prick", "shit", "shitty", "slut", "twat", "wanker", "whore",
)  # fmt: skip


class PhraseIndex:
    """Phrases (tuples of lower-case words) by their first word."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            key = tuple(words(phrase))
            if key:
                self.by_first.setdefault(key[0], []).append(key)
        for found in self.by_first.values():
            found.sort(key=len, reverse=True)  # the longest phrase at a position wins
        self.firsts = frozenset(self.by_first)

    def matches(self, text: Words) -> list[tuple[str, ...]]:
        """Each phrase found in ``text``, in order (matches do not overlap)."""
        tokens = text.tokens
        if self.firsts.isdisjoint(tokens):
            return []
        found: list[tuple[str, ...]] = []
        after = 0  # the first word not yet inside a match
        for index, token in enumerate(tokens):
            if index < after or token not in self.firsts:
                continue
            for phrase in self.by_first[token]:
                end = index + len(phrase)
                if tuple(tokens[index:end]) == phrase:
                    found.append(phrase)
                    after = end
                    break
        return found


def _distinct(text: Words, matches: list[tuple[str, ...]]) -> list[str]:
    """The text of each distinct phrase matched, where it first stands."""
    return [text.find(phrase) for phrase in dict.fromkeys(matches)]


class WordPolicy:
    """A guardrail's word policy, indexed once per guardrail version."""

    def __init__(self, policy: Mapping[str, Any]) -> None:
        self.entries = list(policy.get("words", []))
        self.managed = [
            e for e in policy.get("managedWordLists", []) if e.get("type") == "PROFANITY"
        ]
        self.index = PhraseIndex(entry["text"] for entry in self.entries)
        self.profanity = PhraseIndex(PROFANITY)
        self.actions = {
            source: {tuple(words(entry["text"])): setting(entry, source) for entry in self.entries}
            for source in ("INPUT", "OUTPUT")
        }

    @property
    def configured(self) -> bool:
        return bool(self.entries or self.managed)

    def findings(self, text: Words, source: str) -> tuple[list[Finding], list[Finding]]:
        """The custom-word and managed-list findings for ``text``: each distinct match once."""
        actions = self.actions[source]
        custom: list[Finding] = []
        found = self.index.matches(text) if self.entries else []
        for phrase in dict.fromkeys(found):
            enabled, action = actions.get(phrase, (True, "BLOCK"))
            matched = text.find(phrase)
            if enabled:
                custom.append(
                    Finding({"match": matched, "action": ASSESSED[action], "detected": True})
                )
        managed: list[Finding] = []
        for entry in self.managed:
            enabled, action = setting(entry, source)
            if not enabled:
                continue
            for matched in _distinct(text, self.profanity.matches(text)):
                managed.append(
                    Finding(
                        {
                            "match": matched,
                            "type": "PROFANITY",
                            "action": ASSESSED[action],
                            "detected": True,
                        }
                    )
                )
        return custom, managed
