"""Mistral's newer chat models (Mistral Large 3, Magistral, Ministral 3, Pixtral) on InvokeModel.

Where Mistral Large 2407 answers ``{"choices": [{"message", "stop_reason"}]}``
(:mod:`.mistral_chat`), the newer models answer in Mistral's current API shape, which is the
OpenAI chat-completion one: ``id``, ``object``, ``created``, ``model``, ``choices`` with
``finish_reason``, and ``usage`` (:mod:`._chat`). Images (``image_url`` data URIs) are
accepted where the catalog says the model takes them. ``safe_prompt``, ``random_seed`` and
``prompt_mode`` are Mistral's own keys; that Bedrock passes them is unverified.
"""

from __future__ import annotations

from ._chat import ChatCodec, Dialect, delta_text, text_of

__all__ = ["delta_text", "parse_request", "render_response", "render_stream", "text_of"]

_codec = ChatCodec(Dialect(extra_keys=("safe_prompt", "random_seed", "prompt_mode")))
parse_request = _codec.parse_request
render_response = _codec.render_response
render_stream = _codec.render_stream
