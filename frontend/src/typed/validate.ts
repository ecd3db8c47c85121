// A JSON Schema validator for the subset that msgspec.json.schema_components emits. A schema is
// compiled once into a tree of closures (no eval: notebook pages may forbid it), so validating is
// only calling functions. Keywords outside the subset are refused when compiling: ignoring one
// would accept data that the kernel then refuses. Known differences from msgspec: JSON.parse
// cannot tell 1.0 from 1, so 1.0 passes as an integer; uniqueItems refuses duplicates that
// msgspec would merge into its set; bytes lengths are checked on their base64 text.

import { BASE64, FORMATS, fromPython } from "./formats";

export interface ValidationIssue {
  path: string;
  message: string;
}
export type Validator = (value: unknown) => ValidationIssue | null;
export interface SchemaBundle {
  $defs: Record<string, unknown>;
}
export class SchemaError extends Error {
  override name = "SchemaError";
}

// A failure's path is innermost first: parents append their key as it bubbles up, so a valid
// value never builds one.
interface Fail {
  segs: (string | number)[];
  message: string;
}
type Fn = (v: unknown) => Fail | null;
type Miss = ((v: unknown) => Fail) | null; // reports a value of a wrong type; null: no "type"
type Obj = Record<string, unknown>;
type Kind = "null" | "boolean" | "number" | "string" | "array" | "object" | "other";

const KEYWORDS = new Set(
  ("$ref type enum const anyOf oneOf discriminator properties required additionalProperties " +
    "propertyNames minProperties maxProperties items prefixItems minItems maxItems uniqueItems " +
    "minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength pattern " +
    "format contentEncoding").split(" "),
);
const ANNOTATIONS = new Set(
  "title description default examples deprecated readOnly writeOnly $comment".split(" "),
);

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const own = (o: Obj, k: string): unknown => (hasOwn(o, k) ? o[k] : undefined);
const ok: Fn = () => null;
const fail = (message: string): Fail => ({ segs: [], message });
const at = (f: Fail, seg: string | number): Fail => (f.segs.push(seg), f);
const esc = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");
const q = JSON.stringify;

// Plain objects only: a Date or a Map passes a looser test, yet JSON.stringify changes it.
function isPlain(v: unknown): v is Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function kindOf(v: unknown): Kind {
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return v === null ? "null" : Array.isArray(v) ? "array" : isPlain(v) ? "object" : "other";
}

export function describeType(v: unknown): string {
  const kind = kindOf(v);
  if (kind !== "other") return kind === "number" && Number.isInteger(v) ? "integer" : kind;
  const tag = typeof v === "object" ? Object.prototype.toString.call(v).slice(8, -1) : typeof v;
  return tag === "Object" ? "non-plain object" : tag;
}

function show(v: unknown): string {
  if (typeof v === "string") return q(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  const t = typeof v;
  return t === "number" || t === "boolean" || t === "bigint" || v === undefined ? String(v) : describeType(v);
}

interface State {
  defs: Obj;
  done: Map<string, Fn>;
  pending: Map<string, { fn: Fn }>;
}
// Keyed by bundle, so the validators of both directions share their compiled $defs.
const states = new WeakMap<object, State>();

/** Compile `schema` (inline, or {"$ref": "#/$defs/X"}) against `bundle`; throws SchemaError. */
export function compile(schema: unknown, bundle: SchemaBundle): Validator {
  const defs = isPlain(bundle) ? own(bundle, "$defs") : undefined;
  if (!isPlain(defs)) throw new SchemaError("the bundle's $defs must be an object");
  let state = states.get(bundle);
  if (state === undefined || state.defs !== defs) {
    state = { defs, done: new Map(), pending: new Map() };
    states.set(bundle, state);
  }
  const fn = node(state, schema, "#");
  return (value) => {
    let f: Fail | null;
    try {
      f = fn(value);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error; // a stack overflow: hostile nesting depth
      f = fail("value is nested too deeply to validate");
    }
    return f === null ? null : { path: formatPath(f.segs), message: f.message };
  };
}

function formatPath(segs: (string | number)[]): string {
  let path = "$";
  for (const k of segs.reverse()) {
    path += typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${q(k)}]`;
  }
  return path;
}

function node(st: State, s: unknown, ptr: string): Fn {
  if (typeof s === "boolean") return s ? ok : () => fail("no value is allowed here");
  if (!isPlain(s)) throw new SchemaError(`schema at ${ptr} must be an object or a boolean`);
  const keys = Object.keys(s);
  const unknown = keys.find((k) => !KEYWORDS.has(k) && !ANNOTATIONS.has(k) && !k.startsWith("x-"));
  if (unknown !== undefined) throw new SchemaError(`unsupported keyword ${q(unknown)} at ${ptr}`);
  if (hasOwn(s, "$ref")) {
    const other = keys.find((k) => k !== "$ref" && KEYWORDS.has(k));
    if (other !== undefined) throw new SchemaError(`"$ref" next to ${q(other)} at ${ptr} is not supported`);
    return ref(st, s.$ref, `${ptr}/$ref`);
  }
  if (hasOwn(s, "discriminator") && hasOwn(s, "anyOf") === hasOwn(s, "oneOf")) {
    throw new SchemaError(`"discriminator" at ${ptr} needs exactly one of "anyOf" or "oneOf"`);
  }
  const parts = [typeChecks(st, s, ptr)];
  if (hasOwn(s, "enum")) parts.push(values(s.enum, `${ptr}/enum`));
  if (hasOwn(s, "const")) parts.push(values([s.const], `${ptr}/const`));
  for (const key of ["anyOf", "oneOf"] as const) if (hasOwn(s, key)) parts.push(union(st, s, key, ptr));
  const fns = parts.filter((p): p is Fn => p !== null);
  if (fns.length <= 1) return fns[0] ?? ok;
  return (v) => {
    for (const fn of fns) {
      const f = fn(v);
      if (f !== null) return f;
    }
    return null;
  };
}

const defName = (target: string) => target.slice(8).replace(/~1/g, "/").replace(/~0/g, "~");

function ref(st: State, target: unknown, ptr: string): Fn {
  if (typeof target !== "string" || !target.startsWith("#/$defs/")) {
    throw new SchemaError(`unsupported $ref ${q(target)} at ${ptr}: only "#/$defs/<name>" is supported`);
  }
  const name = defName(target);
  const pending = st.pending.get(name);
  if (pending !== undefined) return (v) => pending.fn(v); // recursive: resolved once compiled
  let fn = st.done.get(name);
  if (fn !== undefined) return fn;
  if (!hasOwn(st.defs, name)) throw new SchemaError(`unresolved $ref ${q(target)} at ${ptr}`);
  const slot = { fn: ok };
  st.pending.set(name, slot);
  try {
    fn = slot.fn = node(st, st.defs[name], `#/$defs/${esc(name)}`);
  } finally {
    st.pending.delete(name);
  }
  st.done.set(name, fn);
  return fn;
}

function values(list: unknown, ptr: string): Fn {
  const scalar = (x: unknown) => x === null || ["string", "number", "boolean"].includes(typeof x);
  if (!Array.isArray(list) || list.length === 0 || !list.every(scalar)) {
    const key = ptr.slice(ptr.lastIndexOf("/") + 1);
    throw new SchemaError(`${key} at ${ptr} must list strings, numbers, booleans or null`);
  }
  const want = list.length === 1 ? q(list[0]) : `one of ${list.map((x) => q(x)).join(", ")}`;
  const set = new Set(list);
  return (v) => (set.has(v) ? null : fail(`expected ${want}, got ${show(v)}`));
}

// The JSON types a schema accepts, read without compiling (null: any). Unions use them to try
// only the branches that can match, and to say what they expected.
function typesOf(st: State, s: unknown, seen: Set<string>): Set<string> | null {
  if (!isPlain(s)) return s === false ? new Set() : null;
  const target = own(s, "$ref");
  if (typeof target === "string" && target.startsWith("#/$defs/") && !seen.has(target)) {
    return typesOf(st, own(st.defs, defName(target)), seen.add(target));
  }
  const type = own(s, "type");
  if (type !== undefined) return new Set(Array.isArray(type) ? type.map(String) : [String(type)]);
  const list = own(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : undefined);
  if (Array.isArray(list)) return new Set(list.map((x) => (x === null ? "null" : typeof x)));
  const branches = own(s, "anyOf") ?? own(s, "oneOf");
  if (!Array.isArray(branches)) return null;
  const each = branches.map((b) => typesOf(st, b, new Set(seen)));
  return each.some((t) => t === null) ? null : new Set(each.flatMap((t) => [...(t ?? [])]));
}

function union(st: State, s: Obj, key: "anyOf" | "oneOf", ptr: string): Fn {
  const list = s[key];
  if (!Array.isArray(list) || list.length === 0) {
    throw new SchemaError(`${key} at ${ptr} must be a non-empty array`);
  }
  if (hasOwn(s, "discriminator")) return discriminated(st, s.discriminator, list, `${ptr}/discriminator`);
  const fns = list.map((b, i) => node(st, b, `${ptr}/${key}/${i}`));
  const types = list.map((b) => typesOf(st, b, new Set()));
  const want = [...new Set(types.flatMap((t) => [...(t ?? [])]))].join(" or ");
  // The branches that a value of each kind can match: Optional[int] given null tries only null.
  const byKind = new Map<Kind, Fn[]>();
  for (const kind of ["null", "boolean", "number", "string", "array", "object", "other"] as const) {
    const fits = (t: string) => t === kind || (t === "integer" && kind === "number");
    byKind.set(kind, fns.filter((_, i) => [...(types[i] ?? [kind])].some(fits)));
  }
  return (v) => {
    const candidates = byKind.get(kindOf(v)) as Fn[];
    if (candidates.length === 1) return (candidates[0] as Fn)(v); // the only candidate knows best
    if (candidates.length === 0) return fail(`expected ${want}, got ${show(v)}`);
    let best: Fail | null = null;
    let matched = -1;
    for (let i = 0; i < candidates.length; i++) {
      const f = (candidates[i] as Fn)(v);
      if (f === null && key === "anyOf") return null;
      if (f === null && matched >= 0) return fail("value matches more than one alternative of oneOf");
      if (f === null) matched = i;
      else if (best === null || f.segs.length > best.segs.length) best = f; // the deepest got furthest
    }
    return matched >= 0 ? null : best;
  };
}

function discriminated(st: State, d: unknown, list: unknown[], ptr: string): Fn {
  const prop = isPlain(d) ? own(d, "propertyName") : undefined;
  const mapping = isPlain(d) ? own(d, "mapping") : undefined;
  if (typeof prop !== "string" || !isPlain(mapping)) {
    throw new SchemaError(`discriminator at ${ptr} needs a string "propertyName" and a "mapping" object`);
  }
  const targets = Object.values(mapping);
  if (!list.every((b) => isPlain(b) && Object.keys(b).length === 1 && targets.includes(own(b, "$ref")))) {
    throw new SchemaError(`discriminator at ${ptr}: each branch must be a lone "$ref" named in the mapping`);
  }
  const tags = Object.keys(mapping);
  const fns = tags.map((tag) => ref(st, mapping[tag], `${ptr}/mapping/${esc(tag)}`));
  const names = tags.join(", ");
  return (v) => {
    // The chosen branch checks that v is a plain object; this only needs its own tag.
    if (typeof v !== "object" || v === null || Array.isArray(v) || !hasOwn(v, prop)) {
      if (!isPlain(v)) return fail(`expected object, got ${show(v)}`);
      return fail(`missing required field ${q(prop)}; expected one of ${names}`);
    }
    // Mapping keys are strings: a number tag is looked up by its text, then its branch checks it.
    const tag = (v as Obj)[prop];
    const text = typeof tag === "number" ? String(tag) : tag;
    for (let i = 0; i < tags.length; i++) if (tags[i] === text) return (fns[i] as Fn)(v);
    return at(fail(`unknown ${prop} ${show(tag)}; expected one of ${names}`), prop);
  };
}

function typeChecks(st: State, s: Obj, ptr: string): Fn | null {
  const type = own(s, "type");
  const types: unknown[] | null = type === undefined ? null : Array.isArray(type) ? type : [type];
  const all = ["null", "boolean", "integer", "number", "string", "array", "object"];
  const bad = types?.find((t) => !all.includes(t as string));
  if (bad !== undefined) throw new SchemaError(`unknown type ${q(bad)} at ${ptr}/type`);
  const has = (t: string) => types === null || types.includes(t);
  const miss: Miss = types && ((v) => fail(`expected ${types.join(" or ")}, got ${show(v)}`));
  // Per kind, the check of a value of that kind. Each also tests the kind, so that a single
  // "type" is a single closure: the hot path. Without "type", values of other kinds pass.
  const checks: Partial<Record<Kind, Fn | null>> = {
    string: has("string") ? stringChecks(s, ptr, miss) : null,
    number: has("number") || has("integer") ? numberChecks(s, ptr, !has("number"), miss) : null,
    array: has("array") ? arrayChecks(st, s, ptr, miss) : null,
    object: has("object") ? objectChecks(st, s, ptr, miss) : null,
    boolean: miss && has("boolean") ? (v) => (typeof v === "boolean" ? null : miss(v)) : null,
    null: miss && has("null") ? (v) => (v === null ? null : miss(v)) : null,
  };
  const fns = Object.values(checks).filter((f): f is Fn => f !== null);
  if (fns.length <= 1) return fns[0] ?? null;
  return (v) => {
    const check = checks[kindOf(v)];
    return check ? check(v) : miss && miss(v);
  };
}

function num(s: Obj, key: string, ptr: string, min = -Infinity, int = false): number | undefined {
  const v = own(s, key);
  const good = typeof v === "number" && Number.isFinite(v) && v >= min && (!int || Number.isInteger(v));
  if (v === undefined || good) return v;
  throw new SchemaError(`${key} at ${ptr} must be a ${int ? "non-negative integer" : "number"}: ${show(v)}`);
}

function numberChecks(s: Obj, ptr: string, integer: boolean, miss: Miss): Fn | null {
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
    if (v < lo || v <= xlo) return fail(`expected ${word} ${v < lo ? `>= ${lo}` : `> ${xlo}`}, got ${v}`);
    if (v > hi || v >= xhi) return fail(`expected ${word} ${v > hi ? `<= ${hi}` : `< ${xhi}`}, got ${v}`);
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

function stringChecks(s: Obj, ptr: string, miss: Miss): Fn | null {
  const minL = num(s, "minLength", ptr, 0, true) ?? 0;
  const maxL = num(s, "maxLength", ptr, 0, true) ?? Infinity;
  const [pattern, format, encoding] = [own(s, "pattern"), own(s, "format"), own(s, "contentEncoding")];
  let re: RegExp | undefined;
  try {
    if (pattern !== undefined) re = new RegExp(typeof pattern === "string" ? fromPython(pattern) : "(", "u");
  } catch (error) {
    throw new SchemaError(`pattern ${q(pattern)} at ${ptr} is not supported: ${(error as Error).message}`);
  }
  const fmt = FORMATS.get(format as string);
  if (format !== undefined && !fmt) throw new SchemaError(`unsupported format ${q(format)} at ${ptr}`);
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
      const n = [...v].length;
      const want = n < minL ? `>= ${minL}` : `<= ${maxL}`;
      if (n < minL || n > maxL) return fail(`expected string of length ${want}, got length ${n}`);
    }
    if (re && !re.test(v)) return fail(`expected string matching ${q(pattern)}, got ${show(v)}`);
    if (fmt && !fmt[0](v)) return fail(`expected ${fmt[1]}, got ${show(v)}`);
    return encoding === undefined || BASE64.test(v) ? null : fail(`expected base64 string, got ${show(v)}`);
  };
}

function arrayChecks(st: State, s: Obj, ptr: string, miss: Miss): Fn | null {
  const minI = num(s, "minItems", ptr, 0, true) ?? 0;
  const maxI = num(s, "maxItems", ptr, 0, true) ?? Infinity;
  const items = own(s, "items");
  const prefixItems = own(s, "prefixItems") ?? [];
  const unique = own(s, "uniqueItems") ?? false;
  if (!Array.isArray(prefixItems) || typeof unique !== "boolean") {
    throw new SchemaError(`prefixItems at ${ptr} must be an array, and uniqueItems a boolean`);
  }
  const prefix = prefixItems.map((p, i) => node(st, p, `${ptr}/prefixItems/${i}`));
  // undefined: further items are free; null: there are none (items: false closes a tuple).
  const rest = items === undefined || items === true ? undefined
    : items === false ? null : node(st, items, `${ptr}/items`);
  const free = minI === 0 && maxI === Infinity && prefix.length === 0 && rest === undefined && !unique;
  if (free && !miss) return null;
  const length = (n: number) => `expected array of length ${minI === maxI ? "" : n < minI ? ">= " : "<= "}`;
  return (v) => {
    if (!Array.isArray(v)) return miss && miss(v);
    const n = v.length;
    if (n < minI || n > maxI) return fail(`${length(n)}${n < minI ? minI : maxI}, got length ${n}`);
    for (let i = 0, end = rest === undefined ? Math.min(n, prefix.length) : n; i < end; i++) {
      const fn = i < prefix.length ? (prefix[i] as Fn) : rest;
      if (!fn) return at(fail(`unexpected item: at most ${prefix.length} allowed`), i);
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
    isPlain(y) ? Object.fromEntries(Object.keys(y).sort().map((k) => [k, y[k]])) : y;
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

// The simplest field schemas (a tag, a string with length bounds, a number with bounds) are
// also tested inline by the struct loop, because a closure call per field costs more than the
// test. Only acceptance is inline; anything else runs the field's closure, for a precise issue.
interface Field {
  fn: Fn | null; // null: a key that is not allowed
  required: number;
  fast: "" | "eq" | "string" | "integer" | "number";
  value: unknown;
  bounds: [number, number, number, number]; // >=, <=, >, <; strings: 2 * minLength, maxLength
}

function field(s: unknown, fn: Fn | null, required: number): Field {
  // Every Field comes from this one literal, so their shared shape keeps the loop's reads fast.
  const make = (fast: Field["fast"], value: unknown, bounds = [-Infinity, Infinity, -Infinity, Infinity]) =>
    ({ fn, required, fast, value, bounds }) as Field;
  if (!isPlain(s)) return make("", undefined);
  const used = Object.keys(s).filter((k) => KEYWORDS.has(k));
  const list = own(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : undefined);
  if (used.length === 1 && Array.isArray(list) && list.length === 1) return make("eq", list[0]);
  const type = own(s, "type");
  const n = (k: string, d: number) => (own(s, k) as number | undefined) ?? d;
  const limits = type === "string" ? ["minLength", "maxLength"] : ["minimum", "maximum", "exclusive"];
  if (!used.every((k) => k === "type" || limits.some((l) => k.startsWith(l)))) return make("", undefined);
  const lengths = [2 * n("minLength", 0), n("maxLength", Infinity), -Infinity, Infinity];
  if (type === "string") return make("string", undefined, lengths);
  if (type !== "integer" && type !== "number") return make("", undefined);
  const exclusive = [n("exclusiveMinimum", -Infinity), n("exclusiveMaximum", Infinity)];
  return make(type, undefined, [n("minimum", -Infinity), n("maximum", Infinity), ...exclusive]);
}

function objectChecks(st: State, s: Obj, ptr: string, miss: Miss): Fn | null {
  const [properties, required] = [own(s, "properties") ?? {}, own(s, "required") ?? []];
  const [additional, names] = [own(s, "additionalProperties"), own(s, "propertyNames")];
  const minP = num(s, "minProperties", ptr, 0, true) ?? 0;
  const maxP = num(s, "maxProperties", ptr, 0, true) ?? Infinity;
  if (!isPlain(properties) || !Array.isArray(required) || !required.every((k) => typeof k === "string")) {
    throw new SchemaError(`properties at ${ptr} must be an object, and required an array of strings`);
  }
  const extra = additional === undefined || additional === true ? ok // null: no other key allowed
    : additional ? node(st, additional, `${ptr}/additionalProperties`) : null;
  const keyFn = names === undefined ? null : node(st, names, `${ptr}/propertyNames`);
  const keys = [...new Set([...Object.keys(properties), ...required])];
  const fields = keys.map((k) => {
    const schema = hasOwn(properties, k) ? properties[k] : undefined;
    const fn = schema === undefined ? extra : node(st, schema, `${ptr}/properties/${esc(k)}`);
    return field(schema, fn, required.includes(k) ? 1 : 0);
  });
  const index = new Map(keys.map((k, i) => [k, i]));
  const nRequired = new Set(required).size;
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
  return (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return miss && miss(value);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return miss && miss(value);
    // Objects without a prototype are in V8's slow dictionary mode: walk a copy, so that this
    // for-in's feedback stays fast for everyone else.
    const v = (proto === null ? { ...value } : value) as Obj;
    let count = 0;
    let seen = 0;
    let next = 0;
    for (const k in v) {
      if (!hasOwn(v, k)) continue;
      count++;
      const bad = keyFn === null ? null : badKey(k);
      if (bad !== null) return at(bad, k);
      // msgspec writes fields in declaration order, so the next field is the first guess.
      const i = keys[next] === k ? next : index.get(k);
      const d = i === undefined ? undefined : (fields[i] as Field);
      const x = v[k];
      if (d !== undefined) {
        next = (i as number) + 1;
        seen += d.required;
        const fast = d.fast;
        const b = d.bounds;
        if (fast === "eq" ? x === d.value
          : fast === "string" ? typeof x === "string" && x.length >= b[0] && x.length <= b[1]
          : fast !== "" && typeof x === "number" && x >= b[0] && x <= b[1] && x > b[2] && x < b[3]
            && (fast === "integer" ? Number.isSafeInteger(x) : Number.isFinite(x))) continue;
      }
      const fn = d === undefined ? extra : d.fn;
      const f = fn === null ? fail(`unexpected field ${q(k)}`) : fn(x);
      if (f !== null) return at(f, k);
    }
    if (seen === nRequired) return count < minP || count > maxP ? size(count) : null;
    const present = new Set(Object.keys(v));
    return fail(`missing required field ${q(required.find((k) => !present.has(k)))}`);
  };
}
