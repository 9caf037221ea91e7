"""The local-LLM responder: config, translation both ways, failures, end to end.

Two fake chat servers stand in for real ones: an OpenAI-compatible one answering only
``POST /v1/chat/completions`` and an Ollama one answering only ``POST /api/chat``. Each runs
on 127.0.0.1 in a thread, records what it receives and answers queued canned replies.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock import mock_bedrock
from moto_bedrock.bedrockruntime.exceptions import ModelErrorException, ModelTimeoutException
from moto_bedrock.bedrockruntime.models import bedrockruntime_backends
from moto_bedrock.behaviour.base import ConfigError
from moto_bedrock.behaviour.control import BedrockControl
from moto_bedrock.behaviour.llm import LLMResponder, endpoint_for
from moto_bedrock.catalog import load_catalog
from moto_bedrock.generation.responders import Invocation, Reply
from tests.conftest import HAIKU, REGION, Aws, free_port, user

LOCAL_MODEL = "qwen2.5:0.5b"


# -- fake servers -------------------------------------------------------------------------


class FakeChatServer:
    """A canned chat server: records each request and answers the queued replies in order."""

    path = "/"
    default: dict[str, Any] = {}

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._queue: list[tuple[int, Any, float, bool]] = []
        self.release = threading.Event()  # set at teardown so slow handlers end at once
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": json.loads(raw)}
                )
                if self.path != fake.path:
                    self._send(404, b'{"error": "not found"}')
                    return
                status, body, delay, trickle = (
                    fake._queue.pop(0) if fake._queue else (200, fake.default, 0.0, False)
                )
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                if status == 0:
                    return  # hang up without answering
                if trickle:
                    # Headers and a first few bytes, then silence.
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload[:5])
                    self.wfile.flush()
                    fake.release.wait(delay)
                    return
                if delay:
                    fake.release.wait(delay)
                self._send(status, payload)

            def _send(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def answer(
        self, body: Any, status: int = 200, delay: float = 0.0, trickle: bool = False
    ) -> None:
        """Queue a reply: a JSON value or raw bytes, after ``delay`` seconds."""
        self._queue.append((status, body, delay, trickle))

    def bodies(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.received]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeOpenAI(FakeChatServer):
    path = "/v1/chat/completions"
    default = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": LOCAL_MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello from the local model."},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18},
    }


class FakeOllama(FakeChatServer):
    path = "/api/chat"
    default = {
        "model": LOCAL_MODEL,
        "created_at": "2025-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": "Hello from Ollama."},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 9,
        "eval_count": 4,
    }


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.close()


@pytest.fixture
def ollama_server() -> Iterator[FakeOllama]:
    server = FakeOllama()
    yield server
    server.close()


def openai_choice(message: dict[str, Any], finish_reason: str = "stop") -> dict[str, Any]:
    return {"choices": [{"index": 0, "message": message, "finish_reason": finish_reason}]}


# -- a rich invocation --------------------------------------------------------------------

WEATHER_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}
TOOL_CONFIG = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "Current weather",
                "inputSchema": {"json": WEATHER_SCHEMA},
            }
        },
        {"toolSpec": {"name": "get_time", "inputSchema": {"json": {"type": "object"}}}},
    ],
    "toolChoice": {"tool": {"name": "get_weather"}},
}
MESSAGES: list[dict[str, Any]] = [
    {
        "role": "user",
        "content": [
            {"text": "Weather in Paris?"},
            {"image": {"format": "png", "source": {"bytes": b"PNG"}}},
        ],
    },
    {
        "role": "assistant",
        "content": [
            {"text": "Checking."},
            {
                "toolUse": {
                    "toolUseId": "tooluse_1",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                }
            },
        ],
    },
    {
        "role": "user",
        "content": [
            {
                "toolResult": {
                    "toolUseId": "tooluse_1",
                    "content": [{"json": {"temp": 21}}, {"text": "sunny"}],
                }
            },
            {"text": "And tomorrow?"},
        ],
    },
]


def invocation(**overrides: Any) -> Invocation:
    model = load_catalog().get(HAIKU)
    assert model is not None
    fields: dict[str, Any] = {
        "operation": "Converse",
        "model_id": HAIKU,
        "model": model,
        "messages": MESSAGES,
        "system": [
            {"text": "You are terse."},
            {"cachePoint": {"type": "default"}},
            {"text": "Use tools."},
        ],
        "inference_config": {
            "maxTokens": 200,
            "temperature": 0.2,
            "topP": 0.9,
            "stopSequences": ["END"],
        },
        "tool_config": TOOL_CONFIG,
    }
    fields.update(overrides)
    return Invocation(**fields)


def simple(text: str = "Hi") -> Invocation:
    return invocation(messages=[user(text)], system=[], inference_config={}, tool_config=None)


def responder(server: FakeChatServer, api: str, **extra: Any) -> LLMResponder:
    return LLMResponder.from_config({"url": server.url, "api": api, "model": LOCAL_MODEL, **extra})


# -- configuration ------------------------------------------------------------------------


def test_config_defaults_and_round_trip() -> None:
    minimal = LLMResponder.from_config({"url": "http://127.0.0.1:8080", "model": "phi3"})
    assert minimal.to_config() == {
        "url": "http://127.0.0.1:8080",
        "api": "openai",
        "model": "phi3",
        "timeout": 60,
    }
    full = {
        "url": "https://llm.internal:443/v1",
        "api": "ollama",
        "model": "llama3.2",
        "timeout": 2.5,
        "api_key": "sk-local",
        "temperature": 0,
    }
    responder = LLMResponder.from_config(full)
    # The api_key is kept but never given back (get_config, get_replies, saved files).
    shown = {k: v for k, v in full.items() if k != "api_key"}
    assert responder.to_config() == shown
    assert responder.api_key == "sk-local"
    assert LLMResponder.from_config(responder.to_config()).to_config() == shown
    # Optional keys given as null are simply unset.
    unset = LLMResponder.from_config(
        {"url": "http://h", "model": "m", "api_key": None, "temperature": None}
    )
    assert "api_key" not in unset.to_config() and "temperature" not in unset.to_config()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"model": "m"}, "llm.url is required"),
        ({"url": 8080, "model": "m"}, "llm.url must be a string; got int"),
        (
            {"url": "ftp://host", "model": "m"},
            "llm.url must be an http:// or https:// URL; got 'ftp://host'",
        ),
        (
            {"url": "localhost:11434", "model": "m"},
            "llm.url must be an http:// or https:// URL; got 'localhost:11434'",
        ),
        (
            {"url": "http://h/?key=1", "model": "m"},
            "llm.url must not have a query or fragment; got 'http://h/?key=1'",
        ),
        (
            {"url": "http://h", "model": "m", "api": "anthropic"},
            "llm.api must be one of ['openai', 'ollama']; got 'anthropic'",
        ),
        ({"url": "http://h"}, "llm.model is required (the local model's name, e.g. 'llama3.2')"),
        ({"url": "http://h", "model": " "}, "llm.model must be a non-empty string; got ' '"),
        (
            {"url": "http://h", "model": "m", "timeout": 0},
            "llm.timeout must be a positive number of seconds, at most 3600; got 0",
        ),
        (
            {"url": "http://h", "model": "m", "timeout": "5"},
            "llm.timeout must be a positive number of seconds, at most 3600; got '5'",
        ),
        (
            {"url": "http://h", "model": "m", "timeout": True},
            "llm.timeout must be a positive number of seconds, at most 3600; got True",
        ),
        (
            {"url": "http://h", "model": "m", "timeout": float("inf")},
            "llm.timeout must be a positive number of seconds, at most 3600; got inf",
        ),
        (
            {"url": "http://h", "model": "m", "api_key": 42},
            "llm.api_key must be a non-empty string",
        ),
        (
            {"url": "http://h", "model": "m", "temperature": -0.5},
            "llm.temperature must be a number >= 0; got -0.5",
        ),
        (
            {"url": "http://h", "model": "m", "temprature": 1},
            "llm has unknown keys ['temprature']; expected some of "
            "['url', 'api', 'model', 'timeout', 'api_key', 'temperature']",
        ),
        ("http://h", "llm must be a mapping; got str"),
    ],
)
def test_config_is_validated_strictly(config: Any, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        LLMResponder.from_config(config)
    assert str(caught.value) == message


def test_config_errors_name_the_caller_s_location() -> None:
    with pytest.raises(ConfigError, match=r"^replies\.llm\.url is required$"):
        LLMResponder.from_config({"model": "m"}, where="replies.llm")


def test_repr_never_shows_the_api_key() -> None:
    responder = LLMResponder.from_config({"url": "http://h", "model": "m", "api_key": "sk-secret"})
    assert "sk-secret" not in repr(responder)
    assert repr(responder) == (
        "LLMResponder(api='openai', endpoint='http://h/v1/chat/completions', model='m')"
    )


@pytest.mark.parametrize(
    ("url", "api", "endpoint"),
    [
        ("http://h:1234", "openai", "http://h:1234/v1/chat/completions"),
        ("http://h:1234/", "openai", "http://h:1234/v1/chat/completions"),
        ("http://h:1234/v1", "openai", "http://h:1234/v1/chat/completions"),
        ("http://h:1234/v1/", "openai", "http://h:1234/v1/chat/completions"),
        ("http://h/proxy/v1/chat/completions", "openai", "http://h/proxy/v1/chat/completions"),
        ("http://h:11434", "ollama", "http://h:11434/api/chat"),
        ("http://h:11434/api", "ollama", "http://h:11434/api/chat"),
        ("http://h:11434/api/chat/", "ollama", "http://h:11434/api/chat"),
    ],
)
def test_endpoint_accepts_a_base_or_a_full_path(url: str, api: str, endpoint: str) -> None:
    assert endpoint_for(url, api) == endpoint


# -- OpenAI translation -------------------------------------------------------------------

EXPECTED_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather",
            "parameters": WEATHER_SCHEMA,
        },
    },
    {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}},
]


def test_openai_request_is_translated_exactly(openai_server: FakeOpenAI) -> None:
    responder(openai_server, "openai", api_key="sk-local")(invocation())

    [received] = openai_server.received
    assert received["path"] == "/v1/chat/completions"
    assert received["headers"]["Authorization"] == "Bearer sk-local"
    assert received["headers"]["Content-Type"] == "application/json"
    assert received["body"] == {
        "model": LOCAL_MODEL,
        "messages": [
            {"role": "system", "content": "You are terse.\nUse tools."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Weather in Paris?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,UE5H"}},
                ],
            },
            {
                "role": "assistant",
                "content": "Checking.",
                "tool_calls": [
                    {
                        "id": "tooluse_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "tooluse_1", "content": '{"temp": 21}\nsunny'},
            {"role": "user", "content": "And tomorrow?"},
        ],
        "stream": False,
        "max_tokens": 200,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop": ["END"],
        "tools": EXPECTED_TOOLS,
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    }


@pytest.mark.parametrize(
    ("choice", "expected"),
    [({"auto": {}}, "auto"), ({"any": {}}, "required"), (None, None)],
)
def test_openai_tool_choice(openai_server: FakeOpenAI, choice: Any, expected: Any) -> None:
    tool_config = {"tools": TOOL_CONFIG["tools"], **({"toolChoice": choice} if choice else {})}
    responder(openai_server, "openai")(invocation(tool_config=tool_config))
    assert openai_server.bodies()[0].get("tool_choice") == expected


def test_plain_request_has_no_optional_fields_and_no_auth(openai_server: FakeOpenAI) -> None:
    responder(openai_server, "openai")(simple("Hi"))
    [received] = openai_server.received
    assert received["body"] == {
        "model": LOCAL_MODEL,
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": False,
    }
    assert "Authorization" not in received["headers"]


def test_configured_temperature_overrides_the_request(
    openai_server: FakeOpenAI, ollama_server: FakeOllama
) -> None:
    responder(openai_server, "openai", temperature=0)(invocation())
    responder(ollama_server, "ollama", temperature=0)(invocation())
    assert openai_server.bodies()[0]["temperature"] == 0
    assert ollama_server.bodies()[0]["options"]["temperature"] == 0


def test_error_tool_results_and_documents_become_text(openai_server: FakeOpenAI) -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"text": "Summarise"},
                {
                    "document": {
                        "format": "txt",
                        "name": "notes",
                        "source": {"bytes": b"line one"},
                    }
                },
                {"document": {"format": "pdf", "name": "scan", "source": {"bytes": b"%PDF"}}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"toolUse": {"toolUseId": "tooluse_9", "name": "get_time", "input": {}}},
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "toolResult": {
                        "toolUseId": "tooluse_9",
                        "content": [{"text": "clock offline"}],
                        "status": "error",
                    }
                }
            ],
        },
    ]
    responder(openai_server, "openai")(
        invocation(messages=messages, system=[], inference_config={})
    )
    assert openai_server.bodies()[0]["messages"] == [
        {
            "role": "user",
            "content": "Summarise\n[document 'notes']\nline one\n"
            "[document 'scan' (pdf) not sent to the local model]",
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "tooluse_9",
                    "type": "function",
                    "function": {"name": "get_time", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "tooluse_9", "content": "Error: clock offline"},
    ]


def test_json_schema_output_is_requested(
    openai_server: FakeOpenAI, ollama_server: FakeOllama
) -> None:
    output_config = {
        "textFormat": {
            "type": "json_schema",
            "structure": {
                "jsonSchema": {
                    "schema": json.dumps(WEATHER_SCHEMA),
                    "name": "weather",
                    "description": "A city",
                }
            },
        }
    }
    responder(openai_server, "openai")(dataclasses.replace(simple(), output_config=output_config))
    responder(ollama_server, "ollama")(invocation(output_config=output_config, tool_config=None))
    assert openai_server.bodies()[0]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "weather", "schema": WEATHER_SCHEMA, "description": "A city"},
    }
    assert ollama_server.bodies()[0]["format"] == WEATHER_SCHEMA


def test_openai_text_reply(openai_server: FakeOpenAI) -> None:
    reply = responder(openai_server, "openai")(simple())
    assert reply == Reply(
        content=[{"text": "Hello from the local model."}],
        stop_reason="end_turn",
        usage={"inputTokens": 12, "outputTokens": 6},
    )


def test_openai_tool_calls_reply(openai_server: FakeOpenAI) -> None:
    openai_server.answer(
        {
            **openai_choice(
                {
                    "role": "assistant",
                    "content": "Let me check.",
                    "tool_calls": [
                        {
                            "id": "call_abc123",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
                        },
                        {
                            "id": "call/with spaces",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": ""},
                        },
                    ],
                },
                "tool_calls",
            ),
            "usage": {"prompt_tokens": 30, "completion_tokens": 20},
        }
    )
    reply = responder(openai_server, "openai")(invocation())
    assert reply.stop_reason == "tool_use"
    assert reply.usage == {"inputTokens": 30, "outputTokens": 20}
    text, weather, clock = reply.content
    assert text == {"text": "Let me check."}
    assert weather == {
        "toolUse": {
            "toolUseId": "tooluse_call_abc123",
            "name": "get_weather",
            "input": {"city": "Oslo"},
        }
    }
    # An id Bedrock's pattern forbids is replaced by a digest of it; empty arguments are {}.
    assert clock["toolUse"]["name"] == "get_time" and clock["toolUse"]["input"] == {}
    tool_use_id = clock["toolUse"]["toolUseId"]
    assert tool_use_id.startswith("tooluse_") and len(tool_use_id) == 32
    assert tool_use_id[8:].isalnum()


def test_openai_call_ids_map_deterministically(openai_server: FakeOpenAI) -> None:
    call = {
        "id": "call/with spaces",
        "type": "function",
        "function": {"name": "get_time", "arguments": "{}"},
    }
    for _ in range(2):
        openai_server.answer(
            openai_choice({"role": "assistant", "tool_calls": [call]}, "tool_calls")
        )
    llm = responder(openai_server, "openai")
    first, second = llm(simple("a")), llm(simple("b"))
    assert first.content == second.content  # same call id, same toolUseId, whatever the request


@pytest.mark.parametrize(
    ("finish_reason", "stop_reason"),
    [
        ("stop", "end_turn"),
        ("length", "max_tokens"),
        ("content_filter", "content_filtered"),
        (None, "end_turn"),
    ],
)
def test_openai_finish_reasons(
    openai_server: FakeOpenAI, finish_reason: Any, stop_reason: str
) -> None:
    openai_server.answer(openai_choice({"role": "assistant", "content": "Partial"}, finish_reason))
    reply = responder(openai_server, "openai")(simple())
    assert reply.stop_reason == stop_reason and reply.content == [{"text": "Partial"}]
    assert reply.usage is None  # the server reported none: the emulator counts


def test_malformed_tool_arguments_make_the_turn_malformed(openai_server: FakeOpenAI) -> None:
    calls = [
        {"id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": "{}"}},
        {
            "id": "call_2",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": '},
        },
    ]
    openai_server.answer(
        openai_choice({"role": "assistant", "content": "Hmm", "tool_calls": calls}, "tool_calls")
    )
    reply = responder(openai_server, "openai")(invocation())
    assert reply.stop_reason == "malformed_tool_use"
    assert reply.content == [{"text": "Hmm"}]


def test_a_reply_cut_short_keeps_complete_calls(openai_server: FakeOpenAI) -> None:
    calls = [
        {"id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": "{}"}},
        {
            "id": "call_2",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"ci'},
        },
    ]
    openai_server.answer(
        openai_choice({"role": "assistant", "content": None, "tool_calls": calls}, "length")
    )
    reply = responder(openai_server, "openai")(invocation())
    assert reply.stop_reason == "max_tokens"
    assert reply.content == [
        {"toolUse": {"toolUseId": "tooluse_call_1", "name": "get_time", "input": {}}}
    ]


# -- Ollama translation -------------------------------------------------------------------


def test_ollama_request_is_translated_exactly(ollama_server: FakeOllama) -> None:
    responder(ollama_server, "ollama")(invocation())

    [received] = ollama_server.received
    assert received["path"] == "/api/chat"
    assert received["body"] == {
        "model": LOCAL_MODEL,
        "messages": [
            {"role": "system", "content": "You are terse.\nUse tools."},
            {"role": "user", "content": "Weather in Paris?", "images": ["UE5H"]},
            {
                "role": "assistant",
                "content": "Checking.",
                "tool_calls": [
                    {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}
                ],
            },
            {"role": "tool", "content": '{"temp": 21}\nsunny', "tool_name": "get_weather"},
            {"role": "user", "content": "And tomorrow?"},
        ],
        "stream": False,
        # Ollama has no tool_choice: toolConfig.toolChoice is not sent.
        "tools": EXPECTED_TOOLS,
        "options": {"num_predict": 200, "temperature": 0.2, "top_p": 0.9, "stop": ["END"]},
    }


def test_ollama_text_reply(ollama_server: FakeOllama) -> None:
    reply = responder(ollama_server, "ollama")(simple())
    assert reply == Reply(
        content=[{"text": "Hello from Ollama."}],
        stop_reason="end_turn",
        usage={"inputTokens": 9, "outputTokens": 4},
    )


def ollama_tool_reply(city: str) -> dict[str, Any]:
    return {
        **FakeOllama.default,
        "message": {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": city}}}],
        },
    }


def test_ollama_tool_calls_get_deterministic_ids(ollama_server: FakeOllama) -> None:
    for city in ("Oslo", "Oslo", "Oslo"):
        ollama_server.answer(ollama_tool_reply(city))
    llm = responder(ollama_server, "ollama")
    first, again, other = llm(simple("Weather?")), llm(simple("Weather?")), llm(simple("Rain?"))

    # Ollama's done_reason is "stop" even for tool calls.
    assert first.stop_reason == "tool_use" and first.usage == {"inputTokens": 9, "outputTokens": 4}
    [block] = first.content
    tool_use = block["toolUse"]
    assert tool_use["name"] == "get_weather" and tool_use["input"] == {"city": "Oslo"}
    assert tool_use["toolUseId"].startswith("tooluse_") and len(tool_use["toolUseId"]) == 32
    assert again.content == first.content  # the same request and call, the same id
    assert other.content[0]["toolUse"]["toolUseId"] != tool_use["toolUseId"]


def test_ollama_length_is_max_tokens(ollama_server: FakeOllama) -> None:
    ollama_server.answer({**FakeOllama.default, "done_reason": "length"})
    assert responder(ollama_server, "ollama")(simple()).stop_reason == "max_tokens"


# -- failures -----------------------------------------------------------------------------


def test_connection_refused_is_a_model_error() -> None:
    port = free_port()  # nothing listens there any more
    llm = LLMResponder.from_config({"url": f"http://127.0.0.1:{port}", "model": "m"})
    with pytest.raises(ModelErrorException) as caught:
        llm(simple())
    endpoint = f"http://127.0.0.1:{port}/v1/chat/completions"
    assert caught.value.message == (
        f"The local LLM at {endpoint} could not be reached: connection refused."
    )
    assert caught.value.originalStatusCode is None
    assert caught.value.resourceName == endpoint


def test_an_oversized_reply_is_a_model_error(
    openai_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("moto_bedrock.behaviour.llm.MAX_REPLY_BYTES", 100)
    openai_server.answer(openai_choice({"role": "assistant", "content": "x" * 200}))
    with pytest.raises(ModelErrorException) as caught:
        responder(openai_server, "openai")(simple())
    assert caught.value.message == (
        f"The local LLM at {openai_server.url}/v1/chat/completions sent a reply larger than "
        "100 bytes."
    )
    assert caught.value.originalStatusCode == 200


def test_hang_up_is_a_model_error(openai_server: FakeOpenAI) -> None:
    openai_server.answer(None, status=0)
    with pytest.raises(ModelErrorException) as caught:
        responder(openai_server, "openai")(simple())
    assert caught.value.message == (
        f"The local LLM at {openai_server.url}/v1/chat/completions could not be reached: "
        "Remote end closed connection without response."
    )


def test_error_status_is_a_model_error_quoting_the_server(
    openai_server: FakeOpenAI, ollama_server: FakeOllama
) -> None:
    openai_server.answer(
        {"error": {"message": "The model `x` does not exist", "type": "invalid_request_error"}},
        status=404,
    )
    ollama_server.answer({"error": "model 'qwen2.5:0.5b' not found"}, status=404)
    ollama_server.answer(b"<html>Bad Gateway</html>", status=502)

    with pytest.raises(ModelErrorException) as openai_error:
        responder(openai_server, "openai")(simple())
    assert openai_error.value.message == (
        f"The local LLM at {openai_server.url}/v1/chat/completions answered HTTP 404: "
        "The model `x` does not exist."
    )
    assert openai_error.value.originalStatusCode == 404

    llm = responder(ollama_server, "ollama")
    with pytest.raises(ModelErrorException) as missing:
        llm(simple())
    assert missing.value.message == (
        f"The local LLM at {ollama_server.url}/api/chat answered HTTP 404: "
        "model 'qwen2.5:0.5b' not found."
    )
    with pytest.raises(ModelErrorException) as gateway:
        llm(simple())
    assert gateway.value.originalStatusCode == 502
    # Only an OpenAI/Ollama error message is repeated, never another body (issue 11).
    assert gateway.value.message.endswith("/api/chat answered HTTP 502.")


def test_wrong_path_is_reported(openai_server: FakeOpenAI) -> None:
    # An Ollama base URL configured as OpenAI (or the reverse) is a common mistake.
    with pytest.raises(ModelErrorException, match=r"/api/chat answered HTTP 404: not found\.$"):
        responder(openai_server, "ollama")(simple())


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"not json", "the body is not JSON"),
        ({"object": "list", "data": []}, "no choices"),
        ({"choices": [{"index": 0}]}, "no choices[0].message"),
        ({"choices": [{"message": {"content": 42}}]}, "message.content is a int"),
        ({"choices": [{"message": {"tool_calls": ["x"]}}]}, "a tool call has no function"),
    ],
)
def test_unparseable_reply_is_a_model_error(
    openai_server: FakeOpenAI, body: Any, problem: str
) -> None:
    openai_server.answer(body)
    with pytest.raises(ModelErrorException) as caught:
        responder(openai_server, "openai")(simple())
    assert caught.value.message == (
        f"The local LLM at {openai_server.url}/v1/chat/completions sent a reply that is not "
        f"OpenAI chat JSON ({problem})."
    )
    assert caught.value.originalStatusCode == 200


def test_unparseable_ollama_reply(ollama_server: FakeOllama) -> None:
    ollama_server.answer({"done": True})
    with pytest.raises(ModelErrorException, match=r"not Ollama chat JSON \(no message\)\.$"):
        responder(ollama_server, "ollama")(simple())


def test_slow_reply_is_a_model_timeout(openai_server: FakeOpenAI) -> None:
    openai_server.answer(FakeOpenAI.default, delay=5)
    llm = responder(openai_server, "openai", timeout=0.05)
    began = time.monotonic()
    with pytest.raises(ModelTimeoutException) as caught:
        llm(simple())
    assert time.monotonic() - began < 1
    assert caught.value.message == (
        f"The local LLM at {openai_server.url}/v1/chat/completions did not answer within "
        "0.05 seconds."
    )


def test_a_reply_that_stalls_midway_is_a_model_timeout(ollama_server: FakeOllama) -> None:
    ollama_server.answer(FakeOllama.default, delay=5, trickle=True)
    began = time.monotonic()
    with pytest.raises(ModelTimeoutException, match=r"did not answer within 0\.05 seconds"):
        responder(ollama_server, "ollama", timeout=0.05)(simple())
    assert time.monotonic() - began < 1


# -- through boto3 ------------------------------------------------------------------------


def test_in_process_backend_serves_llm_replies_and_errors(openai_server: FakeOpenAI) -> None:
    """The responder plugged straight into the backend: the wire path without ``use_llm``."""
    import boto3
    from botocore.config import Config

    with mock_bedrock():
        backend = bedrockruntime_backends["123456789012"][REGION]
        backend.responder = responder(openai_server, "openai")
        runtime = boto3.client(
            "bedrock-runtime", region_name=REGION, config=Config(retries={"max_attempts": 1})
        )
        response = runtime.converse(modelId=HAIKU, messages=[user("Hi")])
        assert response["output"]["message"]["content"] == [{"text": "Hello from the local model."}]
        assert response["usage"] == {"inputTokens": 12, "outputTokens": 6, "totalTokens": 18}

        openai_server.answer({"error": {"message": "overloaded"}}, status=503)
        with pytest.raises(ClientError) as caught:
            runtime.converse(modelId=HAIKU, messages=[user("Hi")])
        assert caught.value.response["Error"]["Code"] == "ModelErrorException"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 424
        assert caught.value.response["originalStatusCode"] == 503
        assert caught.value.response["resourceName"] == f"{openai_server.url}/v1/chat/completions"


# End to end in both modes, through the control operations ``use_llm``/``clear_llm`` that
# ``moto_bedrock.behaviour.replies`` provides. Server mode reaches the fake over loopback.
needs_use_llm = pytest.mark.skipif(
    not hasattr(BedrockControl, "use_llm"), reason="the use_llm control operation is not built yet"
)


@needs_use_llm
def test_converse_with_an_openai_server(aws: Aws, runtime: Any, openai_server: FakeOpenAI) -> None:
    aws.controls().use_llm(url=openai_server.url, api="openai", model=LOCAL_MODEL)
    response = runtime.converse(
        modelId=HAIKU,
        system=[{"text": "Be brief."}],
        messages=[user("Hi")],
        inferenceConfig={"maxTokens": 50, "temperature": 0.5},
    )
    assert response["output"] == {
        "message": {"role": "assistant", "content": [{"text": "Hello from the local model."}]}
    }
    assert response["stopReason"] == "end_turn"
    assert response["usage"] == {"inputTokens": 12, "outputTokens": 6, "totalTokens": 18}
    assert openai_server.bodies() == [
        {
            "model": LOCAL_MODEL,
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
            ],
            "stream": False,
            "max_tokens": 50,
            "temperature": 0.5,
        }
    ]

    events = list(runtime.converse_stream(modelId=HAIKU, messages=[user("Hi")])["stream"])
    text = "".join(
        e["contentBlockDelta"]["delta"].get("text", "") for e in events if "contentBlockDelta" in e
    )
    assert text == "Hello from the local model."
    assert events[-2] == {"messageStop": {"stopReason": "end_turn"}}
    assert events[-1]["metadata"]["usage"] == {
        "inputTokens": 12,
        "outputTokens": 6,
        "totalTokens": 18,
    }

    aws.controls().clear_llm()
    runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert len(openai_server.received) == 2  # the default responder answered the last call
    sources = [c["source"] for c in aws.controls().get_call_history()["calls"]]
    assert sources == ["llm", "llm", "default"]


@needs_use_llm
def test_tool_use_round_trip_with_ollama(aws: Aws, runtime: Any, ollama_server: FakeOllama) -> None:
    aws.controls().use_llm(url=ollama_server.url, api="ollama", model=LOCAL_MODEL)
    ollama_server.answer(ollama_tool_reply("Oslo"))
    tool_config = {"tools": TOOL_CONFIG["tools"]}
    first = runtime.converse(
        modelId=HAIKU, messages=[user("Weather in Oslo?")], toolConfig=tool_config
    )
    assert first["stopReason"] == "tool_use"
    [block] = first["output"]["message"]["content"]
    assert block["toolUse"]["name"] == "get_weather"
    assert block["toolUse"]["input"] == {"city": "Oslo"}
    tool_use_id = block["toolUse"]["toolUseId"]

    events = list(
        runtime.converse_stream(
            modelId=HAIKU,
            messages=[
                user("Weather in Oslo?"),
                first["output"]["message"],
                {
                    "role": "user",
                    "content": [
                        {"toolResult": {"toolUseId": tool_use_id, "content": [{"text": "4C"}]}}
                    ],
                },
            ],
            toolConfig=tool_config,
        )["stream"]
    )
    assert (
        "".join(
            e["contentBlockDelta"]["delta"].get("text", "")
            for e in events
            if "contentBlockDelta" in e
        )
        == "Hello from Ollama."
    )
    assert ollama_server.bodies()[1]["messages"] == [
        {"role": "user", "content": "Weather in Oslo?"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}],
        },
        {"role": "tool", "content": "4C", "tool_name": "get_weather"},
    ]


@needs_use_llm
def test_llm_failures_reach_the_client_as_modeled_errors(
    aws: Aws, runtime: Any, openai_server: FakeOpenAI
) -> None:
    controls = aws.controls()
    controls.use_llm(url=openai_server.url, api="openai", model=LOCAL_MODEL, timeout=0.05)
    openai_server.answer({"error": {"message": "out of memory"}}, status=500)
    with pytest.raises(ClientError) as failed:
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    endpoint = f"{openai_server.url}/v1/chat/completions"
    assert failed.value.response["Error"] == {
        "Code": "ModelErrorException",
        "Message": f"The local LLM at {endpoint} answered HTTP 500: out of memory.",
    }
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert failed.value.response["originalStatusCode"] == 500

    openai_server.answer(FakeOpenAI.default, delay=5)
    with pytest.raises(ClientError) as slow:
        runtime.converse(modelId=HAIKU, messages=[user("Hi")])
    assert slow.value.response["Error"]["Code"] == "ModelTimeoutException"
    assert slow.value.response["ResponseMetadata"]["HTTPStatusCode"] == 408

    calls = controls.get_call_history()["calls"]
    assert [c["error"]["code"] for c in calls] == ["ModelErrorException", "ModelTimeoutException"]


@needs_use_llm
def test_use_llm_rejects_bad_config(aws: Aws) -> None:
    with pytest.raises(ConfigError, match=r"llm\.api must be one of \['openai', 'ollama'\]"):
        aws.controls().use_llm(url="http://127.0.0.1:1", api="claude", model="m")


@needs_use_llm
def test_invoke_model_answers_from_the_llm(
    aws: Aws, runtime: Any, openai_server: FakeOpenAI
) -> None:
    aws.controls().use_llm(url=openai_server.url, model=LOCAL_MODEL)
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 64,
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Hi"}],
    }
    response = runtime.invoke_model(modelId=HAIKU, body=json.dumps(body))
    native = json.loads(response["body"].read())
    assert native["content"] == [{"type": "text", "text": "Hello from the local model."}]
    assert native["stop_reason"] == "end_turn"
    assert native["usage"]["input_tokens"] == 12 and native["usage"]["output_tokens"] == 6
    assert openai_server.bodies()[0]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]
    assert openai_server.bodies()[0]["max_tokens"] == 64
