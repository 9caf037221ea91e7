"""Lets aiobotocore clients read in-process mocked responses (the only aiobotocore seam).

In-process, moto answers from botocore's ``before-send`` hook with a plain ``AWSResponse``
over bytes. aiobotocore expects an ``AioAWSResponse`` whose content is awaited and whose
event streams are read with ``raw.content.iter_chunks()``, so it fails on moto's answer.
We wrap such answers in an aiobotocore-shaped response just before aiobotocore reads them;
real network responses are left alone. Against a server nothing is needed.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["install"]

_lock = threading.Lock()
_installed = False


class _AsyncContent:
    """The part of aiohttp's ``StreamReader`` aiobotocore uses."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        if self._data:
            yield self._data, True

    async def read(self, n: int = -1) -> bytes:
        data, self._data = self._data, b""
        return data


class _AsyncRaw:
    def __init__(self, data: bytes) -> None:
        self.content = _AsyncContent(data)

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        return None


def install() -> None:
    """Patch aiobotocore (if it is installed) once per process; idempotent."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        try:
            import aiobotocore.endpoint as endpoint
            from aiobotocore.awsrequest import AioAWSResponse
        except ImportError:
            return
        original = endpoint.convert_to_response_dict

        async def convert_to_response_dict(http_response: Any, operation_model: Any) -> Any:
            if not isinstance(http_response, AioAWSResponse):
                body = http_response.content  # moto's in-memory body, as bytes
                http_response = AioAWSResponse(
                    http_response.url,
                    http_response.status_code,
                    http_response.headers,
                    _AsyncRaw(body),
                )
            return await original(http_response, operation_model)

        endpoint.convert_to_response_dict = convert_to_response_dict
