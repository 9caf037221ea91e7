"""Idempotency tokens (``clientRequestToken`` / ``clientToken``) for every operation.

An operation whose input has an idempotency token member (botocore marks it
``idempotencyToken``) is answered once per token: the same token with the same other
parameters gets the first answer again and makes nothing new; the same token with different
parameters is refused with ConflictException (HTTP 409, where the operation declares it;
ValidationException otherwise). AWS documents this rule for its idempotency tokens in
general; Bedrock's exact error code and text for a mismatch were not observed (unverified).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from typing import Any

from ...wire.validation import operation_model
from .errors import ConflictException, ValidationException

__all__ = ["MAX_TOKENS", "Idempotency", "token_member"]

#: Tokens remembered per backend; the oldest is forgotten past this (bounded memory).
MAX_TOKENS = 10_000

# Unverified text: not observed from real Bedrock.
MISMATCH = (
    "The client token {token} was already used for a {operation} request with different "
    "parameters. Use a new token, or repeat the earlier request unchanged."
)

Answer = dict[str, Any]


@cache
def token_member(operation: str) -> str | None:
    """The input member of ``operation`` that carries its idempotency token, if any."""
    shape = operation_model("bedrock", operation).input_shape
    names: dict[str, Any] = dict(shape.members) if shape is not None else {}
    for name, member in names.items():
        if member.metadata.get("idempotencyToken") or name in ("clientRequestToken", "clientToken"):
            return str(name)
    return None


def _declares_conflict(operation: str) -> bool:
    return any(
        e.name == "ConflictException" for e in operation_model("bedrock", operation).error_shapes
    )


def _fingerprint(params: dict[str, Any], token: str) -> str:
    # A digest, not the parameters: 10,000 remembered tokens of large requests (a policy
    # definition, a long prompt) would otherwise hold their whole bodies.
    rest = {k: v for k, v in params.items() if k != token}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()


class Idempotency:
    """The answers given per (operation, token) by one backend."""

    def __init__(self) -> None:
        self._answers: OrderedDict[tuple[str, str], tuple[str, Answer]] = OrderedDict()

    def answer(self, operation: str, params: dict[str, Any], make: Callable[[], Answer]) -> Answer:
        """``make()``'s answer, or the answer an earlier request with the same token got."""
        member = token_member(operation)
        token = params.get(member) if member is not None else None
        if member is None or not isinstance(token, str):
            return make()
        key = (operation, token)
        fingerprint = _fingerprint(params, member)
        earlier = self._answers.get(key)
        if earlier is not None:
            if earlier[0] != fingerprint:
                error = ConflictException if _declares_conflict(operation) else ValidationException
                raise error(MISMATCH.format(token=token, operation=operation))
            return copy.deepcopy(earlier[1])
        result = make()
        self._answers[key] = (fingerprint, copy.deepcopy(result))
        while len(self._answers) > MAX_TOKENS:
            self._answers.popitem(last=False)
        return result
