"""Data retention storage: where a model provider's retained data goes (botocore 1.44).

One record per (scope, model provider), for the account, the organization and each named
project. What the API reference says, and we do: a Put creates or replaces the whole record
(last write wins) and needs an approved storage-capable trusted access program of the
provider (ConflictException otherwise, see :mod:`.trusted_access`); a Get of no record is
ResourceNotFoundException. For ``customer_managed`` the KMS key must be in this region; its
key and bucket statuses go ``pending`` -> ``active`` on the behaviour clock (60 s, the
emulator's choice). ``storageConfiguration`` is required for ``customer_managed`` and
refused for ``amazon_managed`` (the emulator's reading). Deletes of a missing record succeed;
a project's record may be deleted after the project is archived, not written. Error texts
are unverified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .common import (
    ConflictException,
    Lifecycle,
    Progress,
    ResourceNotFoundException,
    Scope,
    ValidationException,
    timestamp,
)
from .projects import Projects
from .trusted_access import TrustedAccess

__all__ = ["RetentionStorage"]

VALIDATING = Lifecycle.of(("pending", 60.0), then="active")

# Unverified texts: not observed from real Bedrock.
NOT_FOUND = "No data retention storage is configured for {provider} at {scope} scope."
NOT_ELIGIBLE = (
    "Data retention storage for {provider} needs trusted access eligibility for a "
    "storage-capable program of that provider."
)
NEEDS_CONFIG = "storageConfiguration is required when storageDestination is customer_managed."
NO_CONFIG = "storageConfiguration must be omitted when storageDestination is amazon_managed."
KEY_REGION = "The KMS key {arn} must be in {region}, the Region of the configuration."


@dataclass
class Record:
    destination: str
    configuration: dict[str, Any] | None
    updated: datetime
    progress: Progress


class RetentionStorage:
    """Records of one backend, keyed by (scope, project id or "", provider)."""

    def __init__(self, scope: Scope, projects: Projects, access: TrustedAccess) -> None:
        self.scope = scope
        self.projects = projects
        self.access = access
        self.records: dict[tuple[str, str, str], Record] = {}

    def _key(self, level: str, p: dict[str, Any], writing: bool) -> tuple[str, str, str]:
        project_id = ""
        if level == "project":
            project_id, _ = self.projects.named(p["projectIdentifier"], writing=writing)
        return level, project_id, p["modelProvider"]

    def _view(self, key: tuple[str, str, str], record: Record) -> dict[str, Any]:
        level, project_id, provider = key
        out: dict[str, Any] = {
            "scope": level,
            "modelProvider": provider,
            "storageDestination": record.destination,
            "updatedAt": record.updated,
        }
        if record.configuration is not None:
            out["storageConfiguration"] = record.configuration
            out["kmsKeyStatus"] = out["s3BucketStatus"] = record.progress.status
        if level == "project":
            out["projectArn"] = self.projects.arn_of(project_id)
        return out

    def put(self, p: dict[str, Any], level: str) -> dict[str, Any]:
        key = self._key(level, p, writing=True)
        config = p.get("storageConfiguration")
        if p["storageDestination"] == "customer_managed":
            if config is None:
                raise ValidationException(NEEDS_CONFIG)
            key_region = str(config["kmsKeyArn"]).split(":")[3]
            if key_region != self.scope.region:
                raise ValidationException(
                    KEY_REGION.format(arn=config["kmsKeyArn"], region=self.scope.region)
                )
        elif config is not None:
            raise ValidationException(NO_CONFIG)
        if not self.access.approved_storage(p["modelProvider"]):
            raise ConflictException(NOT_ELIGIBLE.format(provider=p["modelProvider"]))
        record = Record(
            p["storageDestination"],
            dict(config) if config is not None else None,
            timestamp(self.scope.clock),
            Progress(VALIDATING, self.scope.clock),
        )
        self.records[key] = record
        return self._view(key, record)

    def get(self, p: dict[str, Any], level: str) -> dict[str, Any]:
        key = self._key(level, p, writing=False)
        record = self.records.get(key)
        if record is None:
            raise ResourceNotFoundException(
                NOT_FOUND.format(provider=p["modelProvider"], scope=level)
            )
        return self._view(key, record)

    def delete(self, p: dict[str, Any], level: str) -> dict[str, Any]:
        self.records.pop(self._key(level, p, writing=False), None)
        return {}
