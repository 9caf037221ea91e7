"""The foundation-model catalog: typed, read-only views over ``catalog/catalog.json``.

The JSON file is the single source of model facts. This module only loads it, checks its
shape once, and answers look-ups; it holds no mutable state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources

__all__ = ["Catalog", "FoundationModel", "ProfileGeo", "load_catalog"]


@dataclass(frozen=True)
class FoundationModel:
    """One foundation model, with the API-visible fields and what the runtime needs."""

    model_id: str
    model_name: str
    provider_name: str
    family: str
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    response_streaming_supported: bool
    customizations_supported: tuple[str, ...]
    inference_types_supported: tuple[str, ...]
    lifecycle_status: str
    regions: tuple[str, ...] | None
    requires_inference_profile: bool
    inference_profiles: tuple[str, ...]
    max_output_tokens: int | None
    context_window: int | None
    converse: bool
    tool_use: bool
    tool_use_streaming: bool
    tool_choice_any: bool
    tool_choice_tool: bool
    system_prompt: bool
    image_input: bool
    document_input: bool
    video_input: bool
    audio_input: bool
    embedding_dimensions: tuple[int, ...] | None
    unverified: tuple[str, ...]
    """Fields whose values no source confirmed (guesses from the nearest known model)."""
    sources: tuple[str, ...]
    """Keys of the catalog's ``sources`` that back this entry."""
    notes: str | None

    def arn(self, region: str, partition: str = "aws") -> str:
        return f"arn:{partition}:bedrock:{region}::foundation-model/{self.model_id}"

    @property
    def is_embedding(self) -> bool:
        return "EMBEDDING" in self.output_modalities


@dataclass(frozen=True)
class ProfileGeo:
    """A cross-region inference-profile prefix (``us``, ``eu``, ...) and where it routes."""

    prefix: str
    label: str
    regions: tuple[str, ...]


_TUPLE_FIELDS = {
    "input_modalities",
    "output_modalities",
    "customizations_supported",
    "inference_types_supported",
    "regions",
    "inference_profiles",
    "embedding_dimensions",
    "unverified",
    "sources",
}


def _model_from_json(entry: dict[str, object]) -> FoundationModel:
    names = {f.name for f in fields(FoundationModel)}
    if set(entry) != names:
        missing, extra = names - set(entry), set(entry) - names
        raise ValueError(
            f"catalog entry {entry.get('model_id')!r}: missing {missing}, extra {extra}"
        )
    values = {
        k: (tuple(v) if k in _TUPLE_FIELDS and isinstance(v, list) else v) for k, v in entry.items()
    }
    return FoundationModel(**values)  # type: ignore[arg-type]


class Catalog:
    """All foundation models and profile geographies, indexed for look-up."""

    def __init__(self, data: dict[str, object]) -> None:
        self.date = str(data["catalog_date"])
        """The day the catalog's facts were last checked (ISO 8601)."""
        self.sources: dict[str, str] = dict(data["sources"])  # type: ignore[call-overload]
        self.default_regions: tuple[str, ...] = tuple(data["default_regions"])  # type: ignore[arg-type]
        geos: dict[str, dict[str, object]] = data["profile_geos"]  # type: ignore[assignment]
        self.geos: dict[str, ProfileGeo] = {
            prefix: ProfileGeo(prefix, str(g["label"]), tuple(g["regions"]))  # type: ignore[arg-type]
            for prefix, g in geos.items()
        }
        models = [_model_from_json(m) for m in data["models"]]  # type: ignore[attr-defined]
        self.models: tuple[FoundationModel, ...] = tuple(models)
        self._by_id = {m.model_id: m for m in models}
        if len(self._by_id) != len(models):
            raise ValueError("catalog has duplicate model ids")
        for model in models:
            unknown = set(model.sources) - set(self.sources)
            if unknown:
                raise ValueError(f"catalog entry {model.model_id!r} cites unknown {unknown}")

    def get(self, model_id: str) -> FoundationModel | None:
        return self._by_id.get(model_id)

    def models_in(self, region: str) -> list[FoundationModel]:
        """Models listed in ``region``, in catalog order."""
        return [m for m in self.models if region in (m.regions or self.default_regions)]

    def offered_in(self, model: FoundationModel, region: str) -> bool:
        return region in (model.regions or self.default_regions)


@cache
def load_catalog() -> Catalog:
    """The packaged catalog, parsed once per process."""
    text = resources.files("moto_bedrock").joinpath("catalog/catalog.json").read_text("utf-8")
    return Catalog(json.loads(text))
