// One view's end of the v2 protocol: its outgoing stream, its share of the kernel's stream, the
// hello that (re)introduces it, and the frames that carry all of it. It knows nothing of widgets:
// it sends frames through a hook and hands received entries to another, so tests can wire it to
// a fake kernel.
import { type Clock, type ClockOptions, clockFrom, Timer } from "../clock";
import {
  type Caps,
  type DataFields,
  helloOf,
  type Incoming,
  type Kind,
  makeEntry,
  type ViewControl,
  type ViewFrame,
  viewFrame,
} from "../wire";
import { readKernelFrame } from "../wire-read";
import { IncomingStream } from "./incoming";
import { type OutgoingLimits, OutgoingStream } from "./outgoing";

export const HELLO_FIRST_MS = 2_000;
// A hello waits behind a running cell like any comm message; backing off keeps a long cell from
// collecting (and then answering) a hello every 2 s.
export const HELLO_MAX_MS = 30_000;

export interface ViewStreamHooks {
  send(frame: ViewFrame): void;
  /** Entries for this view, in kernel seq order. */
  deliver(entries: Incoming[]): void;
  /** What the front end can do, for the hello. */
  caps(): Caps;
  /** One line about lost messages (console.warn in a page). */
  warn(line: string): void;
  /** The problems of one malformed frame. */
  badFrame(problems: string[]): void;
}

export interface ViewStreamOptions extends ClockOptions, OutgoingLimits {}

export interface StreamStats {
  framesSent: number;
  resent: number;
  duplicates: number;
  lost: number;
  outOfOrder: number;
  evicted: number;
  unacked: number;
}

export class ViewStream {
  readonly peer: string;
  readonly clock: Clock;
  readonly #hooks: ViewStreamHooks;
  readonly #outgoing: OutgoingStream;
  readonly #incoming: IncomingStream;
  readonly #helloTimer: Timer;
  #helloDelay = HELLO_FIRST_MS;
  #helloPending = false;
  #flushQueued = false;
  #closed = false;
  #framesSent = 0;
  #goneWarnedThrough = 0;

  constructor(peer: string, hooks: ViewStreamHooks, options: ViewStreamOptions = {}) {
    this.peer = peer;
    this.clock = clockFrom(options);
    this.#hooks = hooks;
    this.#outgoing = new OutgoingStream(this.clock, (w) => this.#send({ w }), options);
    this.#incoming = new IncomingStream(peer, this.clock, {
      deliver: (entries) => hooks.deliver(entries),
      control: (fields) => this.#send(fields),
      warn: (line) => hooks.warn(line),
    });
    this.#helloTimer = new Timer(this.clock, () => this.#resendHello());
  }

  get stats(): StreamStats {
    return {
      framesSent: this.#framesSent,
      resent: this.#outgoing.resent,
      duplicates: this.#incoming.duplicates,
      lost: this.#incoming.lost,
      outOfOrder: this.#incoming.outOfOrder,
      evicted: this.#outgoing.evicted,
      unacked: this.#outgoing.kept,
    };
  }

  /** Whether the kernel has answered this view's hello since it was last sent. */
  get greeted(): boolean {
    return this.#incoming.hasBase && !this.#helloPending;
  }

  /** Queues an entry; everything queued in one task leaves together right after it. */
  push(version: number, msg: string, kind: Kind): void {
    this.#outgoing.push(makeEntry(version, msg, kind));
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Sends what is queued, and what the kernel asked for again, now. */
  flush(): void {
    this.#flushQueued = false;
    if (this.#closed || !this.#outgoing.hasWork) return;
    const { frames, gone } = this.#outgoing.take();
    const control: ViewControl = {};
    if (gone !== null) {
      control.g = gone;
      this.#warnGone(gone);
    }
    if (frames.length > 0) {
      const ack = this.#incoming.takeAck(); // piggybacked: no frame of its own
      if (ack !== null) control.a = ack;
    }
    if (frames.length === 0) {
      if (control.g !== undefined) this.#send(control);
      return;
    }
    for (const [index, data] of frames.entries()) this.#send(index === 0 ? control : {}, data);
  }

  /** Introduces this view: at creation and after every reconnect; repeated until answered. */
  hello(): void {
    this.#helloDelay = HELLO_FIRST_MS;
    this.#sendHello();
  }

  /** The page is going away: say so, best effort. */
  bye(): void {
    this.flush();
    this.#send({ x: 1 });
  }

  /** Reads one frame from the kernel; returns false when (part of) it was malformed. */
  receive(content: unknown): boolean {
    if (this.#closed) return true;
    const read = readKernelFrame(content, this.peer);
    if (read.problems.length > 0) this.#hooks.badFrame(read.problems);
    // Acks first (they answer a hello or probe), then the hello answer, which sets the base the
    // data in the same frame is read against.
    if (read.ack !== null) {
      this.#outgoing.onAck(read.ack);
      if (this.#helloPending && this.#incoming.hasBase) this.#helloAnswered();
    }
    if (read.base !== null) {
      this.#incoming.setBase(read.base);
      this.#outgoing.onHelloAnswered();
      this.#helloAnswered();
    }
    if (read.nack !== null) this.#outgoing.requestResend(read.nack);
    if (read.gone !== null) this.#incoming.skip(...read.gone);
    if (read.data !== null) this.#incoming.receive(read.data.seq, read.data.entries);
    if (read.tail !== null) this.#incoming.tail(read.tail);
    if (this.#outgoing.hasWork) this.flush();
    return read.problems.length === 0;
  }

  /** Stops every timer; nothing is sent afterwards. */
  close(): void {
    this.#closed = true;
    this.#outgoing.close();
    this.#incoming.close();
    this.#helloTimer.cancel();
  }

  #sendHello(): void {
    if (this.#closed) return;
    const lastSent = this.#outgoing.sentThrough;
    this.#send({ h: helloOf(this.#incoming.firstSeen, lastSent, this.#hooks.caps()) });
    this.#outgoing.queried(lastSent);
    this.#helloPending = true;
    this.#helloTimer.arm(this.#helloDelay);
  }

  #resendHello(): void {
    if (!this.#helloPending) return;
    this.#helloDelay = Math.min(this.#helloDelay * 2, HELLO_MAX_MS);
    this.#sendHello();
  }

  #helloAnswered(): void {
    this.#helloPending = false;
    this.#helloTimer.cancel();
  }

  #warnGone(gone: [number, number]): void {
    if (gone[1] <= this.#goneWarnedThrough) return; // the kernel asked again for the same range
    this.#goneWarnedThrough = gone[1];
    this.#hooks.warn(
      `${gone[1] - gone[0] + 1} message(s) to the kernel were lost (seq ${gone[0]} to ${gone[1]}): ` +
        "the page keeps at most 64 Mi characters or 100,000 unacknowledged messages for resending, " +
        "and the kernel asked for them after they were dropped",
    );
  }

  #send(control: ViewControl, data?: DataFields): void {
    if (this.#closed) return;
    this.#framesSent += 1;
    this.#hooks.send(viewFrame(this.peer, control, data));
  }
}
