import assert from "node:assert/strict";
import { test } from "node:test";
import { TunnelRegistry } from "../src/tunnel/registry";
import { KernelRestartedError, Tunnel, TunnelClosedError } from "../src/tunnel/tunnel";
import { Kind } from "../src/tunnel/wire";
import {
  MessageValidationError,
  RequestTimeoutError,
  SupersededError,
  TunnelError,
} from "../src/typed/errors";
import { installTyped } from "../src/typed/page-api";
import { typedSchemaOf } from "../src/typed/schema-watch";
import { TypedTunnel } from "../src/typed/typed-tunnel";
import type { Validator } from "../src/typed/validate";
import { NESTING_LIMIT } from "../src/typed/wire-limits";
import { FakeClock } from "./fake-clock";
import { FakeKernelConnection } from "./fake-kernel-connection";
import { capture, FakeModel, tick } from "./fake-model";

type Query = { type: "Query"; text: string; limit?: number };
type Stop = { type: "Stop" };
type QueryResult = { type: "QueryResult"; query: string; hits: string[] };
type Status = { type: "Status"; count: number };

// Small hand-written validators: these tests are about the tunnel, not the schema compiler.
const outgoing: Validator = (value) => {
  const msg = value as Record<string, unknown>;
  if (msg.type === "Query" && typeof msg.limit === "number" && msg.limit < 1) {
    return { path: "$.limit", message: `expected integer >= 1, got ${msg.limit}` };
  }
  return null;
};
const incoming: Validator = (value) => {
  const msg = value as Record<string, unknown>;
  if (msg.type === "QueryResult" && !Array.isArray(msg.hits)) {
    return { path: "$.hits", message: "expected array" };
  }
  if (msg.type === "Status" && !Number.isSafeInteger(msg.count)) {
    return { path: "$.count", message: "expected integer" };
  }
  if (msg.type !== "QueryResult" && msg.type !== "Status") {
    return { path: "$.type", message: `unknown type "${String(msg.type)}"` };
  }
  return null;
};

type Search = TypedTunnel<Query | Stop, QueryResult | Status, { Query: "QueryResult" }>;

function setup(kernel?: FakeKernelConnection): {
  model: FakeModel;
  typed: Search;
  clock: FakeClock;
} {
  const clock = new FakeClock();
  const model = new FakeModel({}, kernel === undefined ? {} : { kernel });
  const typed: Search = new TypedTunnel(new Tunnel("t", model, clock.options), {
    validateOutgoing: outgoing,
    validateIncoming: incoming,
    replies: { Query: "QueryResult" },
    incomingTags: ["QueryResult", "Status"],
  });
  model.greet();
  return { model, typed, clock };
}

const frames = (model: FakeModel): unknown[][] => model.entries();

test("send validates, then sends the JSON text", async () => {
  const { model, typed } = setup();
  assert.equal(typed.send({ type: "Query", text: "abc" }), 1);
  assert.throws(
    () => typed.send({ type: "Query", text: "abc", limit: 0 }),
    (error: unknown) => {
      assert.ok(error instanceof MessageValidationError);
      assert.equal(error.path, "$.limit");
      return true;
    },
  );
  await tick();
  assert.deepEqual(frames(model), [[1, '{"type":"Query","text":"abc"}']]);
});

test("handlers are narrowed by tag and see only valid messages", () => {
  const { model, typed } = setup();
  const counts: number[] = [];
  typed.on("Status", (_version, msg) => counts.push(msg.count));
  model.push([
    [1, '{"type":"Status","count":3}'],
    [2, '{"type":"Status","count":"x"}'],
  ]);
  assert.deepEqual(counts, [3]);
  assert.equal(typed.stats.rejected, 1);
});

test("on() refuses a tag the kernel never sends, as Python's on() does", () => {
  const { typed } = setup();
  // A misspelt tag used to be accepted: its handler was then silently never called.
  const on = typed.on.bind(typed) as (tag: string, handler: () => void) => void;
  assert.throws(() => on("Statsu", () => {}), {
    name: "TypeError",
    message: 'on("Statsu"): not a message the kernel sends here (declared: QueryResult, Status)',
  });
  assert.doesNotThrow(() => on("Status", () => {}));
});

test("on_receive refuses to take a typed tunnel's messages from its typed layer", () => {
  const { model, typed } = setup();
  // It replaced the typed layer's handler: requests then waited for their timeouts.
  assert.throws(() => typed.tunnel.on_receive(() => {}), {
    name: "TypeError",
    message: /carries typed messages; receive its plain strings with onPlain/,
  });
  const counts: number[] = [];
  typed.on("Status", (_version, msg) => counts.push(msg.count));
  model.push([[1, '{"type":"Status","count":3}']]);
  assert.deepEqual(counts, [3]);
});

test("bad messages are reported back to the kernel as structured errors", async () => {
  const { model, typed } = setup();
  typed.on("Status", () => {
    throw new Error("handler broke");
  });
  const errors = console.error;
  console.error = () => {};
  try {
    model.push([
      [4, '{"type":"Status","count":"x"}'],
      [5, '{"type":"Nope"}'],
      [6, "plain"],
      [7, '{"type":"Status","count":1}'],
    ]);
  } finally {
    console.error = errors;
  }
  await tick();
  const reports = frames(model).map(([version, text, kind]) => [
    version,
    JSON.parse(String(text)),
    kind,
  ]);
  assert.deepEqual(reports, [
    [4, { code: "validation", message: "expected integer", path: "$.count", type: "Status" }, 2],
    [5, { code: "unknown_type", message: 'unknown type "Nope"', path: "$.type", type: "Nope" }, 2],
    [
      6,
      {
        code: "unknown_type",
        message: "not a declared message: expected an object with a type tag",
      },
      2,
    ],
    [7, { code: "handler_exception", message: "Error: handler broke", type: "Status" }, 2],
  ]);
  assert.equal(
    typed.tunnel.send_msg("still works"),
    1,
    "error reports carry the kernel's versions, not ours",
  );
});

test("the wire's limits hold both ways: unpaired surrogates and nesting past NESTING_LIMIT", async () => {
  const { model, typed } = setup();
  assert.throws(
    () => typed.send({ type: "Query", text: "a\ud800" }),
    (error: unknown) => {
      assert.ok(error instanceof MessageValidationError);
      assert.equal(error.path, "$.text");
      assert.match(error.reason, /unpaired UTF-16 surrogate/);
      return true;
    },
  );
  typed.send({ type: "Query", text: "\ud83d\ude00" }); // a pair is one character
  const counts: number[] = [];
  typed.on("Status", (_version, msg) => counts.push(msg.count));
  const deep = (n: number) => `{"type":"Status","count":1,"x":${"[".repeat(n)}${"]".repeat(n)}}`;
  model.push([
    [3, deep(NESTING_LIMIT - 1)],
    [4, deep(NESTING_LIMIT)],
    [5, deep(100_000)],
  ]);
  await tick();
  assert.deepEqual(counts, [1]);
  const reports = frames(model)
    .slice(1)
    .map(([version, text]) => [version, JSON.parse(String(text))]);
  const path = `$.x${"[0]".repeat(NESTING_LIMIT - 1)}`; // the message is the first level
  const nested = {
    code: "validation",
    message: `nested more than ${NESTING_LIMIT} levels deep`,
    path,
    type: "Status",
  };
  assert.deepEqual(reports, [
    [4, nested],
    [5, nested],
  ]);
});

test("plain strings reach the fallback handler", () => {
  const { model, typed } = setup();
  const plain: string[] = [];
  typed.onPlain((_v, msg) => plain.push(msg));
  model.push([
    [1, "hello"],
    [2, "[1, 2]"],
  ]);
  assert.deepEqual(plain, ["hello", "[1, 2]"]);
});

test("request resolves with its reply; a newer request supersedes the older one", async () => {
  const { model, typed } = setup();
  const first = typed.request({ type: "Query", text: "a" });
  const second = typed.request({ type: "Query", text: "ab" });
  await assert.rejects(first, (error: unknown) => {
    assert.ok(error instanceof SupersededError);
    assert.equal(error.name, "SupersededError");
    assert.equal(error.supersededBy, 2);
    return true;
  });
  const pushed: string[] = [];
  typed.on("QueryResult", (_v, msg) => pushed.push(msg.query));
  // The stale reply to version 1 is dropped; the reply to version 2 resolves.
  model.push([
    [1, '{"type":"QueryResult","query":"a","hits":[]}', 1],
    [2, '{"type":"QueryResult","query":"ab","hits":["x"]}', 1],
  ]);
  const reply = await second;
  assert.equal(reply.query, "ab");
  assert.deepEqual(reply.hits, ["x"]);
  assert.deepEqual(pushed, []);
  assert.equal(typed.stats.staleReplies, 1);
  // A pushed QueryResult (not a reply) with any version still reaches its handler.
  model.push([[1, '{"type":"QueryResult","query":"pushed","hits":[]}']]);
  assert.deepEqual(pushed, ["pushed"]);
});

test("an error report for a request rejects it with a TunnelError", async () => {
  const { model, typed } = setup();
  const pending = typed.request({ type: "Query", text: "a" });
  model.push([[1, '{"code":"handler_exception","message":"ValueError: no","type":"Query"}', 2]]);
  await assert.rejects(pending, (error: unknown) => {
    assert.ok(error instanceof TunnelError);
    assert.equal(error.code, "handler_exception");
    assert.equal(error.version, 1);
    return true;
  });
});

test("a timeoutMs setTimeout would not honour is refused before anything is sent", async () => {
  const { model, typed } = setup();
  // NaN, negatives and Infinity used to send the request, then time it out at once.
  for (const timeoutMs of [Number.NaN, -5, Number.POSITIVE_INFINITY, "100"]) {
    await assert.rejects(
      typed.request({ type: "Query", text: "a" }, { timeoutMs } as never),
      (error: Error) => error.name === "TypeError" && /expects timeoutMs/.test(error.message),
    );
  }
  await assert.rejects(typed.request(null as never), /a message without a "type" tag/);
  await tick();
  assert.deepEqual(frames(model), []);
});

test("request honours timeoutMs and AbortSignal, and tells the kernel it gave up", async () => {
  const { model, typed, clock } = setup();
  const timed = typed.request({ type: "Query", text: "a" }, { timeoutMs: 10 });
  clock.advance(9);
  assert.equal(
    await Promise.race([
      timed.then(
        () => "settled",
        () => "settled",
      ),
      tick().then(() => "waiting"),
    ]),
    "waiting",
  );
  clock.advance(1);
  await assert.rejects(timed, RequestTimeoutError);
  const controller = new AbortController();
  const pending = typed.request({ type: "Query", text: "b" }, { signal: controller.signal });
  controller.abort(new Error("user left"));
  await assert.rejects(pending, /user left/);
  await assert.rejects(typed.request({ type: "Stop" } as never), /Stop has no declared reply type/);
  await tick();
  const cancels = frames(model).filter((entry) => entry[2] === Kind.Cancel);
  assert.deepEqual(cancels, [
    [1, "timeout", Kind.Cancel],
    [2, "aborted", Kind.Cancel],
  ]);
});

test("__proto__ keys never reach Object.prototype", () => {
  const { model, typed } = setup();
  const got: unknown[] = [];
  typed.on("Status", (_v, msg) => got.push(msg));
  model.push([
    [
      1,
      '{"type":"Status","count":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    ],
  ]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(got.length, 1);
  assert.ok(Object.hasOwn(got[0] as object, "__proto__"), "validation saw the real own key");
});

test("a kernel restart rejects every pending request at once with KernelRestartedError", async () => {
  const kernel = new FakeKernelConnection();
  const { typed } = setup(kernel);
  typed.on("Status", () => {});
  const first = typed.request({ type: "Query", text: "a" }, { timeoutMs: 60_000 });
  const warnings = capture("warn");
  try {
    kernel.setStatus("autorestarting");
    await assert.rejects(first, (error: unknown) => {
      assert.ok(error instanceof KernelRestartedError);
      assert.equal(error.name, "KernelRestartedError");
      return true;
    });
  } finally {
    warnings.restore();
  }
  await assert.rejects(typed.request({ type: "Query", text: "b" }), KernelRestartedError);
});

test("a tunnel closed by the kernel rejects pending requests with TunnelClosedError", async () => {
  const { typed } = setup();
  const pending = typed.request({ type: "Query", text: "a" });
  typed.tunnel._close();
  await assert.rejects(
    pending,
    (error: unknown) =>
      error instanceof TunnelClosedError && !(error instanceof KernelRestartedError),
  );
});

test("a cancellation from the kernel reaches no handler", () => {
  const { model, typed } = setup();
  const seen: unknown[] = [];
  typed.on("Status", (_v, msg) => seen.push(msg));
  typed.onPlain((_v, msg) => seen.push(msg));
  model.push([
    [3, "no longer wanted", Kind.Cancel],
    [4, '{"type":"Status","count":1}'],
  ]);
  assert.deepEqual(seen, [{ type: "Status", count: 1 }]);
  assert.equal(typed.stats.rejected, 0);
});

test("a flood of handler errors is summarised; each still goes back to the kernel", async () => {
  const { model, typed, clock } = setup();
  typed.on("Status", () => {
    throw new Error("bad \ud800 luck");
  });
  const errors = capture("error");
  try {
    model.push(
      Array.from(
        { length: 100 },
        (_, i) => [i + 1, '{"type":"Status","count":1}'] as [number, string],
      ),
    );
    assert.equal(errors.lines.length, 3);
    clock.advance(5_000);
    assert.equal(errors.lines.length, 4);
    assert.match(
      String(errors.lines[3]?.[0]),
      /97 more in the last 5 s \(100 in all\); the latest: the handler for Status threw Error: bad/,
    );
  } finally {
    errors.restore();
  }
  await tick();
  const reports = frames(model).filter((entry) => entry[2] === Kind.Error);
  assert.equal(reports.length, 100);
  assert.equal(
    JSON.parse(String(reports[0]?.[1])).message,
    "Error: bad \ufffd luck",
    "a lone surrogate became U+FFFD",
  );
  assert.equal(typed.stats.handlerErrors, 100);
});

test("the typed layer reads its schema from the widget state and adds typed() to the registry", async () => {
  const model = new FakeModel();
  const tunnel = new Tunnel("t", model);
  const registry = new TunnelRegistry("test");
  assert.equal("typed" in registry, false, "the tunnel's registry knows nothing of types");
  const api = installTyped(registry);
  assert.equal(installTyped(registry), api, "installing twice (two bundle copies) is harmless");
  registry._register(tunnel);
  const early = typedSchemaOf(tunnel, 1_000);
  const schema = {
    toKernel: {
      discriminator: { propertyName: "type", mapping: { Stop: "#/$defs/Stop" } },
      oneOf: [{ $ref: "#/$defs/Stop" }],
    },
    toBrowser: {
      discriminator: { propertyName: "type", mapping: { Status: "#/$defs/Status" } },
      oneOf: [{ $ref: "#/$defs/Status" }],
    },
    replies: {},
    $defs: {
      Stop: { type: "object", properties: { type: { const: "Stop" } }, required: ["type"] },
      Status: {
        type: "object",
        properties: { type: { const: "Status" }, count: { type: "integer" } },
        required: ["type", "count"],
      },
    },
  };
  model.set("_typed_schema", JSON.stringify(schema));
  assert.equal(JSON.parse(await early).replies.constructor, Object);
  const typed = await api.typed("t", { timeoutMs: 1_000 });
  assert.equal(typed.tunnel, tunnel);
  assert.throws(() => typed.send({ type: "Stop", extra: 1n }), TypeError);
  const clock = new FakeClock();
  const bare = typedSchemaOf(new Tunnel("none", new FakeModel(), clock.options), 5);
  clock.advance(5);
  await assert.rejects(bare, /has no typed messages after 5 ms/);
});

test("send refuses values JSON would change when the validator does not check them", async () => {
  // Like ajv's code in a generated module: a Date passes its "type": "object".
  const { model, typed } = setup();
  const loose = typed as unknown as { send(msg: unknown): number };
  assert.throws(
    () => loose.send({ type: "Query", text: "a", when: { at: new Date(0) } }),
    (error: unknown) => {
      assert.ok(error instanceof MessageValidationError);
      assert.equal(error.path, "$.when.at");
      assert.match(error.message, /expected a JSON value, got Date/);
      return true;
    },
  );
  assert.throws(() => loose.send({ type: "Query", text: "a", extra: [1, Number.NaN] }), {
    path: "$.extra[1]",
  });
  assert.equal(typed.send({ type: "Query", text: "ok" }), 1);
  await tick();
  assert.deepEqual(frames(model), [[1, '{"type":"Query","text":"ok"}']]);
});

test("a validator that checks JSON values itself is trusted: no second walk", async () => {
  const clock = new FakeClock();
  const model = new FakeModel({});
  const typed = new TypedTunnel(new Tunnel("t", model, clock.options), {
    validateOutgoing: () => null,
    validateIncoming: incoming,
    replies: {},
    incomingTags: ["QueryResult"],
    checksJsonValues: true,
  }) as unknown as { send(msg: unknown): number };
  model.greet();
  // The validator said yes, so the Map goes as JSON.stringify writes it.
  assert.equal(typed.send({ type: "Query", m: new Map() }), 1);
  await tick();
  assert.deepEqual(frames(model), [[1, '{"type":"Query","m":{}}']]);
});
