"""One batch inference record, answered exactly as the runtime answers a call.

The control plane's batch jobs (``bedrock/batch.py``) hand each record's ``modelInput`` to
the runtime backend, which answers it through InvokeModel or Converse, so responders,
rules, faults, quotas and the catalog apply, and the call history marks it with the job's
ARN. Errors are raised as the runtime raises them; the job turns them into error lines.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..generation.codecs import malformed
from ..wire.validation import operation_model, validate_input

if TYPE_CHECKING:
    from .models import BedrockRuntimeBackend

__all__ = ["run_batch_record"]

# Converse request members and the backend's keyword for each.
_CONVERSE_FIELDS = {
    "messages": "messages",
    "system": "system",
    "inferenceConfig": "inference_config",
    "toolConfig": "tool_config",
    "additionalModelRequestFields": "additional_request_fields",
    "additionalModelResponseFieldPaths": "response_field_paths",
    "requestMetadata": "request_metadata",
    "outputConfig": "output_config",
}
_CONVERSE_DEFAULTS: dict[str, Any] = {
    "messages": [],
    "system": [],
    "inference_config": {},
    "response_field_paths": [],
}


def run_batch_record(
    backend: BedrockRuntimeBackend,
    invocation_type: str,
    model_id: str,
    model_input: Any,
    job: str,
) -> tuple[dict[str, Any], int, int]:
    """The record's ``modelOutput`` and its input and output token counts."""
    if not isinstance(model_input, dict):
        raise malformed(f"#: expected type: JSONObject, found: {type(model_input).__name__}")
    if invocation_type == "Converse":
        validate_input(
            operation_model("bedrock-runtime", "Converse"), {**model_input, "modelId": model_id}
        )
        request = {**_CONVERSE_DEFAULTS, "model_id": model_id}
        for member, keyword in _CONVERSE_FIELDS.items():
            if member in model_input:
                request[keyword] = model_input[member]
        request.setdefault("tool_config", None)
        request.setdefault("additional_request_fields", None)
        request.setdefault("request_metadata", None)
        output = backend.converse(job=job, **request)
        usage = output["usage"]
        return output, usage["inputTokens"], usage["outputTokens"]
    body, counts = backend.invoke_model(model_id, json.dumps(model_input).encode(), job=job)
    return json.loads(body), counts["inputTokens"], counts["outputTokens"]
