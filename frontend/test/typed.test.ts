import assert from "node:assert/strict";
import { test } from "node:test";
import { Tunnel } from "../src/tunnel";
import {
  MessageValidationError,
  RequestTimeoutError,
  SupersededError,
  TunnelError,
} from "../src/typed/errors";
import { TypedTunnel } from "../src/typed/typed-tunnel";
import type { Validator } from "../src/typed/validate";
import { FakeModel, tick } from "./fake-model";

type Query = { type: "Query"; text: string; limit?: number };
type Stop = { type: "Stop" };
type QueryResult = { type: "QueryResult"; query: string; hits: string[] };
type Status = { type: "Status"; count: number };

// Small hand-written validators: these tests are about the tunnel, not the schema compiler.
const outgoing: Validator = (value) => {
  const msg = value as Record<string, unknown>;
  if (msg.type === "Query" && typeof msg.limit === "number" && msg.limit < 1) {
    return { path: "$.limit", message: "expected integer >= 1, got " + msg.limit };
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

function setup(): { model: FakeModel; typed: TypedTunnel<Query | Stop, QueryResult | Status, { Query: "QueryResult" }> } {
  const model = new FakeModel();
  const typed = new TypedTunnel<Query | Stop, QueryResult | Status, { Query: "QueryResult" }>(
    new Tunnel("t", model),
    {
      validateOutgoing: outgoing,
      validateIncoming: incoming,
      replies: { Query: "QueryResult" },
      incomingTags: ["QueryResult", "Status"],
    },
  );
  return { model, typed };
}

const frames = (model: FakeModel): unknown[][] =>
  model.sent.flatMap((frame) => (frame as { b: unknown[][] }).b);

test("send validates, then sends the JSON text", async () => {
  const { model, typed } = setup();
  assert.equal(typed.send({ type: "Query", text: "abc" }), 1);
  assert.throws(() => typed.send({ type: "Query", text: "abc", limit: 0 }), (error: unknown) => {
    assert.ok(error instanceof MessageValidationError);
    assert.equal(error.path, "$.limit");
    return true;
  });
  await tick();
  assert.deepEqual(frames(model), [[1, '{"type":"Query","text":"abc"}']]);
});

test("handlers are narrowed by tag and see only valid messages", () => {
  const { model, typed } = setup();
  const counts: number[] = [];
  typed.on("Status", (_version, msg) => counts.push(msg.count));
  model.emit({ b: [[1, '{"type":"Status","count":3}'], [2, '{"type":"Status","count":"x"}']] });
  assert.deepEqual(counts, [3]);
  assert.equal(typed.stats.rejected, 1);
});

test("bad messages are reported back to the kernel as structured errors", async () => {
  const { model, typed } = setup();
  typed.on("Status", () => {
    throw new Error("handler broke");
  });
  const errors = console.error;
  console.error = () => {};
  try {
    model.emit({ b: [[4, '{"type":"Status","count":"x"}'], [5, '{"type":"Nope"}'], [6, "plain"], [7, '{"type":"Status","count":1}']] });
  } finally {
    console.error = errors;
  }
  await tick();
  const reports = frames(model).map(([version, text, kind]) => [version, JSON.parse(String(text)), kind]);
  assert.deepEqual(reports, [
    [4, { code: "validation", message: "expected integer", path: "$.count", type: "Status" }, 2],
    [5, { code: "unknown_type", message: 'unknown type "Nope"', path: "$.type", type: "Nope" }, 2],
    [6, { code: "unknown_type", message: "not a declared message: expected an object with a type tag" }, 2],
    [7, { code: "handler_exception", message: "Error: handler broke", type: "Status" }, 2],
  ]);
  assert.equal(typed.tunnel.send_msg("still works"), 8, "versions keep counting upwards");
});

test("plain strings reach the fallback handler", () => {
  const { model, typed } = setup();
  const plain: string[] = [];
  typed.onPlain((_v, msg) => plain.push(msg));
  model.emit({ b: [[1, "hello"], [2, "[1, 2]"]] });
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
  model.emit({ b: [[1, '{"type":"QueryResult","query":"a","hits":[]}', 1], [2, '{"type":"QueryResult","query":"ab","hits":["x"]}', 1]] });
  const reply = await second;
  assert.equal(reply.query, "ab");
  assert.deepEqual(reply.hits, ["x"]);
  assert.deepEqual(pushed, []);
  assert.equal(typed.stats.staleReplies, 1);
  // A pushed QueryResult (not a reply) with any version still reaches its handler.
  model.emit({ b: [[1, '{"type":"QueryResult","query":"pushed","hits":[]}']] });
  assert.deepEqual(pushed, ["pushed"]);
});

test("an error report for a request rejects it with a TunnelError", async () => {
  const { model, typed } = setup();
  const pending = typed.request({ type: "Query", text: "a" });
  model.emit({ b: [[1, '{"code":"handler_exception","message":"ValueError: no","type":"Query"}', 2]] });
  await assert.rejects(pending, (error: unknown) => {
    assert.ok(error instanceof TunnelError);
    assert.equal(error.code, "handler_exception");
    assert.equal(error.version, 1);
    return true;
  });
});

test("request honours timeoutMs and AbortSignal", async () => {
  const { typed } = setup();
  await assert.rejects(typed.request({ type: "Query", text: "a" }, { timeoutMs: 10 }), RequestTimeoutError);
  const controller = new AbortController();
  const pending = typed.request({ type: "Query", text: "b" }, { signal: controller.signal });
  controller.abort(new Error("user left"));
  await assert.rejects(pending, /user left/);
  await assert.rejects(typed.request({ type: "Stop" } as never), /Stop has no declared reply type/);
});

test("__proto__ keys never reach Object.prototype", () => {
  const { model, typed } = setup();
  const got: unknown[] = [];
  typed.on("Status", (_v, msg) => got.push(msg));
  model.emit({ b: [[1, '{"type":"Status","count":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}']] });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(got.length, 1);
  assert.ok(Object.hasOwn(got[0] as object, "__proto__"), "validation saw the real own key");
});
