// The kernel's stream as this view receives it (docs/protocol.md, "Receiving", "Views"):
// entries wait until the hello answer gives this view's base, then leave strictly in seq order.
// Duplicates are dropped and counted, entries ahead of a gap wait for it to fill (and the gap is
// nacked), entries addressed to another view are skipped but keep their seq, and a range the
// kernel declares gone is skipped, counted and reported, never silently.
import { type Clock, Timer } from "../clock";
import type { Incoming, ViewControl } from "../wire";

export const ACK_DELAY_MS = 200;
// A gap is nacked once it has lasted this long (frames may arrive out of order without loss),
// then again at most once per NACK_REPEAT_MS for the same missing seq.
export const NACK_FIRST_MS = 200;
export const NACK_REPEAT_MS = 2_000;

export interface IncomingHooks {
  /** Entries for this view, in seq order. */
  deliver(entries: Incoming[]): void;
  /** Sends a control frame now. */
  control(fields: ViewControl): void;
  warn(line: string): void;
}

export class IncomingStream {
  readonly #peer: string;
  readonly #clock: Clock;
  readonly #hooks: IncomingHooks;
  readonly #ackTimer: Timer;
  readonly #gapTimer: Timer;
  #base: number | null = null;
  #next = 1;
  // Entries not delivered yet, by seq; null marks a malformed entry that keeps its place.
  readonly #held = new Map<number, Incoming | null>();
  #gone: [number, number][] = [];
  #firstSeen: number | null = null;
  #ackSent = 0;
  #lastNack: { seq: number; at: number } | null = null;
  duplicates = 0;
  outOfOrder = 0;
  lost = 0;

  constructor(peer: string, clock: Clock, hooks: IncomingHooks) {
    this.#peer = peer;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#ackTimer = new Timer(clock, () => this.#sendAckIfDue());
    this.#gapTimer = new Timer(clock, () => this.#onGapTimer());
  }

  /** The lowest kernel seq this view has received (the hello's `f`). */
  get firstSeen(): number | null {
    return this.#firstSeen;
  }

  get hasBase(): boolean {
    return this.#base !== null;
  }

  /** Every kernel entry up to here has been received (the cumulative ack). */
  get receivedThrough(): number {
    return this.#next - 1;
  }

  /** Entries held: before the base is known, or ahead of a gap. */
  get held(): number {
    return this.#held.size;
  }

  /** The hello answer; only the first one counts (a reconnect does not move the base). */
  setBase(base: number): void {
    if (this.#base !== null) return;
    this.#base = base;
    this.#next = base;
    for (const seq of this.#held.keys()) {
      if (seq < base) this.#held.delete(seq); // before this view's share of the stream
    }
    this.#drain();
  }

  /** Entries numbered from `seq`. */
  receive(seq: number, entries: readonly (Incoming | null)[]): void {
    const fresh: number[] = [];
    entries.forEach((entry, index) => {
      const number = seq + index;
      if (this.#firstSeen === null || number < this.#firstSeen) this.#firstSeen = number;
      if ((this.#base !== null && number < this.#next) || this.#held.has(number)) {
        this.duplicates += 1;
        return;
      }
      this.#held.set(number, entry);
      fresh.push(number);
    });
    this.#drain();
    if (this.#base !== null && this.#held.size > 0) {
      for (const number of fresh) if (this.#held.has(number)) this.outOfOrder += 1;
    }
  }

  /** The kernel no longer has entries from..to for this view: skip them. */
  skip(from: number, to: number): void {
    if (this.#base !== null && to < this.#next) return;
    this.#gone.push([from, to]);
    this.#drain();
  }

  /** The kernel's tail probe: it has sent up to `tail`. */
  tail(tail: number): void {
    if (this.#base === null) return; // the hello answer will bring everything
    if (this.receivedThrough >= tail) {
      // Nothing missing here: the kernel probes because our ack did not reach it. Say it again.
      this.#ackSent = this.receivedThrough;
      this.#ackTimer.cancel();
      this.#hooks.control({ a: this.receivedThrough });
    } else {
      this.#nack(this.#next);
    }
  }

  /** The ack to piggyback on an outgoing data frame, if one is due. */
  takeAck(): number | null {
    if (this.#base === null || this.receivedThrough <= this.#ackSent) return null;
    this.#ackSent = this.receivedThrough;
    this.#ackTimer.cancel();
    return this.#ackSent;
  }

  close(): void {
    this.#ackTimer.cancel();
    this.#gapTimer.cancel();
  }

  #drain(): void {
    if (this.#base === null) return;
    const ready: Incoming[] = [];
    let lost = 0;
    let lostFrom = 0;
    let lostTo = 0;
    for (;;) {
      const next = this.#next;
      if (this.#held.has(next)) {
        const entry = this.#held.get(next);
        this.#held.delete(next);
        this.#next += 1;
        // Malformed entries (already reported) and entries for another view keep their seq.
        if (entry != null && (entry[3] === null || entry[3] === this.#peer)) ready.push(entry);
        continue;
      }
      const range = this.#gone.find(([from, to]) => from <= next && next <= to);
      if (range === undefined) break;
      // Skip to the end of the range, or to the first entry that did arrive inside it.
      let stop = range[1] + 1;
      for (const seq of this.#held.keys()) if (seq > next && seq < stop) stop = seq;
      if (lost === 0) lostFrom = next;
      lost += stop - next;
      lostTo = stop - 1;
      this.#next = stop;
    }
    this.#gone = this.#gone.filter(([, to]) => to >= this.#next);
    if (lost > 0) {
      this.lost += lost;
      this.#hooks.warn(
        `${lost} message(s) from the kernel were lost (seq ${lostFrom} to ${lostTo}): ` +
          "the kernel no longer kept them when this page asked again",
      );
    }
    if (this.receivedThrough > this.#ackSent) this.#ackTimer.ensure(ACK_DELAY_MS);
    if (this.#held.size > 0) this.#gapTimer.ensure(NACK_FIRST_MS);
    else this.#gapTimer.cancel();
    if (ready.length > 0) this.#hooks.deliver(ready);
  }

  #sendAckIfDue(): void {
    if (this.#base === null || this.receivedThrough <= this.#ackSent) return;
    this.#ackSent = this.receivedThrough;
    this.#hooks.control({ a: this.#ackSent });
  }

  #onGapTimer(): void {
    if (this.#base === null || this.#held.size === 0) return;
    this.#nack(this.#next);
    this.#gapTimer.arm(NACK_REPEAT_MS);
  }

  #nack(seq: number): void {
    const now = this.#clock.now();
    const last = this.#lastNack;
    if (last !== null && last.seq === seq && now - last.at < NACK_REPEAT_MS) return;
    this.#lastNack = { seq, at: now };
    this.#hooks.control({ n: seq });
  }
}
