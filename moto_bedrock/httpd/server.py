"""Serving moto's application with hypercorn: on a socket bound up front, or in a thread."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from dataclasses import dataclass

from hypercorn.asyncio import serve
from hypercorn.config import Config

from ._hypercorn import patch_graceful_goaway, patch_head_with_body, patch_protocol_errors
from .bridge import (
    HEADERS_TOO_LARGE,
    UNREADABLE,
    UNSUPPORTED_TRANSFER_CODING,
    WSGIApp,
    WSGIBridge,
    modeled_error,
)

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_THREADS",
    "BedrockHTTPServer",
    "ServerSettings",
    "ThreadedBedrockServer",
]

#: Requests handled at once. The work is Python under one GIL, so more threads only contend
#: with each other and with the event loop (measured: 32 threads answered about half the
#: Converse calls a second that 4 did, at 32 connections on 2 cores). A stream paced by
#: simulated latency holds a thread while it sleeps: raise --threads for many at once.
DEFAULT_THREADS = 4
#: A larger request body is answered 400 (Bedrock's own limits are far below it).
DEFAULT_MAX_BODY = 64 * 1024 * 1024


@dataclass
class ServerSettings:
    """Where and how to serve."""

    host: str = "127.0.0.1"
    port: int = 5000
    certfile: str | None = None
    keyfile: str | None = None
    threads: int = DEFAULT_THREADS
    max_body: int = DEFAULT_MAX_BODY
    #: Seconds an idle keep-alive connection stays open.
    keep_alive_timeout: float = 75.0

    @property
    def scheme(self) -> str:
        return "https" if self.certfile else "http"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def hypercorn_config(settings: ServerSettings, sock: socket.socket) -> Config:
    """Hypercorn's configuration for ``settings``, serving on the bound ``sock``."""
    config = Config()
    # hypercorn takes ownership of the descriptor it is given, so it gets its own copy.
    config.bind = [f"fd://{os.dup(sock.fileno())}"]
    config.keep_alive_timeout = settings.keep_alive_timeout
    config.h11_pass_raw_headers = True  # header names keep their case, as in moto_server
    config.graceful_timeout = 2.0
    config.accesslog = None
    config.errorlog = None
    if settings.certfile:
        config.certfile = settings.certfile
        config.keyfile = settings.keyfile
    return config


#: h11's status hints other than 400 (a bad body gets the app's own answer to one).
_UNPARSABLE = {
    431: ("ValidationException", HEADERS_TOO_LARGE),
    501: ("NotImplementedException", UNSUPPORTED_TRANSFER_CODING),
}


def _unparsable(status: int) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The answer to an HTTP/1.1 request h11 cannot parse, by h11's status hint."""
    code, message = _UNPARSABLE.get(status, ("ValidationException", UNREADABLE))
    return modeled_error(message, code)


class BedrockHTTPServer:
    """``app`` served on a socket bound when the server is made (so its port is known)."""

    def __init__(self, app: WSGIApp, settings: ServerSettings | None = None) -> None:
        patch_graceful_goaway()
        patch_head_with_body()
        patch_protocol_errors(_unparsable)
        self.settings = settings or ServerSettings()
        self.socket = bind(self.settings.host, self.settings.port)
        self.bridge = WSGIBridge(app, self.settings.threads, self.settings.max_body)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stop_requested = False

    @property
    def address(self) -> tuple[str, int]:
        """The bound (host, port)."""
        host, port = self.socket.getsockname()[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        shown = f"[{host}]" if ":" in host else host
        return f"{self.settings.scheme}://{shown}:{port}"

    async def serve(self) -> None:
        """Serve until :meth:`shutdown`; open requests finish first (up to 2 s)."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if self._stop_requested:
            self._stop.set()
        config = hypercorn_config(self.settings, self.socket)
        try:
            await serve(self.bridge, config, shutdown_trigger=self._stop.wait, mode="asgi")  # type: ignore[arg-type]
        finally:
            self.bridge.close()
            self.socket.close()

    def shutdown(self) -> None:
        """Ask :meth:`serve` to stop (from any thread)."""
        self._stop_requested = True
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)


class ThreadedBedrockServer:
    """moto_bedrock's server in a background thread, like moto's ``ThreadedMotoServer``.

    >>> server = ThreadedBedrockServer(port=0).start()   # doctest: +SKIP
    >>> server.endpoint_url                               # doctest: +SKIP
    'http://127.0.0.1:40123'
    >>> server.stop()                                     # doctest: +SKIP

    It serves every moto service with our Bedrock installed, in this process, so its state
    is the same as an in-process ``mock_bedrock``'s: use one or the other in a test run.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app: WSGIApp | None = None,
        settings: ServerSettings | None = None,
    ) -> None:
        self.settings = settings or ServerSettings(host=host, port=port)
        self._app = app
        self._server: BedrockHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("call start() first")
        return self._server.url

    def get_host_and_port(self) -> tuple[str, int]:
        """The bound (host, port), as ``ThreadedMotoServer.get_host_and_port``."""
        if self._server is None:
            raise RuntimeError("call start() first")
        return self._server.address

    def start(self) -> ThreadedBedrockServer:
        """Bind and start serving; returns once the port accepts connections."""
        if self._app is None:
            from .. import services
            from .._moto import wsgi_app

            services.install()
            self._app = wsgi_app()
        server = self._server = BedrockHTTPServer(self._app, self.settings)
        ready = threading.Event()

        def run() -> None:
            async def main() -> None:
                task = asyncio.ensure_future(server.serve())
                await asyncio.sleep(0.01)
                ready.set()
                await task

            try:
                asyncio.run(main())
            except BaseException as error:  # reported by stop()
                self._failure = error
            finally:
                ready.set()

        self._thread = threading.Thread(target=run, name="moto-bedrock-server", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise RuntimeError("the server thread failed") from failure

    def __enter__(self) -> ThreadedBedrockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
