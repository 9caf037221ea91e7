"""Event-stream frames written directly are byte for byte what moto's generic encoder writes.

For every event type of both streaming operations (and values the direct encoder leaves
to moto), and for an exception after events; then the frames decode with botocore.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.eventstream import EventStreamBuffer
from moto.core.eventstream import EventStream, EventStreamEncoder
from moto.core.responses import ActionContext
from moto.core.serialize import RestJSONSerializer
from moto.core.utils import get_service_model

from moto_bedrock import _moto
from moto_bedrock.wire.eventstream import encode_headers, frame
from moto_bedrock.wire.padding import pad_payload
from moto_bedrock.wire.protocol import _frames


class _Role(enum.Enum):
    ASSISTANT = "assistant"


CONVERSE_EVENTS: list[dict[str, Any]] = [
    {"messageStart": {"role": "assistant"}},
    {"messageStart": {"role": _Role.ASSISTANT}},  # left to moto: it writes the enum's value
    {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": 'Héllo \u2603 "q"'}}},
    {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": ""}}},
    {
        "contentBlockStart": {
            "contentBlockIndex": 1,
            "start": {"toolUse": {"toolUseId": "tooluse_abc", "name": "get_weather"}},
        }
    },
    {"contentBlockDelta": {"contentBlockIndex": 1, "delta": {"toolUse": {"input": '{"c'}}}},
    {"contentBlockDelta": {"contentBlockIndex": 2, "delta": {"reasoningContent": {"text": "hm"}}}},
    {
        "contentBlockDelta": {
            "contentBlockIndex": 2,
            "delta": {"reasoningContent": {"signature": "sig=="}},
        }
    },
    {
        "contentBlockDelta": {
            "contentBlockIndex": 3,
            "delta": {"reasoningContent": {"redactedContent": b"\x00\xffsecret"}},
        }
    },
    {
        "contentBlockDelta": {
            "contentBlockIndex": 4,
            "delta": {
                "citation": {
                    "title": "Doc",
                    "sourceContent": [{"text": "water"}],
                    "location": {"documentChar": {"documentIndex": 0, "start": 1, "end": 9}},
                }
            },
        }
    },
    {"contentBlockDelta": {"contentBlockIndex": True, "delta": {"text": "x"}}},  # left to moto
    {"contentBlockStop": {"contentBlockIndex": 0}},
    {"messageStop": {"stopReason": "end_turn"}},
    {
        "messageStop": {
            "stopReason": "max_tokens",
            "additionalModelResponseFields": {"stop_sequence": None, "n": [1, 2.5]},
        }
    },
    {
        "metadata": {
            "usage": {"inputTokens": 16, "outputTokens": 63, "totalTokens": 79},
            "metrics": {"latencyMs": 120},
            "trace": {"promptRouter": {"invokedModelId": "arn:aws:bedrock:x"}},
        }
    },
    {"metadata": {"usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}}},
]

INVOKE_EVENTS: list[dict[str, Any]] = [
    {"chunk": {"bytes": b'{"type":"message_start"}'}},
    {"chunk": {"bytes": '{"type":"content_block_delta","delta":{"text":"\u00e9"}}'}},
    {"chunk": {"bytes": b""}},
    {"chunk": {}},
]

EXCEPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("throttlingException", {"message": "Too many requests, please wait before trying again."}),
    ("validationException", {"message": "The model returned the following errors: x"}),
    ("internalServerException", {"message": "An internal server error occurred."}),
    ("serviceUnavailableException", {"message": "Bedrock is unable to process your request."}),
    (
        "modelStreamErrorException",
        {"message": "bad", "originalStatusCode": 400, "originalMessage": "bad"},
    ),
]


def _context(operation: str) -> ActionContext:
    service = get_service_model("bedrock-runtime")
    return ActionContext(service, service.operation_model(operation), RestJSONSerializer, None)  # type: ignore[arg-type]


def _by_moto(
    context: ActionContext,
    events: list[dict[str, Any]],
    exception: tuple[str, dict[str, Any]] | None,
) -> Iterator[bytes]:
    """moto's generic way: EventStream messages, padded, through EventStreamEncoder."""
    operation = context.operation_model
    output_shape = operation.output_shape
    stream_name = output_shape.event_stream_name
    serializer = RestJSONSerializer.EVENT_STREAM_SERIALIZER_CLS(operation)
    encoder = EventStreamEncoder()
    for message in EventStream({stream_name: events}, output_shape, serializer):
        message.payload = pad_payload(message.payload)
        yield encoder.encode_event(message)
    if exception is not None:
        name, body = exception
        shape = output_shape.members[stream_name].members[name]
        payload, content_type = serializer.serialize_event_payload(
            body, shape, list(shape.members.items())
        )
        headers = {
            ":message-type": "exception",
            ":exception-type": name,
            ":content-type": content_type or "application/json",
        }
        yield encoder.encode_message(headers, payload)


def _direct(
    context: ActionContext,
    events: list[dict[str, Any]],
    exception: tuple[str, dict[str, Any]] | None,
) -> list[bytes]:
    return list(_frames(_moto.event_payloads(context), iter(events), exception))


CASES = [
    *(("ConverseStream", [event]) for event in CONVERSE_EVENTS),
    *(("InvokeModelWithResponseStream", [event]) for event in INVOKE_EVENTS),
]


@pytest.mark.parametrize(("operation", "events"), CASES)
def test_each_event_type_is_framed_as_moto_frames_it(
    operation: str, events: list[dict[str, Any]]
) -> None:
    context = _context(operation)
    assert _direct(context, events, None) == list(_by_moto(context, events, None))


@pytest.mark.parametrize("operation", ["ConverseStream", "InvokeModelWithResponseStream"])
@pytest.mark.parametrize("exception", EXCEPTIONS, ids=[name for name, _ in EXCEPTIONS])
def test_an_exception_mid_stream_is_framed_as_moto_frames_it(
    operation: str, exception: tuple[str, dict[str, Any]]
) -> None:
    context = _context(operation)
    events = CONVERSE_EVENTS[:3] if operation == "ConverseStream" else INVOKE_EVENTS[:2]
    direct = _direct(context, events, exception)
    assert direct == list(_by_moto(context, events, exception))
    # And botocore reads them: the events, then the exception with its headers.
    buffer = EventStreamBuffer()
    buffer.add_data(b"".join(direct))
    messages = list(buffer)
    assert len(messages) == len(events) + 1
    assert messages[-1].headers == {
        ":message-type": "exception",
        ":exception-type": exception[0],
        ":content-type": "application/json",
    }
    assert [m.headers[":event-type"] for m in messages[:-1]] == [next(iter(e)) for e in events]


def test_a_frame_carries_both_checksums_and_its_lengths() -> None:
    headers = encode_headers([(":message-type", "event"), (":event-type", "x")])
    data = frame(headers, b'{"a":1}')
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    (message,) = list(buffer)  # botocore checks the prelude and message CRCs
    assert message.headers == {":message-type": "event", ":event-type": "x"}
    assert message.payload == b'{"a":1}'
    assert int.from_bytes(data[:4], "big") == len(data)
    with pytest.raises(ValueError, match="too long"):
        encode_headers([("n" * 256, "v")])


def test_an_event_that_is_not_one_key_is_refused() -> None:
    with pytest.raises(ValueError, match="one-key"):
        _direct(_context("ConverseStream"), [{"messageStart": {}, "metadata": {}}], None)
