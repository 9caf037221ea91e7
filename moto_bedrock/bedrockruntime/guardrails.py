"""Guardrails at run time: ApplyGuardrail, and guardrails inside Converse and InvokeModel.

The policies are evaluated by :mod:`moto_bedrock.generation.guardrails`; the guardrails
themselves live on the control plane (:mod:`moto_bedrock.bedrock.guardrails`). This module
picks what text a call guards, asks each guardrail that applies (the one the request names,
then any the account enforces), applies forced outcomes from the test controls, and shapes
the results the way each operation reports them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..bedrock.guardrails import GuardrailStore, GuardrailVersion, StoredGuardrail
from ..bedrock.models import bedrock_backends
from ..behaviour.guardrails import GuardrailForcing
from ..behaviour.history import CallRecord
from ..generation.guardrails import MAX_TEXT_CHARS, Block, Evaluation
from ..generation.inference import InferenceResult
from .exceptions import ValidationException

__all__ = [
    "GuardrailCall",
    "apply_guardrail",
    "native_guardrail",
    "open_guardrails",
    "store_for",
]

#: The body key of a native InvokeModel request that configures guardrail tagging.
NATIVE_CONFIG_KEY = "amazon-bedrock-guardrailConfig"

# Native-body rules (InvokeModel doc); the texts are unverified.
CONFIG_WITHOUT_GUARDRAIL = (
    "amazon-bedrock-guardrailConfig is set in the request body but no guardrail identifier "
    "was provided."
)
IDENTIFIER_WITHOUT_VERSION = "A guardrail version is required when a guardrail identifier is set."
VERSION_WITHOUT_IDENTIFIER = "A guardrail identifier is required when a guardrail version is set."
TOO_MUCH_TEXT = f"The text to guard is longer than {MAX_TEXT_CHARS} characters."


def store_for(account_id: str, region: str) -> GuardrailStore:
    """The control plane's guardrails for this account and region."""
    store: GuardrailStore = bedrock_backends[account_id][region].guardrails
    return store


@dataclass
class _Applied:
    """One guardrail a call applies, and where it came from."""

    guardrail: StoredGuardrail
    version: GuardrailVersion
    origin: str

    def details(self) -> dict[str, Any]:
        return {
            "guardrailId": self.guardrail.guardrail_id,
            "guardrailVersion": self.version.version,
            "guardrailArn": self.guardrail.arn,
            "guardrailOrigin": [self.origin],
            "guardrailOwnership": "SELF",
        }


def _evaluate(
    applied: _Applied,
    source: str,
    blocks: Sequence[Block],
    images: int,
    forcing: GuardrailForcing,
    *,
    full: bool = False,
    model_id: str | None = None,
    requested_id: str | None = None,
    reply_source: str | None = None,
) -> Evaluation:
    if sum(len(b.text) for b in blocks) > MAX_TEXT_CHARS:
        raise ValidationException(TOO_MUCH_TEXT)
    force = forcing.take(
        source, applied.guardrail.guardrail_id, model_id, requested_id, reply_source
    )
    evaluation = applied.version.engine.evaluate(
        source, blocks, images=images, full=full, force=force
    )
    evaluation.assessment["appliedGuardrailDetails"] = applied.details()
    return evaluation


def _record(record: CallRecord, applied: _Applied, source: str, evaluation: Evaluation) -> None:
    record.guardrails.append(
        {
            "guardrailId": applied.guardrail.guardrail_id,
            "guardrailVersion": applied.version.version,
            "origin": applied.origin,
            "source": source,
            **evaluation.summary(),
        }
    )


# -- ApplyGuardrail --------------------------------------------------------------------------


def apply_guardrail(
    store: GuardrailStore,
    forcing: GuardrailForcing,
    record: CallRecord,
    identifier: str,
    version: str,
    source: str,
    content: list[dict[str, Any]],
    output_scope: str | None,
) -> dict[str, Any]:
    """ApplyGuardrail's output for ``content`` checked as ``source``."""
    guardrail, found = store.resolve(identifier, version)
    applied = _Applied(guardrail, found, "REQUEST")
    blocks: list[Block] = []
    images = 0
    for item in content:
        if "text" in item:
            text = item["text"]
            blocks.append(Block(text.get("text", ""), tuple(text.get("qualifiers") or ())))
        elif "image" in item:
            images += 1
    evaluation = _evaluate(applied, source, blocks, images, forcing, full=output_scope == "FULL")
    _record(record, applied, source, evaluation)
    coverage = evaluation.assessment["invocationMetrics"]["guardrailCoverage"]
    return {
        "usage": evaluation.usage,
        "action": evaluation.action,
        "actionReason": evaluation.action_reason,
        "outputs": [{"text": text} for text in evaluation.outputs],
        "assessments": [evaluation.assessment],
        "guardrailCoverage": coverage,
    }


# -- guardrails inside inference -----------------------------------------------------------------


@dataclass
class _Place:
    """Where a guarded text block sits in the request (to write its masked text back)."""

    message: int
    block: int
    guard_content: bool


@dataclass
class GuardrailCall:
    """The guardrails one inference call applies, and what they found so far."""

    applied: list[_Applied]
    forcing: GuardrailForcing
    record: CallRecord
    trace: str = "disabled"
    asynchronous: bool = False
    input_assessments: dict[str, dict[str, Any]] = field(default_factory=dict)
    output_assessments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    model_output: list[str] = field(default_factory=list)
    action_reason: str | None = None
    intervened: bool = False

    # -- input ------------------------------------------------------------------------

    def screen_input(
        self,
        messages: list[dict[str, Any]],
        system: list[dict[str, Any]],
        model_id: str,
        requested_id: str,
        tag_suffix: str | None = None,
    ) -> InferenceResult | None:
        """Check the request's text; the blocked answer if a guardrail blocks it.

        Only ``guardContent`` blocks are checked when the request has any (in messages or
        system); otherwise every text block of the messages. Masked input replaces the text
        the model sees.
        """
        blocks, places, images = _input_blocks(messages, system, tag_suffix)
        for applied in self.applied:
            evaluation = _evaluate(
                applied,
                "INPUT",
                blocks,
                images,
                self.forcing,
                model_id=model_id,
                requested_id=requested_id,
            )
            _record(self.record, applied, "INPUT", evaluation)
            self.input_assessments[applied.guardrail.guardrail_id] = evaluation.assessment
            if evaluation.intervened:
                self.intervened = True
                self.action_reason = evaluation.action_reason
            if evaluation.blocked:
                latency = evaluation.assessment["invocationMetrics"]["guardrailProcessingLatency"]
                return InferenceResult(
                    content=[{"text": evaluation.outputs[0]}],
                    stop_reason="guardrail_intervened",
                    usage={"inputTokens": 0, "outputTokens": 0, "totalTokens": 0},
                    latency_ms=latency,
                    first_byte_ms=latency,
                )
            if evaluation.intervened:
                guarded = [b for b in blocks if b.guarded]
                _write_back(messages, places, guarded, evaluation.masked_blocks)
                blocks = [
                    Block(masked, b.qualifiers) if b.guarded else b
                    for b, masked in zip(
                        blocks, _expand(blocks, evaluation.masked_blocks), strict=True
                    )
                ]
        return None

    # -- output -----------------------------------------------------------------------

    def screen_output(
        self,
        result: InferenceResult,
        model_id: str,
        requested_id: str,
        reply_source: str | None,
        grounding: Sequence[Block] = (),
    ) -> InferenceResult:
        """Check the reply's text; the reply as the caller gets it (blocked or masked)."""
        texts = [b["text"] for b in result.content if "text" in b]
        if not texts:
            return result
        blocks = [Block(text) for text in texts] + list(grounding)
        for applied in self.applied:
            evaluation = _evaluate(
                applied,
                "OUTPUT",
                blocks,
                0,
                self.forcing,
                model_id=model_id,
                requested_id=requested_id,
                reply_source=reply_source,
            )
            _record(self.record, applied, "OUTPUT", evaluation)
            self.output_assessments.setdefault(applied.guardrail.guardrail_id, []).append(
                evaluation.assessment
            )
            if not evaluation.intervened:
                continue
            self.intervened = True
            self.action_reason = evaluation.action_reason
            self.model_output = texts
            result.stop_reason = "guardrail_intervened"
            if self.asynchronous:
                continue  # the text has already gone out; masking does not apply
            if evaluation.blocked:
                result.content = [{"text": evaluation.outputs[0]}]
                return result
            masked = iter(evaluation.masked_blocks)
            result.content = [{"text": next(masked)} if "text" in b else b for b in result.content]
        return result

    # -- what the caller sees -------------------------------------------------------------

    def converse_trace(self) -> dict[str, Any] | None:
        """Converse's ``trace.guardrail``, if tracing is on."""
        if self.trace not in ("enabled", "enabled_full"):
            return None
        trace: dict[str, Any] = {}
        if self.trace == "enabled_full" and self.model_output:
            trace["modelOutput"] = self.model_output
        if self.input_assessments:
            trace["inputAssessment"] = self.input_assessments
        if self.output_assessments:
            trace["outputAssessments"] = self.output_assessments
        if self.action_reason is not None:
            trace["actionReason"] = self.action_reason
        return {"guardrail": trace}

    def native_fields(self) -> dict[str, Any]:
        """What a native InvokeModel body gains: the action, and the trace if asked for."""
        fields: dict[str, Any] = {
            "amazon-bedrock-guardrailAction": "INTERVENED" if self.intervened else "NONE"
        }
        if self.trace in ("enabled", "enabled_full"):
            guardrail: dict[str, Any] = {}
            if self.input_assessments:
                guardrail["input"] = self.input_assessments
            if self.output_assessments:
                guardrail["outputs"] = [
                    {gid: assessment}
                    for gid, found in self.output_assessments.items()
                    for assessment in found
                ]
            if self.trace == "enabled_full" and self.model_output:
                guardrail["modelOutput"] = self.model_output
            fields["amazon-bedrock-trace"] = {"guardrail": guardrail}
        return fields


def _text_of(block: dict[str, Any]) -> tuple[str, tuple[str, ...]] | None:
    guard = block.get("guardContent")
    if isinstance(guard, dict) and isinstance(guard.get("text"), dict):
        text = guard["text"]
        return str(text.get("text", "")), tuple(text.get("qualifiers") or ())
    return None


def _tagged(text: str, suffix: str) -> list[str]:
    tag = re.escape(f"amazon-bedrock-guardrails-guardContent_{suffix}")
    return [m.group(1) for m in re.finditer(rf"<{tag}>(.*?)</{tag}>", text, re.DOTALL)]


def _input_blocks(
    messages: list[dict[str, Any]], system: list[dict[str, Any]], tag_suffix: str | None
) -> tuple[list[Block], list[_Place], int]:
    guarded: list[Block] = []
    guard_places: list[_Place] = []
    plain: list[Block] = []
    plain_places: list[_Place] = []
    images = 0
    for index, block in enumerate(system):
        found = _text_of(block)
        if found is not None:
            guarded.append(Block(*found))
            guard_places.append(_Place(-1 - index, 0, True))
    for m_index, message in enumerate(messages):
        for b_index, block in enumerate(message.get("content", [])):
            found = _text_of(block)
            if found is not None:
                guarded.append(Block(*found))
                guard_places.append(_Place(m_index, b_index, True))
            elif isinstance(block.get("guardContent"), dict) and "image" in block["guardContent"]:
                images += 1
            elif "text" in block:
                text = str(block["text"])
                if tag_suffix is not None:
                    guarded += [Block(part) for part in _tagged(text, tag_suffix)]
                    continue
                plain.append(Block(text))
                plain_places.append(_Place(m_index, b_index, False))
    if guarded or tag_suffix is not None:
        # Tagged parts are checked but not written back (their places are not recorded).
        return guarded, guard_places if len(guard_places) == len(guarded) else [], images
    return plain, plain_places, images


def _expand(blocks: Sequence[Block], masked: Sequence[str]) -> list[str]:
    """``masked`` (one per guarded block) lined up with every block."""
    texts = iter(masked)
    return [next(texts) if b.guarded else b.text for b in blocks]


def _write_back(
    messages: list[dict[str, Any]],
    places: Sequence[_Place],
    guarded: Sequence[Block],
    masked: Sequence[str],
) -> None:
    if len(places) != len(guarded):
        return
    for place, text in zip(places, masked, strict=True):
        if place.message < 0:
            continue  # system guardContent stays as sent
        block = messages[place.message]["content"][place.block]
        if place.guard_content:
            block["guardContent"]["text"]["text"] = text
        else:
            block["text"] = text


def _requested(store: GuardrailStore, config: dict[str, Any] | None) -> list[_Applied]:
    if not config:
        return []
    # botocore 1.44 makes the identifier optional; none names no guardrail that exists.
    guardrail, version = store.resolve(
        str(config.get("guardrailIdentifier") or ""), config.get("guardrailVersion")
    )
    return [_Applied(guardrail, version, "REQUEST")]


def open_guardrails(
    store: GuardrailStore,
    forcing: GuardrailForcing,
    record: CallRecord,
    model_id: str,
    config: dict[str, Any] | None,
) -> GuardrailCall | None:
    """The guardrails a Converse-shaped call applies (None when there are none)."""
    applied = _requested(store, config)
    applied += [
        _Applied(guardrail, version, "ACCOUNT_ENFORCED")
        for guardrail, version in store.enforced_for(model_id)
        if not any(a.guardrail is guardrail for a in applied)
    ]
    if not applied:
        return None
    config = config or {}
    return GuardrailCall(
        applied,
        forcing,
        record,
        trace=str(config.get("trace") or "disabled"),
        asynchronous=config.get("streamProcessingMode") == "async",
    )


def native_guardrail(
    store: GuardrailStore,
    forcing: GuardrailForcing,
    record: CallRecord,
    model_id: str,
    native: dict[str, Any],
    identifier: str | None,
    version: str | None,
    trace: str | None,
) -> tuple[GuardrailCall | None, str | None]:
    """The guardrails of an InvokeModel call, and the tag suffix its body sets.

    Takes ``amazon-bedrock-guardrailConfig`` out of ``native`` (the model never sees it).
    """
    body_config = native.pop(NATIVE_CONFIG_KEY, None)
    if body_config is not None and identifier is None:
        raise ValidationException(CONFIG_WITHOUT_GUARDRAIL)
    if identifier is not None and version is None:
        raise ValidationException(IDENTIFIER_WITHOUT_VERSION)
    if version is not None and identifier is None:
        raise ValidationException(VERSION_WITHOUT_IDENTIFIER)
    config: dict[str, Any] | None = None
    if identifier is not None:
        mode = (body_config or {}).get("streamProcessingMode")
        config = {
            "guardrailIdentifier": identifier,
            "guardrailVersion": version,
            "trace": (trace or "DISABLED").lower(),
            "streamProcessingMode": "async" if mode == "ASYNCHRONOUS" else "sync",
        }
    call = open_guardrails(store, forcing, record, model_id, config)
    suffix = (body_config or {}).get("tagSuffix") if isinstance(body_config, dict) else None
    return call, None if suffix is None else str(suffix)
