// This view's stream to the kernel (docs/protocol.md, "Keeping and resending"): entries are
// numbered from 1 and kept until the kernel acknowledges them, so that whatever a dropped
// websocket lost in flight can be sent again. The kernel says what it lacks with an ack that
// answers a probe or hello, or with a nack; what was evicted before it could be resent is
// declared gone (g) instead of being skipped in silence.
import { type Clock, Timer } from "../clock";
import { type DataFields, type Entry, MAX_FRAME_UNITS, packFrames } from "../wire";

export const MAX_KEPT_UNITS = 64 * 1024 * 1024;
export const MAX_KEPT_ENTRIES = 100_000;
export const PROBE_FIRST_MS = 2_000;
export const PROBE_MAX_MS = 30_000;

export interface OutgoingLimits {
  maxKeptUnits?: number;
  maxKeptEntries?: number;
  maxFrameUnits?: number;
}

/** What to send now: data frames (without `p`), and a range to declare gone, if any. */
export interface Transmission {
  frames: DataFields[];
  gone: [number, number] | null;
}

export class OutgoingStream {
  readonly #maxKeptUnits: number;
  readonly #maxKeptEntries: number;
  readonly #maxFrameUnits: number;
  readonly #probeTimer: Timer;
  readonly #sendProbe: (lastSent: number) => void;
  // Kept entries are #kept[#head..], numbered from #firstKept; the array is compacted lazily.
  #kept: Entry[] = [];
  #head = 0;
  #firstKept = 1;
  #keptUnits = 0;
  #lastSeq = 0;
  #sentThrough = 0;
  #acked = 0;
  #resend: [number, number] | null = null;
  // The `w` of a probe or hello not answered yet: an ack below it shows entries missing.
  #queryUpTo: number | null = null;
  #probeDelay = PROBE_FIRST_MS;
  resent = 0;
  evicted = 0;

  constructor(clock: Clock, sendProbe: (lastSent: number) => void, limits: OutgoingLimits = {}) {
    this.#maxKeptUnits = limits.maxKeptUnits ?? MAX_KEPT_UNITS;
    this.#maxKeptEntries = limits.maxKeptEntries ?? MAX_KEPT_ENTRIES;
    this.#maxFrameUnits = limits.maxFrameUnits ?? MAX_FRAME_UNITS;
    this.#sendProbe = sendProbe;
    this.#probeTimer = new Timer(clock, () => this.#probe());
  }

  /** The last seq transmitted at least once. */
  get sentThrough(): number {
    return this.#sentThrough;
  }

  get acked(): number {
    return this.#acked;
  }

  /** Entries kept: not acknowledged yet (sent or about to be). */
  get kept(): number {
    return this.#lastSeq - this.#firstKept + 1;
  }

  /** Whether take() has anything to send. */
  get hasWork(): boolean {
    return this.#resend !== null || this.#sentThrough < this.#lastSeq;
  }

  /** Numbers and keeps an entry; it leaves with the next take(). */
  push(entry: Entry): number {
    this.#kept.push(entry);
    this.#keptUnits += entry[1].length;
    this.#lastSeq += 1;
    return this.#lastSeq;
  }

  /** A probe or hello saying "I have sent up to `upTo`" left; the next ack answers it. */
  queried(upTo: number): void {
    this.#queryUpTo = Math.max(this.#queryUpTo ?? 0, upTo);
  }

  /** The kernel's cumulative ack. */
  onAck(seq: number): void {
    const acked = Math.min(seq, this.#sentThrough); // never trust an ack of what was not sent
    if (acked > this.#acked) {
      this.#acked = acked;
      this.#release();
      this.#probeDelay = PROBE_FIRST_MS;
      if (this.#acked < this.#sentThrough) this.#probeTimer.arm(PROBE_FIRST_MS);
      else this.#probeTimer.cancel();
    }
    this.#answered();
  }

  /** The kernel answered a hello without an ack for this view: resend what it may lack. */
  onHelloAnswered(): void {
    this.#answered();
  }

  /** The kernel asks for entries from `from` (through `to`, by default all sent). */
  requestResend(from: number, to = this.#sentThrough): void {
    if (from > to) return;
    const [oldFrom, oldTo] = this.#resend ?? [from, to];
    this.#resend = [Math.min(from, oldFrom), Math.max(to, oldTo)];
  }

  /** Everything to send now: resends first, then new entries, packed into few frames. */
  take(): Transmission {
    const runs: [number, number][] = [];
    let gone: [number, number] | null = null;
    if (this.#resend !== null) {
      let [from, to] = this.#resend;
      this.#resend = null;
      from = Math.max(from, this.#acked + 1);
      to = Math.min(to, this.#sentThrough);
      if (from <= to && from < this.#firstKept) {
        // Above the ack and below the first kept entry: evicted, gone for good.
        const goneTo = Math.min(to, this.#firstKept - 1);
        gone = [from, goneTo];
        from = goneTo + 1;
      }
      if (from <= to) {
        runs.push([from, to]);
        this.resent += to - from + 1;
      }
    }
    if (this.#sentThrough < this.#lastSeq) {
      const run: [number, number] = [this.#sentThrough + 1, this.#lastSeq];
      const previous = runs[0];
      if (previous !== undefined && previous[1] + 1 >= run[0]) previous[1] = run[1];
      else runs.push(run);
      this.#sentThrough = this.#lastSeq;
    }
    const frames = runs.flatMap(([from, to]) =>
      packFrames(from, this.#slice(from, to), this.#maxFrameUnits),
    );
    this.#evict();
    if (this.#acked < this.#sentThrough) this.#probeTimer.ensure(this.#probeDelay);
    return { frames, gone };
  }

  close(): void {
    this.#probeTimer.cancel();
  }

  #answered(): void {
    const upTo = this.#queryUpTo;
    this.#queryUpTo = null;
    if (upTo !== null && this.#acked < upTo) this.requestResend(this.#acked + 1, upTo);
  }

  #probe(): void {
    if (this.#acked >= this.#sentThrough) return;
    this.#sendProbe(this.#sentThrough);
    this.queried(this.#sentThrough);
    this.#probeDelay = Math.min(this.#probeDelay * 2, PROBE_MAX_MS);
    this.#probeTimer.arm(this.#probeDelay);
  }

  #slice(from: number, to: number): Entry[] {
    const start = this.#head + (from - this.#firstKept);
    return this.#kept.slice(start, start + (to - from + 1));
  }

  #dropOldest(): void {
    const entry = this.#kept[this.#head] as Entry;
    this.#keptUnits -= entry[1].length;
    this.#head += 1;
    this.#firstKept += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#kept.length) {
      this.#kept = this.#kept.slice(this.#head);
      this.#head = 0;
    }
  }

  #release(): void {
    while (this.#firstKept <= this.#acked) this.#dropOldest();
  }

  #evict(): void {
    // Only entries sent at least once are evicted: one burst still leaves whole.
    while (
      this.kept > 1 &&
      this.#firstKept <= this.#sentThrough &&
      (this.#keptUnits > this.#maxKeptUnits || this.kept > this.#maxKeptEntries)
    ) {
      this.#dropOldest();
      this.evicted += 1;
    }
  }
}
