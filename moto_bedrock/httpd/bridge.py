"""A WSGI application served as an ASGI one, from a bounded pool of threads.

The environ follows PEP 3333 and moto's own server: header names keep the client's case
(hypercorn's ``h11_pass_raw_headers``), and an underscored name is kept only where moto's
server keeps it.

A request body reaches the app as it arrives (:class:`_Body`): a small one (up to
:data:`READ_AHEAD`) is read on the event loop first, so a slow client holds no thread; a
larger one is pulled as the app reads it, so the app can refuse a body from its declared
``Content-Length`` before a byte of it is read, and a chunked body is stopped at the first
byte past ``--max-body-size``. A refused body's unread rest is then read and dropped, so the
client, which most often sends it all before it reads, gets the answer, not a broken pipe.

An answer comes back from the app's thread in one hand-over when it is whole and small
(:data:`WHOLE_RESPONSE`), the common case, so the event loop is woken once and needs no
reader of the client's leaving; otherwise its head and first bytes come first and the rest
through a :class:`_Channel`, chunk by chunk as the app produces it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import queue
import sys
import threading
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from .._moto import preserved_header_environ
from ..wire import guard
from ..wire.protocol import ERROR_TYPE_SUFFIX

__all__ = [
    "HEADERS_TOO_LARGE",
    "TOO_LARGE",
    "UNREADABLE",
    "UNSUPPORTED_TRANSFER_CODING",
    "WSGIApp",
    "WSGIBridge",
    "modeled_error",
    "wsgi_environ",
]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

#: The message of the 400 answer to a body over ``--max-body-size``.
TOO_LARGE = "The request body is larger than this server accepts (--max-body-size)."
#: The message of the 400 answer to a request that cannot be parsed (as the app's own).
UNREADABLE = "The request body could not be read."
#: The messages of the answers to headers over h11's limit and to a transfer coding it lacks.
HEADERS_TOO_LARGE = "The request's headers are larger than this server accepts."
UNSUPPORTED_TRANSFER_CODING = "moto-bedrock does not emulate this Transfer-Encoding yet."
#: A body up to this size is read whole before the app runs; a larger one as the app reads.
READ_AHEAD = 1024 * 1024
#: Dropping a refused body's unread rest: the longest pause of the client, the longest total.
DISCARD_IDLE_SECONDS = 2.0
DISCARD_SECONDS = 20.0
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

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self.loop = loop
        #: Guards ``pending``; the app's thread waits on it while MAX_PENDING chunks wait.
        self.lock = threading.Condition(threading.Lock())
        self.pending: list[Any] = []
        #: Chunks (not the end marker) in ``pending``.
        self.waiting = 0
        self.ready = asyncio.Event()
        self.gone = threading.Event()
        self.timeout = timeout
        #: What the app raised after its answer began (raised again on the event loop).
        self.error: Exception | None = None

    def deliver(self, item: Any) -> None:
        """Hand ``item`` over; raises _ClientGone once the client is gone or stalled."""
        with self.lock:
            # The end marker always goes through; anything else waits for room.
            if item is not _END:
                if self.gone.is_set() or (
                    self.waiting >= MAX_PENDING
                    and not self.lock.wait_for(self._has_room, self.timeout)
                ):
                    self.gone.set()
                    raise _ClientGone
                self.waiting += 1
            self.pending.append(item)
            wake = len(self.pending) == 1
        if wake:
            self.loop.call_soon_threadsafe(self.ready.set)

    def _has_room(self) -> bool:
        return self.waiting < MAX_PENDING

    async def take(self) -> list[Any]:
        """Everything handed over since the last take (waits until there is something)."""
        await self.ready.wait()
        with self.lock:
            batch, self.pending = self.pending, []
            self.ready.clear()
            if self.waiting >= MAX_PENDING:
                self.lock.notify()
            self.waiting = 0
        return batch


def _raw_uri(scope: dict[str, Any]) -> str:
    raw: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
    query: bytes = scope.get("query_string") or b""
    return (raw + (b"?" + query if query else b"")).decode("latin-1")


def wsgi_environ(scope: dict[str, Any], body: bytes | _Body) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP request ``scope`` whose body is ``body``."""
    server = scope.get("server") or ("127.0.0.1", 0)
    client = scope.get("client") or ("", 0)
    raw_uri = _raw_uri(scope)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        # The path as sent, percent-encoding kept, as werkzeug's server gives it: moto matches
        # routes on it, so an encoded slash (a model ARN in the path) stays inside its segment.
        "RAW_URI": raw_uri,
        "REQUEST_URI": raw_uri,
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body)
        if isinstance(body, bytes)
        else io.BufferedReader(body, 64 * 1024),
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
    # HTTP/2 (and chunked HTTP/1.1) may not state a body's size: a body read whole gets its
    # own; one still coming has none, and its stream ends where the body does.
    if isinstance(body, bytes):
        environ["CONTENT_LENGTH"] = str(len(body))
    elif "CONTENT_LENGTH" not in environ and body.complete:
        environ["CONTENT_LENGTH"] = str(body.size)
    environ["wsgi.input_terminated"] = True
    environ.setdefault("HTTP_HOST", f"{server[0]}:{server[1]}")
    return environ


class _Body(io.RawIOBase):
    """``wsgi.input`` of a request: what was read ahead, then the rest pulled from the event
    loop as the app reads it (:func:`_pump`).

    Past ``limit`` bytes a read raises werkzeug's RequestEntityTooLarge; a client that left,
    or sent nothing for ``stall`` seconds, ClientDisconnected (the app answers either 4xx).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, limit: int, stall: float) -> None:
        super().__init__()
        self.loop = loop
        self.limit = limit
        self.stall = stall
        self.size = 0
        self.complete = False
        #: Set (on the loop) when the app waits for more of the body.
        self.wanted = asyncio.Event()
        self._chunks: deque[memoryview] = deque()
        self._stopped = False
        self._arrived = threading.Condition()

    def add(self, message: dict[str, Any]) -> None:
        """Take one ``http.request`` message (on the loop); past the limit only counted."""
        chunk = message.get("body", b"")
        with self._arrived:
            self.size += len(chunk)
            if chunk and self.size <= self.limit:
                self._chunks.append(memoryview(chunk))
            self.complete = not message.get("more_body", False)
            self._arrived.notify_all()

    def stop(self) -> None:
        """No more of the body will come (the client left, or the answer is sent)."""
        with self._arrived:
            self._stopped = True
            self._arrived.notify_all()

    def readable(self) -> bool:
        return True

    def _wait(self) -> bool:
        """Wait for a chunk (the lock held); False at the end of the body."""
        while not self._chunks:
            if self.size > self.limit:
                raise RequestEntityTooLarge()
            if self.complete:
                return False
            if self._stopped:
                raise ClientDisconnected()
            self.loop.call_soon_threadsafe(self.wanted.set)
            if not self._arrived.wait(self.stall):
                raise ClientDisconnected()
        if self.size > self.limit:
            raise RequestEntityTooLarge()
        return True

    def readinto(self, buffer: Any) -> int:
        with self._arrived:
            if not self._wait():
                return 0
            chunk = self._chunks[0]
            count = min(len(buffer), len(chunk))
            buffer[:count] = chunk[:count]
            if count == len(chunk):
                self._chunks.popleft()
            else:
                self._chunks[0] = chunk[count:]
            return count

    def readall(self) -> bytes:
        parts: list[memoryview] = []
        with self._arrived:
            while self._wait():
                parts.extend(self._chunks)
                self._chunks.clear()
        return b"".join(parts)


class _Pool:
    """Up to ``threads`` daemon threads running jobs from one queue.

    Lighter than a ThreadPoolExecutor for this use: a job makes no Future, and its end is
    not reported to the event loop (the job hands its answer over itself, once).
    """

    def __init__(self, threads: int, name: str) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[..., None], tuple[Any, ...]] | None] = (
            queue.SimpleQueue()
        )
        self._limit = max(1, threads)
        self._name = name
        self._threads: list[threading.Thread] = []
        self._idle = threading.Semaphore(0)
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        if self._closed:
            raise RuntimeError("the server is shutting down")
        self._jobs.put((job, args))
        # A thread that is waiting takes it; otherwise one more, up to the limit.
        if self._idle.acquire(blocking=False):
            return
        with self._lock:
            if len(self._threads) < self._limit:
                name = f"{self._name}_{len(self._threads)}"
                thread = threading.Thread(target=self._work, name=name, daemon=True)
                self._threads.append(thread)
                thread.start()

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, args = item
            del item
            job(*args)  # a job handles (and hands over) its own failures
            del job, args
            self._idle.release()

    def shutdown(self) -> None:
        """Drop the jobs not yet started and let the threads end (does not wait)."""
        with self._lock:
            self._closed = True
            with contextlib.suppress(queue.Empty):
                while True:
                    self._jobs.get_nowait()
            for _ in self._threads:
                self._jobs.put(None)


class _Answer:
    """What the app's thread hands the event loop, once: the whole response when it was
    small and complete, else the head and a channel for the rest."""

    __slots__ = ("body", "channel", "error", "head")

    def __init__(
        self,
        head: tuple[int, list[tuple[bytes, bytes]]],
        body: bytes,
        channel: _Channel | None = None,
        error: BaseException | None = None,
    ) -> None:
        self.head = head
        self.body = body
        self.channel = channel
        self.error = error


#: A response of a known length up to this size is handed to the event loop whole, in one
#: wake-up, and sent without a reader of the client's leaving; a larger one, or one of
#: unknown length (an event stream), chunk by chunk as the app produces it.
WHOLE_RESPONSE = 256 * 1024


class WSGIBridge:
    """An ASGI application serving the WSGI application ``app`` from ``threads`` threads."""

    def __init__(self, app: WSGIApp, threads: int, max_body: int) -> None:
        self.app = app
        self.max_body = max_body
        self.pool = _Pool(threads, "moto-bedrock")

    def close(self) -> None:
        """Let the pool's threads end (requests already handed to them finish first)."""
        self.pool.shutdown()

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

    async def _http(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        loop = asyncio.get_running_loop()
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body:
            await _too_large(send, receive)  # at once: not a byte of the body is read
            return
        read = await _read_ahead(receive, declared, self.max_body)
        if read is None:
            return  # the client left
        chunks, size, complete = read
        if size > self.max_body:
            await _too_large(send, receive)
            return
        answered: asyncio.Future[_Answer] = loop.create_future()
        timeout = guard.settings().write_timeout
        if complete:
            # The common case: the body is all here, so nothing needs to read ``receive``
            # while the app runs, and a small whole answer goes out at once, in one wake-up
            # of the event loop.
            environ = wsgi_environ(scope, b"".join(chunks))
            self.pool.submit(self._run, environ, loop, answered, timeout, None)
            answer = await answered
            if answer.channel is None:
                await _within(timeout, _send_whole(send, answer))
                if answer.error is not None:
                    raise answer.error
                return
            pump = asyncio.ensure_future(_pump(receive, None, answer.channel))
            await self._stream(answer, answer.channel, receive, send, None, pump)
            return
        # A large or unfinished body is pulled from the client as the app reads it.
        body = _Body(loop, self.max_body, timeout)
        for chunk in chunks:
            body.add({"body": chunk, "more_body": True})
        channel = _Channel(loop, timeout)
        environ = wsgi_environ(scope, body)
        pump = asyncio.ensure_future(_pump(receive, body, channel))
        try:
            self.pool.submit(self._run, environ, loop, answered, timeout, channel)
            answer = await answered
        except BaseException:
            channel.gone.set()
            pump.cancel()
            body.stop()
            raise
        await self._stream(answer, channel, receive, send, body, pump)

    async def _stream(
        self,
        answer: _Answer,
        channel: _Channel,
        receive: Receive,
        send: Send,
        body: _Body | None,
        pump: asyncio.Future[None],
    ) -> None:
        """Send ``answer``'s head and first bytes, then the rest as the app produces it."""

        async def send_then_discard(message: dict[str, Any]) -> None:
            # The app is done: a body it left unread is dropped before the answer ends.
            ending = message["type"] == "http.response.body" and not message.get("more_body")
            if ending and body is not None and not body.complete:
                await send({**message, "more_body": True})
                pump.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pump
                # Within the write timeout that bounds this send.
                await _discard(receive, min(DISCARD_SECONDS, channel.timeout / 2))
                message = _LAST
            await send(message)

        try:
            await _forward(answer, channel, send_then_discard)
        except Exception:
            channel.gone.set()  # the app's thread stops at its next chunk
        finally:
            pump.cancel()
            if body is not None:
                body.stop()
        error = answer.error or channel.error
        if error is not None:
            raise error

    def _run(
        self,
        environ: dict[str, Any],
        loop: asyncio.AbstractEventLoop,
        answered: asyncio.Future[_Answer],
        timeout: float,
        channel: _Channel | None,
    ) -> None:
        """Run the WSGI app in a pool thread and hand its answer over (:class:`_Answer`).

        ``channel`` carries the rest of a response past the first bytes; without one (the
        request's body was read whole), a channel is made only if the response needs one.
        """
        head: list[tuple[int, list[tuple[bytes, bytes]]]] = []
        handed = False

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info is not None and handed:
                raise exc_info[1].with_traceback(exc_info[2])
            pairs = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
            head[:] = [(int(status.split(" ", 1)[0]), pairs)]
            return _no_write

        def hand_over(first: bytes, more: bool, error: Exception | None = None) -> None:
            nonlocal channel, handed
            if more and channel is None:
                channel = _Channel(loop, timeout)
            handed = True
            answer = _Answer(head[0], first, channel, error)
            loop.call_soon_threadsafe(_resolve, answered, answer)

        try:
            result = self.app(environ, start_response)
            try:
                chunks = iter(result)
                parts: list[bytes] = []
                more = True
                if isinstance(result, (list, tuple)) or _has_length(head):
                    # A whole answer: up to WHOLE_RESPONSE of it is handed over at once.
                    size = 0
                    for chunk in chunks:
                        parts.append(bytes(chunk))
                        size += len(chunk)
                        if size > WHOLE_RESPONSE:
                            break
                    else:
                        more = False
                else:
                    for chunk in chunks:  # the head goes with the first bytes
                        if chunk:
                            parts.append(bytes(chunk))
                            break
                    else:
                        more = False
                hand_over(b"".join(parts), more)
                if more:
                    assert channel is not None
                    for chunk in chunks:
                        if chunk:
                            channel.deliver(bytes(chunk))
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except _ClientGone:
            pass  # the app's iterator was closed above: a stream records itself abandoned
        except Exception as error:
            # Raised again on the event loop once the answer is sent, as an app's error is.
            if not handed:
                head[:] = [(500, [(b"content-length", b"0")])]
                hand_over(b"", False, error)
            elif channel is not None:
                channel.error = error
        finally:
            if channel is not None:
                channel.deliver(_END)


def _resolve(future: asyncio.Future[_Answer], answer: _Answer) -> None:
    if not future.done():  # the request's task may have been cancelled meanwhile
        future.set_result(answer)
    elif answer.channel is not None:
        answer.channel.gone.set()


def _has_length(head: list[tuple[int, list[tuple[bytes, bytes]]]]) -> bool:
    return bool(head) and any(name.lower() == b"content-length" for name, _ in head[0][1])


async def _send_whole(send: Send, answer: _Answer) -> None:
    status, headers = answer.head
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


async def _forward(answer: _Answer, channel: _Channel, send: Send) -> None:
    """Send the head and first bytes, then what the app's thread hands over; chunks
    waiting together go as one.

    A send that the client does not take within the write timeout ends the response.
    """
    timeout = channel.timeout
    status, headers = answer.head
    start = {"type": "http.response.start", "status": status, "headers": headers}
    await _within(timeout, send(start))
    if answer.body:
        message = {"type": "http.response.body", "body": answer.body, "more_body": True}
        await _within(timeout, send(message))
    while True:
        batch = await channel.take()
        done = batch[-1] is _END
        if done:
            batch.pop()
        if channel.gone.is_set():
            return
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


def _declared_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _pump(receive: Receive, body: _Body | None, channel: _Channel) -> None:
    """The one reader of ``receive`` while a response streams: body chunks as the app asks
    for them (``body``: the part not read ahead), then the client's leaving, which ends the
    response."""
    try:
        while body is not None and not body.complete:
            await body.wanted.wait()
            body.wanted.clear()
            message = await receive()
            if message["type"] == "http.disconnect":
                channel.gone.set()
                return
            body.add(message)
        while (await receive())["type"] != "http.disconnect":
            pass
        channel.gone.set()
    finally:
        if body is not None:
            body.stop()


async def _read_ahead(
    receive: Receive, declared: int | None, limit: int
) -> tuple[list[bytes], int, bool] | None:
    """A small body's chunks, read whole, or up to :data:`READ_AHEAD` of a larger one; with
    their size and whether that is the whole body. None if the client left."""
    chunks: list[bytes] = []
    size = 0
    if declared is not None and declared > READ_AHEAD:
        return chunks, size, False  # the app may refuse it from its declared size
    while size <= min(READ_AHEAD, limit):
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        if chunk:
            chunks.append(chunk)
            size += len(chunk)
        if not message.get("more_body", False):
            return chunks, size, True
    return chunks, size, False


async def _discard(receive: Receive, seconds: float | None = DISCARD_SECONDS) -> None:
    """Read and drop the rest of a body answered before it was read.

    A client that pauses for :data:`DISCARD_IDLE_SECONDS` ends it (hypercorn then closes
    the connection); one still sending after ``seconds`` is left to a task of its own that
    ends at its first pause, as hypercorn may be waiting to hand over the next chunk.
    """
    loop = asyncio.get_running_loop()
    deadline = None if seconds is None else loop.time() + seconds
    while deadline is None or loop.time() < deadline:
        try:
            message = await asyncio.wait_for(receive(), DISCARD_IDLE_SECONDS)
        except asyncio.TimeoutError:
            return
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return
    task = asyncio.ensure_future(_discard(receive, None))
    _DISCARDING.add(task)
    task.add_done_callback(_DISCARDING.discard)


_DISCARDING: set[asyncio.Future[None]] = set()
# The end of a response whose bytes are all sent (hypercorn closes the connection on it when
# the request's body was not all read).
_LAST = {"type": "http.response.body", "body": b"", "more_body": False}


def modeled_error(
    message: str, code: str = "ValidationException"
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers (length included) and body of a ``code`` error saying ``message``, as
    Bedrock's errors look on the wire."""
    body = json.dumps({"message": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-amzn-errortype", f"{code}{ERROR_TYPE_SUFFIX}".encode()),
        (b"x-amzn-requestid", str(uuid.uuid4()).encode()),
    ]
    return headers, body


async def _too_large(send: Send, receive: Receive) -> None:
    """Answer 400 to a body over the limit, then drop the body before the answer ends."""
    headers, body = modeled_error(TOO_LARGE)
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": True})
    await _discard(receive)
    await send(_LAST)


def _no_write(data: bytes) -> None:
    raise NotImplementedError("moto-bedrock's server does not offer WSGI's write()")
