import assert from "node:assert/strict";
import { test } from "node:test";
import { pageRegistry, TunnelRegistry } from "../src/registry";
import { Tunnel } from "../src/tunnel";
import { FakeModel } from "./fake-model";

test("get returns the newest tunnel for an id; unregistering the old one keeps it", () => {
  const registry = new TunnelRegistry("0");
  const old = new Tunnel("x", new FakeModel());
  const fresh = new Tunnel("x", new FakeModel());
  registry._register(old);
  registry._register(fresh);
  registry._unregister(old);
  assert.equal(registry.get("x"), fresh);
  registry._unregister(fresh);
  assert.equal(registry.get("x"), undefined);
});

test("wait resolves when the tunnel appears", async () => {
  const registry = new TunnelRegistry("0");
  const pending = registry.wait("later", { timeoutMs: 1000 });
  const tunnel = new Tunnel("later", new FakeModel());
  registry._register(tunnel);
  assert.equal(await pending, tunnel);
  assert.equal(await registry.wait("later"), tunnel);
});

test("wait rejects after its timeout with a clear error", async () => {
  const registry = new TunnelRegistry("0");
  await assert.rejects(registry.wait("never", { timeoutMs: 20 }), /no tunnel "never" appeared within 20 ms/);
});

test("the page registry is created once and shared by every copy of the module", () => {
  const host: Record<string, unknown> = {};
  const first = pageRegistry(host, "1");
  assert.equal(pageRegistry(host, "1"), first);
  assert.equal(host.IPyCallback, first);
});
