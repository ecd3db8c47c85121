// Arrays: lists, tuples (prefixItems) and sets (uniqueItems), as msgspec describes them.

import {
  at,
  type Compiler,
  type Fail,
  type Fn,
  fail,
  isPlain,
  type Miss,
  num,
  type Obj,
  own,
  SchemaError,
} from "./validate-common";
import { accepts, inline } from "./validate-inline";

export function arrayChecks(c: Compiler, s: Obj, ptr: string, miss: Miss): Fn | null {
  const minI = num(s, "minItems", ptr, 0, true) ?? 0;
  const maxI = num(s, "maxItems", ptr, 0, true) ?? Infinity;
  const items = own(s, "items");
  const prefixItems = own(s, "prefixItems") ?? [];
  const unique = own(s, "uniqueItems") ?? false;
  if (!Array.isArray(prefixItems) || typeof unique !== "boolean") {
    throw new SchemaError(`prefixItems at ${ptr} must be an array, and uniqueItems a boolean`);
  }
  const prefix = prefixItems.map((p, i) => c.node(p, `${ptr}/prefixItems/${i}`));
  // undefined: further items are free; null: there are none (items: false closes a tuple).
  const rest =
    items === undefined || items === true
      ? undefined
      : items === false
        ? null
        : c.node(items, `${ptr}/items`);
  const free =
    minI === 0 && maxI === Infinity && prefix.length === 0 && rest === undefined && !unique;
  if (free && !miss) return null;
  const length = (n: number) =>
    `expected array of length ${minI === maxI ? "" : n < minI ? ">= " : "<= "}`;
  const tooLong = (i: number) => at(fail(`unexpected item: at most ${prefix.length} allowed`), i);
  if (prefix.length === 0 && rest) {
    // A list: one schema for every item, often simple enough to test inline.
    const each = inline(c, items, rest, 0);
    return (v) => {
      if (!Array.isArray(v)) return miss && miss(v);
      const n = v.length;
      if (n < minI || n > maxI)
        return fail(`${length(n)}${n < minI ? minI : maxI}, got length ${n}`);
      for (let i = 0; i < n; i++) {
        const x: unknown = v[i];
        if (accepts(each, x)) continue;
        const f = rest(x);
        if (f !== null) return at(f, i);
      }
      return unique ? duplicate(v) : null;
    };
  }
  return (v) => {
    if (!Array.isArray(v)) return miss && miss(v);
    const n = v.length;
    if (n < minI || n > maxI) return fail(`${length(n)}${n < minI ? minI : maxI}, got length ${n}`);
    for (let i = 0, end = rest === undefined ? Math.min(n, prefix.length) : n; i < end; i++) {
      const fn = i < prefix.length ? (prefix[i] as Fn) : rest;
      if (!fn) return tooLong(i);
      const f = fn(v[i]);
      if (f !== null) return at(f, i);
    }
    return unique ? duplicate(v) : null;
  };
}

function duplicate(v: unknown[]): Fail | null {
  const [scalars, deep] = [new Map<unknown, number>(), new Map<unknown, number>()];
  // Arrays and objects compare as JSON with sorted keys; scalars by value, kept apart.
  const sorted = (_: string, y: unknown) =>
    isPlain(y)
      ? Object.fromEntries(
          Object.keys(y)
            .sort()
            .map((k) => [k, y[k]]),
        )
      : y;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    const map = typeof x === "object" && x !== null ? deep : scalars;
    const key = map === deep ? JSON.stringify(x, sorted) : x;
    const first = map.get(key);
    if (first !== undefined) return at(fail(`duplicate item: equal to item ${first}`), i);
    map.set(key, i);
  }
  return null;
}
