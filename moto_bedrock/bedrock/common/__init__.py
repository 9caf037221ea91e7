"""Machinery every control-plane resource family shares.

* :class:`Scope` — one backend's account, region, partition, behaviour clock and tags;
  ``scope.arn(type, id)`` makes an ARN.
* :class:`Store` — a family's records by id, found by id, ARN or name; registers the
  family's ARNs as taggable and forgets tags on delete.
* :class:`TagStore` — Tag/Untag/ListTagsForResource for every registered family, with
  the limits Bedrock applies.
* :class:`Lifecycle` / :class:`Progress` — statuses that advance on the behaviour clock.
* :func:`page` — ``maxResults``/``nextToken`` pagination; :func:`narrowed` — the List*
  filters and sort orders the service model declares (``filters.py``).
* :func:`new_id`, :func:`timestamp` — ids from moto's seeded random source, times from the
  clock.
* :class:`Idempotency` — one answer per ``clientRequestToken``/``clientToken``.
* The modeled errors the control plane raises.

A new family (guardrails, batch jobs, ...) takes the backend's ``scope``, makes its
``Store``\\ s, and uses ``Progress`` for anything with a status.
"""

from .errors import (
    ConflictException,
    ResourceInUseException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    TooManyTagsException,
    ValidationException,
)
from .filters import narrowed
from .idempotency import Idempotency
from .ids import new_id, resource_arn, timestamp
from .lifecycle import Lifecycle, Progress
from .paging import InvalidNextToken, page
from .store import Scope, Store
from .tags import MAX_TAGS_PER_RESOURCE, TagStore

__all__ = [
    "MAX_TAGS_PER_RESOURCE",
    "ConflictException",
    "Idempotency",
    "InvalidNextToken",
    "Lifecycle",
    "Progress",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "Scope",
    "ServiceQuotaExceededException",
    "Store",
    "TagStore",
    "TooManyTagsException",
    "ValidationException",
    "narrowed",
    "new_id",
    "page",
    "resource_arn",
    "timestamp",
]
