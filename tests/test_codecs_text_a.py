"""InvokeModel bodies of Titan Text, Llama, Mistral (text and chat) and DeepSeek.

Calls through boto3 run in-process and against the server. Replies the default responder
never gives (tool calls, stop-sequence hits) need a canned responder, so those run
in-process only. Responses and stream chunks are decoded here by hand, as a client would,
so the codecs are checked against the documented shapes rather than against themselves.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core.models import DEFAULT_ACCOUNT_ID

from moto_bedrock import mock_bedrock
from moto_bedrock.bedrockruntime.models import bedrockruntime_backends
from moto_bedrock.catalog import FoundationModel, load_catalog
from moto_bedrock.generation.codecs import deepseek, llama, mistral, mistral_chat, titan_text
from moto_bedrock.generation.framing import framing_for
from moto_bedrock.generation.responders import Reply
from tests.conftest import REGION, Aws, foundation_id

TITAN = "amazon.titan-text-express-v1"
TITAN_LITE = "amazon.titan-text-lite-v1"
TITAN_PREMIER = "amazon.titan-text-premier-v1:0"
LLAMA3 = "meta.llama3-8b-instruct-v1:0"
LLAMA31 = "meta.llama3-1-8b-instruct-v1:0"
LLAMA32 = "us.meta.llama3-2-11b-instruct-v1:0"
LLAMA4 = "us.meta.llama4-scout-17b-instruct-v1:0"
MISTRAL_7B = "mistral.mistral-7b-instruct-v0:2"
MIXTRAL = "mistral.mixtral-8x7b-instruct-v0:1"
MISTRAL_LARGE = "mistral.mistral-large-2402-v1:0"
MISTRAL_SMALL = "mistral.mistral-small-2402-v1:0"
MISTRAL_LARGE_2 = "mistral.mistral-large-2407-v1:0"  # us-west-2 only
PIXTRAL = "us.mistral.pixtral-large-2502-v1:0"
DEEPSEEK = "us.deepseek.r1-v1:0"

QUESTION = "Tell me about volcanoes"
LLAMA_PROMPT = (
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n"
    f"{QUESTION}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
)
LLAMA4_PROMPT = (
    "<|begin_of_text|><|header_start|>user<|header_end|>\n\n"
    f"{QUESTION}<|eot|><|header_start|>assistant<|header_end|>\n\n"
)
DEEPSEEK_PROMPT = f"<｜begin▁of▁sentence｜><｜User｜>{QUESTION}<｜Assistant｜><think>\n"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image").decode()


class Native(NamedTuple):
    """What a native response says: text, stop reason, and token counts if it has them."""

    text: str
    stop: str
    input_tokens: int | None
    output_tokens: int | None


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- Decoders: each asserts the documented keys and types, then returns the content ------


def titan_response(body: dict[str, Any]) -> Native:
    assert set(body) == {"inputTextTokenCount", "results"}
    [result] = body["results"]
    assert set(result) == {"tokenCount", "outputText", "completionReason"}
    assert is_int(body["inputTextTokenCount"]) and is_int(result["tokenCount"])
    assert isinstance(result["outputText"], str)
    assert result["completionReason"] in ("FINISH", "LENGTH", "STOP_CRITERIA_MET")
    text, stop = result["outputText"], result["completionReason"]
    return Native(text, stop, body["inputTextTokenCount"], result["tokenCount"])


def titan_chunk(chunk: dict[str, Any]) -> tuple[str, str | None]:
    keys = {"outputText", "index", "totalOutputTextTokenCount", "completionReason"}
    assert set(chunk) - {"amazon-bedrock-invocationMetrics"} == keys | {"inputTextTokenCount"}
    assert chunk["index"] == 0
    return chunk["outputText"], chunk["completionReason"]


def llama_response(body: dict[str, Any]) -> Native:
    keys = {"generation", "prompt_token_count", "generation_token_count", "stop_reason"}
    assert set(body) == keys
    assert isinstance(body["generation"], str) and body["stop_reason"] in ("stop", "length")
    assert is_int(body["prompt_token_count"]) and is_int(body["generation_token_count"])
    counts = body["prompt_token_count"], body["generation_token_count"]
    return Native(body["generation"], body["stop_reason"], *counts)


def llama_chunk(chunk: dict[str, Any]) -> tuple[str, str | None]:
    keys = {"generation", "prompt_token_count", "generation_token_count", "stop_reason"}
    assert set(chunk) - {"amazon-bedrock-invocationMetrics"} == keys
    assert is_int(chunk["generation_token_count"])
    return chunk["generation"], chunk["stop_reason"]


def mistral_response(body: dict[str, Any]) -> Native:
    assert set(body) == {"outputs"}
    [output] = body["outputs"]
    assert set(output) == {"text", "stop_reason"} and isinstance(output["text"], str)
    assert output["stop_reason"] in ("stop", "length")
    return Native(output["text"], output["stop_reason"], None, None)


def mistral_chunk(chunk: dict[str, Any]) -> tuple[str, str | None]:
    assert set(chunk) - {"amazon-bedrock-invocationMetrics"} == {"outputs"}
    [output] = chunk["outputs"]
    assert set(output) == {"text", "stop_reason"}
    return output["text"], output["stop_reason"]


def chat_response(body: dict[str, Any]) -> Native:
    assert set(body) == {"choices"}
    [choice] = body["choices"]
    assert set(choice) == {"index", "message", "stop_reason"} and choice["index"] == 0
    message = choice["message"]
    assert set(message) - {"tool_calls"} == {"role", "content"}
    assert message["role"] == "assistant" and isinstance(message["content"], str)
    assert choice["stop_reason"] in ("stop", "length", "tool_calls")
    return Native(message["content"], choice["stop_reason"], None, None)


def chat_chunk(chunk: dict[str, Any]) -> tuple[str, str | None]:
    assert set(chunk) - {"amazon-bedrock-invocationMetrics"} == {"choices"}
    [choice] = chunk["choices"]
    assert set(choice) == {"index", "message", "stop_reason"}
    assert set(choice["message"]) - {"tool_calls"} == {"role", "content"}
    return choice["message"]["content"], choice["stop_reason"]


def deepseek_response(body: dict[str, Any]) -> Native:
    assert set(body) == {"choices"}
    [choice] = body["choices"]
    assert set(choice) == {"text", "stop_reason"} and isinstance(choice["text"], str)
    assert choice["stop_reason"] in ("stop", "length")
    return Native(choice["text"], choice["stop_reason"], None, None)


def deepseek_chunk(chunk: dict[str, Any]) -> tuple[str, str | None]:
    assert set(chunk) - {"amazon-bedrock-invocationMetrics"} == {"choices"}
    [choice] = chunk["choices"]
    assert set(choice) == {"text", "stop_reason"}
    return choice["text"], choice["stop_reason"]


@dataclass(frozen=True)
class Family:
    response: Callable[[dict[str, Any]], Native]
    chunk: Callable[[dict[str, Any]], tuple[str, str | None]]
    finished: str  # the stop reason of a reply that ended by itself
    stream_finished: str
    cut: str  # the stop reason of a reply cut at the maximum


FAMILIES = {
    "titan-text": Family(titan_response, titan_chunk, "FINISH", "FINISH", "LENGTH"),
    "llama": Family(llama_response, llama_chunk, "stop", "stop", "length"),
    "mistral": Family(mistral_response, mistral_chunk, "stop", "stop", "length"),
    "mistral-chat": Family(chat_response, chat_chunk, "stop", "stop", "length"),
    "deepseek": Family(deepseek_response, deepseek_chunk, "stop", "stop", "length"),
}


class Case(NamedTuple):
    family: str
    model_id: str
    body: dict[str, Any]
    region: str = REGION
    max_tokens: int | None = None  # set when the body's maximum cuts the reply short


def chat(text: str, **extra: Any) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}], **extra}


CASES = [
    pytest.param(
        Case(
            "titan-text",
            TITAN,
            {"inputText": f"User: {QUESTION}\nBot:", "textGenerationConfig": {"temperature": 0.2}},
        ),
        id="titan",
    ),
    pytest.param(
        Case(
            "titan-text",
            TITAN_PREMIER,
            {"inputText": QUESTION, "textGenerationConfig": {"maxTokenCount": 5}},
            max_tokens=5,
        ),
        id="titan-premier-cut",
    ),
    pytest.param(
        Case("llama", LLAMA3, {"prompt": LLAMA_PROMPT, "temperature": 0.5, "top_p": 0.9}),
        id="llama3",
    ),
    pytest.param(
        Case(
            "llama",
            LLAMA32,
            {"prompt": LLAMA_PROMPT, "images": [PNG], "max_gen_len": 5},
            max_tokens=5,
        ),
        id="llama3.2-vision-cut",
    ),
    pytest.param(
        Case("mistral", MISTRAL_7B, {"prompt": f"<s>[INST] {QUESTION} [/INST]", "top_k": 50}),
        id="mistral-7b",
    ),
    pytest.param(
        Case(
            "mistral",
            MISTRAL_LARGE,
            {"prompt": QUESTION, "stop": ["###"], "max_tokens": 5},
            max_tokens=5,
        ),
        id="mistral-large-2402-cut",
    ),
    pytest.param(
        Case("mistral-chat", PIXTRAL, chat(QUESTION, max_tokens=300, top_p=0.9)), id="pixtral"
    ),
    pytest.param(
        Case(
            "mistral-chat",
            MISTRAL_LARGE_2,
            chat(QUESTION, max_tokens=5),
            region="us-west-2",
            max_tokens=5,
        ),
        id="mistral-large-2407-cut",
    ),
    pytest.param(
        Case("deepseek", DEEPSEEK, {"prompt": DEEPSEEK_PROMPT, "stop": ["###"]}), id="deepseek"
    ),
    pytest.param(
        Case("deepseek", DEEPSEEK, {"prompt": QUESTION, "max_tokens": 5}, max_tokens=5),
        id="deepseek-cut",
    ),
]


def invoke(runtime: Any, model_id: str, body: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    response = runtime.invoke_model(modelId=model_id, body=json.dumps(body))
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert response["contentType"] == "application/json"
    return json.loads(response["body"].read()), headers


def stream(runtime: Any, model_id: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = runtime.invoke_model_with_response_stream(modelId=model_id, body=json.dumps(body))
    return [json.loads(event["chunk"]["bytes"]) for event in response["body"]]


def header_counts(headers: dict[str, str]) -> tuple[int, int]:
    return (
        int(headers["x-amzn-bedrock-input-token-count"]),
        int(headers["x-amzn-bedrock-output-token-count"]),
    )


@pytest.mark.parametrize("case", CASES)
def test_response_stream_and_count_tokens_agree(aws: Aws, case: Case) -> None:
    runtime = aws.client("bedrock-runtime", region=case.region)
    family = FAMILIES[case.family]
    whole, headers = invoke(runtime, case.model_id, case.body)
    native = family.response(whole)
    counts = header_counts(headers)

    # The response: documented shape, an answer to the question (or as much as the maximum
    # allows), counts as in the headers.
    if case.max_tokens is None:
        stops = family.finished, family.stream_finished
        assert "volcanoes" in native.text and counts[1] > 0
    else:
        stops = family.cut, family.cut
        assert counts[1] == case.max_tokens
    assert native.stop == stops[0]
    if native.input_tokens is not None:
        assert (native.input_tokens, native.output_tokens) == counts

    # The stream: the same text in pieces; the last chunk stops and carries the metrics.
    chunks = stream(runtime, case.model_id, case.body)
    decoded = [family.chunk(chunk) for chunk in chunks]
    assert len(chunks) > 2
    assert "".join(text for text, _ in decoded) == native.text
    assert [stop for _, stop in decoded] == [None] * (len(chunks) - 1) + [stops[1]]
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert (metrics["inputTokenCount"], metrics["outputTokenCount"]) == counts
    assert metrics["invocationLatency"] >= metrics["firstByteLatency"] > 0
    assert all("amazon-bedrock-invocationMetrics" not in c for c in chunks[:-1])

    # CountTokens on the same body agrees with the input-token header.
    request = {"invokeModel": {"body": json.dumps(case.body)}}
    # CountTokens takes the foundation-model id and refuses a profile id (pydantic/pydantic-ai
    # tests/models/cassettes/test_bedrock/test_bedrock_inference_profile_count_tokens.yaml).
    counted = runtime.count_tokens(modelId=foundation_id(case.model_id), input=request)
    assert counted["inputTokens"] == counts[0]


def test_stream_counts_follow_each_familys_conventions(runtime: Any) -> None:
    titan = stream(runtime, TITAN, {"inputText": QUESTION})
    assert titan[0]["inputTextTokenCount"] > 0
    assert all(c["inputTextTokenCount"] is None for c in titan[1:])
    assert all(c["totalOutputTextTokenCount"] is None for c in titan[:-1])
    assert (
        titan[-1]["totalOutputTextTokenCount"]
        == titan[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"]
    )

    chunks = stream(runtime, LLAMA3, {"prompt": LLAMA_PROMPT})
    assert chunks[0]["prompt_token_count"] > 0
    assert all(c["prompt_token_count"] is None for c in chunks[1:])
    running = [c["generation_token_count"] for c in chunks]
    assert running == sorted(running) and running[0] == 1
    assert chunks[-1]["generation"] == ""
    assert running[-1] == chunks[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"]


# -- Sampling settings and templates ------------------------------------------------------

# (family, model, prompt key, the question in the family's template, a multi-turn prompt)
TEMPLATES = [
    pytest.param(
        "titan-text",
        TITAN,
        "inputText",
        f"User: {QUESTION}\nBot:",
        f"Answer briefly.\nUser: Hello\nBot: Hi, how can I help?\nUser: {QUESTION}\nBot:",
        id="titan",
    ),
    pytest.param(
        "llama",
        LLAMA31,
        "prompt",
        LLAMA_PROMPT,
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe concise.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHi, how can I help?<|eot_id|>"
        + LLAMA_PROMPT.removeprefix("<|begin_of_text|>"),
        id="llama",
    ),
    pytest.param(
        "mistral",
        MIXTRAL,
        "prompt",
        f"<s>[INST] {QUESTION} [/INST]",
        f"<s>[INST] Hello [/INST] Hi, how can I help?</s>[INST] {QUESTION} [/INST]",
        id="mistral",
    ),
    pytest.param(
        "deepseek",
        DEEPSEEK,
        "prompt",
        DEEPSEEK_PROMPT,
        "<｜begin▁of▁sentence｜>Be concise.<｜User｜>Hello<｜Assistant｜><think>hm</think>"
        f"Hi, how can I help?<｜end▁of▁sentence｜><｜User｜>{QUESTION}<｜Assistant｜><think>\n",
        id="deepseek",
    ),
]
TEMPLATE_WORDS = {"header", "begin", "inst", "user", "bot", "assistant", "think", "eot"}
#: Families whose text-completion prompt may come without the model's chat template.
BARE = {"llama", "mistral"}


@pytest.mark.parametrize(("family", "model_id", "key", "single", "multi"), TEMPLATES)
def test_template_markers_never_reach_the_responder(
    runtime: Any, family: str, model_id: str, key: str, single: str, multi: str
) -> None:
    decode = FAMILIES[family].response
    bare, bare_headers = invoke(runtime, model_id, {key: QUESTION})
    templated, templated_headers = invoke(runtime, model_id, {key: single})
    # With the markers gone the responder sees the bare question: the same reply.
    assert decode(templated)._replace(input_tokens=0) == decode(bare)._replace(input_tokens=0)
    assert header_counts(templated_headers)[1] == header_counts(bare_headers)[1]
    # The template's own tokens count, and a Llama or Mistral prompt sent without one counts
    # only itself (Arize-ai/openinference js/packages/openinference-instrumentation-bedrock/
    # test/recordings/should-handle-meta-llama-models-invoke.json: 6 for a 6-token prompt).
    templated_in, bare_in = header_counts(templated_headers)[0], header_counts(bare_headers)[0]
    assert templated_in == bare_in + (framing_for(family).request if family in BARE else 0)

    # In a conversation, the reply's opening names the last question's topic.
    opening = decode(invoke(runtime, model_id, {key: multi})[0]).text.split(".")[0]
    words = set(re.findall(r"[a-z]+", opening.lower()))
    assert "volcanoes" in words and not words & TEMPLATE_WORDS


def test_llama_4_answers_its_template_and_streams(runtime: Any) -> None:
    body, _ = invoke(runtime, LLAMA4, {"prompt": LLAMA4_PROMPT})
    bare, _ = invoke(runtime, LLAMA4, {"prompt": QUESTION})
    # The same reply; the bare prompt lacks the template's tokens (see above).
    assert llama_response(body)._replace(input_tokens=0) == llama_response(bare)._replace(
        input_tokens=0
    )
    assert body["prompt_token_count"] == bare["prompt_token_count"] + framing_for("llama").request
    # Llama 4 streams; only tools in a stream are refused (earendil-works/pi#3739 and
    # vercel-labs/fx#900 quote that refusal for Maverick and Scout).
    chunks = stream(runtime, LLAMA4, {"prompt": LLAMA4_PROMPT})
    assert "".join(c["generation"] for c in chunks) == body["generation"]


def test_mistral_chat_accepts_a_tool_conversation(runtime: Any) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather for a city",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]
    messages = [
        {"role": "system", "content": "You answer weather questions."},
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "abc123def",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "abc123def", "content": "Sunny, 21 C"},
    ]
    _, plain_headers = invoke(runtime, PIXTRAL, {"messages": messages[:2]})
    body, headers = invoke(
        runtime, PIXTRAL, {"messages": messages, "tools": tools, "tool_choice": "auto"}
    )
    assert chat_response(body).stop == "stop"
    assert header_counts(headers)[0] > header_counts(plain_headers)[0]
    image = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
    content = [{"type": "text", "text": "What is this?"}, image]
    body, _ = invoke(runtime, PIXTRAL, {"messages": [{"role": "user", "content": content}]})
    assert chat_response(body).text


# -- Replies the default responder never gives: tool calls and stop sequences ------------


@pytest.fixture
def canned() -> Iterator[Callable[[Reply], None]]:
    """Answer every call with a fixed reply (in-process: a server's responder is fixed)."""
    with mock_bedrock():
        backend = bedrockruntime_backends[DEFAULT_ACCOUNT_ID][REGION]

        def use(reply: Reply) -> None:
            backend.responder = lambda invocation: reply

        yield use


def test_mistral_chat_renders_tool_calls(canned: Callable[[Reply], None]) -> None:
    tool_use = {
        "toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Paris"}}
    }
    canned(Reply([{"text": "Let me check."}, tool_use], "tool_use"))
    runtime = boto3.client("bedrock-runtime", region_name=REGION)
    body = chat(
        "Weather in Paris?", tools=[{"type": "function", "function": {"name": "get_weather"}}]
    )

    response, _ = invoke(runtime, PIXTRAL, body)
    assert chat_response(response)[:2] == ("Let me check.", "tool_calls")
    calls = [
        {"id": "tooluse_1", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
    ]
    assert response["choices"][0]["message"]["tool_calls"] == calls
    chunks = stream(runtime, PIXTRAL, body)
    assert "".join(chat_chunk(c)[0] for c in chunks) == "Let me check."
    closing = chunks[-1]["choices"][0]
    assert closing["stop_reason"] == "tool_calls" and closing["message"]["tool_calls"] == calls
    assert all("tool_calls" not in c["choices"][0]["message"] for c in chunks[:-1])


STOPPED = [
    pytest.param(
        "titan-text",
        TITAN,
        {"inputText": "Hi", "textGenerationConfig": {"stopSequences": ["User:"]}},
        "STOP_CRITERIA_MET",
        id="titan",
    ),
    pytest.param("mistral", MISTRAL_7B, {"prompt": "Hi", "stop": ["User:"]}, "stop", id="mistral"),
    pytest.param("deepseek", DEEPSEEK, {"prompt": "Hi", "stop": ["User:"]}, "stop", id="deepseek"),
]


@pytest.mark.parametrize(("family", "model_id", "body", "stop"), STOPPED)
def test_a_stop_sequence_ends_the_reply(
    canned: Callable[[Reply], None], family: str, model_id: str, body: dict[str, Any], stop: str
) -> None:
    canned(Reply([{"text": "Hello there.\nUser: and more"}]))
    runtime = boto3.client("bedrock-runtime", region_name=REGION)
    native = FAMILIES[family].response(invoke(runtime, model_id, body)[0])
    assert native[:2] == ("Hello there.\n", stop)
    decoded = [FAMILIES[family].chunk(c) for c in stream(runtime, model_id, body)]
    assert "".join(text for text, _ in decoded) == native.text and decoded[-1][1] == stop


# -- Defaults applied when the body sets no maximum ---------------------------------------


def catalog_model(model_id: str) -> FoundationModel:
    model = load_catalog().get(model_id.removeprefix("us."))
    assert model is not None
    return model


@pytest.mark.parametrize(
    ("codec", "model_id", "body", "expected"),
    [
        pytest.param(titan_text, TITAN, {"inputText": "x"}, 512, id="titan"),
        pytest.param(llama, LLAMA3, {"prompt": "x"}, 512, id="llama"),
        pytest.param(mistral, MISTRAL_7B, {"prompt": "x"}, 512, id="mistral-7b"),
        pytest.param(mistral, MIXTRAL, {"prompt": "x"}, 512, id="mixtral"),
        pytest.param(mistral, MISTRAL_LARGE, {"prompt": "x"}, 8192, id="mistral-large"),
        pytest.param(mistral, MISTRAL_SMALL, {"prompt": "x"}, 8192, id="mistral-small"),
        pytest.param(mistral_chat, PIXTRAL, chat("x"), 8192, id="pixtral"),
        pytest.param(deepseek, DEEPSEEK, {"prompt": "x"}, 8192, id="deepseek"),
    ],
)
def test_max_tokens_defaults_to_the_documented_value(
    codec: Any, model_id: str, body: dict[str, Any], expected: int
) -> None:
    assert codec.parse_request(body, catalog_model(model_id)).inference_config == {
        "maxTokens": expected
    }


def test_llama_images_join_the_last_user_turn() -> None:
    request = llama.parse_request({"prompt": LLAMA_PROMPT, "images": [PNG]}, catalog_model(LLAMA32))
    [message] = request.messages
    image = {"format": "png", "source": {"bytes": base64.b64decode(PNG)}}
    assert message == {"role": "user", "content": [{"image": image}, {"text": QUESTION}]}


def test_sampling_settings_become_the_inference_config() -> None:
    settings = {"maxTokenCount": 9, "temperature": 0.1, "topP": 0.5, "stopSequences": ["|"]}
    body = {"inputText": "x", "textGenerationConfig": settings}
    request = titan_text.parse_request(body, catalog_model(TITAN))
    assert request.inference_config == {
        "maxTokens": 9,
        "temperature": 0.1,
        "topP": 0.5,
        "stopSequences": ["|"],
    }
    body = {"prompt": "x", "max_gen_len": 7, "top_p": 0.3, "temperature": 0}
    request = llama.parse_request(body, catalog_model(LLAMA3))
    assert request.inference_config == {"maxTokens": 7, "temperature": 0, "topP": 0.3}


# -- Malformed bodies ---------------------------------------------------------------------

ELEVEN = [str(n) for n in range(11)]
MALFORMED = {
    "titan-text": [
        (TITAN, {}, "#: required key [inputText] not found"),
        (TITAN, {"inputText": "x", "prompt": "x"}, "#: extraneous key [prompt] is not permitted"),
        (TITAN, {"inputText": 5}, "expected type: String, found: Integer"),
        (TITAN, {"inputText": "x" * 42001}, "expected maxLength: 42000, actual: 42001"),
        (
            TITAN,
            {"inputText": "x", "textGenerationConfig": {"maxTokens": 5}},
            "extraneous key [maxTokens] is not permitted",
        ),
        (
            TITAN,
            {"inputText": "x", "textGenerationConfig": {"maxTokenCount": 8193}},
            "8193 is not less or equal to 8192",
        ),
        (
            TITAN_LITE,
            {"inputText": "x", "textGenerationConfig": {"maxTokenCount": 4097}},
            "4097 is not less or equal to 4096",
        ),
        (
            TITAN_PREMIER,
            # Premier's limit is 3,000 as Bedrock quotes it (generative-ai-use-cases#594).
            {"inputText": "x", "textGenerationConfig": {"maxTokenCount": 3001}},
            "3001 is not less or equal to 3000",
        ),
        (
            TITAN,
            {"inputText": "x", "textGenerationConfig": {"maxTokenCount": "5"}},
            "expected type: Integer, found: String",
        ),
        (
            TITAN,
            {"inputText": "x", "textGenerationConfig": {"temperature": 1.5}},
            "1.5 is not less or equal to 1",
        ),
        (
            TITAN,
            {"inputText": "x", "textGenerationConfig": {"topP": -0.1}},
            "-0.1 is not greater or equal to 0",
        ),
        (
            TITAN,
            {"inputText": "x", "textGenerationConfig": {"stopSequences": ["|", "User:"]}},
            "expected maximum item count: 1, found: 2",
        ),
        (
            TITAN,
            {"inputText": "x", "textGenerationConfig": {"stopSequences": ["Human:"]}},
            r"string [Human:] does not match pattern ^(\|+|User:)$",
        ),
    ],
    "llama": [
        (LLAMA3, {}, "#: required key [prompt] not found"),
        (
            LLAMA3,
            {"prompt": "x", "max_tokens": 5},
            "#: extraneous key [max_tokens] is not permitted",
        ),
        (LLAMA3, {"prompt": "x", "images": [PNG]}, "#: extraneous key [images] is not permitted"),
        (LLAMA3, {"prompt": ["x"]}, "#/prompt: expected type: String, found: JSONArray"),
        (
            LLAMA3,
            {"prompt": "x", "max_gen_len": "10"},
            "#/max_gen_len: expected type: Integer, found: String",
        ),
        (
            LLAMA3,
            {"prompt": "x", "max_gen_len": 0},
            "#/max_gen_len: 0 is not greater or equal to 1",
        ),
        (
            LLAMA3,
            {"prompt": "x", "max_gen_len": 2049},
            "#/max_gen_len: 2049 is not less or equal to 2048",
        ),
        (
            LLAMA3,
            {"prompt": "x", "temperature": 1.5},
            "#/temperature: 1.5 is not less or equal to 1",
        ),
        (LLAMA3, {"prompt": "x", "top_p": -1}, "#/top_p: -1 is not greater or equal to 0"),
        (LLAMA32, {"prompt": "x", "images": ["not base64!"]}, "#/images/0: expected base64 data"),
    ],
    "mistral": [
        (
            MISTRAL_7B,
            {"messages": []},
            "#: required key [prompt] not found#: extraneous key [messages] is not permitted",
        ),
        (
            MISTRAL_7B,
            {"prompt": "x", "stop_sequences": []},
            "#: extraneous key [stop_sequences] is not permitted",
        ),
        (
            MISTRAL_7B,
            {"prompt": "x", "max_tokens": 0},
            "#/max_tokens: 0 is not greater or equal to 1",
        ),
        (
            MIXTRAL,
            {"prompt": "x", "max_tokens": 4097},
            "#/max_tokens: 4097 is not less or equal to 4096",
        ),
        (
            MISTRAL_7B,
            {"prompt": "x", "max_tokens": 1.5},
            "#/max_tokens: expected type: Integer, found: BigDecimal",
        ),
        (
            MISTRAL_7B,
            {"prompt": "x", "stop": "###"},
            "#/stop: expected type: JSONArray, found: String",
        ),
        (
            MISTRAL_7B,
            {"prompt": "x", "stop": ELEVEN},
            "#/stop: expected maximum item count: 10, found: 11",
        ),
        (
            MISTRAL_7B,
            {"prompt": "x", "temperature": 2},
            "#/temperature: 2 is not less or equal to 1",
        ),
        (MISTRAL_7B, {"prompt": "x", "top_p": 1.01}, "#/top_p: 1.01 is not less or equal to 1"),
        (MISTRAL_7B, {"prompt": "x", "top_k": 201}, "#/top_k: 201 is not less or equal to 200"),
    ],
    "mistral-chat": [
        (PIXTRAL, {}, "#: required key [messages] not found"),
        (PIXTRAL, {**chat("x"), "stop": ["x"]}, "#: extraneous key [stop] is not permitted"),
        (PIXTRAL, {"messages": "x"}, "#/messages: expected type: JSONArray, found: String"),
        (PIXTRAL, {"messages": [{"content": "x"}]}, "#/messages/0: required key [role] not found"),
        (
            PIXTRAL,
            {"messages": [{"role": "bot", "content": "x"}]},
            "#/messages/0/role: bot is not a valid enum value",
        ),
        (
            PIXTRAL,
            {"messages": [{"role": "tool", "content": "x"}]},
            "#/messages/0: required key [tool_call_id] not found",
        ),
        (
            PIXTRAL,
            chat("x", tool_choice="required"),
            "#/tool_choice: required is not a valid enum value",
        ),
        (
            PIXTRAL,
            chat("x", tools=[{"type": "function"}]),
            "#/tools/0: required key [function] not found",
        ),
        (PIXTRAL, chat("x", max_tokens=16385), "#/max_tokens: 16385 is not less or equal to 16384"),
        (PIXTRAL, chat("x", temperature=-0.5), "#/temperature: -0.5 is not greater or equal to 0"),
    ],
    "deepseek": [
        (DEEPSEEK, {}, "#: required key [prompt] not found"),
        (DEEPSEEK, {"prompt": "x", "top_k": 5}, "#: extraneous key [top_k] is not permitted"),
        (
            DEEPSEEK,
            {"prompt": "x", "max_tokens": 0},
            "#/max_tokens: 0 is not greater or equal to 1",
        ),
        (
            DEEPSEEK,
            {"prompt": "x", "max_tokens": 32769},
            "#/max_tokens: 32769 is not less or equal to 32768",
        ),
        (
            DEEPSEEK,
            {"prompt": "x", "temperature": 1.1},
            "#/temperature: 1.1 is not less or equal to 1",
        ),
        (DEEPSEEK, {"prompt": "x", "top_p": 1.5}, "#/top_p: 1.5 is not less or equal to 1"),
        (
            DEEPSEEK,
            {"prompt": "x", "stop": ELEVEN},
            "#/stop: expected maximum item count: 10, found: 11",
        ),
    ],
}


@pytest.mark.parametrize("family", MALFORMED)
def test_malformed_bodies_are_rejected_with_the_schema_text(runtime: Any, family: str) -> None:
    # One table per family (each entry a documented required key or limit), run in one test
    # to keep the file fast; every mismatch is reported.
    wrong = []
    for model_id, body, detail in MALFORMED[family]:
        expected = f"Malformed input request: {detail}, please reformat your input and try again."
        for call in (runtime.invoke_model, runtime.invoke_model_with_response_stream):
            with pytest.raises(ClientError) as excinfo:
                call(modelId=model_id, body=json.dumps(body))
            error = excinfo.value.response["Error"]
            if (error["Code"], error["Message"]) != ("ValidationException", expected):
                wrong.append((model_id, body, error["Code"], error["Message"]))
    assert wrong == []
