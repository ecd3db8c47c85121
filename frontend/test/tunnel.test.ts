import assert from "node:assert/strict";
import { test } from "node:test";
import {
  KernelRestartedError,
  Tunnel,
  TunnelClosedError,
  type TunnelOptions,
} from "../src/tunnel/tunnel";
import { Kind } from "../src/tunnel/wire";
import { FakeClock } from "./fake-clock";
import { FakeKernelConnection } from "./fake-kernel-connection";
import { capture, FakeModel, tick } from "./fake-model";

function open(
  state: Record<string, unknown> = {},
  options: TunnelOptions & { kernel?: object } = {},
): { model: FakeModel; tunnel: Tunnel; clock: FakeClock } {
  const clock = new FakeClock();
  const { kernel, ...rest } = options;
  const model = new FakeModel(state, kernel === undefined ? {} : { kernel });
  const tunnel = new Tunnel("t", model, { ...clock.options, ...rest });
  return { model, tunnel, clock };
}

test("send_msg counts versions up and batches one task's sends into one numbered frame", async () => {
  const { model, tunnel } = open();
  const versions = Array.from({ length: 10_000 }, (_, i) => tunnel.send_msg(`m${i}`));
  assert.deepEqual(versions.slice(0, 3), [1, 2, 3]);
  assert.equal(versions.at(-1), 10_000);
  assert.equal(model.dataFrames().length, 0, "nothing leaves before the task ends");
  await tick();
  const frames = model.dataFrames();
  assert.equal(frames.length, 1);
  const frame = frames[0] as { p: string; s: number; b: [number, string][] };
  assert.equal(frame.p, tunnel._peerId);
  assert.equal(frame.s, 1);
  assert.equal(frame.b.length, 10_000);
  assert.deepEqual(frame.b[9_999], [10_000, "m9999"]);
  assert.deepEqual(tunnel.py_endpoint, [10_000, "m9999"]);
});

test("each tunnel has its own random peer id of 12 characters [0-9a-z]", () => {
  const ids = new Set(Array.from({ length: 50 }, () => open().tunnel._peerId));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^[0-9a-z]{12}$/);
});

test("the first frame is the hello, with what the front end can do", () => {
  const kernel = new FakeKernelConnection();
  const { model } = open({}, { kernel });
  assert.deepEqual(model.sent, [
    {
      p: model.peer,
      h: { v: 2, f: null, w: 0, caps: { subshells: "perCommTarget", supportsSubshells: true } },
    },
  ]);
  kernel.commsOverSubshells = undefined;
  kernel.supportsSubshells = undefined;
  assert.deepEqual((open({}, { kernel }).model.sent[0] as { h: { caps: unknown } }).h.caps, {
    subshells: null,
  });
  assert.deepEqual((open().model.sent[0] as { h: { caps: unknown } }).h.caps, { subshells: null });
});

test("versions continue from the widget state after a reload; a left-out message reads as empty", () => {
  const { tunnel } = open({ py_endpoint: [41, "old"], js_endpoint: [7, "x"] });
  assert.equal(tunnel.send_msg("next"), 42);
  assert.equal(tunnel.send_msg_with_version(6, "stale"), false);
  assert.equal(tunnel.send_msg_with_version(7, "fresh"), true);
  const large = open({ py_endpoint: [9, null], js_endpoint: [3, null] }).tunnel;
  assert.deepEqual(large.py_endpoint, [9, ""]);
  assert.deepEqual(large.js_endpoint, [3, ""]);
  assert.equal(large.send_msg("x"), 10);
});

test("send_msg_with_version drops replies older than the newest received message", async () => {
  const { model, tunnel } = open();
  model.greet();
  model.push([[5, "req"]]);
  assert.equal(tunnel.send_msg_with_version(4, "old"), false);
  assert.equal(tunnel.send_msg_with_version(5, "reply"), true);
  assert.equal(tunnel.send_msg_with_version(5, "second reply"), true);
  await tick();
  assert.deepEqual(model.entries(), [
    [5, "reply"],
    [5, "second reply"],
  ]);
  assert.equal(tunnel.send_msg("push"), 6);
});

test("replies, errors and cancellations neither move the version counter nor reach on_receive", async () => {
  const { model, tunnel } = open();
  const got: [number, string][] = [];
  tunnel.on_receive((v, m) => got.push([v, m]));
  model.greet();
  model.push([
    [40, "typed reply", Kind.Reply],
    [2, "plain", Kind.Message],
    [41, "error", Kind.Error],
    [42, "cancel", Kind.Cancel],
  ]);
  assert.deepEqual(got, [[2, "plain"]]);
  assert.deepEqual(tunnel.js_endpoint, [2, "plain"]);
  tunnel._sendKind(30, "a reply", Kind.Reply, false);
  assert.equal(tunnel.send_msg("next"), 1);
  await tick();
  assert.deepEqual(model.entries(), [
    [30, "a reply", Kind.Reply],
    [1, "next"],
  ]);
});

test("bad arguments raise TypeError naming what was given", () => {
  const { tunnel } = open();
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

test("a lone surrogate is refused with a RangeError naming its index, before it joins a batch", async () => {
  const { model, tunnel } = open();
  tunnel.send_msg("fine 😀");
  assert.throws(() => tunnel.send_msg("ab\ud800c"), {
    name: "RangeError",
    message: /send_msg\(\).*\(U\+D800\) at index 2/,
  });
  assert.throws(() => tunnel.send_msg("x\udfff"), { name: "RangeError", message: /at index 1/ });
  assert.throws(() => tunnel.send_msg_with_version(1, "😀\ud83d"), {
    name: "RangeError",
    message: /at index 2/,
  });
  assert.throws(() => tunnel._sendKind(1, "\udc00", Kind.Error, false), {
    name: "RangeError",
    message: /at index 0/,
  });
  assert.equal(tunnel.send_msg("next"), 2, "a refused message takes no version");
  await tick();
  assert.deepEqual(model.entries(), [
    [1, "fine 😀"],
    [2, "next"],
  ]);
});

test("messages wait for the hello answer and a handler, then arrive in order", () => {
  const { model, tunnel } = open();
  model.push([
    [1, "a"],
    [2, "b"],
  ]);
  model.push([[3, "c"]]);
  assert.equal(tunnel.stats.pendingIn, 0, "held until the hello is answered");
  model.greet(1);
  assert.equal(tunnel.stats.pendingIn, 3);
  const got: [number, string][] = [];
  tunnel.on_receive((v, m) => got.push([v, m]));
  assert.deepEqual(got, [
    [1, "a"],
    [2, "b"],
    [3, "c"],
  ]);
  assert.deepEqual(tunnel.js_endpoint, [3, "c"]);
});

test("on_receive replaces the previous handler", () => {
  const { model, tunnel } = open();
  model.greet();
  const first: number[] = [];
  const second: number[] = [];
  tunnel.on_receive((v) => first.push(v));
  model.push([[1, "a"]]);
  tunnel.on_receive((v) => second.push(v));
  model.push([[2, "b"]]);
  assert.deepEqual([first, second], [[1], [2]]);
});

test("the pending queue is bounded and overflow is reported", () => {
  const warnings = capture("warn");
  try {
    const { model, tunnel } = open({}, { maxPending: 3 });
    model.greet();
    model.push([
      [1, "a"],
      [2, "b"],
      [3, "c"],
      [4, "d"],
      [5, "e"],
    ]);
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
    const { model, tunnel } = open();
    model.greet();
    const got: string[] = [];
    tunnel.on_receive((_v, m) => {
      if (m === "boom") throw new Error("boom");
      got.push(m);
    });
    model.push([
      [1, "boom"],
      [2, "after"],
    ]);
    assert.deepEqual(got, ["after"]);
    assert.equal(tunnel.stats.handlerErrors, 1);
    assert.match(String(errors.lines[0]?.[0]), /threw on message version 1/);
  } finally {
    errors.restore();
  }
});

test("malformed frames are reported and skipped; a bad entry keeps its seq", () => {
  const errors = capture("error");
  try {
    const { model, tunnel } = open();
    model.greet();
    const got: number[] = [];
    tunnel.on_receive((v) => got.push(v));
    model.emit({ nonsense: true });
    model.push([[1, "ok"], [2, { not: "a string" }] as never, [3, "after"]]);
    assert.deepEqual(got, [1, 3]);
    assert.equal(tunnel.stats.badFrames, 2);
    assert.equal(errors.lines.length, 2);
    assert.match(String(errors.lines[0]?.[0]), /ignored a malformed frame/);
  } finally {
    errors.restore();
  }
});

test("a flood of malformed frames is summarised, not printed one by one", () => {
  const errors = capture("error");
  try {
    const { model, tunnel, clock } = open();
    for (let i = 0; i < 1_000; i += 1) model.emit({ garbage: i });
    assert.equal(errors.lines.length, 3);
    clock.advance(5_000);
    assert.equal(errors.lines.length, 4);
    assert.match(String(errors.lines[3]?.[0]), /997 more in the last 5 s \(1000 in all\)/);
    assert.equal(tunnel.stats.badFrames, 1_000);
  } finally {
    errors.restore();
  }
});

test("a closed tunnel refuses to send with a clear error, and stops its timers", () => {
  const { tunnel, clock } = open();
  tunnel.send_msg("unacked");
  tunnel.flush();
  tunnel._close();
  assert.equal(tunnel.closed, true);
  assert.throws(() => tunnel.send_msg("x"), TunnelClosedError);
  assert.throws(() => tunnel.send_msg("x"), /tunnel "t" is closed/);
  assert.equal(clock.timers, 0, "no hello or probe keeps running");
});

test("a large message goes out in k pieces of one seq that reassemble exactly", () => {
  const { model, tunnel } = open();
  const big = "é😀x".repeat(400_000);
  tunnel.send_msg(big);
  tunnel.flush();
  const pieces = model.dataFrames() as { s: number; k: [number, number]; b: [number, string][] }[];
  assert.ok(pieces.length > 1);
  assert.equal(pieces.map((frame) => frame.b[0]?.[1]).join(""), big);
  assert.deepEqual(
    pieces.map((frame) => frame.k),
    pieces.map((_, i) => [i, pieces.length]),
  );
  assert.ok(pieces.every((frame) => frame.s === 1));
});

test("the hello is repeated, backing off, until the kernel answers it", () => {
  const { model, clock } = open();
  const hellos = (): number => model.framesWith("h").length;
  assert.equal(hellos(), 1);
  clock.advance(1_999);
  assert.equal(hellos(), 1);
  clock.advance(1);
  assert.equal(hellos(), 2);
  clock.advance(4_000);
  assert.equal(hellos(), 3);
  clock.advance(8_000 + 16_000 + 30_000);
  assert.equal(hellos(), 6, "2, 4, 8, 16, 30 s apart");
  model.greet();
  clock.advance(120_000);
  assert.equal(hellos(), 6);
});

test("acks are cumulative, at most every 200 ms, and ride on data frames when there are any", async () => {
  const { model, tunnel, clock } = open();
  model.greet();
  model.push([[1, "a"]]);
  clock.advance(100);
  model.push([
    [2, "b"],
    [3, "c"],
  ]);
  assert.equal(model.framesWith("a").length, 0);
  clock.advance(100);
  assert.deepEqual(model.framesWith("a"), [{ p: model.peer, a: 3 }]);
  model.push([[4, "d"]]);
  tunnel.send_msg("reply");
  await tick();
  clock.advance(1_000);
  const acks = model.framesWith("a");
  assert.equal(acks.length, 2, "no frame of its own for the second ack");
  assert.deepEqual(acks[1], { p: model.peer, s: 1, b: [[1, "reply"]], a: 4 });
});

test("the page going away sends x: 1; coming back from the bfcache, a hello", () => {
  // Node's global object is no EventTarget; the page's window is.
  const page = new EventTarget();
  const host = globalThis as unknown as Record<string, unknown>;
  host.addEventListener = page.addEventListener.bind(page);
  host.removeEventListener = page.removeEventListener.bind(page);
  try {
    const { model, tunnel } = open();
    tunnel.send_msg("last words");
    page.dispatchEvent(new Event("pagehide"));
    assert.deepEqual(model.sent.slice(-2), [
      { p: model.peer, s: 1, b: [[1, "last words"]] },
      { p: model.peer, x: 1 },
    ]);
    const back = new Event("pageshow");
    Object.defineProperty(back, "persisted", { value: true });
    page.dispatchEvent(back);
    assert.deepEqual(
      Object.keys(model.sent.at(-1) ?? {}),
      ["p", "h"],
      "back from the bfcache: hello again",
    );
    tunnel._close();
    const count = model.sent.length;
    page.dispatchEvent(new Event("pagehide"));
    page.dispatchEvent(back);
    assert.equal(model.sent.length, count, "a closed tunnel stops listening");
  } finally {
    delete host.addEventListener;
    delete host.removeEventListener;
  }
});

test("a reconnect sends the hello again; its answer makes the page resend what the kernel lacks", () => {
  const kernel = new FakeKernelConnection();
  const { model, tunnel } = open({}, { kernel });
  model.greet();
  for (const msg of ["a", "b", "c"]) tunnel.send_msg(msg);
  tunnel.flush();
  model.emit({ a: { [model.peer]: 1 } });
  kernel.setConnection("connecting");
  kernel.setConnection("connected");
  assert.deepEqual(model.sent.at(-1), {
    p: model.peer,
    h: { v: 2, f: null, w: 3, caps: { subshells: "perCommTarget", supportsSubshells: true } },
  });
  model.emit({ a: { [model.peer]: 1 } });
  assert.deepEqual(model.sent.at(-1), {
    p: model.peer,
    s: 2,
    b: [
      [2, "b"],
      [3, "c"],
    ],
  });
  assert.equal(tunnel.stats.resent, 2);
});

for (const reason of ["restarting", "autorestarting", "dead", "disposed"]) {
  test(`the kernel ${reason}: tunnels close with KernelRestartedError and one console line`, () => {
    const kernel = new FakeKernelConnection();
    const one = open({}, { kernel }).tunnel;
    const two = open({}, { kernel }).tunnel;
    const other = open({}, { kernel: new FakeKernelConnection() }).tunnel;
    const warnings = capture("warn");
    return (async () => {
      try {
        if (reason === "disposed") kernel.dispose();
        else kernel.setStatus(reason);
        await tick();
      } finally {
        warnings.restore();
      }
      for (const tunnel of [one, two]) {
        assert.equal(tunnel.closed, true);
        assert.throws(
          () => tunnel.send_msg("x"),
          (error: unknown) => {
            assert.ok(error instanceof KernelRestartedError);
            assert.ok(error instanceof TunnelClosedError);
            assert.equal(error.name, "KernelRestartedError");
            assert.match(error.message, /^IPyCallback: tunnel "t" is closed: the kernel/);
            return true;
          },
        );
      }
      assert.equal(other.closed, false, "another kernel's tunnel stays open");
      assert.equal(warnings.lines.length, 1);
      assert.match(String(warnings.lines[0]?.[0]), /closed 2 tunnel\(s\): "t", "t"/);
      assert.equal(kernel.statusChanged.listeners, 0, "closed tunnels stop listening");
      other._close();
    })();
  });
}

for (const [what, fire] of [
  [
    "the kernel's shutdown_reply",
    (k: FakeKernelConnection) => k.iopub("shutdown_reply", { restart: true }),
  ],
  [
    "a new kernel process starting",
    (k: FakeKernelConnection) => k.iopub("status", { execution_state: "starting" }),
  ],
] as const) {
  test(`a restart asked elsewhere (REST, another user) closes tunnels: ${what}`, async () => {
    const kernel = new FakeKernelConnection();
    const { tunnel } = open({}, { kernel });
    kernel.iopub("status", { execution_state: "busy" });
    kernel.iopub("stream", { name: "stdout", text: "x" });
    assert.equal(tunnel.closed, false, "ordinary kernel messages change nothing");
    const warnings = capture("warn");
    try {
      fire(kernel);
      await tick();
    } finally {
      warnings.restore();
    }
    assert.equal(tunnel.closed, true);
    assert.throws(() => tunnel.send_msg("x"), KernelRestartedError);
    assert.equal(warnings.lines.length, 1);
  });
}

test("a tunnel created while the websocket is reconnecting says hello once it is connected", () => {
  const kernel = new FakeKernelConnection();
  kernel.connectionStatus = "connecting";
  const { model } = open({}, { kernel });
  assert.equal(model.sent.length, 0, "nothing is handed to a reconnecting connection");
  kernel.setConnection("connected");
  assert.equal(model.framesWith("h").length, 1);
  kernel.setConnection("connected");
  assert.equal(model.framesWith("h").length, 1, "only a change to connected counts");
});

test("nothing is handed to a reconnecting kernel connection; the hello after it recovers what was held", async () => {
  // JupyterLab queues what is sent while its websocket reconnects, and after the reconnect holds
  // that queue behind its own kernel_info request, which waits in the same queue: 3 s stalled.
  const kernel = new FakeKernelConnection();
  const { model, tunnel, clock } = open({}, { kernel });
  model.greet();
  tunnel.send_msg("a");
  tunnel.flush();
  model.emit({ a: { [model.peer]: 1 } });
  kernel.setConnection("connecting");
  const before = model.sent.length;
  tunnel.send_msg("b");
  await tick();
  model.push([[1, "from the kernel"]]);
  clock.advance(10_000); // the ack, probe and hello timers run: nothing leaves either
  assert.equal(model.sent.length, before);
  kernel.setConnection("connected");
  assert.deepEqual(model.sent.slice(before), [
    {
      p: model.peer,
      h: { v: 2, f: 1, w: 2, caps: { subshells: "perCommTarget", supportsSubshells: true } },
    },
  ]);
  model.emit({ a: { [model.peer]: 1 } });
  assert.deepEqual(model.sent.at(-1), { p: model.peer, s: 2, b: [[2, "b"]] });
});
