// Argument checks of the public send methods, with messages that name what was given.

function describe(value: unknown): string {
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    text = "?";
  }
  return `${type}: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

export function checkVersion(method: string, version: unknown): asserts version is number {
  if (!Number.isSafeInteger(version) || (version as number) < 0) {
    throw new TypeError(
      `${method}() expects version to be a non-negative integer, got ${describe(version)}`,
    );
  }
}

/** The index of the first lone surrogate in `text`, or -1 when it is well formed. */
export function loneSurrogateIndex(text: string): number {
  const isWellFormed = (text as { isWellFormed?: () => boolean }).isWellFormed;
  if (typeof isWellFormed === "function" && isWellFormed.call(text)) return -1;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(index + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      index += 1; // a whole pair
      continue;
    }
    return index;
  }
  return -1;
}

/**
 * A message must be a string the kernel can decode. jupyter_client refuses a lone surrogate
 * (UnicodeEncodeError) and would lose the whole batch it rides in, so it is refused here, before
 * it can join one.
 */
export function checkMsg(method: string, msg: unknown): asserts msg is string {
  if (typeof msg !== "string") {
    throw new TypeError(`${method}() expects msg to be a string, got ${describe(msg)}`);
  }
  const index = loneSurrogateIndex(msg);
  if (index >= 0) {
    const unit = msg.charCodeAt(index).toString(16).toUpperCase();
    throw new RangeError(
      `${method}() refuses msg: it has a lone surrogate (U+${unit}) at index ${index}, which ` +
        "cannot be encoded as UTF-8; the kernel would reject it",
    );
  }
}

/** `text` with every lone surrogate replaced by U+FFFD, for text this side writes itself. */
export function wellFormed(text: string): string {
  const toWellFormed = (text as { toWellFormed?: () => string }).toWellFormed;
  if (typeof toWellFormed === "function") return toWellFormed.call(text);
  let out = text;
  for (let index = loneSurrogateIndex(out); index >= 0; index = loneSurrogateIndex(out)) {
    out = `${out.slice(0, index)}\ufffd${out.slice(index + 1)}`;
  }
  return out;
}

// setTimeout fires at once for NaN, negatives and anything past 2**31 - 1 ms (Infinity too).
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** `timeoutMs` must be absent or a number of milliseconds setTimeout honours. */
export function checkTimeout(
  method: string,
  timeoutMs: unknown,
): asserts timeoutMs is number | undefined {
  if (timeoutMs === undefined) return;
  if (typeof timeoutMs !== "number" || !(timeoutMs >= 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new TypeError(
      `${method}() expects timeoutMs to be a number of milliseconds from 0 to 2**31 - 1, ` +
        `got ${describe(timeoutMs)}`,
    );
  }
}
