"""``bedrock`` control-plane requests, parsed and validated from botocore's model.

Every operation has a handler: the catalog reads are written out here; every other one
hands its parsed parameters to :meth:`BedrockBackend.answer`. Only the invocation logging
configuration is still moto's own handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult

from .._moto import MotoBedrockResponse
from ..wire.protocol import BedrockProtocol
from ..wire.validation import operation_model
from .models import BedrockBackend, bedrock_backends

#: Answered by moto's inherited handlers (the logging configuration; see issue 15).
MOTO_KEEPS = frozenset(
    {
        "get_model_invocation_logging_configuration",
        "put_model_invocation_logging_configuration",
        "delete_model_invocation_logging_configuration",
    }
)
_PATTERN_TOO_NARROW = frozenset({"get_prompt_router", "delete_prompt_router"})
OPERATIONS = tuple(operation_model("bedrock", "ListFoundationModels").service_model.operation_names)


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class BedrockResponse(BedrockProtocol, MotoBedrockResponse):
    """Our handlers for every operation but MOTO_KEEPS (moto's class is the base for those)."""

    #: Every operation but those still answered by moto's hand-written handlers.
    model_driven_actions = frozenset(_snake_case(name) for name in OPERATIONS) - MOTO_KEEPS

    def _validate_raw(self, request: Any, constraints: bool = True) -> dict[str, Any] | None:
        # botocore's pattern for these admits default routers' ARNs only, not those of the
        # routers CreatePromptRouter makes: their types are checked, not their patterns.
        if _snake_case(self._get_action()) in _PATTERN_TOO_NARROW:
            constraints = False
        return super()._validate_raw(request, constraints)

    @property
    def bedrock_backend(self) -> BedrockBackend:
        return bedrock_backends[self.current_account][self.region]

    def list_foundation_models(self) -> ActionResult:
        summaries = self.bedrock_backend.list_foundation_models(
            by_provider=self._get_param("byProvider"),
            by_customization_type=self._get_param("byCustomizationType"),
            by_output_modality=self._get_param("byOutputModality"),
            by_inference_type=self._get_param("byInferenceType"),
        )
        return ActionResult({"modelSummaries": summaries})

    def get_foundation_model(self) -> ActionResult:
        details = self.bedrock_backend.get_foundation_model(self._get_param("modelIdentifier"))
        return ActionResult({"modelDetails": details})

    def get_foundation_model_availability(self) -> ActionResult:
        return ActionResult(
            self.bedrock_backend.get_foundation_model_availability(self._get_param("modelId"))
        )


def _answering(operation: str) -> Callable[[BedrockResponse], ActionResult]:
    def handler(self: BedrockResponse) -> ActionResult:
        return ActionResult(self.bedrock_backend.answer(operation, dict(self.params)))

    handler.__name__ = _snake_case(operation)
    handler.__doc__ = f"Answer {operation} (see ``bedrock/operations.py`` and ``engine.py``)."
    return handler


# Every operation without a handler of our own gets one; moto's are replaced (but for
# MOTO_KEEPS), so no operation answers NotImplementedError.
for _operation in OPERATIONS:
    _name = _snake_case(_operation)
    if _name not in vars(BedrockResponse) and _name not in MOTO_KEEPS:
        setattr(BedrockResponse, _name, _answering(_operation))
