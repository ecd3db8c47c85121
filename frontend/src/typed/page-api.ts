// `window.IPyCallback.typed(id)`: typed tunnels for notebook JavaScript with no build step. The
// tunnel's registry knows nothing of types; the typed layer adds this method to it.
import type { TunnelRegistry, WaitOptions } from "../tunnel/registry";
import { type AnyTyped, typedFromSchema } from "./from-schema";
import { typedSchemaOf } from "./schema-watch";

export interface TypedPageApi {
  /**
   * The typed API of a tunnel whose kernel side attached a TypedTunnel: messages are validated
   * against the JSON Schema the kernel shipped. Waits for both, up to `timeoutMs` (10 s).
   */
  typed(tunnelId: string, options?: WaitOptions): Promise<AnyTyped>;
}

export type PageApi = TunnelRegistry & TypedPageApi;

/** Adds `typed()` to the page's registry (once: every copy of the bundle may call this). */
export function installTyped(registry: TunnelRegistry): PageApi {
  const api = registry as PageApi;
  if (typeof api.typed !== "function") {
    const typed = async (tunnelId: string, options: WaitOptions = {}): Promise<AnyTyped> => {
      const timeoutMs = options.timeoutMs ?? 10_000;
      const tunnel = await registry.wait(tunnelId, { timeoutMs });
      return typedFromSchema(tunnel, await typedSchemaOf(tunnel, timeoutMs));
    };
    Object.defineProperty(registry, "typed", { value: typed, enumerable: false });
  }
  return api;
}
