"""Per-family rules learned from recorded Bedrock traffic (``docs/conformance.md``).

Each ``*_violation`` is one rule of ``moto_bedrock.rules``: Bedrock's text, or None. They
are keyed by family or model-id pattern in code, because the catalog's capability flags
cannot say them. Sources are cited per rule.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from ..catalog import FoundationModel
from ..generation.codecs.anthropic import EMPTY_ERROR_RESULT
from ..generation.responders import Invocation
from .conversation import media_blocks

__all__ = [
    "CACHE_POINT_AFTER_REASONING",
    "NOTHING_TO_CACHE",
    "NO_S3_URI",
    "cache_point_placement_violation",
    "cache_point_prefix_violation",
    "empty_error_result_violation",
    "message_role_violation",
    "nova_tool_schema_violation",
    "opens_with_empty_text",
    "s3_source_violation",
    "streams",
    "turn_mixing_violation",
]

# Claude refuses media with an S3 source, in a message or in a tool result: pydantic/pydantic-ai
# tests/models/cassettes/test_multimodal_tool_returns/
# test_multimodal_tool_return_matrix[direct-uploaded_file-image-bedrock_claude].yaml (2026).
NO_S3_URI = "This model doesn't support the s3Uri field. Remove s3Uri and try again."

# Llama 4 streams (ConverseStream answers; only tools in a stream are refused):
# earendil-works/pi#3739 and vercel-labs/fx#900 (2026) quote "This model doesn't support tool
# use in streaming mode." for Maverick and Scout, never "unsupported for streaming".
_STREAMS_DESPITE_CATALOG = re.compile(r"meta\.llama4-")

_ROLES = ("user", "assistant")

# Claude refuses a cache point right after a reasoning block: anomalyco/opencode#36517 and
# strands-agents/harness-sdk#1820 (Claude Sonnet 4.6 with extended thinking, 2026).
CACHE_POINT_AFTER_REASONING = (
    "Cache point cannot be inserted after reasoning block. "
    "Please remove the invalid cache point and try again."
)

# The families whose turns hold either conversation blocks or tool blocks, never both:
# "messages.2.content: Conversation blocks and tool result blocks cannot be provided in the
# same turn." (browser-use/browser-use#710, Llama 3.3 and Mistral Large, 2025) and "...tool
# use blocks..." (langchain-ai/langchain-aws#274, Meta, 2024; quarkiverse/quarkus-langchain4j
# #1983, 2025). Claude, Nova (1 and 2) and Kimi take both in one turn (pydantic-ai cassettes).
_SEPARATE_TOOL_TURNS = ("llama", "mistral", "mistral-chat")

# A cache point with no block before it in its own list: "[cachePoint, text] ->
# ValidationException: There is nothing available to cache." (strands-agents/harness-sdk
# #3677, live on Claude Sonnet 4.5, 2026-08; the rule is per message, earlier turns do not
# count). Bedrock's own wording, not the model's, so it is applied to every family; that
# ``system`` and ``toolConfig.tools`` follow the same rule is inferred.
NOTHING_TO_CACHE = "There is nothing available to cache."

# Nova's tool schemas refuse ``definitions``: "The model returned the following errors:
# Malformed input request: #/toolConfig/tools/1/toolSpec/inputSchema/json: extraneous key
# [definitions] is not permitted, ..." (zed-industries/zed#31815, Nova Premier, 2025-05).
_NOVA_SCHEMA_REFUSED = ("definitions",)
_TOOL_BLOCKS = {"toolResult": "tool result", "toolUse": "tool use"}
_TOOL_RESULT_MEDIA = ("document", "video")


def streams(model: FoundationModel) -> bool:
    """Whether the model answers ConverseStream and InvokeModelWithResponseStream."""
    return model.response_streaming_supported or bool(
        _STREAMS_DESPITE_CATALOG.match(model.model_id)
    )


def opens_with_empty_text(model: FoundationModel) -> bool:
    """gpt-oss ConverseStream answers open with an empty text block before the reasoning.

    Recorded: pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
    test_bedrock_model_stream_empty_text_delta.yaml (gpt-oss-120b, 2026): delta ``""`` at
    index 0 and its stop, reasoning at 1, the answer at 2. Converse itself has no such block.
    """
    return model.model_id.startswith("openai.gpt-oss-")


def message_role_violation(invocation: Invocation) -> str | None:
    """Only ``user`` and ``assistant`` are message roles, whatever botocore's enum allows.

    botocore's model lists ``system`` too; Bedrock answers the enum error with a 1-based
    index (quoted in awslabs issue tables and gateway code: "Value 'system' at
    'messages.1.member.role' failed to satisfy constraint: Member must satisfy enum value
    set: [user, assistant]").
    """
    for index, message in enumerate(invocation.messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in _ROLES:
            return (
                f"1 validation error detected: Value '{role}' at 'messages.{index + 1}.member."
                "role' failed to satisfy constraint: Member must satisfy enum value set: "
                "[user, assistant]"
            )
    return None


def _has_s3(body: dict[str, Any]) -> bool:
    source = body.get("source")
    return isinstance(source, dict) and "s3Location" in source


def s3_source_violation(invocation: Invocation) -> str | None:
    """Media with an S3 source where the model refuses it (recorded per family).

    Claude: an image answers :data:`NO_S3_URI`; a document answers the Anthropic schema's
    "source.type: Field required" (pydantic/pydantic-ai tests/models/cassettes/
    test_multimodal_tool_returns/test_multimodal_tool_return_matrix[tool_return_content-
    uploaded_file-document-bedrock_claude].yaml, 2026). Nova 2: a document or video inside
    a toolResult fails Nova's own schema (the ``[direct-uploaded_file-document/video-
    bedrock_nova2]`` cassettes, 2026).
    """
    family = invocation.model.family
    nova_2 = invocation.model.model_id.startswith("amazon.nova-2-")
    for kind, path, body in media_blocks(invocation.messages):
        if not _has_s3(body):
            continue
        if family == "anthropic" and kind == "image":
            return NO_S3_URI
        if family == "anthropic" and kind == "document" and "toolResult" not in path:
            return f"The model returned the following errors: {path}.document.source.type: Field required"
        if nova_2 and kind in _TOOL_RESULT_MEDIA and "toolResult" in path:
            where = "/".join(path.split(".toolResult")[0].split("."))
            return (
                "The model returned the following errors: Malformed input request: "
                f"#/{where}: extraneous key [toolResult] is not permitted, please reformat "
                "your input and try again."
            )
    return None


def turn_mixing_violation(invocation: Invocation) -> str | None:
    """Llama and Mistral: a turn holds conversation blocks or tool blocks, not both."""
    if invocation.model.family not in _SEPARATE_TOOL_TURNS:
        return None
    for index, message in enumerate(invocation.messages):
        content = message.get("content") if isinstance(message, dict) else None
        kinds = {next(iter(b)) for b in content or [] if isinstance(b, dict) and b}
        for block, words in _TOOL_BLOCKS.items():
            if block in kinds and kinds - set(_TOOL_BLOCKS):
                return (
                    f"messages.{index}.content: Conversation blocks and {words} blocks cannot "
                    "be provided in the same turn."
                )
    return None


def empty_error_result_violation(invocation: Invocation) -> str | None:
    """Claude: a toolResult with status ``error`` must carry content.

    Anthropic's text, quoted from Bedrock for Claude Sonnet 4.5 on the native body (an
    agent benchmark's failure analysis: "messages.14.content.0.tool_result: content cannot
    be empty if `is_error` is true"); on Converse it is wrapped as the model's error, as
    Claude's other schema texts are (the wrapping is inferred, unverified).
    """
    if invocation.model.family != "anthropic":
        return None
    for index, message in enumerate(invocation.messages):
        content = message.get("content") if isinstance(message, dict) else None
        for position, block in enumerate(content or []):
            result = block.get("toolResult") if isinstance(block, dict) else None
            if (
                isinstance(result, dict)
                and result.get("status") == "error"
                and not result.get("content")
            ):
                text = EMPTY_ERROR_RESULT.format(index=index, position=position)
                return f"The model returned the following errors: {text}"
    return None


def cache_point_placement_violation(invocation: Invocation) -> str | None:
    """Claude: a ``cachePoint`` may not directly follow a ``reasoningContent`` block."""
    if invocation.model.family != "anthropic":
        return None
    for message in invocation.messages:
        content = message.get("content") if isinstance(message, dict) else None
        blocks = [b for b in content or [] if isinstance(b, dict)]
        for before, block in pairwise(blocks):
            if "cachePoint" in block and "reasoningContent" in before:
                return CACHE_POINT_AFTER_REASONING
    return None


def cache_point_prefix_violation(invocation: Invocation) -> str | None:
    """A ``cachePoint`` first in a message's content, in ``system`` or in the tools."""
    lists = [message.get("content") for message in invocation.messages if isinstance(message, dict)]
    lists += [invocation.system, (invocation.tool_config or {}).get("tools")]
    for blocks in lists:
        if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict):
            first: dict[str, Any] = blocks[0]
            if "cachePoint" in first:
                return NOTHING_TO_CACHE
    return None


def nova_tool_schema_violation(invocation: Invocation) -> str | None:
    """Nova: a tool's JSON schema with a key Nova's validator does not permit."""
    if invocation.model.family != "nova":
        return None
    for index, tool in enumerate((invocation.tool_config or {}).get("tools") or []):
        schema = ((tool.get("toolSpec") or {}).get("inputSchema") or {}).get("json")
        if not isinstance(schema, dict):
            continue
        for key in _NOVA_SCHEMA_REFUSED:
            if key in schema:
                return (
                    "The model returned the following errors: Malformed input request: "
                    f"#/toolConfig/tools/{index}/toolSpec/inputSchema/json: extraneous key "
                    f"[{key}] is not permitted, please reformat your input and try again."
                )
    return None
