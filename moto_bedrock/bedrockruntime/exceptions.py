"""Bedrock's modeled errors.

Each class is named exactly like its botocore error shape, so moto's serializer finds the
shape's HTTP status and members. The module lives in ``moto_bedrock.bedrockruntime`` because
moto derives a fallback service name from an exception's module path (see ``_moto.py``).
Message texts are AWS's own (``shared/reference/bedrock-wire.md`` §2).
"""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class BedrockError(ServiceException):
    """Base class of every error this package raises on the wire."""


class ValidationException(BedrockError):
    code = "ValidationException"


class RuleViolation(ValidationException):
    """A ValidationException that names the rule (``moto_bedrock.rules``) it enforces."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class MalformedInput(ValidationException):
    """A native body's schema failure; ``detail`` is the text between the fixed words."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Malformed input request: {detail}, please reformat your input and try again."
        )
        self.detail = detail


class ResourceNotFoundException(BedrockError):
    code = "ResourceNotFoundException"


class AccessDeniedException(BedrockError):
    code = "AccessDeniedException"
    message = "You don't have access to the model with the specified model ID."


class ThrottlingException(BedrockError):
    code = "ThrottlingException"
    message = "Too many requests, please wait before trying again."


class ServiceQuotaExceededException(BedrockError):
    code = "ServiceQuotaExceededException"
    message = "Your account has exceeded the service quota for this model."


class ModelTimeoutException(BedrockError):
    code = "ModelTimeoutException"
    message = "Model has timed out in processing the request."


class ModelNotReadyException(BedrockError):
    code = "ModelNotReadyException"
    # No real text has been observed (bedrock-wire.md §6); this paraphrases the service doc.
    message = "The model is not ready to serve inference requests. Try again later."


class ModelErrorException(BedrockError):
    code = "ModelErrorException"
    message = (
        "The system encountered an unexpected error during processing. Try your request again."
    )

    def __init__(
        self,
        message: str | None = None,
        original_status_code: int | None = None,
        resource_name: str | None = None,
    ) -> None:
        super().__init__(message or self.message)
        self.originalStatusCode = original_status_code
        self.resourceName = resource_name


class InternalServerException(BedrockError):
    code = "InternalServerException"
    message = "An internal server error occurred."


class ServiceUnavailableException(BedrockError):
    code = "ServiceUnavailableException"
    message = "Bedrock is unable to process your request."


class NotEmulated(BedrockError):
    """Something moto-bedrock does not emulate (yet); answered with HTTP 501."""

    code = "NotImplementedException"

    def __init__(self, what: str) -> None:
        super().__init__(f"moto-bedrock does not emulate {what} yet.")


class UnknownOperation(BedrockError):
    """No operation has this method and path: the AWS front end's default, HTTP 404."""

    code = "UnknownOperationException"
    message = "The requested operation is not recognized by the service."


class InvalidSignature(BedrockError):
    """A SigV4 credential scope naming a region the service does not run in."""

    code = "InvalidSignatureException"

    def __init__(self, region: str) -> None:
        # AWS's text for a credential scoped to an unknown region (unverified for Bedrock).
        super().__init__(f"Credential should be scoped to a valid region, not '{region[:64]}'.")


# Texts used in more than one place.
INVALID_MODEL_IDENTIFIER = "The provided model identifier is invalid."
# CountTokens with an inference-profile id (pydantic/pydantic-ai
# tests/models/cassettes/test_anthropic_bedrock_count_tokens/test_anthropic_bedrock_count_tokens_error.yaml).
COUNTING_NOT_SUPPORTED = "The provided model doesn't support counting tokens."
UNSUPPORTED_FOR_STREAMING = "The model is unsupported for streaming."
UNSUPPORTED_ACTION_FOR_MODEL = (
    "This action doesn't support the model that you provided. "
    "Try again with a supported text or chat model."
)


def on_demand_not_supported(model_id: str) -> ValidationException:
    # Note the curly apostrophe in "isn’t": it is AWS's exact text.
    return ValidationException(
        f"Invocation of model ID {model_id} with on-demand throughput isn’t supported. "
        "Retry your request with the ID or ARN of an inference profile that contains this model."
    )


#: The errors a test may inject, by code (``make_error`` also takes the code without
#: its ``Exception`` suffix, e.g. ``"Throttling"``).
INJECTABLE: dict[str, type[BedrockError]] = {
    cls.code: cls
    for cls in (
        ThrottlingException,
        ModelTimeoutException,
        ModelErrorException,
        ModelNotReadyException,
        ServiceUnavailableException,
        InternalServerException,
        AccessDeniedException,
        ValidationException,
        ServiceQuotaExceededException,
        ResourceNotFoundException,
    )
}


def injectable_code(name: str) -> str | None:
    """The full error code ``name`` stands for (``"Throttling"`` too), or None."""
    for code in (name, f"{name}Exception"):
        if code in INJECTABLE:
            return code
    return None


def make_error(name: str, message: str | None = None) -> BedrockError:
    """A fresh modeled error by code, with AWS's default text unless ``message`` is given."""
    code = injectable_code(name)
    if code is None:
        raise KeyError(name)
    cls = INJECTABLE[code]
    # The class's own text only: moto's ServiceException has a generic one of its own.
    default = cls.__dict__.get("message") or "The request was refused."
    return cls(message or default)
