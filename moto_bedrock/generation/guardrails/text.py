"""Text arithmetic shared by the policies: bounds, words, sentences and text units."""

from __future__ import annotations

import functools
import math
import re

__all__ = [
    "MAX_TEXT_CHARS",
    "STOPWORDS",
    "Words",
    "content_terms",
    "stem",
    "text_units",
    "words",
]

#: The most text one evaluation looks at; longer text is refused by the caller.
MAX_TEXT_CHARS = 1_000_000

#: Bedrock bills guardrails in text units of up to 1,000 characters.
CHARS_PER_UNIT = 1000

_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
#: Words, and the marks that end a sentence (kept as tokens of their own).
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?|[.!?\n]")
_ENDS = frozenset(".!?\n")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves tell give get want need please let like know s t""".split()
)


class Words:
    """The lower-cased words of a text; where each stands is worked out only when asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Sentence ends are tokens too, so that no phrase matches across two sentences.
        self.tokens: list[str] = _TOKEN.findall(text.lower())

    def find(self, phrase: tuple[str, ...]) -> str:
        """The text of the first place ``phrase`` (lower-case words) stands, as written.

        Looked up only for phrases that matched, so plain text costs nothing here.
        """
        gap = r"[^A-Za-z0-9']+"
        pattern = re.compile(
            r"(?<![A-Za-z0-9])" + gap.join(re.escape(w) for w in phrase) + r"(?![A-Za-z0-9])",
            re.IGNORECASE,
        )
        match = pattern.search(self.text)
        return match.group() if match is not None else " ".join(phrase)

    def sentence_terms(self) -> list[set[str]]:
        """The content terms (see :func:`content_terms`) of each sentence."""
        stems = {t: stem(t) for t in set(self.tokens) - STOPWORDS - _ENDS if len(t) > 1}
        found: list[set[str]] = []
        current: set[str] = set()
        for token in self.tokens:
            if token in _ENDS:
                if current:
                    found.append(current)
                    current = set()
            elif token in stems:
                current.add(stems[token])
        if current:
            found.append(current)
        return found

    def terms(self) -> set[str]:
        """The content terms of the whole text."""
        return {stem(t) for t in set(self.tokens) - STOPWORDS - _ENDS if len(t) > 1}


def words(text: str) -> list[str]:
    """Every word of ``text``, lower-cased."""
    return _WORD.findall(text.lower())


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude, documented stem: drops one common English suffix from longer words."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> set[str]:
    """The stems of the words of ``text`` that are not stopwords or single characters."""
    return {stem(w) for w in set(words(text)) - STOPWORDS if len(w) > 1}


def text_units(characters: int) -> int:
    """Text units for ``characters`` characters: one per started 1,000 (0 for none)."""
    return math.ceil(characters / CHARS_PER_UNIT) if characters > 0 else 0
