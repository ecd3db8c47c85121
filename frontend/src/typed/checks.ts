// The browser's checks of single values, one implementation for both validators: the runtime
// one (validate-*.ts) and the code generator's (ajv standalone code, whose custom keywords call
// these by name; generated modules import them from this package). docs/internal-form.md,
// "Semantics", says what they accept: what msgspec accepts.

const NAME = /^[A-Za-z_$][\w$]*$/;

/** `path` and one more step: `[0]` for an index, `.key` or `["odd key"]` for a key. */
export function pathStep(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return NAME.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The number of code points (a surrogate pair is one), as Python counts a string's length. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

// RFC 3339 as msgspec reads it: "T", "t" or " " between date and time, any number of fraction
// digits, an offset Z, z, ±HH:MM or ±HHMM; years from 0001, real days, no leap second.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):?(\d{2}))$/;
const PARTIAL_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/;
const UUID = /^(?:[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}|[\da-f]{32})$/i;

export function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  return y >= 1 && d >= 1 && d <= days;
}

function clock(m: RegExpExecArray | null): boolean {
  if (m === null) return false;
  const n = (i: number): number => Number(m[i] ?? 0);
  return n(1) < 24 && n(2) < 60 && n(3) < 60 && n(4) < 24 && n(5) < 60;
}

/** A time with an offset. */
export function isTime(s: string): boolean {
  return clock(TIME.exec(s));
}

/** A time without an offset (msgspec's naive `datetime.time`). */
export function isPartialTime(s: string): boolean {
  return clock(PARTIAL_TIME.exec(s));
}

export function isDateTime(s: string): boolean {
  return "Tt ".includes(s.charAt(10)) && isDate(s.slice(0, 10)) && isTime(s.slice(11));
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}
