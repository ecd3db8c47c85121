import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { adoptReadyQueue } from "../src/tunnel/ready-queue";
import type { TunnelRegistry } from "../src/tunnel/registry";
import { FakeModel, tick } from "./fake-model";

type Host = Record<string, unknown>;
type Queue = { push(...callbacks: unknown[]): number };

test("callbacks queued before the registry run once it exists, in order; later ones at once", () => {
  const host: Host = {};
  const ran: string[] = [];
  // A closure: assert.deepEqual narrows `ran` below, which would make ran.push() untypable.
  const log = (line: string): number => ran.push(line);
  // What page code writes before any tunnel exists.
  ((host.IPyCallbackReady ??= []) as unknown[]).push((api: string) => log(`first ${api}`));
  ((host.IPyCallbackReady ??= []) as unknown[]).push((api: string) => log(`second ${api}`));
  assert.deepEqual(ran, [], "nothing runs before the registry exists");
  adoptReadyQueue(host, "api");
  assert.deepEqual(ran, ["first api", "second api"]);
  // The same line, after: `??=` keeps the stand-in, whose push runs the callback at once.
  ((host.IPyCallbackReady ??= []) as Queue).push((api: string) => log(`later ${api}`));
  assert.deepEqual(ran, ["first api", "second api", "later api"]);
});

test("a second adoption (another copy of the bundle) neither reruns nor replaces the queue", () => {
  const host: Host = {};
  let runs = 0;
  host.IPyCallbackReady = [() => (runs += 1)];
  adoptReadyQueue(host, "first copy");
  const standIn = host.IPyCallbackReady;
  const seen: string[] = [];
  adoptReadyQueue(host, "second copy");
  assert.equal(host.IPyCallbackReady, standIn);
  (host.IPyCallbackReady as Queue).push((api: string) => seen.push(api));
  assert.equal(runs, 1);
  assert.deepEqual(seen, ["first copy"], "the page keeps the first registry");
});

test("a failing callback is reported and the others still run", async () => {
  const host: Host = {};
  const reports: string[] = [];
  const ran: string[] = [];
  host.IPyCallbackReady = [
    () => {
      throw new Error("sync boom");
    },
    async () => {
      throw new Error("async boom");
    },
    "not a function",
    () => ran.push("after"),
  ];
  adoptReadyQueue(host, {}, (error, text) => reports.push(`${text} ${(error as Error).message}`));
  await tick();
  assert.deepEqual(ran, ["after"]);
  assert.deepEqual(reports.sort(), [
    "IPyCallbackReady.push() expects functions; got string",
    "an IPyCallbackReady callback failed: async boom",
    "an IPyCallbackReady callback failed: sync boom",
  ]);
});

test("two copies of the bundle on one page (two kernels' widgets) share one registry", async () => {
  // The built bundle, evaluated twice as two modules: what a page gets from widgets of two
  // kernels, possibly of two ipycallback versions.
  const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
  const bundle = pathToFileURL(join(root, "ipycallback/static/tunnel.js")).href;
  const host = globalThis as unknown as Host;
  const queued: string[] = [];
  host.IPyCallbackReady = [
    async (api: TunnelRegistry) => queued.push((await api.wait("from-kernel-b")).tunnel_id),
  ];
  const copyA = (await import(`${bundle}?copy=a`)) as { default: Widget };
  const copyB = (await import(`${bundle}?copy=b`)) as { default: Widget };
  assert.notEqual(copyA.default, copyB.default, "two module instances");
  const cleanupA = copyA.default.initialize({
    model: new FakeModel({ tunnel_id: "from-kernel-a" }),
  });
  const registry = host.IPyCallback as TunnelRegistry & { typed: unknown };
  const cleanupB = copyB.default.initialize({
    model: new FakeModel({ tunnel_id: "from-kernel-b" }),
  });
  assert.equal(host.IPyCallback, registry, "the second copy adopts the first registry");
  assert.deepEqual(registry.ids().sort(), ["from-kernel-a", "from-kernel-b"]);
  assert.equal(typeof registry.typed, "function");
  await tick();
  assert.deepEqual(queued, ["from-kernel-b"], "the queued callback ran once");
  cleanupA();
  assert.deepEqual(
    registry.ids(),
    ["from-kernel-b"],
    "closing one copy's tunnel keeps the other's",
  );
  cleanupB();
});

interface Widget {
  initialize(props: { model: FakeModel }): () => void;
}
