"""Reasoning content: Claude's extended thinking and DeepSeek R1, in every API shape.

Recorded shapes (pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
test_bedrock_model_thinking_part_*.yaml): Claude's reasoning block comes first with text
and signature, streamed as reasoning deltas then one signature delta; R1 answers first and
reasons after, without a signature; the magic test string gets redacted reasoning.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.generation.tokens import count_tokens
from tests.conftest import user

SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0"
R1 = "us.deepseek.r1-v1:0"
THINKING = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
TOOLS = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "The weather in a city.",
                "inputSchema": {
                    "json": {"type": "object", "properties": {"city": {"type": "string"}}}
                },
            }
        }
    ]
}


def test_claude_thinks_first_with_a_signature_and_counts_it_as_output(runtime: Any) -> None:
    reply = runtime.converse(
        modelId=SONNET_4,
        messages=[user("How do I cross the street?")],
        additionalModelRequestFields=THINKING,
    )
    first, answer = reply["output"]["message"]["content"]
    reasoning = first["reasoningContent"]["reasoningText"]
    assert reasoning["text"] and reasoning["signature"] and answer["text"]
    usage = reply["usage"]
    assert usage["outputTokens"] == count_tokens(reasoning["text"]) + count_tokens(answer["text"])
    # The same request reasons the same way (deterministic).
    again = runtime.converse(
        modelId=SONNET_4,
        messages=[user("How do I cross the street?")],
        additionalModelRequestFields=THINKING,
    )
    assert again["output"] == reply["output"]


def test_claude_streams_reasoning_then_one_signature_then_the_answer(runtime: Any) -> None:
    response = runtime.converse_stream(
        modelId=SONNET_4, messages=[user("Hello")], additionalModelRequestFields=THINKING
    )
    deltas = [e["contentBlockDelta"] for e in response["stream"] if "contentBlockDelta" in e]
    kinds = [(d["contentBlockIndex"], next(iter(d["delta"]))) for d in deltas]
    reasoning = [d["delta"]["reasoningContent"] for d in deltas if d["contentBlockIndex"] == 0]
    assert all(index == 0 for index, kind in kinds if kind == "reasoningContent")
    assert [list(r) for r in reasoning[:-1]] == [["text"]] * (len(reasoning) - 1)
    assert list(reasoning[-1]) == ["signature"]
    assert {kind for index, kind in kinds if index == 1} == {"text"}


def test_redacted_reasoning_on_anthropics_test_string(runtime: Any) -> None:
    trigger = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432"
    reply = runtime.converse(
        modelId=SONNET_4, messages=[user(trigger)], additionalModelRequestFields=THINKING
    )
    first = reply["output"]["message"]["content"][0]["reasoningContent"]
    assert isinstance(first["redactedContent"], bytes) and first["redactedContent"]
    stream = runtime.converse_stream(
        modelId=SONNET_4, messages=[user(trigger)], additionalModelRequestFields=THINKING
    )["stream"]
    deltas = [e["contentBlockDelta"]["delta"] for e in stream if "contentBlockDelta" in e]
    assert deltas[0] == {"reasoningContent": {"redactedContent": first["redactedContent"]}}


def test_deepseek_r1_answers_then_reasons_without_a_signature(runtime: Any) -> None:
    reply = runtime.converse(modelId=R1, messages=[user("How do I cross the street?")])
    answer, reasoning = reply["output"]["message"]["content"]
    assert answer["text"] and set(reasoning["reasoningContent"]["reasoningText"]) == {"text"}


def test_reasoning_goes_back_in_a_tool_loop(runtime: Any) -> None:
    # Turn 1 reasons; the client keeps that block (signature included) in the assistant turn
    # that called a tool, answers the call, and turn 2 is accepted and reasons again.
    question = user("What is the weather in Oslo? Use the tool.")
    first = runtime.converse(
        modelId=SONNET_4,
        messages=[question],
        toolConfig=TOOLS,
        additionalModelRequestFields=THINKING,
    )
    reasoning = first["output"]["message"]["content"][0]
    assert "signature" in reasoning["reasoningContent"]["reasoningText"]
    call = {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Oslo"}}}
    answer = {"toolResult": {"toolUseId": "tooluse_1", "content": [{"text": "Sunny"}]}}
    second = runtime.converse(
        modelId=SONNET_4,
        messages=[
            question,
            {"role": "assistant", "content": [reasoning, call]},
            {"role": "user", "content": [answer]},
        ],
        toolConfig=TOOLS,
        additionalModelRequestFields=THINKING,
    )
    content = second["output"]["message"]["content"]
    assert second["stopReason"] == "end_turn" and "reasoningContent" in content[0]
    assert "Sunny" in content[-1]["text"]


@pytest.mark.parametrize(
    ("thinking", "extra", "message"),
    [
        (
            {"type": "enabled", "budget_tokens": 1000},
            {},
            "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
        ),
        (
            {"type": "enabled", "budget_tokens": 2048},
            {"inferenceConfig": {"maxTokens": 2048}},
            "`max_tokens` must be greater than `thinking.budget_tokens`.",
        ),
        (
            {"type": "enabled", "budget_tokens": 1024},
            {"inferenceConfig": {"maxTokens": 4096, "temperature": 0.2}},
            "`temperature` may only be set to 1 when thinking is enabled.",
        ),
        (
            {"type": "enabled", "budget_tokens": 1024},
            {"toolConfig": {**TOOLS, "toolChoice": {"any": {}}}},
            "Thinking may not be enabled when tool_choice forces tool use.",
        ),
    ],
    ids=["budget-minimum", "budget-not-below-max", "temperature", "forced-tool"],
)
def test_claude_thinking_settings_are_checked(
    runtime: Any, thinking: dict[str, Any], extra: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        runtime.converse(
            modelId=SONNET_4,
            messages=[user("Hi")],
            additionalModelRequestFields={"thinking": thinking},
            **extra,
        )
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == "The model returned the following errors: " + message


def test_native_messages_body_thinks_too(runtime: Any) -> None:
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 4096,
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "messages": [{"role": "user", "content": "Hello"}],
    }
    reply = json.loads(runtime.invoke_model(modelId=SONNET_4, body=json.dumps(body))["body"].read())
    assert reply["content"][0]["type"] == "thinking" and reply["content"][0]["signature"]
    assert reply["content"][1]["type"] == "text"
    stream = runtime.invoke_model_with_response_stream(modelId=SONNET_4, body=json.dumps(body))
    chunks = [json.loads(e["chunk"]["bytes"]) for e in stream["body"]]
    deltas = [c["delta"]["type"] for c in chunks if c["type"] == "content_block_delta"]
    assert deltas[0] == "thinking_delta" and "text_delta" in deltas
    # The thinking block ends with one signature_delta, as Anthropic's stream format has it
    # (langchain-aws' test_thinking_bedrock reads the block's signature from it).
    thinking = [c["delta"] for c in chunks if c.get("index") == 0 and "delta" in c]
    assert [d["type"] for d in thinking][-1] == "signature_delta"
    assert {d["type"] for d in thinking[:-1]} == {"thinking_delta"}
    assert thinking[-1]["signature"] == reply["content"][0]["signature"]
    with pytest.raises(ClientError):
        runtime.invoke_model(modelId=SONNET_4, body=json.dumps({**body, "max_tokens": 1024}))


GPT_OSS = "openai.gpt-oss-120b-1:0"
NOVA_2 = "us.amazon.nova-2-lite-v1:0"


def test_gpt_oss_native_stream_tags_each_reasoning_delta(runtime: Any) -> None:
    # Bedrock's gpt-oss stream (CherryHQ/cherry-studio#10225): a role-only first chunk, then
    # every reasoning delta inside its own <reasoning> tags, then the answer.
    body = {"messages": [{"role": "user", "content": "Hi"}], "reasoning_effort": "low"}
    whole = json.loads(runtime.invoke_model(modelId=GPT_OSS, body=json.dumps(body))["body"].read())
    stream = runtime.invoke_model_with_response_stream(modelId=GPT_OSS, body=json.dumps(body))
    deltas = [json.loads(e["chunk"]["bytes"])["choices"][0]["delta"] for e in stream["body"]]
    assert deltas[0] == {"role": "assistant"}
    tagged = [d["content"] for d in deltas if str(d.get("content", "")).startswith("<reasoning>")]
    assert tagged and all(t.endswith("</reasoning>") for t in tagged)
    thought = "".join(t[len("<reasoning>") : -len("</reasoning>")] for t in tagged)
    assert whole["choices"][0]["message"]["content"].startswith(f"<reasoning>{thought}</reasoning>")


def test_gpt_oss_reasons_first_without_a_signature_in_a_tool_loop(runtime: Any) -> None:
    # Recorded: pydantic-ai test_bedrock_thinking_true_openai_variant.yaml (reasoning first,
    # text only) and test_bedrock_thinking_false_openai_variant_silent_drop.yaml (always).
    question = user("What is the weather in Oslo?")
    first = runtime.converse(
        modelId=GPT_OSS,
        messages=[question],
        additionalModelRequestFields={"reasoning_effort": "high"},
    )
    reasoning = first["output"]["message"]["content"][0]["reasoningContent"]
    assert set(reasoning["reasoningText"]) == {"text"}
    stream = runtime.converse_stream(modelId=GPT_OSS, messages=[question])["stream"]
    deltas = [e["contentBlockDelta"]["delta"] for e in stream if "contentBlockDelta" in e]
    # The stream opens with an empty text delta (test_bedrock_model_stream_empty_text_delta.yaml).
    assert deltas[0] == {"text": ""}
    assert "reasoningContent" in deltas[1] and "text" in deltas[-1]
    call = {"toolUse": {"toolUseId": "call_1", "name": "get_weather", "input": {"city": "Oslo"}}}
    answer = {"toolResult": {"toolUseId": "call_1", "content": [{"text": "Sunny"}]}}
    second = runtime.converse(
        modelId=GPT_OSS,
        messages=[
            question,
            {"role": "assistant", "content": [{"reasoningContent": reasoning}, call]},
            {"role": "user", "content": [answer]},
        ],
        toolConfig=TOOLS,
    )
    assert "Sunny" in second["output"]["message"]["content"][-1]["text"]


def test_nova_2_reasons_when_reasoning_config_is_enabled(runtime: Any) -> None:
    fields = {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}}
    reply = runtime.converse(
        modelId=NOVA_2, messages=[user("Hello")], additionalModelRequestFields=fields
    )
    assert "reasoningContent" in reply["output"]["message"]["content"][0]
    plain = runtime.converse(modelId=NOVA_2, messages=[user("Hello")])
    assert all("reasoningContent" not in b for b in plain["output"]["message"]["content"])
