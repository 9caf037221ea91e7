"""strands-agents' ``Agent()`` with no model argument works against the emulator.

strands' default model is ``global.anthropic.claude-sonnet-4-6`` (strands 1.62,
``strands/models/bedrock.py``), reached through ConverseStream. Its own integration tests
(``tests_integ``) then expect the agent to call a tool with a value from the prompt and
to answer from the tool's result, which the default model does (docs/tools.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Aws


@pytest.fixture
def strands() -> Any:
    # Imported here, not at collection: every test here is slow, and the import costs
    # about a second of CPU in each xdist worker of the README's suite.
    return pytest.importorskip("strands")


@pytest.fixture
def agent_env(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Aws:
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    if aws.endpoint_url is not None:
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", aws.endpoint_url)
    return aws


@pytest.mark.slow
def test_agent_with_the_default_model_calls_a_tool_and_answers(
    strands: Any, agent_env: Aws
) -> None:
    calls: list[tuple[float, float]] = []

    @strands.tool
    def multiply(a: float, b: float) -> float:
        """Multiply two numbers.

        Args:
            a: The first number.
            b: The second number.
        """
        calls.append((a, b))
        return a * b

    agent = strands.Agent(tools=[multiply], callback_handler=None)
    assert agent.model.config["model_id"] == "global.anthropic.claude-sonnet-4-6"

    result = agent("What is 6 multiplied by 7?")

    assert calls == [(6, 7)]  # the numbers from the prompt
    assert "42" in str(result)  # the answer quotes the tool's result
    history: dict[str, Any] = agent_env.controls("us-west-2").get_call_history()
    assert [c["operation"] for c in history["calls"]] == ["ConverseStream", "ConverseStream"]
    assert {c["model_id"] for c in history["calls"]} == {"global.anthropic.claude-sonnet-4-6"}
