"""aiobotocore raises the same modeled errors as boto3, in-process and against the server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError, EventStreamError

from tests.conftest import HAIKU, REGION, Aws, user

# aiobotocore is the [aio] extra, installed apart from [test] (its botocore pin could
# downgrade boto3): .ci/run runs this file in an environment of its own.
pytest.importorskip("aiobotocore", reason="aiobotocore is the [aio] extra (.ci/run has it)")

UNKNOWN_MODEL = "acme.nothing-v1:0"
EMBEDDING = "amazon.titan-embed-text-v2:0"
ANTHROPIC_BODY = json.dumps(
    {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "Hi"}],
    }
)
INVALID_MODEL = "The provided model identifier is invalid."

# (service, operation, kwargs, code, HTTP status, message)
ERROR_CASES: list[tuple[str, str, dict[str, Any], str, int, str]] = [
    (
        "bedrock-runtime",
        "converse",
        {"modelId": UNKNOWN_MODEL, "messages": [user("Hi")]},
        "ValidationException",
        400,
        INVALID_MODEL,
    ),
    (
        "bedrock-runtime",
        "converse",
        {"modelId": HAIKU, "messages": [user("Hi")], "inferenceConfig": {"temperature": 1.5}},
        "ValidationException",
        400,
        "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to "
        "satisfy constraint: Member must have value less than or equal to 1",
    ),
    (
        "bedrock-runtime",
        "converse_stream",
        {"modelId": UNKNOWN_MODEL, "messages": [user("Hi")]},
        "ValidationException",
        400,
        INVALID_MODEL,
    ),
    (
        "bedrock-runtime",
        "invoke_model",
        {"modelId": UNKNOWN_MODEL, "body": ANTHROPIC_BODY},
        "ValidationException",
        400,
        INVALID_MODEL,
    ),
    (
        "bedrock-runtime",
        "invoke_model_with_response_stream",
        {"modelId": EMBEDDING, "body": json.dumps({"inputText": "x"})},
        "ValidationException",
        400,
        "The model is unsupported for streaming.",
    ),
    (
        "bedrock",
        "list_foundation_models",
        {"byOutputModality": "SMELL"},
        "ValidationException",
        400,
        "1 validation error detected: Value 'SMELL' at 'byOutputModality' failed to satisfy "
        "constraint: Member must satisfy enum value set: [",  # then botocore's enum values
    ),
    (
        "bedrock",
        "get_inference_profile",
        {"inferenceProfileIdentifier": "us.acme.nothing-v1:0"},
        "ResourceNotFoundException",
        404,
        "Inference profile not found.",
    ),
]


@asynccontextmanager
async def aio_client(aws: Aws, service: str) -> AsyncIterator[Any]:
    import aiobotocore.session
    from aiobotocore.config import AioConfig

    session = aiobotocore.session.get_session()
    async with session.create_client(
        service,
        region_name=REGION,
        endpoint_url=aws.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=AioConfig(retries={"max_attempts": 1}),
    ) as client:
        yield client


def summary(error: ClientError) -> tuple[str, str, int, str]:
    """(exception class name, code, HTTP status, message) of a client error."""
    response: Any = error.response
    return (
        type(error).__name__,
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


@pytest.mark.parametrize(
    ("service", "operation", "kwargs", "code", "status", "message"),
    ERROR_CASES,
    ids=[f"{case[1]}-{case[3]}" for case in ERROR_CASES],
)
def test_aiobotocore_raises_the_modeled_exception_like_boto3(
    aws: Aws,
    service: str,
    operation: str,
    kwargs: dict[str, Any],
    code: str,
    status: int,
    message: str,
) -> None:
    boto_client = aws.client(service)
    with pytest.raises(getattr(boto_client.exceptions, code)) as boto_error:
        getattr(boto_client, operation)(**kwargs)

    async def call() -> ClientError:
        async with aio_client(aws, service) as client:
            modeled = getattr(client.exceptions, code)
            with pytest.raises(modeled) as excinfo:
                await getattr(client, operation)(**kwargs)
            error: ClientError = excinfo.value
            return error

    aio_error = asyncio.run(call())
    seen = summary(aio_error)
    assert seen == summary(boto_error.value)
    assert seen[:3] == (code, code, status)
    assert seen[3] == message or (message.endswith("[") and seen[3].startswith(message))
    assert aio_error.response["ResponseMetadata"]["RequestId"]


def start_stream(client: Any, operation: str) -> Any:
    if operation == "ConverseStream":
        return client.converse_stream(modelId=HAIKU, messages=[user("Hi")])
    return client.invoke_model_with_response_stream(modelId=HAIKU, body=ANTHROPIC_BODY)


def stream_of(response: dict[str, Any], operation: str) -> Any:
    return response["stream" if operation == "ConverseStream" else "body"]


@pytest.mark.parametrize("operation", ["ConverseStream", "InvokeModelWithResponseStream"])
def test_aiobotocore_raises_mid_stream_throttling_like_boto3(aws: Aws, operation: str) -> None:
    controls = aws.controls()

    controls.inject_stream_error(error="throttlingException", after_events=3, operation=operation)
    boto_events = []
    with pytest.raises(EventStreamError) as boto_error:
        for event in stream_of(start_stream(aws.client("bedrock-runtime"), operation), operation):
            boto_events.append(event)

    controls.inject_stream_error(error="throttlingException", after_events=3, operation=operation)

    async def read() -> tuple[list[Any], EventStreamError]:
        events = []
        async with aio_client(aws, "bedrock-runtime") as client:
            response = await start_stream(client, operation)
            with pytest.raises(EventStreamError) as excinfo:
                async for event in stream_of(response, operation):
                    events.append(event)
            return events, excinfo.value

    aio_events, aio_error = asyncio.run(read())
    assert len(aio_events) == len(boto_events) == 3
    assert [next(iter(e)) for e in aio_events] == [next(iter(e)) for e in boto_events]
    details = aio_error.response["Error"]
    assert details == boto_error.value.response["Error"]
    assert details["Code"] == "throttlingException"
    assert details["Message"] == "Too many requests, please wait before trying again."
