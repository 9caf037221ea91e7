"""Conversation rules Bedrock enforces on Converse, with its message texts.

Shape validation (``validation.py``) has already run; these are the rules about what a
conversation means. Indexes in messages are 0-based, as in Bedrock's own texts
(``shared/reference/bedrock-wire.md`` §2.1).

Each ``*_violation`` function is one rule of ``moto_bedrock.rules``: it takes the parsed
invocation and returns Bedrock's error text for the first place the request breaks it, or
None. Texts not captured from real Bedrock are marked so here and in ``docs/rules.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..bedrockruntime.exceptions import ValidationException
from ..generation.responders import Invocation

__all__ = [
    "DOCUMENT_NEEDS_TEXT",
    "MAX_DOCUMENTS",
    "MAX_DOCUMENT_BYTES",
    "MAX_IMAGES",
    "MAX_IMAGE_BYTES",
    "TOOL_CONFIG_REQUIRED",
    "TOO_MANY_DOCUMENTS",
    "TOO_MANY_IMAGES",
    "TOO_MANY_TOOL_RESULTS",
    "check_conversation",
    "conversation_violation",
    "document_count_violation",
    "document_size_violation",
    "document_text_violation",
    "image_count_violation",
    "image_size_violation",
    "media_blocks",
    "media_role_violation",
    "tool_config_violation",
    "tool_ids_violation",
    "tool_names_violation",
    "tool_results_extra_violation",
    "tool_results_missing_violation",
]

MUST_START_WITH_USER = (
    "A conversation must start with a user message. "
    "Try again with a conversation that starts with a user message."
)
MUST_ALTERNATE = (
    "A conversation must alternate between user and assistant roles. "
    "Make sure the conversation alternates between user and assistant roles and try again."
)
DOCUMENT_NEEDS_TEXT = "A text block must be included when using documents."
TOOL_CONFIG_REQUIRED = (
    "The toolConfig field must be defined when using toolUse and toolResult content blocks."
)
TOO_MANY_TOOL_RESULTS = (
    "The number of toolResult blocks at {path} exceeds the number of toolUse blocks of "
    "previous turn."
)

# Content limits from the service doc (Message.content): 20 images of at most 3.75 MB and
# 5 documents of at most 4.5 MB, counted over the whole request.
MAX_IMAGES = 20
MAX_DOCUMENTS = 5
MAX_IMAGE_BYTES = 3_932_160  # 3.75 MiB: exactly 5 MiB once base64-encoded, as Claude counts
MAX_DOCUMENT_BYTES = 4_718_592  # 4.5 MiB
# Observed (generative-ai-use-cases#1685): Bedrock's own text for the sixth document.
TOO_MANY_DOCUMENTS = f"You can't include more than {MAX_DOCUMENTS} documents in a request."
# Unverified: no Bedrock text for the 21st image is on record (Claude answers with its own
# model-side wording); this mirrors the documents text above.
TOO_MANY_IMAGES = f"You can't include more than {MAX_IMAGES} images in a request."

_MEDIA = ("image", "document", "video")
_TITAN_TEXT = "titan-text"


def _violation(
    messages: list[dict[str, Any]], claude: bool = False, repeated_user: bool = False
) -> str | None:
    # ``claude``: the rules Claude relaxes (recorded; see :func:`conversation_violation`);
    # ``repeated_user``: two user turns in a row are taken.
    if not messages:
        return MUST_START_WITH_USER
    if messages[0].get("role") != "user" and not (
        claude and messages[0].get("role") == "assistant"
    ):
        return MUST_START_WITH_USER
    for index, message in enumerate(messages):
        role = message.get("role")
        if (
            index
            and role == messages[index - 1].get("role")
            and not (repeated_user and role == "user")
        ):
            return MUST_ALTERNATE
        content = message.get("content") or []
        if not content:
            return f"The content field in the Message object at messages.{index} is empty."
        for position, block in enumerate(content):
            if "text" in block and not (block["text"] if claude else block["text"].strip()):
                return (
                    f"The text field in the ContentBlock object at messages.{index}.content."
                    f"{position} is blank. Add text to the text field, and try again."
                )
    return None


def conversation_violation(invocation: Invocation) -> str | None:
    """Bedrock's text for the first conversation rule the invocation breaks, or None.

    Claude relaxes three rules, each recorded with current models:

    * it may open with an assistant turn (pydantic/pydantic-ai tests/models/cassettes/
      test_bedrock/test_bedrock_anthropic_message_history_starting_with_response.yaml,
      Sonnet 4.5);
    * two user turns may follow each other, as strands sends a tool-result turn and then the
      next prompt (strands-agents/sdk-python tests_integ, run live against Claude in its CI);
    * a text block of whitespace only (``"\n"``) is text; only an empty one is blank
      (pydantic/pydantic-ai tests/models/cassettes/test_bedrock/
      test_bedrock_cache_write_and_read.yaml, Sonnet 4.5, 2026).

    Titan Text takes two user turns in a row as well (traceloop/openllmetry packages/
    opentelemetry-instrumentation-bedrock/tests/traces/cassettes/test_guardrails/
    test_guardrail_converse.yaml @93429cfb97, Titan Text Express, 2025-08). The other
    families keep Bedrock's refusals.
    """
    family = invocation.model.family
    claude = family == "anthropic"
    return _violation(invocation.messages, claude, claude or family == _TITAN_TEXT)


def check_conversation(messages: list[dict[str, Any]]) -> None:
    """Raise Bedrock's ValidationException for the first rule ``messages`` breaks."""
    message = _violation(messages)
    if message is not None:
        raise ValidationException(message)


# -- content blocks -----------------------------------------------------------------------


def _content(message: Any) -> list[dict[str, Any]]:
    content = message.get("content") if isinstance(message, dict) else None
    return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []


def media_blocks(messages: list[dict[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, path, body) of every image, document and video, toolResult contents included.

    ``path`` locates the block as Bedrock's texts do: ``messages.0.content.1`` at the top
    level, ``messages.2.content.0.toolResult.content.1`` inside a tool result.
    """
    for index, message in enumerate(messages):
        for position, block in enumerate(_content(message)):
            path = f"messages.{index}.content.{position}"
            for kind in _MEDIA:
                if isinstance(block.get(kind), dict):
                    yield kind, path, block[kind]
            result = block.get("toolResult")
            if isinstance(result, dict):
                for inner, part in enumerate(_content(result)):
                    for kind in _MEDIA:
                        if isinstance(part.get(kind), dict):
                            yield kind, f"{path}.toolResult.content.{inner}", part[kind]


def _source_size(body: dict[str, Any]) -> int | None:
    """Bytes of an inline source; None for an S3 location (its size is not ours to know)."""
    source = body.get("source")
    if not isinstance(source, dict):
        return None
    data = source.get("bytes")
    if isinstance(data, (bytes, bytearray, str)):
        return len(data)
    if isinstance(source.get("text"), str):
        return len(source["text"].encode())
    if isinstance(source.get("content"), list):
        return sum(
            len(part["text"].encode())
            for part in source["content"]
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return None


def document_text_violation(invocation: Invocation) -> str | None:
    """A message with a document must also hold a text block (observed text)."""
    for message in invocation.messages:
        content = _content(message)
        if any("document" in b for b in content) and not any("text" in b for b in content):
            return DOCUMENT_NEEDS_TEXT
    return None


def media_role_violation(invocation: Invocation) -> str | None:
    """Images, documents and videos only in user messages (service doc; text unverified)."""
    for kind, path, _ in media_blocks(invocation.messages):
        index = int(path.split(".")[1])
        role = invocation.messages[index].get("role")
        if role != "user":
            # Unverified: no Bedrock text for this rule is on record.
            return (
                f"The {kind} block at {path} is in a message with the {role} role. Images, "
                "documents and videos are allowed only in user messages. Move the block to "
                "a user message and try again."
            )
    return None


def image_count_violation(invocation: Invocation) -> str | None:
    images = sum(1 for kind, _, _ in media_blocks(invocation.messages) if kind == "image")
    return TOO_MANY_IMAGES if images > MAX_IMAGES else None


def image_size_violation(invocation: Invocation) -> str | None:
    """An image over 3.75 MB, in the text Claude models answer with (observed)."""
    for kind, path, body in media_blocks(invocation.messages):
        size = _source_size(body) if kind == "image" else None
        if size is not None and size > MAX_IMAGE_BYTES:
            encoded = 4 * -(-size // 3)  # the base64 length Claude measures
            return (
                f"The model returned the following errors: {path}.image.source.bytes: "
                f"image exceeds 5 MB maximum: {encoded} bytes > 5242880 bytes"
            )
    return None


def document_count_violation(invocation: Invocation) -> str | None:
    documents = sum(1 for kind, _, _ in media_blocks(invocation.messages) if kind == "document")
    return TOO_MANY_DOCUMENTS if documents > MAX_DOCUMENTS else None


def document_size_violation(invocation: Invocation) -> str | None:
    for kind, path, body in media_blocks(invocation.messages):
        size = _source_size(body) if kind == "document" else None
        if size is not None and size > MAX_DOCUMENT_BYTES:
            # Unverified: no Bedrock text for an oversized document is on record.
            return (
                f"The document at {path} is {size} bytes, which exceeds the maximum document "
                f"size of 4.5 MB ({MAX_DOCUMENT_BYTES} bytes). Reduce the size of the "
                "document and try again."
            )
    return None


# -- tool blocks --------------------------------------------------------------------------


def _ids(content: list[dict[str, Any]], kind: str) -> list[str]:
    # A server-side tool's use (``type: server_tool_use``) and its result sit together in
    # the assistant's turn (Nova 2's nova_code_interpreter, pydantic/pydantic-ai
    # tests/models/cassettes/test_bedrock/test_bedrock_model_with_code_execution_tool.yaml,
    # 2026): they are not a turn the client answers, so the pairing rules skip them.
    return [
        str(b[kind].get("toolUseId"))
        for b in content
        if isinstance(b.get(kind), dict)
        and b[kind].get("toolUseId") is not None
        and not _server_side(b[kind])
    ]


def _server_side(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    return isinstance(kind, str) and (kind == "server_tool_use" or kind.endswith("_result"))


def _duplicates(values: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def tool_ids_violation(invocation: Invocation) -> str | None:
    """toolUse (and toolResult) ids unique within a message (observed texts)."""
    for index, message in enumerate(invocation.messages):
        content = _content(message)
        for kind in ("toolUse", "toolResult"):
            repeated = _duplicates(_ids(content, kind))
            if repeated:
                return (
                    f"The {kind} blocks at messages.{index}.content contain duplicate Ids: "
                    f"{', '.join(repeated)}"
                )
    return None


def tool_results_missing_violation(invocation: Invocation) -> str | None:
    """Every assistant toolUse is answered in the next user message (observed text)."""
    messages = invocation.messages
    for index in range(len(messages) - 1):
        if messages[index].get("role") != "assistant":
            continue
        answered = set(_ids(_content(messages[index + 1]), "toolResult"))
        missing = [i for i in _ids(_content(messages[index]), "toolUse") if i not in answered]
        if missing:
            return (
                f"Expected toolResult blocks at messages.{index + 1}.content for the "
                f"following Ids: {', '.join(missing)}"
            )
    return None


def tool_results_extra_violation(invocation: Invocation) -> str | None:
    """No more toolResult blocks than the previous turn's toolUse blocks (observed text)."""
    messages = invocation.messages
    for index, message in enumerate(messages):
        results = len(_ids(_content(message), "toolResult"))
        if not results:
            continue
        previous = messages[index - 1] if index else None
        uses = (
            len(_ids(_content(previous), "toolUse"))
            if previous is not None and previous.get("role") == "assistant"
            else 0
        )
        if results > uses:
            return TOO_MANY_TOOL_RESULTS.format(path=f"messages.{index}.content")
    return None


def tool_config_violation(invocation: Invocation) -> str | None:
    """Tool blocks in the history need a toolConfig (observed text), except for Claude, which
    takes them without one (epam/ai-dial-adapter-bedrock#344, 2025-11)."""
    if invocation.tool_config is not None or invocation.model.family == "anthropic":
        return None
    for message in invocation.messages:
        if any("toolUse" in b or "toolResult" in b for b in _content(message)):
            return TOOL_CONFIG_REQUIRED
    return None


def tool_names_violation(invocation: Invocation) -> str | None:
    """Tool names unique within toolConfig.tools (text unverified)."""
    names = []
    for tool in (invocation.tool_config or {}).get("tools") or []:
        for kind in ("toolSpec", "systemTool"):
            if isinstance(tool, dict) and isinstance(tool.get(kind), dict):
                names.append(str(tool[kind].get("name")))
    repeated = _duplicates(names)
    if not repeated:
        return None
    # Unverified: no Bedrock text for duplicate tool names is on record.
    return (
        f"The toolConfig.tools field contains duplicate tool names: {', '.join(repeated)}. "
        "Tool names must be unique. Rename or remove the duplicate tools and try again."
    )


def tool_choice_known_violation(invocation: Invocation) -> str | None:
    """``toolChoice.tool`` names a tool that ``toolConfig.tools`` offers (text unverified)."""
    config = invocation.tool_config or {}
    choice = config.get("toolChoice")
    forced = choice.get("tool") if isinstance(choice, dict) else None
    name = forced.get("name") if isinstance(forced, dict) else None
    if not isinstance(name, str):
        return None
    for tool in config.get("tools") or []:
        for kind in ("toolSpec", "systemTool"):
            spec = tool.get(kind) if isinstance(tool, dict) else None
            if isinstance(spec, dict) and spec.get("name") == name:
                return None
    # Unverified: no Bedrock text for an unknown forced tool is on record.
    return (
        f"The tool {name} in toolConfig.toolChoice.tool is not in toolConfig.tools. "
        "Add the tool or choose another, and try again."
    )
