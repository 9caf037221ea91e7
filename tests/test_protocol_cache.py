"""The request path's shortcuts answer exactly as the long way round they replace.

* the JSON body is decoded once, and moto's parser is handed the decoded body;
* each operation's input facts, parser and compiled checks are made once;
* a compiled yes/no check lets a valid request skip the error collector;
* a plain Converse result is encoded directly instead of by moto's serializer;
* moto's ``call_action`` finds our actions by name instead of listing the class.
"""

from __future__ import annotations

import enum
import inspect
import json
import random
from typing import Any

import boto3
import moto.core.responses
import pytest
from moto.core.parse import RestJSONParser
from moto.core.responses import ActionContext, BaseResponse
from moto.core.serialize import DefaultAttributePicker, RestJSONSerializer
from moto.core.utils import get_service_model, method_names_from_class
from werkzeug.datastructures import Headers, MultiDict

from moto_bedrock import _moto, mock_bedrock
from moto_bedrock.bedrock.responses import BedrockResponse
from moto_bedrock.bedrockruntime.responses import BedrockRuntimeResponse
from moto_bedrock.wire.protocol import (
    MAX_JSON_BODY_BYTES,
    BedrockProtocol,
    ExactResult,
    _input_facts,
)
from moto_bedrock.wire.validation import _Collector, _valid, operation_model
from tests.conftest import HAIKU, REGION, user

RUNTIME = "bedrock-runtime"

# -- responses: the direct encoder against moto's serializer ------------------------------


def _context(operation: str = "Converse") -> ActionContext:
    service = get_service_model(RUNTIME)
    return ActionContext(service, service.operation_model(operation), RestJSONSerializer, None)  # type: ignore[arg-type]


def _by_moto(context: ActionContext, result: Any) -> tuple[int, Any, Any]:
    serializer = RestJSONSerializer(
        operation_model=context.operation_model, value_picker=DefaultAttributePicker()
    )
    serialized = serializer.serialize(result)
    return serialized["status_code"], serialized["headers"], serialized["body"]


def _outcome(serialize: Any, context: ActionContext, result: Any) -> Any:
    try:
        return serialize(context, result)
    except Exception as error:  # moto cannot serialize it either way: the same failure
        return type(error)


def _assert_same(result: Any, operation: str = "Converse") -> None:
    context = _context(operation)
    assert _outcome(_moto.serialize_exact, context, result) == _outcome(_by_moto, context, result)


def _recorded_results(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The results our Converse handler produced for a spread of requests."""
    results: list[Any] = []
    original = ExactResult.execute_result

    def record(self: ExactResult, context: ActionContext) -> Any:
        results.append(self.result)
        return original(self, context)

    monkeypatch.setattr(ExactResult, "execute_result", record)
    tools = {
        "tools": [
            {
                "toolSpec": {
                    "name": "get_weather",
                    "description": "The weather in a city.",
                    "inputSchema": {
                        "json": {
                            "type": "object",
                            "properties": {"city": {"type": "string"}},
                            "required": ["city"],
                        }
                    },
                }
            }
        ],
        "toolChoice": {"tool": {"name": "get_weather"}},
    }
    with mock_bedrock():
        client = boto3.client(
            RUNTIME, region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t"
        )
        client.converse(modelId=HAIKU, messages=[user("Explain Python decorators")])
        client.converse(
            modelId=HAIKU,
            messages=[user("Tell me a story")],
            inferenceConfig={"maxTokens": 5, "temperature": 0.5},
            additionalModelResponseFieldPaths=["/stop_sequence"],
        )
        client.converse(modelId=HAIKU, messages=[user("Weather in Oslo?")], toolConfig=tools)
    assert results
    return results


def test_direct_encoding_matches_moto_for_real_results(monkeypatch: pytest.MonkeyPatch) -> None:
    encode = _moto._body_encoder(_context().operation_model)
    assert encode is not None
    for result in _recorded_results(monkeypatch):
        _assert_same(result)
        encode(result)  # our own results take the direct way (this raises if they did not)


def _rich_result() -> dict[str, Any]:
    return {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {"text": "Hello"},
                    {"reasoningContent": {"redactedContent": b"\x00\xffsecret"}},
                    {"reasoningContent": {"reasoningText": {"text": "hm", "signature": "s"}}},
                    {"image": {"format": "png", "source": {"bytes": "not bytes, text"}}},
                    {
                        "toolUse": {
                            "toolUseId": "t1",
                            "name": "f",
                            "input": {"a": [1, 2.5, None, {"b": True}], "c": None},
                        }
                    },
                    {
                        "citationsContent": {
                            "citations": [
                                {
                                    "location": {
                                        "documentChar": {"documentIndex": 0, "start": 1, "end": 2}
                                    }
                                }
                            ]
                        }
                    },
                ],
            }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3, "cacheDetails": []},
        "metrics": {"latencyMs": 12},
        "additionalModelResponseFields": {"stop_sequence": None, "nested": {"x": [1]}},
        "trace": {
            "guardrail": {
                "modelOutput": ["out"],
                "inputAssessment": {
                    "g1": {
                        "contextualGroundingPolicy": {
                            "filters": [
                                {
                                    "type": "GROUNDING",
                                    "threshold": 1,
                                    "score": 0.25,
                                    "action": "NONE",
                                    "detected": False,
                                }
                            ]
                        }
                    }
                },
                "outputAssessments": {"g1": [{"topicPolicy": {"topics": []}}]},
            }
        },
        "performanceConfig": {"latency": "standard"},
        "unknownKey": "ignored by both",
        "serviceTier": None,
    }


def test_direct_encoding_matches_moto_for_every_value_kind() -> None:
    _assert_same(_rich_result())
    body = json.loads(_moto.serialize_exact(_context(), _rich_result())[2])
    assert (
        body["trace"]["guardrail"]["inputAssessment"]["g1"]["contextualGroundingPolicy"]["filters"][
            0
        ]["threshold"]
        == 1.0
    )


class _Reason(enum.Enum):
    END = "end_turn"


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update(stopReason=_Reason.END),  # an Enum: moto writes its value
        lambda r: r["usage"].update(inputTokens=True),  # a bool for an integer
        lambda r: r["usage"].update(inputTokens="7"),  # a string for an integer
        lambda r: r["output"]["message"].update(content=tuple(r["output"]["message"]["content"])),
        lambda r: r["output"]["message"]["content"].append(None),  # a null in a list
        lambda r: r["trace"]["guardrail"]["inputAssessment"].update({"": {}}),  # an empty key
        lambda r: r["trace"]["guardrail"]["inputAssessment"].update(g2=None),  # a null entry
        lambda r: r["trace"]["guardrail"]["inputAssessment"].update({1: {}}),  # moto fails
        lambda r: r.update(stopReason=None, metrics=None),  # nulls are left out
        lambda r: r["output"]["message"]["content"][1]["reasoningContent"].update(
            redactedContent=bytearray(b"x")
        ),
    ],
)
def test_unusual_values_are_left_to_moto(change: Any) -> None:
    result = _rich_result()
    change(result)
    _assert_same(result)


def test_results_that_are_not_plain_dicts_go_through_moto() -> None:
    class Attributes:
        stopReason = "end_turn"
        output = None

    _assert_same(Attributes())
    _assert_same({})


def test_operations_with_header_or_payload_members_are_not_encoded_directly() -> None:
    service = get_service_model(RUNTIME)
    assert _moto._body_encoder(service.operation_model("InvokeModel")) is None
    assert _moto._body_encoder(service.operation_model("ConverseStream")) is None
    converse = service.operation_model("Converse")
    assert _moto._body_encoder(converse) is _moto._body_encoder(converse) is not None
    _assert_same({"body": b"{}", "contentType": "application/json"}, "InvokeModel")


# -- requests: one decode, cached facts and parsers --------------------------------------


def _request_dict(body: Any) -> Any:
    return {
        "method": "POST",
        "values": MultiDict(),
        "headers": Headers({"Content-Type": "application/json"}),
        "body": body,
        "url_path": f"/model/{HAIKU}/converse",
        "url_params": {"modelId": HAIKU},
    }


@pytest.mark.parametrize(
    "body",
    [
        {"messages": [user("hi")], "inferenceConfig": {"maxTokens": 5, "temperature": 1}},
        {
            "messages": [
                {
                    "role": "user",
                    "content": [{"image": {"format": "png", "source": {"bytes": "aGVsbG8="}}}],
                }
            ],
            "additionalModelRequestFields": {"top_k": 3, "nested": [None, {"a": 1}]},
            "modelId": "from-the-body",
        },
        {},
    ],
)
def test_the_parser_given_decoded_json_answers_as_given_bytes(body: dict[str, Any]) -> None:
    operation = get_service_model(RUNTIME).operation_model("Converse")
    parser, takes_decoded = _moto.request_parser(operation, "rest-json", dict)
    assert takes_decoded
    assert _moto.request_parser(operation, "rest-json", dict)[0] is parser
    reference = RestJSONParser(operation, map_type=dict)
    raw = json.dumps(body).encode() if body else b""
    assert parser.parse(_request_dict(body)) == reference.parse(_request_dict(raw))
    assert parser.parse(_request_dict(raw)) == reference.parse(_request_dict(raw))


def test_input_facts_are_read_once_per_operation() -> None:
    invoke = _input_facts(RUNTIME, "InvokeModel")
    assert _input_facts(RUNTIME, "InvokeModel") is invoke
    assert (invoke.payload, invoke.json_payload, invoke.body_members) == (
        "body",
        False,
        frozenset(),
    )
    assert (invoke.body_limit, invoke.body_name, invoke.takes_body) == (25_000_000, "body", True)
    assert {name for name, *_ in invoke.located} >= {"modelId", "contentType", "accept"}

    converse = _input_facts(RUNTIME, "Converse")
    assert converse.payload is None and "messages" in converse.body_members
    assert (converse.body_limit, converse.body_name) == (MAX_JSON_BODY_BYTES, "body")
    assert [(name, location) for name, location, *_ in converse.located] == [("modelId", "uri")]

    listing = _input_facts("bedrock", "ListFoundationModels")
    assert not listing.takes_body and not listing.body_members


def test_get_param_answers_as_moto_does() -> None:
    response = BedrockRuntimeResponse()
    response.automated_parameter_parsing = True
    response.params = {"messages": [1], "system": None, "nested": {"a": {"b": 2}}}
    response.uri_match = {"modelId": "m", "messages": "shadowed"}
    for name in ("messages", "system", "modelId", "missing", "nested.a.b", "nested.x"):
        assert response._get_param(name, "default") == BaseResponse._get_param(
            response, name, "default"
        ), name


# -- validation: the compiled check never passes what the collector refuses ---------------


def _valid_converse() -> dict[str, Any]:
    return {
        "modelId": HAIKU,
        "messages": [
            user("hello"),
            {
                "role": "assistant",
                "content": [
                    {"text": "hi"},
                    {"toolUse": {"toolUseId": "t", "name": "f", "input": {"x": 1}}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "toolResult": {
                            "toolUseId": "t",
                            "content": [{"json": {"ok": True}}, {"text": "done"}],
                            "status": "success",
                        }
                    }
                ],
            },
        ],
        "system": [{"text": "be brief"}],
        "inferenceConfig": {"maxTokens": 10, "temperature": 0.5, "topP": 1, "stopSequences": ["x"]},
        "additionalModelRequestFields": {"top_k": 5},
        "additionalModelResponseFieldPaths": ["/stop_sequence"],
        "requestMetadata": {"k": "v"},
    }


_REPLACEMENTS: list[Any] = [
    None,
    "",
    "x" * 3000,
    "not a role",
    0,
    -1,
    1.5,
    10**30,
    True,
    [],
    [None],
    {},
    {"text": None},
    "aGVsbG8=",
    "%%%",
    b"raw",
    float("nan"),
    float("inf"),
    {"unknown": 1},
    [{}],
    ["a"] * 5,
]


def _mutate(value: Any, rng: random.Random) -> Any:
    """``value`` with one randomly chosen node replaced or removed."""
    if isinstance(value, dict) and value and rng.random() < 0.7:
        key = rng.choice(list(value))
        members = dict(value)
        choice = rng.random()
        if choice < 0.15:
            del members[key]
        elif choice < 0.55:
            members[key] = _mutate(value[key], rng)
        else:
            members[key] = rng.choice(_REPLACEMENTS)
        return members
    if isinstance(value, list) and value and rng.random() < 0.7:
        index = rng.randrange(len(value))
        items = list(value)
        items[index] = (
            _mutate(value[index], rng) if rng.random() < 0.6 else rng.choice(_REPLACEMENTS)
        )
        return items
    return rng.choice(_REPLACEMENTS)


@pytest.mark.parametrize("constraints", [True, False])
def test_the_compiled_check_never_passes_an_invalid_request(constraints: bool) -> None:
    operation = operation_model(RUNTIME, "Converse")
    shape = operation.input_shape
    assert _valid(operation, shape, _valid_converse(), constraints)
    rng = random.Random(20260611)
    passed = refused = 0
    for _ in range(3000):
        params = _mutate(_valid_converse(), rng)
        collector = _Collector(constraints)
        collector.check(shape, params, "")
        if _valid(operation, shape, params, constraints):
            assert not collector.errors, params
            passed += 1
        else:
            refused += 1
    assert passed and refused  # both sides were exercised


def test_the_compiled_check_follows_every_operation() -> None:
    # Each operation's input shape compiles, recursion included, and an empty input is
    # judged as the collector judges it.
    for service in (RUNTIME, "bedrock"):
        for name in get_service_model(service).operation_names:
            operation = operation_model(service, name)
            if operation.input_shape is None:
                continue
            collector = _Collector()
            collector.check(operation.input_shape, {}, "")
            if _valid(operation, operation.input_shape, {}, True):
                assert not collector.errors, name


# -- moto's call_action: actions found by name -------------------------------------------


def test_call_action_still_asks_moto_for_the_method_names() -> None:
    # What the lookup relies on: moto reads the function from its module on each request
    # and only tests membership.
    source = inspect.getsource(BaseResponse.call_action)
    assert "method_names = method_names_from_class(self.__class__)" in source
    assert "if action in method_names:" in source
    assert moto.core.responses.method_names_from_class is _moto._method_names  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", [BedrockRuntimeResponse, BedrockResponse])
def test_actions_found_by_name_are_the_listed_ones(cls: type) -> None:
    names = moto.core.responses.method_names_from_class(cls)  # type: ignore[attr-defined]
    listed = method_names_from_class(cls)
    assert set(names) == set(listed) and len(names) == len(listed)
    for name in [*dir(cls), "mro", "__name__", "backend", "not_an_action", "__init__"]:
        assert (name in names) == (name in listed), name


def test_other_classes_get_moto_s_own_list() -> None:
    assert isinstance(moto.core.responses.method_names_from_class(BaseResponse), list)  # type: ignore[attr-defined]
    assert issubclass(BedrockRuntimeResponse, BedrockProtocol)
