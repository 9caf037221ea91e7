"""Streaming: how a finished reply becomes events, when each is sent, and stream faults.

Events are built from the same :class:`~moto_bedrock.generation.inference.InferenceResult` as the
non-streaming reply, so the concatenated deltas equal the Converse text and the usage is
identical.

ConverseStream order (``shared/reference/bedrock-wire.md`` §1.3): ``messageStart``; text and
reasoning deltas with no ``contentBlockStart``; a toolUse block opens with
``contentBlockStart`` and streams its input as partial JSON (the first fragment empty);
``contentBlockStop`` for every block; ``messageStop``; ``metadata`` last.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..generation.inference import InferenceResult
from ..generation.tokens import count_tokens, tokenize
from .limits import MAX_COUNT, MAX_DELAY_MS, MIN_TOKENS_PER_SECOND, too_large

__all__ = [
    "STREAM_ERRORS",
    "Pacer",
    "StreamFault",
    "StreamPlan",
    "StreamSettings",
    "converse_stream_events",
    "iter_converse_stream_events",
]

CHUNKING = ("token", "word", "character")

# Exception events each streaming operation models (lowerCamel, as on the wire), with the
# text Bedrock sends when none is given.
STREAM_ERRORS: dict[str, str] = {
    "throttlingException": "Too many requests, please wait before trying again.",
    "modelStreamErrorException": "Model produced invalid sequence as part of ToolUse.",
    "validationException": "The model returned the following errors: Validation Error",
    "internalServerException": "An internal server error occurred.",
    "serviceUnavailableException": "Bedrock is unable to process your request.",
    "modelTimeoutException": "Model has timed out in processing the request.",
}
OPERATION_ERRORS = {
    "ConverseStream": set(STREAM_ERRORS) - {"modelTimeoutException"},
    "InvokeModelWithResponseStream": set(STREAM_ERRORS),
}


class ConfigError(ValueError):
    """A control-API argument that cannot be used; the message names the problem."""


def _bounded(value: Any, most: float, name: str) -> None:
    problem = too_large(value, most, name)
    if problem is not None:
        raise ConfigError(problem)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class StreamSettings:
    """How replies are cut into deltas and how fast they are sent.

    ``chunking`` is ``token``, ``word`` or ``character``, ``size`` units per delta.
    ``chunks``, if set, are the exact first deltas of each text: used for as long as they
    match the text, the rest streaming by ``chunking``. Timing (``time_to_first_token_ms``,
    ``tokens_per_second``) also sets the latency Converse reports; ``sleep=False`` keeps the
    reported figures but sends at once.
    """

    chunking: str = "token"
    size: int = 1
    chunks: list[str] | None = None
    time_to_first_token_ms: int | None = None
    tokens_per_second: float | None = None
    sleep: bool = True

    def __post_init__(self) -> None:
        if self.chunking not in CHUNKING:
            raise ConfigError(
                f"chunking must be one of {', '.join(CHUNKING)}; got {self.chunking!r}"
            )
        if not _is_int(self.size) or self.size < 1:
            raise ConfigError(f"size must be a positive integer; got {self.size!r}")
        if self.chunks is not None and (
            not isinstance(self.chunks, list)
            or not all(isinstance(c, str) and c for c in self.chunks)
        ):
            raise ConfigError("chunks must be a list of non-empty strings")
        ttft = self.time_to_first_token_ms
        if ttft is not None and (not _is_int(ttft) or ttft < 0):
            raise ConfigError("time_to_first_token_ms must be zero or more")
        rate = self.tokens_per_second
        if rate is not None and (not _is_number(rate) or not 0 < rate < float("inf")):
            raise ConfigError("tokens_per_second must be more than zero")
        _bounded(ttft, MAX_DELAY_MS, "time_to_first_token_ms")
        if rate is not None and rate < MIN_TOKENS_PER_SECOND:
            raise ConfigError(f"tokens_per_second must be at least 1/600; got {rate!r}")
        if not isinstance(self.sleep, bool):
            raise ConfigError(f"sleep must be true or false; got {self.sleep!r}")

    @property
    def timed(self) -> bool:
        return self.time_to_first_token_ms is not None or self.tokens_per_second is not None

    def latency_ms(self, output_tokens: int) -> int:
        """The whole call's latency under these timings."""
        first = self.time_to_first_token_ms or 0
        rate = self.tokens_per_second
        return first + (round(output_tokens * 1000 / rate) if rate else 0)

    def pieces(self, text: str) -> list[str]:
        """``text`` cut into deltas; they always concatenate back to ``text``."""
        pieces: list[str] = []
        rest = text
        for chunk in self.chunks or []:
            if not rest.startswith(chunk):
                break
            pieces.append(chunk)
            rest = rest[len(chunk) :]
        if self.chunking == "token":
            units = tokenize(rest)
        elif self.chunking == "word":
            units = re.findall(r"\s*\S+|\s+", rest)
        else:
            units = list(rest)
        pieces.extend("".join(units[i : i + self.size]) for i in range(0, len(units), self.size))
        return pieces or [text]


@dataclass
class StreamFault:
    """An exception event sent after ``after_events`` events of the next ``count`` streams."""

    error: str
    after_events: int = 0
    message: str | None = None
    original_status_code: int | None = None
    original_message: str | None = None
    operation: str | None = None
    count: int = 1

    def __post_init__(self) -> None:
        if self.error not in STREAM_ERRORS:
            raise ConfigError(
                f"error must be one of {', '.join(STREAM_ERRORS)}; got {self.error!r}"
            )
        if self.operation is not None and self.operation not in OPERATION_ERRORS:
            raise ConfigError(
                f"operation must be one of {', '.join(OPERATION_ERRORS)}; got {self.operation!r}"
            )
        if self.operation and self.error not in OPERATION_ERRORS[self.operation]:
            raise ConfigError(f"{self.operation} does not model {self.error}")
        if not isinstance(self.after_events, int) or self.after_events < 0:
            raise ConfigError("after_events must be zero or more")
        if not isinstance(self.count, int) or self.count < 1:
            raise ConfigError("count must be a positive integer")
        _bounded(self.after_events, MAX_COUNT, "after_events")
        _bounded(self.count, MAX_COUNT, "count")
        for name in ("message", "original_message"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ConfigError(f"{name} must be a string")
        status = self.original_status_code
        if status is not None and (not _is_int(status) or not 100 <= status <= 599):
            raise ConfigError("original_status_code must be an HTTP status code")

    def applies_to(self, operation: str) -> bool:
        if self.operation is not None:
            return self.operation == operation
        return self.error in OPERATION_ERRORS[operation]

    def body(self) -> dict[str, Any]:
        """The exception event's members."""
        body: dict[str, Any] = {"message": self.message or STREAM_ERRORS[self.error]}
        if self.error == "modelStreamErrorException":
            body["originalStatusCode"] = self.original_status_code or 400
            body["originalMessage"] = self.original_message or body["message"]
        return body


@dataclass
class StreamPlan:
    """Everything the protocol layer needs to send a stream: events, pacing, fault."""

    events: Iterable[dict[str, Any]]
    """The events in order; an iterator is drawn from only as the stream is written."""
    delays: list[float] = field(default_factory=list)
    """Seconds to wait before each event (empty: send at once, or ask ``pacer``)."""
    fault: StreamFault | None = None
    sleep: Callable[[float], None] = time.sleep
    """How to wait out a delay (a manual clock advances instead of sleeping)."""
    pacer: Callable[[dict[str, Any]], float] | None = None
    """Seconds to wait before an event, asked as it comes (when ``delays`` is empty)."""
    on_abandon: Callable[[], None] | None = None
    """Called when the reader goes away (or stalls) before the last event was taken."""


def _block_events(
    index: int, block: dict[str, Any], settings: StreamSettings
) -> Iterator[dict[str, Any]]:
    if "text" in block:
        for piece in settings.pieces(block["text"]):
            yield {"contentBlockDelta": {"contentBlockIndex": index, "delta": {"text": piece}}}
    elif "toolUse" in block:
        tool_use = block["toolUse"]
        start = {"toolUseId": tool_use["toolUseId"], "name": tool_use["name"]}
        yield {"contentBlockStart": {"contentBlockIndex": index, "start": {"toolUse": start}}}
        fragments = ["", *tokenize(json.dumps(tool_use.get("input", {})))]
        for fragment in fragments:
            delta = {"toolUse": {"input": fragment}}
            yield {"contentBlockDelta": {"contentBlockIndex": index, "delta": delta}}
    elif "citationsContent" in block:
        cited = block["citationsContent"]
        for part in cited.get("content", []):
            for piece in settings.pieces(str(part.get("text", ""))):
                yield {"contentBlockDelta": {"contentBlockIndex": index, "delta": {"text": piece}}}
        for citation in cited.get("citations", []):
            delta = {"citation": citation}
            yield {"contentBlockDelta": {"contentBlockIndex": index, "delta": delta}}
    elif "redactedContent" in block.get("reasoningContent", {}):
        delta = {
            "reasoningContent": {"redactedContent": block["reasoningContent"]["redactedContent"]}
        }
        yield {"contentBlockDelta": {"contentBlockIndex": index, "delta": delta}}
    elif "reasoningContent" in block:
        reasoning = block["reasoningContent"].get("reasoningText", {})
        for piece in settings.pieces(reasoning.get("text", "")):
            delta = {"reasoningContent": {"text": piece}}
            yield {"contentBlockDelta": {"contentBlockIndex": index, "delta": delta}}
        if reasoning.get("signature"):
            delta = {"reasoningContent": {"signature": reasoning["signature"]}}
            yield {"contentBlockDelta": {"contentBlockIndex": index, "delta": delta}}
    yield {"contentBlockStop": {"contentBlockIndex": index}}


def iter_converse_stream_events(
    result: InferenceResult,
    additional_fields: dict[str, Any] | None,
    settings: StreamSettings,
    trace: dict[str, Any] | None = None,
    empty_text_first: bool = False,
) -> Iterator[dict[str, Any]]:
    """The ConverseStream events for ``result``, made one at a time as they are taken.

    ``trace`` (a prompt router's) joins the result's own (a guardrail's) in the metadata.
    ``empty_text_first``: the stream opens with an empty text block (delta ``""``, then its
    stop) before the result's blocks, which follow at the next indexes, as gpt-oss streams do.
    """
    yield {"messageStart": {"role": "assistant"}}
    if empty_text_first:  # one empty delta, then the block's stop
        yield {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": ""}}}
        yield {"contentBlockStop": {"contentBlockIndex": 0}}
    for index, block in enumerate(result.content, start=int(empty_text_first)):
        yield from _block_events(index, block, settings)
    stop: dict[str, Any] = {"stopReason": result.stop_reason}
    if additional_fields is not None:
        stop["additionalModelResponseFields"] = additional_fields
    yield {"messageStop": stop}
    metadata: dict[str, Any] = {"usage": result.usage, "metrics": {"latencyMs": result.latency_ms}}
    joined = {**(trace or {}), **(result.trace or {})}
    if joined:
        metadata["trace"] = joined
    yield {"metadata": metadata}


def converse_stream_events(
    result: InferenceResult,
    additional_fields: dict[str, Any] | None,
    settings: StreamSettings,
    trace: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The ConverseStream events for ``result``, each a one-key ``{event: body}`` mapping."""
    return list(iter_converse_stream_events(result, additional_fields, settings, trace))


class Pacer:
    """Seconds to wait before each event, asked in order: the time to first token before
    the first delta, then each delta's tokens at ``tokens_per_second``."""

    def __init__(
        self, settings: StreamSettings, delta_text: Callable[[dict[str, Any]], str | None]
    ) -> None:
        self.settings = settings
        self.delta_text = delta_text
        self.first = True

    @property
    def sleeps(self) -> bool:
        """Whether any event waits at all."""
        return bool(self.settings.timed and self.settings.sleep)

    def __call__(self, event: dict[str, Any]) -> float:
        if not self.sleeps:
            return 0.0
        text = self.delta_text(event)
        if text is None:
            return 0.0
        if self.first:
            self.first = False
            return (self.settings.time_to_first_token_ms or 0) / 1000
        if self.settings.tokens_per_second:
            return count_tokens(text) / self.settings.tokens_per_second
        return 0.0


def converse_delta_text(event: dict[str, Any]) -> str | None:
    """The text a ConverseStream event carries, or None if it is not a delta."""
    delta = event.get("contentBlockDelta", {}).get("delta")
    if delta is None:
        return None
    if "text" in delta:
        return str(delta["text"])
    if "toolUse" in delta:
        return str(delta["toolUse"]["input"])
    return str(delta.get("reasoningContent", {}).get("text", ""))
