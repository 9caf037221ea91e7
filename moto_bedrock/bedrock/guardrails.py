"""Guardrail resources of the ``bedrock`` control plane: the DRAFT, versions, enforcement.

A guardrail has a working copy (``DRAFT``) that UpdateGuardrail changes, and numbered
versions that CreateGuardrailVersion snapshots from it and nothing changes afterwards.
Policies are stored in ``GetGuardrail`` form (``topicPolicy.topics``, ...), converted once
from the ``*Config`` request form. Each stored version keeps its prepared
:class:`~moto_bedrock.generation.guardrails.Guardrail`, which the runtime evaluates.

Error texts: the runtime's "does not exist" text is recorded from real traffic (see
:data:`NOT_FOUND_AT_RUNTIME`); the control plane's texts below are unverified.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..generation.guardrails import Guardrail, unsafe_regex
from .common import (
    ConflictException,
    ResourceNotFoundException,
    Scope,
    Store,
    ValidationException,
    new_id,
    page,
    timestamp,
)

__all__ = [
    "NOT_FOUND_AT_RUNTIME",
    "GuardrailStore",
    "GuardrailVersion",
    "StoredGuardrail",
]

#: What Converse, InvokeModel and ApplyGuardrail answer for an unknown guardrail or version
#: (a ValidationException; seen in real traffic, quoted in several public repositories).
NOT_FOUND_AT_RUNTIME = "The guardrail identifier or version provided in the request does not exist."

#: GetGuardrail form of each policy, from its CreateGuardrail form: (policy, lists renamed).
_POLICIES = {
    "topicPolicyConfig": ("topicPolicy", {"topicsConfig": "topics", "tierConfig": "tier"}),
    "contentPolicyConfig": ("contentPolicy", {"filtersConfig": "filters", "tierConfig": "tier"}),
    "wordPolicyConfig": (
        "wordPolicy",
        {"wordsConfig": "words", "managedWordListsConfig": "managedWordLists"},
    ),
    "sensitiveInformationPolicyConfig": (
        "sensitiveInformationPolicy",
        {"piiEntitiesConfig": "piiEntities", "regexesConfig": "regexes"},
    ),
    "contextualGroundingPolicyConfig": (
        "contextualGroundingPolicy",
        {"filtersConfig": "filters", "tierConfig": "tier"},
    ),
    "automatedReasoningPolicyConfig": ("automatedReasoningPolicy", {}),
}


# Unverified control-plane texts.
NOT_FOUND = "The guardrail with identifier {id} was not found."
VERSION_NOT_FOUND = "The guardrail with identifier {id} and version {version} was not found."
EXISTS = "A guardrail with the name {name} already exists."
ENFORCED_NOT_FOUND = "The enforced guardrail configuration {id} was not found."


def _policies(request: dict[str, Any]) -> dict[str, Any]:
    """The request's policies in GetGuardrail form, checked beyond what the model checks."""
    policies: dict[str, Any] = {}
    for config_name, (name, renames) in _POLICIES.items():
        config = request.get(config_name)
        if config is None:
            continue
        policies[name] = {renames.get(k, k): copy.deepcopy(v) for k, v in config.items()}
    for entry in policies.get("contentPolicy", {}).get("filters", []):
        if entry["type"] == "PROMPT_ATTACK" and entry.get("outputStrength") != "NONE":
            # Unverified text; the rule itself is documented (prompt attacks are input only).
            raise ValidationException(
                "The output strength of the PROMPT_ATTACK content filter must be NONE."
            )
    for entry in policies.get("sensitiveInformationPolicy", {}).get("regexes", []):
        problem = unsafe_regex(entry["pattern"])
        if problem is not None:
            raise ValidationException(  # unverified text
                f"The regex pattern for '{entry['name']}' is not supported: {problem}."
            )
    for entry in policies.get("contextualGroundingPolicy", {}).get("filters", []):
        if not 0 <= entry["threshold"] < 1:
            raise ValidationException(  # unverified text
                f"The {entry['type']} threshold must be at least 0 and less than 1."
            )
    return policies


@dataclass
class GuardrailVersion:
    """The DRAFT or one numbered version: everything GetGuardrail returns for it."""

    version: str
    name: str
    description: str | None
    policies: dict[str, Any]
    blocked_input: str
    blocked_output: str
    kms_key_arn: str | None
    cross_region: dict[str, str] | None
    created_at: datetime
    updated_at: datetime
    _engine: Guardrail | None = field(default=None, repr=False)

    @property
    def engine(self) -> Guardrail:
        """The prepared policies (built on first use, then kept)."""
        if self._engine is None:
            self._engine = Guardrail(
                {
                    **self.policies,
                    "blockedInputMessaging": self.blocked_input,
                    "blockedOutputsMessaging": self.blocked_output,
                }
            )
        return self._engine

    def snapshot(self, version: str, description: str | None, now: datetime) -> GuardrailVersion:
        return GuardrailVersion(
            version=version,
            name=self.name,
            description=description if description is not None else self.description,
            policies=copy.deepcopy(self.policies),
            blocked_input=self.blocked_input,
            blocked_output=self.blocked_output,
            kms_key_arn=self.kms_key_arn,
            cross_region=self.cross_region,
            created_at=now,
            updated_at=now,
        )


@dataclass
class StoredGuardrail:
    """One guardrail: its id and ARN, the DRAFT and the numbered versions."""

    guardrail_id: str
    arn: str
    draft: GuardrailVersion
    versions: dict[int, GuardrailVersion] = field(default_factory=dict)
    last_version: int = 0

    def version(self, version: str | None) -> GuardrailVersion | None:
        if version in (None, "DRAFT"):
            return self.draft
        try:
            return self.versions.get(int(str(version)))
        except ValueError:
            return None


class GuardrailStore:
    """Every guardrail of one account and region, and the enforced configurations.

    Ids, ARNs, tags, timestamps and pages come from the control plane's shared machinery
    (:mod:`moto_bedrock.bedrock.common`): guardrail ARNs are taggable, ids follow moto's
    seeding, times follow the behaviour clock.
    """

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.lock = threading.RLock()
        self.guardrails: Store[StoredGuardrail] = Store(scope, "guardrail", NOT_FOUND)
        self.enforced: dict[str, dict[str, Any]] = {}

    def _now(self) -> datetime:
        return timestamp(self.scope.clock)

    # -- look-ups -------------------------------------------------------------------

    def find(self, identifier: str) -> StoredGuardrail | None:
        """The guardrail an id or ARN names, if any."""
        found = self.guardrails.find(identifier)
        return None if found is None else found[1]

    def _get(self, identifier: str) -> StoredGuardrail:
        return self.guardrails.get(identifier)[1]

    def _version(self, identifier: str, version: str | None) -> GuardrailVersion:
        found = self._get(identifier).version(version)
        if found is None:
            raise ResourceNotFoundException(
                VERSION_NOT_FOUND.format(id=identifier, version=version)
            )
        return found

    def resolve(
        self, identifier: str, version: str | None
    ) -> tuple[StoredGuardrail, GuardrailVersion]:
        """The guardrail and version a runtime call names, or Bedrock's runtime error."""
        with self.lock:
            guardrail = self.find(identifier)
            found = guardrail.version(version) if guardrail is not None else None
            if guardrail is None or found is None:
                raise ValidationException(NOT_FOUND_AT_RUNTIME)
            return guardrail, found

    # -- operations -----------------------------------------------------------------

    def _kms_arn(self, key: str | None) -> str | None:
        if key is None or key.startswith("alias/") or ":alias/" in key:
            return None
        if key.startswith("arn:"):
            return key
        scope = self.scope
        return f"arn:{scope.partition}:kms:{scope.region}:{scope.account_id}:key/{key}"

    def _cross_region(self, config: dict[str, Any] | None) -> dict[str, str] | None:
        if config is None:
            return None
        profile_id = str(config["guardrailProfileIdentifier"]).rsplit("/", 1)[-1]
        return {
            "guardrailProfileId": profile_id,
            "guardrailProfileArn": self.scope.arn("guardrail-profile", profile_id),
        }

    def _named(self, name: str, other_than: StoredGuardrail | None = None) -> None:
        for _, guardrail in self.guardrails.items():
            if guardrail.draft.name == name and guardrail is not other_than:
                raise ConflictException(EXISTS.format(name=name))

    def _draft(
        self, request: dict[str, Any], created_at: datetime, now: datetime
    ) -> GuardrailVersion:
        return GuardrailVersion(
            version="DRAFT",
            name=request["name"],
            description=request.get("description"),
            policies=_policies(request),
            blocked_input=request["blockedInputMessaging"],
            blocked_output=request["blockedOutputsMessaging"],
            kms_key_arn=self._kms_arn(request.get("kmsKeyId")),
            cross_region=self._cross_region(request.get("crossRegionConfig")),
            created_at=created_at,
            updated_at=now,
        )

    def create(
        self, request: dict[str, Any], tags: list[dict[str, str]] | None = None
    ) -> dict[str, Any]:
        with self.lock:
            self._named(request["name"])
            now = self._now()
            draft = self._draft(request, now, now)
            guardrail_id = self.guardrails.new_id()
            arn = self.scope.arn("guardrail", guardrail_id)
            self.scope.tags.tag(arn, tags)  # refuses too many tags before anything is kept
            self.guardrails.add(guardrail_id, StoredGuardrail(guardrail_id, arn, draft), arn)
            return {
                "guardrailId": guardrail_id,
                "guardrailArn": arn,
                "version": "DRAFT",
                "createdAt": now,
            }

    def update(self, identifier: str, request: dict[str, Any]) -> dict[str, Any]:
        """Replace the DRAFT's settings (numbered versions stay as they are)."""
        with self.lock:
            guardrail = self._get(identifier)
            self._named(request["name"], guardrail)
            guardrail.draft = self._draft(request, guardrail.draft.created_at, self._now())
            return {
                "guardrailId": guardrail.guardrail_id,
                "guardrailArn": guardrail.arn,
                "version": "DRAFT",
                "updatedAt": guardrail.draft.updated_at,
            }

    def create_version(self, identifier: str, description: str | None) -> dict[str, Any]:
        with self.lock:
            guardrail = self._get(identifier)
            guardrail.last_version += 1
            number = guardrail.last_version
            guardrail.versions[number] = guardrail.draft.snapshot(
                str(number), description, self._now()
            )
            return {"guardrailId": guardrail.guardrail_id, "version": str(number)}

    def delete(self, identifier: str, version: str | None) -> None:
        with self.lock:
            guardrail = self._get(identifier)
            if version is None:
                if any(c["guardrailId"] == guardrail.guardrail_id for c in self.enforced.values()):
                    raise ConflictException(  # unverified text
                        f"The guardrail {guardrail.guardrail_id} is used by an enforced "
                        "guardrail configuration and cannot be deleted."
                    )
                self.guardrails.remove(guardrail.guardrail_id)  # and its tags
                return
            self._version(identifier, version)
            del guardrail.versions[int(version)]

    def describe(self, identifier: str, version: str | None) -> dict[str, Any]:
        """GetGuardrail's output for the DRAFT or a numbered version."""
        with self.lock:
            guardrail = self._get(identifier)
            found = self._version(identifier, version)
            output: dict[str, Any] = {
                "name": found.name,
                "guardrailId": guardrail.guardrail_id,
                "guardrailArn": guardrail.arn,
                "version": found.version,
                "status": "READY",
                **copy.deepcopy(found.policies),
                "createdAt": found.created_at,
                "updatedAt": found.updated_at,
                "blockedInputMessaging": found.blocked_input,
                "blockedOutputsMessaging": found.blocked_output,
            }
            for key, value in (
                ("description", found.description),
                ("kmsKeyArn", found.kms_key_arn),
                ("crossRegionDetails", found.cross_region),
            ):
                if value is not None:
                    output[key] = value
            return output

    def listing(
        self, identifier: str | None, max_results: int | None, next_token: str | None
    ) -> dict[str, Any]:
        """ListGuardrails: the DRAFT of every guardrail, or every version of one; a page."""
        summaries = self.summaries(identifier)
        items, token = page(summaries, max_results, next_token, ("id", "version"), default=20)
        return {"guardrails": items, "nextToken": token}

    def summaries(self, identifier: str | None) -> list[dict[str, Any]]:
        """Every summary ListGuardrails pages through."""
        with self.lock:
            if identifier is None:
                chosen = [(g, g.draft) for _, g in self.guardrails.items()]
            else:
                guardrail = self._get(identifier)
                chosen = [(guardrail, guardrail.draft)] + [
                    (guardrail, v) for _, v in sorted(guardrail.versions.items())
                ]
            summaries = []
            for guardrail, version in chosen:
                summary: dict[str, Any] = {
                    "id": guardrail.guardrail_id,
                    "arn": guardrail.arn,
                    "status": "READY",
                    "name": version.name,
                    "version": version.version,
                    "createdAt": version.created_at,
                    "updatedAt": version.updated_at,
                }
                if version.description is not None:
                    summary["description"] = version.description
                if version.cross_region is not None:
                    summary["crossRegionDetails"] = version.cross_region
                summaries.append(summary)
            return summaries

    # -- enforced configurations -------------------------------------------------------

    def put_enforced(self, config_id: str | None, config: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            guardrail = self.find(config["guardrailIdentifier"])
            if guardrail is None or guardrail.version(config["guardrailVersion"]) is None:
                raise ResourceNotFoundException(NOT_FOUND_AT_RUNTIME)  # unverified here
            if config_id is not None and config_id not in self.enforced:
                raise ResourceNotFoundException(ENFORCED_NOT_FOUND.format(id=config_id))
            if config_id is None:
                if self.enforced:
                    raise ConflictException(  # unverified text; the model allows one
                        "An enforced guardrail configuration already exists for this account."
                    )
                config_id = new_id()
            now = self._now()
            created = self.enforced.get(config_id, {}).get("createdAt", now)
            caller = f"arn:{self.scope.partition}:iam::{self.scope.account_id}:root"
            entry: dict[str, Any] = {
                "configId": config_id,
                "guardrailArn": guardrail.arn,
                "guardrailId": guardrail.guardrail_id,
                "guardrailVersion": config["guardrailVersion"],
                "inputTags": "HONOR",
                "createdAt": created,
                "createdBy": caller,
                "updatedAt": now,
                "updatedBy": caller,
                "owner": "ACCOUNT",
            }
            for key in ("selectiveContentGuarding", "modelEnforcement"):
                if key in config:
                    entry[key] = copy.deepcopy(config[key])
            self.enforced[config_id] = entry
            return {"configId": config_id, "updatedAt": now, "updatedBy": caller}

    def list_enforced(self) -> dict[str, Any]:
        with self.lock:
            return {"guardrailsConfig": [copy.deepcopy(c) for c in self.enforced.values()]}

    def delete_enforced(self, config_id: str) -> None:
        with self.lock:
            if self.enforced.pop(config_id, None) is None:
                raise ResourceNotFoundException(ENFORCED_NOT_FOUND.format(id=config_id))

    def enforced_for(self, model_id: str) -> list[tuple[StoredGuardrail, GuardrailVersion]]:
        """The account-enforced guardrails that apply to calls of ``model_id``."""
        with self.lock:
            found = []
            for config in self.enforced.values():
                enforcement = config.get("modelEnforcement")
                if enforcement is not None:
                    included = enforcement.get("includedModels", ["ALL"])
                    excluded = enforcement.get("excludedModels", [])
                    if model_id in excluded or ("ALL" not in included and model_id not in included):
                        continue
                guardrail = self.find(config["guardrailId"])
                version = guardrail.version(config["guardrailVersion"]) if guardrail else None
                if guardrail is not None and version is not None:
                    found.append((guardrail, version))
            return found
