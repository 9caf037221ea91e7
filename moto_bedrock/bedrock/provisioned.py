"""Provisioned throughput: model units bought for a foundation or custom model.

A provisioned model is ``Creating`` for :data:`PROVISIONING_SECONDS` on the behaviour clock,
then ``InService``; an update that changes its model or units makes it ``Updating`` for the
same time. Its ARN (``provisioned-model/<12 chars>``) is a runtime ``modelId`` only while
``InService``.

Its model is a catalog model listing ``PROVISIONED`` (which includes the catalog's
provisioned-only context-length variants, such as ``...-v1:0:48k``: those answer only
through a provisioned ARN) or a custom model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..bedrockruntime.exceptions import ModelNotReadyException
from ..catalog import load_catalog
from ..catalog.resolution import find_foundation_model
from .common import (
    Lifecycle,
    Progress,
    ResourceNotFoundException,
    Scope,
    Store,
    ValidationException,
    page,
    timestamp,
)
from .common.filters import narrowed
from .invocable import Target

__all__ = ["ModelRef", "ProvisionedThroughput"]

RESOURCE_TYPE = "provisioned-model"
PROVISIONING_SECONDS = 600.0
CREATING = Lifecycle.of(("Creating", PROVISIONING_SECONDS), then="InService")
UPDATING = Lifecycle.of(("Updating", PROVISIONING_SECONDS), then="InService")
COMMITMENTS = {"OneMonth": 30, "SixMonths": 182}

# Unverified texts.
NOT_FOUND = "Provisioned model {id} not found."
NOT_PROVISIONABLE = "The model {id} does not support provisioned throughput."
NOT_IN_SERVICE = "The provisioned model {arn} is not in service (status: {status})."


@dataclass(frozen=True)
class ModelRef:
    """A model a provisioned throughput can serve: its ARN and the catalog model answering."""

    arn: str
    catalog_id: str
    foundation_arn: str


@dataclass
class Provisioned:
    name: str
    units: int
    desired_units: int
    model: ModelRef
    desired_model: ModelRef
    commitment: str | None
    created: datetime
    modified: datetime
    progress: Progress


class ProvisionedThroughput:
    def __init__(self, scope: Scope, custom_model: Callable[[str], ModelRef | None]) -> None:
        self.scope = scope
        self.custom_model = custom_model
        self.store: Store[Provisioned] = Store(
            scope, RESOURCE_TYPE, NOT_FOUND, name_of=lambda p: p.name
        )

    def model_ref(self, model_id: str) -> ModelRef:
        """The model ``model_id`` (id or ARN, foundation or custom) names."""
        custom = self.custom_model(model_id)
        if custom is not None:
            return custom
        model = find_foundation_model(load_catalog(), model_id, self.scope.region)
        if model is None or "PROVISIONED" not in model.inference_types_supported:
            raise ValidationException(NOT_PROVISIONABLE.format(id=model_id))
        arn = model.arn(self.scope.region, self.scope.partition)
        return ModelRef(arn, model.model_id, arn)

    def _view(self, resource_id: str, p: Provisioned, summary: bool) -> dict[str, Any]:
        view: dict[str, Any] = {
            "provisionedModelName": p.name,
            "provisionedModelArn": self.store.arn_of(resource_id),
            "modelArn": p.model.arn,
            "desiredModelArn": p.desired_model.arn,
            "foundationModelArn": p.model.foundation_arn,
            "modelUnits": p.units,
            "desiredModelUnits": p.desired_units,
            "status": p.progress.status,
            "creationTime": p.created,
            "lastModifiedTime": p.modified,
        }
        if p.commitment is not None:
            view["commitmentDuration"] = p.commitment
            view["commitmentExpirationTime"] = p.created + timedelta(days=COMMITMENTS[p.commitment])
        return view

    def _settle(self, p: Provisioned) -> None:
        """Apply a finished update: the desired model and units become the current ones."""
        if p.progress.done:
            p.model, p.units = p.desired_model, p.desired_units

    def create(
        self,
        name: str,
        model_id: str,
        model_units: int,
        commitment: str | None = None,
        tags: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        ref = self.model_ref(model_id)
        now = timestamp(self.scope.clock)
        resource_id = self.store.new_id()
        p = Provisioned(
            name,
            model_units,
            model_units,
            ref,
            ref,
            commitment,
            now,
            now,
            Progress(CREATING, self.scope.clock),
        )
        arn = self.store.add(resource_id, p)
        self.scope.tags.tag(arn, tags)
        return {"provisionedModelArn": arn}

    def get(self, identifier: str) -> dict[str, Any]:
        resource_id, p = self.store.get(identifier)
        self._settle(p)
        return self._view(resource_id, p, summary=False)

    def list(self, filters: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        views = []
        for resource_id, p in self.store.items():
            self._settle(p)
            views.append(self._view(resource_id, p, summary=True))
        views = narrowed(
            "ListProvisionedModelThroughputs",
            filters,
            views,
            self.scope.account_id,
            default_order="Descending",
        )
        return page(
            views, filters.get("maxResults"), filters.get("nextToken"), "provisionedModelArn"
        )

    def update(self, identifier: str, new_name: str | None, new_model_id: str | None) -> None:
        _, p = self.store.get(identifier)
        self._settle(p)
        if new_name is not None:
            p.name = new_name
        if new_model_id is not None:
            p.desired_model = self.model_ref(new_model_id)
            p.progress.restart(UPDATING)
        p.modified = timestamp(self.scope.clock)

    def delete(self, identifier: str) -> None:
        self.store.remove(identifier)

    def resolve(self, identifier: str, prompt: str) -> Target | None:
        if f":{RESOURCE_TYPE}/" not in identifier:
            return None
        found = self.store.find(identifier)
        if found is None:
            raise ResourceNotFoundException(NOT_FOUND.format(id=identifier))
        p = found[1]
        self._settle(p)
        if p.progress.status != "InService":
            raise ModelNotReadyException(
                NOT_IN_SERVICE.format(arn=identifier, status=p.progress.status)
            )
        return Target(p.model.catalog_id, RESOURCE_TYPE)
