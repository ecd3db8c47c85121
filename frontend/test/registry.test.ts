import assert from "node:assert/strict";
import { test } from "node:test";
import widget, { API_LEVEL, KernelRestartedError, OLDEST_API_LEVEL } from "../src/index";
import { pageRegistry, TunnelRegistry } from "../src/tunnel/registry";
import { Tunnel } from "../src/tunnel/tunnel";
import { FakeClock } from "./fake-clock";
import { FakeKernelConnection } from "./fake-kernel-connection";
import { capture, FakeModel, tick } from "./fake-model";

const clock = new FakeClock();
const tunnel = (id: string): Tunnel => new Tunnel(id, new FakeModel(), clock.options);

test("get returns the newest tunnel for an id; unregistering the old one keeps it", () => {
  const registry = new TunnelRegistry("0", clock);
  const old = tunnel("x");
  const fresh = tunnel("x");
  registry._register(old);
  registry._register(fresh);
  registry._unregister(old);
  assert.equal(registry.get("x"), fresh);
  registry._unregister(fresh);
  assert.equal(registry.get("x"), undefined);
});

test("wait resolves when the tunnel appears", async () => {
  const registry = new TunnelRegistry("0", clock);
  const pending = registry.wait("later", { timeoutMs: 1000 });
  const later = tunnel("later");
  registry._register(later);
  assert.equal(await pending, later);
  assert.equal(await registry.wait("later"), later);
});

test("wait rejects after its timeout with a clear error", async () => {
  const registry = new TunnelRegistry("0", clock);
  const pending = registry.wait("never", { timeoutMs: 20 });
  clock.advance(20);
  await assert.rejects(pending, /no tunnel "never" appeared within 20 ms/);
});

test("wait refuses a timeoutMs setTimeout would not honour, instead of failing at once", async () => {
  const registry = new TunnelRegistry("0", clock);
  await assert.rejects(registry.wait("never", { timeoutMs: Number.NaN }), /expects timeoutMs/);
  await assert.rejects(registry.wait("never", { timeoutMs: -1 }), /got number: -1/);
});

test("the page registry is created once and shared by every copy of the module", () => {
  const host: Record<string, unknown> = {};
  const first = pageRegistry(host, "1");
  assert.equal(pageRegistry(host, "1"), first);
  assert.equal(host.IPyCallback, first);
});

test("the page registry names the runtime that made it and the API levels its tunnels serve", () => {
  // A bundled copy of the npm package (generated code's attach()) reads these before it wraps
  // one of the page's tunnels.
  const registry = pageRegistry({}, "9.9.9");
  assert.equal(registry.version, "9.9.9");
  assert.equal(registry.apiLevel, API_LEVEL);
  assert.equal(registry.oldestApiLevel, OLDEST_API_LEVEL);
  assert.ok(Number.isInteger(API_LEVEL) && OLDEST_API_LEVEL >= 1 && OLDEST_API_LEVEL <= API_LEVEL);
});

test("after a kernel restart, wait(id) resolves with the tunnel the re-run cell creates", async () => {
  const kernel = new FakeKernelConnection();
  const cleanup = widget.initialize({
    model: new FakeModel({ tunnel_id: "restart-me" }, { kernel }),
  });
  const registry = (globalThis as unknown as { IPyCallback: TunnelRegistry }).IPyCallback;
  const old = registry.get("restart-me");
  assert.ok(old !== undefined && !old.closed);
  const warnings = capture("warn");
  try {
    kernel.setStatus("restarting");
    await tick();
  } finally {
    warnings.restore();
  }
  assert.equal(old.closed, true);
  assert.throws(() => old.send_msg("x"), KernelRestartedError);
  assert.equal(registry.has("restart-me"), false, "the closed tunnel is no longer handed out");
  const next = registry.wait("restart-me", { timeoutMs: 1_000 });
  const cleanupNew = widget.initialize({
    model: new FakeModel({ tunnel_id: "restart-me" }, { kernel }),
  });
  const fresh = await next;
  assert.notEqual(fresh, old);
  assert.equal(fresh.closed, false);
  cleanup();
  assert.equal(
    registry.get("restart-me"),
    fresh,
    "cleaning up the old model leaves the new tunnel",
  );
  cleanupNew();
  assert.equal(registry.has("restart-me"), false);
});
