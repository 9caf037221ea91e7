"""Per-region on-demand availability: where a base model id is refused though the model is
offered by that id elsewhere. The figures live in ``on_demand.json`` beside the catalog."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

__all__ = ["profile_only_in"]


@cache
def _table() -> dict[str, tuple[str, ...]]:
    text = resources.files("moto_bedrock").joinpath("catalog/on_demand.json").read_text("utf-8")
    entries: dict[str, dict[str, list[str]]] = json.loads(text)["profile_only_regions"]
    return {model: tuple(entry["regions"]) for model, entry in entries.items()}


def profile_only_in(model_id: str, region: str) -> bool:
    """Whether ``region`` offers ``model_id`` through inference profiles only."""
    return region in _table().get(model_id, ())
