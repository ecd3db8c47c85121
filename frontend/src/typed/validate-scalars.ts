// Checks of single values: enum and const, numbers with their bounds, strings with their
// lengths, pattern, format and encoding.

import { codePointLength } from "./checks";
import { BASE64, FORMATS, fromPython } from "./formats";
import {
  type Fail,
  type Fn,
  fail,
  type Miss,
  num,
  type Obj,
  own,
  q,
  SchemaError,
  show,
} from "./validate-common";

export function values(list: unknown, ptr: string): Fn {
  const scalar = (x: unknown) => x === null || ["string", "number", "boolean"].includes(typeof x);
  if (!Array.isArray(list) || list.length === 0 || !list.every(scalar)) {
    const key = ptr.slice(ptr.lastIndexOf("/") + 1);
    throw new SchemaError(`${key} at ${ptr} must list strings, numbers, booleans or null`);
  }
  const want = list.length === 1 ? q(list[0]) : `one of ${list.map((x) => q(x)).join(", ")}`;
  const set = new Set(list);
  return (v) => (set.has(v) ? null : fail(`expected ${want}, got ${show(v)}`));
}

export function numberChecks(s: Obj, ptr: string, integer: boolean, miss: Miss): Fn | null {
  const lo = num(s, "minimum", ptr) ?? -Infinity;
  const hi = num(s, "maximum", ptr) ?? Infinity;
  const xlo = num(s, "exclusiveMinimum", ptr) ?? -Infinity;
  const xhi = num(s, "exclusiveMaximum", ptr) ?? Infinity;
  const mul = num(s, "multipleOf", ptr, Number.MIN_VALUE) ?? 0;
  if (!miss && [lo, -hi, xlo, -xhi].every((x) => x === -Infinity) && mul === 0) return null;
  const word = integer ? "integer" : "number";
  const outside = (v: number): Fail => {
    if (integer && !Number.isInteger(v)) return fail(`expected integer, got ${show(v)}`);
    if (integer && !Number.isSafeInteger(v)) {
      return fail(`integer ${BigInt(v)} is outside JavaScript's safe range +-(2**53 - 1)`);
    }
    if (!Number.isFinite(v)) return fail(`expected finite number, got ${v}`);
    if (v < lo || v <= xlo)
      return fail(`expected ${word} ${v < lo ? `>= ${lo}` : `> ${xlo}`}, got ${v}`);
    if (v > hi || v >= xhi)
      return fail(`expected ${word} ${v > hi ? `<= ${hi}` : `< ${xhi}`}, got ${v}`);
    return fail(`expected ${word} that is a multiple of ${mul}, got ${v}`);
  };
  // One combined test on the hot path; `%` is C's fmod, which msgspec applies to floats too.
  return (v) => {
    if (typeof v !== "number") return miss && miss(v);
    const fits = integer ? Number.isSafeInteger(v) : Number.isFinite(v);
    const within = v >= lo && v > xlo && v <= hi && v < xhi && (mul === 0 || v % mul === 0);
    return fits && within ? null : outside(v);
  };
}

export function stringChecks(s: Obj, ptr: string, miss: Miss): Fn | null {
  const minL = num(s, "minLength", ptr, 0, true) ?? 0;
  const maxL = num(s, "maxLength", ptr, 0, true) ?? Infinity;
  const [pattern, format, encoding] = [
    own(s, "pattern"),
    own(s, "format"),
    own(s, "contentEncoding"),
  ];
  let re: RegExp | undefined;
  try {
    if (pattern !== undefined)
      re = new RegExp(typeof pattern === "string" ? fromPython(pattern) : "(", "u");
  } catch (error) {
    throw new SchemaError(
      `pattern ${q(pattern)} at ${ptr} is not supported: ${(error as Error).message}`,
    );
  }
  const fmt = FORMATS.get(format as string);
  if (format !== undefined && !fmt)
    throw new SchemaError(`unsupported format ${q(format)} at ${ptr}`);
  if (encoding !== undefined && encoding !== "base64") {
    throw new SchemaError(`unsupported contentEncoding ${q(encoding)} at ${ptr}`);
  }
  if (minL === 0 && maxL === Infinity && !re && !fmt && encoding === undefined) {
    return miss && ((v) => (typeof v === "string" ? null : miss(v)));
  }
  return (v) => {
    if (typeof v !== "string") return miss && miss(v);
    // Python counts code points, which the UTF-16 length bounds: length/2 <= points <= length.
    if (v.length > maxL || v.length < 2 * minL) {
      const n = codePointLength(v);
      const want = n < minL ? `>= ${minL}` : `<= ${maxL}`;
      if (n < minL || n > maxL) return fail(`expected string of length ${want}, got length ${n}`);
    }
    if (re && !re.test(v)) return fail(`expected string matching ${q(pattern)}, got ${show(v)}`);
    if (fmt && !fmt[0](v)) return fail(`expected ${fmt[1]}, got ${show(v)}`);
    return encoding === undefined || BASE64.test(v)
      ? null
      : fail(`expected base64 string, got ${show(v)}`);
  };
}
