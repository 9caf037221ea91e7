"""Requests- and tokens-per-minute quotas on a sliding window of the manual clock."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.behaviour.control import ConfigError
from moto_bedrock.behaviour.quotas import QuotaPlan
from tests.conftest import HAIKU, Aws, user
from tests.test_retries import client_with_retries

NOVA = "amazon.nova-micro-v1:0"
TOO_MANY_REQUESTS = "Too many requests, please wait before trying again."
TOO_MANY_TOKENS = "Too many tokens, please wait before trying again."
# Tokens one ``converse()`` call below uses: "Hello" is one input token plus Claude's seven
# template tokens, and maxTokens=5 cuts the default reply to five output tokens.
USED = 1 + 7 + 5
ERROR_TYPE = "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"


@pytest.fixture
def runtime(aws: Aws) -> Any:
    """A client that never retries: a retry would land in the same full window."""
    return client_with_retries(aws, total_max_attempts=1)


@pytest.fixture
def controls(aws: Aws) -> Any:
    """Controls with the clock stopped at 0, so windows move only when a test says."""
    controls = aws.controls()
    controls.configure_clock(manual=True, now=0)
    return controls


def converse(runtime: Any, model: str = HAIKU, max_tokens: int = 5) -> str | None:
    """The refusal message of one Converse call, or None when it succeeds."""
    try:
        runtime.converse(
            modelId=model, messages=[user("Hello")], inferenceConfig={"maxTokens": max_tokens}
        )
    except ClientError as error:
        assert error.response["Error"]["Code"] == "ThrottlingException"
        return str(error.response["Error"]["Message"])
    return None


def test_requests_over_the_limit_are_throttled_as_bedrock_does(
    aws: Aws, controls: Any, runtime: Any
) -> None:
    controls.set_quota(model=HAIKU, requests_per_minute=2)
    assert converse(runtime) is None
    assert converse(runtime) is None

    with pytest.raises(ClientError) as caught:
        runtime.converse(modelId=HAIKU, messages=[user("Hello")])
    response = caught.value.response
    assert response["Error"] == {"Code": "ThrottlingException", "Message": TOO_MANY_REQUESTS}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == ERROR_TYPE

    calls = controls.get_call_history()["calls"]
    assert [(c["error"], c["injected"]) for c in calls] == [
        (None, None),
        (None, None),
        ({"code": "ThrottlingException", "message": TOO_MANY_REQUESTS}, "quota"),
    ]


def test_the_request_window_slides_and_throttled_calls_do_not_count(
    controls: Any, runtime: Any
) -> None:
    controls.set_quota(model=HAIKU, requests_per_minute=2)
    assert converse(runtime) is None  # t=0
    controls.advance_clock(seconds=30)
    assert converse(runtime) is None  # t=30
    assert converse(runtime) == TOO_MANY_REQUESTS  # t=30, refused and not counted
    controls.advance_clock(seconds=29.5)
    assert converse(runtime) == TOO_MANY_REQUESTS  # t=59.5: both still in the window

    controls.advance_clock(seconds=0.5)  # t=60: the first call leaves the window
    assert converse(runtime) is None
    assert converse(runtime) == TOO_MANY_REQUESTS
    controls.advance_clock(seconds=30)  # t=90: the t=30 call leaves (a fixed window would not)
    assert converse(runtime) is None
    assert controls.get_quotas() == {
        "quotas": [
            {
                "model": HAIKU,
                "requests_per_minute": 2,
                "window": {"requests": 2, "tokens": 2 * USED},
            }
        ]
    }


def test_a_quota_counts_a_models_profiles_and_arns_but_no_other_model(
    controls: Any, runtime: Any
) -> None:
    controls.set_quota(model="anthropic.claude-3-haiku*", requests_per_minute=2)
    assert converse(runtime, f"us.{HAIKU}") is None
    assert converse(runtime, f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}") is None
    assert converse(runtime, HAIKU) == TOO_MANY_REQUESTS
    assert converse(runtime, NOVA) is None


def test_every_operation_counts_and_streams_fail_before_they_start(
    controls: Any, runtime: Any
) -> None:
    controls.set_quota(model=HAIKU, requests_per_minute=1)
    list(runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"])
    with pytest.raises(ClientError) as caught:
        runtime.invoke_model_with_response_stream(
            modelId=HAIKU,
            body=b'{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, '
            b'"messages": [{"role": "user", "content": "Hi"}]}',
        )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert caught.value.response["Error"]["Message"] == TOO_MANY_REQUESTS


def test_tokens_over_the_limit_are_throttled_until_they_leave_the_window(
    controls: Any, runtime: Any
) -> None:
    first = runtime.converse(
        modelId=HAIKU, messages=[user("Hello")], inferenceConfig={"maxTokens": 5}
    )
    used = first["usage"]["totalTokens"]
    assert used == USED
    controls.clear_call_history()
    controls.set_quota(model="re:haiku", tokens_per_minute=used + 1)

    assert converse(runtime) is None  # admitted at 0; 13 tokens charged
    assert converse(runtime) is None  # admitted at 6 < 7; now 12
    assert converse(runtime) == TOO_MANY_TOKENS
    assert controls.get_quotas()["quotas"][0]["window"] == {"requests": 2, "tokens": 2 * used}
    controls.advance_clock(seconds=60)
    assert converse(runtime) is None
    assert [c["injected"] for c in controls.get_call_history()["calls"]] == [
        None,
        None,
        "quota",
        None,
    ]


def test_requests_are_checked_before_tokens(controls: Any, runtime: Any) -> None:
    controls.set_quota(model=HAIKU, requests_per_minute=1, tokens_per_minute=1)
    assert converse(runtime) is None
    assert converse(runtime) == TOO_MANY_REQUESTS


def test_every_matching_quota_applies(controls: Any, runtime: Any) -> None:
    controls.set_quota(model="*", requests_per_minute=3)
    controls.set_quota(model="*haiku*", requests_per_minute=1)
    assert converse(runtime, HAIKU) is None
    assert converse(runtime, HAIKU) == TOO_MANY_REQUESTS  # the haiku quota is full
    assert converse(runtime, NOVA) is None
    assert converse(runtime, NOVA) is None  # three calls in "*": haiku, nova, nova
    assert converse(runtime, NOVA) == TOO_MANY_REQUESTS
    windows = [q["window"]["requests"] for q in controls.get_quotas()["quotas"]]
    assert windows == [3, 1]


def test_a_zero_quota_refuses_every_call(controls: Any, runtime: Any) -> None:
    controls.set_quota(model=HAIKU, requests_per_minute=0)
    assert converse(runtime) == TOO_MANY_REQUESTS


def test_setting_a_pattern_again_replaces_it_and_clearing_lifts_all(
    controls: Any, runtime: Any
) -> None:
    assert controls.set_quota(model=HAIKU, requests_per_minute=1) == {
        "model": HAIKU,
        "requests_per_minute": 1,
        "window": {"requests": 0, "tokens": 0},
    }
    assert converse(runtime) is None
    assert converse(runtime) == TOO_MANY_REQUESTS

    controls.set_quota(model=HAIKU, tokens_per_minute=1000)  # a fresh window, no RPM
    assert converse(runtime) is None
    assert controls.get_quotas() == {
        "quotas": [
            {"model": HAIKU, "tokens_per_minute": 1000, "window": {"requests": 1, "tokens": USED}}
        ]
    }
    controls.set_quota(model=HAIKU, requests_per_minute=0)
    assert controls.clear_quotas() == {}
    assert controls.get_quotas() == {"quotas": []}
    assert converse(runtime) is None


def test_quotas_use_real_time_unless_the_clock_is_manual(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.set_quota(model=HAIKU, requests_per_minute=1)
    assert converse(runtime) is None
    assert converse(runtime) == TOO_MANY_REQUESTS  # well within a real minute


BAD_QUOTAS = [
    ({"model": HAIKU}, "a quota needs requests_per_minute, tokens_per_minute or both"),
    ({"model": "", "requests_per_minute": 1}, "model must be a non-empty string; got ''"),
    (
        {"model": HAIKU, "requests_per_minute": -1},
        "requests_per_minute must be an integer of 0 or more; got -1",
    ),
    (
        {"model": HAIKU, "tokens_per_minute": 1.5},
        "tokens_per_minute must be an integer of 0 or more; got 1.5",
    ),
    (
        {"model": "re:*haiku", "requests_per_minute": 1},
        "model is not a valid regular expression: nothing to repeat at position 0; got 're:*haiku'",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_QUOTAS, ids=range(len(BAD_QUOTAS)))
def test_a_bad_quota_is_refused_with_a_message(
    aws: Aws, kwargs: dict[str, Any], message: str
) -> None:
    # In server mode RemoteControl raises the HTTP 400's message as ConfigError.
    controls = aws.controls()
    with pytest.raises(ConfigError) as caught:
        controls.set_quota(**kwargs)
    assert str(caught.value) == message
    assert controls.get_quotas() == {"quotas": []}


def test_a_quota_needs_a_model(aws: Aws) -> None:
    with pytest.raises((ConfigError, TypeError), match="model"):
        aws.controls().set_quota(requests_per_minute=1)


# -- the config-file section -------------------------------------------------------------

CONFIG = [
    {"model": "anthropic.*", "requests_per_minute": 50, "tokens_per_minute": 20000},
    {"model": "re:nova-(micro|lite)", "tokens_per_minute": 0},
    {"model": "*", "requests_per_minute": 1000},
]


def test_quotas_config_round_trips() -> None:
    plan = QuotaPlan()
    plan.load_config(CONFIG)
    assert plan.to_config() == CONFIG
    again = QuotaPlan()
    again.load_config(plan.to_config())
    assert again.to_config() == CONFIG


def test_loaded_quotas_admit_and_settle_on_the_given_clock() -> None:
    plan = QuotaPlan()
    plan.load_config([{"model": "*haiku*", "requests_per_minute": 1, "tokens_per_minute": 10}])
    plan.admit(HAIKU, HAIKU, now=100.0)
    plan.settle(HAIKU, HAIKU, 4, now=100.5)
    with pytest.raises(Exception, match=TOO_MANY_REQUESTS) as caught:
        plan.admit(HAIKU, f"us.{HAIKU}", now=159.9)
    assert getattr(caught.value, "injected", None) == "quota"
    plan.admit(HAIKU, HAIKU, now=160.0)
    plan.admit(NOVA, NOVA, now=160.0)  # no quota for it
    assert plan.to_json(now=160.0) == [
        {
            "model": "*haiku*",
            "requests_per_minute": 1,
            "tokens_per_minute": 10,
            "window": {"requests": 1, "tokens": 4},
        }
    ]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"model": "*"}, "quotas must be a list; got {'model': '*'}"),
        (["*"], "quotas[0] must be a mapping; got '*'"),
        ([{"requests_per_minute": 1}], "quotas[0].model is required (a glob or re:<regex>)"),
        (
            [{"model": "*", "requests_per_minute": 1, "burst": 3}],
            "quotas[0]: unknown keys ['burst']; expected some of ['model', "
            "'requests_per_minute', 'tokens_per_minute']",
        ),
        (
            [{"model": "*", "tokens_per_minute": "lots"}],
            "quotas[0].tokens_per_minute must be an integer of 0 or more; got 'lots'",
        ),
        ([{"model": "*"}], "quotas[0] needs requests_per_minute, tokens_per_minute or both"),
        (
            [{"model": "*", "requests_per_minute": 1}, {"model": "*", "tokens_per_minute": 1}],
            "quotas[1].model repeats '*'",
        ),
    ],
    ids=["not-a-list", "not-a-mapping", "no-model", "unknown-key", "type", "no-limit", "repeat"],
)
def test_a_bad_quotas_config_names_the_problem_and_changes_nothing(
    config: Any, message: str
) -> None:
    plan = QuotaPlan()
    plan.load_config([{"model": "*", "requests_per_minute": 5}])
    with pytest.raises(ConfigError) as caught:
        plan.load_config(config)
    assert str(caught.value) == message
    assert plan.to_config() == [{"model": "*", "requests_per_minute": 5}]
