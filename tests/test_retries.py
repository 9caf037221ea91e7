"""boto3's own retries against injected faults: what recovers, what gives up, and how.

botocore's backoff is patched to zero so the retries run at once; everything else (which
errors are retried, how many times, the final message) is botocore's real code.
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.retryhandler
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import ExponentialBackoff

from tests.conftest import HAIKU, REGION, Aws, user


def client_with_retries(aws: Aws, **retries: Any) -> Any:
    """A bedrock-runtime client for this mode with exactly these retry settings.

    Use ``total_max_attempts=1`` for no retries at all: botocore's ``max_attempts`` counts
    *retries*, so ``max_attempts: 1`` still retries once.
    """
    return boto3.client(
        "bedrock-runtime",
        region_name=REGION,
        endpoint_url=aws.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries=retries),
    )


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry at once. Legacy mode binds its delay function when the client is made."""
    monkeypatch.setattr(botocore.retryhandler, "delay_exponential", lambda **_: 0)
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


# Retry settings and how many retries they allow. botocore's ``total_max_attempts``
# counts the first attempt too; its older ``max_attempts`` key counts retries only.
MODES = [
    pytest.param({"mode": "legacy", "total_max_attempts": 5}, 4, id="legacy"),
    pytest.param({"mode": "standard", "total_max_attempts": 3}, 2, id="standard"),
]
EXHAUSTING = [
    *MODES,
    pytest.param({"mode": "legacy"}, 4, id="legacy-default"),
    pytest.param({"mode": "standard"}, 2, id="standard-default"),
    pytest.param({"mode": "legacy", "max_attempts": 5}, 5, id="legacy-max_attempts-5"),
    pytest.param({"mode": "standard", "max_attempts": 3}, 3, id="standard-max_attempts-3"),
]


def converse(runtime: Any) -> dict[str, Any]:
    return runtime.converse(  # type: ignore[no-any-return]
        modelId=HAIKU, messages=[user("Hello")], inferenceConfig={"maxTokens": 5}
    )


def history(aws: Aws) -> list[tuple[str | None, str | None]]:
    calls = aws.controls().get_call_history()["calls"]
    return [((c["error"] or {}).get("code"), c["injected"]) for c in calls]


@pytest.mark.parametrize(("retries", "_"), MODES)
def test_a_retrying_client_rides_out_two_throttles(
    aws: Aws, retries: dict[str, Any], _: int
) -> None:
    aws.controls().inject_fault(error="ThrottlingException", count=2)
    runtime = client_with_retries(aws, **retries)

    response = converse(runtime)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert history(aws) == [
        ("ThrottlingException", "fault"),
        ("ThrottlingException", "fault"),
        (None, None),
    ]


@pytest.mark.parametrize(("retries", "retried"), EXHAUSTING)
def test_exhausted_retries_give_boto3s_final_message(
    aws: Aws, retries: dict[str, Any], retried: int
) -> None:
    aws.controls().inject_fault(error="ThrottlingException", count=None)
    runtime = client_with_retries(aws, **retries)

    with pytest.raises(ClientError) as caught:
        runtime.invoke_model(
            modelId=HAIKU,
            body=b'{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, '
            b'"messages": [{"role": "user", "content": "Hi"}]}',
        )

    assert str(caught.value) == (
        "An error occurred (ThrottlingException) when calling the InvokeModel operation "
        f"(reached max retries: {retried}): Too many requests, please wait before trying again."
    )
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == retried
    assert history(aws) == [("ThrottlingException", "fault")] * (retried + 1)


@pytest.mark.parametrize(("retries", "_"), MODES)
@pytest.mark.parametrize(
    "error", ["ServiceUnavailableException", "InternalServerException", "ModelNotReadyException"]
)
def test_server_errors_are_retried_too(
    aws: Aws, retries: dict[str, Any], _: int, error: str
) -> None:
    aws.controls().inject_fault(error=error, count=1)
    runtime = client_with_retries(aws, **retries)

    assert converse(runtime)["ResponseMetadata"]["RetryAttempts"] == 1
    assert history(aws) == [(error, "fault"), (None, None)]


@pytest.mark.parametrize(("retries", "_"), MODES)
@pytest.mark.parametrize("error", ["ValidationException", "AccessDeniedException"])
def test_client_errors_are_not_retried(
    aws: Aws, retries: dict[str, Any], _: int, error: str
) -> None:
    aws.controls().inject_fault(error=error, count=1)
    runtime = client_with_retries(aws, **retries)

    with pytest.raises(ClientError) as caught:
        converse(runtime)

    assert caught.value.response["Error"]["Code"] == error
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert "reached max retries" not in str(caught.value)
    assert history(aws) == [(error, "fault")]


def test_quota_throttles_are_retried_like_any_other(aws: Aws) -> None:
    # The retry lands at the same manual-clock instant, so the window is still full.
    controls = aws.controls()
    controls.configure_clock(manual=True)
    controls.set_quota(model=HAIKU, requests_per_minute=1)
    runtime = client_with_retries(aws, mode="standard", total_max_attempts=3)

    converse(runtime)
    with pytest.raises(ClientError) as caught:
        converse(runtime)

    assert "(reached max retries: 2)" in str(caught.value)
    assert history(aws) == [(None, None)] + [("ThrottlingException", "quota")] * 3
