"""Mistral Voxtral (``mistral.voxtral-*``): the newer Mistral chat body with audio input.

A user message may carry ``{"type": "input_audio", "input_audio": {"data": <base64>,
"format": "wav"}}`` (OpenAI's form) or ``"input_audio": <base64>`` (Mistral's, read as WAV);
each becomes a Converse ``audio`` block. The audio is not transcribed: the reply is the
default responder's, as for any prompt. Formats accepted: ``_chat.AUDIO_FORMATS``; which
formats Bedrock accepts for Voxtral is unverified.
"""

from __future__ import annotations

from ._chat import ChatCodec, Dialect, delta_text, text_of

__all__ = ["delta_text", "parse_request", "render_response", "render_stream", "text_of"]

_codec = ChatCodec(Dialect(extra_keys=("safe_prompt", "random_seed"), media=("input_audio",)))
parse_request = _codec.parse_request
render_response = _codec.render_response
render_stream = _codec.render_stream
