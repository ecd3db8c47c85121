// Time, injectable: every timer of the stream engine goes through a Clock, so unit tests run it
// on a fake clock and never sleep.

export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** What a caller may override; anything left out falls back to the real clock. */
export type ClockOptions = Partial<Clock>;

function realNow(): number {
  return globalThis.performance?.now() ?? Date.now();
}

function realSetTimeout(callback: () => void, ms: number): TimerHandle {
  const handle = globalThis.setTimeout(callback, ms);
  // In Node (tests, tools) a pending retry timer must not keep the process alive; browsers
  // return a number, which has no unref.
  (handle as { unref?: () => void }).unref?.();
  return handle;
}

function realClearTimeout(handle: TimerHandle): void {
  globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
}

export const realClock: Clock = {
  now: realNow,
  setTimeout: realSetTimeout,
  clearTimeout: realClearTimeout,
};

export function clockFrom(options: ClockOptions = {}): Clock {
  return {
    now: options.now ?? realNow,
    setTimeout: options.setTimeout ?? realSetTimeout,
    clearTimeout: options.clearTimeout ?? realClearTimeout,
  };
}

/** One restartable timer: `arm` replaces any pending run, `cancel` stops it. */
export class Timer {
  readonly #clock: Clock;
  readonly #callback: () => void;
  #handle: TimerHandle | null = null;

  constructor(clock: Clock, callback: () => void) {
    this.#clock = clock;
    this.#callback = callback;
  }

  get armed(): boolean {
    return this.#handle !== null;
  }

  arm(ms: number): void {
    this.cancel();
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = null;
      this.#callback();
    }, ms);
  }

  /** Arms the timer unless it is already pending (keeps the earlier deadline). */
  ensure(ms: number): void {
    if (this.#handle === null) this.arm(ms);
  }

  cancel(): void {
    if (this.#handle !== null) this.#clock.clearTimeout(this.#handle);
    this.#handle = null;
  }
}
