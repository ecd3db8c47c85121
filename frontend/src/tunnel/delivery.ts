// Hands one ordered stream of messages to a replaceable handler, in slices. A burst of 10,000
// messages into a 5 ms handler is 50 s of work: run in one go it would freeze the page, so the
// queue is drained for about SLICE_MS at a time, then yields to the event loop (input, paint)
// and carries on, in the same order.
import type { Clock } from "./clock";
import { RateLimitedReporter } from "./rate-limited-reporter";
import { type Incoming, Kind } from "./wire";

export type Handler = (version: number, msg: string) => void;
export type KindHandler = (version: number, msg: string, kind: Kind) => void;
/** Runs `task` in a later task of the event loop. */
export type YieldTask = (task: () => void) => void;

export const SLICE_MS = 8;

export interface DeliveryOptions {
  maxPending: number;
  clock: Clock;
  yieldTask?: YieldTask | undefined;
  sliceMs?: number | undefined;
}

/**
 * A task after the current one, ahead of timers: a MessageChannel message (setTimeout(0) is
 * clamped to 4 ms once nested), or setTimeout where there is no MessageChannel.
 */
export function defaultYieldTask(): YieldTask {
  if (typeof MessageChannel !== "function") return (task) => void setTimeout(task, 0);
  type Port = MessagePort & { ref?: () => void; unref?: () => void };
  let port: Port | null = null;
  let sender: MessagePort | null = null;
  const tasks: (() => void)[] = [];
  return (task) => {
    if (port === null || sender === null) {
      const channel = new MessageChannel();
      const receiver: Port = channel.port1;
      receiver.onmessage = () => {
        const next = tasks.shift();
        // Node (tests, tools): an idle port with a listener would keep the process alive.
        if (tasks.length === 0) receiver.unref?.();
        next?.();
      };
      port = receiver;
      sender = channel.port2;
    }
    tasks.push(task);
    port.ref?.();
    sender.postMessage(null);
  };
}

export class Delivery {
  readonly #maxPending: number;
  readonly #clock: Clock;
  readonly #yieldTask: YieldTask;
  readonly #sliceMs: number;
  readonly #errors: RateLimitedReporter;
  readonly #overflow: RateLimitedReporter;
  #queue: Incoming[] = [];
  #head = 0;
  #handler: KindHandler | null = null;
  #draining = false;
  #yielded = false;
  dropped = 0;
  handlerErrors = 0;

  constructor(name: string, options: DeliveryOptions) {
    const { maxPending } = options;
    if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
      throw new RangeError(`maxPending must be a positive integer, got ${maxPending}`);
    }
    this.#maxPending = maxPending;
    this.#clock = options.clock;
    this.#yieldTask = options.yieldTask ?? defaultYieldTask();
    this.#sliceMs = options.sliceMs ?? SLICE_MS;
    this.#errors = new RateLimitedReporter(`IPyCallback [${name}]`, options.clock);
    this.#overflow = new RateLimitedReporter(`IPyCallback [${name}]`, options.clock, {
      log: (...args: unknown[]) => console.warn(...args),
    });
  }

  get pending(): number {
    return this.#queue.length - this.#head;
  }

  setHandler(handler: KindHandler | null): void {
    this.#handler = handler;
    this.#drain();
  }

  deliver(entries: readonly Incoming[]): void {
    for (const entry of entries) this.#queue.push(entry);
    const overflow = this.pending - this.#maxPending;
    if (this.#handler === null && overflow > 0) {
      // Keep the newest: a handler attached late wants the current state, not history.
      this.#head += overflow;
      this.dropped += overflow;
      this.#overflow.report(
        `no handler is attached and the queue is full (${this.#maxPending}); dropped the ` +
          `${overflow} oldest message(s), ${this.dropped} in all. Call on_receive() sooner.`,
      );
    }
    this.#drain();
  }

  #drain(): void {
    // A handler that calls on_receive() lands here again: the outer loop carries on instead.
    // While a yield is pending, new entries wait for it, behind the older ones.
    if (this.#draining || this.#yielded) return;
    this.#draining = true;
    const deadline = this.#clock.now() + this.#sliceMs;
    try {
      while (this.#handler !== null && this.#head < this.#queue.length) {
        if (this.#clock.now() >= deadline) {
          this.#yield();
          break;
        }
        const [version, msg, kind] = this.#queue[this.#head] as Incoming;
        this.#head += 1;
        this.#invoke(this.#handler, version, msg, kind);
      }
    } finally {
      this.#draining = false;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      } else if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    }
  }

  #yield(): void {
    this.#yielded = true;
    this.#yieldTask(() => {
      this.#yielded = false;
      this.#drain();
    });
  }

  #invoke(handler: KindHandler, version: number, msg: string, kind: Kind): void {
    try {
      handler(version, msg, kind);
    } catch (error) {
      this.handlerErrors += 1;
      const what = kind === Kind.Message ? "the on_receive handler" : "the typed layer's handler";
      this.#errors.report(
        `${what} threw on message version ${version}; the tunnel keeps running.`,
        error,
      );
    }
  }
}
