import type { TunnelModel } from "../src/model";

/** An anywidget model stand-in that records what the tunnel sends. */
export class FakeModel implements TunnelModel {
  readonly sent: unknown[] = [];
  readonly #state: Record<string, unknown>;
  #listener: ((content: unknown) => void) | null = null;

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

  on(_event: "msg:custom", callback: (content: unknown) => void): void {
    this.#listener = callback;
  }

  emit(content: unknown): void {
    this.#listener?.(content);
  }
}

export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
