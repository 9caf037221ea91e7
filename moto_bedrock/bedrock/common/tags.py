"""Tags for every taggable control-plane resource, in one store per backend.

A resource family registers a predicate saying whether an ARN names one of its existing
resources (:meth:`TagStore.register`); TagResource, UntagResource and ListTagsForResource
then work for that family with no code of its own, and a family's delete calls
:meth:`TagStore.forget`. Tags given on create go through :meth:`TagStore.tag` too, so the
limits below hold everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .errors import ResourceNotFoundException, TooManyTagsException

__all__ = ["MAX_TAGS_PER_RESOURCE", "TagStore"]

#: The most tags one resource holds, existing ones included: "50 tags per resource", the
#: documentation of the TooManyTagsException shape (botocore's bedrock service model).
MAX_TAGS_PER_RESOURCE = 50

# Unverified texts: not observed from real Bedrock.
NOT_TAGGABLE = "The resource {arn} does not exist or cannot be tagged."
TOO_MANY = "The request would make {arn} have more than {limit} tags."


class TagStore:
    """Tags by resource ARN, for the resources the registered families know."""

    def __init__(self) -> None:
        self._tags: dict[str, dict[str, str]] = {}
        self._families: list[Callable[[str], bool]] = []

    def register(self, exists: Callable[[str], bool]) -> None:
        """Add a family: ``exists(arn)`` says whether the ARN names one of its resources."""
        self._families.append(exists)

    def require(self, arn: str) -> None:
        """Raise ResourceNotFoundException unless a registered family has ``arn``."""
        if not any(exists(arn) for exists in self._families):
            raise ResourceNotFoundException(NOT_TAGGABLE.format(arn=arn))

    def tag(self, arn: str, tags: Iterable[dict[str, Any]] | None) -> None:
        """Add or overwrite ``tags`` (``[{"key": ..., "value": ...}]``) on ``arn``.

        The caller has checked the resource exists (or is creating it). All or nothing:
        a request that would pass the limit changes nothing.
        """
        current = dict(self._tags.get(arn, {}))
        for tag in tags or ():
            current[str(tag["key"])] = str(tag.get("value", ""))
        if len(current) > MAX_TAGS_PER_RESOURCE:
            raise TooManyTagsException(
                TOO_MANY.format(arn=arn, limit=MAX_TAGS_PER_RESOURCE), resource_name=arn
            )
        if current:
            self._tags[arn] = current

    def untag(self, arn: str, keys: Iterable[str]) -> None:
        current = self._tags.get(arn, {})
        for key in keys:
            current.pop(key, None)

    def tags_of(self, arn: str) -> list[dict[str, str]]:
        """The resource's tags as Bedrock lists them, in the order they were first set."""
        return [{"key": k, "value": v} for k, v in self._tags.get(arn, {}).items()]

    def forget(self, arn: str) -> None:
        """Drop a deleted resource's tags."""
        self._tags.pop(arn, None)

    # -- the three operations ------------------------------------------------------------

    def tag_resource(self, arn: str, tags: list[dict[str, Any]]) -> None:
        self.require(arn)
        self.tag(arn, tags)

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        self.require(arn)
        self.untag(arn, keys)

    def list_tags_for_resource(self, arn: str) -> list[dict[str, str]]:
        self.require(arn)
        return self.tags_of(arn)
