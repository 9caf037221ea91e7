"""Fuzzing: no input makes the emulator answer 5xx, a traceback, hang or lose state.

Four parts, all deterministic:

* a Hypothesis test builds requests from the botocore input shapes of the operations we
  serve model-driven (valid-looking values, then mutated: wrong types, nulls, out-of-range
  numbers, huge strings, deep nesting, unknown keys, broken unions, invalid base64,
  non-UTF-8 bytes) and sends them as raw, signed HTTP in-process and to the real server
  (``MOTO_BEDROCK_FUZZ_EXAMPLES`` per operation and mode, default 60);
* a hand-built random HTTP test (seed ``MOTO_BEDROCK_FUZZ_SEED``, time budget
  ``MOTO_BEDROCK_FUZZ_SECONDS``, default 10) throws random methods, paths, headers and
  bodies at the server; its seed and counts are printed in the terminal summary;
* a state test checks that a batch of bad requests leaves a custom model, its job, tags,
  the logging configuration, the stream settings and a queued stream error as they were;
* bodies over the size limit are refused quickly, without being read, and the server
  lives on.

Every answer must be below 500 (save the modeled 501 ``NotImplementedException`` for what
is not emulated), arrive within ``TIMEOUT`` seconds, and any 4xx must be a modeled error:
``x-amzn-ErrorType`` and a JSON ``{"message": ...}`` body.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import random
import re
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import requests
from botocore.exceptions import EventStreamError
from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moto_bedrock import mock_bedrock
from moto_bedrock.behaviour.control import ConfigError
from moto_bedrock.catalog import load_catalog
from moto_bedrock.wire.protocol import MAX_JSON_BODY_BYTES
from moto_bedrock.wire.validation import operation_model
from tests.conftest import HAIKU, REGION, Aws, signed_request, user

# The README's suite skips these (fuzz runs take minutes on 2 cores); .ci/run runs them after it.
pytestmark = pytest.mark.slow

TIMEOUT = 10.0  # seconds; signed_request's own socket timeout is the same
ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"

OPERATIONS = [
    ("bedrock-runtime", "Converse"),
    ("bedrock-runtime", "ConverseStream"),
    ("bedrock-runtime", "InvokeModel"),
    ("bedrock-runtime", "CountTokens"),
    ("bedrock-runtime", "ApplyGuardrail"),
    ("bedrock", "ListFoundationModels"),
    ("bedrock", "GetFoundationModel"),
    ("bedrock", "ListInferenceProfiles"),
    ("bedrock", "CreateGuardrail"),
]

MODELS = load_catalog().models_in(REGION)
MODEL_IDS = sorted(m.model_id for m in MODELS)
ON_DEMAND_IDS = sorted(m.model_id for m in MODELS if not m.requires_inference_profile)
CHAT_MODEL_IDS = sorted(
    m.model_id for m in MODELS if m.converse and not m.requires_inference_profile
)
PROFILE_IDS = ["us.anthropic.claude-3-haiku-20240307-v1:0", "us.amazon.nova-lite-v1:0"]
FAMILY = {m.model_id: m.family for m in MODELS}
FAMILY.update({p: FAMILY[p.split(".", 1)[1]] for p in PROFILE_IDS})

_CHAT = [{"role": "user", "content": "hi"}]
# A valid native InvokeModel body per family, the starting point of mutations.
NATIVE_BODIES: dict[str, dict[str, Any]] = {
    "anthropic": {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 20, "messages": _CHAT},
    "anthropic-text": {"prompt": "\n\nHuman: hi\n\nAssistant:", "max_tokens_to_sample": 20},
    "titan-text": {"inputText": "hi", "textGenerationConfig": {"maxTokenCount": 20}},
    "titan-embed-text": {"inputText": "hi"},
    "titan-embed-image": {"inputText": "hi", "inputImage": base64.b64encode(b"\x89PNG").decode()},
    "titan-image": {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a cat"}},
    "nova-canvas": {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a cat"}},
    "nova": {
        "schemaVersion": "messages-v1",
        "messages": [{"role": "user", "content": [{"text": "hi"}]}],
        "inferenceConfig": {"maxTokens": 20},
    },
    "llama": {"prompt": "hi", "max_gen_len": 20, "temperature": 0.1},
    "mistral": {"prompt": "<s>[INST] hi [/INST]", "max_tokens": 20},
    "mistral-chat": {"messages": _CHAT, "max_tokens": 20},
    "deepseek": {"prompt": "hi", "max_tokens": 20},
    "ai21-jamba": {"messages": _CHAT, "max_tokens": 20},
    "cohere-command-r": {"message": "hi", "chat_history": [], "max_tokens": 20},
    "cohere-embed": {"texts": ["hi"], "input_type": "search_document"},
    "stability": {"prompt": "a cat"},
}

HEALTH = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.function_scoped_fixture,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]

# -- requests --------------------------------------------------------------------------


@dataclass
class RawRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def describe(self) -> str:
        headers = {k: v[:100] for k, v in self.headers.items()}
        return f"{self.method} {self.path[:300]} headers={headers} body={self.body[:300]!r}"

    __repr__ = describe  # Hypothesis prints failing examples; a 1 MB string helps no one


def send(base_url: str, request: RawRequest, timeout: float = TIMEOUT) -> requests.Response:
    """Sign and send ``request``; fails the test if the answer takes too long."""
    started = time.monotonic()
    response = signed_request(
        request.method, base_url + request.path, request.body, request.headers
    )
    elapsed = time.monotonic() - started
    assert elapsed < timeout, f"{elapsed:.1f}s for {request.describe()}"
    return response


# Refusals of Python's HTTP server itself (a request line over 64 KiB, too many headers):
# they never reach the application, as a real front end's never reach the service.
HTTP_LAYER_STATUSES = {414, 431}


def assert_modeled(response: requests.Response, request: RawRequest) -> None:
    """No 5xx but the modeled 501; no traceback; every 4xx a modeled error."""
    status = response.status_code
    context = f"{status} {response.headers} {response.text[:500]!r} for {request.describe()}"
    assert "Traceback" not in response.text, context
    if status in HTTP_LAYER_STATUSES and "x-amzn-RequestId" not in response.headers:
        return
    error_type = response.headers.get("x-amzn-ErrorType", "")
    if status == 501:
        assert error_type.startswith("NotImplementedException:"), context
    else:
        assert status < 500, context
    if status >= 400:
        assert error_type.endswith(ERROR_TYPE_SUFFIX), context
        if request.method == "HEAD":  # the headers of a GET, and no body
            return
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("message"), str), context


def base_url(aws: Aws, service: str) -> str:
    return aws.endpoint_url or f"https://{service}.{REGION}.amazonaws.com"


# -- values from shapes ----------------------------------------------------------------

MAX_DEPTH = 5
_cache: dict[tuple[str, str, int], st.SearchStrategy[Any]] = {}

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _string(shape: Shape) -> st.SearchStrategy[str]:
    meta = shape.metadata
    if meta.get("enum"):
        return st.sampled_from(list(meta["enum"]))
    low = int(meta.get("min", 0))
    high = max(low, min(int(meta.get("max", 20)), 20))
    text = st.text(min_size=low, max_size=high)
    if meta.get("pattern"):
        try:
            return st.from_regex(meta["pattern"], fullmatch=True) | text
        except Exception:  # a pattern Python's re cannot read
            return text
    return text


def values(service: str, shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Valid-looking values of ``shape`` (deeper than MAX_DEPTH only what is required)."""
    key = (service, shape.name, min(depth, MAX_DEPTH))
    if key not in _cache:
        _cache[key] = st.deferred(lambda: _values(service, shape, depth))
    return _cache[key]


def _values(service: str, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
    meta = shape.metadata
    kind = shape.type_name
    deep = depth >= MAX_DEPTH
    if isinstance(shape, StructureShape):
        if meta.get("document"):
            return json_values
        members = shape.members
        if shape.is_tagged_union:
            names = list(members)[:3] if deep else list(members)
            return st.one_of(
                *(st.fixed_dictionaries({n: values(service, members[n], depth + 1)}) for n in names)
            )
        required = {n: values(service, members[n], depth + 1) for n in shape.required_members}
        optional = (
            {}
            if deep
            else {
                n: values(service, m, depth + 1)
                for n, m in members.items()
                if n not in shape.required_members and "location" not in m.serialization
            }
        )
        return st.fixed_dictionaries(required, optional=optional)
    if isinstance(shape, ListShape):
        low = int(meta.get("min", 0))
        high = low if deep else max(low, min(int(meta.get("max", 3)), 3))
        return st.lists(values(service, shape.member, depth + 1), min_size=low, max_size=high)
    if isinstance(shape, MapShape):
        return st.dictionaries(
            values(service, shape.key, depth + 1),
            values(service, shape.value, depth + 1),
            max_size=0 if deep else 2,
        )
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return st.integers(int(meta.get("min", -(2**31))), int(meta.get("max", 2**31 - 1)))
    if kind in ("float", "double"):
        return st.floats(
            min_value=meta.get("min"),
            max_value=meta.get("max"),
            allow_nan=False,
            allow_infinity=False,
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "blob":
        return st.binary(max_size=48).map(lambda b: base64.b64encode(b).decode())
    if kind == "timestamp":
        return st.integers(0, 2**32)
    return json_scalars


def model_ids(operation: str) -> st.SearchStrategy[str]:
    chat = operation in ("Converse", "ConverseStream", "CountTokens")
    known = st.sampled_from((CHAT_MODEL_IDS if chat else ON_DEMAND_IDS) + PROFILE_IDS)
    return st.one_of(
        known, known, known, st.sampled_from(MODEL_IDS), st.text(min_size=1, max_size=30)
    )


plain_turns = st.builds(
    user,
    st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=1).filter(
        str.strip
    ),
)


def _alternate(messages: Any) -> Any:
    """Roles fixed to user, assistant, user... ending on user, where messages allow it."""
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        return messages
    if len(messages) % 2 == 0:
        messages = messages[:-1]
    for index, message in enumerate(messages):
        message["role"] = "user" if index % 2 == 0 else "assistant"
    return messages


@st.composite
def valid_params(draw: st.DrawFn, service: str, operation: str) -> dict[str, Any]:
    """Every input member the operation takes, URI/query/header ones included."""
    shape = operation_model(service, operation).input_shape
    assert isinstance(shape, StructureShape)
    params: dict[str, Any] = {}
    for name, member in shape.members.items():
        required = name in shape.required_members
        if not required and draw(st.integers(0, 2)) > 0:  # a third of the optional ones
            continue
        if name in ("modelId", "modelIdentifier"):
            params[name] = draw(model_ids(operation))
        elif operation == "InvokeModel" and name == "body":
            continue  # below, once the model is known
        else:
            params[name] = draw(values(service, member, 1))
    if operation == "InvokeModel":  # mostly the body format of the model invoked
        family = FAMILY.get(params.get("modelId", ""), "")
        if family not in NATIVE_BODIES or draw(st.integers(0, 3)) == 0:
            family = draw(st.sampled_from(sorted(NATIVE_BODIES)))
        params["body"] = NATIVE_BODIES[family]
    params = copy.deepcopy(params)  # drawn values may share objects
    # Mostly conversations that follow the rules, so that requests get past them: plain
    # text turns, or the drawn messages with their roles put in order.
    holder: Any = params
    if operation == "CountTokens":
        holder = params.get("input", {}).get("converse")
    elif operation not in ("Converse", "ConverseStream"):
        holder = None
    if isinstance(holder, dict):
        choice = draw(st.integers(0, 3))
        if choice < 2:
            holder["messages"] = _alternate(draw(st.lists(plain_turns, min_size=1, max_size=4)))
        elif choice == 2:
            holder["messages"] = _alternate(holder.get("messages")) or [user("hello")]
    return params


# -- mutations -------------------------------------------------------------------------

DEEP = re.compile(r'"@@deep-(list|dict)-([0-9]+)@@"')  # expanded after serialization


def _deep(depth: int, kind: str) -> str:
    return f"@@deep-{kind}-{depth}@@"


def _nested(match: re.Match[str]) -> str:
    kind, depth = match.group(1), int(match.group(2))
    return "[" * depth + "]" * depth if kind == "list" else '{"a":' * depth + "1" + "}" * depth


def dump(value: Any, ascii_only: bool = True) -> bytes:
    """JSON bytes of ``value``, deep-nesting markers expanded, lone surrogates kept."""
    text = DEEP.sub(_nested, json.dumps(value, ensure_ascii=ascii_only))
    return text.encode("utf-8", "surrogatepass")


mutants = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 10**30]),
    st.floats(),  # NaN and infinities included: json writes them, Python reads them back
    st.sampled_from([1e308, -1e308, 1e-320, 0.5, -0.0]),
    st.text(max_size=20),
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "\u202e", "💥" * 5, " ", ""]),
    st.sampled_from([1_000, 70_000, 1_100_000]).map(lambda n: "x" * n),
    st.sampled_from(["!!!", "abc", "====", "YQ", "é", "a" * 7]),  # invalid base64
    st.sampled_from([50, 900, 5_000, 100_000]).flatmap(
        lambda n: st.sampled_from([_deep(n, "list"), _deep(n, "dict")])
    ),
    st.just({}),
    st.just([]),
    st.lists(json_scalars, max_size=3),
    st.dictionaries(st.text(max_size=8), json_scalars, max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


@st.composite
def mutated(draw: st.DrawFn, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with one node replaced, removed, grafted elsewhere or given a stray key."""
    params = copy.deepcopy(params)
    paths = list(_paths(params))[1:300]
    if not paths:
        return {"unknownKey": draw(mutants)}
    path = draw(st.sampled_from(paths))
    parent = _get(params, path[:-1])
    kind = draw(st.sampled_from(["replace", "replace", "delete", "graft", "extra_key", "wrap"]))
    node = parent[path[-1]]
    if kind == "replace":
        parent[path[-1]] = draw(mutants)
    elif kind == "delete":
        del parent[path[-1]]
    elif kind == "graft":  # another subtree here: type confusion, two-member unions
        other = _get(params, draw(st.sampled_from(paths)))
        if isinstance(node, dict) and isinstance(other, dict):
            node.update(copy.deepcopy(other))
        else:
            parent[path[-1]] = copy.deepcopy(other)
    elif kind == "extra_key" and isinstance(node, dict):
        node[draw(st.text(min_size=1, max_size=12))] = draw(mutants)
    else:
        parent[path[-1]] = draw(st.sampled_from([[node], {"value": node}]))
    return params


@st.composite
def mutated_bytes(draw: st.DrawFn, body: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "insert", "random", "utf16", "bom", "latin1"]))
    if kind == "truncate":
        return body[: draw(st.integers(0, max(len(body) - 1, 0)))]
    if kind == "insert":
        at = draw(st.integers(0, len(body)))
        return (
            body[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"}"]))
            + body[at:]
        )
    if kind == "random":
        return draw(st.binary(max_size=200))
    if kind == "utf16":
        return body.decode("utf-8", "replace").encode("utf-16")
    if kind == "bom":
        return b"\xef\xbb\xbf" + body
    return body.decode("utf-8", "replace").encode("latin-1", "replace")


# -- building raw HTTP -----------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value)


def _header_value(value: Any) -> str:
    # http.client refuses control characters and anything beyond latin-1 in headers.
    text = _text(value)[:8000]
    text = "".join(c if " " <= c <= "~" or "\xa0" <= c <= "\xff" else "?" for c in text)
    return text.strip(" \xa0")


def build(
    service: str, operation: str, params: dict[str, Any], ascii_only: bool = True
) -> RawRequest:
    """The raw HTTP request an SDK would send for ``params`` (whatever their types)."""
    model = operation_model(service, operation)
    shape = model.input_shape
    assert isinstance(shape, StructureShape)
    path = model.http["requestUri"]
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {"Content-Type": "application/json"}
    body: dict[str, Any] = {}
    payload_name = shape.serialization.get("payload")
    payload: Any = None
    for name, value in params.items():
        member = shape.members.get(name)
        location = member.serialization.get("location") if member else None
        wire = member.serialization.get("name", name) if member else name
        if location == "uri":
            greedy = "{" + wire + "+}" in path
            path = path.replace(
                "{" + wire + ("+}" if greedy else "}"),
                quote(_text(value), safe="/" if greedy else "", errors="surrogatepass"),
            )
        elif location == "querystring":
            items = value if isinstance(value, list) else [value]
            query.extend((wire, _text(item)) for item in items)
        elif location == "header":
            headers[wire] = _header_value(value)
        elif name == payload_name:
            payload = value
        else:
            body[name] = value
    for name, member in shape.members.items():  # a required URI label left out
        wire = member.serialization.get("name", name)
        path = path.replace("{" + wire + "}", "").replace("{" + wire + "+}", "")
    if query:
        path += "?" + urlencode(query, errors="surrogatepass")
    raw = b""
    if payload_name is not None:
        if isinstance(payload, bytes):
            raw = payload
        elif payload is not None:
            raw = dump(payload, ascii_only)
    elif body or model.http["method"] in ("POST", "PUT", "PATCH"):
        raw = dump(body, ascii_only)
    return RawRequest(model.http["method"], path, headers, raw)


@st.composite
def fuzz_requests(draw: st.DrawFn, service: str, operation: str) -> RawRequest:
    params = draw(valid_params(service, operation))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        params = draw(mutated(params))
    request = build(service, operation, params, ascii_only=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:
        request.body = draw(mutated_bytes(request.body))
    if draw(st.integers(0, 9)) == 0:
        content_type = draw(
            st.sampled_from(
                [
                    None,
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x",
                    "application/x-amz-json-1.1",
                    "application/cbor",
                    "application/json; charset=latin-1",
                ]
            )
        )
        if content_type is None:
            request.headers.pop("Content-Type")
        else:
            request.headers["Content-Type"] = content_type
    return request


# -- 1. shape-driven fuzzing, both modes -----------------------------------------------


@pytest.mark.parametrize(("service", "operation"), OPERATIONS, ids=[op for _, op in OPERATIONS])
def test_shape_fuzzing_never_breaks_the_service(aws: Aws, service: str, operation: str) -> None:
    url = base_url(aws, service)

    @settings(
        derandomize=True,
        database=None,
        max_examples=int(os.environ.get("MOTO_BEDROCK_FUZZ_EXAMPLES", "60")),
        deadline=None,
        suppress_health_check=HEALTH,
    )
    @given(request=fuzz_requests(service, operation))
    def run(request: RawRequest) -> None:
        assert_modeled(send(url, request), request)

    run()


# -- 2. random HTTP against the server, fixed seed, time budget ------------------------

FUZZ_SEED = int(os.environ.get("MOTO_BEDROCK_FUZZ_SEED", "20260611"))
FUZZ_SECONDS = float(os.environ.get("MOTO_BEDROCK_FUZZ_SECONDS", "10"))

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
RUNTIME_ACTIONS = [
    "converse",
    "converse-stream",
    "invoke",
    "invoke-with-response-stream",
    "count-tokens",
    "invoke-with-bidirectional-stream",
    "",
    "converse/extra",
    "CONVERSE",
]
# Control-plane paths with the method their operation takes (random ones are drawn too).
CONTROL_PATHS = [
    ("GET", "/foundation-models"),
    ("GET", "/foundation-models/{id}"),
    ("GET", "/foundation-model-availability/{id}"),
    ("GET", "/inference-profiles"),
    ("GET", "/inference-profiles/{id}"),
    ("GET", "/custom-models"),
    ("GET", "/custom-models/{id}"),
    ("DELETE", "/custom-models/{id}"),
    ("GET", "/model-customization-jobs"),
    ("POST", "/model-customization-jobs"),
    ("GET", "/model-customization-jobs/{id}"),
    ("POST", "/model-customization-jobs/{id}/stop"),
    ("GET", "/logging/modelinvocations"),
    ("PUT", "/logging/modelinvocations"),
    ("POST", "/tagResource"),
    ("POST", "/untagResource"),
    ("POST", "/listTagsForResource"),
    ("POST", "/guardrails"),
    ("GET", "/async-invoke"),
    ("GET", "/async-invoke/{id}"),
    ("GET", "/"),
    ("POST", "/{id}"),
]
CONTENT_TYPES = [
    "application/json",
    "application/x-amz-json-1.1",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=zz",
    "text/plain; charset=utf-16",
    "application/vnd.amazon.eventstream",
    "",
]
QUERY_KEYS = ["maxResults", "nextToken", "byProvider", "typeEquals", "byOutputModality", "Action"]
HEADER_NAMES = [
    "X-Amz-Target",
    "X-Amzn-Bedrock-GuardrailIdentifier",
    "X-Amzn-Bedrock-GuardrailVersion",
    "X-Amzn-Bedrock-Trace",
    "X-Amzn-Bedrock-PerformanceConfig-Latency",
    "X-Amzn-Bedrock-Accept",
    "Accept",
    "Content-Encoding",
    "Action",
    "X-Amz-Content-Sha256",
]


def _random_text(rng: random.Random, size: int | None = None) -> str:
    size = rng.choice([0, 1, 3, 12, 40, 300, 5000]) if size is None else size
    alphabet = rng.choice(
        [
            "abcxyz0123456789-._:",
            "%/?#&=+ \t\n\\\"'{}[]",
            "éß漢字💥\u202e\x00\x7f",
            "".join(map(chr, range(32, 127))),
        ]
    )
    return "".join(rng.choice(alphabet) for _ in range(size))


def _random_body(rng: random.Random) -> bytes:
    kind = rng.randrange(10)
    if kind == 0:
        return b""
    if kind == 1:
        return rng.randbytes(rng.choice([1, 17, 4000]))
    if kind == 2:
        return json.dumps({"messages": [user(_random_text(rng))]}).encode()
    if kind == 3:  # a plausible body with one value of the wrong type
        body: dict[str, Any] = {
            "messages": [user("hi")],
            "inferenceConfig": {"maxTokens": 10, "temperature": 0.5},
        }
        body[rng.choice(["messages", "inferenceConfig", "system", "toolConfig"])] = rng.choice(
            [None, 1, "x", [], {}, [None], 1e309, True]
        )
        return json.dumps(body).encode()
    if kind == 4:
        depth = rng.choice([10, 600, 20_000])
        return b'{"messages": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == 5:
        return json.dumps(NATIVE_BODIES[rng.choice(sorted(NATIVE_BODIES))]).encode()
    if kind == 6:
        text = json.dumps({"messages": [user("hi")], "system": [{"text": "s"}]}).encode()
        return text[: rng.randrange(len(text))]
    if kind == 7:
        return _random_text(rng).encode("utf-8", "surrogatepass")
    if kind == 8:
        return b"\x1f\x8b\x08\x00" + rng.randbytes(30)  # a broken gzip stream
    return json.dumps({_random_text(rng, 5): _random_text(rng) for _ in range(3)}).encode()


def random_request(rng: random.Random) -> RawRequest:
    """One random request aimed at the runtime or the control plane."""
    ident = rng.choice(MODEL_IDS + PROFILE_IDS)
    if rng.random() < 0.3:
        ident = rng.choice([_random_text(rng), "", "%00", "a/b", ident + "\n", ident * 40])
    quoted = quote(ident, safe=rng.choice(["", "/%"]))
    if rng.random() < 0.5:
        action = rng.choice(RUNTIME_ACTIONS[:5] if rng.random() < 0.8 else RUNTIME_ACTIONS)
        method, path = "POST", f"/model/{quoted}/{action}"
    else:
        method, template = rng.choice(CONTROL_PATHS)
        path = template.replace("{id}", quoted)
    if rng.random() < 0.2:
        method = rng.choice(METHODS)
    if rng.random() < 0.3:
        query = [
            (rng.choice(QUERY_KEYS), _random_text(rng, rng.choice([0, 3, 30]))) for _ in range(3)
        ]
        path += "?" + urlencode(query, errors="surrogatepass")
    headers = {}
    content_type = rng.choice(CONTENT_TYPES)
    if content_type:
        headers["Content-Type"] = content_type
    for _ in range(rng.choice([0, 1, 3])):
        headers[rng.choice(HEADER_NAMES)] = _header_value(_random_text(rng, rng.choice([0, 5, 60])))
    return RawRequest(method, path, headers, _random_body(rng))


def test_random_http_never_breaks_the_server(
    server_url: str, record_property: Callable[[str, object], None]
) -> None:
    requests.post(f"{server_url}/moto-api/reset", timeout=5).raise_for_status()
    rng = random.Random(FUZZ_SEED)
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    while time.monotonic() - started < FUZZ_SECONDS:
        request = random_request(rng)
        response = send(server_url, request)
        statuses[response.status_code] += 1
        assert_modeled(response, request)
    elapsed = time.monotonic() - started
    # Printed in the terminal summary by conftest.py, from xdist workers too.
    record_property(
        "fuzz_summary",
        f"random HTTP fuzz: seed={FUZZ_SEED} requests={sum(statuses.values())} "
        f"seconds={elapsed:.1f} statuses={dict(sorted(statuses.items()))}",
    )
    assert sum(statuses.values()) > 0
    # And the server still serves a valid request.
    body = json.dumps({"messages": [user("still there?")]})
    response = signed_request("POST", f"{server_url}/model/{HAIKU}/converse", body)
    assert response.status_code == 200, response.text
    assert response.json()["output"]["message"]["content"][0]["text"]


# -- 3. bad requests leave valid state alone --------------------------------------------

CUSTOM_JOB = {
    "jobName": "fuzz-job",
    "customModelName": "fuzz-model",
    "roleArn": "arn:aws:iam::123456789012:role/fuzz",
    "baseModelIdentifier": "amazon.titan-text-express-v1",
    "trainingDataConfig": {"s3Uri": "s3://fuzz-bucket/train.jsonl"},
    "outputDataConfig": {"s3Uri": "s3://fuzz-bucket/out/"},
    "hyperParameters": {"epochCount": "1"},
    "customModelTags": [{"key": "team", "value": "fuzz"}],
}
BAD_CONVERSE_BODIES = [
    b"",
    b"\xff\xfe{}",
    b"\xef\xbb\xbf" + json.dumps({"messages": [user("hi")]}).encode(),
    b'{"messages": "nope"}',
    b'{"messages": [{"role": "user", "content": [{"text": "a", "image": {}}]}]}',
    b'{"messages": ' + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"inferenceConfig": {"maxTokens": 1e400, "temperature": NaN}, "messages": []}',
]


def _bad_control_requests(model_arn: str) -> list[RawRequest]:
    job = json.dumps(CUSTOM_JOB).encode()
    return [
        RawRequest("POST", "/model-customization-jobs", body=job),  # already exists
        RawRequest("POST", "/model-customization-jobs", body=job.replace(b'"1"', b"1")),
        RawRequest("POST", "/model-customization-jobs", body=b"[]"),
        RawRequest("POST", "/model-customization-jobs", body=b'{"jobName": {"a": 1}}'),
        RawRequest("DELETE", "/custom-models/%00"),
        RawRequest("DELETE", "/custom-models/fuzz-model%0A"),
        RawRequest("PUT", "/logging/modelinvocations", body=b'{"loggingConfig": 3}'),
        RawRequest("PUT", "/logging/modelinvocations", body=b'{"loggingConfig": {"s3Config": []}}'),
        RawRequest(
            "POST",
            "/tagResource",
            body=json.dumps({"resourceARN": model_arn, "tags": "x"}).encode(),
        ),
        RawRequest(
            "POST",
            "/tagResource",
            body=json.dumps(
                {"resourceARN": model_arn, "tags": [{"key": 1, "value": None}]}
            ).encode(),
        ),
        RawRequest(
            "POST",
            "/untagResource",
            body=json.dumps({"resourceARN": model_arn, "tagKeys": [None]}).encode(),
        ),
        RawRequest("POST", "/untagResource", headers={"Action": ""}, body=b"{"),
    ]


def _snapshot(control: Any, controls: Any, model_arn: str) -> list[Any]:
    def strip(response: dict[str, Any]) -> dict[str, Any]:
        response.pop("ResponseMetadata", None)
        return response

    return [
        strip(control.get_custom_model(modelIdentifier="fuzz-model")),
        strip(control.get_model_customization_job(jobIdentifier="fuzz-job")),
        strip(control.list_custom_models()),
        strip(control.list_tags_for_resource(resourceARN=model_arn)),
        strip(control.get_model_invocation_logging_configuration()),
        controls.get_streaming(),
    ]


def test_bad_requests_leave_valid_state_intact(aws: Aws) -> None:
    control = aws.client("bedrock")
    controls = aws.controls()
    control.create_model_customization_job(**CUSTOM_JOB)
    model_arn = control.get_custom_model(modelIdentifier="fuzz-model")["modelArn"]
    aws.client("s3").create_bucket(Bucket="fuzz-logs")  # Bedrock checks the destination exists
    control.put_model_invocation_logging_configuration(
        loggingConfig={"s3Config": {"bucketName": "fuzz-logs"}, "textDataDeliveryEnabled": True}
    )
    controls.configure_streaming(chunking="word", size=2, chunks=["On"], sleep=False)
    controls.inject_stream_error(error="throttlingException", after_events=2)
    before = _snapshot(control, controls, model_arn)

    runtime_url, control_url = base_url(aws, "bedrock-runtime"), base_url(aws, "bedrock")
    for body in BAD_CONVERSE_BODIES:
        for action in ("converse", "converse-stream"):
            request = RawRequest("POST", f"/model/{HAIKU}/{action}", {}, body)
            response = send(runtime_url, request)
            assert 400 <= response.status_code < 500, request.describe()
            assert_modeled(response, request)
    for request in _bad_control_requests(model_arn):
        response = send(control_url, request)
        assert 400 <= response.status_code < 500, (request.describe(), response.text)
        assert_modeled(response, request)
    for settings_ in (
        {"chunking": "syllable"},
        {"size": 0},
        {"sleep": "no"},
        {"tokens_per_second": "x"},
    ):
        with pytest.raises(ConfigError):
            controls.configure_streaming(**settings_)
    for fault in ({"error": "boom"}, {"error": "throttlingException", "original_status_code": "x"}):
        with pytest.raises(ConfigError):
            controls.inject_stream_error(**fault)

    assert _snapshot(control, controls, model_arn) == before
    # The queued stream error survived too: the next stream breaks after two events.
    stream = aws.client("bedrock-runtime").converse_stream(modelId=HAIKU, messages=[user("Hi")])
    seen = []
    with pytest.raises(EventStreamError) as excinfo:
        for event in stream["stream"]:
            seen.append(event)
    assert len(seen) == 2
    assert excinfo.value.response["Error"]["Code"] == "throttlingException"


# -- 4. oversized bodies are refused before they are read ------------------------------

TOO_LARGE = (
    "1 validation error detected: Value at 'body' failed to satisfy constraint: "
    "Member must have length less than or equal to 25000000"
)


def _signed_headers(url: str, content_length: int) -> dict[str, str]:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method="POST", url=url, data=b"", headers={"Content-Type": "application/json"}
    )
    SigV4Auth(Credentials("testing", "testing"), "bedrock", REGION).add_auth(request)
    headers = dict(request.headers)
    headers["Content-Length"] = str(content_length)
    return headers


@pytest.mark.parametrize("server", ["hypercorn", "werkzeug"])
def test_a_declared_oversized_body_is_refused_without_being_read(
    request: pytest.FixtureRequest, server: str
) -> None:
    # 30 MB announced, 1 KB sent: only a server that does not wait for the body can answer.
    # Both hand the app a body still unread (the hypercorn bridge reads ahead only a body
    # declared at most 1 MiB), and the app refuses it from its Content-Length.
    server_url = request.getfixturevalue("server_url" if server == "hypercorn" else "werkzeug_url")
    host, port = server_url.removeprefix("http://").split(":")
    path = f"/model/{quote(HAIKU, safe='')}/invoke"
    headers = _signed_headers(server_url + path, 30_000_000)
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head.encode() + b"{" + b" " * 1023)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            piece = sock.recv(65536)
            if not piece:
                break
            answer += piece
    assert time.monotonic() - started < 3
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"400", answer
    assert b"x-amzn-ErrorType: ValidationException:" in rest
    assert json.loads(rest.partition(b"\r\n\r\n")[2]) == {"message": TOO_LARGE}
    ok = signed_request(
        "POST", f"{server_url}/model/{HAIKU}/converse", json.dumps({"messages": [user("hi")]})
    )
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_30_mb_body_gets_a_quick_modeled_answer_and_the_server_lives_on(
    server_url: str, chunked: bool
) -> None:
    url = f"{server_url}/model/{quote(HAIKU, safe='')}/invoke"
    payload = b'{"prompt": "' + b"x" * 30_000_000 + b'"}'
    headers = _signed_headers(url, len(payload))
    body: Any = payload
    if chunked:  # no length declared: the limit stops the read at the first byte too many
        del headers["Content-Length"]
        body = (payload[i : i + 1_000_000] for i in range(0, len(payload), 1_000_000))
    started = time.monotonic()
    response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT)
    assert time.monotonic() - started < 5
    assert response.status_code == 400, response.text
    assert response.headers["x-amzn-ErrorType"].startswith("ValidationException:")
    assert response.json() == {"message": TOO_LARGE}
    ok = signed_request(
        "POST", f"{server_url}/model/{HAIKU}/converse", json.dumps({"messages": [user("hi")]})
    )
    assert ok.status_code == 200, ok.text


def test_an_oversized_json_body_is_refused_in_process() -> None:
    with mock_bedrock():
        response = signed_request(
            "POST",
            f"https://bedrock-runtime.{REGION}.amazonaws.com/model/{HAIKU}/converse",
            b'{"messages": [], "x": "' + b"x" * MAX_JSON_BODY_BYTES + b'"}',
        )
    assert response.status_code == 400
    assert response.json() == {
        "message": "1 validation error detected: Value at 'body' failed to satisfy constraint: "
        f"Member must have length less than or equal to {MAX_JSON_BODY_BYTES}"
    }
