"""Content filters, scored by a fixed lexicon per category.

Each category has a list of words and phrases. The confidence of a text is set by how many
distinct entries of the category's list it contains: none is ``NONE``, one ``LOW``, two
``MEDIUM``, three or more ``HIGH``. A filter of strength ``LOW`` acts on ``HIGH`` confidence,
``MEDIUM`` on ``MEDIUM`` and above, ``HIGH`` on ``LOW`` and above, ``NONE`` on nothing (as
Bedrock documents its strengths). ``PROMPT_ATTACK`` applies to input only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import ASSESSED, Finding, setting
from .text import Words, words
from .words import PhraseIndex

__all__ = ["CONFIDENCES", "LEXICON", "ContentPolicy", "confidence_of"]

CONFIDENCES = ("NONE", "LOW", "MEDIUM", "HIGH")

#: The lowest confidence each strength acts on.
_THRESHOLD = {"LOW": "HIGH", "MEDIUM": "MEDIUM", "HIGH": "LOW"}

LEXICON: dict[str, tuple[str, ...]] = {
    "HATE": (
        "hate", "hateful", "inferior race", "subhuman", "vermin", "go back to your country",
        "racial slur", "bigot", "exterminate them", "ethnic cleansing", "supremacy",
    ),
    "INSULTS": (
        "idiot", "stupid", "moron", "dumb", "loser", "pathetic", "worthless", "imbecile",
        "fool", "ugly", "shut up", "clown", "incompetent",
    ),
    "SEXUAL": (
        "sex", "sexual", "sexy", "nude", "naked", "porn", "pornography", "erotic", "explicit",
        "orgasm", "genitals", "intercourse",
    ),
    "VIOLENCE": (
        "kill", "killing", "murder", "stab", "shoot", "shooting", "bomb", "attack", "assault",
        "blood", "weapon", "gun", "torture", "beat up", "massacre",
    ),
    "MISCONDUCT": (
        "steal", "stealing", "shoplift", "launder money", "money laundering", "fraud",
        "counterfeit", "hack into", "break into", "smuggle", "illegal drugs", "bribe", "scam",
        "evade taxes", "phishing",
    ),
    "PROMPT_ATTACK": (
        "ignore previous instructions", "ignore all previous instructions",
        "ignore your instructions", "disregard previous instructions",
        "disregard your instructions", "forget your instructions", "system prompt",
        "developer mode", "jailbreak", "do anything now", "you are now dan",
        "pretend you have no restrictions", "without any restrictions", "bypass your rules",
    ),
}  # fmt: skip


def confidence_of(hits: int) -> str:
    """The confidence for ``hits`` distinct lexicon entries."""
    return CONFIDENCES[min(hits, 3)]


class ContentPolicy:
    """A guardrail's content filters, prepared once per guardrail version."""

    def __init__(self, policy: Mapping[str, Any]) -> None:
        self.filters = list(policy.get("filters", []))
        self.index = PhraseIndex(p for entries in LEXICON.values() for p in entries)
        self.kinds: dict[tuple[str, ...], set[str]] = {}
        for kind, entries in LEXICON.items():
            for entry in entries:
                self.kinds.setdefault(tuple(words(entry)), set()).add(kind)

    @property
    def configured(self) -> bool:
        return bool(self.filters)

    def confidences(self, text: Words) -> dict[str, str]:
        """The confidence of every category for ``text``."""
        hits: dict[str, set[tuple[str, ...]]] = {kind: set() for kind in LEXICON}
        for phrase in self.index.matches(text):
            for kind in self.kinds[phrase]:
                hits[kind].add(phrase)
        return {kind: confidence_of(len(found)) for kind, found in hits.items()}

    def findings(self, text: Words, source: str, full: bool) -> list[Finding]:
        """One finding per filter that acts on ``text`` (every enabled filter when ``full``)."""
        found: list[Finding] = []
        if not self.filters:
            return found
        confidences = self.confidences(text)
        side = "input" if source == "INPUT" else "output"
        for entry in self.filters:
            kind = entry["type"]
            enabled, action = setting(entry, source)
            strength = str(entry.get(f"{side}Strength", "NONE"))
            if not enabled or (kind == "PROMPT_ATTACK" and source != "INPUT"):
                continue
            modalities = entry.get(f"{side}Modalities") or ["TEXT"]
            if "TEXT" not in modalities:
                continue
            confidence = confidences[kind]
            threshold = _THRESHOLD.get(strength)
            detected = threshold is not None and CONFIDENCES.index(confidence) >= CONFIDENCES.index(
                threshold
            )
            if detected or full:
                found.append(
                    Finding(
                        {
                            "type": kind,
                            "confidence": confidence,
                            "filterStrength": strength,
                            "action": ASSESSED[action] if detected else "NONE",
                            "detected": detected,
                        }
                    )
                )
        return found
