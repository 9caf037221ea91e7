"""StartAsyncInvoke, GetAsyncInvoke and ListAsyncInvokes, with output in moto's S3.

Nova Reel's output folder (``output.mp4``, ``manifest.json`` under the invocation id):
https://docs.aws.amazon.com/nova/latest/userguide/video-gen-access.html
"""

from __future__ import annotations

import json
import struct
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from moto_bedrock.generation.video import mp4_video
from tests.conftest import Aws

REEL = "amazon.nova-reel-v1:0"
REEL_1 = "amazon.nova-reel-v1:1"
MARENGO = "twelvelabs.marengo-embed-2-7-v1:0"
VIDEO_INPUT = {
    "taskType": "TEXT_VIDEO",
    "textToVideoParams": {"text": "A lighthouse at dawn, waves rolling in"},
    "videoGenerationConfig": {"durationSeconds": 6, "fps": 24, "dimension": "1280x720", "seed": 7},
}


def output(uri: str = "s3://videos-bucket/reel") -> dict[str, Any]:
    return {"s3OutputDataConfig": {"s3Uri": uri}}


def boxes(data: bytes) -> dict[bytes, bytes]:
    """The top-level boxes of an MP4 file, by type."""
    found, offset = {}, 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        assert size >= 8, "a box is at least its header"
        found[kind] = data[offset + 8 : offset + size]
        offset += size
    assert offset == len(data), "the boxes exactly fill the file"
    return found


def test_mp4_is_a_well_formed_file_of_the_asked_length() -> None:
    video = mp4_video(1280, 720, 24, 6)
    top = boxes(video)
    assert list(top) == [b"ftyp", b"moov", b"mdat"]
    assert top[b"ftyp"][:4] == b"isom"
    moov = top[b"moov"]
    mvhd = moov[moov.index(b"mvhd") + 4 :]
    timescale, duration = struct.unpack(">II", mvhd[12:20])
    assert duration / timescale == 6.0
    assert b"avc1" in moov and b"avcC" in moov
    # 144 samples (6 s at 24 fps): the sample-size table lists each.
    stsz = moov[moov.index(b"stsz") + 4 :]
    assert struct.unpack(">II", stsz[4:12]) == (0, 144)
    assert mp4_video(1280, 720, 24, 6) == video, "the same arguments give the same bytes"
    with pytest.raises(ValueError):
        mp4_video(1000, 720)


def test_nova_reel_invocation_completes_on_the_clock_and_writes_video_and_manifest(
    aws: Aws,
) -> None:
    s3, runtime, controls = aws.client("s3"), aws.client("bedrock-runtime"), aws.controls()
    s3.create_bucket(Bucket="videos-bucket")
    controls.configure_clock(manual=True, now=1_800_000_000)
    arn = runtime.start_async_invoke(
        modelId=REEL, modelInput=VIDEO_INPUT, outputDataConfig=output()
    )["invocationArn"]
    assert arn.startswith("arn:aws:bedrock:us-east-1:123456789012:async-invoke/")
    invocation_id = arn.rsplit("/", 1)[1]
    assert len(invocation_id) == 12 and invocation_id.isalnum() and invocation_id.islower()

    started = runtime.get_async_invoke(invocationArn=arn)
    assert started["status"] == "InProgress"
    assert started["modelArn"] == f"arn:aws:bedrock:us-east-1::foundation-model/{REEL}"
    assert started["submitTime"].timestamp() == 1_800_000_000
    assert "endTime" not in started
    assert s3.list_objects_v2(Bucket="videos-bucket").get("KeyCount") == 0

    controls.advance_clock(seconds=1)
    done = runtime.get_async_invoke(invocationArn=arn)
    assert done["status"] == "Completed"
    assert done["endTime"].timestamp() == 1_800_000_001
    assert done["outputDataConfig"] == output()
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="videos-bucket")["Contents"])
    assert keys == [f"reel/{invocation_id}/manifest.json", f"reel/{invocation_id}/output.mp4"]
    video = s3.get_object(Bucket="videos-bucket", Key=f"reel/{invocation_id}/output.mp4")
    assert video["Body"].read() == mp4_video(1280, 720, 24, 6)
    manifest = json.loads(
        s3.get_object(Bucket="videos-bucket", Key=f"reel/{invocation_id}/manifest.json")[
            "Body"
        ].read()
    )
    assert manifest["invocationArn"] == arn and manifest["durationSeconds"] == 6

    history = controls.get_call_history(operation="StartAsyncInvoke")["calls"]
    assert [(c["model_id"], c["job"]) for c in history] == [(REEL, arn)]


def test_a_poll_loop_on_the_real_clock_sees_the_invocation_finish(aws: Aws) -> None:
    s3, runtime = aws.client("s3"), aws.client("bedrock-runtime")
    s3.create_bucket(Bucket="videos-bucket")
    aws.controls().configure_jobs(async_seconds=0.3)
    arn = runtime.start_async_invoke(
        modelId=REEL, modelInput=VIDEO_INPUT, outputDataConfig=output()
    )["invocationArn"]
    statuses = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        statuses.append(runtime.get_async_invoke(invocationArn=arn)["status"])
        if statuses[-1] != "InProgress":
            break
        time.sleep(0.05)
    assert statuses[0] == "InProgress" and statuses[-1] == "Completed"


def test_multi_shot_video_is_as_long_as_asked(aws: Aws) -> None:
    s3, runtime = aws.client("s3"), aws.client("bedrock-runtime")
    s3.create_bucket(Bucket="videos-bucket")
    aws.controls().complete_job(job="*")
    body = {
        "taskType": "MULTI_SHOT_AUTOMATED",
        "multiShotAutomatedParams": {"text": "A day in the life of a harbour"},
        "videoGenerationConfig": {"durationSeconds": 18, "fps": 24, "dimension": "1280x720"},
    }
    arn = runtime.start_async_invoke(modelId=REEL_1, modelInput=body, outputDataConfig=output())[
        "invocationArn"
    ]
    assert runtime.get_async_invoke(invocationArn=arn)["status"] == "Completed"
    key = f"reel/{arn.rsplit('/', 1)[1]}/output.mp4"
    assert s3.get_object(Bucket="videos-bucket", Key=key)["Body"].read() == mp4_video(seconds=18)


def test_a_missing_bucket_fails_the_invocation(aws: Aws) -> None:
    runtime, controls = aws.client("bedrock-runtime"), aws.controls()
    controls.configure_clock(manual=True, now=1_800_000_000)
    arn = runtime.start_async_invoke(
        modelId=REEL, modelInput=VIDEO_INPUT, outputDataConfig=output("s3://no-such-bucket/x")
    )["invocationArn"]
    controls.advance_clock(seconds=5)
    failed = runtime.get_async_invoke(invocationArn=arn)
    assert failed["status"] == "Failed"
    assert failed["failureMessage"] == "The S3 bucket no-such-bucket does not exist."
    assert failed["endTime"].timestamp() == 1_800_000_001


def test_controls_fail_one_invocation_and_complete_another(aws: Aws) -> None:
    s3, runtime, controls = aws.client("s3"), aws.client("bedrock-runtime"), aws.controls()
    s3.create_bucket(Bucket="videos-bucket")
    controls.configure_clock(manual=True, now=1_800_000_000)
    first, second = (
        runtime.start_async_invoke(modelId=REEL, modelInput=VIDEO_INPUT, outputDataConfig=output())[
            "invocationArn"
        ]
        for _ in range(2)
    )
    controls.fail_job(job=first.rsplit("/", 1)[1], message="Content filtered")
    controls.complete_job(job=second)
    failed = runtime.get_async_invoke(invocationArn=first)
    assert (failed["status"], failed["failureMessage"]) == ("Failed", "Content filtered")
    assert runtime.get_async_invoke(invocationArn=second)["status"] == "Completed"
    assert controls.get_jobs()["outcomes"] == [
        {"job": first.rsplit("/", 1)[1], "outcome": "fail", "message": "Content filtered"},
        {"job": second, "outcome": "complete"},
    ]


@pytest.mark.parametrize(
    ("model", "body", "message"),
    [
        (
            "anthropic.claude-3-haiku-20240307-v1:0",
            VIDEO_INPUT,
            "The provided model doesn't support async inference.",
        ),
        ("acme-nothing", VIDEO_INPUT, "The provided model identifier is invalid."),
        (
            REEL,
            {**VIDEO_INPUT, "taskType": "MULTI_SHOT_AUTOMATED"},
            "Malformed input request: #/taskType: MULTI_SHOT_AUTOMATED is not a valid enum value;"
            " expected one of ['TEXT_VIDEO'], please reformat your input and try again.",
        ),
        (
            REEL,
            {**VIDEO_INPUT, "textToVideoParams": {}},
            "Malformed input request: #/textToVideoParams: required key [text] not found, "
            "please reformat your input and try again.",
        ),
        (
            REEL,
            {**VIDEO_INPUT, "videoGenerationConfig": {"durationSeconds": 7}},
            "Malformed input request: #/videoGenerationConfig/durationSeconds: 7 is not allowed "
            "for TEXT_VIDEO; expected one of [6], please reformat your input and try again.",
        ),
    ],
    ids=["not-async", "unknown-model", "multi-shot-on-v1-0", "no-text", "bad-duration"],
)
def test_bad_requests_are_refused(aws: Aws, model: str, body: Any, message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws.client("bedrock-runtime").start_async_invoke(
            modelId=model, modelInput=body, outputDataConfig=output()
        )
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationException", message)


def test_client_request_token_makes_start_idempotent(aws: Aws) -> None:
    runtime = aws.client("bedrock-runtime")
    first = runtime.start_async_invoke(
        modelId=REEL, modelInput=VIDEO_INPUT, outputDataConfig=output(), clientRequestToken="tok-1"
    )["invocationArn"]
    again = runtime.start_async_invoke(
        modelId=REEL, modelInput=VIDEO_INPUT, outputDataConfig=output(), clientRequestToken="tok-1"
    )["invocationArn"]
    assert again == first
    assert runtime.get_async_invoke(invocationArn=first)["clientRequestToken"] == "tok-1"
    with pytest.raises(ClientError) as excinfo:
        runtime.start_async_invoke(
            modelId=REEL,
            modelInput=VIDEO_INPUT,
            outputDataConfig=output("s3://other-bucket/x"),
            clientRequestToken="tok-1",
        )
    assert excinfo.value.response["Error"]["Code"] == "ConflictException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_unknown_invocation_is_not_found(aws: Aws) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws.client("bedrock-runtime").get_async_invoke(
            invocationArn="arn:aws:bedrock:us-east-1:123456789012:async-invoke/abcdefabcdef"
        )
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_list_filters_sorts_and_pages(aws: Aws) -> None:
    s3, runtime, controls = aws.client("s3"), aws.client("bedrock-runtime"), aws.controls()
    s3.create_bucket(Bucket="videos-bucket")
    controls.configure_clock(manual=True, now=1_800_000_000)
    arns = []
    for _ in range(3):
        arns.append(
            runtime.start_async_invoke(
                modelId=REEL, modelInput=VIDEO_INPUT, outputDataConfig=output()
            )["invocationArn"]
        )
        controls.advance_clock(seconds=0.4)
    # Now 1.2 s on: the first invocation (due at 1.0) is done, the others are not.
    listed = runtime.list_async_invokes()["asyncInvokeSummaries"]
    assert [s["invocationArn"] for s in listed] == arns[::-1]
    oldest_first = runtime.list_async_invokes(sortOrder="Ascending")["asyncInvokeSummaries"]
    assert [s["invocationArn"] for s in oldest_first] == arns
    done = runtime.list_async_invokes(statusEquals="Completed")["asyncInvokeSummaries"]
    assert [s["invocationArn"] for s in done] == [arns[0]]
    after = runtime.list_async_invokes(submitTimeAfter=listed[-1]["submitTime"])
    assert [s["invocationArn"] for s in after["asyncInvokeSummaries"]] == arns[:0:-1]
    page = runtime.list_async_invokes(maxResults=2)
    assert len(page["asyncInvokeSummaries"]) == 2
    rest = runtime.list_async_invokes(maxResults=2, nextToken=page["nextToken"])
    assert [s["invocationArn"] for s in rest["asyncInvokeSummaries"]] == [arns[0]]
    assert "nextToken" not in rest
    paginated = runtime.get_paginator("list_async_invokes").paginate(
        PaginationConfig={"PageSize": 1}
    )
    assert sum(len(p["asyncInvokeSummaries"]) for p in paginated) == 3


def test_marengo_embedding_invocation_writes_json_output(aws: Aws) -> None:
    s3, runtime = aws.client("s3"), aws.client("bedrock-runtime")
    s3.create_bucket(Bucket="embeddings-bucket")
    aws.controls().complete_job()
    arn = runtime.start_async_invoke(
        modelId=MARENGO,
        modelInput={
            "inputType": "video",
            "mediaSource": {
                "s3Location": {"uri": "s3://media/clip.mp4", "bucketOwner": "123456789012"}
            },
        },
        outputDataConfig=output("s3://embeddings-bucket"),
    )["invocationArn"]
    assert runtime.get_async_invoke(invocationArn=arn)["status"] == "Completed"
    body = s3.get_object(Bucket="embeddings-bucket", Key=f"{arn.rsplit('/', 1)[1]}/output.json")
    data = json.loads(body["Body"].read())["data"]
    assert [d["embeddingOption"] for d in data] == ["visual-text", "visual-image", "audio"]
    assert all(len(d["embedding"]) == 1024 for d in data)
    assert data[0]["startSec"] == 0.0 and data[0]["endSec"] == 6.0


def test_nova_multimodal_embeddings_invocation_writes_json_output(aws: Aws) -> None:
    s3, runtime = aws.client("s3"), aws.client("bedrock-runtime")
    s3.create_bucket(Bucket="embeddings-bucket")
    aws.controls().complete_job()
    body = {
        "taskType": "SEGMENTED_EMBEDDING",
        "segmentedEmbeddingParams": {
            "embeddingPurpose": "GENERIC_INDEX",
            "embeddingDimension": 384,
            "video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://media/a.mp4"}}},
        },
    }
    arn = runtime.start_async_invoke(
        modelId="amazon.nova-2-multimodal-embeddings-v1:0",
        modelInput=body,
        outputDataConfig=output("s3://embeddings-bucket/nova"),
    )["invocationArn"]
    assert runtime.get_async_invoke(invocationArn=arn)["status"] == "Completed"
    key = f"nova/{arn.rsplit('/', 1)[1]}/output.json"
    (embedding,) = json.loads(s3.get_object(Bucket="embeddings-bucket", Key=key)["Body"].read())[
        "embeddings"
    ]
    assert embedding["embeddingType"] == "VIDEO" and len(embedding["embedding"]) == 384
    bad = {
        **body,
        "segmentedEmbeddingParams": {**body["segmentedEmbeddingParams"], "embeddingDimension": 5},
    }
    with pytest.raises(ClientError) as excinfo:
        runtime.start_async_invoke(
            modelId="amazon.nova-2-multimodal-embeddings-v1:0",
            modelInput=bad,
            outputDataConfig=output(),
        )
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
