// Checks that the AWS SDK for JavaScript v3 parses moto-bedrock's responses and errors.
//
//   node tests/js/check.mjs http://127.0.0.1:5000
//
// Prints one JSON line per check ({"check": ..., "ok": ..., ...}) and exits 1 if any failed.
//
// The "stream-fault" check expects a throttlingException to be queued on the server before
// this script starts (tests/test_js_sdk.py does it):
//   POST <endpoint>/moto-api/bedrock/inject_stream_error
//   {"error": "throttlingException", "after_events": 3}
// It runs before every other streaming call, so that it is the stream that takes the fault.
import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import {
  BedrockClient,
  BedrockServiceException,
  ListFoundationModelsCommand,
  ValidationException as BedrockValidationException,
} from "@aws-sdk/client-bedrock";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node check.mjs <endpoint-url>");
  process.exit(2);
}

const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const PROMPT = [{ role: "user", content: [{ text: "Tell me about owls" }] }];
const ANTHROPIC_BODY = JSON.stringify({
  anthropic_version: "bedrock-2023-05-31",
  max_tokens: 50,
  messages: [{ role: "user", content: "Hi" }],
});

// Each client keeps its default request handler: the bedrock-runtime client's speaks HTTP/2
// (cleartext, prior knowledge, against an http:// endpoint), the bedrock client's HTTP/1.1.
const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  maxAttempts: 1,
};
const runtime = new BedrockRuntimeClient(config);
const bedrock = new BedrockClient(config);

let failures = 0;

function report(check, ok, details) {
  if (!ok) failures += 1;
  console.log(JSON.stringify({ check, ok, ...details }));
}

async function check(name, body) {
  try {
    const { ok, ...details } = await body();
    report(name, ok, details);
  } catch (error) {
    report(name, false, { unexpected: describe(error) });
  }
}

function describe(error) {
  return {
    name: error?.name,
    message: error?.message,
    status: error?.$metadata?.httpStatusCode,
    requestId: error?.$metadata?.requestId,
    fault: error?.$fault,
  };
}

// Runs a call that must fail; returns the error (or a marker when it did not fail).
async function failure(call) {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return { name: "NoError", message: "the call succeeded" };
}

function errorCheck(error, cls, base, message) {
  const seen = describe(error);
  return {
    ok:
      error instanceof cls &&
      error instanceof base &&
      seen.status === 400 &&
      seen.fault === "client" &&
      typeof seen.requestId === "string" &&
      seen.requestId.length > 0 &&
      (message === undefined || seen.message === message),
    instanceOf: error instanceof cls ? cls.name : null,
    ...seen,
  };
}

const decoder = new TextDecoder();

// 1. The mid-stream fault queued before the script started (see the header).
await check("stream-fault", async () => {
  const response = await runtime.send(
    new ConverseStreamCommand({ modelId: HAIKU, messages: PROMPT }),
  );
  const events = [];
  let error = null;
  try {
    for await (const event of response.stream) events.push(Object.keys(event)[0]);
  } catch (caught) {
    error = caught;
  }
  return {
    ok:
      error instanceof ThrottlingException &&
      error instanceof BedrockRuntimeServiceException &&
      events.length === 3,
    instanceOf: error instanceof ThrottlingException ? "ThrottlingException" : null,
    ...(error ? {} : { hint: "no error: was a throttlingException injected first?" }),
    name: error?.name ?? null,
    message: error?.message ?? null,
    eventsBefore: events,
  };
});

// 2. Converse, and ConverseStream of the same request.
let converseText = null;
await check("converse", async () => {
  const response = await runtime.send(new ConverseCommand({ modelId: HAIKU, messages: PROMPT }));
  converseText = response.output.message.content.map((block) => block.text ?? "").join("");
  return {
    ok: response.stopReason === "end_turn" && converseText.length > 0,
    stopReason: response.stopReason,
    text: converseText,
    usage: response.usage,
    status: response.$metadata.httpStatusCode,
  };
});

await check("converse-stream", async () => {
  const response = await runtime.send(
    new ConverseStreamCommand({ modelId: HAIKU, messages: PROMPT }),
  );
  const names = [];
  let text = "";
  let stopReason = null;
  let usage = null;
  for await (const event of response.stream) {
    names.push(Object.keys(event)[0]);
    if (event.contentBlockDelta) text += event.contentBlockDelta.delta?.text ?? "";
    if (event.messageStop) stopReason = event.messageStop.stopReason;
    if (event.metadata) usage = event.metadata.usage;
  }
  return {
    ok:
      text === converseText &&
      stopReason === "end_turn" &&
      names[0] === "messageStart" &&
      names.at(-1) === "metadata",
    text,
    equalsConverse: text === converseText,
    stopReason,
    usage,
    first: names[0],
    last: names.at(-1),
    events: names.length,
  };
});

// 3. InvokeModel and InvokeModelWithResponseStream with an Anthropic body.
let invokeText = null;
await check("invoke-model", async () => {
  const response = await runtime.send(
    new InvokeModelCommand({
      modelId: HAIKU,
      body: ANTHROPIC_BODY,
      contentType: "application/json",
      accept: "application/json",
    }),
  );
  const body = JSON.parse(response.body.transformToString());
  invokeText = body.content.map((block) => block.text ?? "").join("");
  return {
    ok: body.type === "message" && body.role === "assistant" && invokeText.length > 0,
    contentType: response.contentType,
    stopReason: body.stop_reason,
    text: invokeText,
    usage: body.usage,
  };
});

await check("invoke-model-stream", async () => {
  const response = await runtime.send(
    new InvokeModelWithResponseStreamCommand({
      modelId: HAIKU,
      body: ANTHROPIC_BODY,
      contentType: "application/json",
      accept: "application/json",
    }),
  );
  const chunks = [];
  for await (const event of response.body) {
    chunks.push(JSON.parse(decoder.decode(event.chunk.bytes)));
  }
  const text = chunks
    .filter((chunk) => chunk.type === "content_block_delta")
    .map((chunk) => chunk.delta.text)
    .join("");
  const last = chunks.at(-1);
  return {
    ok:
      text === invokeText &&
      chunks[0]?.type === "message_start" &&
      last?.type === "message_stop" &&
      "amazon-bedrock-invocationMetrics" in last,
    text,
    equalsInvoke: text === invokeText,
    types: [chunks[0]?.type, last?.type],
    metrics: last?.["amazon-bedrock-invocationMetrics"],
    chunks: chunks.length,
  };
});

// 4. Errors: the SDK must raise the modeled exception classes.
await check("error-unknown-model", async () => {
  const error = await failure(() =>
    runtime.send(new ConverseCommand({ modelId: "acme.nothing-v1:0", messages: PROMPT })),
  );
  return errorCheck(
    error,
    ValidationException,
    BedrockRuntimeServiceException,
    "The provided model identifier is invalid.",
  );
});

await check("error-unknown-model-stream", async () => {
  const error = await failure(() =>
    runtime.send(new ConverseStreamCommand({ modelId: "acme.nothing-v1:0", messages: PROMPT })),
  );
  return errorCheck(
    error,
    ValidationException,
    BedrockRuntimeServiceException,
    "The provided model identifier is invalid.",
  );
});

await check("error-temperature", async () => {
  const error = await failure(() =>
    runtime.send(
      new ConverseCommand({
        modelId: HAIKU,
        messages: PROMPT,
        inferenceConfig: { temperature: 1.5 },
      }),
    ),
  );
  return errorCheck(error, ValidationException, BedrockRuntimeServiceException);
});

await check("error-output-modality", async () => {
  const error = await failure(() =>
    bedrock.send(new ListFoundationModelsCommand({ byOutputModality: "SMELL" })),
  );
  return errorCheck(error, BedrockValidationException, BedrockServiceException);
});

runtime.destroy();
bedrock.destroy();
process.exit(failures === 0 ? 0 : 1);
