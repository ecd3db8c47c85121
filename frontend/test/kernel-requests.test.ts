// The kernel asks, the page answers: TypedTunnel's `asks` (tests/test_requests.py is the
// kernel's side of the same rules).
import assert from "node:assert/strict";
import { test } from "node:test";
import { KernelRestartedError } from "../src/tunnel/tunnel";
import { Kind } from "../src/tunnel/wire";
import { NO_HANDLER_GRACE_MS } from "../src/typed/answering";
import { RequestCancelledError, SupersededError } from "../src/typed/errors";
import { FakeKernelConnection } from "./fake-kernel-connection";
import { tick } from "./fake-model";
import {
  ask,
  type ColourPicked,
  deferred,
  errorsSent,
  quietly,
  replies,
  sentOfKind,
  setup,
} from "./picker";

test("a handler's return value goes back as the reply, with the request's version", async () => {
  const { model, typed } = setup();
  const seen: [number, string, boolean][] = [];
  typed.on("PickColour", (version, msg, signal) => {
    seen.push([version, msg.prompt, signal.aborted]);
    return { type: "ColourPicked", colour: "teal" };
  });
  model.push([ask(7, "a colour?")]);
  await tick();
  assert.deepEqual(seen, [[7, "a colour?", false]]);
  assert.deepEqual(replies(model), [[7, { type: "ColourPicked", colour: "teal" }]]);
  assert.equal(
    typed.send({ type: "Query", text: "q" }),
    1,
    "a reply does not move this page's versions",
  );
  assert.deepEqual([typed.stats.requestsReceived, typed.stats.repliesSent], [1, 1]);
});

test("an async handler's reply goes when its promise resolves", async () => {
  const { model, typed } = setup();
  const colour = deferred<ColourPicked>();
  typed.on("PickColour", () => colour.promise);
  model.push([ask(1)]);
  await tick();
  assert.deepEqual(replies(model), []);
  colour.resolve({ type: "ColourPicked", colour: "gold" });
  await tick();
  assert.deepEqual(replies(model), [[1, { type: "ColourPicked", colour: "gold" }]]);
});

test("a reply that is invalid or not the declared type is a handler failure, reported back", async () => {
  const { model, typed } = setup();
  const answers: unknown[] = [
    { type: "ColourPicked", colour: 7 },
    { type: "Query", text: "no" },
    undefined,
    "teal",
    { colour: "x" },
  ];
  typed.on("PickColour", ((version: number) => answers[version - 1]) as never);
  const lines = await quietly(async () => {
    // One request at a time: a burst would run only the newest (see the supersede test).
    for (let version = 1; version <= answers.length; version += 1) {
      model.push([ask(version)]);
      await tick();
    }
  });
  assert.ok(lines.length > 0, "failures are reported in the console too");
  assert.deepEqual(replies(model), []);
  const reports = errorsSent(model);
  assert.deepEqual(
    reports.map(([version, body]) => [version, body.code, body.type, body.message]),
    [
      [
        1,
        "handler_exception",
        "PickColour",
        "MessageValidationError: expected string, got 7 (at $.colour)",
      ],
      [
        2,
        "handler_exception",
        "PickColour",
        "TypeError: the handler for PickColour must return a ColourPicked reply, got Query",
      ],
      [
        3,
        "handler_exception",
        "PickColour",
        "TypeError: the handler for PickColour must return a ColourPicked reply, got undefined",
      ],
      [
        4,
        "handler_exception",
        "PickColour",
        "TypeError: the handler for PickColour must return a ColourPicked reply, got string",
      ],
      [
        5,
        "handler_exception",
        "PickColour",
        'TypeError: the handler for PickColour must return a ColourPicked reply, got an object without a "type" tag',
      ],
    ],
  );
  // The invalid reply says where it is invalid; the others have no path.
  assert.deepEqual(
    reports.map(([, body]) => body.path ?? null),
    ["$.colour", null, null, null, null],
  );
  assert.equal(typed.stats.handlerErrors, 5);
});

test("a thrown error or a rejected promise goes back as a handler_exception error", async () => {
  const { model, typed } = setup();
  let call = 0;
  typed.on("PickColour", () => {
    call += 1;
    if (call === 1) throw new RangeError("no canvas");
    return Promise.reject(new Error("dialog closed"));
  });
  await quietly(async () => {
    model.push([ask(1)]);
    await tick();
    model.push([ask(2)]);
    await tick();
  });
  assert.deepEqual(errorsSent(model), [
    [1, { code: "handler_exception", message: "RangeError: no canvas", type: "PickColour" }],
    [2, { code: "handler_exception", message: "Error: dialog closed", type: "PickColour" }],
  ]);
});

test("a newer request supersedes the older one: its signal aborts and its late reply is dropped", async () => {
  const { model, typed } = setup();
  const pending: {
    version: number;
    signal: AbortSignal;
    answer: ReturnType<typeof deferred<ColourPicked>>;
  }[] = [];
  typed.on("PickColour", (version, _msg, signal) => {
    const answer = deferred<ColourPicked>();
    pending.push({ version, signal, answer });
    return answer.promise;
  });
  model.push([ask(1)]);
  await tick();
  model.push([ask(2)]);
  await tick();
  const [first, second] = pending;
  assert.ok(first !== undefined && second !== undefined);
  assert.equal(first.signal.aborted, true);
  assert.ok(first.signal.reason instanceof SupersededError);
  assert.equal(first.signal.reason.name, "SupersededError");
  assert.deepEqual([first.signal.reason.version, first.signal.reason.supersededBy], [1, 2]);
  assert.equal(second.signal.aborted, false);
  first.answer.resolve({ type: "ColourPicked", colour: "late" });
  second.answer.resolve({ type: "ColourPicked", colour: "fresh" });
  await tick();
  assert.deepEqual(replies(model), [[2, { type: "ColourPicked", colour: "fresh" }]]);
  assert.deepEqual(errorsSent(model), []);
  assert.deepEqual(
    [typed.stats.superseded, typed.stats.droppedReplies, typed.stats.repliesSent],
    [1, 1, 1],
  );
});

test("requests that arrive together start only the newest handler of their type", async () => {
  const { model, typed } = setup();
  const handled: number[] = [];
  typed.on("PickColour", (version) => {
    handled.push(version);
    return { type: "ColourPicked", colour: "c" };
  });
  model.push([ask(1), ask(2), ask(3)]);
  await tick();
  assert.deepEqual(handled, [3]);
  assert.deepEqual(
    replies(model).map(([version]) => version),
    [3],
  );
  assert.equal(typed.stats.superseded, 2);
});

test("the kernel's cancellation aborts the signal, with its reason, and nothing is sent", async () => {
  const reasons = ["timeout", "cancelled", "interrupted", "answered", "superseded"];
  const { model, typed } = setup();
  const signals: AbortSignal[] = [];
  const answers: ReturnType<typeof deferred<ColourPicked>>[] = [];
  typed.on("PickColour", (_version, _msg, signal) => {
    signals.push(signal);
    const answer = deferred<ColourPicked>();
    answers.push(answer);
    return answer.promise;
  });
  for (const [index, reason] of reasons.entries()) {
    model.push([ask(index + 1)]);
    await tick();
    model.push([[index + 1, reason, Kind.Cancel]]);
  }
  assert.deepEqual(
    signals.map((signal) => {
      const reason: unknown = signal.reason;
      assert.ok(reason instanceof RequestCancelledError);
      return [signal.aborted, reason.version, reason.reason];
    }),
    reasons.map((reason, index) => [true, index + 1, reason]),
  );
  answers[0]?.resolve({ type: "ColourPicked", colour: "too late" });
  answers[1]?.reject(signals[1]?.reason); // a handler giving up on its signal, as it should
  await tick();
  assert.deepEqual(sentOfKind(model, Kind.Reply), []);
  assert.deepEqual(sentOfKind(model, Kind.Error), [], "no error for an aborted request either");
  assert.deepEqual(
    [typed.stats.cancelled, typed.stats.droppedReplies, typed.stats.handlerErrors],
    [5, 1, 0],
  );
});

test("a request waits for on(); without a handler after 5 s the kernel gets no_handler", async () => {
  const { model, typed, clock } = setup();
  model.push([ask(1)]);
  await tick();
  clock.advance(NO_HANDLER_GRACE_MS - 1);
  const handled: number[] = [];
  typed.on("PickColour", (version) => {
    handled.push(version);
    return { type: "ColourPicked", colour: "c" };
  });
  assert.deepEqual(handled, [1], "registered within the grace: handled at once");
  clock.advance(NO_HANDLER_GRACE_MS);
  await tick();
  assert.deepEqual(errorsSent(model), []);
  const second = setup();
  second.model.push([ask(4)]);
  await tick();
  const lines = await quietly(() => second.clock.advance(NO_HANDLER_GRACE_MS));
  assert.match(String(lines[0]?.[0]), /no handler for the kernel's PickColour requests within 5 s/);
  await tick();
  assert.deepEqual(errorsSent(second.model), [
    [
      4,
      {
        code: "no_handler",
        message:
          'the page has no handler for PickColour requests (register one with on("PickColour", handler))',
        type: "PickColour",
      },
    ],
  ]);
  const late: number[] = [];
  second.typed.on("PickColour", (version) => {
    late.push(version);
    return { type: "ColourPicked", colour: "c" };
  });
  assert.deepEqual(late, [], "a request answered with no_handler is not handled later");
});

test("a request cancelled or superseded while it waits for on() is never handled nor reported", async () => {
  const { model, typed, clock } = setup();
  model.push([ask(1)]);
  await tick();
  model.push([[1, "timeout", Kind.Cancel]]);
  model.push([ask(2)]);
  await tick();
  model.push([ask(3)]);
  await tick();
  clock.advance(NO_HANDLER_GRACE_MS - 1);
  const handled: number[] = [];
  typed.on("PickColour", (version) => {
    handled.push(version);
    return { type: "ColourPicked", colour: "c" };
  });
  clock.advance(NO_HANDLER_GRACE_MS);
  await tick();
  assert.deepEqual(handled, [3]);
  assert.deepEqual(errorsSent(model), []);
  assert.deepEqual([typed.stats.cancelled, typed.stats.superseded], [1, 1]);
});

test("on() between a newer request's arrival and the end of its task starts only the newer one", async () => {
  const { model, typed } = setup();
  model.push([ask(1)]);
  await tick();
  const signals: [number, AbortSignal][] = [];
  model.push([ask(2)]);
  typed.on("PickColour", (version, _msg, signal) => {
    signals.push([version, signal]);
    return new Promise<ColourPicked>(() => {});
  });
  await tick();
  assert.deepEqual(
    signals.map(([version, signal]) => [version, signal.aborted]),
    [[2, false]],
  );
  assert.equal(typed.stats.superseded, 1);
});

test("closing the tunnel aborts running handlers with the close error; nothing is sent after", async () => {
  const kernel = new FakeKernelConnection();
  const { model, typed } = setup(kernel);
  const answer = deferred<ColourPicked>();
  let signal: AbortSignal | null = null;
  typed.on("PickColour", (_version, _msg, s) => {
    signal = s;
    return answer.promise;
  });
  model.push([ask(1)]);
  await tick();
  await quietly(() => kernel.setStatus("restarting"));
  assert.ok((signal as AbortSignal | null)?.reason instanceof KernelRestartedError);
  answer.resolve({ type: "ColourPicked", colour: "c" });
  await tick();
  assert.deepEqual(replies(model), []);
});
