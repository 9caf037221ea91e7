"""Anthropic's own SDK (2.x ``AnthropicBedrock``) against the server.

anthropic 2.16 sends ``"anthropic_version": "2026-10-21"`` (its ``ANTHROPIC_API_VERSION``,
``anthropic/_constants.py``) in every Bedrock body. The SDK talks HTTP through httpx, which
moto's in-process mock does not intercept, so this runs against the server only.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.conftest import HAIKU


@pytest.fixture
def client(server_url: str) -> Any:
    # Imported here, not at collection: the import costs ~4 s of CPU, which every xdist
    # worker would pay whether or not it runs these two tests.
    anthropic = pytest.importorskip("anthropic")
    # The server is shared by the worker's tests: start from its defaults (an earlier test
    # may have switched the built-in tool calls off).
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    return anthropic.AnthropicBedrock(
        aws_region="us-east-1",
        aws_access_key="testing",
        aws_secret_key="testing",
        base_url=server_url,
        max_retries=0,
    )


def test_messages_create_and_stream(client: Any) -> None:
    message = client.messages.create(
        model=HAIKU, max_tokens=50, messages=[{"role": "user", "content": "Hello"}]
    )
    assert message.role == "assistant" and message.content[0].type == "text"
    assert message.usage.input_tokens == 8  # "Hello" and Claude's template

    with client.messages.stream(
        model=HAIKU, max_tokens=50, messages=[{"role": "user", "content": "Hello"}]
    ) as stream:
        text = "".join(stream.text_stream)
    assert text == message.content[0].text


def test_tool_use_with_the_sdk(client: Any) -> None:
    message = client.messages.create(
        model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        max_tokens=200,
        tools=[
            {
                "name": "multiply",
                "description": "Multiply two numbers",
                "input_schema": {
                    "type": "object",
                    "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                    "required": ["a", "b"],
                },
            }
        ],
        messages=[{"role": "user", "content": "Multiply 8 by 9"}],
    )
    assert message.stop_reason == "tool_use"
    [call] = message.content
    assert call.type == "tool_use" and call.name == "multiply" and call.input == {"a": 8, "b": 9}
