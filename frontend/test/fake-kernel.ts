// A small kernel peer for the tests: the kernel's role of docs/protocol.md, with one stream to
// every view, a reordering inbox per view, acks, hello answers, nacks, resends, eviction and the
// tail probe. No pacing and no timers: the test decides when it flushes and probes.

import type { Entry, KernelEntry, KernelFrame, Kind } from "../src/tunnel/wire";
import { readViewFrame } from "../src/tunnel/wire-read";

export type Received = [version: number, msg: string, kind: number];

export class KernelView {
  readonly peer: string;
  expected = 1; // the next seq of this view's stream to deliver
  readonly held = new Map<number, Received | null>();
  readonly pieces = new Map<number, (string | null)[]>();
  readonly received: Received[] = [];
  acked = 0; // the kernel seq this view has acknowledged
  greeted = false;
  base: number | null = null; // where this view's share of the kernel stream starts
  gone = false;
  caps: unknown = null;
  duplicates = 0;
  lost = 0;
  hellos = 0;
  probes = 0;

  constructor(peer: string) {
    this.peer = peer;
  }
}

export interface FakeKernelOptions {
  /** Entries kept for resending, at most (the real kernel: 100,000 or 64 Mi characters). */
  maxKept?: number;
  /** Whether a hello from a view already greeted is answered with h again (docs/protocol.md). */
  repeatHelloAnswer?: boolean;
}

export class FakeKernel {
  readonly views = new Map<string, KernelView>();
  readonly problems: string[] = [];
  transmit: (frame: KernelFrame) => void = () => {};
  #kept: { seq: number; entry: KernelEntry }[] = [];
  #nextSeq = 1;
  #sentThrough = 0;
  #resendFrom: number | null = null;
  #control: KernelFrame = {};
  #version = 0;
  readonly #maxKept: number;
  readonly #repeatHelloAnswer: boolean;
  framesSent = 0;
  resent = 0;

  constructor(options: FakeKernelOptions = {}) {
    this.#maxKept = options.maxKept ?? Number.POSITIVE_INFINITY;
    this.#repeatHelloAnswer = options.repeatHelloAnswer ?? true;
  }

  get sentThrough(): number {
    return this.#sentThrough;
  }

  get kept(): number {
    return this.#kept.length;
  }

  view(peer: string): KernelView {
    const view = this.views.get(peer);
    if (view === undefined) throw new Error(`no view ${peer}`);
    return view;
  }

  /** Queues an entry for every view (or for view `to`); returns its version. */
  send(msg: string, options: { kind?: Kind; to?: string; version?: number } = {}): number {
    const version = options.version ?? ++this.#version;
    const kind = options.kind ?? 0;
    const entry: KernelEntry =
      options.to !== undefined
        ? [version, msg, kind, options.to]
        : kind === 0
          ? [version, msg]
          : [version, msg, kind];
    this.#kept.push({ seq: this.#nextSeq, entry });
    this.#nextSeq += 1;
    return version;
  }

  /** The tail probe: "I have sent up to t". */
  probeTail(): void {
    this.#control.t = this.#sentThrough;
  }

  receive(content: unknown): void {
    const frame = readViewFrame(content);
    this.problems.push(...frame.problems);
    if (frame.peer === null) return;
    let view = this.views.get(frame.peer);
    if (view === undefined) {
      view = new KernelView(frame.peer);
      this.views.set(frame.peer, view);
    }
    if (frame.bye) view.gone = true;
    if (frame.ack !== null)
      view.acked = Math.max(view.acked, Math.min(frame.ack, this.#sentThrough));
    if (frame.hello !== null) this.#hello(view, frame.hello.f, frame.hello.caps);
    if (frame.nack !== null) this.#resend(view, frame.nack);
    if (frame.gone !== null) this.#skip(view, frame.gone[0], frame.gone[1]);
    if (frame.data !== null) {
      const { seq, entries, piece } = frame.data;
      const first = entries[0];
      if (piece !== null && first != null) this.#acceptPiece(view, seq, piece, first);
      else this.#accept(view, seq, entries);
      this.#ack(view);
    }
    if (frame.probe !== null) {
      view.probes += 1;
      this.#ack(view);
    }
    this.#release();
  }

  /** Sends what is queued, what views asked for again, and pending control, as one frame. */
  flush(): void {
    const frame: KernelFrame = this.#control;
    this.#control = {};
    const from = Math.max(this.#resendFrom ?? this.#sentThrough + 1, this.#oldestKept());
    this.#resendFrom = null;
    const entries = this.#kept.filter(({ seq }) => seq >= from).map(({ entry }) => entry);
    if (entries.length > 0) {
      frame.s = from;
      frame.b = entries;
      this.resent += Math.max(0, Math.min(this.#sentThrough, this.#nextSeq - 1) - from + 1);
      this.#sentThrough = this.#nextSeq - 1;
    }
    this.#evict();
    if (Object.keys(frame).length === 0) return;
    this.framesSent += 1;
    this.transmit(frame);
  }

  #oldestKept(): number {
    return this.#kept[0]?.seq ?? this.#nextSeq;
  }

  #peerControl(key: "a" | "h" | "n", peer: string, value: number): void {
    const map = this.#control[key] ?? {};
    map[peer] = value;
    this.#control[key] = map;
  }

  #ack(view: KernelView): void {
    this.#peerControl("a", view.peer, view.expected - 1);
  }

  #hello(view: KernelView, firstSeen: number | null, caps: unknown): void {
    view.hellos += 1;
    view.caps = caps;
    if (!view.greeted) {
      view.greeted = true;
      const base = Math.min(this.#oldestKept(), firstSeen ?? Number.POSITIVE_INFINITY);
      view.base = base;
      view.acked = Math.max(view.acked, base - 1);
      this.#peerControl("h", view.peer, base);
      this.#resendFrom = Math.min(this.#resendFrom ?? base, base);
    } else {
      if (this.#repeatHelloAnswer) this.#peerControl("h", view.peer, view.base ?? 1);
      this.#resend(view, view.acked + 1);
    }
    this.#ack(view);
  }

  #resend(view: KernelView, seq: number): void {
    if (seq > this.#sentThrough) return;
    const oldest = this.#oldestKept();
    if (seq < oldest) {
      const last = Math.min(oldest - 1, this.#sentThrough);
      const gone = this.#control.g ?? {};
      gone[view.peer] = [seq, last];
      this.#control.g = gone;
      view.acked = Math.max(view.acked, last);
      seq = last + 1;
    }
    this.#resendFrom = Math.min(this.#resendFrom ?? seq, seq);
  }

  #accept(view: KernelView, seq: number, entries: readonly (Entry | null)[]): void {
    entries.forEach((entry, index) => {
      const number = seq + index;
      if (number < view.expected || view.held.has(number)) {
        view.duplicates += 1;
        return;
      }
      view.held.set(number, entry === null ? null : [entry[0], entry[1], entry[2] ?? 0]);
    });
    this.#deliverReady(view);
  }

  #acceptPiece(
    view: KernelView,
    seq: number,
    [index, count]: [number, number],
    entry: Entry,
  ): void {
    if (seq < view.expected || view.held.has(seq)) {
      view.duplicates += 1;
      return;
    }
    const pieces = view.pieces.get(seq) ?? new Array<string | null>(count).fill(null);
    if (pieces[index] !== null) {
      view.duplicates += 1;
      return;
    }
    pieces[index] = entry[1];
    view.pieces.set(seq, pieces);
    if (pieces.some((piece) => piece === null)) return;
    view.pieces.delete(seq);
    this.#accept(view, seq, [[entry[0], pieces.join(""), entry[2] ?? 0]]);
  }

  #skip(view: KernelView, from: number, to: number): void {
    if (from > view.expected || to < view.expected) return;
    for (let seq = view.expected; seq <= to; seq += 1) {
      if (!view.held.delete(seq)) view.lost += 1;
    }
    view.expected = to + 1;
    this.#deliverReady(view);
  }

  #deliverReady(view: KernelView): void {
    while (view.held.has(view.expected)) {
      const entry = view.held.get(view.expected);
      view.held.delete(view.expected);
      view.expected += 1;
      if (entry != null) view.received.push(entry);
    }
  }

  /** Stops keeping what every view still here has acknowledged. */
  #release(): void {
    const live = [...this.views.values()].filter((view) => !view.gone);
    if (live.length === 0) return; // no view yet: keep everything for the first one
    const floor = Math.min(...live.map((view) => view.acked));
    this.#kept = this.#kept.filter(({ seq }) => seq > floor);
  }

  #evict(): void {
    while (
      this.#kept.length > this.#maxKept &&
      (this.#kept[0]?.seq ?? Infinity) <= this.#sentThrough
    ) {
      this.#kept.shift();
    }
  }
}
