// The typed message set's JSON Schema, which a TypedTunnel in the kernel adds to the widget
// state (`_typed_schema`); plain-JavaScript typed tunnels compile their validators from it, and
// generated code compares its fingerprint with its own.
import type { Tunnel } from "../tunnel/tunnel";

const KEY = "_typed_schema";

/** The schema's JSON text, "" while the kernel has attached none. */
export function currentTypedSchema(tunnel: Tunnel): string {
  const value = tunnel.state(KEY);
  return typeof value === "string" ? value : "";
}

/** Resolves with the schema once the kernel has attached one; rejects after `timeoutMs`. */
export function typedSchemaOf(tunnel: Tunnel, timeoutMs = 10_000): Promise<string> {
  const now = currentTypedSchema(tunnel);
  if (now !== "") return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    let settled = false;
    const clock = tunnel._clock;
    const timer = clock.setTimeout(() => {
      settled = true;
      reject(
        new Error(
          `IPyCallback: tunnel "${tunnel.tunnel_id}" has no typed messages after ${timeoutMs} ms; ` +
            "attach a TypedTunnel to it in Python",
        ),
      );
    }, timeoutMs);
    tunnel.onStateChange(KEY, () => {
      const schema = currentTypedSchema(tunnel);
      if (settled || schema === "") return;
      settled = true;
      clock.clearTimeout(timer);
      resolve(schema);
    });
  });
}
