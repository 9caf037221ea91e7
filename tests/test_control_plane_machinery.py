"""The machinery every control-plane resource family shares (``moto_bedrock.bedrock.common``)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core.models import DEFAULT_ACCOUNT_ID

from moto_bedrock import mock_bedrock
from moto_bedrock._moto import moto_random
from moto_bedrock.bedrock.common import (
    MAX_TAGS_PER_RESOURCE,
    InvalidNextToken,
    Lifecycle,
    Progress,
    ResourceNotFoundException,
    Scope,
    Store,
    TagStore,
    TooManyTagsException,
    new_id,
    page,
    timestamp,
)
from moto_bedrock.bedrock.models import bedrock_backends
from moto_bedrock.bedrockruntime.models import bedrockruntime_backends
from moto_bedrock.behaviour.clock import Clock

from .conftest import REGION, Aws

STEPS = Lifecycle.of(("Creating", 60.0), ("Updating", 30.0), then="InService")


def manual_clock(now: float = 1000.0) -> Clock:
    clock = Clock()
    clock.use_manual(now)
    return clock


# -- lifecycles on the clock -------------------------------------------------------------


def test_a_lifecycle_advances_with_the_manual_clock_and_records_when_it_ended() -> None:
    clock = manual_clock()
    progress = Progress(STEPS, clock)
    assert (progress.status, progress.done, progress.ended_at()) == ("Creating", False, None)
    clock.advance(59.9)
    assert progress.status == "Creating"
    clock.advance(0.1)
    assert progress.status == "Updating"
    clock.advance(30)
    assert progress.status == "InService" and progress.done
    assert progress.ended_at() == timestamp(manual_clock(1090.0))


def test_on_the_real_clock_a_resource_is_in_its_terminal_status_at_once() -> None:
    progress = Progress(STEPS, Clock())
    assert progress.status == "InService" and progress.done


def test_a_held_status_stays_and_a_restart_walks_again() -> None:
    clock = manual_clock()
    progress = Progress(STEPS, clock)
    clock.advance(10)
    progress.hold("Stopped")
    clock.advance(1000)
    assert progress.status == "Stopped" and progress.done
    progress.restart(Lifecycle.of(("Updating", 5.0), then="InService"))
    assert progress.status == "Updating"
    clock.advance(5)
    assert progress.status == "InService"


# -- tags ---------------------------------------------------------------------------------


def test_tags_work_only_for_arns_a_registered_family_knows() -> None:
    tags = TagStore()
    with pytest.raises(ResourceNotFoundException):
        tags.tag_resource("arn:aws:bedrock:us-east-1:123456789012:thing/abc", [])
    tags.register(lambda arn: arn.endswith("/abc"))
    arn = "arn:aws:bedrock:us-east-1:123456789012:thing/abc"
    tags.tag_resource(arn, [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
    tags.tag_resource(arn, [{"key": "a", "value": "3"}])
    assert tags.list_tags_for_resource(arn) == [
        {"key": "a", "value": "3"},
        {"key": "b", "value": "2"},
    ]
    tags.untag_resource(arn, ["a", "missing"])
    assert tags.list_tags_for_resource(arn) == [{"key": "b", "value": "2"}]
    tags.forget(arn)
    assert tags.list_tags_for_resource(arn) == []


def test_a_resource_holds_at_most_fifty_tags_and_a_refused_request_changes_nothing() -> None:
    tags = TagStore()
    tags.register(lambda arn: True)
    many = [{"key": f"k{i}", "value": "v"} for i in range(MAX_TAGS_PER_RESOURCE)]
    tags.tag_resource("arn:x", many)
    with pytest.raises(TooManyTagsException) as raised:
        tags.tag_resource("arn:x", [{"key": "one-more", "value": "v"}])
    assert raised.value.resourceName == "arn:x"
    assert len(tags.list_tags_for_resource("arn:x")) == MAX_TAGS_PER_RESOURCE == 50


# -- stores, ids, pages ----------------------------------------------------------------------


def test_a_store_finds_by_id_arn_or_name_and_registers_its_arns_as_taggable() -> None:
    scope = Scope("123456789012", "us-east-1", "aws", manual_clock())
    store: Store[dict[str, Any]] = Store(
        scope, "widget", "Widget {id} not found.", name_of=lambda r: str(r["name"])
    )
    arn = store.add("abc123def456", {"name": "w"})
    assert arn == "arn:aws:bedrock:us-east-1:123456789012:widget/abc123def456"
    assert store.get("w") == store.get(arn) == store.get("abc123def456")
    scope.tags.tag_resource(arn, [{"key": "k", "value": "v"}])
    store.remove("w")
    with pytest.raises(ResourceNotFoundException, match=r"Widget w not found\."):
        store.get("w")
    with pytest.raises(ResourceNotFoundException):
        scope.tags.list_tags_for_resource(arn)


def test_ids_follow_motos_seed() -> None:
    moto_random.seed(7)
    first = [new_id() for _ in range(3)]
    moto_random.seed(7)
    assert [new_id() for _ in range(3)] == first
    assert all(len(i) == 12 and i.isalnum() and i.islower() for i in first)


def test_pages_follow_tokens_and_refuse_forged_ones() -> None:
    items = [{"id": str(i)} for i in range(5)]
    first, token = page(items, 2, None, "id")
    second, token2 = page(items, 2, token, "id")
    last, token3 = page(items, 2, token2, "id")
    assert [i["id"] for i in first + second + last] == ["0", "1", "2", "3", "4"]
    assert token3 is None
    with pytest.raises(InvalidNextToken):
        page(items, 2, "not-a-token", "id")


# -- one clock per account and region ------------------------------------------------------


def test_the_runtime_and_the_control_plane_share_one_clock() -> None:
    with mock_bedrock() as mock:
        controls = mock.control(REGION)
        runtime = bedrockruntime_backends[DEFAULT_ACCOUNT_ID][REGION]
        control = bedrock_backends[DEFAULT_ACCOUNT_ID][REGION]
        assert runtime.behaviour.clock is control.clock
        controls.configure_clock(manual=True, now=100)
        controls.advance_clock(seconds=5)
        assert control.clock.now() == 105
        controls.reset_behaviour()  # behaviour back to new: the shared clock is real again
        assert not control.clock.manual
        assert bedrock_backends[DEFAULT_ACCOUNT_ID][REGION].clock is runtime.behaviour.clock


def test_tagging_an_unknown_resource_is_a_modeled_404(aws: Aws) -> None:
    control = aws.client("bedrock")
    arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghijkl"
    for call in (
        lambda: control.tag_resource(resourceARN=arn, tags=[{"key": "k", "value": "v"}]),
        lambda: control.untag_resource(resourceARN=arn, tagKeys=["k"]),
        lambda: control.list_tags_for_resource(resourceARN=arn),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        error = raised.value.response
        assert error["Error"]["Code"] == "ResourceNotFoundException"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
