"""Injected faults: every modeled error on every operation, scoping, counting, chance."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from moto_bedrock.behaviour.control import ConfigError
from moto_bedrock.behaviour.faults import FaultPlan
from tests.conftest import HAIKU, REGION, Aws, user
from tests.test_retries import client_with_retries

ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
NOVA = "amazon.nova-micro-v1:0"
HAIKU_ARN = f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"

# Code, HTTP status and the text sent when the fault gives none. ValidationException and
# ResourceNotFoundException have no single AWS text, so they get a neutral one.
DEFAULTS = {
    "ThrottlingException": (429, "Too many requests, please wait before trying again."),
    "ModelTimeoutException": (408, "Model has timed out in processing the request."),
    "ModelErrorException": (
        424,
        "The system encountered an unexpected error during processing. Try your request again.",
    ),
    "ModelNotReadyException": (
        429,
        "The model is not ready to serve inference requests. Try again later.",
    ),
    "ServiceUnavailableException": (503, "Bedrock is unable to process your request."),
    "InternalServerException": (500, "An internal server error occurred."),
    "AccessDeniedException": (
        403,
        "You don't have access to the model with the specified model ID.",
    ),
    "ValidationException": (400, "The request was refused."),
    "ServiceQuotaExceededException": (
        400,
        "Your account has exceeded the service quota for this model.",
    ),
    "ResourceNotFoundException": (404, "The request was refused."),
}
DEFAULT_CASES = [
    pytest.param(code, status, message, id=code) for code, (status, message) in DEFAULTS.items()
]

NATIVE_BODY = json.dumps(
    {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 5,
        "messages": [{"role": "user", "content": "Hi"}],
    }
)

# One cheap call of each runtime operation. The streaming ones fail before the stream
# starts, so the error comes from the call itself, not from reading the stream.
CALLS: dict[str, Callable[[Any, str], Any]] = {
    "Converse": lambda rt, model: rt.converse(
        modelId=model, messages=[user("Hi")], inferenceConfig={"maxTokens": 5}
    ),
    "ConverseStream": lambda rt, model: rt.converse_stream(
        modelId=model, messages=[user("Hi")], inferenceConfig={"maxTokens": 5}
    ),
    "InvokeModel": lambda rt, model: rt.invoke_model(modelId=model, body=NATIVE_BODY),
    "InvokeModelWithResponseStream": lambda rt, model: rt.invoke_model_with_response_stream(
        modelId=model, body=NATIVE_BODY
    ),
    "CountTokens": lambda rt, model: rt.count_tokens(
        modelId=model, input={"converse": {"messages": [user("Hi")]}}
    ),
}


@pytest.fixture
def runtime(aws: Aws) -> Any:
    """A client that never retries, so each call meets the fault plan exactly once."""
    return client_with_retries(aws, total_max_attempts=1)


def converse(runtime: Any, model: str = HAIKU) -> str | None:
    """The error code of one Converse call, or None when it succeeds."""
    try:
        CALLS["Converse"](runtime, model)
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return None


def count(runtime: Any, model: str = HAIKU) -> str | None:
    """The error code of one CountTokens call (the cheapest), or None when it succeeds."""
    # CountTokens refuses profile ids (pydantic-ai test_anthropic_bedrock_count_tokens_error.yaml),
    # so a profile id is called with Converse.
    call = CALLS["Converse"] if model.startswith(("us.", "eu.", "apac.", "global.")) else None
    try:
        (call or CALLS["CountTokens"])(runtime, model)
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return None


@pytest.mark.parametrize(("code", "status", "message"), DEFAULT_CASES)
def test_every_injectable_error_fails_every_operation_as_bedrock_would(
    aws: Aws, runtime: Any, code: str, status: int, message: str
) -> None:
    controls = aws.controls()
    controls.inject_fault(error=code, count=len(CALLS))

    for name, call in CALLS.items():
        with pytest.raises(ClientError) as caught:
            call(runtime, HAIKU)
        response = caught.value.response
        assert response["Error"] == {"Code": code, "Message": message}, name
        assert response["ResponseMetadata"]["HTTPStatusCode"] == status, name
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        assert headers["x-amzn-errortype"] == f"{code}{ERROR_TYPE_SUFFIX}", name
        assert type(caught.value).__name__ == code  # boto3's modeled exception class
        # botocore adds "(reached max retries: 0)" to the errors it would have retried.
        assert str(caught.value).startswith(
            f"An error occurred ({code}) when calling the {name} operation"
        )
        assert str(caught.value).endswith(f": {message}")

    # Used up: the fault is gone and the next call succeeds.
    assert controls.get_faults() == {"faults": []}
    assert converse(runtime) is None
    calls = controls.get_call_history()["calls"]
    assert [(c["operation"], c["error"], c["injected"]) for c in calls] == [
        *[(name, {"code": code, "message": message}, "fault") for name in CALLS],
        ("Converse", None, None),
    ]


def test_a_fault_takes_aws_short_names_and_a_custom_message(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    fault = controls.inject_fault(error="Throttling", message="Slow down, please.")
    assert fault == {
        "error": "ThrottlingException",
        "on_call": 1,
        "count": 1,
        "message": "Slow down, please.",
        "matched": 0,
        "fired": 0,
    }
    with pytest.raises(ClientError) as caught:
        CALLS["Converse"](runtime, HAIKU)
    assert caught.value.response["Error"] == {
        "Code": "ThrottlingException",
        "Message": "Slow down, please.",
    }


def test_model_error_carries_its_original_status_and_resource(aws: Aws, runtime: Any) -> None:
    aws.controls().inject_fault(
        error="ModelErrorException",
        original_status_code=503,
        resource_name="my-endpoint",
        message="The request failed in the model container.",
    )
    with pytest.raises(ClientError) as caught:
        CALLS["InvokeModel"](runtime, HAIKU)
    response = caught.value.response
    assert response["Error"]["Code"] == "ModelErrorException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert response["originalStatusCode"] == 503
    assert response["resourceName"] == "my-endpoint"
    assert response["message"] == "The request failed in the model container."


def test_a_fault_can_be_scoped_to_operations(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.inject_fault(error="ModelTimeout", operation="InvokeModel", count=None)
    controls.inject_fault(
        error="AccessDenied", operation=["ConverseStream", "CountTokens"], count=None
    )

    assert converse(runtime) is None
    for name, expected in [
        ("InvokeModel", "ModelTimeoutException"),
        ("ConverseStream", "AccessDeniedException"),
        ("CountTokens", "AccessDeniedException"),
        ("InvokeModel", "ModelTimeoutException"),
    ]:
        with pytest.raises(ClientError) as caught:
            CALLS[name](runtime, HAIKU)
        assert caught.value.response["Error"]["Code"] == expected
    list(CALLS["InvokeModelWithResponseStream"](runtime, HAIKU)["body"])  # not scoped: passes

    faults = controls.get_faults()["faults"]
    assert [(f["operation"], f["matched"], f["fired"]) for f in faults] == [
        (["InvokeModel"], 2, 2),
        (["ConverseStream", "CountTokens"], 2, 2),
    ]


@pytest.mark.parametrize(
    ("pattern", "failing", "passing"),
    [
        (HAIKU, [HAIKU, f"us.{HAIKU}", HAIKU_ARN], [NOVA]),
        ("anthropic.claude-3-haiku*", [HAIKU, f"us.{HAIKU}", HAIKU_ARN], [NOVA]),
        ("us.*", [f"us.{HAIKU}", f"us.{NOVA}"], [HAIKU, NOVA, HAIKU_ARN]),
        (r"re:^amazon\.nova", [NOVA, f"us.{NOVA}"], [HAIKU, f"us.{HAIKU}"]),
        ("re:haiku", [HAIKU, f"us.{HAIKU}", HAIKU_ARN], [NOVA]),
    ],
    ids=["exact-id", "glob", "profile-glob", "regex-anchored", "regex-searched"],
)
def test_a_fault_can_be_scoped_to_models(
    aws: Aws, runtime: Any, pattern: str, failing: list[str], passing: list[str]
) -> None:
    aws.controls().inject_fault(error="ServiceUnavailable", model=pattern, count=None)
    for model in failing:
        assert count(runtime, model) == "ServiceUnavailableException", model
    for model in passing:
        assert count(runtime, model) is None, model


def test_on_call_and_count_pick_which_calls_fail(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.inject_fault(error="InternalServer", on_call=3, count=2)

    outcomes = [count(runtime) for _ in range(6)]
    failed = "InternalServerException"
    assert outcomes == [None, None, failed, failed, None, None]
    assert controls.get_faults() == {"faults": []}


def test_a_fault_with_count_none_fails_until_cleared(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.inject_fault(error="ModelNotReady", on_call=2, count=None)
    assert [count(runtime) for _ in range(5)] == [None] + ["ModelNotReadyException"] * 4
    assert [(f["matched"], f["fired"]) for f in controls.get_faults()["faults"]] == [(5, 4)]
    assert controls.clear_faults() == {}
    assert count(runtime) is None


def expected_pattern(seed: int, probability: float, calls: int) -> list[str | None]:
    generator = random.Random(seed)
    return [
        "ThrottlingException" if generator.random() < probability else None for _ in range(calls)
    ]


def test_probability_is_reproducible_from_its_seed(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.inject_fault(error="Throttling", probability=0.5, seed=7, count=None)
    first = [count(runtime) for _ in range(16)]
    assert first == expected_pattern(7, 0.5, 16)
    assert set(first) == {None, "ThrottlingException"}  # really mixed, not all or nothing

    controls.clear_faults()
    controls.inject_fault(error="Throttling", probability=0.5, seed=7, count=None)
    assert [count(runtime) for _ in range(16)] == first

    controls.clear_faults()
    controls.inject_fault(error="Throttling", probability=0.5, seed=8, count=None)
    assert [count(runtime) for _ in range(16)] == expected_pattern(8, 0.5, 16) != first


def test_probability_without_a_seed_still_repeats(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.inject_fault(error="Throttling", probability=0.3, count=None)
    first = [count(runtime) for _ in range(12)]
    controls.clear_faults()
    controls.inject_fault(error="Throttling", probability=0.3, count=None)
    assert [count(runtime) for _ in range(12)] == first
    assert "ThrottlingException" in first and None in first


def test_probability_counts_only_the_calls_that_fail(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.inject_fault(error="Throttling", probability=0.5, seed=7, count=2)
    outcomes = [count(runtime) for _ in range(12)]
    expected = expected_pattern(7, 0.5, 12)
    second = [i for i, outcome in enumerate(expected) if outcome][1]
    assert outcomes == expected[: second + 1] + [None] * (11 - second)


def test_probability_zero_never_fires_and_one_always_does(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.inject_fault(error="Throttling", probability=0, count=None)
    assert [count(runtime) for _ in range(3)] == [None] * 3
    controls.clear_faults()
    controls.inject_fault(error="Throttling", probability=1, count=None)
    assert [count(runtime) for _ in range(3)] == ["ThrottlingException"] * 3


def test_the_first_fault_that_fires_wins_and_every_match_counts(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.inject_fault(error="Throttling", on_call=2)
    controls.inject_fault(error="ModelTimeout", count=2)

    assert count(runtime) == "ModelTimeoutException"  # the first is not due yet
    assert count(runtime) == "ThrottlingException"  # both due: the first one wins
    assert controls.get_faults()["faults"] == [
        {
            "error": "ModelTimeoutException",
            "on_call": 1,
            "count": 2,
            "matched": 2,
            "fired": 1,
        }
    ]
    assert count(runtime) == "ModelTimeoutException"
    assert count(runtime) is None


def test_faults_are_counted_exactly_under_concurrent_calls(aws: Aws, runtime: Any) -> None:
    aws.controls().inject_fault(error="Throttling", count=5)

    # boto3 clients are thread-safe; in server mode the calls run on the server's threads.
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: count(runtime), range(20)))
    assert outcomes.count("ThrottlingException") == 5
    assert outcomes.count(None) == 15


def test_faults_do_not_leak_between_tests(aws: Aws, runtime: Any) -> None:
    # Run after the tests above in both modes: moto's reset must have dropped their faults.
    assert aws.controls().get_faults() == {"faults": []}
    assert converse(runtime) is None


BAD_FAULTS = [
    (
        {"error": "Nope"},
        "error must be one of ThrottlingException, ModelTimeoutException, ModelErrorException, "
        "ModelNotReadyException, ServiceUnavailableException, InternalServerException, "
        "AccessDeniedException, ValidationException, ServiceQuotaExceededException, "
        "ResourceNotFoundException; got 'Nope'",
    ),
    (
        {"error": "Throttling", "operation": "ApplyGuardrail"},
        "operation must be one or a list of Converse, ConverseStream, InvokeModel, "
        "InvokeModelWithResponseStream, CountTokens; got 'ApplyGuardrail'",
    ),
    (
        {"error": "Throttling", "operation": []},
        "operation must be one or a list of Converse, ConverseStream, InvokeModel, "
        "InvokeModelWithResponseStream, CountTokens; got []",
    ),
    ({"error": "Throttling", "model": ""}, "model must be a non-empty string; got ''"),
    (
        {"error": "Throttling", "model": "re:(haiku"},
        "model is not a valid regular expression: missing ), unterminated subpattern at "
        "position 0; got 're:(haiku'",
    ),
    ({"error": "Throttling", "on_call": 0}, "on_call must be a positive integer; got 0"),
    ({"error": "Throttling", "count": 0}, "count must be a positive integer; got 0"),
    ({"error": "Throttling", "count": True}, "count must be a positive integer; got True"),
    ({"error": "Throttling", "probability": 2}, "probability must be between 0 and 1; got 2"),
    ({"error": "Throttling", "seed": 3}, "seed is only used with probability"),
    (
        {"error": "Throttling", "probability": 0.5, "seed": "x"},
        "seed must be an integer; got 'x'",
    ),
    ({"error": "Throttling", "message": ""}, "message must be a non-empty string; got ''"),
    (
        {"error": "Throttling", "original_status_code": 500},
        "original_status_code is only used with ModelErrorException",
    ),
    (
        {"error": "ModelError", "original_status_code": 700},
        "original_status_code must be an HTTP status (100-599); got 700",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_FAULTS, ids=range(len(BAD_FAULTS)))
def test_a_bad_fault_is_refused_with_a_message(
    aws: Aws, kwargs: dict[str, Any], message: str
) -> None:
    controls = aws.controls()
    with pytest.raises(ConfigError) as caught:
        controls.inject_fault(**kwargs)
    assert str(caught.value) == message
    assert controls.get_faults() == {"faults": []}


def test_bad_faults_over_http_are_400_with_a_message(server_url: str) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    url = f"{server_url}/moto-api/bedrock/inject_fault"

    answer = requests.post(url, json={"error": "Throttling", "probability": 2}, timeout=5)
    assert answer.status_code == 400
    assert answer.json() == {"message": "probability must be between 0 and 1; got 2"}

    answer = requests.post(url, json={"error": "Throttling", "colour": "red"}, timeout=5)
    assert answer.status_code == 400
    assert "colour" in answer.json()["message"]

    answer = requests.post(url, json={}, timeout=5)
    assert answer.status_code == 400
    assert "error" in answer.json()["message"]

    answer = requests.post(url, json={"error": "Throttling", "model": "us.*"}, timeout=5)
    assert answer.status_code == 200
    assert answer.json() == {
        "error": "ThrottlingException",
        "model": "us.*",
        "on_call": 1,
        "count": 1,
        "matched": 0,
        "fired": 0,
    }


# -- the config-file section -------------------------------------------------------------

CONFIG = [
    {"error": "ThrottlingException", "on_call": 1, "count": 2},
    {
        "error": "ModelErrorException",
        "operation": ["Converse", "InvokeModel"],
        "model": "re:claude",
        "on_call": 3,
        "count": None,
        "probability": 0.25,
        "seed": 11,
        "message": "Model error",
        "original_status_code": 429,
        "resource_name": "claude",
    },
]


def test_faults_config_round_trips() -> None:
    plan = FaultPlan()
    plan.load_config(CONFIG)
    assert plan.to_config() == CONFIG
    again = FaultPlan()
    again.load_config(plan.to_config())
    assert again.to_config() == CONFIG


def test_faults_config_fills_in_defaults_and_short_names() -> None:
    plan = FaultPlan()
    plan.load_config([{"error": "Throttling"}, {"error": "AccessDenied", "operation": "Converse"}])
    assert plan.to_config() == [
        {"error": "ThrottlingException", "on_call": 1, "count": 1},
        {"error": "AccessDeniedException", "operation": ["Converse"], "on_call": 1, "count": 1},
    ]


def test_loaded_faults_fire_like_injected_ones() -> None:
    plan = FaultPlan()
    plan.load_config([{"error": "Throttling", "model": "*haiku*", "on_call": 2}])
    assert plan.take("Converse", HAIKU, HAIKU) is None
    assert plan.take("Converse", NOVA, NOVA) is None  # another model: not counted
    error = plan.take("ConverseStream", HAIKU, f"us.{HAIKU}")
    assert error is not None and error.code == "ThrottlingException"
    assert getattr(error, "injected", None) == "fault"
    assert plan.to_config() == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"error": "Throttling"}, "faults must be a list; got {'error': 'Throttling'}"),
        (["Throttling"], "faults[0] must be a mapping; got 'Throttling'"),
        ([{}], "faults[0].error is required"),
        (
            [{"error": "Throttling"}, {"error": "Throttling", "colour": "red"}],
            "faults[1]: unknown keys ['colour']; expected some of ['count', 'error', 'message', "
            "'model', 'on_call', 'operation', 'original_status_code', 'probability', "
            "'resource_name', 'seed']",
        ),
        (
            [{"error": "Throttling", "probability": 2}],
            "faults[0].probability must be between 0 and 1; got 2",
        ),
        ([{"error": "Throttling", "model": "re:["}], "faults[0].model is not a valid regular"),
    ],
    ids=["not-a-list", "not-a-mapping", "no-error", "unknown-key", "probability", "regex"],
)
def test_a_bad_faults_config_names_the_problem_and_changes_nothing(
    config: Any, message: str
) -> None:
    plan = FaultPlan()
    plan.load_config([{"error": "ModelTimeout"}])
    with pytest.raises(ConfigError) as caught:
        plan.load_config(config)
    assert str(caught.value).startswith(message)
    assert plan.to_config() == [{"error": "ModelTimeoutException", "on_call": 1, "count": 1}]
