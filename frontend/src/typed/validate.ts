// A small JSON Schema validator for the subset that msgspec.json.schema_components emits. A
// schema is compiled once into a tree of closures (no eval: notebook pages may forbid it), so
// validating a message is only calling functions. Anything outside the subset is refused at
// compile time rather than ignored, because ignoring a keyword silently accepts bad data.

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

// Failures carry their path innermost-first: each parent appends its key while the failure
// bubbles up, so a valid message never builds a path.
interface Fail {
  segs: (string | number)[];
  message: string;
}
type Fn = (v: unknown) => Fail | null;
type Obj = Record<string, unknown>;
type Kind = "null" | "boolean" | "number" | "string" | "array" | "object" | "other";

const KINDS: Kind[] = ["null", "boolean", "number", "string", "array", "object", "other"];
const TYPES = new Set(["null", "boolean", "integer", "number", "string", "array", "object"]);
const KEYWORDS = new Set(
  "$ref type enum const anyOf oneOf discriminator properties required additionalProperties propertyNames minProperties maxProperties items prefixItems minItems maxItems uniqueItems minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength pattern format contentEncoding".split(" "),
);
const ANNOTATIONS = new Set("title description default examples deprecated readOnly writeOnly $comment".split(" "));

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const own = (o: Obj, k: string): unknown => (hasOwn(o, k) ? o[k] : undefined);
const ok: Fn = () => null;
const fail = (message: string): Fail => ({ segs: [], message });
const at = (f: Fail, seg: string | number): Fail => (f.segs.push(seg), f);
const esc = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");
const q = JSON.stringify;

// Only plain objects: a Date or Map would pass a looser test yet JSON.stringify changes it.
function isPlain(v: unknown): v is Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function kindOf(v: unknown): Kind {
  if (v === null) return "null";
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return Array.isArray(v) ? "array" : isPlain(v) ? "object" : "other";
}

export function describeType(v: unknown): string {
  const kind = kindOf(v);
  if (kind === "number") return Number.isInteger(v) ? "integer" : "number";
  if (kind !== "other") return kind;
  const tag = typeof v === "object" ? Object.prototype.toString.call(v).slice(8, -1) : typeof v;
  return tag === "Object" ? "non-plain object" : tag;
}

function show(v: unknown): string {
  if (typeof v === "string") return q(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  const t = typeof v;
  return t === "number" || t === "boolean" || t === "bigint" || v === undefined ? String(v) : describeType(v);
}

function formatPath(segs: (string | number)[]): string {
  let s = "$";
  for (let i = segs.length - 1; i >= 0; i--) {
    const k = segs[i] as string | number;
    s += typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${q(k)}]`;
  }
  return s;
}

interface State {
  defs: Obj;
  done: Map<string, Fn>;
  pending: Map<string, { fn: Fn }>;
}
// Keyed by bundle, so the validators for both directions share their compiled $defs.
const states = new WeakMap<object, State>();

/** Compile `schema` (inline, or {"$ref": "#/$defs/X"}) against `bundle`; throws SchemaError. */
export function compile(schema: unknown, bundle: SchemaBundle): Validator {
  const defs: unknown = isPlain(bundle) ? own(bundle, "$defs") : undefined;
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
      if (!(error instanceof RangeError)) throw error; // stack overflow: a hostile nesting depth
      f = fail("value is nested too deeply to validate");
    }
    return f === null ? null : { path: formatPath(f.segs), message: f.message };
  };
}

function node(st: State, s: unknown, ptr: string): Fn {
  if (s === true) return ok;
  if (s === false) return () => fail("no value is allowed here");
  if (!isPlain(s)) throw new SchemaError(`schema at ${ptr} must be an object or a boolean`);
  const keys = Object.keys(s);
  for (const k of keys) {
    if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k) && !k.startsWith("x-")) {
      throw new SchemaError(`unsupported keyword ${q(k)} at ${ptr}`);
    }
  }
  if (hasOwn(s, "$ref")) {
    const sibling = keys.find((k) => k !== "$ref" && KEYWORDS.has(k));
    if (sibling !== undefined) throw new SchemaError(`"$ref" next to ${q(sibling)} at ${ptr} is not supported`);
    return ref(st, s.$ref, `${ptr}/$ref`);
  }
  if (hasOwn(s, "discriminator") && hasOwn(s, "anyOf") === hasOwn(s, "oneOf")) {
    throw new SchemaError(`"discriminator" at ${ptr} needs exactly one of "anyOf" or "oneOf"`);
  }
  const parts: Fn[] = [];
  const typed = typeChecks(st, s, ptr);
  if (typed !== null) parts.push(typed);
  if (hasOwn(s, "enum")) parts.push(oneOfValues(s.enum, false, `${ptr}/enum`));
  if (hasOwn(s, "const")) parts.push(oneOfValues([s.const], true, `${ptr}/const`));
  for (const key of ["anyOf", "oneOf"] as const) if (hasOwn(s, key)) parts.push(union(st, s, key, ptr));
  if (parts.length <= 1) return parts[0] ?? ok;
  return (v) => {
    for (const part of parts) {
      const f = part(v);
      if (f !== null) return f;
    }
    return null;
  };
}

function ref(st: State, target: unknown, ptr: string): Fn {
  if (typeof target !== "string" || !target.startsWith("#/$defs/")) {
    throw new SchemaError(`unsupported $ref ${q(target)} at ${ptr}: only "#/$defs/<name>" is supported`);
  }
  const name = target.slice(8).replace(/~1/g, "/").replace(/~0/g, "~");
  const done = st.done.get(name);
  if (done !== undefined) return done;
  const pending = st.pending.get(name);
  if (pending !== undefined) return (v) => pending.fn(v); // a recursive type: resolved once compiled
  if (!hasOwn(st.defs, name)) throw new SchemaError(`unresolved $ref ${q(target)} at ${ptr}`);
  const slot = { fn: ok };
  st.pending.set(name, slot);
  try {
    slot.fn = node(st, st.defs[name], `#/$defs/${esc(name)}`);
  } finally {
    st.pending.delete(name);
  }
  st.done.set(name, slot.fn);
  return slot.fn;
}

function oneOfValues(values: unknown, isConst: boolean, ptr: string): Fn {
  const list = Array.isArray(values) ? values : [];
  const scalar = (x: unknown) => x === null || ["string", "number", "boolean"].includes(typeof x);
  if (list.length === 0 || !list.every(scalar)) {
    throw new SchemaError(`${isConst ? "const" : "enum"} at ${ptr} must hold strings, numbers, booleans or null`);
  }
  const set = new Set(list);
  const want = list.length === 1 ? q(list[0]) : `one of ${list.map((x) => q(x)).join(", ")}`;
  return (v) => (set.has(v) ? null : fail(`expected ${want}, got ${show(v)}`));
}

// The JSON types a schema can accept, read statically (null: any); used to skip union branches
// that cannot match, and to name what a union expected.
function typesOf(st: State, s: unknown, seen: Set<string>): Set<string> | null {
  if (!isPlain(s)) return s === false ? new Set() : null;
  const target = own(s, "$ref");
  if (typeof target === "string" && target.startsWith("#/$defs/") && !seen.has(target)) {
    seen.add(target);
    return typesOf(st, own(st.defs, target.slice(8).replace(/~1/g, "/").replace(/~0/g, "~")), seen);
  }
  const type = own(s, "type");
  if (type !== undefined) return new Set(Array.isArray(type) ? type.map(String) : [String(type)]);
  const values = own(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : undefined);
  if (Array.isArray(values)) return new Set(values.map((x) => (x === null ? "null" : typeof x)));
  const branches = own(s, "anyOf") ?? own(s, "oneOf");
  if (!Array.isArray(branches)) return null;
  const out = new Set<string>();
  for (const b of branches) {
    const t = typesOf(st, b, new Set(seen));
    if (t === null) return null;
    for (const x of t) out.add(x);
  }
  return out;
}

function union(st: State, s: Obj, key: "anyOf" | "oneOf", ptr: string): Fn {
  const list = s[key];
  if (!Array.isArray(list) || list.length === 0) throw new SchemaError(`${key} at ${ptr} must be a non-empty array`);
  if (hasOwn(s, "discriminator")) return discriminated(st, s.discriminator, list, `${ptr}/discriminator`);
  const branches = list.map((b, i) => ({ fn: node(st, b, `${ptr}/${key}/${i}`), types: typesOf(st, b, new Set()) }));
  const names = new Set<string>();
  for (const b of branches) for (const t of b.types ?? []) names.add(t);
  const want = [...names].join(" or ");
  // Dispatch on the value's JSON type first: an Optional[int] given null never tries the int.
  const byKind = new Map<Kind, Fn[]>();
  for (const kind of KINDS) {
    const fits = (t: string) => t === kind || (t === "integer" && kind === "number");
    byKind.set(kind, branches.filter((b) => b.types === null || [...b.types].some(fits)).map((b) => b.fn));
  }
  return (v) => {
    const fns = byKind.get(kindOf(v)) as Fn[];
    if (fns.length === 1) return (fns[0] as Fn)(v); // the only candidate's issue is the precise one
    if (fns.length === 0) return fail(`expected ${want}, got ${show(v)}`);
    let best: Fail | null = null;
    let matched = -1;
    for (let i = 0; i < fns.length; i++) {
      const f = (fns[i] as Fn)(v);
      if (f === null && key === "anyOf") return null;
      if (f === null && matched >= 0) return fail(`value matches both alternatives ${matched} and ${i} of oneOf`);
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
  if (!list.every((b) => isPlain(b) && targets.includes(own(b, "$ref")) && Object.keys(b).length === 1)) {
    throw new SchemaError(`discriminator at ${ptr}: every branch must be a {"$ref"} named in its mapping`);
  }
  const table = new Map<string, Fn>();
  for (const [tag, target] of Object.entries(mapping)) table.set(tag, ref(st, target, `${ptr}/mapping/${esc(tag)}`));
  const names = [...table.keys()].join(", ");
  return (v) => {
    if (!isPlain(v)) return fail(`expected object, got ${show(v)}`);
    if (!hasOwn(v, prop)) return fail(`missing required field ${q(prop)}; expected one of ${names}`);
    const tag = v[prop];
    // Mapping keys are strings; a number tag is looked up by its text, and its branch then
    // checks the tag's real type.
    const fn = typeof tag === "string" || typeof tag === "number" ? table.get(String(tag)) : undefined;
    return fn === undefined ? at(fail(`unknown ${prop} ${show(tag)}; expected one of ${names}`), prop) : fn(v);
  };
}

function num(s: Obj, key: string, ptr: string, min = -Infinity, int = false): number | undefined {
  const v = own(s, key);
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || (int && !Number.isInteger(v))) {
    throw new SchemaError(`${key} at ${ptr} must be a ${int ? "non-negative integer" : "number"}, got ${show(v)}`);
  }
  return v;
}

function typeChecks(st: State, s: Obj, ptr: string): Fn | null {
  const type = own(s, "type");
  const types = type === undefined ? null : Array.isArray(type) ? type : [type];
  for (const t of types ?? []) if (!TYPES.has(t)) throw new SchemaError(`unknown type ${q(t)} at ${ptr}/type`);
  const integer = types !== null && types.includes("integer") && !types.includes("number");
  const str = stringChecks(s, ptr);
  const numeric = numberChecks(s, ptr, integer ? "integer" : "number");
  const arr = arrayChecks(st, s, ptr);
  const obj = objectChecks(st, s, ptr);
  if (types === null) {
    if (str === null && numeric === null && arr === null && obj === null) return null;
    // Without "type", each keyword only constrains values of its own type.
    return (v) =>
      typeof v === "string" ? str && str(v)
      : typeof v === "number" ? numeric && numeric(v)
      : Array.isArray(v) ? arr && arr(v)
      : isPlain(v) ? obj && obj(v)
      : null;
  }
  const want = types.join(" or ");
  const mismatch = (v: unknown) => fail(`expected ${want}, got ${show(v)}`);
  const numberFn = (v: number): Fail | null => {
    if (integer && !Number.isInteger(v)) return mismatch(v);
    if (integer && !Number.isSafeInteger(v)) {
      return fail(`integer ${BigInt(v)} is outside JavaScript's safe range +-(2**53 - 1)`);
    }
    if (!Number.isFinite(v)) return fail(`expected finite number, got ${v}`);
    return numeric && numeric(v);
  };
  // The common single types get a closure each; this is the hot path.
  if (types.length === 1) {
    switch (types[0]) {
      case "string":
        return (v) => (typeof v !== "string" ? mismatch(v) : str && str(v));
      case "integer":
      case "number":
        return (v) => (typeof v !== "number" ? mismatch(v) : numberFn(v));
      case "object":
        return (v) => (!isPlain(v) ? mismatch(v) : obj && obj(v));
      case "array":
        return (v) => (!Array.isArray(v) ? mismatch(v) : arr && arr(v));
      case "boolean":
        return (v) => (typeof v === "boolean" ? null : mismatch(v));
      default:
        return (v) => (v === null ? null : mismatch(v));
    }
  }
  const allowed = new Set(types.map((t: string) => (t === "integer" ? "number" : t)));
  return (v) => {
    const kind = kindOf(v);
    if (!allowed.has(kind)) return mismatch(v);
    if (kind === "string") return str && str(v as string);
    if (kind === "number") return numberFn(v as number);
    if (kind === "array") return arr && arr(v as unknown[]);
    return kind === "object" ? obj && obj(v as Obj) : null;
  };
}

function numberChecks(s: Obj, ptr: string, word: string): ((v: number) => Fail | null) | null {
  const lo = num(s, "minimum", ptr) ?? -Infinity;
  const hi = num(s, "maximum", ptr) ?? Infinity;
  const xlo = num(s, "exclusiveMinimum", ptr) ?? -Infinity;
  const xhi = num(s, "exclusiveMaximum", ptr) ?? Infinity;
  const mul = num(s, "multipleOf", ptr, Number.MIN_VALUE);
  if (lo === -Infinity && hi === Infinity && xlo === -Infinity && xhi === Infinity && mul === undefined) return null;
  return (v) => {
    if (v < lo) return fail(`expected ${word} >= ${lo}, got ${v}`);
    if (v <= xlo) return fail(`expected ${word} > ${xlo}, got ${v}`);
    if (v > hi) return fail(`expected ${word} <= ${hi}, got ${v}`);
    if (v >= xhi) return fail(`expected ${word} < ${xhi}, got ${v}`);
    // `%` is C's fmod, the test msgspec applies, so 0.3 is not a multiple of 0.1 on either side.
    if (mul !== undefined && v % mul !== 0) return fail(`expected ${word} that is a multiple of ${mul}, got ${v}`);
    return null;
  };
}

function codePoints(v: string): number {
  let n = 0;
  for (const _ of v) n++;
  return n;
}

function stringChecks(s: Obj, ptr: string): ((v: string) => Fail | null) | null {
  const minL = num(s, "minLength", ptr, 0, true) ?? 0;
  const maxL = num(s, "maxLength", ptr, 0, true) ?? Infinity;
  const pattern = own(s, "pattern");
  const format = own(s, "format");
  const encoding = own(s, "contentEncoding");
  let re: RegExp | undefined;
  if (pattern !== undefined) {
    try {
      re = new RegExp(typeof pattern === "string" ? fromPython(pattern) : "(", "u");
    } catch (error) {
      throw new SchemaError(`pattern ${q(pattern)} at ${ptr} is not supported: ${(error as Error).message}`);
    }
  }
  const fmt = format === undefined ? undefined : FORMATS.get(format as string);
  if (format !== undefined && fmt === undefined) throw new SchemaError(`unsupported format ${q(format)} at ${ptr}`);
  if (encoding !== undefined && encoding !== "base64") {
    throw new SchemaError(`unsupported contentEncoding ${q(encoding)} at ${ptr}`);
  }
  if (minL === 0 && maxL === Infinity && !re && !fmt && encoding === undefined) return null;
  return (v) => {
    // Python counts code points; UTF-16 length bounds them (n/2 <= points <= n), so count rarely.
    if (v.length > maxL || v.length < 2 * minL) {
      const n = codePoints(v);
      if (n < minL) return fail(`expected string of length >= ${minL}, got length ${n}`);
      if (n > maxL) return fail(`expected string of length <= ${maxL}, got length ${n}`);
    }
    if (re && !re.test(v)) return fail(`expected string matching ${q(pattern)}, got ${show(v)}`);
    if (fmt && !fmt[0](v)) return fail(`expected ${fmt[1]}, got ${show(v)}`);
    if (encoding !== undefined && !BASE64.test(v)) return fail(`expected base64 string, got ${show(v)}`);
    return null;
  };
}

// Python `re` (used by msgspec, with re.search) and JS RegExp (flag u) mostly agree; this
// rewrites the differences that matter: \d \w \W are Unicode in Python; `.` excludes only \n;
// `$` also matches before a final \n; \A \Z; (?P<name>...) and (?P=name); \UXXXXXXXX; escaped
// punctuation that the u flag refuses. Known remaining differences: \b, \B and \W inside a
// character class stay ASCII; Python-only syntax (inline flags like (?i), possessive or
// conditional groups) makes the RegExp constructor throw, hence a SchemaError.
function fromPython(p: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === "\\") {
      const d = p[++i] ?? "";
      if (d === "d" || d === "D") out += d === "d" ? "\\p{Nd}" : "\\P{Nd}";
      else if (d === "w") out += inClass ? "\\p{L}\\p{N}_" : "[\\p{L}\\p{N}_]";
      else if (d === "W" && !inClass) out += "[^\\p{L}\\p{N}_]";
      else if ((d === "A" || d === "Z") && !inClass) out += d === "A" ? "^" : "$";
      else if (d === "U") {
        out += `\\u{${p.slice(i + 1, i + 9)}}`;
        i += 8;
      }
      else if (/[\w^$\\.*+?()[\]{}|/]/.test(d) || (d === "-" && inClass)) out += `\\${d}`;
      else out += d; // Python allows escaping any punctuation; the u flag only syntax characters
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
      if (p[i + 1] === "^") out += p[++i];
      if (p[i + 1] === "]") {
        out += "\\]"; // a leading ] is literal in Python
        i++;
      }
    } else if (c === "$") out += "(?=\\n?$)";
    else if (c === ".") out += "[^\\n]";
    else if (c === "(" && p.startsWith("?P<", i + 1)) {
      out += "(?<";
      i += 3;
    } else if (c === "(" && p.startsWith("?P=", i + 1)) {
      const end = p.indexOf(")", i);
      out += `\\k<${p.slice(i + 4, end)}>`;
      i = end;
    } else out += c;
  }
  return out;
}

// Formats match what msgspec itself accepts when decoding the type that emitted them.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?";
const ZONE = "(?:[Zz]|[+-](\\d{2}):?(\\d{2}))";
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})[Tt ]${TIME}${ZONE}$`);
const TIME_RE = new RegExp(`^${TIME}${ZONE}$`);
const PARTIAL_TIME_RE = new RegExp(`^${TIME}$`);

function dateOk(m: RegExpExecArray | null): boolean {
  if (m === null) return false;
  const [y, mo, d] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  return y >= 1 && d >= 1 && d <= days;
}

// Hours, minutes, seconds, and an optional offset's hours and minutes, from group `first` on.
function timeOk(m: RegExpExecArray | null, first: number): boolean {
  if (m === null) return false;
  const g = (i: number) => Number(m[first + i] ?? 0);
  return g(0) < 24 && g(1) < 60 && g(2) < 60 && g(3) < 24 && g(4) < 60;
}

const FORMATS = new Map<string, [(v: string) => boolean, string]>([
  ["date-time", [(v) => dateOk(DATE_TIME_RE.exec(v)) && timeOk(DATE_TIME_RE.exec(v), 4), "RFC 3339 date-time with a timezone"]],
  ["date", [(v) => dateOk(DATE_RE.exec(v)), "RFC 3339 date (YYYY-MM-DD)"]],
  ["time", [(v) => timeOk(TIME_RE.exec(v), 1), "RFC 3339 time with a timezone"]],
  ["partial-time", [(v) => timeOk(PARTIAL_TIME_RE.exec(v), 1), "time without a timezone (HH:MM:SS[.ffffff])"]],
  ["uuid", [(v) => /^(?:[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}|[\da-f]{32})$/i.test(v), "UUID"]],
  // Python's Decimal() syntax; \p{Nd} since it also takes non-ASCII digits.
  ["decimal", [(v) => /^\s*[+-]?(?:(?:[\p{Nd}_]*\p{Nd}[\p{Nd}_]*(?:\.[\p{Nd}_]*)?|[\p{Nd}_]*\.[\p{Nd}_]*\p{Nd}[\p{Nd}_]*)(?:e[+-]?[\p{Nd}_]*\p{Nd}[\p{Nd}_]*)?|inf(?:inity)?|s?nan\p{Nd}*)\s*$/iu.test(v), "decimal string"]],
  // msgspec's ISO 8601 durations: days, hours, minutes, seconds; only the last may be fractional.
  ["duration", [(v) => /^[+-]?P(?!$)(?!.*\.\d+[DHMS].)(?:\d+(?:\.\d+)?D)?(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$/i.test(v), "ISO 8601 duration"]],
]);

function arrayChecks(st: State, s: Obj, ptr: string): ((v: unknown[]) => Fail | null) | null {
  const minI = num(s, "minItems", ptr, 0, true) ?? 0;
  const maxI = num(s, "maxItems", ptr, 0, true) ?? Infinity;
  const items = own(s, "items");
  const prefixItems = own(s, "prefixItems");
  const unique = own(s, "uniqueItems");
  if (prefixItems !== undefined && !Array.isArray(prefixItems)) throw new SchemaError(`prefixItems at ${ptr} must be an array`);
  if (unique !== undefined && typeof unique !== "boolean") throw new SchemaError(`uniqueItems at ${ptr} must be a boolean`);
  const prefix = (prefixItems ?? []).map((p, i) => node(st, p, `${ptr}/prefixItems/${i}`));
  // undefined: any further item; null: no further item (items: false closes a tuple).
  const rest = items === undefined || items === true ? undefined : items === false ? null : node(st, items, `${ptr}/items`);
  if (minI === 0 && maxI === Infinity && prefix.length === 0 && rest === undefined && !unique) return null;
  const length = (op: string, n: number) => (minI === maxI ? `${n}` : `${op} ${n}`);
  return (v) => {
    const n = v.length;
    if (n < minI) return fail(`expected array of length ${length(">=", minI)}, got length ${n}`);
    if (n > maxI) return fail(`expected array of length ${length("<=", maxI)}, got length ${n}`);
    const np = Math.min(prefix.length, n);
    for (let i = 0; i < np; i++) {
      const f = (prefix[i] as Fn)(v[i]);
      if (f !== null) return at(f, i);
    }
    if (rest === null && n > prefix.length) return at(fail(`unexpected item: at most ${prefix.length} allowed`), prefix.length);
    if (rest) {
      for (let i = prefix.length; i < n; i++) {
        const f = rest(v[i]);
        if (f !== null) return at(f, i);
      }
    }
    return unique ? duplicate(v) : null;
  };
}

function duplicate(v: unknown[]): Fail | null {
  const flat = new Map<unknown, number>();
  const deep = new Map<unknown, number>();
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    const isDeep = typeof x === "object" && x !== null;
    // Sorted keys, so objects equal as JSON values collide whatever their key order.
    const key = isDeep ? JSON.stringify(x, (_, y: unknown) => (isPlain(y) ? Object.fromEntries(Object.keys(y).sort().map((k) => [k, y[k]])) : y)) : x;
    const seen = (isDeep ? deep : flat).get(key);
    if (seen !== undefined) return at(fail(`duplicate item: equal to item ${seen}`), i);
    (isDeep ? deep : flat).set(key, i);
  }
  return null;
}

function objectChecks(st: State, s: Obj, ptr: string): ((v: Obj) => Fail | null) | null {
  const properties = own(s, "properties") ?? {};
  const required = own(s, "required") ?? [];
  const additional = own(s, "additionalProperties");
  const names = own(s, "propertyNames");
  const minP = num(s, "minProperties", ptr, 0, true) ?? 0;
  const maxP = num(s, "maxProperties", ptr, 0, true) ?? Infinity;
  if (!isPlain(properties)) throw new SchemaError(`properties at ${ptr} must be an object`);
  if (!Array.isArray(required) || !required.every((k) => typeof k === "string")) {
    throw new SchemaError(`required at ${ptr} must be an array of strings`);
  }
  // null: the key is not allowed, which "unexpected field" reports with the key's name.
  const extra = additional === undefined || additional === true ? ok : additional === false ? null : node(st, additional, `${ptr}/additionalProperties`);
  const keyFn = names === undefined ? null : node(st, names, `${ptr}/propertyNames`);
  const table = new Map<string, { fn: Fn | null; required: boolean }>();
  for (const k of Object.keys(properties)) {
    table.set(k, { fn: node(st, properties[k], `${ptr}/properties/${esc(k)}`), required: false });
  }
  for (const k of required) table.set(k, { fn: table.get(k)?.fn ?? extra, required: true });
  const nRequired = new Set(required).size;
  if (table.size === 0 && extra === ok && !keyFn && minP === 0 && maxP === Infinity) return null;
  return (v) => {
    // Own enumerable keys only, the ones JSON has: "__proto__" from JSON.parse is a plain key.
    const keys = Object.keys(v);
    if (keys.length < minP) return fail(`expected object with at least ${minP} fields, got ${keys.length}`);
    if (keys.length > maxP) return fail(`expected object with at most ${maxP} fields, got ${keys.length}`);
    let seen = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (keyFn !== null) {
        const f = keyFn(k);
        if (f !== null) return at(fail(`invalid key ${q(k)}: ${f.message}`), k);
      }
      const entry = table.get(k);
      const fn = entry === undefined ? extra : entry.fn;
      if (fn === null) return at(fail(`unexpected field ${q(k)}`), k);
      if (entry !== undefined && entry.required) seen++;
      const f = fn(v[k]);
      if (f !== null) return at(f, k);
    }
    if (seen < nRequired) {
      const present = new Set(keys);
      const missing = required.find((k) => !present.has(k));
      return fail(`missing required field ${q(missing)}`);
    }
    return null;
  };
}
