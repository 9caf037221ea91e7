"""Projects: named workload boundaries in one account and region (botocore 1.44).

What the API reference says, and we do:

* a named project's id starts with ``proj_``; the account's default project has the id
  ``default``; names need not be unique (the ids are ``proj_`` and 20 base32 letters, the
  form TagResource's ``resourceARN`` pattern admits: ``project/(proj_[a-z2-7]{20}|default)``);
* ``dataRetention.mode`` defaults to ``inherit``;
* UpdateProject changes exactly one of ``name`` / ``dataRetention``; the default project
  and archived projects cannot be updated;
* ArchiveProject is terminal (there is no delete); archiving an archived project succeeds
  without effect; the default project cannot be archived;
* ListProjects returns every project (``statusFilter`` narrows), 20 a page by default;
* an identifier ARN from another account, region or partition is a ValidationException.

Whether the default project is listed, and every error text here, are unverified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .common import (
    Scope,
    Store,
    ValidationException,
    narrowed,
    new_id,
    page,
    timestamp,
)

__all__ = ["DEFAULT_PROJECT", "Project", "Projects"]

DEFAULT_PROJECT = "default"
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
RESOURCE_TYPE = "project"
#: Page size when ``maxResults`` is absent (API reference, ListProjects).
DEFAULT_PAGE = 20

# Unverified texts: not observed from real Bedrock.
NOT_FOUND = "Project {id} not found."
FOREIGN_ARN = "The project ARN {id} is not in this account and Region."
ONE_FIELD = "Specify exactly one of name or dataRetention."
DEFAULT_IMMUTABLE = "The default project cannot be {verb}."
ARCHIVED = "Project {id} is archived and cannot be changed."


@dataclass
class Project:
    name: str
    mode: str
    created: datetime
    archived: datetime | None = None

    @property
    def status(self) -> str:
        return "archived" if self.archived is not None else "active"


class Projects:
    """The projects of one backend, the default one included."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.store: Store[Project] = Store(scope, RESOURCE_TYPE, NOT_FOUND)
        self.store.add(DEFAULT_PROJECT, Project(DEFAULT_PROJECT, "inherit", timestamp(scope.clock)))

    # -- lookups -------------------------------------------------------------------------

    def find(self, identifier: str) -> tuple[str, Project]:
        """The project an id or ARN names (ValidationException for a foreign ARN)."""
        if identifier.startswith("arn:") and not identifier.startswith(
            self.scope.arn(RESOURCE_TYPE, "")
        ):
            raise ValidationException(FOREIGN_ARN.format(id=identifier))
        return self.store.get(identifier)

    def arn_of(self, project_id: str) -> str:
        return self.store.arn_of(project_id)

    def named(self, identifier: str, *, writing: bool) -> tuple[str, Project]:
        """A named (non-default) project; ``writing`` refuses archived ones too."""
        project_id, project = self.find(identifier)
        if project_id == DEFAULT_PROJECT:
            raise ValidationException(DEFAULT_IMMUTABLE.format(verb="used here"))
        if writing and project.archived is not None:
            raise ValidationException(ARCHIVED.format(id=identifier))
        return project_id, project

    # -- operations ----------------------------------------------------------------------

    def view(self, project_id: str, project: Project) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": project_id,
            "arn": self.store.arn_of(project_id),
            "name": project.name,
            "status": project.status,
            "createdAt": project.created,
            "dataRetention": {"mode": project.mode},
        }
        if project.archived is not None:
            out["archivedAt"] = project.archived
        return out

    def create(self, p: dict[str, Any]) -> dict[str, Any]:
        project_id = self.store.new_id(lambda: f"proj_{new_id(20, BASE32)}")
        mode = (p.get("dataRetention") or {}).get("mode", "inherit")
        project = Project(p["name"], mode, timestamp(self.scope.clock))
        arn = self.store.add(project_id, project)
        self.scope.tags.tag(arn, p.get("tags"))
        return self.view(project_id, project)

    def get(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.view(*self.find(p["projectIdentifier"]))

    def list(self, p: dict[str, Any]) -> dict[str, Any]:
        views = [self.view(i, project) for i, project in self.store.items()]
        views = narrowed("ListProjects", p, views, self.scope.account_id)
        items, token = page(views, p.get("maxResults"), p.get("nextToken"), "id", DEFAULT_PAGE)
        return {"projectSummaries": items, "nextToken": token}

    def update(self, p: dict[str, Any]) -> dict[str, Any]:
        if (p.get("name") is None) == (p.get("dataRetention") is None):
            raise ValidationException(ONE_FIELD)
        project_id, project = self.find(p["projectIdentifier"])
        if project_id == DEFAULT_PROJECT:
            raise ValidationException(DEFAULT_IMMUTABLE.format(verb="updated"))
        if project.archived is not None:
            raise ValidationException(ARCHIVED.format(id=p["projectIdentifier"]))
        if p.get("name") is not None:
            project.name = p["name"]
        else:
            project.mode = p["dataRetention"]["mode"]
        return self.view(project_id, project)

    def archive(self, p: dict[str, Any]) -> dict[str, Any]:
        project_id, project = self.find(p["projectIdentifier"])
        if project_id == DEFAULT_PROJECT:
            raise ValidationException(DEFAULT_IMMUTABLE.format(verb="archived"))
        if project.archived is None:
            project.archived = timestamp(self.scope.clock)
        return self.view(project_id, project)
