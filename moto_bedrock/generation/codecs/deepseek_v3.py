"""DeepSeek V3.1 (``deepseek.v3-*``) on InvokeModel.

Unlike DeepSeek R1 (prompt in, ``choices[].text`` out: :mod:`.deepseek`), V3.1 takes chat
``messages`` and answers in the OpenAI chat-completion shape (:mod:`._chat`), with any
reasoning as ``message.reasoning_content``. Text only. The exact V3.1 key set beyond
OpenAI's is not on record (unverified).
"""

from __future__ import annotations

from ._chat import ChatCodec, Dialect, delta_text, text_of

__all__ = ["delta_text", "parse_request", "render_response", "render_stream", "text_of"]

_codec = ChatCodec(Dialect(media=()))
parse_request = _codec.parse_request
render_response = _codec.render_response
render_stream = _codec.render_stream
