// The stream engine of one view, driven frame by frame with a fake clock.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OutgoingStream } from "../src/tunnel/stream/outgoing";
import { ViewStream, type ViewStreamOptions } from "../src/tunnel/stream/view-stream";
import { type Incoming, Kind, type ViewFrame } from "../src/tunnel/wire";
import { FakeClock } from "./fake-clock";

const P = "peer0000test";

function stream(options: ViewStreamOptions = {}): {
  view: ViewStream;
  clock: FakeClock;
  sent: ViewFrame[];
  got: Incoming[];
  warnings: string[];
  kernel: (frame: Record<string, unknown>) => void;
} {
  const clock = new FakeClock();
  const sent: ViewFrame[] = [];
  const got: Incoming[] = [];
  const warnings: string[] = [];
  const view = new ViewStream(
    P,
    {
      send: (frame) => sent.push(JSON.parse(JSON.stringify(frame)) as ViewFrame),
      deliver: (entries) => got.push(...entries),
      caps: () => ({ subshells: null }),
      warn: (line) => warnings.push(line),
      badFrame: () => {},
    },
    { ...clock.options, ...options },
  );
  return { view, clock, sent, got, warnings, kernel: (frame) => view.receive(frame) };
}

const withField = (frames: ViewFrame[], key: keyof ViewFrame): ViewFrame[] =>
  frames.filter((frame) => frame[key] !== undefined);

test("probes start 2 s after the last ack progress and double up to 30 s", () => {
  const { view, clock, sent, kernel } = stream();
  kernel({ h: { [P]: 1 } });
  view.push(1, "a", Kind.Message);
  view.flush();
  const probeTimes: number[] = [];
  const start = clock.now();
  for (let t = 0; t < 100_000; t += 500) {
    const before = withField(sent, "w").length;
    clock.advance(500);
    if (withField(sent, "w").length > before) probeTimes.push(clock.now() - start);
  }
  assert.deepEqual(
    probeTimes,
    [2_000, 6_000, 14_000, 30_000, 60_000, 90_000],
    "2, 4, 8, 16, 30, 30 s apart",
  );
  assert.ok(withField(sent, "w").every((frame) => frame.w === 1));
  // Progress resets the wait to 2 s.
  view.push(2, "b", Kind.Message);
  view.flush();
  kernel({ a: { [P]: 1 } });
  const count = withField(sent, "w").length;
  clock.advance(1_999);
  assert.equal(withField(sent, "w").length, count);
  clock.advance(1);
  assert.equal(withField(sent, "w").length, count + 1);
  kernel({ a: { [P]: 2 } });
  clock.advance(100_000);
  assert.equal(withField(sent, "w").length, count + 1, "nothing unacknowledged: no probe");
});

test("a nack resends from its seq; an ack answering a probe resends only what was sent before it", () => {
  const { view, clock, sent, kernel } = stream();
  kernel({ h: { [P]: 1 } });
  for (const msg of ["a", "b", "c"]) view.push(0, msg, Kind.Message);
  view.flush();
  kernel({ n: { [P]: 2 } });
  assert.deepEqual(sent.at(-1), {
    p: P,
    s: 2,
    b: [
      [0, "b"],
      [0, "c"],
    ],
  });
  kernel({ a: { [P]: 3 } });
  view.push(0, "d", Kind.Message);
  view.flush();
  clock.advance(2_000); // probe: w = 4
  view.push(0, "e", Kind.Message);
  view.flush(); // in flight after the probe
  kernel({ a: { [P]: 3 } });
  assert.deepEqual(sent.at(-1), { p: P, s: 4, b: [[0, "d"]] }, "e is in flight, not missing");
  kernel({ a: { [P]: 3 } });
  assert.deepEqual(sent.at(-1), { p: P, s: 4, b: [[0, "d"]] }, "a plain ack resends nothing");
  assert.equal(view.stats.resent, 3);
});

test("retention is bounded by entries and by characters, evicting the oldest but never the only one", () => {
  const clock = new FakeClock();
  const byCount = new OutgoingStream(clock, () => {}, { maxKeptEntries: 3 });
  for (let i = 0; i < 5; i += 1) byCount.push([i, "x"]);
  assert.equal(byCount.kept, 5, "nothing is evicted before it was sent once");
  byCount.take();
  assert.equal(byCount.kept, 3);
  assert.equal(byCount.evicted, 2);
  const byUnits = new OutgoingStream(clock, () => {}, { maxKeptUnits: 10 });
  byUnits.push([1, "12345"]);
  byUnits.push([2, "123456"]);
  byUnits.take();
  assert.equal(byUnits.kept, 1, "11 characters > 10: the oldest goes");
  byUnits.push([3, "x".repeat(50)]);
  byUnits.take();
  assert.equal(byUnits.kept, 1, "a single entry over the limit is still kept");
  // The kernel asking for evicted entries gets g, then the kept ones.
  byUnits.requestResend(1);
  const { frames, gone } = byUnits.take();
  assert.deepEqual(gone, [1, 2]);
  assert.deepEqual(frames, [{ s: 3, b: [[3, "x".repeat(50)]] }]);
});

test("a nack for evicted entries is answered with g and the rest", () => {
  const { view, sent, kernel, warnings } = stream({ maxKeptEntries: 2 });
  kernel({ h: { [P]: 1 } });
  for (const msg of ["a", "b", "c", "d"]) view.push(0, msg, Kind.Message);
  view.flush();
  kernel({ n: { [P]: 1 } });
  assert.deepEqual(sent.at(-1), {
    p: P,
    s: 3,
    b: [
      [0, "c"],
      [0, "d"],
    ],
    g: [1, 2],
  });
  kernel({ n: { [P]: 1 } });
  assert.equal(warnings.length, 1, "the same loss is reported once");
});

test("entries wait for the base; f in a repeated hello is the first seq received", () => {
  const { view, clock, sent, got, kernel } = stream();
  view.hello();
  kernel({
    s: 5,
    b: [
      [1, "e"],
      [2, "f"],
    ],
  });
  assert.equal(got.length, 0);
  clock.advance(2_000);
  assert.deepEqual(
    withField(sent, "h").map((frame) => frame.h?.f),
    [null, 5],
  );
  kernel({ h: { [P]: 3 } });
  assert.equal(got.length, 0, "3 and 4 are missing");
  kernel({
    s: 3,
    b: [
      [9, "c"],
      [9, "d"],
    ],
  });
  assert.deepEqual(
    got.map(([, msg]) => msg),
    ["c", "d", "e", "f"],
  );
});

test("a later hello answer does not move the base", () => {
  const { got, kernel } = stream();
  kernel({ h: { [P]: 1 }, s: 1, b: [[1, "a"]] });
  kernel({ h: { [P]: 7 }, s: 2, b: [[2, "b"]] });
  assert.deepEqual(
    got.map(([, msg]) => msg),
    ["a", "b"],
  );
});

test("a gap is nacked after 200 ms, then at most once per 2 s for the same seq", () => {
  const { clock, sent, kernel } = stream();
  kernel({ h: { [P]: 1 }, s: 2, b: [[2, "b"]] });
  const nacks = (): (number | undefined)[] => withField(sent, "n").map((frame) => frame.n);
  clock.advance(199);
  assert.deepEqual(nacks(), []);
  clock.advance(1);
  assert.deepEqual(nacks(), [1]);
  kernel({ t: 2 }); // a tail probe within 2 s does not nack the same seq again
  clock.advance(1_999);
  assert.deepEqual(nacks(), [1]);
  clock.advance(1);
  assert.deepEqual(nacks(), [1, 1]);
  kernel({ s: 1, b: [[1, "a"]] });
  clock.advance(10_000);
  assert.deepEqual(nacks(), [1, 1], "filled: no more nacks");
});

test("g skips what is gone, delivers what did arrive inside the range, and warns once", () => {
  const { got, kernel, warnings, view } = stream();
  kernel({ h: { [P]: 1 }, s: 1, b: [[1, "a"]] });
  kernel({ s: 4, b: [[4, "d"]] });
  kernel({ s: 7, b: [[7, "g"]] });
  kernel({ g: { [P]: [2, 6] } });
  assert.deepEqual(
    got.map(([, msg]) => msg),
    ["a", "d", "g"],
  );
  assert.equal(view.stats.lost, 4);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? "", /4 message\(s\) from the kernel were lost \(seq 2 to 6\)/);
});

test("a g that arrives before the gap is reached waits for it", () => {
  const { got, kernel, view } = stream();
  kernel({ g: { [P]: [3, 4] } });
  kernel({ h: { [P]: 1 }, s: 1, b: [[1, "a"]] });
  assert.equal(view.stats.lost, 0);
  kernel({ s: 2, b: [[2, "b"]] });
  kernel({ s: 5, b: [[5, "e"]] });
  assert.deepEqual(
    got.map(([, msg]) => msg),
    ["a", "b", "e"],
  );
  assert.equal(view.stats.lost, 2);
});

test("a closed stream sends nothing and keeps no timer", () => {
  const { view, clock, sent } = stream();
  view.push(1, "x", Kind.Message);
  view.flush();
  view.close();
  const count = sent.length;
  view.push(2, "y", Kind.Message);
  view.flush();
  view.hello();
  clock.advance(100_000);
  assert.equal(sent.length, count);
  assert.equal(clock.timers, 0);
});
