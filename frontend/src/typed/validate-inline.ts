// The simplest schemas (a tag, a few enum values, a string with length bounds, a number with
// bounds, each maybe nullable, and arrays of these) are also tested inline by the loops over
// object fields and array items, because a closure call per value costs more than the test.
// Only acceptance is inline; anything else runs the value's closure, for a precise issue.

import { type Compiler, defName, type Fn, hasOwn, isPlain, KEYWORDS, own } from "./validate-common";

const CALL = 0; // no inline test: always run the closure
const EQ = 1;
const ONE_OF = 2;
const STRING = 3;
const INTEGER = 4;
const NUMBER = 5;
const ARRAY = 6; // of items that have an inline test, itself not an array

export interface Inline {
  key: string; // an object field's name
  next: Inline | null; // the field that came next, the last time: see validate-objects.ts
  fn: Fn | null; // the value's closure; null: a key that is not allowed
  required: number; // 1 for a required field, else 0: the struct loop adds them up
  kind: number;
  nullable: boolean;
  value: unknown; // EQ: the value; ONE_OF: the values
  lo: number; // >=; strings: twice the minimum length
  hi: number; // <=; strings: the maximum length
  xlo: number; // >
  xhi: number; // <
  item: Inline | null; // ARRAY: the items' test
}

type Shape = Omit<Inline, "key" | "next" | "fn" | "required">;

function shape(
  kind: number,
  value?: unknown,
  bounds = [-Infinity, Infinity, -Infinity, Infinity],
): Shape {
  const [lo, hi, xlo, xhi] = bounds as [number, number, number, number];
  return { kind, nullable: false, value, lo, hi, xlo, xhi, item: null };
}

// Every Inline comes from this one literal, so that their shared shape keeps the loops' reads fast.
function make(s: Shape, fn: Fn | null, required: number, key: string): Inline {
  const { kind, nullable, value, lo, hi, xlo, xhi, item } = s;
  return { key, next: null, fn, required, kind, nullable, value, lo, hi, xlo, xhi, item };
}

const NUMBER_KEYS = ["type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

// The inline test of schema `s`, whose closure is already compiled (so `s` is valid), or null.
function shapeOf(c: Compiler, s: unknown, depth: number): Shape | null {
  if (!isPlain(s) || depth > 8) return null;
  const keys = Object.keys(s).filter((k) => KEYWORDS.has(k));
  const only = (...allowed: string[]) => keys.every((k) => allowed.includes(k));
  const n = (k: string, d: number) => (own(s, k) as number | undefined) ?? d;
  const target = own(s, "$ref");
  if (typeof target === "string") {
    return only("$ref") ? shapeOf(c, own(c.defs, defName(target)), depth + 1) : null;
  }
  const list = own(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : undefined);
  if (Array.isArray(list) && keys.length === 1 && list.length <= 8) {
    return list.length === 1 ? shape(EQ, list[0]) : shape(ONE_OF, list);
  }
  const branches = own(s, "anyOf");
  if (Array.isArray(branches) && only("anyOf") && branches.length === 2) {
    // Optional[T], as msgspec writes it: T or null.
    const [some, none] = branches.map((b) => shapeOf(c, b, depth + 1));
    if (some && none?.kind === EQ && none.value === null && !some.nullable)
      return { ...some, nullable: true };
    return null;
  }
  const type = own(s, "type");
  if (type === "null" && only("type")) return shape(EQ, null);
  if (type === "boolean" && only("type")) return shape(ONE_OF, [true, false]);
  if (type === "string" && only("type", "minLength", "maxLength")) {
    return shape(STRING, undefined, [
      2 * n("minLength", 0),
      n("maxLength", Infinity),
      -Infinity,
      Infinity,
    ]);
  }
  if ((type === "integer" || type === "number") && only(...NUMBER_KEYS)) {
    const [lo, hi] = [n("minimum", -Infinity), n("maximum", Infinity)];
    const bounds = [lo, hi, n("exclusiveMinimum", -Infinity), n("exclusiveMaximum", Infinity)];
    return shape(type === "integer" ? INTEGER : NUMBER, undefined, bounds);
  }
  if (type === "array" && only("type", "items")) {
    const item = shapeOf(c, own(s, "items"), depth + 1);
    if (item === null || item.kind === ARRAY) return null;
    return { ...shape(ARRAY), item: make(item, null, 0, "") };
  }
  return null;
}

export function inline(c: Compiler, s: unknown, fn: Fn | null, required = 0, key = ""): Inline {
  const found = fn === null ? null : shapeOf(c, s, 0);
  return make(found ?? shape(CALL), fn, required, key);
}

function acceptsOne(d: Inline, x: unknown): boolean {
  const kind = d.kind;
  if (kind === EQ) return x === d.value || (x === null && d.nullable);
  if (kind === STRING) {
    return typeof x === "string" ? x.length >= d.lo && x.length <= d.hi : x === null && d.nullable;
  }
  if (kind === INTEGER || kind === NUMBER) {
    if (typeof x !== "number") return x === null && d.nullable;
    const within = x >= d.lo && x <= d.hi && x > d.xlo && x < d.xhi;
    return within && (kind === INTEGER ? Number.isSafeInteger(x) : Number.isFinite(x));
  }
  if (kind === ONE_OF) {
    const list = d.value as unknown[];
    for (let i = 0; i < list.length; i++) if (list[i] === x) return true;
    return x === null && d.nullable;
  }
  return false;
}

/** True when `x` certainly passes `d`'s closure; false when the closure must decide. */
export function accepts(d: Inline, x: unknown): boolean {
  if (d.kind !== ARRAY) return acceptsOne(d, x);
  if (!Array.isArray(x)) return x === null && d.nullable;
  const item = d.item as Inline;
  for (let i = 0; i < x.length; i++) if (!acceptsOne(item, x[i])) return false;
  return true;
}
