"""Qwen 3 (``qwen.qwen3-*``, including the VL models) on InvokeModel.

Bedrock serves Qwen in the OpenAI chat-completion shape (:mod:`._chat`); images
(``image_url`` data URIs) are accepted where the catalog says the model takes them, and
reasoning comes back as ``message.reasoning_content``. Qwen's own extra keys beyond
OpenAI's are not on record for Bedrock (unverified), so only ``top_k`` is added.
"""

from __future__ import annotations

from ._chat import ChatCodec, Dialect, delta_text, text_of

__all__ = ["delta_text", "parse_request", "render_response", "render_stream", "text_of"]

_codec = ChatCodec(Dialect(extra_keys=("top_k",)))
parse_request = _codec.parse_request
render_response = _codec.render_response
render_stream = _codec.render_stream
