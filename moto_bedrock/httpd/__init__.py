"""The HTTP server behind ``moto_bedrock_server``: HTTP/1.1 and cleartext HTTP/2 on one port.

Hypercorn (asyncio, h11 + h2) serves HTTP/1.1 with keep-alive and HTTP/2 both over TLS and
in cleartext with prior knowledge (how the AWS SDK for JavaScript v3 connects) on the same
port. moto's WSGI application runs on a bounded thread pool (:mod:`.bridge`), and each
chunk of a response goes out as the application yields it, so event streams reach the
client as they are produced. docs/design.md says why this server was chosen.
"""

from __future__ import annotations

from .bridge import WSGIBridge, wsgi_environ
from .server import (
    DEFAULT_MAX_BODY,
    DEFAULT_THREADS,
    BedrockHTTPServer,
    ServerSettings,
    ThreadedBedrockServer,
)

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_THREADS",
    "BedrockHTTPServer",
    "ServerSettings",
    "ThreadedBedrockServer",
    "WSGIBridge",
    "wsgi_environ",
]
