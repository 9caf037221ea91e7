"""Prompt routers: the default router of each model family, and routers users create.

A router ARN used as a runtime ``modelId`` sends each request to one of its models by a
fixed rule (real Bedrock predicts response quality; we cannot):

    the text of the request's last user message is measured in characters; under
    :data:`SHORT_PROMPT_CHARS` the router picks its first model that is not the fallback
    model, otherwise the fallback model.

``routingCriteria.responseQualityDifference`` is kept and reported but does not change
the choice. The chosen model's ARN is reported in ``trace.promptRouter.invokedModelId``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..catalog import load_catalog
from ..catalog.resolution import find_foundation_model
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

__all__ = ["DEFAULT_ROUTERS", "SHORT_PROMPT_CHARS", "PromptRouters"]

SHORT_PROMPT_CHARS = 200
DEFAULTS_CREATED = datetime(2024, 11, 20, tzinfo=timezone.utc)

#: Default routers: id -> (name, models, fallback). The model pairs follow Bedrock's
#: documented default routers; the fallback choice is unverified.
DEFAULT_ROUTERS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "anthropic.claude:1": (
        "Anthropic Prompt Router",
        ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-5-sonnet-20240620-v1:0"),
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
    ),
    "meta.llama:1": (
        "Meta Prompt Router",
        ("meta.llama3-1-8b-instruct-v1:0", "meta.llama3-1-70b-instruct-v1:0"),
        "meta.llama3-1-70b-instruct-v1:0",
    ),
    "amazon.nova:1": (
        "Amazon Nova Prompt Router",
        ("amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"),
        "amazon.nova-pro-v1:0",
    ),
}

# Unverified texts.
NOT_FOUND = "Prompt router {id} not found."
NAME_TAKEN = "A prompt router with the name {name} already exists."
BAD_MODELS = "A prompt router needs two models from the same provider, available in {region}."
BAD_FALLBACK = "The fallback model must be one of the router's models."


@dataclass
class Router:
    name: str
    description: str | None
    models: list[str]  # model ARNs, in the order given
    fallback: str
    quality_difference: float
    created: datetime
    kind: str  # "custom" | "default"


def _model_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


class PromptRouters:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.store: Store[Router] = Store(
            scope, "prompt-router", NOT_FOUND, name_of=lambda r: r.name
        )

    def _fm_arn(self, model_id: str) -> str:
        return (
            f"arn:{self.scope.partition}:bedrock:{self.scope.region}::foundation-model/{model_id}"
        )

    def _defaults(self) -> dict[str, tuple[str, Router]]:
        """Default routers whose models this region offers: id -> (ARN, router)."""
        found = {}
        catalog = load_catalog()
        for router_id, (name, models, fallback) in DEFAULT_ROUTERS.items():
            if all(find_foundation_model(catalog, m, self.scope.region) for m in models):
                arn = self.scope.arn("default-prompt-router", router_id)
                router = Router(
                    name,
                    f"Routes requests among models in the {name.split()[0]} family.",
                    [self._fm_arn(m) for m in models],
                    self._fm_arn(fallback),
                    0.0,
                    DEFAULTS_CREATED,
                    "default",
                )
                found[router_id] = (arn, router)
        return found

    def _find(self, identifier: str) -> tuple[str, Router] | None:
        for router_id, (arn, router) in self._defaults().items():
            if identifier in (arn, router_id):
                return arn, router
        found = self.store.find(identifier)
        return (self.store.arn_of(found[0]), found[1]) if found else None

    def _view(self, arn: str, r: Router) -> dict[str, Any]:
        view: dict[str, Any] = {
            "promptRouterName": r.name,
            "routingCriteria": {"responseQualityDifference": r.quality_difference},
            "createdAt": r.created,
            "updatedAt": r.created,
            "promptRouterArn": arn,
            "models": [{"modelArn": m} for m in r.models],
            "fallbackModel": {"modelArn": r.fallback},
            "status": "AVAILABLE",
            "type": r.kind,
        }
        if r.description is not None:
            view["description"] = r.description
        return view

    def create(
        self,
        name: str,
        models: list[dict[str, Any]],
        fallback: dict[str, Any],
        routing_criteria: dict[str, Any],
        description: str | None = None,
        tags: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        if self.store.find(name) is not None:
            raise ConflictException(NAME_TAKEN.format(name=name))
        catalog = load_catalog()
        arns = [str(m["modelArn"]) for m in models]
        found = [find_foundation_model(catalog, a, self.scope.region) for a in arns]
        providers = {m.provider_name for m in found if m is not None}
        if len(arns) != 2 or None in found or len(providers) != 1:
            raise ValidationException(BAD_MODELS.format(region=self.scope.region))
        if str(fallback.get("modelArn")) not in arns:
            raise ValidationException(BAD_FALLBACK)
        router = Router(
            name,
            description,
            arns,
            str(fallback["modelArn"]),
            float(routing_criteria.get("responseQualityDifference", 0.0)),
            timestamp(self.scope.clock),
            "custom",
        )
        arn = self.store.add(self.store.new_id(), router)
        self.scope.tags.tag(arn, tags)
        return {"promptRouterArn": arn}

    def get(self, identifier: str) -> dict[str, Any]:
        found = self._find(identifier)
        if found is None:
            raise ResourceNotFoundException(NOT_FOUND.format(id=identifier))
        return self._view(*found)

    def list(
        self, type_filter: str | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        views = [self._view(arn, r) for arn, r in self._defaults().values()]
        views += [self._view(self.store.arn_of(i), r) for i, r in self.store.items()]
        if type_filter is not None:
            views = [v for v in views if v["type"] == type_filter]
        return page(views, max_results, next_token, "promptRouterArn")

    def delete(self, identifier: str) -> None:
        if self.store.find(identifier) is None:
            raise ResourceNotFoundException(NOT_FOUND.format(id=identifier))
        self.store.remove(identifier)

    @staticmethod
    def choose(router: Router, prompt: str) -> str:
        """The model ARN the router sends ``prompt`` to (see the module doc)."""
        if len(prompt) < SHORT_PROMPT_CHARS:
            return next((m for m in router.models if m != router.fallback), router.fallback)
        return router.fallback

    def resolve(self, identifier: str, prompt: str) -> Target | None:
        if "prompt-router/" not in identifier:
            return None
        found = self._find(identifier)
        if found is None:
            raise ResourceNotFoundException(NOT_FOUND.format(id=identifier))
        chosen = self.choose(found[1], prompt)
        return Target(_model_id(chosen), "prompt-router", invoked_model_arn=chosen)
