// Objects: structs (declared properties, required ones, maybe no others) and dicts
// (additionalProperties, propertyNames, minProperties, maxProperties).

import {
  at,
  type Compiler,
  esc,
  type Fail,
  type Fn,
  fail,
  hasOwn,
  isPlain,
  type Miss,
  num,
  type Obj,
  ok,
  own,
  q,
  SchemaError,
} from "./validate-common";
import { accepts, type Inline, inline } from "./validate-inline";

export function objectChecks(c: Compiler, s: Obj, ptr: string, miss: Miss): Fn | null {
  const [properties, required] = [own(s, "properties") ?? {}, own(s, "required") ?? []];
  const [additional, names] = [own(s, "additionalProperties"), own(s, "propertyNames")];
  const minP = num(s, "minProperties", ptr, 0, true) ?? 0;
  const maxP = num(s, "maxProperties", ptr, 0, true) ?? Infinity;
  if (
    !isPlain(properties) ||
    !Array.isArray(required) ||
    !required.every((k) => typeof k === "string")
  ) {
    throw new SchemaError(
      `properties at ${ptr} must be an object, and required an array of strings`,
    );
  }
  const extra =
    additional === undefined || additional === true
      ? ok // null: no other key allowed
      : additional
        ? c.node(additional, `${ptr}/additionalProperties`)
        : null;
  const keyFn = names === undefined ? null : c.node(names, `${ptr}/propertyNames`);
  const keys = [...new Set([...Object.keys(properties), ...required])];
  const fields = keys.map((k) => {
    const schema = hasOwn(properties, k) ? properties[k] : undefined;
    const fn = schema === undefined ? extra : c.node(schema, `${ptr}/properties/${esc(k)}`);
    return inline(c, schema, fn, required.includes(k) ? 1 : 0, k);
  });
  const badKey = (k: string): Fail | null => {
    const f = keyFn === null ? null : keyFn(k);
    return f && fail(`invalid key ${q(k)}: ${f.message}`);
  };
  const size = (n: number) => {
    const want = n < minP ? `at least ${minP}` : `at most ${maxP}`;
    return n < minP || n > maxP ? fail(`expected object with ${want} fields, got ${n}`) : null;
  };
  if (keys.length === 0 && extra === ok && keyFn === null && minP === 0 && maxP === Infinity) {
    return miss && ((v) => (isPlain(v) ? null : miss(v)));
  }
  // for-in is V8's fastest walk over a JSON object. Inherited keys are skipped, as JSON.stringify
  // skips them, so a polluted Object.prototype adds nothing. Dicts get a for-in of their own:
  // V8 keeps feedback per site, and integer-like keys, common in dicts, put a site in slow mode.
  if (keys.length === 0) {
    return (v) => {
      if (!isPlain(v)) return miss && miss(v);
      let count = 0;
      for (const k in v) {
        if (!hasOwn(v, k)) continue;
        count++;
        const f = badKey(k) ?? (extra === null ? fail(`unexpected field ${q(k)}`) : extra(v[k]));
        if (f !== null) return at(f, k);
      }
      return size(count);
    };
  }
  const counted = minP !== 0 || maxP !== Infinity;
  const unknown = (k: string) => inline(c, undefined, extra, 0, k);
  return struct(fields, required, unknown, keyFn && badKey, counted ? size : null, miss);
}

// The struct loop; badKey and size are null when there are no propertyNames and no bounds on the
// number of fields.
function struct(
  fields: Inline[],
  required: string[],
  unknown: (k: string) => Inline,
  badKey: ((k: string) => Fail | null) | null,
  size: ((n: number) => Fail | null) | null,
  miss: Miss,
): Fn {
  const index = new Map(fields.map((d) => [d.key, d]));
  const nRequired = new Set(required).size;
  // Each field links to the one that followed it the last time: objects of one type come with
  // their keys in one order (msgspec writes declaration order), so the link is the answer.
  const head = unknown("");
  fields.reduce((prev, d) => (prev.next = d), head);
  const learn = (prev: Inline, k: string): Inline => {
    const d = index.get(k);
    // An unknown key is not linked: the chain stays as small as the declared fields.
    return d === undefined ? unknown(k) : (prev.next = d);
  };
  return (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return miss && miss(value);
    // `in` runs no getter and reads nothing, yet leaves the object's map in V8's feedback: with
    // a few object types here, V8 then compiles getPrototypeOf to a constant instead of a call.
    void ("constructor" in value);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return miss && miss(value);
    // Objects without a prototype are in V8's slow dictionary mode: walk a copy, so that this
    // for-in's feedback stays fast for everyone else.
    const v = (proto === null ? { ...value } : value) as Obj;
    let count = 0;
    let seen = 0;
    let d = head;
    for (const k in v) {
      if (!hasOwn(v, k)) continue;
      count++;
      if (badKey !== null) {
        const bad = badKey(k);
        if (bad !== null) return at(bad, k);
      }
      const guess = d.next;
      d = guess !== null && guess.key === k ? guess : learn(d, k);
      const x = v[k];
      seen += d.required;
      if (accepts(d, x)) continue;
      const f = d.fn === null ? fail(`unexpected field ${q(k)}`) : d.fn(x);
      if (f !== null) return at(f, k);
    }
    if (seen === nRequired) return size === null ? null : size(count);
    const present = new Set(Object.keys(v));
    return fail(`missing required field ${q(required.find((k) => !present.has(k)))}`);
  };
}
