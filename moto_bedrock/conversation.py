"""Conversation rules Bedrock enforces on Converse, with its exact message texts.

Shape validation (``validation.py``) has already run; these are the rules about what a
conversation means. Indexes in messages are 0-based, as in Bedrock's own texts
(``shared/reference/bedrock-wire.md`` §2.1).
"""

from __future__ import annotations

from typing import Any

from .bedrockruntime.exceptions import ValidationException
from .responders import Invocation

__all__ = ["check_conversation", "conversation_violation"]

MUST_START_WITH_USER = (
    "A conversation must start with a user message. "
    "Try again with a conversation that starts with a user message."
)
MUST_ALTERNATE = (
    "A conversation must alternate between user and assistant roles. "
    "Make sure the conversation alternates between user and assistant roles and try again."
)


def _violation(messages: list[dict[str, Any]]) -> str | None:
    if not messages or messages[0].get("role") != "user":
        return MUST_START_WITH_USER
    for index, message in enumerate(messages):
        if index and message.get("role") == messages[index - 1].get("role"):
            return MUST_ALTERNATE
        content = message.get("content") or []
        if not content:
            return f"The content field in the Message object at messages.{index} is empty."
        for position, block in enumerate(content):
            if "text" in block and not block["text"].strip():
                return (
                    f"The text field in the ContentBlock object at messages.{index}.content."
                    f"{position} is blank. Add text to the text field, and try again."
                )
    return None


def conversation_violation(invocation: Invocation) -> str | None:
    """Bedrock's text for the first conversation rule the invocation breaks, or None."""
    return _violation(invocation.messages)


def check_conversation(messages: list[dict[str, Any]]) -> None:
    """Raise Bedrock's ValidationException for the first rule ``messages`` breaks."""
    message = _violation(messages)
    if message is not None:
        raise ValidationException(message)
