"""Response generation behind one small protocol.

A responder turns a parsed :class:`Invocation` into a :class:`Reply` (content blocks and a
stop reason). Everything model-like that applies to every reply — ``maxTokens``
truncation, stop sequences, token usage, latency — is done afterwards by
``moto_bedrock.inference``, so a canned reply behaves like a real model's.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from .catalog import FoundationModel

__all__ = ["DefaultResponder", "Invocation", "Reply", "Responder"]


@dataclass(frozen=True)
class Invocation:
    """A runtime call, parsed into the fields every responder may look at."""

    operation: str
    model_id: str
    """The identifier the caller sent (base id, ARN or inference-profile id)."""
    model: FoundationModel
    messages: list[dict[str, Any]] = field(default_factory=list)
    system: list[dict[str, Any]] = field(default_factory=list)
    inference_config: dict[str, Any] = field(default_factory=dict)
    tool_config: dict[str, Any] | None = None
    additional_request_fields: dict[str, Any] | None = None
    request_metadata: dict[str, str] | None = None
    output_config: dict[str, Any] | None = None
    """Converse's ``outputConfig`` (``textFormat`` asks for JSON-schema output)."""

    def user_text(self) -> str:
        """The text of the last user message."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return "\n".join(b["text"] for b in message.get("content", []) if "text" in b)
        return ""

    def system_text(self) -> str:
        return "\n".join(b["text"] for b in self.system if "text" in b)


@dataclass
class Reply:
    """What a responder produces: assistant content blocks and why the turn ended."""

    content: list[dict[str, Any]]
    stop_reason: str = "end_turn"
    usage: dict[str, int] | None = None
    """Token counts to report instead of the computed ones (``inputTokens``,
    ``outputTokens``; ``totalTokens`` is derived)."""


class Responder(Protocol):
    """Anything that can answer an invocation."""

    def __call__(self, invocation: Invocation) -> Reply: ...


_OPENERS = (
    "Here is a short answer about {topic}.",
    "Let me address {topic} directly.",
    "Good question about {topic}.",
    "Thinking about {topic}, a few points stand out.",
    "On the subject of {topic}, here is what matters.",
)
_SUBJECTS = (
    "the main idea",
    "a careful approach",
    "the simplest option",
    "each step",
    "the underlying pattern",
    "a small example",
    "the key constraint",
    "this trade-off",
)
_VERBS = ("depends on", "comes down to", "builds on", "starts with", "relies on", "points to")
_OBJECTS = (
    "clear inputs and predictable outputs",
    "the context you provide",
    "testing one change at a time",
    "keeping the design simple",
    "measuring before optimizing",
    "what the user actually needs",
    "a well-defined contract",
    "the data you already have",
)
_CLOSERS = (
    "I hope this helps.",
    "Let me know if you would like more detail.",
    "That should give you a solid starting point.",
    "Feel free to ask a follow-up question.",
)
_STOPWORDS = frozenset(
    "a an and are as at be but by can do does for from has have how i in is it me my of on "
    "or please should so tell than that the their them then there these this to was we what "
    "when where which who why will with would you your".split()
)


def _seed(invocation: Invocation) -> int:
    # sha256 of a canonical form, never hash(): the reply must be the same in every
    # process and on every machine, whatever PYTHONHASHSEED is.
    canonical = json.dumps(
        [invocation.model.model_id, invocation.system, invocation.messages],
        sort_keys=True,
        default=repr,
    )
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:8], "big")


def _topic(text: str) -> str:
    words = [w for w in re.findall(r"[^\W\d_]{3,}", text.lower()) if w not in _STOPWORDS]
    if not words:
        return "your message"
    ranked = sorted(dict.fromkeys(words), key=lambda w: (-len(w), words.index(w)))[:2]
    ranked.sort(key=words.index)
    return " and ".join(ranked)


class DefaultResponder:
    """Deterministic, prompt-dependent prose: the same request always gets the same reply."""

    def __call__(self, invocation: Invocation) -> Reply:
        rng = random.Random(_seed(invocation))
        sentences = [rng.choice(_OPENERS).format(topic=_topic(invocation.user_text()))]
        for _ in range(rng.randint(2, 4)):
            subject = rng.choice(_SUBJECTS)
            sentences.append(
                f"{subject[0].upper()}{subject[1:]} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
            )
        sentences.append(rng.choice(_CLOSERS))
        return Reply(content=[{"text": " ".join(sentences)}])
