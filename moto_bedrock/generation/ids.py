"""Identifiers that look like Bedrock's and are reproducible from run to run.

Each id mixes a per-backend counter with the request it answers, so ids are unique within
a mock, yet the same sequence of calls gives the same ids in every run.
"""

from __future__ import annotations

import hashlib
import threading

__all__ = ["IdFactory"]

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class IdFactory:
    """Makes ids such as ``msg_bdrk_01…``; lives on a backend, so reset restarts it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def make(self, prefix: str, seed: str, length: int) -> str:
        with self._lock:
            self._count += 1
            count = self._count
        number = int.from_bytes(hashlib.sha256(f"{count}:{seed}".encode()).digest(), "big")
        chars = []
        for _ in range(length):
            number, digit = divmod(number, len(_ALPHABET))
            chars.append(_ALPHABET[digit])
        return prefix + "".join(chars)
