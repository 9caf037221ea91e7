"""OpenAI gpt-oss (``openai.gpt-oss-20b-1:0``, ``openai.gpt-oss-120b-1:0``) on InvokeModel.

The body is OpenAI's chat-completion request (AWS page "OpenAI models"); ``reasoning_effort``
(``low``/``medium``/``high``) is accepted and reasoning, when a reply has any, comes before
the text inside ``<reasoning>…</reasoning>``. Shapes and checks: :mod:`._chat`.
"""

from __future__ import annotations

from ._chat import ChatCodec, Dialect, delta_text, text_of

__all__ = ["delta_text", "parse_request", "render_response", "render_stream", "text_of"]

# gpt-oss is text-only on Bedrock ("These models support only text input and output").
_codec = ChatCodec(Dialect(extra_keys=("reasoning_effort",), media=(), reasoning_tags=True))
parse_request = _codec.parse_request
render_response = _codec.render_response
render_stream = _codec.render_stream
