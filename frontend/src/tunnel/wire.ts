// The frames of the tunnel's wire protocol, version 2 (docs/protocol.md). A frame is one anywidget
// custom message, a JSON object with short field names:
//   browser to kernel: {p, s?, b?, k?, a?, h?, w?, n?, g?, x?}   (p: the view's peer id)
//   kernel to browser: {s?, b?, a?, h?, n?, t?, g?}              (a, h, n, g: maps by peer id)
// Entries are numbered (seq), not frames, so entries can be repacked freely when resent.
// The readers live in wire-read.ts.

export const PROTOCOL_VERSION = 2;

/** What an entry is; plain send_msg messages carry none. Mirrors ipycallback/_kinds.py. */
export enum Kind {
  Message = 0,
  Reply = 1,
  Error = 2,
  Cancel = 3,
}

/** A browser-to-kernel entry: [version, msg] or [version, msg, kind]. */
export type Entry = [number, string] | [number, string, Kind];

/** A kernel-to-browser entry; the 4th element addresses it to one view (peer id). */
export type KernelEntry = Entry | [number, string, Kind, string];

/** A received kernel entry, normalised: [version, msg, kind, to (null: every view)]. */
export type Incoming = readonly [version: number, msg: string, kind: Kind, to: string | null];

/** What the front end can do, sent in the hello. */
export interface Caps {
  /** JupyterLab's commsOverSubshells setting, null where the host does not say. */
  subshells: string | null;
  supportsSubshells?: boolean;
}

export interface Hello {
  v: typeof PROTOCOL_VERSION;
  /** The first kernel seq this view has received, or null. */
  f: number | null;
  /** The last seq this view has sent (0 if none). */
  w: number;
  caps: Caps;
}

/** Entries numbered from `s`; with `k = [index, count]`, one piece of the one entry `s`. */
export interface DataFields {
  s: number;
  b: Entry[];
  k?: [number, number];
}

/** Everything a browser-to-kernel frame may say besides data. */
export interface ViewControl {
  a?: number;
  h?: Hello;
  w?: number;
  n?: number;
  g?: [number, number];
  x?: 1;
}

export interface ViewFrame extends ViewControl, Partial<DataFields> {
  p: string;
}

export interface KernelFrame {
  s?: number;
  b?: KernelEntry[];
  a?: Record<string, number>;
  h?: Record<string, number>;
  n?: Record<string, number>;
  t?: number;
  g?: Record<string, [number, number]>;
}

// Tornado closes the kernel websocket on a frame over 10 MiB. JSON may escape one UTF-16 unit
// into six bytes (\u0000), so 512 Ki units stay under 3 MiB whatever the text.
export const MAX_FRAME_UNITS = 512 * 1024;
// An entry costs a few bytes besides its text ([9007199254740991,"",3], at most 24): counting
// 8 units for it keeps a flood of tiny entries under the same byte bound.
export const ENTRY_OVERHEAD_UNITS = 8;
// Peer ids the kernel accepts (ipycallback/_wire.py MAX_PEER_ID).
export const MAX_PEER_ID_LENGTH = 64;

export function makeEntry(version: number, msg: string, kind: Kind): Entry {
  return kind === Kind.Message ? [version, msg] : [version, msg, kind];
}

/** Where to cut `text` near `end` (> start) without splitting a surrogate pair. */
function cutAt(text: string, start: number, end: number): number {
  if (end >= text.length) return text.length;
  const unit = text.charCodeAt(end - 1);
  if (unit < 0xd800 || unit > 0xdbff) return end;
  // Cutting before the high surrogate keeps the pair whole, unless the piece would be empty.
  return end - 1 > start ? end - 1 : end + 1;
}

/** The pieces of a text too large for one frame; no piece splits a surrogate pair. */
export function splitText(text: string, maxUnits: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    const end = cutAt(text, start, start + Math.max(1, maxUnits));
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/**
 * Packs entries numbered from `first` into data frames, in order: small ones batched up to
 * `maxUnits`, a larger one split into `k` pieces. The caller adds `p` and any control fields.
 */
export function packFrames(
  first: number,
  entries: readonly Entry[],
  maxUnits = MAX_FRAME_UNITS,
): DataFields[] {
  const frames: DataFields[] = [];
  let batch: Entry[] = [];
  let batchSeq = first;
  let units = 0;
  const closeBatch = (): void => {
    if (batch.length > 0) frames.push({ s: batchSeq, b: batch });
    batch = [];
    units = 0;
  };
  entries.forEach((entry, index) => {
    const seq = first + index;
    const [version, msg, kind] = entry;
    if (msg.length > maxUnits) {
      closeBatch();
      const pieces = splitText(msg, maxUnits);
      pieces.forEach((piece, pieceIndex) => {
        const b: Entry[] = [kind === undefined ? [version, piece] : [version, piece, kind]];
        frames.push({ s: seq, k: [pieceIndex, pieces.length], b });
      });
      return;
    }
    const cost = msg.length + ENTRY_OVERHEAD_UNITS;
    if (units + cost > maxUnits) closeBatch();
    if (batch.length === 0) batchSeq = seq;
    batch.push(entry);
    units += cost;
  });
  closeBatch();
  return frames;
}

/** A frame from this view: its peer id first, then the data and control fields given. */
export function viewFrame(peer: string, control: ViewControl, data?: DataFields): ViewFrame {
  const frame: ViewFrame = { p: peer };
  if (data !== undefined) {
    frame.s = data.s;
    if (data.k !== undefined) frame.k = data.k;
    frame.b = data.b;
  }
  if (control.a !== undefined) frame.a = control.a;
  if (control.h !== undefined) frame.h = control.h;
  if (control.w !== undefined) frame.w = control.w;
  if (control.n !== undefined) frame.n = control.n;
  if (control.g !== undefined) frame.g = control.g;
  if (control.x !== undefined) frame.x = control.x;
  return frame;
}

export function helloOf(firstSeen: number | null, lastSent: number, caps: Caps): Hello {
  return { v: PROTOCOL_VERSION, f: firstSeen, w: lastSent, caps };
}
