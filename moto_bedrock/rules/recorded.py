"""Per-family rules learned from recorded Bedrock traffic (``docs/conformance.md``).

Each ``*_violation`` is one rule of ``moto_bedrock.rules``: Bedrock's text, or None. They
are keyed by family or model-id pattern in code, because the catalog's capability flags
cannot say them. Sources are cited per rule.
"""

from __future__ import annotations

import re
from typing import Any

from ..catalog import FoundationModel
from ..generation.responders import Invocation
from .conversation import media_blocks

__all__ = [
    "NO_S3_URI",
    "message_role_violation",
    "s3_source_violation",
    "streams",
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


def streams(model: FoundationModel) -> bool:
    """Whether the model answers ConverseStream and InvokeModelWithResponseStream."""
    return model.response_streaming_supported or bool(
        _STREAMS_DESPITE_CATALOG.match(model.model_id)
    )


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
    if invocation.model.family != "anthropic":
        return None
    for kind, _, body in media_blocks(invocation.messages):
        if kind == "image" and _has_s3(body):
            return NO_S3_URI
    return None
