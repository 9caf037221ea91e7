"""A WSGI application served as an ASGI one, from a bounded pool of threads.

The environ follows PEP 3333 and moto's own server: header names keep the client's case
(hypercorn's ``h11_pass_raw_headers``), and an underscored name is kept only where moto's
server keeps it. A body over the limit is read to its end and answered 400, so the client
gets an answer rather than a broken pipe.
"""

from __future__ import annotations

import asyncio
import io
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .._moto import preserved_header_environ
from ..wire import guard

__all__ = ["TOO_LARGE", "WSGIApp", "WSGIBridge", "wsgi_environ"]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

#: The body of the 400 answer to an oversized request.
TOO_LARGE = b'{"message": "The request body is larger than this server accepts (--max-body-size)."}'
_END = object()
#: Chunks the app thread may have handed over and the client not yet taken: a reader that
#: stops reading holds at most this much of a stream, not all of it.
MAX_PENDING = 64


class _ClientGone(Exception):
    """The client left, or stopped reading for longer than the write timeout."""


class _Channel:
    """Chunks from the app's thread to the event loop, a bounded number in flight.

    Chunks handed over while the loop has not yet taken the last ones join them: the loop
    is woken once for the lot and writes them as one (a stream's frames made faster than
    the client reads them go out in fewer, larger writes).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lock = threading.Lock()
        self.pending: list[Any] = []
        self.ready = asyncio.Event()
        self.slots = threading.Semaphore(MAX_PENDING)
        self.gone = threading.Event()
        self.timeout = guard.settings().write_timeout

    def deliver(self, item: Any) -> None:
        """Hand ``item`` over; raises _ClientGone once the client is gone or stalled."""
        # The end marker always goes through; anything else waits for a free slot.
        if item is not _END and (
            self.gone.is_set() or not self.slots.acquire(timeout=self.timeout)
        ):
            self.gone.set()
            raise _ClientGone
        with self.lock:
            self.pending.append(item)
            wake = len(self.pending) == 1
        if wake:
            self.loop.call_soon_threadsafe(self.ready.set)

    async def take(self) -> list[Any]:
        """Everything handed over since the last take (waits until there is something)."""
        await self.ready.wait()
        with self.lock:
            batch, self.pending = self.pending, []
            self.ready.clear()
        for item in batch:
            if item is not _END:
                self.slots.release()
        return batch


def _raw_uri(scope: dict[str, Any]) -> str:
    raw: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
    query: bytes = scope.get("query_string") or b""
    return (raw + (b"?" + query if query else b"")).decode("latin-1")


def wsgi_environ(scope: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP request ``scope`` whose body is ``body``."""
    server = scope.get("server") or ("127.0.0.1", 0)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        # The path as sent, percent-encoding kept, as werkzeug's server gives it: moto matches
        # routes on it, so an encoded slash (a model ARN in the path) stays inside its segment.
        "RAW_URI": _raw_uri(scope),
        "REQUEST_URI": _raw_uri(scope),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    underscored: list[tuple[str, str]] = []
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        if name.startswith(":"):  # an HTTP/2 pseudo-header
            if name == ":authority":
                environ.setdefault("HTTP_HOST", value)
            continue
        if "_" in name:
            underscored.append((name, value))
            continue
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = f"HTTP_{key}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    environ.update(preserved_header_environ(underscored, set(environ)))
    # The whole body is read already; HTTP/2 (and chunked HTTP/1.1) may not state its size.
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input_terminated"] = True
    environ.setdefault("HTTP_HOST", f"{server[0]}:{server[1]}")
    return environ


class WSGIBridge:
    """An ASGI application serving the WSGI application ``app`` from ``threads`` threads."""

    def __init__(self, app: WSGIApp, threads: int, max_body: int) -> None:
        self.app = app
        self.max_body = max_body
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="moto-bedrock")

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The request body; None if the client left or the body is over the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= self.max_body:
                chunks.append(chunk)  # beyond the limit the rest is read and dropped
            if not message.get("more_body", False):
                break
        if size > self.max_body:
            raise OverflowError(size)
        return b"".join(chunks)

    async def _http(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        try:
            body = await self._read_body(receive)
        except OverflowError:
            await _too_large(send)
            return
        if body is None:
            return
        channel = _Channel(asyncio.get_running_loop())
        future = channel.loop.run_in_executor(
            self.executor, self._run, wsgi_environ(scope, body), channel.deliver
        )
        watcher = asyncio.ensure_future(_watch(receive, channel))
        try:
            await _forward(channel, send)
        except Exception:
            channel.gone.set()  # the app's thread stops at its next chunk
        finally:
            watcher.cancel()
            await future

    def _run(self, environ: dict[str, Any], deliver: Callable[[Any], None]) -> None:
        """Run the WSGI app in a pool thread, handing over each chunk as it is produced."""
        head: list[tuple[int, list[tuple[bytes, bytes]]]] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info is not None and sent:
                raise exc_info[1].with_traceback(exc_info[2])
            pairs = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
            head[:] = [(int(status.split(" ", 1)[0]), pairs)]
            return _no_write

        sent = False
        try:
            result = self.app(environ, start_response)
            try:
                for chunk in result:
                    if not sent:
                        deliver(head[0])
                        sent = True
                    if chunk:
                        deliver(bytes(chunk))
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            if not sent:
                deliver(head[0])
                sent = True
        except _ClientGone:
            pass  # the app's iterator was closed above: a stream records itself abandoned
        except Exception:
            if not sent:
                deliver((500, [(b"content-length", b"0")]))
                sent = True
            raise
        finally:
            deliver(_END)


async def _watch(receive: Receive, channel: _Channel) -> None:
    """Mark the channel gone when the client disconnects."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            channel.gone.set()
            return


async def _forward(channel: _Channel, send: Send) -> None:
    """Send what the app's thread hands over; chunks waiting together go as one.

    A send that the client does not take within the write timeout ends the response.
    """
    timeout = channel.timeout
    started = False
    while True:
        batch = await channel.take()
        done = batch[-1] is _END
        if done:
            batch.pop()
        if channel.gone.is_set():
            return
        if not started and batch:
            status, headers = batch.pop(0)
            start = {"type": "http.response.start", "status": status, "headers": headers}
            await _within(timeout, send(start))
            started = True
        if batch or done:
            message = {"type": "http.response.body", "body": b"".join(batch), "more_body": not done}
            await _within(timeout, send(message))
        if done:
            return


_timeout = getattr(asyncio, "timeout", None)  # Python 3.11+


async def _within(seconds: float, sending: Awaitable[None]) -> None:
    """Await ``sending``; asyncio.TimeoutError after ``seconds``.

    ``asyncio.timeout`` where there is one: ``wait_for`` makes a task of every send.
    """
    if _timeout is None:  # pragma: no cover - Python 3.10
        await asyncio.wait_for(sending, seconds)
        return
    async with _timeout(seconds):
        await sending


async def _too_large(send: Send) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(TOO_LARGE)).encode()),
        (b"x-amzn-errortype", b"ValidationException"),
    ]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": TOO_LARGE, "more_body": False})


def _no_write(data: bytes) -> None:
    raise NotImplementedError("moto-bedrock's server does not offer WSGI's write()")
