"""Per-family details of the ``usage`` member Bedrock returns from Converse.

Claude 3.7 and later always report the cache counters in a (non-streamed) Converse
response, as 0 when no cache point was used; older Claude models and the other families
report them only when the request has a cache point. Sources: pydantic/pydantic-ai
``tests/models/cassettes/test_bedrock/*.yaml`` (Claude 3.7 Sonnet, Sonnet 4, Sonnet 4.5,
2025–2026, every response) against Arize-ai/openinference
``js/packages/openinference-instrumentation-bedrock/test/recordings/*converse*.json``
(Claude 3.5 Sonnet, 2025: never). The Claude 5 generation reports only
``cacheReadInputTokens`` (langchain-ai/langchain-aws cassettes, Sonnet 5, 2026). ConverseStream ``metadata`` usage has no such zeros
(pydantic-ai ``test_bedrock_native_output_stream.yaml``, Sonnet 4.5).
"""

from __future__ import annotations

from typing import Any

from ..catalog import FoundationModel
from ..catalog.caching import unused_cache_counters


def invoke_counts(model: FoundationModel, usage: dict[str, Any], latency_ms: int) -> dict[str, int]:
    """The counts InvokeModel reports in ``x-amzn-bedrock-*`` headers.

    Nova always sends the two cache headers (0 when unused: Arize-ai/openinference js/
    packages/openinference-instrumentation-bedrock/test/recordings/should-handle-amazon-nova-
    models.json, 2025); other families send them when the request used a cache point
    (unverified: no recording of Claude's InvokeModel with caching is on file).
    """
    counts = {
        "inputTokens": int(usage["inputTokens"]),
        "outputTokens": int(usage["outputTokens"]),
        "latencyMs": latency_ms,
    }
    if model.family == "nova" or "cacheReadInputTokens" in usage:
        counts["cacheReadInputTokens"] = int(usage.get("cacheReadInputTokens", 0))
        counts["cacheWriteInputTokens"] = int(usage.get("cacheWriteInputTokens", 0))
    return counts


def converse_usage(model: FoundationModel, usage: dict[str, Any]) -> dict[str, Any]:
    """``usage`` as a Converse response carries it for ``model``."""
    if "cacheReadInputTokens" in usage:
        return usage
    return usage | {name: 0 for name in unused_cache_counters(model.model_id, model.family)}
