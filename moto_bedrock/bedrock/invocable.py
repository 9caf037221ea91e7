"""What a control-plane resource invokes when its ARN is a runtime ``modelId``.

Families that can be invoked (application inference profiles, provisioned throughput,
custom model deployments, imported models, prompt routers, marketplace endpoints) each
add a resolver to the backend's :class:`Invocables`. The runtime asks it first; a resolver
answers None for identifiers that are not its own, a :class:`Target` for one of its usable
resources, and raises Bedrock's error for one that exists but cannot serve (a provisioned
throughput still Creating).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Invocables", "Resolver", "Target"]


@dataclass(frozen=True)
class Target:
    """The catalog model that answers, and how the caller's identifier reached it."""

    #: Catalog model id whose codec, limits and capabilities apply.
    model_id: str
    #: The kind of resource invoked (``application-inference-profile``, ...).
    via: str
    #: For a prompt router: the model ARN reported in ``trace.promptRouter.invokedModelId``.
    invoked_model_arn: str | None = None


#: ``resolver(identifier, prompt)``: ``prompt`` is the text a prompt router routes on.
Resolver = Callable[[str, str], "Target | None"]


class Invocables:
    """The resolvers of one backend, asked in the order they were added."""

    def __init__(self) -> None:
        self._resolvers: list[Resolver] = []

    def add(self, resolver: Resolver) -> None:
        self._resolvers.append(resolver)

    def resolve(self, identifier: str, prompt: str = "") -> Target | None:
        if not identifier.startswith("arn:"):
            return None
        for resolver in self._resolvers:
            target = resolver(identifier, prompt)
            if target is not None:
                return target
        return None
