"""What every resource family keeps: records by id, found by id, name or ARN.

A family makes one :class:`Store` on the backend's :class:`Scope`; the store registers
itself with the scope's tag store, so its ARNs are taggable from then on, and drops a
resource's tags when it is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ...behaviour.clock import Clock
from .errors import ResourceNotFoundException
from .ids import new_id, resource_arn
from .tags import TagStore

__all__ = ["Scope", "Store"]

R = TypeVar("R")


@dataclass
class Scope:
    """The account, region and shared state every family of one backend works in."""

    account_id: str
    region: str
    partition: str
    clock: Clock
    tags: TagStore = field(default_factory=TagStore)

    def arn(self, resource_type: str, resource_id: str) -> str:
        return resource_arn(
            self.partition, self.region, self.account_id, resource_type, resource_id
        )


class Store(Generic[R]):
    """Resources of one family: id -> record, with their ARNs.

    ``not_found`` is the ResourceNotFoundException text (``{id}`` is replaced by the
    identifier asked for); ``name_of`` lets a record be found by its name too.
    """

    def __init__(
        self,
        scope: Scope,
        resource_type: str,
        not_found: str,
        *,
        taggable: bool = True,
        name_of: Callable[[R], str] | None = None,
    ) -> None:
        self.scope = scope
        self.resource_type = resource_type
        self.not_found = not_found
        self.name_of = name_of
        self._records: dict[str, R] = {}
        self._arns: dict[str, str] = {}
        #: ARN -> id, so a lookup by ARN (every Get by ARN, every tag call's ownership
        #: question) is one dict read rather than a scan of the family.
        self._ids: dict[str, str] = {}
        if taggable:
            scope.tags.register(self.has_arn)

    def new_id(self, make: Callable[[], str] = new_id) -> str:
        """A fresh id from ``make`` (default: Bedrock's ``[a-z0-9]{12}``)."""
        resource_id = make()
        while resource_id in self._records:  # a seeded source may repeat: never reuse an id
            resource_id = make()
        return resource_id

    def arn_of(self, resource_id: str) -> str:
        return self._arns.get(resource_id) or self.scope.arn(self.resource_type, resource_id)

    def add(self, resource_id: str, record: R, arn: str | None = None) -> str:
        """Keep ``record``; its ARN (made from the id unless given)."""
        self._records[resource_id] = record
        arn = arn or self.scope.arn(self.resource_type, resource_id)
        self._ids.pop(self._arns.get(resource_id, ""), None)  # a re-added id's old ARN
        self._arns[resource_id] = arn
        self._ids[arn] = resource_id
        return arn

    def has_arn(self, arn: str) -> bool:
        return arn in self._ids

    def find(self, identifier: str) -> tuple[str, R] | None:
        """The (id, record) an id, ARN or name names, or None."""
        if identifier in self._records:
            return identifier, self._records[identifier]
        resource_id = self._ids.get(identifier)
        if resource_id is not None:
            return resource_id, self._records[resource_id]
        if self.name_of is not None:
            for resource_id, record in self._records.items():
                if self.name_of(record) == identifier:
                    return resource_id, record
        return None

    def get(self, identifier: str) -> tuple[str, R]:
        found = self.find(identifier)
        if found is None:
            raise ResourceNotFoundException(self.not_found.format(id=identifier))
        return found

    def remove(self, identifier: str) -> R:
        resource_id, record = self.get(identifier)
        self.scope.tags.forget(self._arns[resource_id])
        del self._records[resource_id]
        del self._ids[self._arns.pop(resource_id)]
        return record

    def items(self) -> Iterator[tuple[str, R]]:
        return iter(list(self._records.items()))

    def __len__(self) -> int:
        return len(self._records)
