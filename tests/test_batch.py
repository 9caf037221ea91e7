"""Batch inference jobs on moto's S3: JSONL in, ``.jsonl.out`` and ``manifest.json.out`` out.

Output format: https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import HAIKU, Aws

NOVA = "amazon.nova-lite-v1:0"
START = 1_800_000_000


def claude(text: str) -> dict[str, Any]:
    return {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": text}],
    }


def setup(aws: Aws, lines: list[str], *, lenient: bool = True) -> tuple[Any, Any, str]:
    """Buckets, a role and an input file; a manual clock; the record minimum waived."""
    s3, iam = aws.client("s3"), aws.client("iam")
    s3.create_bucket(Bucket="batch-in")
    s3.create_bucket(Bucket="batch-out")
    s3.put_object(Bucket="batch-in", Key="jobs/input.jsonl", Body="\n".join(lines).encode())
    role = iam.create_role(RoleName="batch-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    controls = aws.controls()
    controls.configure_clock(manual=True, now=START)
    if lenient:
        controls.configure_validation(lenient=["batch-record-count"])
    return s3, controls, role


def create(aws: Aws, role: str, model: str = HAIKU, **extra: Any) -> str:
    request = {
        "jobName": "nightly-batch",
        "roleArn": role,
        "modelId": model,
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://batch-in/jobs/input.jsonl"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://batch-out/results/"}},
        **extra,
    }
    return str(aws.client("bedrock").create_model_invocation_job(**request)["jobArn"])


def record(record_id: str, model_input: Any) -> str:
    return json.dumps({"recordId": record_id, "modelInput": model_input})


def test_a_job_moves_through_its_statuses_and_writes_output_line_by_line(aws: Aws) -> None:
    lines = [
        record("REC0000001", claude("First question")),
        record("REC0000002", claude("Second question")),
        "this line is not JSON",
        record("REC0000004", {"messages": "not a Claude body"}),
    ]
    s3, controls, role = setup(aws, lines)
    bedrock, runtime = aws.client("bedrock"), aws.client("bedrock-runtime")
    arn = create(aws, role, tags=[{"key": "team", "value": "search"}])
    job_id = arn.rsplit("/", 1)[1]
    assert arn == f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{job_id}"

    # jobs.batch_seconds is 1: Validating from 0.1 s, Scheduled from 0.2 s, InProgress from
    # 0.3 s (records processed in proportion to the time elapsed), Completed at 1 s.
    seen = []
    for step in (0, 0.15, 0.1, 0.3, 0.2, 0.25):
        controls.advance_clock(seconds=step)
        job = bedrock.get_model_invocation_job(jobIdentifier=arn)
        seen.append((job["status"], job["processedRecordCount"]))
    assert seen == [
        ("Submitted", 0),
        ("Validating", 0),
        ("Scheduled", 0),
        ("InProgress", 1),
        ("InProgress", 2),
        ("Completed", 4),
    ]
    job = bedrock.get_model_invocation_job(jobIdentifier=job_id)
    assert job["submitTime"].timestamp() == START
    assert job["endTime"].timestamp() == START + 1
    assert (job["totalRecordCount"], job["successRecordCount"], job["errorRecordCount"]) == (
        4,
        2,
        2,
    )
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [
        {"key": "team", "value": "search"}
    ]

    listed = s3.list_objects_v2(Bucket="batch-out", Prefix="results/")["Contents"]
    assert sorted(o["Key"] for o in listed) == [
        f"results/{job_id}/input.jsonl.out",
        f"results/{job_id}/manifest.json.out",
    ]
    out = s3.get_object(Bucket="batch-out", Key=f"results/{job_id}/input.jsonl.out")
    first, second, not_json, bad_body = map(json.loads, out["Body"].read().decode().splitlines())
    # The same runtime path as InvokeModel: the same text a direct call gets.
    direct = json.loads(
        runtime.invoke_model(modelId=HAIKU, body=json.dumps(claude("First question")))[
            "body"
        ].read()
    )
    assert first["recordId"] == "REC0000001" and first["modelInput"] == claude("First question")
    assert first["modelOutput"]["content"] == direct["content"]
    assert second["modelOutput"]["type"] == "message"
    assert not_json == {
        "recordId": "00000000003",
        "error": {
            "errorCode": 400,
            "errorMessage": "Line 3 is not a JSON object with a modelInput.",
        },
    }
    assert bad_body["recordId"] == "REC0000004" and "modelOutput" not in bad_body
    assert bad_body["error"] == {
        "errorCode": 400,
        "errorMessage": "Malformed input request: #: subject must not be valid against schema "
        '{"required":["messages"]}#: required key [max_tokens] not found'
        "#: required key [anthropic_version] not found, please reformat your input and try again.",
    }
    manifest = json.loads(
        s3.get_object(Bucket="batch-out", Key=f"results/{job_id}/manifest.json.out")["Body"].read()
    )
    usage = [first["modelOutput"]["usage"], second["modelOutput"]["usage"]]
    assert manifest == {
        "totalRecordCount": 4,
        "processedRecordCount": 4,
        "successRecordCount": 2,
        "errorRecordCount": 2,
        "inputTokenCount": sum(u["input_tokens"] for u in usage),
        "outputTokenCount": sum(u["output_tokens"] for u in usage),
    }
    calls = controls.get_call_history(operation="InvokeModel")["calls"]
    assert [c["job"] for c in calls] == [arn, arn, arn, None]  # the bad body was tried too


def test_converse_jobs_and_injected_faults_use_the_runtime_path(aws: Aws) -> None:
    body = {"messages": [{"role": "user", "content": [{"text": "Hello"}]}]}
    s3, controls, role = setup(aws, [record(f"REC000000{i}", body) for i in range(3)])
    controls.inject_fault(error="ThrottlingException", operation="Converse", on_call=2)
    controls.complete_job()
    arn = create(aws, role, NOVA, modelInvocationType="Converse")
    job = aws.client("bedrock").get_model_invocation_job(jobIdentifier=arn)
    assert job["status"] == "Completed" and job["modelInvocationType"] == "Converse"
    key = f"results/{arn.rsplit('/', 1)[1]}/input.jsonl.out"
    lines = [
        json.loads(x)
        for x in s3.get_object(Bucket="batch-out", Key=key)["Body"].read().splitlines()
    ]
    assert lines[0]["modelOutput"]["output"]["message"]["role"] == "assistant"
    assert lines[1]["error"]["errorCode"] == 429
    assert "modelOutput" in lines[2]


@pytest.mark.parametrize(
    ("lines", "bucket", "message"),
    [
        (
            ["{not json", "[1, 2]"],
            "batch-out",
            "The input file jobs/input.jsonl is not valid JSONL.",
        ),
        (
            [record("REC0000001", claude("hi"))],
            "no-such-output",
            "The S3 bucket no-such-output does not exist.",
        ),
    ],
    ids=["bad-jsonl", "missing-bucket"],
)
def test_unusable_input_or_output_fails_the_job(
    aws: Aws, lines: list[str], bucket: str, message: str
) -> None:
    _s3, controls, role = setup(aws, lines)
    arn = create(aws, role, outputDataConfig={"s3OutputDataConfig": {"s3Uri": f"s3://{bucket}/x/"}})
    controls.advance_clock(seconds=0.25)  # validation ends at 0.2 s
    job = aws.client("bedrock").get_model_invocation_job(jobIdentifier=arn)
    assert (job["status"], job.get("message")) == ("Failed", message)
    assert job["endTime"].timestamp() == pytest.approx(START + 0.2)


def test_too_few_records_fail_validation_when_strict(aws: Aws) -> None:
    _s3, _controls, role = setup(aws, [record("REC0000001", claude("hi"))], lenient=False)
    arn = create(aws, role)
    aws.controls().advance_clock(seconds=1)
    job = aws.client("bedrock").get_model_invocation_job(jobIdentifier=arn)
    assert job["status"] == "Failed"
    assert job["message"] == (
        "The number of records (1) is outside the allowed range for a batch inference job: "
        "at least 100 and at most 50000."
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"roleArn": "arn:aws:iam::123456789012:role/nobody"},
            "The provided role arn:aws:iam::123456789012:role/nobody does not exist or Amazon "
            "Bedrock cannot assume it.",
        ),
        (
            {"modelId": "amazon.titan-image-generator-v1"},
            "The provided model doesn't support batch inference.",
        ),
    ],
    ids=["wrong-role", "unsupported-model"],
)
def test_create_refuses_a_wrong_role_and_an_unsupported_model(
    aws: Aws, change: dict[str, str], message: str
) -> None:
    _s3, _controls, role = setup(aws, [record("REC0000001", claude("hi"))])
    request = {"role": role, "model": HAIKU}
    with pytest.raises(ClientError) as excinfo:
        create(aws, change.get("roleArn", request["role"]), change.get("modelId", HAIKU))
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationException", message)


def test_stop_lists_and_failing_controls(aws: Aws) -> None:
    _s3, controls, role = setup(aws, [record("REC0000001", claude("hi"))])
    bedrock = aws.client("bedrock")
    first = create(aws, role)
    controls.advance_clock(seconds=0.05)
    second = create(aws, role, jobName="second-job", clientRequestToken="token-2")
    assert create(aws, role, jobName="second-job", clientRequestToken="token-2") == second
    with pytest.raises(ClientError) as reused:  # the token with other parameters
        create(aws, role, jobName="renamed-job", clientRequestToken="token-2")
    assert reused.value.response["Error"]["Code"] == "ConflictException"
    third = create(aws, role, jobName="third-job")
    bedrock.stop_model_invocation_job(jobIdentifier=first)
    assert bedrock.get_model_invocation_job(jobIdentifier=first)["status"] == "Stopped"
    controls.fail_job(job=third, message="Capacity unavailable")
    failed = bedrock.get_model_invocation_job(jobIdentifier=third)
    assert (failed["status"], failed["message"]) == ("Failed", "Capacity unavailable")
    with pytest.raises(ClientError) as excinfo:
        bedrock.stop_model_invocation_job(jobIdentifier=first)
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"

    summaries = bedrock.list_model_invocation_jobs()["invocationJobSummaries"]
    assert [s["jobArn"] for s in summaries] == [third, second, first]
    named = bedrock.list_model_invocation_jobs(nameContains="second")["invocationJobSummaries"]
    assert [s["jobArn"] for s in named] == [second]
    stopped = bedrock.list_model_invocation_jobs(statusEquals="Stopped")
    assert [s["jobArn"] for s in stopped["invocationJobSummaries"]] == [first]
    page = bedrock.list_model_invocation_jobs(maxResults=2, sortOrder="Ascending")
    assert [s["jobArn"] for s in page["invocationJobSummaries"]] == [first, second]
    rest = bedrock.list_model_invocation_jobs(
        maxResults=2, sortOrder="Ascending", nextToken=page["nextToken"]
    )
    assert [s["jobArn"] for s in rest["invocationJobSummaries"]] == [third]
    with pytest.raises(ClientError) as excinfo:
        bedrock.get_model_invocation_job(jobIdentifier="abcdefabcdef")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.slow
def test_answering_the_records_does_not_hold_up_other_calls(aws: Aws) -> None:
    # The reader that starts a job answers its records; other calls meanwhile go on. 10,000
    # records keep that reader busy for seconds (1,000 took under 0.3 s once record answering
    # got faster, so the job was done before the other calls and the test proved nothing).
    lines = [record(f"REC{i:07d}", claude(f"Question {i}")) for i in range(10_000)]
    _s3, controls, role = setup(aws, lines)
    bedrock = aws.client("bedrock")
    arn = create(aws, role)
    controls.advance_clock(seconds=0.25)  # Scheduled: the records are due next
    bedrock.get_model_invocation_job(jobIdentifier=arn)
    controls.advance_clock(seconds=0.1)
    done: dict[str, float] = {}

    def read_the_job() -> None:
        aws.client("bedrock").get_model_invocation_job(jobIdentifier=arn)
        done["runner"] = time.monotonic()

    runner = threading.Thread(target=read_the_job)
    started = time.monotonic()
    runner.start()
    time.sleep(0.3)
    other = create(aws, role, jobName="second-batch")
    assert bedrock.get_model_invocation_job(jobIdentifier=other)["status"] == "Submitted"
    listed = bedrock.list_model_invocation_jobs()["invocationJobSummaries"]
    assert sorted(job["status"] for job in listed) == ["Scheduled", "Submitted"]
    done["other"] = time.monotonic()
    runner.join(60)
    assert done["other"] < done["runner"], done  # answered while the records were being run
    assert done["other"] - started < (done["runner"] - started) / 2 + 0.3
    job = bedrock.get_model_invocation_job(jobIdentifier=arn)
    assert (job["status"], job["processedRecordCount"]) == ("InProgress", 714)
