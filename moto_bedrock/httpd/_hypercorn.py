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
from hypercorn.events import Closed
from hypercorn.protocol.h2 import H2Protocol
from hypercorn.protocol.h11 import H11Protocol

__all__ = ["patch_graceful_goaway", "patch_protocol_errors"]

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
