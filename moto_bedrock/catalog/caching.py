"""Per-model prompt-caching data: the minimum tokens a cache checkpoint must add.

The figures live in ``prompt_cache.json`` beside the catalog, each model with its source.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

__all__ = ["minimum_cache_tokens"]


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
