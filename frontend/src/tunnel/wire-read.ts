// Strict readers for the frames of wire.ts. They never throw: whatever arrives (a frame of an
// older protocol, a hand-made message, a hostile payload) is checked field by field, and each bad
// part is skipped and described in `problems` without taking the rest of the frame with it.
// Fields are read only as own keys, so "__proto__" or inherited names never count.
import {
  type Caps,
  type Entry,
  type Hello,
  type Incoming,
  Kind,
  MAX_PEER_ID_LENGTH,
  PROTOCOL_VERSION,
} from "./wire";

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function own(object: Fields, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function isCount(value: unknown, low = 0): value is number {
  return Number.isSafeInteger(value) && (value as number) >= low;
}

function isKind(value: unknown): value is Kind {
  return (
    value === Kind.Message || value === Kind.Reply || value === Kind.Error || value === Kind.Cancel
  );
}

export function isPeerId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_PEER_ID_LENGTH;
}

function short(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = "?";
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A browser-to-kernel entry, or null. */
export function readEntry(value: unknown): Entry | null {
  if (!Array.isArray(value) || !isCount(value[0]) || typeof value[1] !== "string") return null;
  if (value.length === 2) return [value[0], value[1]];
  if (value.length === 3 && isKind(value[2])) return [value[0], value[1], value[2]];
  return null;
}

/** A kernel-to-browser entry, normalised to [version, msg, kind, to], or null. */
export function readKernelEntry(value: unknown): Incoming | null {
  if (Array.isArray(value) && value.length === 4) {
    const head = readEntry(value.slice(0, 3));
    return head !== null && isPeerId(value[3])
      ? [head[0], head[1], head[2] ?? Kind.Message, value[3]]
      : null;
  }
  const entry = readEntry(value);
  return entry === null ? null : [entry[0], entry[1], entry[2] ?? Kind.Message, null];
}

function readData<T>(
  frame: Fields,
  readItem: (value: unknown) => T | null,
  problems: string[],
): { seq: number; entries: (T | null)[] } | null {
  const seq = own(frame, "s");
  const batch = own(frame, "b");
  if (batch === undefined) return null;
  if (!isCount(seq, 1) || !Array.isArray(batch) || batch.length === 0) {
    problems.push(`data needs a seq s >= 1 and a non-empty list b; got s=${short(seq)}`);
    return null;
  }
  // A bad entry keeps its place (null) so the seq of every entry after it stays right.
  const entries = batch.map((item: unknown, index: number) => {
    const entry = readItem(item);
    if (entry === null)
      problems.push(`entry ${index} (seq ${seq + index}) is malformed: ${short(item)}`);
    return entry;
  });
  return { seq, entries };
}

export interface KernelFrameRead {
  data: { seq: number; entries: (Incoming | null)[] } | null;
  /** The kernel has every entry of this view up to this seq. */
  ack: number | null;
  /** The answer to this view's hello: its share of the kernel stream starts here. */
  base: number | null;
  /** Resend this view's entries from here. */
  nack: number | null;
  /** The kernel has sent entries up to here. */
  tail: number | null;
  /** Kernel entries [from, to] are gone for this view. */
  gone: [number, number] | null;
  problems: string[];
}

const KERNEL_FIELDS = ["s", "b", "a", "h", "n", "t", "g"];

/** This view's part of the per-peer map `key` of a kernel frame. */
function forPeer(frame: Fields, key: string, peer: string, problems: string[]): unknown {
  const map = own(frame, key);
  if (map === undefined) return undefined;
  if (!isObject(map)) {
    problems.push(`field ${key} is not a map of peer ids: ${short(map)}`);
    return undefined;
  }
  return own(map, peer);
}

function readCountFor(
  frame: Fields,
  key: string,
  peer: string,
  low: number,
  problems: string[],
): number | null {
  const value = forPeer(frame, key, peer, problems);
  if (value === undefined) return null;
  if (isCount(value, low)) return value;
  problems.push(`field ${key} holds no seq >= ${low} for this view: ${short(value)}`);
  return null;
}

function readRange(value: unknown, what: string, problems: string[]): [number, number] | null {
  if (value === undefined) return null;
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    isCount(value[0], 1) &&
    isCount(value[1], 1) &&
    value[0] <= value[1]
  ) {
    return [value[0], value[1]];
  }
  problems.push(`${what} is not [from, to]: ${short(value)}`);
  return null;
}

/** Reads a kernel-to-browser frame for the view `peer`. */
export function readKernelFrame(content: unknown, peer: string): KernelFrameRead {
  const read: KernelFrameRead = {
    data: null,
    ack: null,
    base: null,
    nack: null,
    tail: null,
    gone: null,
    problems: [],
  };
  if (!isObject(content) || !KERNEL_FIELDS.some((key) => Object.hasOwn(content, key))) {
    read.problems.push(`not a tunnel frame: ${short(content)}`);
    return read;
  }
  const problems = read.problems;
  if (own(content, "k") !== undefined) {
    // Kernel frames are never split: a piece read as a whole entry would be wrong data.
    problems.push(`kernel frames carry no pieces (k): ${short(own(content, "k"))}`);
  } else {
    read.data = readData(content, readKernelEntry, problems);
  }
  read.ack = readCountFor(content, "a", peer, 0, problems);
  read.base = readCountFor(content, "h", peer, 1, problems);
  read.nack = readCountFor(content, "n", peer, 1, problems);
  read.gone = readRange(forPeer(content, "g", peer, problems), "field g", problems);
  const tail = own(content, "t");
  if (tail !== undefined) {
    if (isCount(tail)) read.tail = tail;
    else problems.push(`field t is not a seq: ${short(tail)}`);
  }
  return read;
}

export interface ViewFrameRead {
  peer: string | null;
  data: { seq: number; entries: (Entry | null)[]; piece: [number, number] | null } | null;
  ack: number | null;
  hello: Hello | null;
  probe: number | null;
  nack: number | null;
  gone: [number, number] | null;
  bye: boolean;
  problems: string[];
}

function readCaps(value: unknown): Caps {
  const caps: Caps = { subshells: null };
  if (!isObject(value)) return caps;
  const subshells = own(value, "subshells");
  if (typeof subshells === "string") caps.subshells = subshells;
  const supports = own(value, "supportsSubshells");
  if (typeof supports === "boolean") caps.supportsSubshells = supports;
  return caps;
}

function readHello(value: unknown, problems: string[]): Hello | null {
  if (value === undefined) return null;
  if (!isObject(value) || own(value, "v") !== PROTOCOL_VERSION) {
    problems.push(`hello of an unknown protocol: ${short(value)}`);
    return null;
  }
  const f = own(value, "f");
  const w = own(value, "w");
  if ((f !== null && !isCount(f, 1)) || !isCount(w)) {
    problems.push(`hello with bad positions: ${short(value)}`);
    return null;
  }
  return { v: PROTOCOL_VERSION, f, w, caps: readCaps(own(value, "caps")) };
}

function readCount(frame: Fields, key: string, low: number, problems: string[]): number | null {
  const value = own(frame, key);
  if (value === undefined) return null;
  if (isCount(value, low)) return value;
  problems.push(`field ${key} is not a seq >= ${low}: ${short(value)}`);
  return null;
}

/** Reads a browser-to-kernel frame (the kernel's role; the tests' fake kernel uses it). */
export function readViewFrame(content: unknown): ViewFrameRead {
  const read: ViewFrameRead = {
    peer: null,
    data: null,
    ack: null,
    hello: null,
    probe: null,
    nack: null,
    gone: null,
    bye: false,
    problems: [],
  };
  if (!isObject(content)) {
    read.problems.push(`not a tunnel frame: ${short(content)}`);
    return read;
  }
  const peer = own(content, "p");
  if (!isPeerId(peer)) {
    read.problems.push(`frame without a valid peer id: ${short(peer)}`);
    return read;
  }
  const problems = read.problems;
  read.peer = peer;
  read.ack = readCount(content, "a", 0, problems);
  read.probe = readCount(content, "w", 0, problems);
  read.nack = readCount(content, "n", 1, problems);
  read.hello = readHello(own(content, "h"), problems);
  read.gone = readRange(own(content, "g"), "field g", problems);
  read.bye = own(content, "x") === 1;
  const data = readData(content, readEntry, problems);
  if (data !== null) {
    const k = own(content, "k");
    let piece: [number, number] | null = null;
    if (k !== undefined) {
      if (
        !(
          Array.isArray(k) &&
          k.length === 2 &&
          isCount(k[1], 1) &&
          isCount(k[0]) &&
          k[0] < k[1] &&
          data.entries.length === 1
        )
      ) {
        problems.push(`piece k is not [index, count] of one entry: ${short(k)}`);
        return read;
      }
      piece = [k[0], k[1]];
    }
    read.data = { ...data, piece };
  }
  return read;
}
