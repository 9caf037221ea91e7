"""CI: the server README command 1 started still answers after command 2 (see .ci/run)."""

from __future__ import annotations

import sys

import boto3

url = sys.argv[1]
client = boto3.client(
    "bedrock-runtime",
    region_name="us-east-1",
    endpoint_url=url,
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
response = client.converse(
    modelId="anthropic.claude-3-haiku-20240307-v1:0",
    messages=[{"role": "user", "content": [{"text": "Still there?"}]}],
)
assert response["stopReason"] == "end_turn", response
print(f"the quickstart server at {url} still answers")
