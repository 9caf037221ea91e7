"""Whatever arrives, the answer is a modeled error: never a 500, a traceback or a hang.

The fuzzing proper belongs to the validation work; these are the cases every endpoint must
survive from day one.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
import requests

from moto_bedrock import mock_bedrock
from moto_bedrock.behaviour.control import ConfigError
from tests.conftest import HAIKU, REGION, Aws, signed_request

ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"

BODIES = [
    b"",
    b"null",
    b"\xff\xfe\x00garbage",
    b'{"messages": "not a list"}',
    b'{"messages": [null]}',
    b'{"messages": [{"role": "user", "content": "text"}]}',
    b'{"messages": [{"role": "user", "content": [{"text": 42}]}]}',
    b'{"messages": [{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": "!!"}}}]}]}',
    b'{"system": [{"text": ""}], "messages": []}',
    b'{"toolConfig": {"tools": []}, "messages": []}',
    b'{"inferenceConfig": {"maxTokens": 1e400}}',
    b'{"inferenceConfig": {"maxTokens": true}}',
    b'{"requestMetadata": {"k": 1}}',
    b'{"' + b"a" * 100_000 + b'": 1}',
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_converse_never_answers_garbage_with_a_server_error(aws: Aws, body: bytes) -> None:
    response = signed_request(
        "POST",
        f"{aws.runtime_url()}/model/{HAIKU}/converse",
        body,
        {"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()) == {"message"}
    assert response.headers["x-amzn-ErrorType"].startswith("ValidationException:")
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/model/%20/converse",
        "/model/" + "x" * 3000 + "/converse",
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
    ],
    ids=["blank-id", "overlong-id", "encoded-colon"],
)
def test_odd_model_paths_get_modeled_answers(aws: Aws, path: str) -> None:
    response = signed_request(
        "POST",
        f"{aws.runtime_url()}{path}",
        b'{"messages": []}',
        {"Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text


# -- regressions found by tests/test_fuzz.py ------------------------------------------

RUNTIME_JSON = {"Content-Type": "application/json"}
CONVERSE_OK = json.dumps({"messages": [{"role": "user", "content": [{"text": "hi"}]}]})


def _modeled(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-ErrorType"] == f"{code}{ERROR_TYPE_SUFFIX}"
    body: dict[str, Any] = response.json()
    assert set(body) == {"message"}
    return body


def _control_url(aws: Aws) -> str:
    return aws.endpoint_url or f"https://bedrock.{REGION}.amazonaws.com"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/model//converse"),
        ("GET", f"/model/{HAIKU}/converse"),
        ("POST", "/no-such-operation"),
        ("POST", "/"),
        ("POST", "/model/%0A/converse/extra"),
    ],
    ids=["empty-model-id", "wrong-method", "unknown-path", "root", "newline-in-path"],
)
def test_a_request_no_operation_takes_is_a_modeled_404(aws: Aws, method: str, path: str) -> None:
    # Was: an empty 404 with no error type (and, against the server, Flask's HTML page
    # when the path held a newline).
    response = signed_request(method, f"{aws.runtime_url()}{path}", b"{}", RUNTIME_JSON)
    _modeled(response, 404, "UnknownOperationException")


def test_operations_are_routed_by_method_and_path_only(aws: Aws) -> None:
    # Was: an Action query parameter or X-Amz-Target header named the operation, and an
    # unknown name crashed with a 500.
    response = signed_request(
        "POST",
        f"{aws.runtime_url()}/model/{HAIKU}/converse?Action=NoSuchThing",
        CONVERSE_OK,
        {**RUNTIME_JSON, "X-Amz-Target": "BedrockRuntime.AlsoNothing"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "content_type", ["text/plain", "multipart/form-data; boundary=x", "application/json", None]
)
def test_the_body_is_json_whatever_the_content_type_says(
    aws: Aws, content_type: str | None
) -> None:
    # Was: a multipart Content-Type sent the JSON body to werkzeug's form parser, and the
    # request arrived empty.
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = signed_request(
        "POST", f"{aws.runtime_url()}/model/{HAIKU}/converse", CONVERSE_OK, headers
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "content_type", ["application/x-amz-json-1.1", "application/x-www-form-urlencoded"]
)
def test_another_protocols_content_type_is_an_unknown_operation(
    aws: Aws, content_type: str
) -> None:
    # These name the awsJson and awsQuery protocols, which route by X-Amz-Target or Action:
    # no Bedrock operation answers them, as AWS's front end finds none (was: an empty 404,
    # or 501 "not emulated").
    response = signed_request(
        "POST",
        f"{aws.runtime_url()}/model/{HAIKU}/converse",
        CONVERSE_OK,
        {"Content-Type": content_type},
    )
    _modeled(response, 404, "UnknownOperationException")


@pytest.mark.parametrize(
    "body",
    [
        b"\xef\xbb\xbf" + json.dumps({"input": {"invokeModel": {"body": ""}}}).encode(),
        json.dumps({"input": {"invokeModel": {"body": ""}}}).encode("utf-16"),
    ],
    ids=["utf8-bom", "utf16"],
)
def test_a_body_that_is_not_utf8_json_is_refused(aws: Aws, body: bytes) -> None:
    # Was: the validator decoded these, moto's parser read them as {}, and the backend
    # crashed on the missing input (500).
    response = signed_request(
        "POST", f"{aws.runtime_url()}/model/{HAIKU}/count-tokens", body, RUNTIME_JSON
    )
    message = _modeled(response, 400, "ValidationException")["message"]
    assert message.startswith("The request body is not valid JSON")


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    ("action", "body", "message"),
    [
        ("converse", b'{"messages": ' + _nested(100_000) + b"}", "nest deeper than 500"),
        ("converse", b'{"messages": ' + _nested(600) + b"}", "nest deeper than 500"),
        (
            "count-tokens",
            b'{"input": {"converse": {"messages": ' + _nested(5_000) + b"}}}",
            "nest deeper than 500",
        ),
        ("invoke", b'{"messages": ' + _nested(100_000) + b"}", "Malformed input request"),
        (
            "count-tokens",
            json.dumps(
                {"input": {"invokeModel": {"body": base64.b64encode(_nested(5_000)).decode()}}}
            ).encode(),
            "Malformed input request",
        ),
    ],
    ids=["converse-deep", "converse-600", "count-tokens", "invoke", "count-tokens-native"],
)
def test_deeply_nested_json_is_refused(aws: Aws, action: str, body: bytes, message: str) -> None:
    # Was: RecursionError in json.loads, answered 500.
    response = signed_request(
        "POST", f"{aws.runtime_url()}/model/{HAIKU}/{action}", body, RUNTIME_JSON
    )
    assert message in _modeled(response, 400, "ValidationException")["message"]


def test_a_compressed_body_is_not_inflated(aws: Aws) -> None:
    # Was: moto inflated Content-Encoding: gzip bodies (no Bedrock operation takes one), and
    # a broken stream crashed it (500); inflating would also escape the size limit.
    response = signed_request(
        "POST",
        f"{aws.runtime_url()}/model/{HAIKU}/converse",
        b"\x1f\x8b\x08\x00garbage",
        {**RUNTIME_JSON, "Content-Encoding": "gzip"},
    )
    _modeled(response, 400, "ValidationException")
    good = gzip.compress(CONVERSE_OK.encode())
    response = signed_request(
        "POST",
        f"{aws.runtime_url()}/model/{HAIKU}/converse",
        good,
        {**RUNTIME_JSON, "Content-Encoding": "gzip"},
    )
    _modeled(response, 400, "ValidationException")


def test_a_body_sent_to_an_operation_without_one_is_ignored(aws: Aws) -> None:
    # Was: moto's parser read "4" as the input structure and crashed (500).
    for path in ("/inference-profiles", f"/foundation-models/{HAIKU}"):
        response = signed_request("GET", f"{_control_url(aws)}{path}", b"4", RUNTIME_JSON)
        assert response.status_code == 200, response.text


def test_headers_are_not_query_parameters_for_moto_handlers(aws: Aws) -> None:
    # Was: moto read the headers as the query string when there was none, and an empty
    # header crashed its ListModelCustomizationJobs handler (IndexError, 500).
    response = signed_request(
        "GET", f"{_control_url(aws)}/model-customization-jobs", b"", {"Action": ""}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/model-customization-jobs", b""),
        ("POST", "/model-customization-jobs", b"[]"),
        ("POST", "/model-customization-jobs", b'{"jobName": 5}'),
        ("POST", "/tagResource", b'{"resourceARN": 1, "tags": 5}'),
        ("PUT", "/logging/modelinvocations", b'{"loggingConfig": 3}'),
    ],
    ids=["no-body", "list", "wrong-type", "tags", "logging"],
)
def test_moto_handlers_get_type_checked_input(
    aws: Aws, method: str, path: str, body: bytes
) -> None:
    # Was: moto's hand-written handlers crashed (500) or, for the logging configuration,
    # stored the bad value and answered 200.
    response = signed_request(method, f"{_control_url(aws)}{path}", body, RUNTIME_JSON)
    _modeled(response, 400, "ValidationException")
    assert aws.client("bedrock").get_model_invocation_logging_configuration().get(
        "loggingConfig"
    ) in (None, {})


def test_moto_handler_errors_are_sent_in_bedrock_format(aws: Aws) -> None:
    # Was: {"__type": ...} with a bare error-type header, and 400 for every code.
    # (Custom models are ours now, no longer moto's handler; the wire format is the point.)
    response = signed_request("GET", f"{_control_url(aws)}/custom-models/nope")
    message = _modeled(response, 404, "ResourceNotFoundException")["message"]
    assert message == "Custom model nope not found."


def test_an_error_moto_cannot_place_is_still_modeled(monkeypatch: pytest.MonkeyPatch) -> None:
    # Was: an error class moto's serializer could not map to a service (an exception
    # defined outside moto_bedrock.bedrock*) crashed the error path itself (500).
    import moto.core.serialize

    def unplaceable(*args: Any, **kwargs: Any) -> Any:
        raise LookupError("Unknown service: 'rules'")

    monkeypatch.setattr(moto.core.serialize, "get_error_model", unplaceable)
    with mock_bedrock():
        response = signed_request(
            "POST",
            f"https://bedrock-runtime.{REGION}.amazonaws.com/model/{HAIKU}/converse",
            b'{"messages": []}',
            RUNTIME_JSON,
        )
    _modeled(response, 400, "ValidationException")


@pytest.mark.parametrize(
    ("operation", "kwargs", "match"),
    [
        ("configure_streaming", {"sleep": "no"}, "sleep must be true or false"),
        ("configure_streaming", {"tokens_per_second": "x"}, "tokens_per_second must be"),
        ("configure_streaming", {"time_to_first_token_ms": "x"}, "time_to_first_token_ms"),
        ("configure_streaming", {"size": True}, "size must be a positive integer"),
        (
            "inject_stream_error",
            {"error": "modelStreamErrorException", "original_status_code": "x"},
            "original_status_code must be",
        ),
        (
            "inject_stream_error",
            {"error": "throttlingException", "message": 7},
            "message must be a string",
        ),
    ],
)
def test_control_settings_of_the_wrong_type_are_refused(
    aws: Aws, operation: str, kwargs: dict[str, Any], match: str
) -> None:
    # Was: stored as given; a non-integer original_status_code then crashed the next
    # stream, a string rate answered Python's "'<=' not supported ..." text.
    with pytest.raises(ConfigError, match=match):
        getattr(aws.controls(), operation)(**kwargs)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"region": "nowhere-1"}', "unknown region 'nowhere-1' or account '123456789012'"),
        (b'{"region": 5}', "region and account_id must be strings"),
        (b"[" * 5000 + b"]" * 5000, "the body is nested too deeply"),
        (b"[1]", "the body must be a JSON object"),
    ],
    ids=["unknown-region", "region-not-a-string", "deep-nesting", "not-an-object"],
)
def test_control_endpoint_answers_bad_bodies_with_400(
    server_url: str, body: bytes, message: str
) -> None:
    import requests

    response = requests.post(
        f"{server_url}/moto-api/bedrock/get_streaming",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json() == {"message": message}
