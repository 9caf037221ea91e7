"""Model invocation logging to moto's CloudWatch Logs and S3, read back with boto3.

Record schema and destinations:
https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import HAIKU, Aws, user

GROUP = "/bedrock/invocations"
TITAN_EMBED = "amazon.titan-embed-text-v2:0"
HI = {"role": "user", "content": "Hi"}  # a Claude Messages API turn


def enable(aws: Aws, **flags: bool) -> dict[str, Any]:
    """A log group, a role and a bucket, and logging to both destinations."""
    aws.client("logs").create_log_group(logGroupName=GROUP)
    aws.client("s3").create_bucket(Bucket="invocation-logs")
    role = aws.client("iam").create_role(RoleName="logging", AssumeRolePolicyDocument="{}")
    config = {
        "cloudWatchConfig": {
            "logGroupName": GROUP,
            "roleArn": role["Role"]["Arn"],
            "largeDataDeliveryS3Config": {"bucketName": "invocation-logs", "keyPrefix": "large"},
        },
        "s3Config": {"bucketName": "invocation-logs", "keyPrefix": "logs"},
        **flags,
    }
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig=config)
    return config


def cloudwatch_records(aws: Aws) -> list[dict[str, Any]]:
    events = aws.client("logs").filter_log_events(logGroupName=GROUP)["events"]
    assert {e["logStreamName"] for e in events} <= {"aws/bedrock/modelinvocations"}
    return [json.loads(e["message"]) for e in events]


def s3_records(aws: Aws) -> list[dict[str, Any]]:
    s3 = aws.client("s3")
    listed = s3.list_objects_v2(Bucket="invocation-logs", Prefix="logs/").get("Contents", [])
    records = []
    for obj in sorted(listed, key=lambda o: o["Key"]):
        assert obj["Key"].startswith(
            "logs/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/"
        )
        assert obj["Key"].endswith(".json.gz")
        body = gzip.decompress(
            s3.get_object(Bucket="invocation-logs", Key=obj["Key"])["Body"].read()
        )
        records.extend(json.loads(line) for line in body.decode().splitlines())
    return records


def test_every_runtime_operation_is_logged_to_cloudwatch_and_s3(aws: Aws) -> None:
    config = enable(aws)
    runtime = aws.client("bedrock-runtime")
    assert (
        aws.client("bedrock").get_model_invocation_logging_configuration()["loggingConfig"]
        == config
    )
    answer = runtime.converse(modelId=HAIKU, messages=[user("Log me")])
    list(runtime.converse_stream(modelId=HAIKU, messages=[user("Stream me")])["stream"])
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 20, "messages": [HI]}
    native = json.loads(runtime.invoke_model(modelId=HAIKU, body=json.dumps(body))["body"].read())
    stream = runtime.invoke_model_with_response_stream(modelId=HAIKU, body=json.dumps(body))
    list(stream["body"])
    runtime.count_tokens(modelId=HAIKU, input={"converse": {"messages": [user("Not logged")]}})

    records = cloudwatch_records(aws)
    assert [r["operation"] for r in records] == [
        "Converse",
        "ConverseStream",
        "InvokeModel",
        "InvokeModelWithResponseStream",
    ]
    assert s3_records(aws) == records
    converse, converse_stream, invoke, invoke_stream = records
    assert {k: v for k, v in converse.items() if k not in ("timestamp", "requestId")} == {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "accountId": "123456789012",
        "identity": {"arn": "arn:aws:iam::123456789012:root"},
        "region": "us-east-1",
        "operation": "Converse",
        "modelId": HAIKU,
        "input": {
            "inputContentType": "application/json",
            "inputBodyJson": {"messages": [user("Log me")], "system": [], "inferenceConfig": {}},
            "inputTokenCount": answer["usage"]["inputTokens"],
        },
        "output": {
            "outputContentType": "application/json",
            "outputBodyJson": {k: v for k, v in answer.items() if k != "ResponseMetadata"},
            "outputTokenCount": answer["usage"]["outputTokens"],
        },
    }
    assert converse["timestamp"].endswith("Z") and len(converse["requestId"]) == 36
    assert converse_stream["output"]["outputBodyJson"][0] == {"messageStart": {"role": "assistant"}}
    assert invoke["input"]["inputBodyJson"] == body
    assert invoke["output"]["outputBodyJson"] == native
    assert invoke_stream["output"]["outputBodyJson"][0]["type"] == "message_start"


def test_a_failed_call_logs_its_error_code(aws: Aws) -> None:
    enable(aws)
    with pytest.raises(ClientError):
        aws.client("bedrock-runtime").converse(
            modelId=HAIKU, messages=[user("Hi")], inferenceConfig={"maxTokens": 100_000}
        )
    (record,) = cloudwatch_records(aws)
    assert record["errorCode"] == "ValidationException" and "output" not in record


def test_delivery_flags_leave_bodies_out(aws: Aws) -> None:
    enable(aws, textDataDeliveryEnabled=False, embeddingDataDeliveryEnabled=True)
    runtime = aws.client("bedrock-runtime")
    runtime.converse(modelId=HAIKU, messages=[user("Secret")])
    runtime.invoke_model(modelId=TITAN_EMBED, body=json.dumps({"inputText": "Vector me"}))
    text, embedding = cloudwatch_records(aws)
    assert "inputBodyJson" not in text["input"] and "outputBodyJson" not in text["output"]
    assert text["input"]["inputTokenCount"] > 0
    assert embedding["input"]["inputBodyJson"] == {"inputText": "Vector me"}
    assert len(embedding["output"]["outputBodyJson"]["embedding"]) == 1024


def test_large_bodies_go_to_the_large_data_location(aws: Aws) -> None:
    enable(aws)
    big = "word " * 30_000  # about 150 KB of JSON, over the 100 KB CloudWatch body limit
    aws.client("bedrock-runtime").converse(modelId=HAIKU, messages=[user(big)])
    (record,) = cloudwatch_records(aws)
    assert "inputBodyJson" not in record["input"]
    path = record["input"]["inputBodyS3Path"]
    prefix = "s3://invocation-logs/large/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/"
    assert path.startswith(prefix) and path.endswith(f"/data/{record['requestId']}_input.json.gz")
    key = path[len("s3://invocation-logs/") :]
    stored = aws.client("s3").get_object(Bucket="invocation-logs", Key=key)["Body"].read()
    assert json.loads(gzip.decompress(stored))["messages"] == [user(big)]
    assert "outputBodyJson" in record["output"], "the small reply stays inline"


def test_deleting_the_configuration_stops_logging(aws: Aws) -> None:
    enable(aws)
    bedrock, runtime = aws.client("bedrock"), aws.client("bedrock-runtime")
    runtime.converse(modelId=HAIKU, messages=[user("One")])
    bedrock.delete_model_invocation_logging_configuration()
    runtime.converse(modelId=HAIKU, messages=[user("Two")])
    assert len(cloudwatch_records(aws)) == 1
    assert bedrock.get_model_invocation_logging_configuration()["loggingConfig"] == {}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"cloudWatchConfig": {"logGroupName": "missing", "roleArn": "ROLE"}},
            "Failed to validate permissions for log group: missing, with role: ROLE. "
            "Verify the IAM role permissions are correct.",
        ),
        (
            {
                "cloudWatchConfig": {
                    "logGroupName": GROUP,
                    "roleArn": "arn:aws:iam::123456789012:role/nobody",
                }
            },
            f"Failed to validate permissions for log group: {GROUP}, with role: "
            "arn:aws:iam::123456789012:role/nobody. Verify the IAM role permissions are correct.",
        ),
        (
            {"s3Config": {"bucketName": "no-such-bucket"}},
            "Failed to validate permissions for S3 bucket: no-such-bucket. Verify the bucket "
            "exists and its policy lets Amazon Bedrock write to it.",
        ),
    ],
    ids=["missing-group", "missing-role", "missing-bucket"],
)
def test_destinations_must_exist(aws: Aws, config: dict[str, Any], message: str) -> None:
    aws.client("logs").create_log_group(logGroupName=GROUP)
    role = aws.client("iam").create_role(RoleName="logging", AssumeRolePolicyDocument="{}")
    text = json.dumps(config).replace('"ROLE"', json.dumps(role["Role"]["Arn"]))
    message = message.replace("ROLE", role["Role"]["Arn"])
    with pytest.raises(ClientError) as excinfo:
        aws.client("bedrock").put_model_invocation_logging_configuration(
            loggingConfig=json.loads(text)
        )
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationException", message)


def test_batch_records_are_logged_with_their_job(aws: Aws) -> None:
    enable(aws)
    s3, controls = aws.client("s3"), aws.controls()
    s3.create_bucket(Bucket="batch-in")
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 20, "messages": [HI]}
    s3.put_object(
        Bucket="batch-in",
        Key="in.jsonl",
        Body=json.dumps({"recordId": "REC0000001", "modelInput": body}).encode(),
    )
    controls.configure_validation(lenient=["batch-record-count", "job-role"])
    controls.complete_job()
    arn = aws.client("bedrock").create_model_invocation_job(
        jobName="logged",
        roleArn="arn:aws:iam::123456789012:role/any",
        modelId=HAIKU,
        inputDataConfig={"s3InputDataConfig": {"s3Uri": "s3://batch-in/in.jsonl"}},
        outputDataConfig={"s3OutputDataConfig": {"s3Uri": "s3://batch-in/out/"}},
    )["jobArn"]
    assert (
        aws.client("bedrock").get_model_invocation_job(jobIdentifier=arn)["status"] == "Completed"
    )
    (record,) = cloudwatch_records(aws)
    assert record["operation"] == "InvokeModel" and record["input"]["inputBodyJson"] == body
    assert "errorCode" not in record and record["output"]["outputBodyJson"]["type"] == "message"
