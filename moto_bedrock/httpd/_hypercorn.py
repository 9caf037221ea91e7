"""The one place that relies on hypercorn's, h11's and h2's internals (hypercorn 0.17-0.18,
h11 0.14-0.16, h2 4).

Graceful GOAWAY (:func:`patch_graceful_goaway`). On a client's GOAWAY hypercorn closes the connection at once, and h2 refuses to send on a
connection that received one, so the answers still being written are cut off. RFC 9113
section 6.8 says the streams a GOAWAY does not refuse still complete. The AWS SDK for
JavaScript v3 sends a GOAWAY (NO_ERROR) as soon as a response's headers arrive, so without
this every body it reads is empty or cut short. Here a NO_ERROR GOAWAY received while
streams are open only marks the connection as draining: no new stream can start (the
client said so), the open ones are answered, and the connection closes when the last of
their data is written. ``tests/test_js_sdk.py`` proves it with the SDK's default handler.

One write per small answer (:func:`patch_head_with_body`). hypercorn writes an HTTP/1.1
response's head as soon as the app starts the response, and its first body bytes
separately: two sends, two segments and two wake-ups of the client for every answer. Here
the head waits for the body bytes that follow it (the bridge sends them at once) and goes
out with them, as one write.

Modeled protocol errors (:func:`patch_protocol_errors`). A request h11 cannot parse (a
malformed chunked body, a broken request line) is answered by hypercorn itself, before or
while the app runs, with an empty 400. Here that answer gets the headers and JSON body the
caller gives, so it looks like every other error of the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import h2.events
import h11
from h2.connection import ConnectionState
from hypercorn.events import Closed, RawData
from hypercorn.protocol.events import Body, EndBody, Response
from hypercorn.protocol.h2 import H2Protocol
from hypercorn.protocol.h11 import H11Protocol

__all__ = ["patch_graceful_goaway", "patch_head_with_body", "patch_protocol_errors"]

_DRAINING = "_moto_bedrock_draining"
_patched = False


def patch_graceful_goaway() -> None:
    """Make hypercorn finish open streams after a graceful GOAWAY (idempotent)."""
    global _patched
    if _patched:
        return
    handle_events = H2Protocol._handle_events
    close_stream = H2Protocol._close_stream
    send_data = H2Protocol._send_data

    async def _handle_events(self: Any, events: list[Any]) -> None:
        if self.streams:
            kept = []
            for event in events:
                if isinstance(event, h2.events.ConnectionTerminated) and event.error_code == 0:
                    setattr(self, _DRAINING, True)
                    # h2 moved to CLOSED on receiving it; the open streams may still send.
                    self.connection.state_machine.state = ConnectionState.SERVER_OPEN
                else:
                    kept.append(event)
            events = kept
        await handle_events(self, events)

    async def _close_if_drained(self: Any) -> None:
        if getattr(self, _DRAINING, False) and not self.streams and not self.stream_buffers:
            setattr(self, _DRAINING, False)
            if not self.closed:
                self.connection.close_connection()
                await self._flush()
                await self.send(Closed())

    async def _close_stream(self: Any, stream_id: int) -> None:
        await close_stream(self, stream_id)
        await _close_if_drained(self)

    async def _send_data(self: Any, stream_id: int) -> None:
        await send_data(self, stream_id)
        await _close_if_drained(self)

    H2Protocol._handle_events = _handle_events  # type: ignore[method-assign]
    H2Protocol._close_stream = _close_stream  # type: ignore[method-assign]
    H2Protocol._send_data = _send_data  # type: ignore[method-assign]
    _patched = True


#: The headers and body of the answer to a request that cannot be parsed, by HTTP status.
ErrorAnswer = Callable[[int], tuple[list[tuple[bytes, bytes]], bytes]]


def patch_protocol_errors(answer: ErrorAnswer) -> None:
    """Make hypercorn answer an unparsable HTTP/1.1 request with ``answer(status)``."""

    async def _send_error_response(self: Any, status_code: int) -> None:
        headers, body = answer(status_code)
        headers = [*headers, (b"connection", b"close"), *self.config.response_headers("h11")]
        await self._send_h11_event(h11.Response(status_code=status_code, headers=headers))
        await self._send_h11_event(h11.Data(data=body))
        await self._send_h11_event(h11.EndOfMessage())

    H11Protocol._send_error_response = _send_error_response  # type: ignore[method-assign]


_HEAD = "_moto_bedrock_head"
_head_patched = False


def patch_head_with_body() -> None:
    """Send an HTTP/1.1 response's head with the body bytes that follow it (idempotent).

    hypercorn's own ``stream_send`` makes the bytes of each event; what it would write for
    the head is held on the connection and written with the next event's bytes. A head is
    followed at once by body bytes or the end of the body (hypercorn's own error answers,
    and the bridge, send them together), so nothing is held for long; any other event
    writes a held head first.
    """
    global _head_patched
    if _head_patched:
        return
    stream_send = H11Protocol.stream_send

    async def captured(self: Any, event: Any) -> list[Any]:
        """What hypercorn's ``stream_send(event)`` sends, sent nowhere."""
        sent: list[Any] = []
        real = self.send

        async def keep(message: Any) -> None:
            sent.append(message)

        self.send = keep
        try:
            await stream_send(self, event)
        finally:
            self.send = real
        return sent

    async def send_all(self: Any, head: bytes, sent: list[Any]) -> None:
        for message in sent:
            if head and isinstance(message, RawData):
                message = RawData(data=head + message.data)
                head = b""
            await self.send(message)
        if head:
            await self.send(RawData(data=head))

    async def patched(self: Any, event: Any) -> None:
        head: bytes = getattr(self, _HEAD, b"")
        if isinstance(event, Response) and event.status_code >= 200 and not head:
            sent = await captured(self, event)
            if len(sent) == 1 and isinstance(sent[0], RawData):
                setattr(self, _HEAD, sent[0].data)
                return
            await send_all(self, b"", sent)
            return
        if not head:
            await stream_send(self, event)
            return
        setattr(self, _HEAD, b"")
        if isinstance(event, (Body, EndBody)):
            await send_all(self, head, await captured(self, event))
            return
        await self.send(RawData(data=head))
        await stream_send(self, event)

    H11Protocol.stream_send = patched  # type: ignore[method-assign]
    _head_patched = True
