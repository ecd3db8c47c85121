// Typing is part of the API: `npm run typecheck` checks this file, and fails when a line marked
// as an expected error compiles (the types became too loose) or another line does not (too strict).
// The misuse lives in functions that never run; the correct use also runs, as a unit test.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Tunnel } from "../src/tunnel/tunnel";
import { Kind } from "../src/tunnel/wire";
import { TypedTunnel } from "../src/typed/typed-tunnel";
import { FakeModel, tick } from "./fake-model";

type PickColour = { type: "PickColour"; prompt: string };
type ColourPicked = { type: "ColourPicked"; colour: string };
type Query = { type: "Query"; text: string };
type Result = { type: "Result"; text: string };
type Stop = { type: "Stop" };
type ToKernel = ColourPicked | Query | Stop;
type ToBrowser = PickColour | Result;

// As generated code declares them: interfaces, the tag field as the last parameter.
interface Replies {
  Query: "Result";
}
interface Asks {
  PickColour: "ColourPicked";
}
class Picker extends TypedTunnel<ToKernel, ToBrowser, Replies, Asks, "type"> {}

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<_T extends true>(): void {}

function misuse(typed: Picker): void {
  // @ts-expect-error: an undeclared type cannot be sent
  typed.send({ type: "Nope" });
  // @ts-expect-error: nor a type only the kernel sends
  typed.send({ type: "Result", text: "r" });
  // @ts-expect-error: nor a declared type with a field of the wrong type
  typed.send({ type: "Query", text: 1 });
  // @ts-expect-error: Stop has no declared reply: it cannot be a request
  void typed.request({ type: "Stop" });
  // @ts-expect-error: a handler of the kernel's request must return its reply, not another type
  typed.on("PickColour", () => ({ type: "Query", text: "q" }));
  // @ts-expect-error: ... nor a reply with a field of the wrong type
  typed.on("PickColour", async () => ({ type: "ColourPicked", colour: 7 }));
  // @ts-expect-error: ... nor nothing
  typed.on("PickColour", () => {});
  // @ts-expect-error: a promise of the wrong reply does not do either
  typed.on("PickColour", (): Promise<Query> => Promise.resolve({ type: "Query", text: "q" }));
  // @ts-expect-error: a message that is not a request gets no AbortSignal
  typed.on("Result", (_version, _msg, _signal) => {});
  // @ts-expect-error: no handler for a type the kernel does not send
  typed.on("Query", () => {});
}

function withoutRequests(typed: TypedTunnel<Query, Result>): void {
  // @ts-expect-error: with no Replies declared, nothing can be a request
  void typed.request({ type: "Query", text: "q" });
}

// A message type named like a member of Object: generated code declares `toString?: never` in
// the interface, so that it fits the constraint; that does not make it a request.
type Odd = { type: "toString"; n: number };
interface OddAsks {
  PickColour: "ColourPicked";
  toString?: never;
}
function oddTags(
  typed: TypedTunnel<ColourPicked, PickColour | Odd, Record<never, never>, OddAsks>,
): void {
  typed.on("toString", (_version, msg) => void msg.n);
  // @ts-expect-error: still a message, with no signal
  typed.on("toString", (_version, _msg, _signal) => {});
}

/** The correct use, checked and also run. */
function use(typed: Picker, seen: unknown[]): Promise<Result> {
  typed.send({ type: "Stop" });
  typed.on("Result", (version, msg) => {
    expectType<Equal<typeof msg, Result>>();
    seen.push([version, msg.text]);
  });
  typed.on("PickColour", (_version, msg, signal) => {
    expectType<Equal<typeof msg, PickColour>>();
    expectType<Equal<typeof signal, AbortSignal>>();
    return { type: "ColourPicked", colour: msg.prompt };
  });
  typed.on("PickColour", async (_version, msg) => ({ type: "ColourPicked", colour: msg.prompt }));
  const reply = typed.request({ type: "Query", text: "q" }, { timeoutMs: 1_000 });
  expectType<Equal<typeof reply, Promise<Result>>>();
  return reply;
}

test("the typed API in use: narrowed handlers, a request handler's reply, request()'s reply type", async () => {
  void [misuse, withoutRequests, oddTags]; // checked by tsc, never run
  const model = new FakeModel();
  const typed = new Picker(new Tunnel("t", model), {
    validateOutgoing: () => null,
    validateIncoming: () => null,
    replies: { Query: "Result" },
    asks: { PickColour: "ColourPicked" },
    incomingTags: ["PickColour", "Result"],
  });
  model.greet();
  const seen: unknown[] = [];
  const reply = use(typed, seen);
  model.push([
    [1, '{"type":"Result","text":"pushed"}'],
    [2, '{"type":"Result","text":"q"}', Kind.Reply],
    [3, '{"type":"PickColour","prompt":"teal"}'],
  ]);
  assert.deepEqual(await reply, { type: "Result", text: "q" });
  assert.deepEqual(seen, [[1, "pushed"]]);
  await tick();
  const answered = model.entries().filter((entry) => entry[2] === Kind.Reply);
  assert.deepEqual(answered, [[3, '{"type":"ColourPicked","colour":"teal"}', Kind.Reply]]);
});
