"""``bedrock-agent-runtime`` requests in, model-driven responses out (Rerank only)."""

from __future__ import annotations

from typing import Any

from moto.core.request import Request
from moto.core.responses import ActionResult
from moto.core.routing import get_service_router

from ..wire.protocol import BedrockProtocol
from .models import BedrockAgentRuntimeBackend, bedrockagentruntime_backends


class BedrockAgentRuntimeResponse(BedrockProtocol):
    """Rerank is parsed and validated from the botocore model; other operations answer 501."""

    model_driven_actions = frozenset({"rerank"})

    def __init__(self) -> None:
        super().__init__(service_name="bedrock-agent-runtime")

    @classmethod
    def claims(cls, environ: dict[str, Any]) -> bool:
        """Whether a request (a WSGI environ) names a bedrock-agent-runtime operation.

        Every operation is claimed, so one this class does not answer gets the same explicit
        501 in both modes rather than another Bedrock service's UnknownOperationException.
        """
        try:
            get_service_router("bedrock-agent-runtime").match(Request(environ.copy()))
        except Exception:  # no bedrock-agent-runtime operation has this route
            return False
        return True

    @property
    def backend(self) -> BedrockAgentRuntimeBackend:
        return bedrockagentruntime_backends[self.current_account][self.region]

    def rerank(self) -> ActionResult:
        return ActionResult(
            self.backend.rerank(
                queries=self._get_param("queries"),
                sources=self._get_param("sources"),
                reranking_configuration=self._get_param("rerankingConfiguration"),
            )
        )
