import assert from "node:assert/strict";
import { test } from "node:test";
import { Delivery, defaultYieldTask } from "../src/tunnel/delivery";
import { RateLimitedReporter } from "../src/tunnel/rate-limited-reporter";
import { type Incoming, Kind } from "../src/tunnel/wire";
import { FakeClock } from "./fake-clock";
import { capture } from "./fake-model";

const entries = (from: number, count: number): Incoming[] =>
  Array.from({ length: count }, (_, i) => [from + i, `m${from + i}`, Kind.Message, null] as const);

test("10,000 messages into a 5 ms handler leave the page responsive, in order", () => {
  const clock = new FakeClock();
  const delivery = new Delivery("t", { maxPending: 100_000, clock, yieldTask: clock.yieldTask });
  const got: number[] = [];
  delivery.setHandler((version) => {
    clock.spend(5); // a slow handler
    got.push(version);
  });
  // The event loop, simulated: tasks run one after another; an input event is queued at 50 ms
  // behind whatever is queued then (browsers may even run it sooner).
  const start = clock.now();
  delivery.deliver(entries(1, 10_000));
  let longestTask = clock.now() - start;
  const inputAt = start + 50;
  let inputHandledAt: number | null = null;
  let inputQueued = false;
  while (clock.tasks.length > 0) {
    if (!inputQueued && clock.now() >= inputAt) {
      inputQueued = true;
      clock.tasks.push(() => void (inputHandledAt = clock.now()));
    }
    const began = clock.now();
    (clock.tasks.shift() as () => void)();
    longestTask = Math.max(longestTask, clock.now() - began);
  }
  assert.deepEqual(
    got,
    Array.from({ length: 10_000 }, (_, i) => i + 1),
  );
  assert.ok(longestTask <= 8 + 5, `a task ran ${longestTask} ms`);
  assert.ok(
    inputHandledAt !== null && inputHandledAt - inputAt < 100,
    "the input event waited too long",
  );
  assert.equal(delivery.pending, 0);
});

test("messages that arrive while a slice is pending wait behind the older ones", () => {
  const clock = new FakeClock();
  const delivery = new Delivery("t", {
    maxPending: 100_000,
    clock,
    yieldTask: clock.yieldTask,
    sliceMs: 8,
  });
  const got: number[] = [];
  delivery.setHandler((version) => {
    clock.spend(3);
    got.push(version);
  });
  delivery.deliver(entries(1, 10));
  assert.deepEqual(got, [1, 2, 3], "one slice");
  delivery.deliver(entries(11, 2));
  assert.deepEqual(got, [1, 2, 3], "newcomers do not jump the queue");
  clock.runTasks();
  assert.deepEqual(
    got,
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
});

test("a handler that replaces itself mid-slice hands the rest to the new handler, in order", () => {
  const clock = new FakeClock();
  const delivery = new Delivery("t", { maxPending: 100, clock, yieldTask: clock.yieldTask });
  const first: number[] = [];
  const second: number[] = [];
  delivery.setHandler((version) => {
    first.push(version);
    if (version === 2) delivery.setHandler((v) => second.push(v));
  });
  delivery.deliver(entries(1, 4));
  assert.deepEqual(
    [first, second],
    [
      [1, 2],
      [3, 4],
    ],
  );
});

test("handler errors: three in full, then one summary line per 5 s", () => {
  const clock = new FakeClock();
  const delivery = new Delivery("t", { maxPending: 100_000, clock, yieldTask: clock.yieldTask });
  delivery.setHandler((version) => {
    throw new Error(`boom ${version}`);
  });
  const errors = capture("error");
  try {
    delivery.deliver(entries(1, 1_000));
    clock.runTasks();
    assert.equal(errors.lines.length, 3);
    assert.ok(
      errors.lines.every((line) => line[1] instanceof Error),
      "the full error is printed",
    );
    assert.match(String(errors.lines[2]?.[0]), /summarised every 5 s/);
    clock.advance(4_999);
    assert.equal(errors.lines.length, 3);
    clock.advance(1);
    assert.equal(errors.lines.length, 4);
    assert.match(
      String(errors.lines[3]?.[0]),
      /997 more in the last 5 s \(1000 in all\); the latest: .*Error: boom 1000/,
    );
    delivery.deliver(entries(1_001, 10));
    clock.advance(5_000);
    assert.equal(errors.lines.length, 5);
    assert.match(String(errors.lines[4]?.[0]), /10 more in the last 5 s \(1010 in all\)/);
    clock.advance(60_000);
    assert.equal(errors.lines.length, 5, "quiet: no empty summaries");
  } finally {
    errors.restore();
  }
  assert.equal(delivery.handlerErrors, 1_010);
});

test("the reporter prints without detail when there is none, and counts everything", () => {
  const clock = new FakeClock();
  const lines: unknown[][] = [];
  const reporter = new RateLimitedReporter("P", clock, {
    fullReports: 1,
    intervalMs: 1_000,
    log: (...args) => lines.push(args),
  });
  reporter.report("first");
  reporter.report("second", "detail");
  assert.deepEqual(lines, [["P: first (more like this are summarised every 1 s)"]]);
  clock.advance(1_000);
  assert.deepEqual(lines[1], ["P: 1 more in the last 1 s (2 in all); the latest: second detail"]);
  assert.equal(reporter.total, 2);
});

test("the default yield is a MessageChannel task, or setTimeout where there is none", async () => {
  const order: string[] = [];
  await new Promise<void>((resolve) => {
    const yieldTask = defaultYieldTask();
    yieldTask(() => order.push("first"));
    yieldTask(() => {
      order.push("second");
      resolve();
    });
  });
  assert.deepEqual(order, ["first", "second"]);
  const host = globalThis as unknown as Record<string, unknown>;
  const saved = host.MessageChannel;
  host.MessageChannel = undefined;
  try {
    await new Promise<void>((resolve) => defaultYieldTask()(resolve));
  } finally {
    host.MessageChannel = saved;
  }
});
