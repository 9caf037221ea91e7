"""Every operation of botocore's ``bedrock`` service model answers, in both modes.

For each operation a valid request is generated from its input shape (strings from their
patterns, identifiers of resources made earlier in the walk) and must get a response that
botocore parses; a request breaking one constraint of the shape (or naming a resource that
does not exist) must get one of the service's modeled errors with a 4xx status. Never
NotImplementedError, never a 500. A new operation in a future botocore is walked too.
"""

from __future__ import annotations

import re
import re._parser as sre  # type: ignore[import-not-found]
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape

from moto_bedrock.bedrock.engine import families, plan_of

from .conftest import REGION, Aws

MODEL = botocore.session.get_session().get_service_model("bedrock")
ACCOUNT = "123456789012"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/bedrock-role"

#: Values by member name where a pattern alone does not make a usable request.
NAMED: dict[str, Any] = {
    "roleArn": ROLE,
    "executionRole": ROLE,
    "baseModelIdentifier": NOVA_LITE,
    "s3Uri": "s3://amzn-bucket/data/",
    "modelSourceIdentifier": (
        "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/"
        "huggingface-llm-mistral-7b/1.0.0"
    ),
    "kmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{'0' * 8}-0000-0000-0000-{'0' * 12}",
    "resourcePolicy": '{"Version": "2012-10-17", "Statement": []}',
    "instanceType": "ml.g5.2xlarge",
    "offerToken": "offer-token",
    "modelId": HAIKU,
    # Batch jobs and invocation logging check their destinations exist (created below).
    "logGroupName": "contract-log-group",
    "bucketName": "amzn-bucket",
    # The emulator's trusted access programs (bedrock/trusted_access.py): this one is approved.
    "programIdentifier": "anthropic-data-retention",
}
#: Members naming a resource made earlier that is not an engine family: (maker, member).
MADE: dict[str, tuple[str, str]] = {"projectIdentifier": ("CreateProject", "id")}

#: Whole requests where the values must fit together (real models, real resources).
#: Each takes the outputs of the operations walked so far, by operation name.
Outputs = dict[str, dict[str, Any]]
REQUESTS: dict[str, Callable[[Outputs], dict[str, Any]]] = {
    "CreateInferenceProfile": lambda o: {
        "inferenceProfileName": "contract-profile",
        "modelSource": {"copyFrom": f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"},
    },
    "CreateProvisionedModelThroughput": lambda o: {
        "provisionedModelName": "contract-pt",
        "modelId": f"{HAIKU}:48k",
        "modelUnits": 1,
    },
    "UpdateProvisionedModelThroughput": lambda o: {
        "provisionedModelId": o["CreateProvisionedModelThroughput"]["provisionedModelArn"],
        "desiredProvisionedModelName": "contract-pt-2",
    },
    "CreatePromptRouter": lambda o: {
        "promptRouterName": "contract-router",
        "models": [
            {"modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"},
            {"modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{SONNET}"},
        ],
        "fallbackModel": {"modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{SONNET}"},
        "routingCriteria": {"responseQualityDifference": 0.5},
    },
    "CreateModelCopyJob": lambda o: {
        "sourceModelArn": o["CreateCustomModel"]["modelArn"],
        "targetModelName": "contract-copy",
    },
    "CreateCustomModelDeployment": lambda o: {
        "modelDeploymentName": "contract-deployment",
        "modelArn": o["CreateCustomModel"]["modelArn"],
    },
    "CreateModelCustomizationJob": lambda o: {
        "jobName": "contract-job",
        "customModelName": "contract-tuned",
        "roleArn": ROLE,
        "baseModelIdentifier": NOVA_LITE,
        "trainingDataConfig": {"s3Uri": "s3://amzn-bucket/train.jsonl"},
        "outputDataConfig": {"s3Uri": "s3://amzn-bucket/out/"},
        "hyperParameters": {"epochCount": "1"},
    },
    "GetImportedModel": lambda o: {"modelIdentifier": "contract-imported"},
    "DeleteImportedModel": lambda o: {"modelIdentifier": "contract-imported"},
    "CreateModelImportJob": lambda o: {
        "jobName": "contract-import",
        "importedModelName": "contract-imported",
        "roleArn": ROLE,
        "modelDataSource": {"s3DataSource": {"s3Uri": "s3://amzn-bucket/llama/"}},
    },
    "GetCustomModel": lambda o: {"modelIdentifier": o["CreateCustomModel"]["modelArn"]},
    "DeleteCustomModel": lambda o: {"modelIdentifier": o["CreateModelCopyJob"]["_target"]},
    "GetPromptRouter": lambda o: {"promptRouterArn": o["CreatePromptRouter"]["promptRouterArn"]},
    "DeletePromptRouter": lambda o: {"promptRouterArn": o["CreatePromptRouter"]["promptRouterArn"]},
    "TagResource": lambda o: {
        "resourceARN": o["CreateInferenceProfile"]["inferenceProfileArn"],
        "tags": [{"key": "team", "value": "contract"}],
    },
    "UntagResource": lambda o: {
        "resourceARN": o["CreateInferenceProfile"]["inferenceProfileArn"],
        "tagKeys": ["team"],
    },
    "ListTagsForResource": lambda o: {
        "resourceARN": o["CreateInferenceProfile"]["inferenceProfileArn"]
    },
    "GetFoundationModel": lambda o: {"modelIdentifier": HAIKU},
    "GetFoundationModelAvailability": lambda o: {"modelId": HAIKU},
    "ListFoundationModelAgreementOffers": lambda o: {"modelId": HAIKU},
    "CreateFoundationModelAgreement": lambda o: {"offerToken": "offer-token", "modelId": HAIKU},
    "DeleteFoundationModelAgreement": lambda o: {"modelId": HAIKU},
    "CreateGuardrailVersion": lambda o: {
        "guardrailIdentifier": o["CreateGuardrail"]["guardrailId"]
    },
    "PutEnforcedGuardrailConfiguration": lambda o: {
        "guardrailInferenceConfig": {
            "guardrailIdentifier": o["CreateGuardrail"]["guardrailId"],
            "guardrailVersion": o["CreateGuardrailVersion"]["version"],
        }
    },
    "UpdateProject": lambda o: {"projectIdentifier": o["CreateProject"]["id"], "name": "renamed"},
    **{
        f"Put{level}DataRetentionStorage": (
            lambda o, level=level: {
                "modelProvider": "anthropic",
                "storageDestination": "amazon_managed",
                **({"projectIdentifier": o["CreateProject"]["id"]} if level == "Project" else {}),
            }
        )
        for level in ("Account", "Organization", "Project")
    },
    **{
        f"StartTrustedAccessProgram{level}Application": (
            lambda o, level=level: {
                "programIdentifier": "openai-data-retention",  # the self-service one
                **({"projectIdentifier": o["CreateProject"]["id"]} if level == "Project" else {}),
            }
        )
        for level in ("Account", "Organization", "Project")
    },
    "DeleteEnforcedGuardrailConfiguration": lambda o: {
        "configId": o["PutEnforcedGuardrailConfiguration"]["configId"]
    },
}
SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0"

# The walk, on a manual clock: makers first (parents before children), then stops while
# jobs still run; then the clock moves a day, so every job has finished, for the reads and
# updates; removals last (children before parents).
_STOPS = ("Stop", "Cancel")
_LATE = ("Deregister", "Delete", "BatchDelete")


def _order(name: str) -> tuple[int, int, str]:
    verb = plan_of(name).verb
    if verb in ("Create", "Start", "Put", "Register"):
        # What uses another resource (a test workflow uses a build) after what makes one.
        return 0, len(name) + (0 if plan_of(name).noun in families() else 100), name
    if verb in _STOPS:
        return 1, len(name), name
    if verb in _LATE:
        return 3 + _LATE.index(verb), -len(name), name
    return 2, len(name), name


WALKED = sorted(
    MODEL.operation_names,
    key=_order,
)


# -- values from shapes --------------------------------------------------------------------


def _from_regex(pattern: str) -> str | None:
    """A short string matching ``pattern`` in full, or None if it cannot be made simply."""
    try:
        parsed = sre.parse(pattern)
    except re.error:
        return None
    try:
        text = _emit(list(parsed))
    except (ValueError, IndexError):
        return None
    return text if re.fullmatch(pattern, text, re.DOTALL) else None


def _emit(items: list[tuple[Any, Any]]) -> str:
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_in(arg))
        elif name == "BRANCH":
            out.append(_emit(list(arg[1][0])))
        elif name == "SUBPATTERN":
            out.append(_emit(list(arg[-1])))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            out.append(_emit(list(sub)) * max(low, 1 if low == 0 and _high > 0 else low))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            raise ValueError(name)
    return "".join(out)


def _in(arg: list[tuple[Any, Any]]) -> str:
    for op, value in arg:
        name = str(op)
        if name == "LITERAL":
            return chr(value)
        if name == "RANGE":
            return chr(value[0])
        if name == "CATEGORY":
            return {"CATEGORY_DIGIT": "0", "CATEGORY_SPACE": " "}.get(str(value), "a")
        if name == "NEGATE":
            return "a"
    raise ValueError("empty set")


def example(name: str, shape: Shape, depth: int = 0) -> Any:
    """A valid value of ``shape`` (required members only) for a member called ``name``."""
    kind = shape.type_name
    if name in NAMED and kind == "string":
        return NAMED[name]
    if kind == "structure":
        if shape.metadata.get("union"):
            first, member = next(iter(shape.members.items()))
            return {first: example(first, member, depth + 1)}
        return {
            m: example(m, s, depth + 1)
            for m, s in shape.members.items()
            if m in shape.required_members and depth < 12
        }
    if kind == "list":
        count = int(shape.metadata.get("min", 0))
        return [example(name, shape.member, depth + 1) for _ in range(count)]
    if kind == "map":
        return {}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        low = int(shape.metadata.get("min", 1))
        pattern = shape.metadata.get("pattern")
        if pattern:
            text = _from_regex(pattern)
            if text is not None and low <= len(text) <= shape.metadata.get("max", 1 << 30):
                return text
        return "contract" + "a" * max(0, low - 8)
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return float(shape.metadata.get("min", 0.5))
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"c" * max(8, int(shape.metadata.get("min", 0)))
    if kind == "timestamp":
        return datetime(2024, 1, 1, tzinfo=timezone.utc)
    raise AssertionError(f"no example for {kind}")


def _identifier(operation: OperationModel, member: str, outputs: Outputs) -> Any:
    """The ARN or id of a resource made earlier that ``member`` of ``operation`` names."""
    plan = plan_of(operation.name)
    owners = [f.noun for f in families().values() if member in (f.arn_member, f.id_member)]
    last = member == plan.uri_members[-1] and plan.verb not in ("Create", "Start", "List")
    nouns = [plan.noun] if plan.noun in owners or (last and not owners) else owners
    for noun in nouns:
        facts = families().get(noun)
        for maker in (f"Create{noun}", f"Start{noun}"):
            made = outputs.get(maker)
            if made is None or facts is None:
                continue
            for key in (facts.arn_member, facts.id_member):
                if key is not None and key in made:
                    return made[key]
                for value in made.values():
                    if isinstance(value, dict) and key in value:
                        return value[key]
    return None


def valid_request(operation: OperationModel, outputs: Outputs) -> dict[str, Any]:
    if operation.name in REQUESTS:
        return REQUESTS[operation.name](outputs)
    shape = operation.input_shape
    if shape is None:
        return {}
    request = example(operation.name, shape)
    for member in plan_of(operation.name).uri_members:
        found = _identifier(operation, member, outputs)
        if found is not None:
            request[member] = found
    for member, (maker, key) in MADE.items():
        if member in request and maker in outputs:
            request[member] = outputs[maker][key]
    return request


def broken_request(operation: OperationModel, valid: dict[str, Any]) -> dict[str, Any] | None:
    """``valid`` with one constraint broken, or None when the input has none to break."""
    shape = operation.input_shape
    if shape is None:
        return None
    for member, member_shape in shape.members.items():
        meta = member_shape.metadata
        if member_shape.type_name == "string":
            if member_shape.enum:
                return {**valid, member: "NOT_A_VALID_VALUE"}
            if "max" in meta and meta["max"] < 5000:
                return {**valid, member: "a" * (meta["max"] + 1)}
        if member_shape.type_name in ("integer", "long") and "min" in meta:
            return {**valid, member: int(meta["min"]) - 1}
    uri = plan_of(operation.name).uri_members
    if uri:  # a well-formed identifier naming nothing
        return {**valid, uri[-1]: valid.get(uri[-1], "x") + "-missing"}
    return None


SERVICE_ERRORS = frozenset(shape.name for shape in MODEL.error_shapes)


def _call(client: Any, operation: OperationModel, request: dict[str, Any]) -> dict[str, Any]:
    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation.name).lower())
    return method(**request)  # type: ignore[no-any-return]


@pytest.mark.slow
def test_every_operation_answers_valid_and_invalid_requests(aws: Aws) -> None:
    client = aws.client("bedrock")
    loose = aws.client("bedrock", parameter_validation=False)
    controls = aws.controls()
    controls.configure_clock(manual=True, now=1_700_000_000)
    aws.client("iam").create_role(RoleName="bedrock-role", AssumeRolePolicyDocument="{}")
    aws.client("logs").create_log_group(logGroupName=NAMED["logGroupName"])
    aws.client("s3").create_bucket(Bucket=NAMED["bucketName"])
    outputs: Outputs = {}
    failures: list[str] = []
    advanced = False
    for name in WALKED:
        if not advanced and _order(name)[0] >= 2:
            controls.advance_clock(seconds=86_400)
            advanced = True
        operation = MODEL.operation_model(name)
        request = valid_request(operation, outputs)
        try:
            response = _call(client, operation, request)
        except ClientError as error:
            failures.append(f"{name}: valid request refused: {error}")
            continue
        response.pop("ResponseMetadata", None)
        if name == "CreateModelCopyJob":
            job = client.get_model_copy_job(jobArn=response["jobArn"])
            response["_target"] = job["targetModelArn"]
        outputs[name] = response
        broken = broken_request(operation, request)
        if broken is None:
            continue
        try:
            _call(loose, operation, broken)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            if code not in SERVICE_ERRORS or not 400 <= status < 500:
                failures.append(f"{name}: bad request answered {status} {code}")
        else:
            failures.append(f"{name}: bad request {broken} accepted")
    assert not failures, "\n".join(failures)
    assert len(outputs) == len(WALKED)


def test_the_walk_covers_every_operation_not_owned_elsewhere() -> None:
    assert set(WALKED) == set(MODEL.operation_names)
