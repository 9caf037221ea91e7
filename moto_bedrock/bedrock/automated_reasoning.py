"""Automated reasoning policies: the engine keeps them; their versions are here.

CreateAutomatedReasoningPolicyVersion numbers versions 1, 2, ... per policy; a version's
ARN is the policy's with ``:<n>`` appended, and GetAutomatedReasoningPolicy by that ARN
shows the version (by the plain ARN: ``DRAFT``); ListAutomatedReasoningPolicies lists every
policy's draft, or with ``policyArn`` that policy's numbered versions. ``definitionHash`` is the SHA-512 (128 hex digits, the form the model asks) of the
policy definition as sent (canonical JSON), so it changes exactly when the definition
does. Build workflows, test cases and results are the engine's, with deterministic
well-formed contents: no reasoning is run.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from .common import ResourceNotFoundException, page, timestamp
from .engine import Engine, Resource

__all__ = ["AutomatedReasoning"]

FAMILY = "AutomatedReasoningPolicy"
_VERSIONED = re.compile(r"(?P<base>.+:automated-reasoning-policy/[a-z0-9]+):(?P<n>[1-9][0-9]*)")


def definition_hash(resource: Resource) -> str:
    text = json.dumps(resource.fields.get("policyDefinition", {}), sort_keys=True, default=str)
    return hashlib.sha512(text.encode()).hexdigest()


class AutomatedReasoning:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: policy id -> when each numbered version (1, 2, ...) was created.
        self.created: dict[str, list[datetime]] = {}
        # Summaries show the policy's id and its draft version.
        engine.derived[FAMILY] = lambda policy_id, _request: {
            "policyId": policy_id,
            "version": "DRAFT",
        }
        engine.scope.tags.register(self._is_version)

    def _is_version(self, arn: str) -> bool:
        match = _VERSIONED.fullmatch(arn)
        if match is None:
            return False
        return self._version_exists(match.group("base"), int(match.group("n")))

    def _version_exists(self, base: str, number: int) -> bool:
        found = self.engine.store(FAMILY).find(base)
        return found is not None and number <= len(self.created.get(found[0], ()))

    def _policy(self, arn: str) -> tuple[Resource, str | None]:
        """The policy an ARN names and the version it names (None: the draft)."""
        match = _VERSIONED.fullmatch(arn)
        base, version = (match.group("base"), match.group("n")) if match else (arn, None)
        _, policy = self.engine.store(FAMILY).get(base)
        if version is not None and not self._version_exists(base, int(version)):
            raise ResourceNotFoundException(f"Policy version {arn} not found.")  # unverified
        return policy, version

    def create(self, params: dict[str, Any]) -> dict[str, Any]:
        result = self.engine.call("CreateAutomatedReasoningPolicy", params)
        _, policy = self.engine.store(FAMILY).get(result["policyArn"])
        result.update({"version": "DRAFT", "definitionHash": definition_hash(policy)})
        return result

    def create_version(self, params: dict[str, Any]) -> dict[str, Any]:
        policy, _ = self._policy(params["policyArn"])
        created = self.created.setdefault(policy.resource_id, [])
        now = timestamp(self.engine.scope.clock)
        created.append(now)  # the version exists (and may be tagged) from here
        number = len(created)
        arn = f"{policy.arn}:{number}"
        self.engine.scope.tags.tag(arn, params.get("tags"))
        result = {
            "policyArn": arn,
            "version": str(number),
            "name": policy.fields.get("name", ""),
            "definitionHash": definition_hash(policy),
            "createdAt": now,
        }
        if "description" in policy.fields:
            result["description"] = policy.fields["description"]
        return result

    def get(self, params: dict[str, Any]) -> dict[str, Any]:
        policy, version = self._policy(params["policyArn"])
        result = self.engine.call("GetAutomatedReasoningPolicy", {"policyArn": policy.arn})
        result.update(
            {
                "policyArn": params["policyArn"],
                "policyId": policy.resource_id,
                "version": version or "DRAFT",
                "definitionHash": definition_hash(policy),
            }
        )
        return result

    def listing(self, params: dict[str, Any]) -> dict[str, Any]:
        """The drafts of every policy; with ``policyArn``, that policy's numbered versions."""
        if params.get("policyArn") is None:
            return self.engine.call("ListAutomatedReasoningPolicies", params)
        policy, _ = self._policy(params["policyArn"])
        draft = self.engine.summary("ListAutomatedReasoningPolicies", policy)
        versions = [
            {**draft, "policyArn": f"{policy.arn}:{n}", "version": str(n), "createdAt": created}
            for n, created in enumerate(self.created.get(policy.resource_id, []), start=1)
        ]
        items, token = page(
            versions, params.get("maxResults"), params.get("nextToken"), "policyArn"
        )
        return {"automatedReasoningPolicySummaries": items, "nextToken": token}
