"""One data-driven engine for the control plane's plain, CRUD-shaped resource families.

Most Bedrock control-plane operations are the same few moves on different resources:
create one (an id, an ARN, a status that advances), get it, list them (paged), update it,
stop it, delete it. The engine reads what each operation looks like from botocore's
``bedrock`` service model and does that move, so a family needs no code unless its
behaviour differs (those families have their own module and their own handlers, which
take precedence: see ``responses.py``).

How an operation is read:

* its verb and noun come from its name (``CreateEvaluationJob`` -> create, EvaluationJob;
  ``ListAutomatedReasoningPolicies`` -> list, AutomatedReasoningPolicy);
* a family is a noun that some Create/Start operation makes; the first ``...Arn`` and
  ``...Id`` members of that operation's output are the family's ARN and id members, and
  the ARN's resource type is the noun in kebab case;
* a URI member of another operation that is the ARN/id member of some family names a
  resource of that family, which must exist (ResourceNotFoundException otherwise);
* a response is built from the output shape: members the resource holds (everything the
  create and updates sent) are echoed, the family's ARN/id, timestamps and status are
  filled in, any other required member gets a well-formed deterministic value.

Statuses follow a lifecycle picked from the status member's enum (``InProgress`` ->
``Completed``, ``Creating`` -> ``Active``, ``SCHEDULED`` -> ``COMPLETED`` ...) on the
behaviour clock (:mod:`.common.lifecycle`). Requests have already been validated against
the input shape by the protocol layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from botocore.model import OperationModel, Shape

from .._moto import moto_random
from ..wire.validation import operation_model
from .common import (
    ConflictException,
    Lifecycle,
    Progress,
    ResourceNotFoundException,
    Scope,
    Store,
    new_id,
    page,
    timestamp,
)
from .common.filters import narrowed

__all__ = ["Engine", "Resource", "plan_of"]

VERBS = (
    "BatchDelete",
    "Create",
    "Get",
    "List",
    "Update",
    "Delete",
    "Stop",
    "Start",
    "Cancel",
    "Put",
    "Export",
    "Register",
    "Deregister",
)
_MAKERS = ("Create", "Start")

# Statuses a lifecycle starts in, ends in, or is stopped in; the first in each list that
# the status enum has is used.
_WORKING = ("Creating", "CREATING", "InProgress", "IN_PROGRESS", "SCHEDULED", "Submitted")
_DONE = ("Active", "ACTIVE", "InService", "Completed", "COMPLETED", "READY", "Ready")
_STOPPED = ("Stopped", "STOPPED", "CANCELLED", "Cancelled")
_STOPPING = ("Stopping", "CANCEL_REQUESTED")
#: Seconds a generic resource spends in its working status (on a manual clock).
GENERIC_SECONDS = 60.0

_MAX_DEPTH = 12

#: Families whose ids are not Bedrock's usual ``[a-z0-9]{12}`` (the forms their
#: operations' input patterns require).
_ID_FORMS = {
    "AutomatedReasoningPolicyBuildWorkflow": lambda: str(moto_random.uuid4()),
    "AutomatedReasoningPolicyTestCase": lambda: new_id().upper(),
}


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _singular(noun: str) -> str:
    for plural, single in (("Policies", "Policy"), ("ies", "y"), ("s", "")):
        if noun.endswith(plural):
            return noun[: -len(plural)] + single
    return noun


def split_name(operation: str) -> tuple[str, str]:
    """(verb, noun) of an operation name; the noun singular for List operations."""
    for verb in VERBS:
        if operation.startswith(verb) and operation[len(verb) :][:1].isupper():
            noun = operation[len(verb) :]
            if verb in ("List", "BatchDelete"):
                noun = _singular(noun)
            return verb, noun
    return "", operation


@dataclass(frozen=True)
class Plan:
    """What the engine knows about one operation, from the service model."""

    name: str
    verb: str
    noun: str
    operation: OperationModel
    uri_members: tuple[str, ...]


@dataclass(frozen=True)
class FamilyFacts:
    """A family: the noun a Create/Start operation makes, and its ARN and id members."""

    noun: str
    resource_type: str
    arn_member: str | None
    id_member: str | None
    status_shape: Shape | None


@cache
def plan_of(name: str) -> Plan:
    operation = operation_model("bedrock", name)
    verb, noun = split_name(name)
    shape = operation.input_shape
    uri = tuple(
        member
        for member, s in (shape.members.items() if shape is not None else ())
        if s.serialization.get("location") == "uri"
    )
    return Plan(name, verb, noun, operation, uri)


@lru_cache(maxsize=1)
def families() -> dict[str, FamilyFacts]:
    """Every family the service model shows, by noun."""
    model = operation_model("bedrock", "ListFoundationModels").service_model
    found: dict[str, FamilyFacts] = {}
    for name in model.operation_names:
        plan = plan_of(name)
        if plan.verb not in _MAKERS or plan.operation.output_shape is None:
            continue
        arn, ident = _own_members(plan)
        if arn is None and ident is None:
            continue  # nothing of its own to name it by: answered without a store
        found[plan.noun] = FamilyFacts(
            plan.noun, _kebab(plan.noun), arn, ident, _status_shape(model, plan.noun)
        )
    return found


def _own_members(plan: Plan) -> tuple[str | None, str | None]:
    """The ARN and id members a maker's output names its new resource by.

    Members the request also has (a parent's ARN in the URI, a model id in the body) are
    not the new resource's; a single structure member (``marketplaceModelEndpoint``) is
    looked into.
    """
    output = plan.operation.output_shape
    assert output is not None
    taken = set(plan.operation.input_shape.members) if plan.operation.input_shape else set()
    members = {m: s for m, s in output.members.items() if m not in taken}
    if len(members) == 1:
        (only,) = members.values()
        if only.type_name == "structure" and not only.is_document_type:
            members = {m: s for m, s in only.members.items() if m not in taken}
    arn = next((m for m in members if m.endswith("Arn")), None)
    ident = next((m for m in members if m.endswith("Id")), None)
    return arn, ident


def _status_shape(model: Any, noun: str) -> Shape | None:
    for name in (f"Get{noun}", f"Create{noun}", f"Start{noun}"):
        if name in model.operation_names:
            output = model.operation_model(name).output_shape
            for member, shape in output.members.items() if output is not None else ():
                if member.lower().endswith("status") and shape.enum:
                    return shape
    return None


def lifecycle_for(status: Shape | None) -> Lifecycle:
    values = list(status.enum) if status is not None else []
    working = next((s for s in _WORKING if s in values), None)
    done = next((s for s in _DONE if s in values), values[0] if values else "Active")
    if working is None:
        return Lifecycle.of(then=done)
    return Lifecycle.of((working, GENERIC_SECONDS), then=done)


ArnForm = Callable[[Scope, str, dict[str, Any]], str]
Derive = Callable[[str, dict[str, Any]], dict[str, Any]]


@dataclass
class Resource:
    """One generic resource: what its requests sent, and what the engine added."""

    family: str
    resource_id: str
    arn: str
    fields: dict[str, Any]
    created: datetime
    updated: datetime
    progress: Progress
    parents: dict[str, str] = field(default_factory=dict)


def _label_owner(member: str) -> FamilyFacts | None:
    for facts in families().values():
        if member in (facts.arn_member, facts.id_member):
            return facts
    return None


class Engine:
    """The generic families of one backend."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.stores: dict[str, Store[Resource]] = {}
        #: A family's own ARN form, where it is not ``bedrock:...:<resource-type>/<id>``
        #: (added by the family's module: ``arn_forms[noun] = form(scope, id, request)``).
        self.arn_forms: dict[str, ArnForm] = {}
        #: Members a family's module derives for a new resource from its id and request
        #: (``derived[noun] = derive(resource_id, request)``), held like the request's own.
        self.derived: dict[str, Derive] = {}
        self.singletons: dict[tuple[str, str], dict[str, Any]] = {}

    def _new_id(self, noun: str, store: Store[Resource]) -> str:
        form = _ID_FORMS.get(noun)
        return form() if form is not None else store.new_id()

    def store(self, noun: str) -> Store[Resource]:
        if noun not in self.stores:
            facts = families()[noun]
            self.stores[noun] = Store(
                self.scope,
                facts.resource_type,
                f"The resource {{id}} was not found. ({noun})",  # unverified text
            )
        return self.stores[noun]

    # -- dispatch ------------------------------------------------------------------------

    def call(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        plan = plan_of(name)
        known = plan.noun in families()
        if plan.verb in _MAKERS and known:
            return self._create(plan, params)
        if plan.verb == "List" and known:
            return self._list(plan, params)
        if plan.verb == "BatchDelete" and known:
            return self._batch_delete(plan, params)
        if plan.verb == "Put":
            self.singletons[(plan.noun, self._key(plan, params))] = dict(params)
            return self._build(plan, dict(params), None)
        if plan.verb in ("Get", "Delete") and not known and not plan.uri_members:
            return self._singleton(plan, params)
        if plan.verb == "Delete" and (plan.noun, self._key(plan, params)) in self.singletons:
            del self.singletons[(plan.noun, self._key(plan, params))]
            return self._build(plan, {}, None)
        resources = self._named(plan, params)
        own = resources.get(plan.noun) if known else None
        if own is not None:
            if plan.verb == "Delete":
                self.store(plan.noun).remove(own.resource_id)
            elif plan.verb in ("Update", "Register", "Deregister"):
                own.fields.update(params)
                own.updated = timestamp(self.scope.clock)
            elif plan.verb in ("Stop", "Cancel"):
                self._stop(own)
        fields: dict[str, Any] = {}
        for resource in resources.values():
            fields.update(resource.fields)
        fields.update(params)
        return self._build(plan, fields, own or next(iter(resources.values()), None))

    def _key(self, plan: Plan, params: dict[str, Any]) -> str:
        if plan.uri_members:
            return str(params.get(plan.uri_members[-1], ""))
        return str(params.get("resourceArn", ""))

    def _singleton(self, plan: Plan, params: dict[str, Any]) -> dict[str, Any]:
        key = (plan.noun, self._key(plan, params))
        if plan.verb == "Delete":
            self.singletons.pop(key, None)
            return self._build(plan, {}, None)
        stored = self.singletons.get(key)
        if stored is None:
            if _has_error(plan.operation, "ResourceNotFoundException") and plan.noun in (
                "UseCaseForModelAccess",
                "ResourcePolicy",
            ):
                raise ResourceNotFoundException(f"No {plan.noun} has been put.")  # unverified
            stored = {}
        return self._build(plan, {**params, **stored}, None)

    def _named(self, plan: Plan, params: dict[str, Any]) -> dict[str, Resource]:
        """The resources the operation's URI members name, by family; each must exist."""
        found: dict[str, Resource] = {}
        own = families().get(plan.noun)
        for member in plan.uri_members:
            # A member is the family's own identifier, some family's identifier (a
            # parent), or else, last in the URI of a read or change, the resource itself.
            if own is not None and member in (own.arn_member, own.id_member):
                facts: FamilyFacts | None = own
            else:
                facts = _label_owner(member)
                last = member == plan.uri_members[-1] and plan.verb not in (*_MAKERS, "List")
                if facts is None and last:
                    facts = own
            if facts is None:
                continue
            _, resource = self.store(facts.noun).get(str(params[member]))
            found[facts.noun] = resource
        return found

    def _create(self, plan: Plan, params: dict[str, Any]) -> dict[str, Any]:
        parents = self._named(plan, params)
        facts = families()[plan.noun]
        store = self.store(plan.noun)
        resource_id = self._new_id(plan.noun, store)
        form = self.arn_forms.get(plan.noun)
        arn = (
            form(self.scope, resource_id, params)
            if form is not None
            else self.scope.arn(facts.resource_type, resource_id)
        )
        now = timestamp(self.scope.clock)
        resource = Resource(
            plan.noun,
            resource_id,
            arn,
            {k: v for k, v in params.items() if k not in ("tags", "clientRequestToken")},
            now,
            now,
            Progress(lifecycle_for(facts.status_shape), self.scope.clock),
            {noun: parent.arn for noun, parent in parents.items()},
        )
        derive = self.derived.get(plan.noun)
        if derive is not None:
            resource.fields.update(derive(resource_id, params))
        store.add(resource_id, resource, arn)
        for member in ("tags", "jobTags", "modelTags"):
            if isinstance(params.get(member), list):
                self.scope.tags.tag(arn, params[member])
        fields = dict(resource.fields)
        for parent in parents.values():
            fields = {**parent.fields, **fields}
        return self._build(plan, fields, resource)

    def _stop(self, resource: Resource) -> None:
        facts = families()[resource.family]
        values = list(facts.status_shape.enum) if facts.status_shape is not None else []
        if resource.progress.done:
            raise ConflictException(  # unverified text
                f"The resource {resource.arn} is {resource.progress.status} and cannot be stopped."
            )
        stopped = next((s for s in _STOPPED if s in values), None)
        if stopped is not None:
            resource.progress.hold(stopped)

    def _list(self, plan: Plan, params: dict[str, Any]) -> dict[str, Any]:
        parents = self._named(plan, params)
        parent_arns = {noun: p.arn for noun, p in parents.items()}
        output = plan.operation.output_shape
        assert output is not None
        items_member, item_shape = _items_of(plan)
        summaries = []
        for _, resource in self.store(plan.noun).items():
            if any(resource.parents.get(n) != arn for n, arn in parent_arns.items()):
                continue
            summary = self._fill(item_shape, resource.fields, resource, 1)
            summary["_key"] = resource.resource_id
            summaries.append(summary)
        summaries = narrowed(plan.name, params, summaries, self.scope.account_id)
        result: dict[str, Any] = {}
        if "nextToken" in output.members:
            summaries, token = page(
                summaries, params.get("maxResults"), params.get("nextToken"), "_key"
            )
            result["nextToken"] = token
        for summary in summaries:
            summary.pop("_key", None)
        result[items_member] = summaries
        return result

    def summary(self, name: str, resource: Resource) -> dict[str, Any]:
        """``resource`` as List operation ``name`` shows it (one item, no listing)."""
        return self._fill(_items_of(plan_of(name))[1], resource.fields, resource, 1)

    def _batch_delete(self, plan: Plan, params: dict[str, Any]) -> dict[str, Any]:
        output = plan.operation.output_shape
        assert output is not None
        identifiers = next(v for v in params.values() if isinstance(v, list))
        errors_member = next(m for m in output.members if m == "errors")
        done_member = next(m for m in output.members if m != "errors")
        done_shape = output.members[done_member].member
        store = self.store(plan.noun)
        errors, done = [], []
        for identifier in identifiers:
            found = store.find(identifier)
            if found is None:
                errors.append(
                    {
                        "jobIdentifier": identifier,
                        "code": "ResourceNotFound",
                        "message": f"The job {identifier} was not found.",  # unverified
                    }
                )
                continue
            store.remove(identifier)
            item = self._fill(done_shape, {"jobIdentifier": identifier}, found[1], 1)
            for member in done_shape.members:
                if member.lower().endswith("status"):
                    item[member] = "Deleting"
            done.append(item)
        return {errors_member: errors, done_member: done}

    # -- building responses --------------------------------------------------------------

    def _build(self, plan: Plan, fields: dict[str, Any], own: Resource | None) -> dict[str, Any]:
        output = plan.operation.output_shape
        if output is None:
            return {}
        return self._fill(output, fields, own, 0)

    def _fill(
        self, shape: Shape, fields: dict[str, Any], own: Resource | None, depth: int
    ) -> dict[str, Any]:
        facts = families().get(own.family) if own is not None else None
        result: dict[str, Any] = {}
        required = set(shape.required_members)
        for member, member_shape in shape.members.items():
            if member_shape.serialization.get("location"):
                continue
            value = self._known(member, member_shape, fields, own, facts)
            if value is None and _plain_structure(member_shape) and depth < 2:
                # A wrapper (``marketplaceModelEndpoint``): the same resource, one level in.
                value = self._fill(member_shape, fields, own, depth + 1)
                if member not in required and not set(value) & (set(fields) | {"status"}):
                    value = None
            if value is None and member in required:
                value = synth(member, member_shape, self.scope, depth + 1)
            if value is not None:
                result[member] = value
        return result

    def _known(
        self,
        member: str,
        shape: Shape,
        fields: dict[str, Any],
        own: Resource | None,
        facts: FamilyFacts | None,
    ) -> Any:
        if own is not None and facts is not None:
            if member == facts.arn_member or member == "arn":
                return own.arn
            if member == facts.id_member:
                return own.resource_id
            if shape.type_name == "timestamp":
                return _time_of(member, own)
            if shape is facts.status_shape or (
                member.lower().endswith("status")
                and shape.enum
                and own.progress.status in shape.enum
            ):
                return own.progress.status
        if member in fields and conforms(shape, fields[member]):
            return fields[member]
        return None


def _items_of(plan: Plan) -> tuple[str, Shape]:
    """The member of a List operation's output holding its summaries, and their shape."""
    output = plan.operation.output_shape
    assert output is not None
    return next(
        (m, s.member)
        for m, s in output.members.items()
        if s.type_name == "list" and s.member.type_name == "structure"
    )


def _plain_structure(shape: Shape) -> bool:
    return (
        shape.type_name == "structure"
        and not shape.is_document_type
        and not shape.metadata.get("union")
    )


def _time_of(member: str, own: Resource) -> datetime | None:
    lowered = member.lower()
    if "end" in lowered or "completion" in lowered:
        return own.progress.ended_at()
    if "modified" in lowered or "updated" in lowered:
        return own.updated
    return own.created


def _has_error(operation: OperationModel, code: str) -> bool:
    return any(shape.name == code for shape in operation.error_shapes)


def conforms(shape: Shape, value: Any, depth: int = 0) -> bool:
    """Whether ``value`` (from a request) can be written as a value of ``shape``."""
    if depth > _MAX_DEPTH:
        return False
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return True
        return isinstance(value, dict) and all(
            k in shape.members and conforms(shape.members[k], v, depth + 1)
            for k, v in value.items()
        )
    if kind == "list":
        return isinstance(value, list) and all(conforms(shape.member, v, depth + 1) for v in value)
    if kind == "map":
        return isinstance(value, dict) and all(
            conforms(shape.value, v, depth + 1) for v in value.values()
        )
    if kind == "string":
        return isinstance(value, str) and (not shape.enum or value in shape.enum)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "timestamp":
        return isinstance(value, datetime)
    if kind == "blob":
        return isinstance(value, (bytes, str))
    return False


def synth(member: str, shape: Shape, scope: Scope, depth: int = 0) -> Any:
    """A well-formed, deterministic value of ``shape`` for a member nothing else fills."""
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return {}
        if depth > _MAX_DEPTH:
            return {}
        if shape.metadata.get("union"):
            name, first = next(iter(shape.members.items()))
            return {name: synth(name, first, scope, depth + 1)}
        return {
            name: synth(name, s, scope, depth + 1)
            for name, s in shape.members.items()
            if name in shape.required_members
        }
    if kind == "list":
        minimum = int(shape.metadata.get("min", 0))
        if minimum == 0 or depth > _MAX_DEPTH:
            return []
        return [synth(member, shape.member, scope, depth + 1) for _ in range(minimum)]
    if kind == "map":
        return {}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        if member.endswith("Arn"):
            return scope.arn(_kebab(member[:-3]) or "resource", "000000000000")
        return "x" * max(1, int(shape.metadata.get("min", 1)))
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 0))
    if kind in ("float", "double"):
        return float(shape.metadata.get("min", 0.0))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return timestamp(scope.clock)
    if kind == "blob":
        return b""
    return None
