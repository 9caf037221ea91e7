"""Per-provider InvokeModel body formats, one small module per family.

Each codec does the same jobs: ``parse_request`` turns the native JSON body into a
Converse-shaped :class:`NativeRequest`; ``render_response`` and ``render_stream`` turn the
shared :class:`~moto_bedrock.inference.InferenceResult` into the native response body and
native stream objects; ``delta_text`` tells the pacing how much text a stream object holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..bedrockruntime.exceptions import ValidationException

__all__ = ["NativeRequest", "codec_for", "malformed"]


@dataclass
class NativeRequest:
    """A native body, translated into the fields Converse would have carried."""

    messages: list[dict[str, Any]]
    system: list[dict[str, Any]]
    inference_config: dict[str, Any]
    tool_config: dict[str, Any] | None = None


def malformed(detail: str) -> ValidationException:
    """Bedrock's JSON-schema style rejection of a native body."""
    return ValidationException(
        f"Malformed input request: {detail}, please reformat your input and try again."
    )


def codec_for(family: str) -> ModuleType | None:
    """The codec module of a model family, or None if that family is not emulated yet."""
    if family == "anthropic":
        from . import anthropic

        return anthropic
    return None
