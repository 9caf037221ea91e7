"""Per-model prompt-caching data: the minimum tokens a cache checkpoint must add.

The figures live in ``prompt_cache.json`` beside the catalog, each model with its source.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

__all__ = ["minimum_cache_tokens", "unused_cache_counters"]

# Claude models before 3.7 (3 Haiku/Sonnet/Opus, 3.5 Sonnet/Haiku) report cache counters
# only when the request has a cache point.
_OLDER_CLAUDE = re.compile(r"anthropic\.claude-(3-(haiku|sonnet|opus)|3-5-|v2|instant)")
# The Claude 5 generation reports only the read counter when no cache point was sent:
# langchain-ai/langchain-aws libs/aws/tests/cassettes/*.yaml.gz @0434c7f94f (Sonnet 5,
# 2026, every Converse response); Opus 5 and Fable 5 are assumed to match (unverified).
_CLAUDE_5 = re.compile(r"anthropic\.claude-(sonnet|opus|fable)-5")


@cache
def _minimums() -> dict[str, int]:
    text = resources.files("moto_bedrock").joinpath("catalog/prompt_cache.json").read_text("utf-8")
    table: dict[str, int] = json.loads(text)["minimum_tokens"]
    return table


def minimum_cache_tokens(model_id: str) -> int:
    """The model's minimum checkpoint size in tokens; 0 when none is known.

    A provisioned-throughput variant (``…:0:200k``) has its base model's minimum.
    """
    table = _minimums()
    while model_id not in table and model_id.count(":") > 1:
        model_id = model_id.rsplit(":", 1)[0]
    return table.get(model_id, 0)


def unused_cache_counters(model_id: str, family: str) -> tuple[str, ...]:
    """The cache counters a model's Converse ``usage`` carries as 0 without a cache point."""
    if family != "anthropic" or _OLDER_CLAUDE.match(model_id):
        return ()
    if _CLAUDE_5.match(model_id):
        return ("cacheReadInputTokens",)
    return ("cacheReadInputTokens", "cacheWriteInputTokens")
