"""The ``moto_bedrock`` command: ``moto_bedrock cassette show|check FILE``.

``show`` prints a cassette as the conversation it records; ``check`` validates every
interaction against botocore's shapes (the request, the response, each stream event) and
exits 1 naming each problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import botocore.session
from botocore.validate import ParamValidator

from .behaviour.cassettes import Interaction, decode_value, load_interactions
from .wire.streaming import ConfigError

__all__ = ["main"]

_WIDTH = 100


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= _WIDTH else text[: _WIDTH - 3] + "..."


def _blocks(content: list[dict[str, Any]]) -> list[str]:
    lines = []
    for block in content:
        if "text" in block:
            lines.append(_short(block["text"]))
        elif "toolUse" in block:
            use = block["toolUse"]
            lines.append(f"tool_use {use.get('name')}({_short(use.get('input', {}))})")
        elif "toolResult" in block:
            lines.append(f"tool_result {_short(block['toolResult'].get('content', []))}")
        else:
            lines.append(f"[{next(iter(block), 'block')}]")
    return lines


def _stream_text(events: list[dict[str, Any]]) -> str:
    parts = []
    for event in events:
        delta = event.get("contentBlockDelta", {}).get("delta", {})
        if "text" in delta:
            parts.append(delta["text"])
        chunk = event.get("chunk", {}).get("bytes")
        if isinstance(chunk, dict) and "$json" in chunk:
            parts.append(_chunk_text(chunk["$json"]))
    return "".join(parts)


def _chunk_text(chunk: Any) -> str:
    """Text a native stream chunk carries, for the families whose shape is known here."""
    if not isinstance(chunk, dict):
        return ""
    delta = chunk.get("delta") or {}
    if isinstance(delta, dict) and isinstance(delta.get("text"), str):
        return str(delta["text"])
    for key in ("outputText", "generation", "completion"):
        if isinstance(chunk.get(key), str):
            return str(chunk[key])
    return ""


def _payload(value: Any) -> Any:
    """A recorded byte payload as what it holds (the JSON itself, or its text)."""
    if isinstance(value, dict):
        return value.get("$json", value.get("$text", value))
    return value


def show(interactions: Sequence[Interaction]) -> str:
    """The cassette as text: each call, what was said, and what came back."""
    out: list[str] = []
    for index, interaction in enumerate(interactions):
        request = interaction.request
        out.append(f"[{index}] {interaction.operation} {interaction.model_id}")
        for system in request.get("system", []):
            if "text" in system:
                out.append(f"  system: {_short(system['text'])}")
        for message in request.get("messages", []):
            for line in _blocks(message.get("content", [])):
                out.append(f"  {message.get('role')}: {line}")
        if "body" in request:
            out.append(f"  body: {_short(_payload(request['body']))}")
        if "input" in request:
            out.append(f"  input: {_short(request['input'])}")
        if interaction.error is not None:
            error = interaction.error
            out.append(
                f"  -> error {error['code']} ({error.get('status', '?')}): {error.get('message', '')}"
            )
            continue
        response = interaction.response or {}
        message = response.get("output", {}).get("message")
        if message:
            for line in _blocks(message.get("content", [])):
                out.append(f"  -> assistant: {line}")
            out.append(
                f"  -> stopReason {response.get('stopReason')}, usage {_short(response.get('usage', {}))}"
            )
        elif "body" in response:
            out.append(f"  -> body: {_short(_payload(response['body']))}")
        elif response and interaction.events is None:
            out.append(f"  -> {_short(response)}")
        if interaction.events is not None:
            out.append(
                f"  -> {len(interaction.events)} events: {_short(_stream_text(interaction.events))}"
            )
        if interaction.stream_error is not None:
            out.append(f"  -> stream ended by {interaction.stream_error['code']}")
    return "\n".join(out)


def check(interactions: Sequence[Interaction]) -> list[str]:
    """Every place an interaction does not fit botocore's shapes (empty: all good)."""
    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    validator = ParamValidator()
    problems: list[str] = []

    def validate(value: Any, shape: Any, where: str) -> None:
        report = validator.validate(value, shape)
        if report.has_errors():
            problems.append(f"{where}: {report.generate_report()}")

    for index, interaction in enumerate(interactions):
        where = f"interactions[{index}] ({interaction.operation})"
        operation = model.operation_model(interaction.operation)
        validate(decode_value(interaction.request), operation.input_shape, f"{where}.request")
        if interaction.error is not None:
            if interaction.error["code"] not in {s.name for s in operation.error_shapes}:
                problems.append(
                    f"{where}.error: {interaction.error['code']} is not an error of this operation"
                )
            continue
        output = operation.output_shape
        stream_member = next(
            (
                name
                for name, shape in output.members.items()
                if shape.serialization.get("eventstream")
            ),
            None,
        )
        response = {
            k: v for k, v in decode_value(interaction.response or {}).items() if k != "headers"
        }
        if stream_member is None:
            validate(response, output, f"{where}.response")
            continue
        for name, value in response.items():  # the members beside the stream, one by one
            if name in output.members and name != stream_member:
                validate(value, output.members[name], f"{where}.response.{name}")
            else:
                problems.append(f"{where}.response: unknown member {name!r}")
        stream = output.members[stream_member]
        for number, event in enumerate(decode_value(interaction.events or [])):
            validate(event, stream, f"{where}.events[{number}]")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="moto_bedrock", description="moto-bedrock tools")
    commands = parser.add_subparsers(dest="command", required=True)
    cassette = commands.add_parser("cassette", help="look at record/replay fixtures")
    cassette.add_argument("action", choices=("show", "check"))
    cassette.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        interactions = load_interactions(args.file)
    except ConfigError as error:
        print(f"moto_bedrock: {error}", file=sys.stderr)
        return 1
    if args.action == "show":
        print(show(interactions))
        return 0
    problems = check(interactions)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{args.file}: {len(interactions)} interactions fit botocore's shapes")
    return 0


def entry_point() -> None:
    """The console script."""
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
