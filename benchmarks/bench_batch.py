"""How long a 10,000-record batch inference job takes, in-process.

    python benchmarks/bench_batch.py [--records N]

Uploads a JSONL file of N Claude Messages records to moto's S3, creates a job, completes
it at once (``complete_job``), and times the GetModelInvocationJob call that runs every
record through the runtime's InvokeModel path and writes ``records.jsonl.out`` and
``manifest.json.out``. Prints the wall and CPU time of that call and the records per
second (on a shared machine the CPU time is the steadier figure). The
target (issue 15) is under 10 s for 10,000 records. Not a test: figures vary by machine.
"""

from __future__ import annotations

import argparse
import json
import time

import boto3

from moto_bedrock import mock_bedrock
from moto_bedrock.behaviour.control import BedrockControl

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def jsonl(records: int) -> bytes:
    lines = (
        json.dumps(
            {
                "recordId": f"REC{index:08d}",
                "modelInput": {
                    "anthropic_version": "bedrock-2023-05-31",
                    "max_tokens": 64,
                    "messages": [{"role": "user", "content": f"Summarize ticket {index}."}],
                },
            }
        )
        for index in range(records)
    )
    return "\n".join(lines).encode()


def run(records: int) -> tuple[float, float]:
    """Wall and CPU seconds the job's run (every record answered, output written) takes."""
    with mock_bedrock():
        s3 = boto3.client("s3", region_name=REGION, **CREDENTIALS)
        iam = boto3.client("iam", region_name=REGION, **CREDENTIALS)
        bedrock = boto3.client("bedrock", region_name=REGION, **CREDENTIALS)
        s3.create_bucket(Bucket="bench-batch")
        s3.put_object(Bucket="bench-batch", Key="in/records.jsonl", Body=jsonl(records))
        role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        BedrockControl(region=REGION).complete_job()
        arn = bedrock.create_model_invocation_job(
            jobName="bench",
            roleArn=role,
            modelId=MODEL,
            inputDataConfig={"s3InputDataConfig": {"s3Uri": "s3://bench-batch/in/records.jsonl"}},
            outputDataConfig={"s3OutputDataConfig": {"s3Uri": "s3://bench-batch/out/"}},
        )["jobArn"]
        began, cpu = time.perf_counter(), time.process_time()
        job = bedrock.get_model_invocation_job(jobIdentifier=arn)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        assert job["status"] == "Completed", job
        assert job["successRecordCount"] == records, job
        key = f"out/{arn.rsplit('/', 1)[1]}/records.jsonl.out"
        lines = s3.get_object(Bucket="bench-batch", Key=key)["Body"].read().splitlines()
        assert len(lines) == records
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    elapsed, cpu = run(args.records)
    print(
        f"{args.records} records in {elapsed:.2f} s wall, {cpu:.2f} s CPU "
        f"({args.records / elapsed:,.0f} records/s)"
    )


if __name__ == "__main__":
    main()
