"""The padding field ``"p"`` Bedrock adds to every event payload of its streams.

Real ConverseStream events and InvokeModelWithResponseStream chunks carry a junk field
``"p"`` whose value is a prefix of ``abc…XYZ0123456789`` of varying length (it hides the
size of the content from anyone watching encrypted traffic). Clients ignore it; we send it
so raw-wire readers and parsers see what Bedrock sends. Sources:
pydantic/pydantic-ai ``tests/models/cassettes/test_bedrock/*stream*.yaml`` (ConverseStream,
2025–2026) and Arize-ai/openinference ``js/.../test/recordings/*streaming*.json`` (both).

The length here is a function of the payload, so the bytes stay deterministic.
"""

from __future__ import annotations

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def padding_for(payload: bytes) -> str:
    """The padding for one payload: 1 to 62 characters, fixed by its bytes."""
    return ALPHABET[: 1 + (sum(payload[:64]) + len(payload)) % len(ALPHABET)]


def pad_payload(payload: bytes) -> bytes:
    """Add ``"p"`` to a serialized JSON-object payload (others pass unchanged)."""
    body = payload.strip()
    if not body.startswith(b"{") or not body.endswith(b"}"):
        return payload
    pad = padding_for(body).encode()
    if body == b"{}":
        return b'{"p":"' + pad + b'"}'
    return body[:-1] + b',"p":"' + pad + b'"}'
