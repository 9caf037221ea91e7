"""Replays every row of ``facts.jsonl`` (one fact about real Bedrock traffic each) in both modes.

A row is a JSON object on one line:

``id``        unique name of the fact;
``source``    where it was seen: ``owner/repo path @commit`` of a recording, or an issue URL;
``op``        the URL verb: ``converse``, ``converse-stream``, ``invoke``,
              ``invoke-with-response-stream`` or ``count-tokens``; or ``apply-guardrail``
              (``/guardrail/<model>/version/<guardrail_version or DRAFT>/apply``);
``model``     the model id as sent in the URL (for ``apply-guardrail``, the guardrail);
``request``   the exact JSON body that was sent;
``expect``    what Bedrock answered, as checks (see ``check`` below; ``input_tokens_within``
              is ``[recorded input tokens, tolerance]`` for approximated token counts);
``recorded``  (optional) when, if the recording says;
``xfail``     (optional) why the emulator does not agree yet (strict: a pass fails the row);
``headers``   (optional) request headers sent besides the content type (InvokeModel's
              ``X-Amzn-Bedrock-Guardrail*`` and ``X-Amzn-Bedrock-Trace``);
``setup``     (optional) resources the recording's account held, created first:
              ``{"application_profile": "<foundation model id>"}`` and/or
              ``{"guardrail": {...}}`` (CreateGuardrail's policy parameters; empty, a
              word filter for ``xyzzy``); ``${application_profile}`` (the new profile's
              ARN) and ``${guardrail}`` (the new guardrail's id) in ``model``, ``request``
              or ``headers`` are replaced by them.

Adding a fact is adding one line. Requests go over raw signed HTTP, so the body is
exactly what the recording shows (boto3 would re-encode blobs).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from botocore.eventstream import EventStreamBuffer

from tests.conftest import REGION, Aws, signed_request

TABLE = Path(__file__).with_name("facts.jsonl")
ROWS: list[dict[str, Any]] = [
    json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line.strip()
]


def _params() -> list[Any]:
    params = []
    for row in ROWS:
        marks = [pytest.mark.xfail(reason=row["xfail"], strict=True)] if "xfail" in row else []
        params.append(pytest.param(row, id=row["id"], marks=marks))
    return params


def _events(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    buffer = EventStreamBuffer()
    buffer.add_data(raw)
    out = []
    for message in buffer:
        kind = message.headers.get(":event-type") or message.headers.get(":exception-type")
        out.append((str(kind), json.loads(message.payload)))
    return out


def _delta_kinds(events: list[tuple[str, dict[str, Any]]]) -> list[str]:
    kinds: list[str] = []
    for kind, payload in events:
        if kind != "contentBlockDelta":
            continue
        delta = payload["delta"]
        name = next(iter(delta))
        if name == "reasoningContent":
            name += "." + next(iter(delta[name]))
        if not kinds or kinds[-1] != name:
            kinds.append(name)
    return kinds


_INPUT_KEYS = ("inputTokens", "cacheReadInputTokens", "cacheWriteInputTokens")


def check(expect: dict[str, Any], status: int, headers: Any, body: bytes) -> None:
    """Compare one answer with a row's ``expect`` checks."""
    assert status == expect["status"], body[:500]
    if "message" in expect:
        assert json.loads(body) == {"message": expect["message"]}
    if "message_pattern" in expect:
        assert re.fullmatch(expect["message_pattern"], json.loads(body)["message"])
    if "usage_keys" in expect:
        assert sorted(json.loads(body)["usage"]) == expect["usage_keys"]
    if "input_tokens_within" in expect:
        # [recorded, tolerance]: every input token (uncached, read and written) within the
        # tolerance of the recording's, for token counts that approximate a real tokenizer.
        usage = json.loads(body).get("usage")
        if isinstance(usage, dict) and "inputTokens" in usage:
            total = sum(usage.get(k, 0) for k in _INPUT_KEYS)
        else:  # a native body: Bedrock's header holds the count for every family
            total = int(headers["x-amzn-bedrock-input-token-count"])
        recorded, tolerance = expect["input_tokens_within"]
        assert abs(total - recorded) <= tolerance * recorded, (total, recorded)
    if "usage" in expect:
        usage = json.loads(body)["usage"]
        assert {k: usage.get(k) for k in expect["usage"]} == expect["usage"]
    if "content_first" in expect:
        content = json.loads(body)["output"]["message"]["content"]
        assert next(iter(content[0])) == expect["content_first"]
    if "body_keys" in expect:
        assert sorted(json.loads(body)) == expect["body_keys"]
    if "body" in expect:
        document = json.loads(body)
        for pointer, value in expect["body"].items():
            assert _at(document, pointer) == value, pointer
    if "body_keys_at" in expect:
        document = json.loads(body)
        for pointer, keys in expect["body_keys_at"].items():
            assert sorted(_at(document, pointer)) == keys, pointer
    if "body_patterns" in expect:
        document = json.loads(body)
        for pointer, pattern in expect["body_patterns"].items():
            assert re.fullmatch(pattern, str(_at(document, pointer))), pointer
    lowered = {k.lower() for k in headers}
    for name in expect.get("headers_present", []):
        assert name in lowered
    for name in expect.get("headers_absent", []):
        assert name not in lowered
    if "stream" in expect:
        _check_stream(expect["stream"], _events(body))


def _check_stream(expect: dict[str, Any], events: list[tuple[str, dict[str, Any]]]) -> None:
    if expect.get("p_everywhere"):
        assert all("p" in payload for _, payload in events)
    if "first" in expect:
        assert events[0][0] == expect["first"]
    if "last" in expect:
        assert events[-1][0] == expect["last"]
    if expect.get("metadata_usage_keys") is not None:
        assert sorted(events[-1][1]["usage"]) == expect["metadata_usage_keys"]
    if "delta_kinds_start" in expect:
        kinds = _delta_kinds(events)
        assert kinds[: len(expect["delta_kinds_start"])] == expect["delta_kinds_start"]
    chunks = [json.loads(_b64(p["bytes"])) for k, p in events if k == "chunk"]
    for index, keys in expect.get("chunk_keys", {}).items():
        assert sorted(chunks[int(index)]) == keys, (index, chunks[int(index)])
    if "chunks" in expect:
        for index, checks in expect["chunks"].items():
            chunk = chunks[int(index)]
            for pointer, value in checks.items():
                assert _at(chunk, pointer) == value, (index, pointer, chunk)


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text)


def _at(document: Any, pointer: str) -> Any:
    """The value at a JSON Pointer (``/a/0/b``); ``<absent>`` when missing."""
    node = document
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return "<absent>"
    return node


def _set_up(aws: Aws, row: dict[str, Any]) -> dict[str, Any]:
    """The row with its ``setup`` resources created and their placeholders filled in."""
    setup = row.get("setup")
    if not setup:
        return row
    control = aws.client("bedrock")
    text = json.dumps(
        {"model": row["model"], "request": row["request"], "headers": row.get("headers", {})}
    )
    if "application_profile" in setup:
        source = f"arn:aws:bedrock:{REGION}::foundation-model/{setup['application_profile']}"
        arn = control.create_inference_profile(
            inferenceProfileName=row["id"][:64], modelSource={"copyFrom": source}
        )["inferenceProfileArn"]
        text = text.replace("${application_profile}", arn)
    if "guardrail" in setup:
        policies = setup["guardrail"] or {"wordPolicyConfig": {"wordsConfig": [{"text": "xyzzy"}]}}
        guardrail = control.create_guardrail(
            name=row["id"][:50],
            blockedInputMessaging="Blocked.",
            blockedOutputsMessaging="Blocked.",
            **policies,
        )["guardrailId"]
        if row.get("guardrail_version", "DRAFT") != "DRAFT":
            control.create_guardrail_version(guardrailIdentifier=guardrail)
        text = text.replace("${guardrail}", guardrail)
    return {**row, **json.loads(text)}


@pytest.mark.parametrize("row", _params())
def test_fact(aws: Aws, row: dict[str, Any]) -> None:
    row = _set_up(aws, row)
    target = quote(row["model"], safe="")
    if row["op"] == "apply-guardrail":
        version = row.get("guardrail_version", "DRAFT")
        url = f"{aws.runtime_url()}/guardrail/{target}/version/{version}/apply"
    else:
        url = f"{aws.runtime_url()}/model/{target}/{row['op']}"
    body = json.dumps(row["request"])
    headers = {"content-type": "application/json", **row.get("headers", {})}
    response = signed_request("POST", url, body, headers)
    check(row["expect"], response.status_code, response.headers, response.content)


def test_table_is_well_formed() -> None:
    """Every row names its source and has a unique id; the table is not empty."""
    ids = [row["id"] for row in ROWS]
    assert len(ids) == len(set(ids)) and len(ids) >= 100
    for row in ROWS:
        assert row["source"] and row["op"] and row["model"] and row["expect"]["status"]
