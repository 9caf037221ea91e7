"""What every reply goes through after its responder: limits, usage and timing.

This is where a reply starts behaving like a model's output: ``maxTokens`` truncates it
(stopReason ``max_tokens``), a stop sequence ends it (``stop_sequence``), and token usage,
prompt-cache accounting and the reported latency are computed, all with the tokenizer in
``moto_bedrock.generation.tokens``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from ..catalog.caching import minimum_cache_tokens
from .framing import Framing, framing_for, framing_tokens
from .images import image_size
from .pdf_text import pdf_text
from .responders import Invocation, Reply
from .tokens import count_tokens, truncate_tokens

__all__ = ["InferenceResult", "PromptCache", "finish", "input_token_count", "tool_tokens"]

# An image is charged a flat amount where the model's image pricing is not known (or the
# image's size cannot be read): about what Nova 1, Llama 4 and Pixtral report for a ~600 px
# image. Claude and Nova 2 charge (width * height) / 750 tokens, read from the image's PNG
# or JPEG header, after scaling its long edge to 1,568 px (Anthropic's vision guide; a
# 597x566 JPEG costs 451 on Sonnet 4.5 and Nova 2 Lite: pydantic/pydantic-ai tests/models/
# cassettes/test_multimodal_tool_returns/*-image-bedrock_claude.yaml and ..._nova.yaml).
IMAGE_TOKENS = 1600
# A 1x1 image still costs a few tokens on Claude 3.5 Sonnet: 18 and 19 for short questions
# that cost 12 and 15 without it (Arize-ai/openinference js/packages/
# openinference-instrumentation-bedrock/test/recordings/
# should-handle-different-image-formats-with-correct-mime-types.json and
# should-handle-multi-modal-messages-with-images.json).
_MIN_IMAGE_TOKENS = 5
_IMAGE_EDGE = 1568
_PIXELS_PER_TOKEN = 750
AUDIO_BYTES_PER_TOKEN = 2560


@dataclass
class InferenceResult:
    """A finished reply: content, why it stopped, usage and the latency we report."""

    content: list[dict[str, Any]]
    stop_reason: str
    usage: dict[str, int]
    latency_ms: int
    first_byte_ms: int
    stop_sequence: str | None = None
    trace: dict[str, Any] | None = None
    """Converse's ``trace`` (``{"guardrail": ...}``) when a guardrail traced the call."""

    def additional_response_fields(self, paths: list[str]) -> dict[str, Any]:
        """The native response fields that ``additionalModelResponseFieldPaths`` select.

        Only ``/stop_sequence`` (Anthropic's field) is modeled; pointers to fields the
        native response lacks are ignored, as Bedrock does.
        """
        native = {"stop_sequence": self.stop_sequence}
        return {p[1:]: native[p[1:]] for p in paths if p[1:] in native}


class PromptCache:
    """Prefixes seen before a ``cachePoint``: the first call writes, later calls read."""

    def __init__(self) -> None:
        self._prefixes: set[str] = set()
        self._sizes: dict[str, int] = {}

    def hit(self, key: str) -> bool:
        """Whether ``key`` was cached already; caches it if not."""
        if key in self._prefixes:
            return True
        self._prefixes.add(key)
        return False

    def size(self, key: str) -> int | None:
        """The tokens ``key``'s prefix had when it was cached, or None if it was not."""
        return self._sizes.get(key)

    def add(self, key: str, size: int) -> None:
        self._prefixes.add(key)
        self._sizes.setdefault(key, size)

    def clear(self) -> None:
        self._prefixes.clear()
        self._sizes.clear()


_PLAIN = Framing()
_TEXT_FORMATS = frozenset({"txt", "md", "csv", "html"})
_PDF_PAGE = re.compile(rb"/Type\s*/Page\b")
_UNREAD_PDF_PAGE = 40


def _document_tokens(document: dict[str, Any], template: Framing, pages: bool = False) -> int:
    """A document's tokens: its text, the text a PDF shows, or an estimate; with ``pages``,
    a PDF is also read as page images where the model does (``Framing.pdf_page``).

    Models read the text Bedrock extracts, not the file: a 13 KB PDF showing one line costs
    about 60 tokens on Claude 3.7 Sonnet (pydantic/pydantic-ai tests/models/cassettes/
    test_bedrock/test_bedrock_multiple_documents_in_history.yaml: 145 for two of them).
    """
    source = document.get("source") or {}
    wrapper = count_tokens(str(document.get("name", ""))) + template.document
    if isinstance(source.get("text"), str):
        return count_tokens(source["text"]) + wrapper
    document_format = str(document.get("format", ""))
    if template.pdf_page and document_format == "pdf":
        # Read as pages in a message; in a tool result, what it holds is not read at all
        # (Claude Sonnet 4.5 reports the same 630 for a one-line PDF and a page of text).
        return (_pdf_page_tokens(source, template) if pages else 0) + wrapper
    data = source.get("bytes", b"")
    if isinstance(data, str):
        try:
            data = base64.b64decode(data, validate=True)
        except ValueError:
            data = data.encode()
    if not isinstance(data, bytes):
        return 1
    text = _extracted(data, document_format)
    if text is not None:
        return count_tokens(text) + wrapper
    if document_format == "pdf":
        # Text we cannot read (fonts with their own encodings): a short page's worth each.
        return _pdf_pages(data) * _UNREAD_PDF_PAGE + wrapper
    # Four bytes a token: a fair average for the text of office documents.
    return max(1, len(data) // 4)


def _pdf_pages(data: bytes) -> int:
    return max(1, len(_PDF_PAGE.findall(data)))


def _pdf_page_tokens(source: dict[str, Any], template: Framing) -> int:
    """A PDF read as page images (and its text, where the model reads both)."""
    data = _decoded(source.get("bytes"))
    if data is None:
        # An S3 object we cannot read: one page.
        return template.pdf_page
    text = _extracted(data, "pdf") if template.pdf_text else None
    return _pdf_pages(data) * template.pdf_page + (count_tokens(text) if text else 0)


def _decoded(data: Any) -> bytes | None:
    if isinstance(data, str):
        try:
            return base64.b64decode(data, validate=True)
        except ValueError:
            return None
    return data if isinstance(data, bytes) else None


def _extracted(data: bytes, document_format: str) -> str | None:
    if document_format in _TEXT_FORMATS:
        return data.decode("utf-8", "replace")
    return pdf_text(data) if document_format == "pdf" else None


def _image_tokens(image: dict[str, Any]) -> int:
    data = _decoded((image.get("source") or {}).get("bytes"))
    size = image_size(data) if data is not None else None
    if size is None:
        return IMAGE_TOKENS
    scale = min(1.0, _IMAGE_EDGE / max(size))
    pixels = size[0] * scale * size[1] * scale
    return max(_MIN_IMAGE_TOKENS, min(IMAGE_TOKENS, math.ceil(pixels / _PIXELS_PER_TOKEN)))


def _block_tokens(
    block: dict[str, Any], template: Framing = _PLAIN, in_message: bool = False
) -> int:
    """A content block's tokens under the model's ``template`` (images priced by size on
    Claude and Nova 2, PDFs as pages where the model reads them so); ``in_message`` for a
    block of a message itself, not of a tool result."""
    if "text" in block:
        return count_tokens(block["text"])
    if "image" in block:
        return _image_tokens(block["image"]) if template.pixel_images else IMAGE_TOKENS
    if "toolUse" in block:
        tool_use = block["toolUse"]
        return count_tokens(tool_use.get("name", "")) + count_tokens(
            json.dumps(tool_use.get("input"), sort_keys=True)
        )
    if "toolResult" in block:
        content = block["toolResult"].get("content", [])
        return sum(_block_tokens(part, template) for part in content)
    if "json" in block:
        return count_tokens(json.dumps(block["json"], sort_keys=True))
    if "document" in block:
        return _document_tokens(block["document"], template, in_message)
    if "video" in block:
        # Not decoded: what a short clip costs (docs/tokens.md).
        return template.video
    if "audio" in block:
        data = block["audio"].get("source", {}).get("bytes", b"")
        # Voxtral's rate, 12.5 tokens a second, read as 16 kHz 16-bit mono (2,560 bytes a
        # token); audio is not decoded, so this is an approximation (unverified for Bedrock).
        return max(1, len(data) // AUDIO_BYTES_PER_TOKEN) if isinstance(data, bytes) else 1
    if "citationsContent" in block:
        parts = block["citationsContent"].get("content", [])
        return sum(count_tokens(str(p.get("text", ""))) for p in parts if isinstance(p, dict))
    if "reasoningContent" in block:
        redacted = block["reasoningContent"].get("redactedContent")
        if isinstance(redacted, (bytes, str)):
            return max(1, len(redacted) // 4)
        return count_tokens(block["reasoningContent"].get("reasoningText", {}).get("text", ""))
    if "guardContent" in block:
        return count_tokens(block["guardContent"].get("text", {}).get("text", ""))
    return 0


def _schema_words(value: Any, words: list[str], budget: list[int]) -> None:
    # Keys and scalar values only: models read a schema as text, not as JSON punctuation.
    budget[0] -= 1
    if budget[0] < 0:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            words.append(str(key))
            _schema_words(item, words, budget)
    elif isinstance(value, list):
        for item in value:
            _schema_words(item, words, budget)
    elif value is not None and not isinstance(value, bool):
        words.append(str(value))


def tool_tokens(tool: dict[str, Any]) -> int:
    """What a tool definition costs: its name, description and the words of its schema."""
    if "cachePoint" in tool:
        return 0
    spec = tool.get("toolSpec") or tool.get("systemTool") or {}
    if not isinstance(spec, dict):
        return 0
    words: list[str] = [str(spec.get("name", "")), str(spec.get("description") or "")]
    _schema_words((spec.get("inputSchema") or {}).get("json"), words, [10_000])
    return count_tokens(" ".join(w for w in words if w))


def _prompt_parts(invocation: Invocation) -> list[tuple[int, bool, Any]]:
    """(tokens, is_cache_point, part) for each prompt part, in the order models read them.

    The first part is the model's own template around the prompt (``generation.framing``).
    """
    model = invocation.model
    template = framing_for(model.family, model.model_id)
    framing = framing_tokens(
        model.family,
        len(invocation.messages),
        bool(invocation.system),
        invocation.tool_config,
        model.model_id,
    )
    if not invocation.templated:
        framing = 0
    fields = invocation.additional_request_fields or {}
    thinking = fields.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        framing += template.thinking
    if template.no_reasoning and invocation.templated and not fields.get("reasoning_config"):
        framing += template.no_reasoning
    text_format = (invocation.output_config or {}).get("textFormat")
    if template.structured and isinstance(text_format, dict):
        framing += template.structured + _format_tokens(text_format)
    parts: list[tuple[int, bool, Any]] = [(framing, False, "framing")]
    scale = template.text_scale
    for tool in (invocation.tool_config or {}).get("tools", []):
        parts.append((_scaled(tool_tokens(tool), scale), "cachePoint" in tool, tool))
    blocks = [(block, True) for block in invocation.system]
    latest = 0 if template.past_reasoning else _latest_user_text(invocation.messages)
    for index, message in enumerate(invocation.messages):
        content = message.get("content", [])
        if index < latest:
            content = _without_reasoning(content, template)
        blocks.extend((block, True) for block in content)
    for block, in_message in blocks:
        tokens = _block_tokens(block, template, in_message)
        plain = "image" in block or "video" in block or ("document" in block and template.pdf_page)
        parts.append((tokens if plain else _scaled(tokens, scale), "cachePoint" in block, block))
    return parts


def _latest_user_text(messages: list[dict[str, Any]]) -> int:
    """Index of the latest user message that is not only tool results (0 if none)."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        content = message.get("content", [])
        if message.get("role") == "user" and any("toolResult" not in b for b in content):
            return index
    return 0


def _without_reasoning(content: list[dict[str, Any]], template: Framing) -> list[dict[str, Any]]:
    """An earlier turn's blocks as the template reads them again: without reasoning blocks
    and, where ``think_tags``, without the text up to the last ``</think>`` (the template
    joins the turn's text, then keeps what follows it)."""
    kept = [block for block in content if "reasoningContent" not in block]
    if not template.think_tags:
        return kept
    closes = [i for i, b in enumerate(kept) if "</think>" in str(b.get("text", ""))]
    if not closes:
        return kept
    last = closes[-1]
    tail = {**kept[last], "text": kept[last]["text"].rsplit("</think>", 1)[1]}
    return [b for b in kept[:last] if "text" not in b] + [tail, *kept[last + 1 :]]


def _format_tokens(text_format: dict[str, Any]) -> int:
    """What a structured-output schema costs: its name and its JSON text."""
    spec = (text_format.get("structure") or {}).get("jsonSchema") or {}
    if not isinstance(spec, dict):
        return 0
    schema = spec.get("schema")
    text = schema if isinstance(schema, str) else json.dumps(schema)
    return count_tokens(str(spec.get("name", ""))) + count_tokens(text)


def _scaled(tokens: int, scale: float) -> int:
    return tokens if scale == 1.0 else math.ceil(tokens * scale)


def input_token_count(invocation: Invocation) -> int:
    """All input tokens of an invocation, cached or not; for CountTokens, what it reports."""
    total = sum(tokens for tokens, _, _ in _prompt_parts(invocation))
    if invocation.operation == "CountTokens":
        total += framing_for(invocation.model.family, invocation.model.model_id).counting
    return total


def _prefix_key(invocation: Invocation, prefix: list[tuple[int, bool, dict[str, Any]]]) -> str:
    key = json.dumps(
        [invocation.model.model_id, [part for _, _, part in prefix]],
        sort_keys=True,
        default=lambda v: base64.b64encode(v).decode() if isinstance(v, bytes) else repr(v),
    )
    return hashlib.sha256(key.encode()).hexdigest()


def _ttl(block: dict[str, Any]) -> str:
    point = block.get("cachePoint")
    ttl = point.get("ttl") if isinstance(point, dict) else None
    return ttl if ttl in ("5m", "1h") else "5m"


def _large_enough(
    invocation: Invocation, parts: list[tuple[int, bool, Any]], points: list[int]
) -> list[int]:
    """The checkpoints whose whole prefix holds at least the model's minimum of tokens.

    The whole prefix, not the part since the previous checkpoint: a recorded second turn
    (test_bedrock_cache_messages_with_document_as_last_content.yaml) writes a 236-token
    extension past a 1,712-token prefix on Sonnet 4.5, whose minimum is 1,024.
    """
    minimum = minimum_cache_tokens(invocation.model.model_id)
    return [p for p in points if sum(tokens for tokens, _, _ in parts[:p]) >= minimum]


def _usage(invocation: Invocation, output_tokens: int, cache: PromptCache) -> dict[str, Any]:
    """Token usage, with prompt caching as Bedrock counts it.

    Every cache point caches the prefix before it. A request reads the longest prefix an
    earlier request cached (so turn 2 of a conversation reads what turn 1 wrote) and writes
    the rest, up to its last cache point. As recorded: pydantic/pydantic-ai tests/models/
    cassettes/test_bedrock/test_bedrock_cache_messages_with_document_as_last_content.yaml
    (turn 1 writes 1712; turn 2 reads 1712 and writes 236). Claude also reports the written
    tokens by TTL in ``cacheDetails``. A checkpoint that adds fewer tokens than the model's
    minimum (``catalog/prompt_cache.json``: 1,024 for most Claude models) is neither written
    nor read, and the request reports zeros, as Bedrock's prompt-caching guide says.
    """
    parts = _prompt_parts(invocation)
    total_input = sum(tokens for tokens, _, _ in parts)
    usage: dict[str, Any] = {"inputTokens": total_input, "outputTokens": output_tokens}
    points = [i for i, (_, is_point, _) in enumerate(parts) if is_point]
    if points:
        usage["cacheReadInputTokens"] = usage["cacheWriteInputTokens"] = 0
        points = _large_enough(invocation, parts, points)
    if points:
        sizes = [sum(tokens for tokens, _, _ in parts[:point]) for point in points]
        keys = [_prefix_key(invocation, parts[:point]) for point in points]
        # A prefix reads as many tokens as it had when written (the template around the
        # prompt grows with the conversation; the cached part does not).
        hits = [cache.size(key) for key in keys]
        read = min(max((size for size in hits if size is not None), default=0), sizes[-1])
        written: dict[str, int] = {}
        before = read
        for point, size, key in zip(points, sizes, keys, strict=True):
            if size > before:
                ttl = _ttl(parts[point][2])
                written[ttl] = written.get(ttl, 0) + size - before
                before = size
            cache.add(key, size)
        usage["inputTokens"] = total_input - sizes[-1]
        usage["cacheReadInputTokens"] = read
        usage["cacheWriteInputTokens"] = sizes[-1] - read
        if invocation.model.family == "anthropic" and written:
            usage["cacheDetails"] = [
                {"ttl": ttl, "inputTokens": written[ttl]} for ttl in ("1h", "5m") if ttl in written
            ]
    usage["totalTokens"] = (
        usage["inputTokens"]
        + output_tokens
        + usage.get("cacheReadInputTokens", 0)
        + usage.get("cacheWriteInputTokens", 0)
    )
    return usage


def _apply_limits(
    reply: Reply, max_tokens: int, stop_sequences: list[str]
) -> tuple[list[dict[str, Any]], str, str | None, int]:
    """Cut the reply at the first stop sequence or the token budget, whichever is first."""
    budget = max_tokens
    content: list[dict[str, Any]] = []
    for block in reply.content:
        thought = block.get("reasoningContent", {}).get("reasoningText")
        if isinstance(thought, dict) and isinstance(thought.get("text"), str):
            # A model cut short mid-thought keeps the part of its reasoning it wrote.
            kept, cut = truncate_tokens(thought["text"], budget)
            if cut:
                partial = {**block["reasoningContent"], "reasoningText": {**thought, "text": kept}}
                content.append({**block, "reasoningContent": partial})
                return content, "max_tokens", None, max_tokens
        if "text" not in block:
            cost = _block_tokens(block)
            if cost > budget:
                return content, "max_tokens", None, max_tokens - budget
            budget -= cost
            content.append(block)
            continue
        text: str = block["text"]
        hits = [(text.find(s), s) for s in stop_sequences if s and s in text]
        stop_at, matched = min(hits) if hits else (len(text), None)
        kept, cut = truncate_tokens(text[:stop_at], budget)
        used = count_tokens(kept)
        if cut:
            content.append({**block, "text": kept})
            return content, "max_tokens", None, max_tokens - budget + used
        if matched is not None:
            content.append({**block, "text": kept})
            return content, "stop_sequence", matched, max_tokens - budget + used
        content.append(block)
        budget -= used
    return content, reply.stop_reason, None, max_tokens - budget


def _first_byte_ms(input_tokens: int) -> int:
    # A plausible, deterministic figure: ~200 ms to first token, more for long prompts.
    return 200 + input_tokens // 20


def _latency_ms(input_tokens: int, output_tokens: int) -> int:
    # Then ~80 output tokens a second.
    return _first_byte_ms(input_tokens) + (output_tokens * 1000) // 80


def finish(
    invocation: Invocation, reply: Reply, max_tokens: int, cache: PromptCache
) -> InferenceResult:
    """Apply the model's limits to ``reply`` and account for it."""
    stop_sequences = list(invocation.inference_config.get("stopSequences") or [])
    content, stop_reason, matched, output_tokens = _apply_limits(reply, max_tokens, stop_sequences)
    usage = _usage(invocation, output_tokens, cache)
    if reply.usage:
        # A scripted reply may state its own counts; the total stays consistent.
        usage.update(reply.usage)
        usage["totalTokens"] = (
            usage["inputTokens"]
            + usage["outputTokens"]
            + usage.get("cacheReadInputTokens", 0)
            + usage.get("cacheWriteInputTokens", 0)
        )
    latency = _latency_ms(usage["inputTokens"], output_tokens)
    first_byte = _first_byte_ms(usage["inputTokens"])
    return InferenceResult(content, stop_reason, usage, latency, first_byte, matched)
