"""Trusted access programs and their enrollments (botocore 1.44).

Programs are AWS's, not the account's: the emulator offers a fixed set of its own (their
ids are the emulator's, not real program ids) so every operation has something to work on:

* ``anthropic-data-retention``: approved for the organization (``eligible``), storage for
  ``anthropic``, no self-service application;
* ``openai-data-retention``: not approved (``requestable``), storage for ``openai``, with a
  self-service application (StartTrusted...Application hands a token over).

Enrollments are stored per scope (organization, account, named project). What the API
reference says, and we do: a missing enrollment reads ``inherit`` without ``updatedAt``;
setting ``enabled`` needs the program's approval, else ConflictException, and the stored
setting is kept; ``disabled`` and ``inherit`` are always accepted; archived projects refuse
writes with ValidationException; the default project is not a project scope.

Participation is resolved (GetTrustedAccessProgram, ListTrustedAccessPrograms) project, then
account, then organization: the first stored setting that is not ``inherit`` decides
(``source``); none decides: ``program_default``. ``status`` is then ``enabled`` (enabled and
approved), ``disabled`` (disabled), ``eligible`` (approved) or ``requestable``. This rule
and every error text here are the emulator's (unverified).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .common import (
    ConflictException,
    ResourceNotFoundException,
    Scope,
    ValidationException,
    new_id,
    page,
    timestamp,
)
from .projects import Projects

__all__ = ["PROGRAMS", "Program", "TrustedAccess"]

ARN_PREFIX = "trusted-access-program/"
#: How long an application token from StartTrusted...Application lasts (unverified).
TOKEN_SECONDS = 3600

# Unverified texts: not observed from real Bedrock.
NOT_FOUND = "Trusted access program {id} not found."
NOT_APPROVED = "The {scope} is not approved for trusted access program {id}."
NO_APPLICATION = (
    "Trusted access program {id} has no self-service application; contact your AWS account team."
)


@dataclass(frozen=True)
class Program:
    program_id: str
    name: str
    description: str
    provider: str
    details_url: str
    approved: bool
    storage_provider: str | None
    enrollment_url: str | None = None


PROGRAMS: tuple[Program, ...] = (
    Program(
        "anthropic-data-retention",
        "Anthropic data retention (emulated)",
        "An emulated program: approved for the organization; enables retention storage.",
        "Anthropic",
        "https://docs.aws.amazon.com/bedrock/",
        approved=True,
        storage_provider="anthropic",
    ),
    Program(
        "openai-data-retention",
        "OpenAI data retention (emulated)",
        "An emulated program: not approved; applications are self-service.",
        "OpenAI",
        "https://docs.aws.amazon.com/bedrock/",
        approved=False,
        storage_provider="openai",
        enrollment_url="https://docs.aws.amazon.com/bedrock/",
    ),
)


@dataclass
class Enrollment:
    opt_in: str
    updated: datetime


class TrustedAccess:
    """Enrollments of one backend, keyed by (program id, scope, project id)."""

    def __init__(self, scope: Scope, projects: Projects) -> None:
        self.scope = scope
        self.projects = projects
        self.enrollments: dict[tuple[str, str, str], Enrollment] = {}

    # -- lookups -------------------------------------------------------------------------

    def program(self, identifier: str) -> Program:
        program_id = identifier.rsplit(ARN_PREFIX, 1)[-1]
        for program in PROGRAMS:
            if program.program_id == program_id:
                return program
        raise ResourceNotFoundException(NOT_FOUND.format(id=identifier))

    def approved_storage(self, provider: str) -> bool:
        """Whether a storage-capable program of ``provider`` is approved (covers all scopes)."""
        return any(p.approved and p.storage_provider == provider for p in PROGRAMS)

    def _key(
        self, program: Program, level: str, project: str | None, writing: bool = False
    ) -> tuple[str, str, str]:
        if level != "project":
            return program.program_id, level, ""
        assert project is not None
        project_id, _ = self.projects.named(project, writing=writing)
        return program.program_id, level, project_id

    # -- enrollments ---------------------------------------------------------------------

    def get_enrollment(self, p: dict[str, Any], level: str) -> dict[str, Any]:
        program = self.program(p["programIdentifier"])
        stored = self.enrollments.get(self._key(program, level, p.get("projectIdentifier")))
        if stored is None:
            return {"optIn": "inherit"}
        return {"optIn": stored.opt_in, "updatedAt": stored.updated}

    def put_enrollment(self, p: dict[str, Any], level: str) -> dict[str, Any]:
        program = self.program(p["programIdentifier"])
        key = self._key(program, level, p.get("projectIdentifier"), writing=True)
        if p["optIn"] == "enabled" and not program.approved:
            raise ConflictException(NOT_APPROVED.format(scope=level, id=program.program_id))
        enrollment = self.enrollments[key] = Enrollment(p["optIn"], timestamp(self.scope.clock))
        return {"optIn": enrollment.opt_in, "updatedAt": enrollment.updated}

    def start_application(self, p: dict[str, Any], level: str) -> dict[str, Any]:
        program = self.program(p["programIdentifier"])
        if level == "project":
            self.projects.named(p["projectIdentifier"], writing=False)
        if program.enrollment_url is None:
            raise ValidationException(NO_APPLICATION.format(id=program.program_id))
        expires = timestamp(self.scope.clock) + timedelta(seconds=TOKEN_SECONDS)
        handoff = {
            "enrollmentUrl": program.enrollment_url,
            "applicationToken": new_id(32),
            "applicationTokenExpiresAt": expires,
        }
        return {"result": {"providerHandoff": handoff}}

    # -- resolved participation ----------------------------------------------------------

    def summary(self, program: Program, project: str | None) -> dict[str, Any]:
        project_id = self.projects.named(project, writing=False)[0] if project else None
        chain = [("organization", ""), ("account", "")]
        if project_id is not None:
            chain.append(("project", project_id))
        addressed = self.enrollments.get((program.program_id, *chain[-1]))
        source, opt_in = "program_default", "inherit"
        for level, key in reversed(chain):
            stored = self.enrollments.get((program.program_id, level, key))
            if stored is not None and stored.opt_in != "inherit":
                source, opt_in = level, stored.opt_in
                break
        if opt_in == "disabled":
            status = "disabled"
        elif program.approved:
            status = "enabled" if opt_in == "enabled" else "eligible"
        else:
            status = "requestable"
        resolved: dict[str, Any] = {"accountId": self.scope.account_id}
        if project_id is not None:
            resolved["projectArn"] = self.projects.arn_of(project_id)
        out: dict[str, Any] = {
            "programId": program.program_id,
            "name": program.name,
            "description": program.description,
            "providerName": program.provider,
            "detailsUrl": program.details_url,
            "status": status,
            "source": source,
            "resolvedFor": resolved,
            "optIn": addressed.opt_in if addressed is not None else "inherit",
        }
        if program.approved:
            out["eligibilityScope"] = "organization"
        if program.enrollment_url is not None:
            out["enrollmentUrl"] = program.enrollment_url
        if addressed is not None:
            out["updatedAt"] = addressed.updated
        return out

    def get_program(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.summary(self.program(p["programIdentifier"]), p.get("projectIdentifier"))

    def list_programs(self, p: dict[str, Any]) -> dict[str, Any]:
        project = p.get("projectIdentifier")
        views = [self.summary(program, project) for program in PROGRAMS]
        items, token = page(views, p.get("maxResults"), p.get("nextToken"), "programId")
        return {"programSummaries": items, "nextToken": token}
