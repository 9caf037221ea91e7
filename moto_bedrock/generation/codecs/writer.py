"""Writer Palmyra X4 / X5 (``writer.palmyra-x4-v1:0``, ``writer.palmyra-x5-v1:0``) on InvokeModel.

Palmyra takes the OpenAI chat-completion body with tools and answers in its shape
(:mod:`._chat`); text only. Writer's extra keys on Bedrock beyond OpenAI's are not on
record (unverified).
"""

from __future__ import annotations

from ._chat import ChatCodec, Dialect, delta_text, text_of

__all__ = ["delta_text", "parse_request", "render_response", "render_stream", "text_of"]

_codec = ChatCodec(Dialect(media=()))
parse_request = _codec.parse_request
render_response = _codec.render_response
render_stream = _codec.render_stream
