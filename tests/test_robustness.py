"""Whatever arrives, the answer is a modeled error: never a 500, a traceback or a hang.

The fuzzing proper belongs to the validation work; these are the cases every endpoint must
survive from day one.
"""

from __future__ import annotations

import pytest

from .conftest import HAIKU, Aws, signed_request

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
