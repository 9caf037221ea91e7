"""The OpenAI chat-completions body on InvokeModel: gpt-oss and the models served like it.

gpt-oss (``openai.gpt-oss-20b-1:0``, ``openai.gpt-oss-120b-1:0``) takes OpenAI's
chat-completion request (AWS page "OpenAI models"); the catalog puts the other models
Bedrock serves in that format (Gemma 3, Kimi, MiniMax, Nemotron...) in this family too.
``reasoning_effort`` (``low``/``medium``/``high``) is accepted, and reasoning, when a reply
has any, comes before the text inside ``<reasoning>…</reasoning>``. Images (``image_url``
data URIs) only where the catalog says the model takes them (gpt-oss is text only).
Shapes and checks: :mod:`._chat`.
"""

from __future__ import annotations

from ._chat import ChatCodec, Dialect, delta_text, text_of

__all__ = ["delta_text", "parse_request", "render_response", "render_stream", "text_of"]

_codec = ChatCodec(Dialect(extra_keys=("reasoning_effort",), reasoning_tags=True))
parse_request = _codec.parse_request
render_response = _codec.render_response
render_stream = _codec.render_stream
