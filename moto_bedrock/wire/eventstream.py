"""Event-stream frames (``application/vnd.amazon.eventstream``) written directly.

A frame is ``total length (u32) | headers length (u32) | CRC32 of those 8 bytes |
headers | payload | CRC32 of everything before it``, all big-endian; each header is
``name length (u8) | name | type (7: string) | value length (u16) | value``
(https://smithy.io/2.0/aws/amazon-eventstream.html). Bedrock's streams use string headers
only, in a fixed order per event type, so each type's header bytes are built once and a
frame costs two CRCs and a join. The bytes are the ones moto's generic encoder writes
(``tests/test_eventstream_frames.py`` compares them for every event type of every
streaming operation); how a payload's JSON is made is the caller's business.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from zlib import crc32

__all__ = ["EventFramer", "encode_headers", "frame"]

_PRELUDE = struct.Struct("!II")
_CRC = struct.Struct("!I")
_STRING = b"\x07"


def encode_headers(headers: Iterable[tuple[str, str]]) -> bytes:
    """The header block of string-valued ``headers``, in the order given."""
    parts: list[bytes] = []
    for name, value in headers:
        raw_name = name.encode("utf-8")
        raw_value = value.encode("utf-8")
        if len(raw_name) > 0xFF or len(raw_value) > 0xFFFF:
            raise ValueError(f"event-stream header too long: {name!r}")
        parts += (bytes((len(raw_name),)), raw_name, _STRING, struct.pack("!H", len(raw_value)))
        parts.append(raw_value)
    return b"".join(parts)


def frame(headers: bytes, payload: bytes) -> bytes:
    """One event-stream message of the encoded ``headers`` block and ``payload``."""
    prelude = _PRELUDE.pack(len(headers) + len(payload) + 16, len(headers))
    head = prelude + _CRC.pack(crc32(prelude))
    crc = crc32(payload, crc32(headers, crc32(head)))
    return b"".join((head, headers, payload, _CRC.pack(crc)))


#: ``(event type) -> (payload bytes, content type or None)``.
Payload = Callable[[str, Any], tuple[bytes, str | None]]


class EventFramer:
    """Frames of one streaming operation's events: ``:message-type``, then the event or
    exception type, then ``:content-type`` when there is a payload type."""

    def __init__(self, payload: Payload, rewrite: Callable[[bytes], bytes] | None = None) -> None:
        self.payload = payload
        self.rewrite = rewrite
        self._headers: dict[tuple[str, str, str | None], bytes] = {}

    def _head(self, kind: str, name: str, content_type: str | None) -> bytes:
        key = (kind, name, content_type)
        headers = self._headers.get(key)
        if headers is None:
            pairs = [(":message-type", kind), (f":{kind}-type", name)]
            if content_type:
                pairs.append((":content-type", content_type))
            headers = self._headers[key] = encode_headers(pairs)
        return headers

    def event(self, name: str, body: Any) -> bytes:
        """The frame of the ``name`` event whose members are ``body``."""
        payload, content_type = self.payload(name, body)
        if self.rewrite is not None:
            payload = self.rewrite(payload)
        return frame(self._head("event", name, content_type), payload)

    def events(self, events: Iterable[dict[str, Any]]) -> Iterator[bytes]:
        """The frames of one-key ``{event type: body}`` mappings, made as they are drawn."""
        for event in events:
            if len(event) != 1:
                raise ValueError("each event must be a one-key {event type: body} mapping")
            ((name, body),) = event.items()
            yield self.event(name, body)

    def exception(self, name: str, payload: bytes, content_type: str) -> bytes:
        """The frame of the ``name`` exception whose serialized members are ``payload``."""
        return frame(self._head("exception", name, content_type), payload)
