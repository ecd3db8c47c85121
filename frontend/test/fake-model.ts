import type { TunnelModel } from "../src/model";

/** An anywidget model stand-in that records what the tunnel sends. */
export class FakeModel implements TunnelModel {
  readonly sent: unknown[] = [];
  readonly #state: Record<string, unknown>;
  readonly #listeners = new Map<string, ((...args: never[]) => void)[]>();

  constructor(state: Record<string, unknown> = {}) {
    this.#state = { tunnel_id: "t", ...state };
  }

  get(key: string): unknown {
    return this.#state[key];
  }

  send(content: unknown): void {
    // Round-trip through JSON, as the websocket would.
    this.sent.push(JSON.parse(JSON.stringify(content)));
  }

  on(event: string, callback: (...args: never[]) => void): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), callback]);
  }

  /** A custom message from the kernel. */
  emit(content: unknown): void {
    for (const listener of this.#listeners.get("msg:custom") ?? []) {
      (listener as (content: unknown) => void)(content);
    }
  }

  /** A state change from the kernel. */
  set(key: string, value: unknown): void {
    this.#state[key] = value;
    for (const listener of this.#listeners.get(`change:${key}`) ?? []) (listener as () => void)();
  }
}

export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
