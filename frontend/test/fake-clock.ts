import type { Clock } from "../src/tunnel/clock";

interface Pending {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock that only moves when told to: timers run in deadline order inside advance(), and
 * tasks handed to yieldTask run in runTasks(). Tests never sleep.
 */
export class FakeClock implements Clock {
  #now = 1_000;
  #nextId = 1;
  readonly #timers = new Map<number, Pending>();
  readonly tasks: (() => void)[] = [];

  readonly now = (): number => this.#now;

  readonly setTimeout = (callback: () => void, ms: number): number => {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), callback });
    return id;
  };

  readonly clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  readonly yieldTask = (task: () => void): void => {
    this.tasks.push(task);
  };

  /** The clock and yield hook, to spread into Tunnel / ViewStream options. */
  get options(): Clock & { yieldTask: (task: () => void) => void } {
    return {
      now: this.now,
      setTimeout: this.setTimeout,
      clearTimeout: this.clearTimeout,
      yieldTask: this.yieldTask,
    };
  }

  get timers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms` (or to the next timer only), running due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const timer of this.#timers.values()) {
        if (
          timer.at <= end &&
          (next === undefined || timer.at < next.at || (timer.at === next.at && timer.id < next.id))
        ) {
          next = timer;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = end;
  }

  /** Lets a handler "take" time: moves now without running timers (they run on advance). */
  spend(ms: number): void {
    this.#now += ms;
  }

  /** Runs yielded tasks (and those they yield) until none is left; returns how many ran. */
  runTasks(limit = 1_000_000): number {
    let ran = 0;
    while (this.tasks.length > 0 && ran < limit) {
      (this.tasks.shift() as () => void)();
      ran += 1;
    }
    return ran;
  }
}
