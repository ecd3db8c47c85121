import { type Entry, Kind } from "./wire";

export type Handler = (version: number, msg: string) => void;
export type KindHandler = (version: number, msg: string, kind: Kind) => void;

/**
 * One ordered stream of messages into a replaceable handler. While no handler is attached,
 * messages wait in a bounded queue; on overflow the oldest are dropped, with a warning.
 */
export class Delivery {
  readonly #name: string;
  readonly #maxPending: number;
  #queue: Entry[] = [];
  #head = 0;
  #handler: KindHandler | null = null;
  #draining = false;
  dropped = 0;
  handlerErrors = 0;

  constructor(name: string, maxPending: number) {
    if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
      throw new RangeError(`maxPending must be a positive integer, got ${maxPending}`);
    }
    this.#name = name;
    this.#maxPending = maxPending;
  }

  get pending(): number {
    return this.#queue.length - this.#head;
  }

  setHandler(handler: KindHandler | null): void {
    this.#handler = handler;
    this.#drain();
  }

  deliver(entries: readonly Entry[]): void {
    for (const entry of entries) this.#queue.push(entry);
    const overflow = this.pending - this.#maxPending;
    if (this.#handler === null && overflow > 0) {
      // Keep the newest: a handler attached late wants the current state, not history.
      this.#head += overflow;
      this.dropped += overflow;
      console.warn(
        `IPyCallback [${this.#name}]: no handler is attached and the queue is full ` +
          `(${this.#maxPending}); dropped the ${overflow} oldest message(s), ` +
          `${this.dropped} in all. Call on_receive() sooner.`,
      );
    }
    this.#drain();
  }

  #drain(): void {
    // A handler that calls on_receive() lands here again; the outer loop carries on instead.
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#handler !== null && this.#head < this.#queue.length) {
        const [version, msg, kind] = this.#queue[this.#head] as Entry;
        this.#head += 1;
        this.#invoke(this.#handler, version, msg, kind ?? Kind.Message);
      }
    } finally {
      this.#draining = false;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
    }
  }

  #invoke(handler: KindHandler, version: number, msg: string, kind: Kind): void {
    try {
      handler(version, msg, kind);
    } catch (error) {
      this.handlerErrors += 1;
      console.error(
        `IPyCallback [${this.#name}]: the on_receive handler threw on message version ` +
          `${version}; the tunnel keeps running.`,
        error,
      );
    }
  }
}
