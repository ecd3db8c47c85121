// Error reports between the two sides once both ask: whose version an error carries, the new
// codes, the declared reply type, and the kernel's asks in the no-build-step API.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Tunnel } from "../src/tunnel/tunnel";
import { Kind } from "../src/tunnel/wire";
import { MessageValidationError, readWireError, TunnelError } from "../src/typed/errors";
import { typedFromSchema } from "../src/typed/from-schema";
import { FakeClock } from "./fake-clock";
import { FakeModel, tick } from "./fake-model";
import { ask, errorsSent, type PickColour, quietly, replies, setup } from "./picker";

test("error reports on this page's replies never settle a request of the same version", async () => {
  const { model, typed } = setup();
  typed.on("PickColour", () => ({ type: "ColourPicked", colour: "c" }));
  const reported: TunnelError[] = [];
  typed.onError((error) => reported.push(error));
  const query = typed.request({ type: "Query", text: "q" }); // the page's version 1
  model.push([ask(1)]); // the kernel's version 1, answered at once
  await tick();
  const unknown =
    '{"code":"unknown_request","message":"no request with version 1 waits: it is unknown"}';
  const wrongType =
    '{"code":"validation","message":"expected a ColourPicked reply","path":"$","type":"PickColour"}';
  const bareValidation =
    '{"code":"validation","message":"Expected `str`, got `int`","path":"$.colour"}';
  const otherType = '{"code":"handler_exception","message":"Error: x","type":"Stop"}';
  model.push([
    [1, unknown, Kind.Error],
    [1, wrongType, Kind.Error],
    [1, bareValidation, Kind.Error],
    [1, otherType, Kind.Error],
  ]);
  assert.deepEqual(
    reported.map((error) => error.code),
    ["unknown_request", "validation", "validation", "handler_exception"],
  );
  model.push([[1, '{"type":"Result","text":"q"}', Kind.Reply]]);
  assert.deepEqual(
    await query,
    { type: "Result", text: "q" },
    "the request still waited for its reply",
  );
});

test("the kernel's unknown_request for a reply that crossed a cancel or a newer request is quiet", async () => {
  const { model, typed } = setup();
  typed.on("PickColour", () => ({ type: "ColourPicked", colour: "c" }));
  const reported: TunnelError[] = [];
  typed.onError((error) => reported.push(error));
  const unknown = (version: number): [number, string, Kind] => [
    version,
    '{"code":"unknown_request","message":"late"}',
    Kind.Error,
  ];
  model.push([ask(1)]);
  await tick();
  model.push([[1, "timeout", Kind.Cancel], unknown(1)]); // the reply crossed the kernel's timeout
  model.push([ask(2)]);
  await tick();
  model.push([ask(3)]); // the kernel superseded 2 before 2's reply came
  await tick();
  model.push([unknown(2), unknown(3)]);
  assert.deepEqual(
    reported.map((error) => error.version),
    [3],
    "only the unexplained one is reported",
  );
  assert.equal(typed.stats.errorsReceived, 3);
});

test("the kernel's error codes are read as sent, not as an unreadable report", () => {
  for (const code of [
    "no_handler",
    "unknown_request",
    "handler_exception",
    "validation",
    "unknown_type",
  ]) {
    const error = readWireError(3, JSON.stringify({ code, message: "m", type: "Query" }));
    assert.deepEqual([error.code, error.reason, error.type], [code, "m", "Query"]);
  }
  assert.match(
    readWireError(3, '{"code":"nope","message":"m"}').reason,
    /^unreadable error report/,
  );
});

test("a request of this page that no kernel handler took rejects with the no_handler error", async () => {
  const { model, typed } = setup();
  const pending = typed.request({ type: "Query", text: "q" });
  model.push([
    [
      1,
      '{"code":"no_handler","message":"the kernel has no handler for Query requests","type":"Query"}',
      Kind.Error,
    ],
  ]);
  await assert.rejects(
    pending,
    (error: unknown) => error instanceof TunnelError && error.code === "no_handler",
  );
});

test("a reply of the wrong type to the page's request rejects it and is reported back", async () => {
  const { model, typed } = setup();
  const pending = typed.request({ type: "Query", text: "q" });
  model.push([[1, '{"type":"PickColour","prompt":"?"}', Kind.Reply]]);
  await assert.rejects(pending, (error: unknown) => {
    assert.ok(error instanceof MessageValidationError);
    assert.equal(error.reason, "expected a Result reply to Query, got PickColour");
    return true;
  });
  const invalid = typed.request({ type: "Query", text: "r" });
  model.push([[2, '{"type":"Result","text":7}', Kind.Reply]]);
  await assert.rejects(invalid, MessageValidationError);
  await tick();
  assert.deepEqual(
    errorsSent(model).map(([version, body]) => [version, body.code, body.path, body.type]),
    [
      [1, "validation", "$", "Query"],
      [2, "validation", "$.text", "Result"],
    ],
  );
});

test("window.IPyCallback.typed(): the kernel's asks come from the schema in the widget state", async () => {
  const clock = new FakeClock();
  const object = (name: string, properties: Record<string, unknown>): Record<string, unknown> => ({
    type: "object",
    properties: { type: { const: name }, ...properties },
    required: ["type", ...Object.keys(properties)],
  });
  const union = (tags: string[]): Record<string, unknown> => ({
    anyOf: tags.map((tag) => ({ $ref: `#/$defs/${tag}` })),
    discriminator: {
      propertyName: "type",
      mapping: Object.fromEntries(tags.map((tag) => [tag, `#/$defs/${tag}`])),
    },
  });
  const schema = {
    format: 1,
    toKernel: union(["ColourPicked"]),
    toBrowser: union(["PickColour"]),
    replies: {},
    asks: { PickColour: "ColourPicked" },
    $defs: {
      PickColour: object("PickColour", { prompt: { type: "string" } }),
      ColourPicked: object("ColourPicked", { colour: { type: "string" } }),
    },
  };
  const model = new FakeModel();
  const typed = typedFromSchema(new Tunnel("t", model, clock.options), JSON.stringify(schema));
  model.greet();
  typed.on("PickColour", (_version: number, msg: PickColour, signal: AbortSignal) => ({
    type: "ColourPicked",
    colour: signal.aborted ? "never" : msg.prompt === "??" ? 1 : "red", // 1: refused by the schema
  }));
  await quietly(async () => {
    model.push([ask(1, "?"), ask(2, "??")]);
    await tick();
    model.push([ask(3, "?")]);
    await tick();
  });
  assert.equal(typed.stats.superseded, 1, "the burst ran only its newest request");
  assert.deepEqual(replies(model), [[3, { type: "ColourPicked", colour: "red" }]]);
  assert.deepEqual(
    errorsSent(model).map(([version, body]) => [version, body.code]),
    [[2, "handler_exception"]],
  );

  // A kernel that asks nothing leaves "asks" out: the type is an ordinary message then.
  const plainModel = new FakeModel();
  const withoutAsks = typedFromSchema(
    new Tunnel("u", plainModel, clock.options),
    JSON.stringify({ ...schema, asks: undefined }),
  );
  plainModel.greet();
  const pushed: string[] = [];
  withoutAsks.on("PickColour", (_version: number, msg: PickColour) => void pushed.push(msg.prompt));
  plainModel.push([ask(1, "pushed")]);
  assert.deepEqual(pushed, ["pushed"]);
  await tick();
  assert.deepEqual(replies(plainModel), []);
});
