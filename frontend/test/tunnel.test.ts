import assert from "node:assert/strict";
import { test } from "node:test";
import { Tunnel, TunnelClosedError } from "../src/tunnel";
import { FakeModel, tick } from "./fake-model";

function capture(kind: "warn" | "error"): { lines: unknown[][]; restore: () => void } {
  const original = console[kind];
  const lines: unknown[][] = [];
  console[kind] = (...args: unknown[]) => void lines.push(args);
  return { lines, restore: () => void (console[kind] = original) };
}

test("send_msg counts versions up and batches one task's sends into one frame", async () => {
  const model = new FakeModel();
  const tunnel = new Tunnel("t", model);
  const versions = Array.from({ length: 10_000 }, (_, i) => tunnel.send_msg(`m${i}`));
  assert.deepEqual(versions.slice(0, 3), [1, 2, 3]);
  assert.equal(versions.at(-1), 10_000);
  assert.equal(model.sent.length, 0, "nothing leaves before the task ends");
  await tick();
  assert.equal(model.sent.length, 1);
  const frame = model.sent[0] as { b: [number, string][] };
  assert.equal(frame.b.length, 10_000);
  assert.deepEqual(frame.b[9_999], [10_000, "m9999"]);
  assert.deepEqual(tunnel.py_endpoint, [10_000, "m9999"]);
});

test("versions continue from the widget state after a reload", () => {
  const tunnel = new Tunnel("t", new FakeModel({ py_endpoint: [41, "old"], js_endpoint: [7, "x"] }));
  assert.equal(tunnel.send_msg("next"), 42);
  assert.equal(tunnel.send_msg_with_version(6, "stale"), false);
  assert.equal(tunnel.send_msg_with_version(7, "fresh"), true);
});

test("send_msg_with_version drops replies older than the newest received message", async () => {
  const model = new FakeModel();
  const tunnel = new Tunnel("t", model);
  model.emit({ b: [[5, "req"]] });
  assert.equal(tunnel.send_msg_with_version(4, "old"), false);
  assert.equal(tunnel.send_msg_with_version(5, "reply"), true);
  assert.equal(tunnel.send_msg_with_version(5, "second reply"), true);
  await tick();
  assert.deepEqual(model.sent, [{ b: [[5, "reply"], [5, "second reply"]] }]);
  assert.equal(tunnel.send_msg("push"), 6);
});

test("bad arguments raise TypeError naming what was given", () => {
  const tunnel = new Tunnel("t", new FakeModel());
  const anyTunnel = tunnel as unknown as Record<string, (...args: unknown[]) => unknown>;
  assert.throws(() => anyTunnel.send_msg?.call(tunnel, 42), {
    name: "TypeError",
    message: /msg to be a string, got number: 42/,
  });
  assert.throws(() => anyTunnel.send_msg_with_version?.call(tunnel, "3", "x"), {
    name: "TypeError",
    message: /version to be a non-negative integer, got string: "3"/,
  });
  assert.throws(() => anyTunnel.send_msg_with_version?.call(tunnel, 1.5, "x"), TypeError);
  assert.throws(() => anyTunnel.on_receive?.call(tunnel, "nope"), TypeError);
});

test("messages wait for a handler and arrive in order", () => {
  const model = new FakeModel();
  const tunnel = new Tunnel("t", model);
  model.emit({ b: [[1, "a"], [2, "b"]] });
  model.emit({ b: [[3, "c"]] });
  assert.equal(tunnel.stats.pendingIn, 3);
  const got: [number, string][] = [];
  tunnel.on_receive((v, m) => got.push([v, m]));
  assert.deepEqual(got, [[1, "a"], [2, "b"], [3, "c"]]);
  assert.deepEqual(tunnel.js_endpoint, [3, "c"]);
});

test("on_receive replaces the previous handler", () => {
  const model = new FakeModel();
  const tunnel = new Tunnel("t", model);
  const first: number[] = [];
  const second: number[] = [];
  tunnel.on_receive((v) => first.push(v));
  model.emit({ b: [[1, "a"]] });
  tunnel.on_receive((v) => second.push(v));
  model.emit({ b: [[2, "b"]] });
  assert.deepEqual([first, second], [[1], [2]]);
});

test("the pending queue is bounded and overflow is reported", () => {
  const warnings = capture("warn");
  try {
    const model = new FakeModel();
    const tunnel = new Tunnel("t", model, { maxPending: 3 });
    model.emit({ b: [[1, "a"], [2, "b"], [3, "c"], [4, "d"], [5, "e"]] });
    const got: number[] = [];
    tunnel.on_receive((v) => got.push(v));
    assert.deepEqual(got, [3, 4, 5]);
    assert.equal(tunnel.stats.dropped, 2);
    assert.match(String(warnings.lines[0]?.[0]), /dropped the 2 oldest/);
  } finally {
    warnings.restore();
  }
});

test("a throwing handler is reported and the next message still arrives", () => {
  const errors = capture("error");
  try {
    const model = new FakeModel();
    const tunnel = new Tunnel("t", model);
    const got: string[] = [];
    tunnel.on_receive((_v, m) => {
      if (m === "boom") throw new Error("boom");
      got.push(m);
    });
    model.emit({ b: [[1, "boom"], [2, "after"]] });
    assert.deepEqual(got, ["after"]);
    assert.equal(tunnel.stats.handlerErrors, 1);
    assert.match(String(errors.lines[0]?.[0]), /threw on message version 1/);
  } finally {
    errors.restore();
  }
});

test("malformed frames are reported and skipped", () => {
  const errors = capture("error");
  try {
    const model = new FakeModel();
    const tunnel = new Tunnel("t", model);
    const got: number[] = [];
    tunnel.on_receive((v) => got.push(v));
    model.emit({ nonsense: true });
    model.emit({ b: [[1, "ok"], [2, { not: "a string" }]] });
    assert.deepEqual(got, [1]);
    assert.equal(tunnel.stats.badFrames, 2);
    assert.equal(errors.lines.length, 2);
  } finally {
    errors.restore();
  }
});

test("a closed tunnel refuses to send with a clear error", () => {
  const tunnel = new Tunnel("gone", new FakeModel());
  tunnel._close();
  assert.equal(tunnel.closed, true);
  assert.throws(() => tunnel.send_msg("x"), TunnelClosedError);
  assert.throws(() => tunnel.send_msg("x"), /tunnel "gone" is closed/);
});

test("a large message goes out in pieces that reassemble exactly", async () => {
  const model = new FakeModel();
  const tunnel = new Tunnel("t", model);
  const big = "é😀x".repeat(400_000);
  tunnel.send_msg(big);
  await tick();
  const pieces = model.sent.map((frame) => (frame as { c: [number, string, boolean] }).c);
  assert.ok(pieces.length > 1);
  assert.equal(pieces.map((piece) => piece[1]).join(""), big);
  assert.deepEqual(
    pieces.map((piece) => piece[2]),
    pieces.map((_, i) => i === pieces.length - 1),
  );
});
