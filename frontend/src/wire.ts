// The frames a tunnel exchanges as anywidget custom messages.
//   {"b": [[version, msg], ...]}   a batch of whole messages (both directions)
//   {"c": [version, piece, last]}  one piece of a message too large for a websocket frame
//                                  (browser to kernel only; pieces arrive in order)
// An entry, or a chunk, may carry one more element: the message kind the typed layer uses.

/** What a message is; plain send_msg messages carry none. See ipycallback/_kinds.py. */
export const enum Kind {
  Message = 0,
  Reply = 1,
  Error = 2,
}

export type Entry = [number, string] | [number, string, Kind];
export type Frame = { b: Entry[] } | { c: [number, string, boolean] | [number, string, boolean, Kind] };

// Tornado closes the kernel websocket on a frame over 10 MiB. JSON may escape one UTF-16 unit
// into six bytes (\u0000), so 512 Ki units stay under 3 MiB whatever the text.
export const MAX_FRAME_UNITS = 512 * 1024;

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isKind(value: unknown): value is Kind {
  return value === Kind.Message || value === Kind.Reply || value === Kind.Error;
}

export function isEntry(value: unknown): value is Entry {
  return (
    Array.isArray(value) &&
    (value.length === 2 || (value.length === 3 && isKind(value[2]))) &&
    isVersion(value[0]) &&
    typeof value[1] === "string"
  );
}

/** Where to cut `text` near `end` without splitting a surrogate pair. */
function cutAt(text: string, end: number): number {
  if (end >= text.length) return text.length;
  const unit = text.charCodeAt(end - 1);
  return unit >= 0xd800 && unit <= 0xdbff ? end - 1 : end;
}

/** Packs entries into frames in order: small ones batched, large ones split into pieces. */
export function packFrames(entries: readonly Entry[], maxUnits = MAX_FRAME_UNITS): Frame[] {
  const frames: Frame[] = [];
  let batch: Entry[] = [];
  let units = 0;
  const closeBatch = (): void => {
    if (batch.length > 0) frames.push({ b: batch });
    batch = [];
    units = 0;
  };
  for (const entry of entries) {
    const [version, msg, kind] = entry;
    if (msg.length > maxUnits) {
      closeBatch();
      for (let start = 0; start < msg.length; ) {
        const end = cutAt(msg, start + maxUnits);
        const piece = msg.slice(start, end);
        const last = end >= msg.length;
        frames.push({ c: kind === undefined ? [version, piece, last] : [version, piece, last, kind] });
        start = end;
      }
      continue;
    }
    if (units + msg.length > maxUnits) closeBatch();
    batch.push(entry);
    units += msg.length;
  }
  closeBatch();
  return frames;
}

/** Reads a kernel-to-browser frame; returns the good entries and a note per bad part. */
export function readFrame(content: unknown): { entries: Entry[]; problems: string[] } {
  const batch =
    typeof content === "object" && content !== null && Object.hasOwn(content, "b")
      ? (content as { b: unknown }).b
      : undefined;
  if (!Array.isArray(batch)) {
    return { entries: [], problems: ["not a tunnel frame"] };
  }
  const entries: Entry[] = [];
  const problems: string[] = [];
  batch.forEach((item: unknown, index: number) => {
    if (isEntry(item)) entries.push(item);
    else problems.push(`batch item ${index} is not [version, msg]`);
  });
  return { entries, problems };
}
