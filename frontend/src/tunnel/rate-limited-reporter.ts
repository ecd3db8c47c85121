// A flood of identical errors (a handler that throws on every message, a stream of malformed
// frames) must not flood the console: the console itself slows the page down, and the one line
// that matters scrolls away. The first few reports are printed in full; after that, one summary
// line per interval says how many more there were and what the latest one said.
import { type Clock, Timer } from "./clock";

export interface ReporterOptions {
  /** Reports printed in full before summarising; 3 by default. */
  fullReports?: number;
  /** The summary interval; 5 s by default. */
  intervalMs?: number;
  /** Where lines go; console.error by default. */
  log?: (...args: unknown[]) => void;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return "(an unprintable value)";
  }
}

export class RateLimitedReporter {
  readonly #prefix: string;
  readonly #fullReports: number;
  readonly #intervalMs: number;
  readonly #log: (...args: unknown[]) => void;
  readonly #timer: Timer;
  #total = 0;
  #suppressed = 0;
  #latest = "";

  constructor(prefix: string, clock: Clock, options: ReporterOptions = {}) {
    this.#prefix = prefix;
    this.#fullReports = options.fullReports ?? 3;
    this.#intervalMs = options.intervalMs ?? 5_000;
    this.#log = options.log ?? ((...args: unknown[]) => console.error(...args));
    this.#timer = new Timer(clock, () => this.#summarise());
  }

  /** Every report so far, printed or not. */
  get total(): number {
    return this.#total;
  }

  /** `what` says what happened; `detail` (an error, a list of problems) is printed with it. */
  report(what: string, detail?: unknown): void {
    this.#total += 1;
    if (this.#total <= this.#fullReports) {
      const last = this.#total === this.#fullReports;
      const line = `${this.#prefix}: ${what}${last ? ` (more like this are summarised every ${this.#intervalMs / 1000} s)` : ""}`;
      if (detail === undefined) this.#log(line);
      else this.#log(line, detail);
      return;
    }
    this.#suppressed += 1;
    this.#latest = detail === undefined ? what : `${what} ${describeError(detail)}`;
    this.#timer.ensure(this.#intervalMs);
  }

  #summarise(): void {
    if (this.#suppressed === 0) return;
    this.#log(
      `${this.#prefix}: ${this.#suppressed} more in the last ${this.#intervalMs / 1000} s ` +
        `(${this.#total} in all); the latest: ${this.#latest}`,
    );
    this.#suppressed = 0;
  }
}
