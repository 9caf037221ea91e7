"""Hostile and careless input: no request can freeze, exhaust or turn the emulator against
its host (issue 11). Each finding of the audit has its regression test here; the bounded
fuzz run and the load test are in ``test_hardening_load.py``.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from tests.conftest import HAIKU, REGION, Aws, signed_request, user

# A request that the budgets must end well inside this (they stop generation at 2 s).
QUICK = 3.0


def output_config(schema: Any) -> dict[str, Any]:
    definition = {"schema": json.dumps(schema), "name": "answer"}
    return {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": definition}}}


def timed(call: Any) -> tuple[Any, float]:
    began = time.monotonic()
    try:
        result: Any = call()
    except ClientError as error:
        result = error
    return result, time.monotonic() - began


# -- 1. budgets ----------------------------------------------------------------------------

HOSTILE_SCHEMAS = [
    pytest.param({"type": "string", "minLength": 1e8}, "minLength", id="minLength-1e8"),
    pytest.param({"type": "array", "minItems": 1e7}, "minItems", id="minItems-1e7"),
    pytest.param({"type": "object", "minProperties": 1e6}, "minProperties", id="minProps-1e6"),
    pytest.param({"type": "string", "pattern": "^a{10000000}$"}, "pattern", id="repeat-1e7"),
    pytest.param(
        {"type": "string", "pattern": "^a{40}!$", "not": {"pattern": "^(a|aa)+$"}},
        "pattern",
        id="backtracking-not",
    ),
]


@pytest.mark.parametrize(("schema", "keyword"), HOSTILE_SCHEMAS)
def test_a_schema_past_its_budget_is_a_validation_error_naming_the_keyword(
    runtime: Any, schema: dict[str, Any], keyword: str
) -> None:
    error, seconds = timed(
        lambda: runtime.converse(
            modelId=HAIKU, messages=[user("Hi")], outputConfig=output_config(schema)
        )
    )
    assert seconds < QUICK
    assert isinstance(error, ClientError)
    assert error.response["Error"]["Code"] == "ValidationException"
    message = error.response["Error"]["Message"]
    assert message.startswith("The provided JSON schema is too complex to satisfy: ")
    assert f"the schema keyword '{keyword}'" in message


def test_a_tool_schema_past_its_budget_is_refused_too(runtime: Any) -> None:
    spec = {
        "name": "fill",
        "inputSchema": {"json": {"type": "object", "properties": {"x": {"minItems": 10**7}}}},
    }
    spec["inputSchema"]["json"]["required"] = ["x"]
    spec["inputSchema"]["json"]["properties"]["x"]["type"] = "array"
    error, seconds = timed(
        lambda: runtime.converse(
            modelId=HAIKU,
            messages=[user("Hi")],
            toolConfig={"tools": [{"toolSpec": spec}], "toolChoice": {"tool": {"name": "fill"}}},
        )
    )
    assert seconds < QUICK
    assert isinstance(error, ClientError)
    assert "the schema keyword 'minItems'" in error.response["Error"]["Message"]


@pytest.mark.slow
def test_a_deeply_branching_schema_stops_at_the_time_budget(runtime: Any) -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(30):
        schema = {"type": "array", "minItems": 3, "items": schema}
    error, seconds = timed(
        lambda: runtime.converse(
            modelId=HAIKU, messages=[user("Hi")], outputConfig=output_config(schema)
        )
    )
    assert seconds < QUICK
    assert isinstance(error, ClientError)
    assert "could not be satisfied within 2 s" in error.response["Error"]["Message"]


def test_the_audited_pattern_answers_at_once_and_other_calls_do_not_wait(runtime: Any) -> None:
    schema = {"type": "string", "pattern": "^a{27}!$", "not": {"pattern": "^(a+)+$"}}
    timings: dict[str, float] = {}

    def hostile() -> None:
        _, timings["hostile"] = timed(
            lambda: runtime.converse(
                modelId=HAIKU, messages=[user("Hi")], outputConfig=output_config(schema)
            )
        )

    thread = threading.Thread(target=hostile)
    thread.start()
    _, timings["other"] = timed(lambda: runtime.converse(modelId=HAIKU, messages=[user("Hi")]))
    thread.join(10)
    assert timings["hostile"] < QUICK
    assert timings["other"] < QUICK


def test_a_rule_regex_that_backtracks_without_bound_is_refused_when_configured(
    aws: Aws,
) -> None:
    controls = aws.controls()
    with pytest.raises(Exception, match=r"user_regex can backtrack without bound"):
        controls.add_rule(user_regex=r"^(a+)+$", reply={"text": "never"})
    with pytest.raises(Exception, match=r"a repeat count in the pattern is over 100000"):
        controls.add_rule(user_regex=r"^a{10000000}$", reply={"text": "never"})
    # Separated repeats are fine.
    controls.add_rule(user_regex=r"^([a-z]+\.)+[a-z]+$", reply={"text": "a domain"})


def test_a_rule_regex_that_still_backtracks_is_cut_off_with_a_validation_error(
    aws: Aws, runtime: Any
) -> None:
    aws.controls().add_rule(user_regex=r"^(a|aa)+$", reply={"text": "never"})
    error, seconds = timed(lambda: runtime.converse(modelId=HAIKU, messages=[user("a" * 60 + "!")]))
    assert seconds < QUICK
    assert isinstance(error, ClientError)
    assert error.response["Error"]["Code"] == "ValidationException"
    assert error.response["Error"]["Message"].startswith(
        "A reply rule could not be checked: the regular expression '^(a|aa)+$' took longer"
    )
