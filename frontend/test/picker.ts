// A typed tunnel whose kernel asks (PickColour -> ColourPicked) and answers (Query -> Result), on
// a fake model and clock, for the tests of requests in both directions.
import { Tunnel } from "../src/tunnel/tunnel";
import { Kind } from "../src/tunnel/wire";
import { TypedTunnel } from "../src/typed/typed-tunnel";
import type { Validator } from "../src/typed/validate";
import { FakeClock } from "./fake-clock";
import type { FakeKernelConnection } from "./fake-kernel-connection";
import { capture, FakeModel } from "./fake-model";

export type PickColour = { type: "PickColour"; prompt: string };
export type ColourPicked = { type: "ColourPicked"; colour: string };
export type Query = { type: "Query"; text: string };
export type Result = { type: "Result"; text: string };
export type Picker = TypedTunnel<
  ColourPicked | Query,
  PickColour | Result,
  { Query: "Result" },
  { PickColour: "ColourPicked" }
>;

const own = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
// Small hand-written validators: these tests are about requests, not the schema compiler.
const outgoing: Validator = (value) =>
  own(value, "type") === "ColourPicked" && typeof own(value, "colour") !== "string"
    ? { path: "$.colour", message: `expected string, got ${String(own(value, "colour"))}` }
    : null;
const incoming: Validator = (value) => {
  if (own(value, "type") === "PickColour" && typeof own(value, "prompt") !== "string") {
    return { path: "$.prompt", message: "expected string" };
  }
  return own(value, "type") === "Result" && typeof own(value, "text") !== "string"
    ? { path: "$.text", message: "expected string" }
    : null;
};

export function setup(kernel?: FakeKernelConnection): {
  model: FakeModel;
  typed: Picker;
  clock: FakeClock;
} {
  const clock = new FakeClock();
  const model = new FakeModel({}, kernel === undefined ? {} : { kernel });
  const typed: Picker = new TypedTunnel(new Tunnel("t", model, clock.options), {
    validateOutgoing: outgoing,
    validateIncoming: incoming,
    replies: { Query: "Result" },
    asks: { PickColour: "ColourPicked" },
    incomingTags: ["PickColour", "Result"],
  });
  model.greet();
  return { model, typed, clock };
}

export const ask = (version: number, prompt = "?"): [number, string] => [
  version,
  JSON.stringify({ type: "PickColour", prompt }),
];
export const sentOfKind = (model: FakeModel, kind: Kind): unknown[][] =>
  model.entries().filter((entry) => entry[2] === kind);
export const replies = (model: FakeModel): [unknown, unknown][] =>
  sentOfKind(model, Kind.Reply).map(([version, text]) => [version, JSON.parse(String(text))]);
export const errorsSent = (model: FakeModel): [unknown, Record<string, unknown>][] =>
  sentOfKind(model, Kind.Error).map(([version, text]) => [version, JSON.parse(String(text))]);

export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Runs `body` with console.error and console.warn captured; returns their lines. */
export async function quietly(body: () => Promise<void> | void): Promise<unknown[][]> {
  const errors = capture("error");
  const warnings = capture("warn");
  try {
    await body();
  } finally {
    errors.restore();
    warnings.restore();
  }
  return [...errors.lines, ...warnings.lines];
}
