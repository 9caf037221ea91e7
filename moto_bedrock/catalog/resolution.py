"""Model identifiers, resolved in one place.

Bedrock accepts a base model id, a foundation-model ARN, a system inference-profile id
(``us.``, ``eu.``, ``apac.``, ``global.`` prefixes) or its ARN. Everything that takes a model
identifier calls :func:`resolve_model` and gets either the catalog entry or AWS's error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from ..bedrockruntime.exceptions import (
    COUNTING_NOT_SUPPORTED,
    INVALID_MODEL_IDENTIFIER,
    ValidationException,
    on_demand_not_supported,
)
from . import Catalog, FoundationModel, ProfileGeo
from .on_demand import profile_only_in

__all__ = ["ResolvedModel", "SystemProfile", "resolve_model", "system_profiles"]

# System profiles carry a fixed timestamp so listings are deterministic.
PROFILES_CREATED = datetime(2024, 8, 27, tzinfo=timezone.utc)

_FM_ARN = re.compile(r"arn:aws[a-z-]*:bedrock:([a-z0-9-]*)::foundation-model/(.+)")
_PROFILE_ARN = re.compile(r"arn:aws[a-z-]*:bedrock:([a-z0-9-]*):(\d{12}):inference-profile/(.+)")


@dataclass(frozen=True)
class SystemProfile:
    """A system-defined cross-region inference profile for one model and one geography."""

    geo: ProfileGeo
    model: FoundationModel
    region: str
    account_id: str
    partition: str = "aws"

    @property
    def profile_id(self) -> str:
        return f"{self.geo.prefix}.{self.model.model_id}"

    @property
    def arn(self) -> str:
        return (
            f"arn:{self.partition}:bedrock:{self.region}:{self.account_id}"
            f":inference-profile/{self.profile_id}"
        )

    @property
    def name(self) -> str:
        return f"{self.geo.label} {self.model.provider_name} {self.model.model_name}"

    @property
    def routes_to(self) -> tuple[str, ...]:
        return self.geo.regions

    @property
    def description(self) -> str:
        return f"Routes requests to {self.model.model_name} in {', '.join(self.routes_to)}."

    def model_arns(self) -> list[str]:
        return [self.model.arn(r, self.partition) for r in self.routes_to]


@dataclass(frozen=True)
class ResolvedModel:
    """The catalog model an identifier names, and the profile it went through, if any."""

    model: FoundationModel
    profile: SystemProfile | None = None
    #: The model a prompt router chose, when the identifier was a router's ARN.
    routed_model_arn: str | None = None


def _geo_serves(geo: ProfileGeo, region: str) -> bool:
    return region in geo.regions


def system_profiles(
    catalog: Catalog, region: str, account_id: str, partition: str = "aws"
) -> list[SystemProfile]:
    """Every system-defined profile callable from ``region``, in catalog order."""
    found = []
    for model in catalog.models:
        for prefix in model.inference_profiles:
            geo = catalog.geos.get(prefix)
            if geo is not None and _geo_serves(geo, region):
                found.append(SystemProfile(geo, model, region, account_id, partition))
    return found


def find_system_profile(
    catalog: Catalog, identifier: str, region: str, account_id: str, partition: str = "aws"
) -> SystemProfile | None:
    """The system profile named by an id or ARN, if it is callable from ``region``."""
    arn = _PROFILE_ARN.fullmatch(identifier)
    if arn:
        if arn.group(1) != region or arn.group(2) != account_id:
            return None
        identifier = arn.group(3)
    prefix, _, model_id = identifier.partition(".")
    geo = catalog.geos.get(prefix)
    model = catalog.get(model_id)
    if geo is None or model is None or prefix not in model.inference_profiles:
        return None
    if not _geo_serves(geo, region):
        return None
    return SystemProfile(geo, model, region, account_id, partition)


def find_foundation_model(catalog: Catalog, identifier: str, region: str) -> FoundationModel | None:
    """The model named by a base id or foundation-model ARN, if listed in ``region``."""
    arn = _FM_ARN.fullmatch(identifier)
    if arn:
        if arn.group(1) not in ("", region):
            return None
        identifier = arn.group(2)
    model = catalog.get(identifier)
    if model is None or not catalog.offered_in(model, region):
        return None
    return model


def resolve_model(
    catalog: Catalog, identifier: str, region: str, account_id: str, partition: str = "aws"
) -> ResolvedModel:
    """Resolve a runtime ``modelId``, raising the ValidationException Bedrock would."""
    profile = find_system_profile(catalog, identifier, region, account_id, partition)
    if profile is not None:
        return ResolvedModel(profile.model, profile)
    model = find_foundation_model(catalog, identifier, region)
    if model is None:
        raise ValidationException(INVALID_MODEL_IDENTIFIER)
    if (
        model.requires_inference_profile
        or model.inference_types_supported == ("PROVISIONED",)
        or profile_only_in(model.model_id, region)
    ):
        # A provisioned-only context variant (``...:48k``) is refused on demand too; that it
        # gets the same text as a profile-only model is unverified.
        raise on_demand_not_supported(model.model_id)
    return ResolvedModel(model)


def resolve_for_counting(
    catalog: Catalog, identifier: str, region: str, account_id: str, partition: str = "aws"
) -> ResolvedModel:
    """Resolve a CountTokens ``modelId``: the inverse of invocation's profile rule.

    CountTokens counts for a foundation-model id, even of a model that can only be invoked
    through an inference profile, and refuses a profile id (pydantic/pydantic-ai cassettes
    ``test_bedrock_inference_profile_count_tokens.yaml`` and
    ``test_anthropic_bedrock_count_tokens_error.yaml``, 2025–2026; the live probe quoted in
    Boise-State-Development/agentcore-public-stack#430, 2026).
    """
    profile = find_system_profile(catalog, identifier, region, account_id, partition)
    if profile is not None:
        # Refused by the caller once faults and quotas had their say (see count_tokens).
        return ResolvedModel(profile.model, profile)
    if ":application-inference-profile/" in identifier:
        raise ValidationException(COUNTING_NOT_SUPPORTED)
    model = find_foundation_model(catalog, identifier, region)
    if model is None:
        raise ValidationException(INVALID_MODEL_IDENTIFIER)
    return ResolvedModel(model)
