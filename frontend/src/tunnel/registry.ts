import { API_LEVEL, OLDEST_API_LEVEL } from "../compat";
import { checkTimeout } from "./checks";
import { type Clock, realClock } from "./clock";
import type { Tunnel } from "./tunnel";

export interface WaitOptions {
  timeoutMs?: number;
}

/** `window.IPyCallback`: every live tunnel on the page, by tunnel_id. */
export class TunnelRegistry {
  /** The version of the runtime that created the registry: the kernel's ipycallback. */
  readonly version: string;
  /** The API levels its tunnels serve, which a bundled copy of the npm package checks. */
  readonly apiLevel: number = API_LEVEL;
  readonly oldestApiLevel: number = OLDEST_API_LEVEL;
  readonly #clock: Clock;
  readonly #tunnels = new Map<string, Tunnel>();
  readonly #waiters = new Map<string, Set<(tunnel: Tunnel) => void>>();

  constructor(version: string, clock: Clock = realClock) {
    this.version = version;
    this.#clock = clock;
  }

  get(tunnelId: string): Tunnel | undefined {
    return this.#tunnels.get(tunnelId);
  }

  has(tunnelId: string): boolean {
    return this.#tunnels.has(tunnelId);
  }

  ids(): string[] {
    return [...this.#tunnels.keys()];
  }

  /** Resolves with the tunnel once it exists; rejects after `timeoutMs` (10 s by default). */
  wait(tunnelId: string, options: WaitOptions = {}): Promise<Tunnel> {
    try {
      checkTimeout("wait", options.timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    const existing = this.#tunnels.get(tunnelId);
    if (existing !== undefined) return Promise.resolve(existing);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<Tunnel>((resolve, reject) => {
      let waiters = this.#waiters.get(tunnelId);
      if (waiters === undefined) {
        waiters = new Set();
        this.#waiters.set(tunnelId, waiters);
      }
      const waiter = (tunnel: Tunnel): void => {
        this.#clock.clearTimeout(timer);
        resolve(tunnel);
      };
      const timer = this.#clock.setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `IPyCallback: no tunnel "${tunnelId}" appeared within ${timeoutMs} ms; ` +
              `create it in Python with SlowTunnelWidget(tunnel_id="${tunnelId}")`,
          ),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  /** @internal The newest tunnel with an id replaces any older one. */
  _register(tunnel: Tunnel): void {
    this.#tunnels.set(tunnel.tunnel_id, tunnel);
    const waiters = this.#waiters.get(tunnel.tunnel_id);
    this.#waiters.delete(tunnel.tunnel_id);
    for (const waiter of waiters ?? []) waiter(tunnel);
  }

  /** @internal Removes the tunnel unless a newer one already took its id. */
  _unregister(tunnel: Tunnel): void {
    if (this.#tunnels.get(tunnel.tunnel_id) === tunnel) this.#tunnels.delete(tunnel.tunnel_id);
  }
}

/**
 * Returns the page's registry, creating it on first use. Each widget model may evaluate its own
 * copy of this module, so the registry lives on the window, not in a module variable.
 */
export function pageRegistry(host: Record<string, unknown>, version: string): TunnelRegistry {
  const current = host.IPyCallback;
  if (current instanceof Object && typeof (current as TunnelRegistry)._register === "function") {
    return current as TunnelRegistry;
  }
  const registry = new TunnelRegistry(version);
  host.IPyCallback = registry;
  return registry;
}
