"""Guardrail policy evaluation: deterministic, pure, shared by every caller.

:class:`Guardrail` prepares one guardrail version's policies (in ``GetGuardrail`` form) once;
:meth:`Guardrail.evaluate` checks text blocks from one direction (``INPUT`` or ``OUTPUT``)
and returns an :class:`Evaluation`: the action, what to answer with, the assessment in wire
form and the text units used. Nothing here knows about backends or HTTP.
"""

from __future__ import annotations

from .assessment import FORCED_TOPIC, Block, Evaluation, Guardrail
from .pii import PII_PATTERNS, luhn, unsafe_regex
from .text import MAX_TEXT_CHARS, text_units
from .words import PROFANITY

__all__ = [
    "FORCED_TOPIC",
    "MAX_TEXT_CHARS",
    "PII_PATTERNS",
    "PROFANITY",
    "Block",
    "Evaluation",
    "Guardrail",
    "luhn",
    "text_units",
    "unsafe_regex",
]
