"""Inference profiles: the catalog's system-defined ones and application profiles users make.

An application profile copies one foundation model (``modelSource.copyFrom`` a
foundation-model ARN) or a system profile (its ARN) and is invoked by its own ARN,
``arn:aws:bedrock:<region>:<account>:application-inference-profile/<12 chars>``; it routes
to the models it copied. Invoking a deleted one fails like any unknown model identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..bedrockruntime.exceptions import INVALID_MODEL_IDENTIFIER
from ..catalog import FoundationModel, load_catalog
from ..catalog.resolution import (
    PROFILES_CREATED,
    SystemProfile,
    find_foundation_model,
    find_system_profile,
    system_profiles,
)
from .common import (
    ConflictException,
    ResourceNotFoundException,
    Scope,
    Store,
    ValidationException,
    page,
    timestamp,
)
from .invocable import Target

__all__ = ["InferenceProfiles"]

APPLICATION = "application-inference-profile"
NOT_FOUND = "Inference profile not found."  # unverified beyond the existing system look-up
# Unverified texts.
NAME_TAKEN = "An inference profile with the name {name} already exists."
BAD_SOURCE = "The model source {source} is not a foundation model or inference profile ARN."
NOT_DELETABLE = "System-defined inference profiles can't be deleted."

_FM_ARN = re.compile(r"arn:aws[a-z-]*:bedrock:[a-z0-9-]*::foundation-model/.+")


@dataclass
class ApplicationProfile:
    name: str
    description: str | None
    model: FoundationModel
    model_arns: list[str]
    created: datetime


class InferenceProfiles:
    """System profiles from the catalog plus this backend's application profiles."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.store: Store[ApplicationProfile] = Store(
            scope, APPLICATION, NOT_FOUND, name_of=lambda p: p.name
        )

    # -- look-ups ------------------------------------------------------------------------

    def _system(self, identifier: str) -> SystemProfile | None:
        s = self.scope
        return find_system_profile(load_catalog(), identifier, s.region, s.account_id, s.partition)

    def _system_view(self, profile: SystemProfile) -> dict[str, Any]:
        return {
            "inferenceProfileName": profile.name,
            "description": profile.description,
            "createdAt": PROFILES_CREATED,
            "updatedAt": PROFILES_CREATED,
            "inferenceProfileArn": profile.arn,
            "models": [{"modelArn": arn} for arn in profile.model_arns()],
            "inferenceProfileId": profile.profile_id,
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        }

    def _app_view(self, profile_id: str, profile: ApplicationProfile) -> dict[str, Any]:
        view = {
            "inferenceProfileName": profile.name,
            "createdAt": profile.created,
            "updatedAt": profile.created,
            "inferenceProfileArn": self.store.arn_of(profile_id),
            "models": [{"modelArn": arn} for arn in profile.model_arns],
            "inferenceProfileId": profile_id,
            "status": "ACTIVE",
            "type": "APPLICATION",
        }
        if profile.description is not None:
            view["description"] = profile.description
        return view

    # -- operations ----------------------------------------------------------------------

    def create(
        self,
        name: str,
        model_source: dict[str, Any],
        description: str | None = None,
        tags: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        if self.store.find(name) is not None:
            raise ConflictException(NAME_TAKEN.format(name=name))
        source = str(model_source.get("copyFrom", ""))
        system = self._system(source) if source.startswith("arn:") else None
        if system is not None:
            model, arns = system.model, system.model_arns()
        elif _FM_ARN.fullmatch(source):
            found = find_foundation_model(load_catalog(), source, self.scope.region)
            if found is None:
                raise ResourceNotFoundException(BAD_SOURCE.format(source=source))
            model, arns = found, [found.arn(self.scope.region, self.scope.partition)]
        else:
            raise ValidationException(BAD_SOURCE.format(source=source))
        profile_id = self.store.new_id()
        profile = ApplicationProfile(name, description, model, arns, timestamp(self.scope.clock))
        arn = self.store.add(profile_id, profile)
        self.scope.tags.tag(arn, tags)
        return {"inferenceProfileArn": arn, "status": "ACTIVE"}

    def get(self, identifier: str) -> dict[str, Any]:
        system = self._system(identifier)
        if system is not None:
            return self._system_view(system)
        found = self.store.find(identifier)
        if found is None:
            raise ResourceNotFoundException(NOT_FOUND)
        return self._app_view(*found)

    def list(
        self, type_equals: str | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        views: list[dict[str, Any]] = []
        if type_equals in (None, "SYSTEM_DEFINED"):
            s = self.scope
            profiles = system_profiles(load_catalog(), s.region, s.account_id, s.partition)
            views += [self._system_view(p) for p in profiles]
        if type_equals in (None, "APPLICATION"):
            views += [self._app_view(i, p) for i, p in self.store.items()]
        return page(views, max_results, next_token, "inferenceProfileId")

    def delete(self, identifier: str) -> None:
        if self._system(identifier) is not None:
            raise ValidationException(NOT_DELETABLE)
        if self.store.find(identifier) is None:
            raise ResourceNotFoundException(NOT_FOUND)
        self.store.remove(identifier)

    # -- invocation ----------------------------------------------------------------------

    def resolve(self, identifier: str, prompt: str) -> Target | None:
        if f":{APPLICATION}/" not in identifier:
            return None
        found = self.store.find(identifier)
        if found is None:
            # A deleted or never-made profile is an unknown model identifier to the runtime.
            raise ValidationException(INVALID_MODEL_IDENTIFIER)
        return Target(found[1].model.model_id, APPLICATION)
