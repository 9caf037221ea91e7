"""One guardrail version's evaluation of a direction's text: action, outputs, assessment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .common import Finding, Mask
from .content import ContentPolicy
from .grounding import GroundingPolicy
from .pii import SensitivePolicy
from .text import Words, text_units
from .topics import TopicPolicy
from .words import WordPolicy

__all__ = ["FORCED_TOPIC", "REASONS", "Block", "Evaluation", "Guardrail"]

#: The topic a forced intervention reports (see ``BedrockControl.force_guardrail``).
FORCED_TOPIC = "moto-bedrock forced intervention"

#: actionReason texts. "Guardrail blocked." is seen in recorded responses; the other two
#: are unverified.
REASONS = {
    "blocked": "Guardrail blocked.",
    "masked": "Guardrail masked.",
    "none": "No action.",
}

_USAGE_KEYS = (
    "topicPolicyUnits",
    "contentPolicyUnits",
    "wordPolicyUnits",
    "sensitiveInformationPolicyUnits",
    "sensitiveInformationPolicyFreeUnits",
    "contextualGroundingPolicyUnits",
    "contentPolicyImageUnits",
    # Present (0) since automated reasoning checks shipped (Arize-ai/openinference python/
    # instrumentation/openinference-instrumentation-bedrock/tests/.../cassettes/
    # test_apply_guardrails.yaml, 2026-04).
    "automatedReasoningPolicyUnits",
    "automatedReasoningPolicies",
)


@dataclass(frozen=True)
class Block:
    """One text block and its qualifiers (``grounding_source``, ``query``, ``guard_content``)."""

    text: str
    qualifiers: tuple[str, ...] = ()

    @property
    def guarded(self) -> bool:
        return not self.qualifiers or "guard_content" in self.qualifiers


@dataclass
class Evaluation:
    """What one guardrail decided about one direction's text."""

    action: str
    """``NONE`` or ``GUARDRAIL_INTERVENED``."""
    blocked: bool
    action_reason: str
    outputs: list[str]
    """The blocked message, or the masked text of each guarded block, or nothing."""
    assessment: dict[str, Any]
    usage: dict[str, int]
    masked_blocks: list[str] = field(default_factory=list)
    """Every guarded block's text after masking (unchanged where nothing was masked)."""

    @property
    def intervened(self) -> bool:
        return self.action == "GUARDRAIL_INTERVENED"

    def summary(self) -> dict[str, Any]:
        """A compact JSON-ready record: action, reason and the detected findings."""
        findings: list[dict[str, Any]] = []
        for policy, groups in self.assessment.items():
            if not policy.endswith("Policy") or not isinstance(groups, dict):
                continue
            for group, entries in groups.items():
                if not isinstance(entries, list):
                    continue
                for entry in entries:
                    if entry.get("detected"):
                        findings.append({"policy": f"{policy}.{group}", **entry})
        return {"action": self.action, "actionReason": self.action_reason, "findings": findings}


def _apply_masks(text: str, masks: Sequence[Mask]) -> str:
    for mask in sorted(masks, key=lambda m: m.start, reverse=True):
        text = text[: mask.start] + mask.placeholder + text[mask.end :]
    return text


def _entries(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    return [f.entry for f in findings]


class Guardrail:
    """One guardrail version's policies, prepared for repeated evaluation."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.topics = TopicPolicy(config.get("topicPolicy") or {})
        self.content = ContentPolicy(config.get("contentPolicy") or {})
        self.words = WordPolicy(config.get("wordPolicy") or {})
        self.sensitive = SensitivePolicy(config.get("sensitiveInformationPolicy") or {})
        self.grounding = GroundingPolicy(config.get("contextualGroundingPolicy") or {})
        self.blocked_input = str(config.get("blockedInputMessaging", ""))
        self.blocked_output = str(config.get("blockedOutputsMessaging", ""))
        self.image_filters = any(
            "IMAGE" in (f.get("inputModalities") or []) + (f.get("outputModalities") or [])
            for f in self.content.filters
        )

    def evaluate(
        self,
        source: str,
        blocks: Sequence[Block],
        *,
        images: int = 0,
        full: bool = False,
        force: bool | None = None,
    ) -> Evaluation:
        """Check ``blocks`` from ``source``; ``full`` reports undetected entries too.

        ``force`` (from the test controls) makes the guardrail intervene (True) or let the
        text through (False) whatever the policies found.
        """
        guarded = [b for b in blocks if b.guarded]
        topics: list[Finding] = []
        filters: dict[str, Finding] = {}
        custom: list[Finding] = []
        managed: list[Finding] = []
        pii: list[Finding] = []
        regexes: list[Finding] = []
        masks: list[list[Mask]] = []
        words_of: list[Words] = []
        for block in guarded:
            block_masks: list[Mask] = []
            block_words = Words(block.text)
            words_of.append(block_words)
            for finding in self.topics.findings(block_words, source, full):
                if not any(t.entry["name"] == finding.entry["name"] for t in topics):
                    topics.append(finding)
                elif finding.detected:  # a later block detected what an earlier did not
                    topics[:] = [
                        finding if t.entry["name"] == finding.entry["name"] else t for t in topics
                    ]
            for finding in self.content.findings(block_words, source, full):
                kind = finding.entry["type"]
                known = filters.get(kind)
                if known is None or _stronger(finding, known):
                    filters[kind] = finding
            block_custom, block_managed = self.words.findings(block_words, source)
            custom += block_custom
            managed += block_managed
            block_pii, block_regexes = self.sensitive.findings(block.text, source)
            pii += block_pii
            regexes += block_regexes
            for finding in block_pii + block_regexes:
                block_masks += finding.masks
            masks.append(block_masks)
        if full:
            pii += self.sensitive.undetected({f.entry["type"] for f in pii}, source)
        grounding: list[Finding] = []
        sources = [b.text for b in blocks if "grounding_source" in b.qualifiers]
        queries = [b.text for b in blocks if "query" in b.qualifiers]
        grounding_chars = 0
        if self.grounding.configured and source == "OUTPUT" and sources and queries:
            response = "\n".join(b.text for b in guarded)
            grounding = self.grounding.findings(
                Words(response) if len(guarded) != 1 else words_of[0],
                "\n".join(sources),
                "\n".join(queries),
                full,
            )
            grounding_chars = sum(len(t) for t in [response, *sources, *queries])

        sections = {
            "topicPolicy": {"topics": topics},
            "contentPolicy": {"filters": list(filters.values())},
            "wordPolicy": {"customWords": custom, "managedWordLists": managed},
            "sensitiveInformationPolicy": {"piiEntities": pii, "regexes": regexes},
            "contextualGroundingPolicy": {"filters": grounding},
        }
        assessment: dict[str, Any] = {}
        for policy, groups in sections.items():
            present = {group: _entries(found) for group, found in groups.items() if found}
            if present:
                assessment[policy] = present

        every = [*topics, *filters.values(), *custom, *managed, *pii, *regexes, *grounding]
        blocked = any(f.action == "BLOCKED" for f in every)
        masked = any(f.action == "ANONYMIZED" for f in every)
        if force is True and not blocked:
            forced = {"name": FORCED_TOPIC, "type": "DENY", "action": "BLOCKED", "detected": True}
            assessment.setdefault("topicPolicy", {"topics": []})["topics"].append(forced)
            blocked = True
        elif force is False:
            for finding in every:
                finding.entry["action"] = "NONE"
            blocked = masked = False
            masks = [[] for _ in guarded]

        masked_blocks = [_apply_masks(b.text, m) for b, m in zip(guarded, masks, strict=True)]
        chars = sum(len(b.text) for b in guarded)
        usage = self._usage(chars, images, grounding_chars)
        units = sum(usage.values())
        metrics: dict[str, Any] = {
            "guardrailProcessingLatency": 10 + units,
            "usage": usage,
            "guardrailCoverage": {"textCharacters": {"guarded": chars, "total": chars}},
        }
        if images:
            guarded_images = images if self.image_filters else 0
            metrics["guardrailCoverage"]["images"] = {"guarded": guarded_images, "total": images}
        assessment["invocationMetrics"] = metrics

        if blocked:
            message = self.blocked_input if source == "INPUT" else self.blocked_output
            return Evaluation(
                "GUARDRAIL_INTERVENED",
                True,
                REASONS["blocked"],
                [message],
                assessment,
                usage,
                masked_blocks,
            )
        if masked:
            return Evaluation(
                "GUARDRAIL_INTERVENED",
                False,
                REASONS["masked"],
                masked_blocks,
                assessment,
                usage,
                masked_blocks,
            )
        return Evaluation("NONE", False, REASONS["none"], [], assessment, usage, masked_blocks)

    def _usage(self, chars: int, images: int, grounding_chars: int) -> dict[str, int]:
        units = text_units(chars)
        usage = dict.fromkeys(_USAGE_KEYS, 0)
        if self.topics.configured:
            usage["topicPolicyUnits"] = units
        if self.content.configured:
            usage["contentPolicyUnits"] = units
            if self.image_filters:
                usage["contentPolicyImageUnits"] = images
        if self.words.configured:
            usage["wordPolicyUnits"] = units
        if self.sensitive.entities:
            usage["sensitiveInformationPolicyUnits"] = units
        if self.sensitive.regexes:
            usage["sensitiveInformationPolicyFreeUnits"] = units
        usage["contextualGroundingPolicyUnits"] = text_units(grounding_chars)
        return usage


def _stronger(finding: Finding, known: Finding) -> bool:
    order = ("NONE", "LOW", "MEDIUM", "HIGH")
    if finding.detected != known.detected:
        return finding.detected
    return order.index(finding.entry["confidence"]) > order.index(known.entry["confidence"])
