// Views and a fake kernel over a faulty network: nothing lost, duplicated, reordered or hung.
import assert from "node:assert/strict";
import { test } from "node:test";
import { capture } from "./fake-model";
import { FakeNet, type NetView } from "./fake-net";

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const msgs = (view: NetView): string[] => view.received.map(([, msg]) => msg);
const kernelGot = (net: FakeNet, view: NetView): string[] =>
  net.kernel.view(view.tunnel._peerId).received.map(([, msg]) => msg);

function sendAll(view: NetView, prefix: string, count: number): number[] {
  return range(1, count).map((i) => view.tunnel.send_msg(`${prefix}${i}`));
}

test("two views: every kernel message reaches each view once, in order; each view counts its own versions", () => {
  const net = new FakeNet();
  const [one, two] = [net.addView(), net.addView()];
  net.pump();
  for (const i of range(1, 100)) net.kernel.send(`k${i}`);
  assert.deepEqual(sendAll(one, "a", 50), range(1, 50));
  assert.deepEqual(
    sendAll(two, "b", 50),
    range(1, 50),
    "each view counts from the state, on its own",
  );
  net.pump();
  const expected = range(1, 100).map((i) => `k${i}`);
  assert.deepEqual(msgs(one), expected);
  assert.deepEqual(msgs(two), expected);
  assert.deepEqual(
    kernelGot(net, one),
    range(1, 50).map((i) => `a${i}`),
  );
  assert.deepEqual(
    kernelGot(net, two),
    range(1, 50).map((i) => `b${i}`),
  );
  assert.deepEqual(net.kernel.problems, []);
});

test("an entry addressed to one view is skipped by the others, which still count its seq", () => {
  const net = new FakeNet();
  const [one, two] = [net.addView(), net.addView()];
  net.pump();
  net.kernel.send("reply for one", { to: one.tunnel._peerId, version: 7 });
  net.kernel.send("for all");
  net.run(300);
  assert.deepEqual(msgs(one), ["reply for one", "for all"]);
  assert.deepEqual(msgs(two), ["for all"]);
  assert.equal(two.model.framesWith("n").length, 0, "no gap was seen");
  assert.equal(net.kernel.view(two.tunnel._peerId).acked, 2, "the skipped entry is acknowledged");
  assert.equal(net.kernel.kept, 0, "both views acked both entries");
});

test("a data frame lost on its way to the kernel is resent after a probe", () => {
  const net = new FakeNet();
  const view = net.addView();
  net.pump();
  let dropped = 0;
  net.dropUp = (frame) => Array.isArray(frame.b) && dropped++ === 0;
  sendAll(view, "m", 3);
  net.pump();
  assert.deepEqual(kernelGot(net, view), []);
  net.run(1_900);
  assert.equal(view.model.framesWith("w").length, 0, "no probe before 2 s");
  net.run(200);
  assert.deepEqual(
    view.model.framesWith("w").map((frame) => frame.w),
    [3],
  );
  assert.deepEqual(kernelGot(net, view), ["m1", "m2", "m3"]);
  assert.equal(view.tunnel.stats.resent, 3);
  assert.equal(view.tunnel.stats.unacked, 0);
  assert.equal(net.kernel.view(view.tunnel._peerId).duplicates, 0);
});

test("a kernel frame lost on its way to a view is nacked once the gap lasts, and resent", () => {
  const net = new FakeNet();
  const view = net.addView();
  net.pump();
  net.kernel.send("k1");
  net.pump();
  net.dropDown = () => true;
  net.kernel.send("k2");
  net.pump();
  net.dropDown = () => false;
  net.kernel.send("k3");
  net.pump();
  assert.deepEqual(msgs(view), ["k1"], "k3 waits behind the gap");
  assert.equal(view.tunnel.stats.outOfOrder, 1);
  net.run(100);
  assert.equal(view.model.framesWith("n").length, 0, "a gap may be reordering: not nacked at once");
  net.run(200);
  assert.deepEqual(
    view.model.framesWith("n").map((frame) => frame.n),
    [2],
  );
  assert.deepEqual(msgs(view), ["k1", "k2", "k3"]);
  assert.equal(view.tunnel.stats.duplicates, 1, "k3 came twice");
});

test("a lost tail is found by the kernel's tail probe", () => {
  const net = new FakeNet();
  const view = net.addView();
  net.pump();
  net.kernel.send("k1");
  net.pump();
  net.dropDown = () => true;
  net.kernel.send("k2");
  net.pump();
  net.dropDown = () => false;
  net.run(5_000);
  assert.deepEqual(msgs(view), ["k1"], "nothing shows the view that k2 exists");
  net.kernel.probeTail();
  net.pump();
  assert.deepEqual(msgs(view), ["k1", "k2"]);
  // Once up to date, a tail probe is answered with the ack again (it may have been lost).
  const acks = view.model.framesWith("a").length;
  net.kernel.probeTail();
  net.pump();
  assert.equal(view.model.framesWith("a").length, acks + 1);
  assert.equal(view.model.framesWith("n").length, 1);
});

test("frames reordered in either direction are delivered in seq order", () => {
  const net = new FakeNet();
  const view = net.addView();
  net.pump();
  for (const msg of ["a", "b", "c"]) {
    view.tunnel.send_msg(msg);
    view.tunnel.flush();
  }
  net.up.reverse();
  net.deliverUp();
  assert.deepEqual(kernelGot(net, view), ["a", "b", "c"]);
  for (const msg of ["x", "y", "z"]) {
    net.kernel.send(msg);
    net.kernel.flush();
  }
  net.down.reverse();
  net.deliverDown();
  assert.deepEqual(msgs(view), ["x", "y", "z"]);
  assert.equal(view.tunnel.stats.outOfOrder, 2, "z and y waited for x");
  net.run(3_000);
  assert.equal(view.model.framesWith("n").length, 0, "the gap filled before any nack");
  assert.equal(view.tunnel.stats.resent, 0);
});

test("duplicated frames are dropped and counted on both sides", () => {
  const net = new FakeNet();
  const view = net.addView();
  net.pump();
  sendAll(view, "m", 3);
  view.tunnel.flush();
  net.up = [...net.up, ...net.up];
  net.deliverUp();
  assert.deepEqual(kernelGot(net, view), ["m1", "m2", "m3"]);
  assert.equal(net.kernel.view(view.tunnel._peerId).duplicates, 3);
  net.kernel.send("k1");
  net.kernel.flush();
  net.down = [...net.down, ...net.down];
  net.deliverDown();
  assert.deepEqual(msgs(view), ["k1"]);
  assert.equal(view.tunnel.stats.duplicates, 1);
});

test("a websocket drop loses frames both ways; the hello after the reconnect resends both ways", () => {
  const net = new FakeNet();
  const [one, two] = [net.addView(), net.addView()];
  net.pump();
  net.cut(one);
  sendAll(one, "lost", 5);
  for (const i of range(1, 5)) net.kernel.send(`k${i}`);
  net.pump();
  assert.deepEqual(kernelGot(net, one), []);
  assert.deepEqual(msgs(one), []);
  assert.equal(msgs(two).length, 5);
  net.reconnect(one);
  const hellos = one.model.framesWith("h");
  assert.equal(hellos.length, 2, "a hello at creation and one after the reconnect");
  assert.deepEqual((hellos[1] as { h: unknown }).h, {
    v: 2,
    f: null,
    w: 5,
    caps: { subshells: "perCommTarget", supportsSubshells: true },
  });
  net.pump(); // no time passes: the hello alone brings everything back
  assert.deepEqual(
    kernelGot(net, one),
    range(1, 5).map((i) => `lost${i}`),
  );
  assert.deepEqual(
    msgs(one),
    range(1, 5).map((i) => `k${i}`),
  );
  assert.deepEqual(
    msgs(two),
    range(1, 5).map((i) => `k${i}`),
    "the other view got nothing twice",
  );
  assert.equal(net.kernel.view(one.tunnel._peerId).duplicates, 0);
});

for (const noticed of [false, true]) {
  const what = noticed ? "JupyterLab reconnecting" : "a black hole";
  test(`a long outage (${what}) still ends with everything once, in order`, () => {
    const net = new FakeNet();
    const view = net.addView();
    net.pump();
    net.cut(view, { noticed });
    const before = view.model.sent.length;
    sendAll(view, "m", 20);
    for (const i of range(1, 20)) net.kernel.send(`k${i}`);
    net.run(24_000, 500); // JupyterLab reconnects 9-24 s later; probes back off meanwhile
    const probes = view.model.framesWith("w");
    if (noticed) {
      // JupyterLab would only queue them, and hold its queue for 3 s after reconnecting.
      assert.equal(
        view.model.sent.length,
        before,
        "nothing is handed to a reconnecting connection",
      );
    } else {
      assert.ok(probes.length >= 3 && probes.length <= 5, `probes back off: ${probes.length}`);
      view.connection.setConnection("connecting"); // the reset that ends a black hole
    }
    net.reconnect(view);
    net.run(1_000);
    assert.deepEqual(
      kernelGot(net, view),
      range(1, 20).map((i) => `m${i}`),
    );
    assert.deepEqual(
      msgs(view),
      range(1, 20).map((i) => `k${i}`),
    );
    assert.equal(view.tunnel.stats.unacked, 0);
  });
}

test("a view that appears after the kernel sent gets everything the kernel kept for it", () => {
  const net = new FakeNet();
  net.kernel.send("before 1");
  net.kernel.send("before 2");
  net.kernel.flush(); // to nobody: no page yet (marimo's first run)
  const view = net.addView();
  net.pump();
  assert.deepEqual(msgs(view), ["before 1", "before 2"]);
});

test("a second view starts where the kernel's kept entries start", () => {
  const net = new FakeNet();
  const one = net.addView();
  net.pump();
  net.kernel.send("k1");
  net.run(300); // one acks k1: the kernel stops keeping it
  assert.equal(net.kernel.kept, 0);
  const two = net.addView();
  net.pump();
  net.kernel.send("k2");
  net.pump();
  assert.deepEqual(msgs(one), ["k1", "k2"]);
  assert.deepEqual(msgs(two), ["k2"]);
});

test("kernel entries evicted before a view asked again are skipped, counted and reported once", () => {
  const net = new FakeNet({ maxKept: 2 });
  const view = net.addView();
  net.pump();
  net.cut(view);
  for (const i of range(1, 5)) net.kernel.send(`k${i}`);
  net.pump();
  const warnings = capture("warn");
  try {
    net.reconnect(view);
    net.pump();
  } finally {
    warnings.restore();
  }
  assert.deepEqual(msgs(view), ["k4", "k5"]);
  assert.equal(view.tunnel.stats.lost, 3);
  assert.equal(warnings.lines.length, 1);
  assert.match(
    String(warnings.lines[0]?.[0]),
    /3 message\(s\) from the kernel were lost \(seq 1 to 3\)/,
  );
});

test("page entries evicted before the kernel asked are declared gone (g) and reported", () => {
  const net = new FakeNet();
  const view = net.addView({ maxKeptEntries: 2 });
  net.pump();
  net.cut(view);
  sendAll(view, "m", 5);
  net.pump();
  assert.equal(view.tunnel.stats.evicted, 3);
  assert.equal(view.tunnel.stats.unacked, 2, "the newest two are kept");
  const warnings = capture("warn");
  try {
    net.reconnect(view);
    net.pump();
  } finally {
    warnings.restore();
  }
  assert.deepEqual(
    view.model.framesWith("g").map((frame) => frame.g),
    [[1, 3]],
  );
  assert.deepEqual(kernelGot(net, view), ["m4", "m5"]);
  assert.equal(net.kernel.view(view.tunnel._peerId).lost, 3);
  assert.equal(warnings.lines.length, 1);
  assert.match(
    String(warnings.lines[0]?.[0]),
    /3 message\(s\) to the kernel were lost \(seq 1 to 3\)/,
  );
});

test("a large message travels in pieces; a lost piece makes the whole entry go again", () => {
  const net = new FakeNet();
  const view = net.addView({ maxFrameUnits: 1_000 });
  net.pump();
  const big = "é😀x".repeat(1_000); // 4,000 units: 5 pieces
  let pieces = 0;
  net.dropUp = (frame) => Array.isArray(frame.k) && pieces++ === 1;
  view.tunnel.send_msg(big);
  view.tunnel.send_msg("after");
  net.pump();
  assert.deepEqual(kernelGot(net, view), [], "the entry is incomplete; 'after' waits behind it");
  net.run(2_100);
  assert.equal(kernelGot(net, view)[0], big);
  assert.equal(kernelGot(net, view)[1], "after");
  assert.ok(
    net.kernel.view(view.tunnel._peerId).duplicates >= 1,
    "the pieces that did arrive came again",
  );
});

test("the kernel answering a later hello with an ack only still ends the hello", () => {
  const net = new FakeNet({ repeatHelloAnswer: false });
  const view = net.addView();
  net.pump();
  net.cut(view);
  net.reconnect(view);
  net.run(10_000);
  assert.equal(view.model.framesWith("h").length, 2, "answered: not repeated");
});

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("under random loss, duplication and reordering both ways, every message arrives once, in order", () => {
  for (const seed of [1, 2, 3]) {
    const rand = random(seed);
    const net = new FakeNet();
    const views = [net.addView(), net.addView()];
    net.dropUp = () => rand() < 0.2;
    net.dropDown = () => rand() < 0.2;
    const sentBy = new Map<NetView, string[]>(views.map((view) => [view, []]));
    const kernelSent: string[] = [];
    for (let round = 0; round < 40; round += 1) {
      for (const view of views) {
        for (let i = 0; i < 1 + Math.floor(rand() * 5); i += 1) {
          const msg = `${view.name}-${round}-${i}`;
          view.tunnel.send_msg(msg);
          sentBy.get(view)?.push(msg);
        }
        view.tunnel.flush();
      }
      for (let i = 0; i < Math.floor(rand() * 5); i += 1) {
        kernelSent.push(`k-${round}-${i}`);
        net.kernel.send(`k-${round}-${i}`);
      }
      net.kernel.flush();
      if (rand() < 0.3) net.up = [...net.up, ...net.up.filter(() => rand() < 0.5)];
      if (rand() < 0.3) net.down = [...net.down].sort(() => rand() - 0.5);
      if (rand() < 0.3) net.up.reverse();
      if (rand() < 0.1) net.kernel.probeTail();
      net.deliverUp();
      net.deliverDown();
      net.clock.advance(Math.floor(rand() * 500));
    }
    net.dropUp = () => false;
    net.dropDown = () => false;
    net.kernel.probeTail();
    net.run(120_000, 250);
    for (const view of views) {
      assert.deepEqual(
        kernelGot(net, view),
        sentBy.get(view),
        `seed ${seed}: ${view.name} -> kernel`,
      );
      assert.deepEqual(msgs(view), kernelSent, `seed ${seed}: kernel -> ${view.name}`);
      assert.equal(view.tunnel.stats.unacked, 0);
      assert.equal(view.tunnel.stats.lost, 0);
    }
    assert.equal(net.kernel.kept, 0, `seed ${seed}: the kernel keeps nothing once all acked`);
    // The faults did happen, and were made good.
    assert.ok(
      net.lostUp > 10 && net.lostDown > 10,
      `seed ${seed}: lost ${net.lostUp} up, ${net.lostDown} down`,
    );
    assert.ok(
      views.every((view) => view.tunnel.stats.resent > 0 && view.tunnel.stats.duplicates > 0),
    );
  }
});
