"""Per-model latency: the same figures on every surface, and waits on the behaviour clock."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from moto_bedrock.behaviour.control import ConfigError
from moto_bedrock.behaviour.latency import LatencyPlan
from moto_bedrock.wire.streaming import StreamSettings
from tests.conftest import HAIKU, Aws, user

NOVA = "amazon.nova-micro-v1:0"
PROMPT = "Tell me about owls"


def anthropic_body(max_tokens: int = 12) -> str:
    return json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": max_tokens,
            "messages": [{"role": "user", "content": PROMPT}],
        }
    )


def converse(runtime: Any, model: str = HAIKU, max_tokens: int = 12) -> dict[str, Any]:
    return runtime.converse(  # type: ignore[no-any-return]
        modelId=model, messages=[user(PROMPT)], inferenceConfig={"maxTokens": max_tokens}
    )


def surfaces(runtime: Any, model: str) -> dict[str, tuple[int, int]]:
    """(latency, output tokens) as each operation reports them for one call."""
    found: dict[str, tuple[int, int]] = {}
    response = converse(runtime, model)
    found["Converse"] = (response["metrics"]["latencyMs"], response["usage"]["outputTokens"])
    events = list(
        runtime.converse_stream(
            modelId=model, messages=[user(PROMPT)], inferenceConfig={"maxTokens": 12}
        )["stream"]
    )
    metadata = events[-1]["metadata"]
    found["ConverseStream"] = (metadata["metrics"]["latencyMs"], metadata["usage"]["outputTokens"])
    if model == HAIKU:
        headers = runtime.invoke_model(modelId=model, body=anthropic_body())["ResponseMetadata"][
            "HTTPHeaders"
        ]
        found["InvokeModel"] = (
            int(headers["x-amzn-bedrock-invocation-latency"]),
            int(headers["x-amzn-bedrock-output-token-count"]),
        )
        chunks = list(
            runtime.invoke_model_with_response_stream(modelId=model, body=anthropic_body())["body"]
        )
        metrics = json.loads(chunks[-1]["chunk"]["bytes"])["amazon-bedrock-invocationMetrics"]
        found["InvokeModelWithResponseStream"] = (
            metrics["invocationLatency"],
            metrics["outputTokenCount"],
        )
        found["firstByteLatency"] = (metrics["firstByteLatency"], 0)
    return found


def test_a_models_latency_shows_on_every_surface_and_others_keep_the_default(
    aws: Aws, runtime: Any
) -> None:
    before = surfaces(runtime, NOVA)
    controls = aws.controls()
    entry = controls.set_latency(
        model=HAIKU, time_to_first_token_ms=200, tokens_per_second=50, sleep=False
    )
    assert entry == {
        "model": HAIKU,
        "time_to_first_token_ms": 200,
        "tokens_per_second": 50,
        "sleep": False,
    }

    haiku = surfaces(runtime, HAIKU)
    assert haiku.pop("firstByteLatency") == (200, 0)
    assert len(haiku) == 4
    for operation, (latency, output_tokens) in haiku.items():
        assert output_tokens == 12, operation
        assert latency == 200 + output_tokens * 1000 // 50, operation  # 440 ms
    assert surfaces(runtime, NOVA) == before
    assert before["Converse"][0] != 440


def test_a_per_model_entry_wins_over_the_catch_all_whatever_the_order(
    aws: Aws, runtime: Any
) -> None:
    controls = aws.controls()
    controls.set_latency(time_to_first_token_ms=100, tokens_per_second=100, sleep=False)
    controls.set_latency(model="anthropic.*", time_to_first_token_ms=300, sleep=False)

    # The per-model entry sets no rate, so the catch-all's does not apply either: the rate
    # comes from the stream settings, which have none.
    assert converse(runtime, HAIKU)["metrics"]["latencyMs"] == 300
    assert converse(runtime, f"us.{HAIKU}")["metrics"]["latencyMs"] == 300
    assert converse(runtime, NOVA)["metrics"]["latencyMs"] == 100 + 12 * 10
    assert controls.get_latency() == {
        "latency": [
            {"time_to_first_token_ms": 100, "tokens_per_second": 100, "sleep": False},
            {"model": "anthropic.*", "time_to_first_token_ms": 300, "sleep": False},
        ]
    }


def test_what_an_entry_leaves_out_comes_from_the_stream_settings(aws: Aws, runtime: Any) -> None:
    controls = aws.controls()
    controls.configure_streaming(tokens_per_second=20, sleep=False)
    controls.set_latency(model="re:haiku", time_to_first_token_ms=50)
    assert converse(runtime, HAIKU)["metrics"]["latencyMs"] == 50 + 12 * 1000 // 20
    assert converse(runtime, NOVA)["metrics"]["latencyMs"] == 12 * 1000 // 20


def test_the_manual_clock_advances_by_the_latency_instead_of_sleeping(
    aws: Aws, runtime: Any
) -> None:
    controls = aws.controls()
    controls.configure_clock(manual=True, now=0)
    controls.set_latency(model=HAIKU, time_to_first_token_ms=1500, tokens_per_second=10)

    started = time.monotonic()
    response = converse(runtime)
    elapsed = time.monotonic() - started

    latency = response["metrics"]["latencyMs"]
    assert latency == 1500 + 12 * 100
    assert controls.get_clock() == {"manual": True, "now": pytest.approx(latency / 1000)}
    assert elapsed < latency / 1000  # 2.7 s simulated, no real wait

    converse(runtime, NOVA)  # no timing for it: the clock stays put
    assert controls.get_clock()["now"] == pytest.approx(latency / 1000)


def test_sleep_false_reports_the_latency_without_waiting(aws: Aws, runtime: Any) -> None:
    aws.controls().set_latency(
        model=HAIKU, time_to_first_token_ms=5000, tokens_per_second=1, sleep=False
    )
    started = time.monotonic()
    events = list(runtime.converse_stream(modelId=HAIKU, messages=[user(PROMPT)])["stream"])
    assert time.monotonic() - started < 5
    usage = events[-1]["metadata"]["usage"]
    assert events[-1]["metadata"]["metrics"]["latencyMs"] == 5000 + usage["outputTokens"] * 1000


def test_a_real_time_to_first_token_delays_the_first_delta(aws: Aws, runtime: Any) -> None:
    # One short real wait per mode: the server must hold the first delta back too.
    # messageStart goes out at once; the time to first token is the wait for text.
    aws.controls().set_latency(model=HAIKU, time_to_first_token_ms=150)
    started = time.monotonic()
    stream = runtime.converse_stream(
        modelId=HAIKU, messages=[user(PROMPT)], inferenceConfig={"maxTokens": 3}
    )["stream"]
    events = iter(stream)
    assert next(events) == {"messageStart": {"role": "assistant"}}
    first_delta = next(events)
    waited = time.monotonic() - started
    rest = list(events)

    assert "contentBlockDelta" in first_delta
    assert waited >= 0.15
    assert rest[-1]["metadata"]["metrics"]["latencyMs"] == 150


def test_setting_a_pattern_again_replaces_it_and_clearing_restores_defaults(
    aws: Aws, runtime: Any
) -> None:
    controls = aws.controls()
    default = converse(runtime)["metrics"]["latencyMs"]
    controls.set_latency(model=HAIKU, time_to_first_token_ms=999, sleep=False)
    controls.set_latency(model=HAIKU, time_to_first_token_ms=10, sleep=False)
    assert controls.get_latency() == {
        "latency": [{"model": HAIKU, "time_to_first_token_ms": 10, "sleep": False}]
    }
    assert converse(runtime)["metrics"]["latencyMs"] == 10
    assert controls.clear_latency() == {}
    assert controls.get_latency() == {"latency": []}
    assert converse(runtime)["metrics"]["latencyMs"] == default


BAD_LATENCY = [
    (
        {"model": HAIKU},
        "a latency entry needs at least one of time_to_first_token_ms, tokens_per_second, sleep",
    ),
    (
        {"time_to_first_token_ms": -1},
        "time_to_first_token_ms must be an integer of 0 or more; got -1",
    ),
    (
        {"time_to_first_token_ms": 1.5},
        "time_to_first_token_ms must be an integer of 0 or more; got 1.5",
    ),
    ({"tokens_per_second": 0}, "tokens_per_second must be a number more than 0; got 0"),
    ({"tokens_per_second": "fast"}, "tokens_per_second must be a number more than 0; got 'fast'"),
    ({"sleep": "no"}, "sleep must be true or false; got 'no'"),
    ({"model": "", "sleep": False}, "model must be a non-empty string; got ''"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_LATENCY, ids=range(len(BAD_LATENCY)))
def test_a_bad_latency_entry_is_refused_with_a_message(
    aws: Aws, kwargs: dict[str, Any], message: str
) -> None:
    controls = aws.controls()
    with pytest.raises(ConfigError) as caught:
        controls.set_latency(**kwargs)
    assert str(caught.value) == message
    assert controls.get_latency() == {"latency": []}


# -- the config-file section -------------------------------------------------------------

CONFIG = [
    {"model": "anthropic.*", "time_to_first_token_ms": 400, "tokens_per_second": 80},
    {"model": "re:nova", "tokens_per_second": 150.5, "sleep": False},
    {"time_to_first_token_ms": 100},
]


def test_latency_config_round_trips() -> None:
    plan = LatencyPlan()
    plan.load_config(CONFIG)
    assert plan.to_config() == CONFIG
    again = LatencyPlan()
    again.load_config(plan.to_config())
    assert again.to_config() == CONFIG


def test_loaded_latency_applies_by_model() -> None:
    plan = LatencyPlan()
    plan.load_config(CONFIG)
    base = StreamSettings(chunking="word", tokens_per_second=5)
    assert plan.settings_for(HAIKU, f"us.{HAIKU}", base) == StreamSettings(
        chunking="word", time_to_first_token_ms=400, tokens_per_second=80
    )
    assert plan.settings_for(NOVA, NOVA, base) == StreamSettings(
        chunking="word", tokens_per_second=150.5, sleep=False
    )
    assert plan.settings_for("meta.llama3-8b-instruct-v1:0", "x", base) == StreamSettings(
        chunking="word", time_to_first_token_ms=100, tokens_per_second=5
    )
    assert base == StreamSettings(chunking="word", tokens_per_second=5)  # not changed


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"time_to_first_token_ms": 1},
            "latency must be a list; got {'time_to_first_token_ms': 1}",
        ),
        ([3], "latency[0] must be a mapping; got 3"),
        (
            [{"ttft": 3}],
            "latency[0]: unknown keys ['ttft']; expected some of ['model', 'sleep', "
            "'time_to_first_token_ms', 'tokens_per_second']",
        ),
        (
            [{"model": "*"}],
            "latency[0] needs at least one of time_to_first_token_ms, tokens_per_second, sleep",
        ),
        (
            [{"model": "*", "tokens_per_second": -2}],
            "latency[0].tokens_per_second must be a number more than 0; got -2",
        ),
        (
            [{"sleep": False}, {"sleep": True}],
            "latency[1] repeats the entry for every model",
        ),
        (
            [{"model": "a*", "sleep": False}, {"model": "a*", "sleep": True}],
            "latency[1] repeats 'a*'",
        ),
    ],
    ids=[
        "not-a-list",
        "not-a-mapping",
        "unknown-key",
        "no-timing",
        "rate",
        "two-catch-alls",
        "repeat",
    ],
)
def test_a_bad_latency_config_names_the_problem_and_changes_nothing(
    config: Any, message: str
) -> None:
    plan = LatencyPlan()
    plan.load_config([{"sleep": False}])
    with pytest.raises(ConfigError) as caught:
        plan.load_config(config)
    assert str(caught.value) == message
    assert plan.to_config() == [{"sleep": False}]
