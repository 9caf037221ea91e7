"""Guardrails end to end with boto3, in-process and against the server.

Control plane (create, version, update, list, delete, tags, enforced configurations), then
ApplyGuardrail, Converse, ConverseStream, InvokeModel and its stream, and the test controls.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.generation.guardrails import FORCED_TOPIC
from tests.conftest import HAIKU, Aws, user

BLOCKED_IN = "Sorry, I can't help with that."
BLOCKED_OUT = "Sorry, the answer was withheld."
NOT_FOUND = "The guardrail identifier or version provided in the request does not exist."
INVESTING = {
    "name": "Investment advice",
    "definition": "Recommendations about investing money in stocks, bonds or funds.",
    "examples": ["Which stocks should I buy?"],
    "type": "DENY",
}


def create(control: Any, name: str = "support", **extra: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "name": name,
        "blockedInputMessaging": BLOCKED_IN,
        "blockedOutputsMessaging": BLOCKED_OUT,
        "topicPolicyConfig": {"topicsConfig": [INVESTING]},
        "sensitiveInformationPolicyConfig": {
            "piiEntitiesConfig": [
                {"type": "EMAIL", "action": "ANONYMIZE"},
                {"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"},
            ]
        },
        "wordPolicyConfig": {"managedWordListsConfig": [{"type": "PROFANITY"}]},
        **extra,
    }
    return control.create_guardrail(**settings)  # type: ignore[no-any-return]


def apply(runtime: Any, guardrail_id: str, text: str, **extra: Any) -> dict[str, Any]:
    response = runtime.apply_guardrail(
        guardrailIdentifier=guardrail_id,
        guardrailVersion=extra.pop("version", "DRAFT"),
        source=extra.pop("source", "INPUT"),
        content=[{"text": {"text": text}}],
        **extra,
    )
    response.pop("ResponseMetadata")
    return response  # type: ignore[no-any-return]


def error_of(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


# -- control plane ----------------------------------------------------------------------------


def test_a_created_guardrail_reads_back_in_get_form(control: Any) -> None:
    created = create(control, description="for support", tags=[{"key": "team", "value": "a"}])
    assert created["version"] == "DRAFT"
    assert created["guardrailArn"] == (
        f"arn:aws:bedrock:us-east-1:123456789012:guardrail/{created['guardrailId']}"
    )
    got = control.get_guardrail(guardrailIdentifier=created["guardrailArn"])
    assert got["status"] == "READY" and got["version"] == "DRAFT"
    assert got["topicPolicy"] == {"topics": [INVESTING]}
    assert got["wordPolicy"] == {"managedWordLists": [{"type": "PROFANITY"}]}
    assert got["blockedInputMessaging"] == BLOCKED_IN
    assert got["description"] == "for support"
    tags = control.list_tags_for_resource(resourceARN=created["guardrailArn"])["tags"]
    assert tags == [{"key": "team", "value": "a"}]


def test_versions_are_snapshots_that_draft_edits_do_not_change(control: Any) -> None:
    gid = create(control)["guardrailId"]
    assert control.create_guardrail_version(guardrailIdentifier=gid)["version"] == "1"
    control.update_guardrail(
        guardrailIdentifier=gid,
        name="support",
        blockedInputMessaging="Changed.",
        blockedOutputsMessaging=BLOCKED_OUT,
    )
    assert control.create_guardrail_version(guardrailIdentifier=gid)["version"] == "2"
    first = control.get_guardrail(guardrailIdentifier=gid, guardrailVersion="1")
    assert first["blockedInputMessaging"] == BLOCKED_IN and "topicPolicy" in first
    second = control.get_guardrail(guardrailIdentifier=gid, guardrailVersion="2")
    assert second["blockedInputMessaging"] == "Changed." and "topicPolicy" not in second
    listed = control.list_guardrails(guardrailIdentifier=gid)["guardrails"]
    assert [g["version"] for g in listed] == ["DRAFT", "1", "2"]


def test_deleting_a_version_keeps_the_numbering_and_deleting_all_removes_tags(
    control: Any,
) -> None:
    created = create(control, tags=[{"key": "k", "value": "v"}])
    gid = created["guardrailId"]
    control.create_guardrail_version(guardrailIdentifier=gid)
    control.delete_guardrail(guardrailIdentifier=gid, guardrailVersion="1")
    assert (
        error_of(lambda: control.get_guardrail(guardrailIdentifier=gid, guardrailVersion="1"))[0]
        == "ResourceNotFoundException"
    )
    assert control.create_guardrail_version(guardrailIdentifier=gid)["version"] == "2"
    control.delete_guardrail(guardrailIdentifier=gid)
    assert control.list_guardrails()["guardrails"] == []
    code, _ = error_of(lambda: control.get_guardrail(guardrailIdentifier=gid))
    assert code == "ResourceNotFoundException"
    code, _ = error_of(lambda: control.list_tags_for_resource(resourceARN=created["guardrailArn"]))
    assert code == "ResourceNotFoundException"


def test_tag_and_untag_a_guardrail(control: Any) -> None:
    arn = create(control)["guardrailArn"]
    control.tag_resource(
        resourceARN=arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    )
    control.untag_resource(resourceARN=arn, tagKeys=["a"])
    assert control.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "b", "value": "2"}]


def test_list_guardrails_paginates(control: Any) -> None:
    for index in range(3):
        create(control, name=f"g{index}")
    first = control.list_guardrails(maxResults=2)
    assert len(first["guardrails"]) == 2
    rest = control.list_guardrails(maxResults=2, nextToken=first["nextToken"])
    assert len(rest["guardrails"]) == 1 and "nextToken" not in rest
    names = {g["name"] for g in first["guardrails"] + rest["guardrails"]}
    assert names == {"g0", "g1", "g2"}


def test_control_plane_errors(control: Any) -> None:
    create(control)
    assert error_of(lambda: create(control))[0] == "ConflictException"
    code, message = error_of(lambda: create(control, name="bad name!"))
    assert code == "ValidationException"
    assert message == (
        "1 validation error detected: Value at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [0-9a-zA-Z-_]+"
    )
    unsafe = {"regexesConfig": [{"name": "r", "pattern": "(a+)+$", "action": "BLOCK"}]}
    code, message = error_of(
        lambda: create(control, name="other", sensitiveInformationPolicyConfig=unsafe)
    )
    assert code == "ValidationException" and "nested quantifiers" in message
    attack = {
        "filtersConfig": [
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "HIGH"}
        ]
    }
    assert error_of(lambda: create(control, name="x", contentPolicyConfig=attack))[0] == (
        "ValidationException"
    )
    assert error_of(lambda: control.get_guardrail(guardrailIdentifier="nosuchguardrail"))[0] == (
        "ResourceNotFoundException"
    )


# -- ApplyGuardrail --------------------------------------------------------------------------


def test_apply_guardrail_blocks_masks_and_passes(control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    blocked = apply(runtime, gid, "Which stocks should I buy?")
    assert blocked["action"] == "GUARDRAIL_INTERVENED"
    assert blocked["actionReason"] == "Guardrail blocked."
    assert blocked["outputs"] == [{"text": BLOCKED_IN}]
    (assessment,) = blocked["assessments"]
    assert assessment["topicPolicy"]["topics"] == [
        {"name": "Investment advice", "type": "DENY", "action": "BLOCKED", "detected": True}
    ]
    assert assessment["appliedGuardrailDetails"]["guardrailOrigin"] == ["REQUEST"]
    assert blocked["usage"]["topicPolicyUnits"] == 1

    masked = apply(runtime, gid, "Reach me at jane@example.com", source="OUTPUT")
    assert masked["action"] == "GUARDRAIL_INTERVENED"
    assert masked["outputs"] == [{"text": "Reach me at {EMAIL}"}]

    passed = apply(runtime, gid, "What a lovely day.")
    assert passed["action"] == "NONE" and passed["outputs"] == []
    assert passed["guardrailCoverage"] == {"textCharacters": {"guarded": 18, "total": 18}}


def test_apply_guardrail_full_scope_lists_what_was_not_detected(control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    response = apply(runtime, gid, "hello", outputScope="FULL")
    assert response["assessments"][0]["topicPolicy"]["topics"][0]["detected"] is False


def test_apply_guardrail_on_a_version_and_unknown_ones(control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    control.create_guardrail_version(guardrailIdentifier=gid)
    control.update_guardrail(
        guardrailIdentifier=gid,
        name="support",
        blockedInputMessaging=BLOCKED_IN,
        blockedOutputsMessaging=BLOCKED_OUT,
    )
    # The DRAFT lost its topic policy; version 1 still has it.
    assert apply(runtime, gid, "Which stocks should I buy?")["action"] == "NONE"
    assert apply(runtime, gid, "Which stocks should I buy?", version="1")["action"] == (
        "GUARDRAIL_INTERVENED"
    )
    assert error_of(lambda: apply(runtime, gid, "hi", version="9")) == (
        "ValidationException",
        NOT_FOUND,
    )
    assert error_of(lambda: apply(runtime, "nosuchguardrail", "hi")) == (
        "ValidationException",
        NOT_FOUND,
    )


# -- Converse / ConverseStream ------------------------------------------------------------


def converse(runtime: Any, gid: str, text: str, **config: Any) -> dict[str, Any]:
    return runtime.converse(  # type: ignore[no-any-return]
        modelId=HAIKU,
        messages=[user(text)],
        guardrailConfig={"guardrailIdentifier": gid, "guardrailVersion": "DRAFT", **config},
    )


def test_converse_answers_blocked_input_with_the_message_and_traces_it(
    control: Any, runtime: Any
) -> None:
    gid = create(control)["guardrailId"]
    response = converse(runtime, gid, "Which stocks should I buy?", trace="enabled")
    assert response["stopReason"] == "guardrail_intervened"
    assert response["output"]["message"]["content"] == [{"text": BLOCKED_IN}]
    assert response["usage"] == {"inputTokens": 0, "outputTokens": 0, "totalTokens": 0}
    trace = response["trace"]["guardrail"]
    assert trace["actionReason"] == "Guardrail blocked."
    assert trace["inputAssessment"][gid]["topicPolicy"]["topics"][0]["action"] == "BLOCKED"
    untraced = converse(runtime, gid, "Which stocks should I buy?")
    assert "trace" not in untraced


def test_converse_blocks_and_masks_the_output(aws: Aws, control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    controls = aws.controls()
    controls.enqueue_replies(replies=[{"text": "Your SSN is 123-45-6789."}])
    blocked = converse(runtime, gid, "What is my SSN?", trace="enabled_full")
    assert blocked["stopReason"] == "guardrail_intervened"
    assert blocked["output"]["message"]["content"] == [{"text": BLOCKED_OUT}]
    trace = blocked["trace"]["guardrail"]
    assert trace["modelOutput"] == ["Your SSN is 123-45-6789."]
    (assessment,) = trace["outputAssessments"][gid]
    assert assessment["sensitiveInformationPolicy"]["piiEntities"] == [
        {
            "match": "123-45-6789",
            "type": "US_SOCIAL_SECURITY_NUMBER",
            "action": "BLOCKED",
            "detected": True,
        }
    ]
    controls.enqueue_replies(replies=[{"text": "Write to help@example.com."}])
    masked = converse(runtime, gid, "Who do I write to?")
    assert masked["stopReason"] == "guardrail_intervened"
    assert masked["output"]["message"]["content"] == [{"text": "Write to {EMAIL}."}]


def test_masked_input_is_what_the_model_sees(aws: Aws, control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    aws.controls().add_rule(name="saw-mask", user_text="{EMAIL}", reply={"text": "Noted."})
    response = converse(runtime, gid, "Please write to jane@example.com", trace="enabled")
    assert response["output"]["message"]["content"] == [{"text": "Noted."}]
    assert response["stopReason"] == "end_turn"
    entities = response["trace"]["guardrail"]["inputAssessment"][gid]["sensitiveInformationPolicy"]
    assert entities["piiEntities"][0]["action"] == "ANONYMIZED"
    assert aws.controls().history().last["source"] == "rule:saw-mask"


def test_only_guard_content_blocks_are_checked_when_present(control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    messages = [
        {
            "role": "user",
            "content": [
                {"text": "Which stocks should I buy?"},
                {"guardContent": {"text": {"text": "Just say hello."}}},
            ],
        }
    ]
    response = runtime.converse(
        modelId=HAIKU,
        messages=messages,
        guardrailConfig={
            "guardrailIdentifier": gid,
            "guardrailVersion": "DRAFT",
            "trace": "enabled",
        },
    )
    checked = response["trace"]["guardrail"]["inputAssessment"][gid]
    assert "topicPolicy" not in checked
    coverage = checked["invocationMetrics"]["guardrailCoverage"]["textCharacters"]
    assert coverage == {"guarded": len("Just say hello."), "total": len("Just say hello.")}


def test_converse_with_an_unknown_guardrail_is_refused(runtime: Any) -> None:
    assert error_of(lambda: converse(runtime, "nosuchguardrail", "hi")) == (
        "ValidationException",
        NOT_FOUND,
    )


def stream_ssn_answer(aws: Aws, runtime: Any, gid: str, **config: Any) -> tuple[str, list[Any]]:
    """The streamed text and events of a guarded call whose reply holds an SSN."""
    aws.controls().enqueue_replies(replies=[{"text": "Your SSN is 123-45-6789."}])
    events = list(
        runtime.converse_stream(
            modelId=HAIKU,
            messages=[user("What is my SSN?")],
            guardrailConfig={"guardrailIdentifier": gid, "guardrailVersion": "DRAFT", **config},
        )["stream"]
    )
    text = "".join(
        e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e
    )
    return text, events


def test_converse_stream_sync_sends_the_blocked_message_and_the_trace_last(
    aws: Aws, control: Any, runtime: Any
) -> None:
    gid = create(control)["guardrailId"]
    text, events = stream_ssn_answer(aws, runtime, gid, trace="enabled")
    assert text == BLOCKED_OUT
    assert events[-2] == {"messageStop": {"stopReason": "guardrail_intervened"}}
    assert gid in events[-1]["metadata"]["trace"]["guardrail"]["outputAssessments"]


def test_converse_stream_async_streams_the_text_then_reports_the_intervention(
    aws: Aws, control: Any, runtime: Any
) -> None:
    gid = create(control)["guardrailId"]
    text, events = stream_ssn_answer(aws, runtime, gid, streamProcessingMode="async")
    assert text == "Your SSN is 123-45-6789."
    assert events[-2] == {"messageStop": {"stopReason": "guardrail_intervened"}}


# -- InvokeModel ---------------------------------------------------------------------------


def claude_body(text: str, **extra: Any) -> str:
    return json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 40,
            "messages": [{"role": "user", "content": text}],
            **extra,
        }
    )


def test_invoke_model_with_guardrail_headers(control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    response = runtime.invoke_model(
        modelId=HAIKU,
        body=claude_body("Which stocks should I buy?"),
        guardrailIdentifier=gid,
        guardrailVersion="DRAFT",
        trace="ENABLED",
    )
    body = json.loads(response["body"].read())
    assert body["content"] == [{"type": "text", "text": BLOCKED_IN}]
    assert body["amazon-bedrock-guardrailAction"] == "INTERVENED"
    assert gid in body["amazon-bedrock-trace"]["guardrail"]["input"]
    passed = runtime.invoke_model(
        modelId=HAIKU, body=claude_body("Hello"), guardrailIdentifier=gid, guardrailVersion="DRAFT"
    )
    passed_body = json.loads(passed["body"].read())
    assert passed_body["amazon-bedrock-guardrailAction"] == "NONE"
    assert "amazon-bedrock-trace" not in passed_body


def test_invoke_model_native_guardrail_config_rules(control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    tagged = claude_body(
        "Which stocks should I buy? <amazon-bedrock-guardrails-guardContent_xyz>Hello"
        "</amazon-bedrock-guardrails-guardContent_xyz>",
        **{"amazon-bedrock-guardrailConfig": {"tagSuffix": "xyz"}},
    )
    response = runtime.invoke_model(
        modelId=HAIKU, body=tagged, guardrailIdentifier=gid, guardrailVersion="DRAFT"
    )
    assert json.loads(response["body"].read())["amazon-bedrock-guardrailAction"] == "NONE"
    code, _ = error_of(lambda: runtime.invoke_model(modelId=HAIKU, body=tagged))
    assert code == "ValidationException"
    code, _ = error_of(
        lambda: runtime.invoke_model(modelId=HAIKU, body=claude_body("hi"), guardrailIdentifier=gid)
    )
    assert code == "ValidationException"
    assert error_of(
        lambda: runtime.invoke_model(
            modelId=HAIKU, body=claude_body("hi"), guardrailIdentifier=gid, guardrailVersion="4"
        )
    ) == ("ValidationException", NOT_FOUND)


def test_invoke_model_stream_puts_the_guardrail_action_in_the_last_chunk(
    control: Any, runtime: Any
) -> None:
    gid = create(control)["guardrailId"]
    response = runtime.invoke_model_with_response_stream(
        modelId=HAIKU,
        body=claude_body("Which stocks should I buy?"),
        guardrailIdentifier=gid,
        guardrailVersion="DRAFT",
    )
    chunks = [json.loads(e["chunk"]["bytes"]) for e in response["body"]]
    assert chunks[-1]["amazon-bedrock-guardrailAction"] == "INTERVENED"
    text = "".join(c["delta"].get("text", "") for c in chunks if c["type"] == "content_block_delta")
    assert text == BLOCKED_IN


# -- enforced configuration --------------------------------------------------------------------


def test_an_enforced_guardrail_applies_to_every_call(control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    control.create_guardrail_version(guardrailIdentifier=gid)
    put = control.put_enforced_guardrail_configuration(
        guardrailInferenceConfig={"guardrailIdentifier": gid, "guardrailVersion": "1"}
    )
    (listed,) = control.list_enforced_guardrails_configuration()["guardrailsConfig"]
    assert listed["configId"] == put["configId"] and listed["guardrailId"] == gid
    response = runtime.converse(modelId=HAIKU, messages=[user("Which stocks should I buy?")])
    assert response["stopReason"] == "guardrail_intervened"
    assert error_of(lambda: control.delete_guardrail(guardrailIdentifier=gid))[0] == (
        "ConflictException"
    )
    control.delete_enforced_guardrail_configuration(configId=put["configId"])
    response = runtime.converse(modelId=HAIKU, messages=[user("Which stocks should I buy?")])
    assert response["stopReason"] != "guardrail_intervened"


# -- test controls and history ---------------------------------------------------------------


def test_forcing_an_intervention_by_model_and_by_rule(aws: Aws, control: Any, runtime: Any) -> None:
    gid = create(control)["guardrailId"]
    controls = aws.controls()
    controls.force_guardrail(intervene=True, model="anthropic.*", source="INPUT", count=1)
    first = converse(runtime, gid, "Hello there", trace="enabled")
    assert first["output"]["message"]["content"] == [{"text": BLOCKED_IN}]
    topics = first["trace"]["guardrail"]["inputAssessment"][gid]["topicPolicy"]["topics"]
    assert topics[0]["name"] == FORCED_TOPIC
    assert converse(runtime, gid, "Hello there")["stopReason"] != "guardrail_intervened"

    controls.add_rule(name="risky", user_text="risky", reply={"text": "Fine."})
    controls.force_guardrail(intervene=True, rule="risky")
    assert converse(runtime, gid, "Hello there")["stopReason"] != "guardrail_intervened"
    blocked = converse(runtime, gid, "something risky")
    assert blocked["output"]["message"]["content"] == [{"text": BLOCKED_OUT}]
    assert controls.get_forced_guardrails()["guardrails"] == [
        {"intervene": True, "rule": "risky", "count": None}
    ]
    controls.clear_forced_guardrails()
    controls.force_guardrail(intervene=False)
    assert converse(runtime, gid, "Which stocks should I buy?")["stopReason"] != (
        "guardrail_intervened"
    )


def test_the_history_records_each_guardrail_action_and_findings(
    aws: Aws, control: Any, runtime: Any
) -> None:
    gid = create(control)["guardrailId"]
    converse(runtime, gid, "Which stocks should I buy?")
    apply(runtime, gid, "mail jane@example.com", source="OUTPUT")
    calls = aws.controls().get_call_history()["calls"]
    assert [c["operation"] for c in calls] == ["Converse", "ApplyGuardrail"]
    (check,) = calls[0]["guardrails"]
    assert check["guardrailId"] == gid and check["source"] == "INPUT"
    assert check["action"] == "GUARDRAIL_INTERVENED"
    assert check["findings"] == [
        {
            "policy": "topicPolicy.topics",
            "name": "Investment advice",
            "type": "DENY",
            "action": "BLOCKED",
            "detected": True,
        }
    ]
    assert calls[0]["stop_reason"] == "guardrail_intervened"
    assert calls[1]["guardrails"][0]["findings"][0]["type"] == "EMAIL"


def test_forced_guardrails_go_through_the_config_document(aws: Aws) -> None:
    controls = aws.controls()
    controls.load_config(config={"guardrails": [{"intervene": True, "source": "OUTPUT"}]})
    assert controls.get_config()["guardrails"] == [
        {"intervene": True, "source": "OUTPUT", "count": None}
    ]
    with pytest.raises(Exception, match="intervene must be true or false"):
        controls.load_config(config={"guardrails": [{"intervene": "yes"}]})
