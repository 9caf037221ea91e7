"""Every Bedrock request rule: the request that breaks it, Bedrock's answer, and its waiver.

One table lists each rule in ``moto_bedrock.rules.RULES`` with a request that breaks that
rule and no other, so waiving the rule alone lets the very request through. Models come
from the catalog by their capability flags, so the table follows the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.catalog import FoundationModel, load_catalog
from moto_bedrock.catalog.on_demand import profile_only_in
from moto_bedrock.rules import RULES
from tests.conftest import HAIKU, REGION, Aws, user

NOVA = "us.amazon.nova-micro-v1:0"


def _callable_id(model: FoundationModel) -> str:
    profile_only = model.requires_inference_profile or profile_only_in(model.model_id, REGION)
    return f"us.{model.model_id}" if profile_only else model.model_id


def _usable(model: FoundationModel) -> bool:
    catalog = load_catalog()
    if not model.converse or not catalog.offered_in(model, REGION):
        return False
    if model.inference_types_supported == ("PROVISIONED",):
        return False  # a provisioned-only variant takes no on-demand call
    return not model.requires_inference_profile or "us" in model.inference_profiles


def pick(**flags: bool) -> str:
    """The first catalog model callable in REGION whose flags all have the given values."""
    for model in load_catalog().models:
        if _usable(model) and all(getattr(model, k) == v for k, v in flags.items()):
            return _callable_id(model)
    raise LookupError(f"no model in the catalog with {flags}")


def _usable_models() -> list[FoundationModel]:
    return [m for m in load_catalog().models if _usable(m)]


SMALLEST_WINDOW = min(
    (m for m in _usable_models() if m.context_window), key=lambda m: m.context_window or 0
)
LARGEST_DOCUMENT_WINDOW = max(
    (m for m in _usable_models() if m.document_input and m.context_window),
    key=lambda m: m.context_window or 0,
)

TOOL = {
    "toolSpec": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}},
    }
}
TOOLS = {"tools": [TOOL]}


def image(size: int = 8) -> dict[str, Any]:
    return {"image": {"format": "png", "source": {"bytes": b"\x89PNG" + b"\0" * (size - 4)}}}


def document(name: str = "notes", size: int = 16) -> dict[str, Any]:
    return {"document": {"format": "txt", "name": name, "source": {"bytes": b"a" * size}}}


def video() -> dict[str, Any]:
    return {"video": {"format": "mp4", "source": {"bytes": b"\0\0\0\x18ftypmp42"}}}


def tool_use(tool_id: str) -> dict[str, Any]:
    return {"toolUse": {"toolUseId": tool_id, "name": "get_weather", "input": {"city": "Oslo"}}}


def tool_result(tool_id: str) -> dict[str, Any]:
    return {"toolResult": {"toolUseId": tool_id, "content": [{"text": "Sunny, 21 C"}]}}


def asks(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": "Please look at this."}, *blocks]}


def answers(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "assistant", "content": list(blocks)}


@dataclass
class Case:
    rule: str
    model: str
    request: dict[str, Any]
    message: str
    stream: bool = False
    kwargs: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.kwargs = {"modelId": self.model, **self.request}


WEATHER_TURN = [user("Weather in Oslo?"), answers(tool_use("tooluse_A"))]
LLAMA_33 = "us.meta.llama3-3-70b-instruct-v1:0"

CASES = [
    Case(
        "message-roles",
        HAIKU,
        {"messages": [user("Hi"), {"role": "system", "content": [{"text": "Be brief."}]}]},
        "1 validation error detected: Value 'system' at 'messages.2.member.role' failed to "
        "satisfy constraint: Member must satisfy enum value set: [user, assistant]",
    ),
    Case(
        "conversation",
        HAIKU,
        {"messages": [user("Hi"), answers({"text": "A"}), answers({"text": "B"})]},
        "A conversation must alternate between user and assistant roles. Make sure the "
        "conversation alternates between user and assistant roles and try again.",
    ),
    Case(
        "document-text",
        HAIKU,
        {"messages": [{"role": "user", "content": [document()]}]},
        "A text block must be included when using documents.",
    ),
    Case(
        "media-in-user-messages",
        HAIKU,
        {"messages": [user("Draw"), answers({"text": "Here."}, image()), user("Thanks")]},
        "The image block at messages.1.content.1 is in a message with the assistant role. "
        "Images, documents and videos are allowed only in user messages. Move the block to a "
        "user message and try again.",
    ),
    Case(
        "image-count",
        HAIKU,
        {"messages": [asks(*[image() for _ in range(21)])]},
        "You can't include more than 20 images in a request.",
    ),
    Case(
        "image-size",
        HAIKU,
        {"messages": [asks(image(3_932_161))]},
        "The model returned the following errors: messages.0.content.1.image.source.bytes: "
        "image exceeds 5 MB maximum: 5242884 bytes > 5242880 bytes",
    ),
    Case(
        "document-count",
        HAIKU,
        {"messages": [asks(*[document(f"notes {i}") for i in range(6)])]},
        "You can't include more than 5 documents in a request.",
    ),
    Case(
        "document-size",
        _callable_id(LARGEST_DOCUMENT_WINDOW),
        {"messages": [asks(document(size=4_718_593))]},
        "The document at messages.0.content.1 is 4718593 bytes, which exceeds the maximum "
        "document size of 4.5 MB (4718592 bytes). Reduce the size of the document and try "
        "again.",
    ),
    Case(
        "tool-ids-unique",
        HAIKU,
        {
            "messages": [
                user("Weather in Oslo and Bergen?"),
                answers(tool_use("tooluse_dup"), tool_use("tooluse_dup")),
                {"role": "user", "content": [tool_result("tooluse_dup")]},
            ],
            "toolConfig": TOOLS,
        },
        "The toolUse blocks at messages.1.content contain duplicate Ids: tooluse_dup",
    ),
    Case(
        "tool-results-missing",
        HAIKU,
        {"messages": [*WEATHER_TURN, user("Never mind.")], "toolConfig": TOOLS},
        "Expected toolResult blocks at messages.2.content for the following Ids: tooluse_A",
    ),
    Case(
        "tool-results-extra",
        HAIKU,
        {
            "messages": [
                *WEATHER_TURN,
                {"role": "user", "content": [tool_result("tooluse_A"), tool_result("tooluse_B")]},
            ],
            "toolConfig": TOOLS,
        },
        "The number of toolResult blocks at messages.2.content exceeds the number of toolUse "
        "blocks of previous turn.",
    ),
    Case(
        "tool-turns-separate",
        LLAMA_33,
        {
            "messages": [
                *WEATHER_TURN,
                {"role": "user", "content": [tool_result("tooluse_A"), {"text": "Briefly."}]},
            ],
            "toolConfig": TOOLS,
        },
        "messages.2.content: Conversation blocks and tool result blocks cannot be provided in "
        "the same turn.",
    ),
    Case(
        "tool-error-content",
        HAIKU,
        {
            "messages": [
                *WEATHER_TURN,
                {
                    "role": "user",
                    "content": [
                        {"toolResult": {"toolUseId": "tooluse_A", "content": [], "status": "error"}}
                    ],
                },
            ],
            "toolConfig": TOOLS,
        },
        "The model returned the following errors: messages.2.content.0.tool_result: content "
        "cannot be empty if `is_error` is true",
    ),
    Case(
        "cache-point-placement",
        HAIKU,
        {
            "messages": [
                user("Hi"),
                answers(
                    {"reasoningContent": {"reasoningText": {"text": "Hm.", "signature": "s"}}},
                    {"cachePoint": {"type": "default"}},
                    {"text": "Hello."},
                ),
                user("Again"),
            ]
        },
        "Cache point cannot be inserted after reasoning block. Please remove the invalid cache "
        "point and try again.",
    ),
    Case(
        "cache-point-prefix",
        HAIKU,
        {
            "messages": [
                {"role": "user", "content": [{"cachePoint": {"type": "default"}}, {"text": "Hi"}]}
            ]
        },
        "There is nothing available to cache.",
    ),
    Case(
        "tool-config-required",
        NOVA,
        {"messages": [*WEATHER_TURN, {"role": "user", "content": [tool_result("tooluse_A")]}]},
        "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
    ),
    Case(
        "tool-names-unique",
        HAIKU,
        {"messages": [user("Weather?")], "toolConfig": {"tools": [TOOL, TOOL]}},
        "The toolConfig.tools field contains duplicate tool names: get_weather. Tool names "
        "must be unique. Rename or remove the duplicate tools and try again.",
    ),
    Case(
        "tool-schema-keys",
        NOVA,
        {
            "messages": [user("Weather?")],
            "toolConfig": {
                "tools": [
                    {
                        "toolSpec": {
                            "name": "get_weather",
                            "inputSchema": {"json": {"type": "object", "definitions": {}}},
                        }
                    }
                ]
            },
        },
        "The model returned the following errors: Malformed input request: "
        "#/toolConfig/tools/0/toolSpec/inputSchema/json: extraneous key [definitions] is not "
        "permitted, please reformat your input and try again.",
    ),
    Case(
        "tool-choice-known",
        HAIKU,
        {
            "messages": [user("Weather?")],
            "toolConfig": {**TOOLS, "toolChoice": {"tool": {"name": "book_flight"}}},
        },
        "The tool book_flight in toolConfig.toolChoice.tool is not in toolConfig.tools. "
        "Add the tool or choose another, and try again.",
    ),
    Case(
        "tool-use",
        pick(tool_use=False, system_prompt=True),
        {"messages": [user("Weather?")], "toolConfig": TOOLS},
        "This model doesn't support tool use.",
    ),
    Case(
        "tool-use-streaming",
        pick(tool_use=True, tool_use_streaming=False, response_streaming_supported=True),
        {"messages": [user("Weather?")], "toolConfig": TOOLS},
        "This model doesn't support tool use in streaming mode.",
        stream=True,
    ),
    Case(
        "tool-choice-any",
        pick(tool_use=True, tool_choice_any=False),
        {"messages": [user("Weather?")], "toolConfig": {**TOOLS, "toolChoice": {"any": {}}}},
        "This model doesn't support the toolConfig.toolChoice.any field. "
        "Remove toolConfig.toolChoice.any and try again.",
    ),
    Case(
        "tool-choice-tool",
        pick(tool_use=True, tool_choice_tool=False),
        {
            "messages": [user("Weather?")],
            "toolConfig": {**TOOLS, "toolChoice": {"tool": {"name": "get_weather"}}},
        },
        "This model doesn't support the toolConfig.toolChoice.tool field. "
        "Remove toolConfig.toolChoice.tool and try again.",
    ),
    Case(
        "system-prompt",
        pick(system_prompt=False),
        {"messages": [user("Hi")], "system": [{"text": "Be brief."}]},
        "This model doesn't support system messages. Try again without a system message or "
        "use a model that supports system messages.",
    ),
    Case(
        "image-input",
        pick(image_input=False),
        {"messages": [asks(image())]},
        "This model doesn't support the image content block that you provided. "
        "Update the content block and try again.",
    ),
    Case(
        "document-input",
        pick(document_input=False),
        {"messages": [asks(document())]},
        "This model doesn't support the document content block that you provided. "
        "Update the content block and try again.",
    ),
    Case(
        "video-input",
        pick(video_input=False),
        {"messages": [asks(video())]},
        "This model doesn't support the video content block that you provided. "
        "Update the content block and try again.",
    ),
    Case(
        "s3-source",
        HAIKU,
        {
            "messages": [
                asks(
                    {
                        "image": {
                            "format": "png",
                            "source": {"s3Location": {"uri": "s3://bucket/cat.png"}},
                        }
                    }
                )
            ]
        },
        "This model doesn't support the s3Uri field. Remove s3Uri and try again.",
    ),
    Case(
        "thinking",
        HAIKU,
        {
            "messages": [user("Hi")],
            "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1}},
        },
        "The model returned the following errors: thinking.enabled.budget_tokens: Input should "
        "be greater than or equal to 1024",
    ),
    Case(
        "context-window",
        _callable_id(SMALLEST_WINDOW),
        {"messages": [user("lorem " * (SMALLEST_WINDOW.context_window or 0))]},
        "Input is too long for requested model.",
    ),
    Case(
        "max-tokens",
        HAIKU,
        {"messages": [user("Hi")], "inferenceConfig": {"maxTokens": 5000}},
        "The maximum tokens you requested exceeds the model limit of 4096. "
        "Try again with a maximum tokens value that is lower than 4096.",
    ),
]


def call(runtime: Any, case: Case) -> dict[str, Any]:
    """Send the case's request; a stream is read to its end."""
    if not case.stream:
        response: dict[str, Any] = runtime.converse(**case.kwargs)
        return response
    response = runtime.converse_stream(**case.kwargs)
    events = list(response["stream"])
    assert "messageStop" in events[-2] and "metadata" in events[-1]
    return response


def error_of(runtime: Any, case: Case) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as excinfo:
        call(runtime, case)
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


BY_RULE = {case.rule: case for case in CASES}
IDS = [case.rule for case in CASES]


def test_every_rule_is_in_the_table_in_order() -> None:
    assert [case.rule for case in CASES] == list(RULES)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rule_answers_like_bedrock(runtime: Any, case: Case) -> None:
    assert error_of(runtime, case) == ("ValidationException", 400, case.message)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_waiving_a_rule_lets_the_request_through(aws: Aws, runtime: Any, case: Case) -> None:
    controls = aws.controls()
    controls.configure_validation(lenient=[case.rule])

    response = call(runtime, case)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    record = controls.get_call_history()["calls"][-1]
    assert record["error"] is None
    assert record["waived_rules"] == [case.rule]


def test_waiving_every_rule_records_each_one_broken(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.configure_validation(lenient=["*"])
    messages = [answers({"text": "Hello."}, image()), user("Hi"), user("Again")]

    runtime.converse(modelId=pick(image_input=False), messages=messages)

    record = controls.get_call_history()["calls"][-1]
    assert record["waived_rules"] == ["conversation", "media-in-user-messages", "image-input"]


def test_rules_stop_at_the_first_violation_in_bedrocks_order(runtime: Any) -> None:
    # Tools offered to a model without tool use, in a conversation that is also malformed:
    # the conversation is checked first.
    case = BY_RULE["tool-use"]
    broken = Case(
        "tool-use", case.model, {**case.request, "messages": [answers({"text": "x"})]}, ""
    )
    assert error_of(runtime, broken)[2] == (
        "A conversation must start with a user message. "
        "Try again with a conversation that starts with a user message."
    )
