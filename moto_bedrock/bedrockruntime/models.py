"""The ``bedrock-runtime`` backend: per-account, per-region state and the Converse logic."""

from __future__ import annotations

from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from ..catalog import load_catalog
from ..conversation import check_conversation
from ..inference import PromptCache, finish
from ..resolution import ResolvedModel, resolve_model
from ..responders import DefaultResponder, Invocation, Responder
from .exceptions import UNSUPPORTED_ACTION_FOR_MODEL, ValidationException

__all__ = ["BedrockRuntimeBackend", "bedrockruntime_backends"]

# Used when a request sets no maxTokens and the catalog has no limit for the model.
DEFAULT_MAX_TOKENS = 4096


class BedrockRuntimeBackend(BaseBackend):
    """Inference state for one account and region; ``reset()`` clears all of it."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.responder: Responder = DefaultResponder()
        self.prompt_cache = PromptCache()

    def resolve(self, model_id: str) -> ResolvedModel:
        return resolve_model(
            load_catalog(), model_id, self.region_name, self.account_id, self.partition
        )

    def converse(
        self,
        *,
        operation: str,
        model_id: str,
        messages: list[dict[str, Any]],
        system: list[dict[str, Any]],
        inference_config: dict[str, Any],
        tool_config: dict[str, Any] | None,
        additional_request_fields: dict[str, Any] | None,
        response_field_paths: list[str],
        request_metadata: dict[str, str] | None,
    ) -> dict[str, Any]:
        """Answer a Converse request; returns the operation's output structure."""
        model = self.resolve(model_id).model
        if not model.converse:
            raise ValidationException(UNSUPPORTED_ACTION_FOR_MODEL)
        check_conversation(messages)
        limit = model.max_output_tokens
        max_tokens = inference_config.get("maxTokens")
        if max_tokens is not None and limit is not None and max_tokens > limit:
            raise ValidationException(
                f"The maximum tokens you requested exceeds the model limit of {limit}. "
                f"Try again with a maximum tokens value that is lower than {limit}."
            )
        for path in response_field_paths:
            if not path.startswith("/"):
                raise ValidationException(
                    f"The additionalModelResponseFieldPaths entry '{path}' is not a valid "
                    "JSON Pointer. Each path must start with '/'."
                )
        invocation = Invocation(
            operation=operation,
            model_id=model_id,
            model=model,
            messages=messages,
            system=system,
            inference_config=inference_config,
            tool_config=tool_config,
            additional_request_fields=additional_request_fields,
            request_metadata=request_metadata,
        )
        reply = self.responder(invocation)
        budget = max_tokens or min(limit or DEFAULT_MAX_TOKENS, DEFAULT_MAX_TOKENS)
        result = finish(invocation, reply, budget, self.prompt_cache)
        output: dict[str, Any] = {
            "output": {"message": {"role": "assistant", "content": result.content}},
            "stopReason": result.stop_reason,
            "usage": result.usage,
            "metrics": {"latencyMs": result.latency_ms},
        }
        if response_field_paths:
            output["additionalModelResponseFields"] = result.additional_response_fields(
                response_field_paths
            )
        return output


# bedrock-runtime has no region list in botocore's endpoint data; it runs wherever the
# control plane does, so its regions come from "bedrock".
bedrockruntime_backends = BackendDict(BedrockRuntimeBackend, "bedrock")
