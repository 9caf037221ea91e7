"""The control plane's modeled errors that the runtime does not also raise.

Named like botocore's ``bedrock`` error shapes so moto's serializer finds their status
codes. ``ValidationException`` and ``ResourceNotFoundException`` are the shared ones from
:mod:`moto_bedrock.bedrockruntime.exceptions` (a leaf module anyone may import).
"""

from __future__ import annotations

from ...bedrockruntime.exceptions import (
    BedrockError,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)

__all__ = [
    "ConflictException",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "ServiceQuotaExceededException",
    "TooManyTagsException",
    "ValidationException",
]


class ConflictException(BedrockError):
    code = "ConflictException"


class ResourceInUseException(BedrockError):
    code = "ResourceInUseException"


class TooManyTagsException(BedrockError):
    code = "TooManyTagsException"

    def __init__(self, message: str, resource_name: str | None = None) -> None:
        super().__init__(message)
        self.resourceName = resource_name
