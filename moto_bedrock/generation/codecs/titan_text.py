"""Amazon Titan Text (Express, Lite, Premier) on InvokeModel: ``inputText`` in, results out.

Request/response/stream shapes: ``shared/reference/bedrock-wire.md`` §3.2; limits §2.4. The
conversational ``User: …\\nBot:`` form is taken apart into Converse-shaped turns, so the
responder sees the user's question, not the markers.

Titan's captured errors name no JSON pointer for nested keys (``string [Human:] does not
match pattern ^(\\|+|User:)$``), so its checks pass an empty path and only the root-level
required/extraneous texts carry one (``#: required key [inputText] not found``, as the
other codecs word it; the root text itself was not captured for Titan).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...catalog import FoundationModel
from ..inference import InferenceResult
from . import MakeId, NativeRequest, Pieces, reply_text
from ._schema import (
    check_keys,
    check_length,
    check_pattern,
    check_type,
    optional,
    strings,
)

KNOWN_KEYS = ("inputText", "textGenerationConfig")
CONFIG_KEYS = ("temperature", "topP", "maxTokenCount", "stopSequences")
DEFAULT_MAX_TOKEN_COUNT = 512
# Observed for Express; assumed for Lite and Premier too.
MAX_INPUT_CHARS = 42000
# Titan accepts a single stop sequence, and only pipes or "User:" (boto3#3993).
STOP_PATTERN = r"^(\|+|User:)$"
STOP_LIMIT = 1
_COMPLETION = {
    "max_tokens": "LENGTH",
    "stop_sequence": "STOP_CRITERIA_MET",
    "content_filtered": "CONTENT_FILTERED",
    "guardrail_intervened": "CONTENT_FILTERED",
}
# Streams say FINISH where the whole response says FINISHED (captured real chunks).
# Recorded: "FINISH" in InvokeModel bodies and stream chunks alike (Arize-ai/openinference
# js/packages/openinference-instrumentation-bedrock/test/recordings/
# should-handle-amazon-titan-models.json, 2025); the docs' "FINISHED" is outdated.
_FINISH = "FINISH"

_SPEAKER = re.compile(r"^(User|Bot):", re.MULTILINE)


def _turn(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "content": [{"text": text}]}


def _turns(text: str) -> list[dict[str, Any]]:
    """``User: q\\nBot: a\\nUser: q2\\nBot:`` as alternating Converse turns."""
    speakers = list(_SPEAKER.finditer(text))
    if not speakers:
        return [_turn("user", text)]
    messages: list[dict[str, Any]] = []
    # An instruction written before the first "User:" belongs to the question.
    lead = text[: speakers[0].start()].strip()
    for index, speaker in enumerate(speakers):
        end = speakers[index + 1].start() if index + 1 < len(speakers) else len(text)
        said = text[speaker.end() : end].strip()
        role = "user" if speaker.group(1) == "User" else "assistant"
        if role == "user" and lead:
            said, lead = f"{lead}\n{said}".strip(), ""
        if not said:
            continue  # the trailing "Bot:" that asks for the answer
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"][0]["text"] += f"\n{said}"
        else:
            messages.append(_turn(role, said))
    if lead or not messages:
        messages.insert(0, _turn("user", lead))
    return messages


def parse_request(body: dict[str, Any], model: FoundationModel) -> NativeRequest:
    """Check a Titan Text body the way Bedrock does and translate it."""
    check_keys(body, "#", ("inputText",), KNOWN_KEYS)
    text = body["inputText"]
    check_type(text, "String", "")
    check_length(text, "", max_length=MAX_INPUT_CHARS)
    settings = body.get("textGenerationConfig", {})
    check_type(settings, "JSONObject", "")
    check_keys(settings, "", (), CONFIG_KEYS)
    max_tokens = optional(
        settings, "maxTokenCount", "Integer", "", minimum=0, maximum=model.max_output_tokens
    )
    config: dict[str, Any] = {
        "maxTokens": DEFAULT_MAX_TOKEN_COUNT if max_tokens is None else max_tokens
    }
    for key in ("temperature", "topP"):
        value = optional(settings, key, "Number", "", minimum=0, maximum=1)
        if value is not None:
            config[key] = value
    if "stopSequences" in settings:
        stop = strings(settings["stopSequences"], "", max_items=STOP_LIMIT)
        for sequence in stop:
            check_pattern(sequence, STOP_PATTERN, "")
        config["stopSequences"] = stop
    return NativeRequest(_turns(text), [], config)


def render_response(
    result: InferenceResult, model: FoundationModel, make_id: MakeId
) -> dict[str, Any]:
    """The InvokeModel response body."""
    return {
        "inputTextTokenCount": result.usage["inputTokens"],
        "results": [
            {
                "tokenCount": result.usage["outputTokens"],
                "outputText": reply_text(result),
                "completionReason": _COMPLETION.get(result.stop_reason, _FINISH),
            }
        ],
    }


def render_stream(
    result: InferenceResult, model: FoundationModel, make_id: MakeId, pieces: Pieces
) -> Iterator[dict[str, Any]]:
    """One chunk per text piece; the first carries the input count, the last the rest.

    Titan has no closing chunk: the last text piece carries ``completionReason`` and
    ``totalOutputTextTokenCount`` (and, from the backend, the invocation metrics).
    """
    text = reply_text(result)
    parts = pieces(text) or [text]  # Titan's last chunk is a text chunk: keep one
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        yield {
            "outputText": part,
            "index": 0,  # the result's index (Titan returns one result), not the chunk's
            "totalOutputTextTokenCount": result.usage["outputTokens"] if last else None,
            "completionReason": _COMPLETION.get(result.stop_reason, _FINISH) if last else None,
            "inputTextTokenCount": result.usage["inputTokens"] if index == 0 else None,
        }


def delta_text(chunk: dict[str, Any]) -> str | None:
    """The text a stream chunk carries (every Titan chunk carries some)."""
    return str(chunk["outputText"])


def text_of(body: dict[str, Any]) -> str:
    """The reply text of a native response (for tests and parity checks)."""
    return "".join(str(r.get("outputText", "")) for r in body.get("results", []))
