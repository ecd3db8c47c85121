// A JSON Schema validator for the subset that msgspec.json.schema_components emits. A schema is
// compiled once into a tree of closures (no eval: notebook pages may forbid it), so validating is
// only calling functions. Keywords outside the subset are refused when compiling: ignoring one
// would accept data that the kernel then refuses. Known differences from msgspec: JSON.parse
// cannot tell 1.0 from 1, so 1.0 passes as an integer; uniqueItems refuses duplicates that
// msgspec would merge into its set; bytes lengths are checked on their base64 text.
//
// This module compiles the schema's structure: $ref, type, enum and const, unions. Objects,
// arrays, scalars and unions have a module each (validate-*.ts).

import { pathStep } from "./checks";
import { anyJson } from "./validate-any";
import { arrayChecks } from "./validate-arrays";
import {
  ANNOTATIONS,
  type Compiler,
  defName,
  esc,
  type Fail,
  type Fn,
  fail,
  hasOwn,
  isPlain,
  KEYWORDS,
  type Kind,
  kindOf,
  type Miss,
  type Obj,
  ok,
  own,
  q,
  SchemaError,
  show,
} from "./validate-common";
import { objectChecks } from "./validate-objects";
import { numberChecks, stringChecks, values } from "./validate-scalars";
import { union } from "./validate-unions";

export { describeType, SchemaError } from "./validate-common";

const KIND_KEYWORDS = ["type", "enum", "const", "anyOf", "oneOf"];

export interface ValidationIssue {
  path: string;
  message: string;
}
export type Validator = (value: unknown) => ValidationIssue | null;
export interface SchemaBundle {
  $defs: Record<string, unknown>;
}

interface State extends Compiler {
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
    const st: State = {
      defs,
      done: new Map(),
      pending: new Map(),
      node: (s, ptr) => node(st, s, ptr),
      ref: (target, ptr) => ref(st, target, ptr),
    };
    state = st;
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
  return segs.reverse().reduce<string>(pathStep, "$");
}

function node(st: State, s: unknown, ptr: string): Fn {
  if (typeof s === "boolean") return s ? anyJson : () => fail("no value is allowed here");
  if (!isPlain(s)) throw new SchemaError(`schema at ${ptr} must be an object or a boolean`);
  const keys = Object.keys(s);
  const unknown = keys.find((k) => !KEYWORDS.has(k) && !ANNOTATIONS.has(k) && !k.startsWith("x-"));
  if (unknown !== undefined) throw new SchemaError(`unsupported keyword ${q(unknown)} at ${ptr}`);
  if (hasOwn(s, "$ref")) {
    const other = keys.find((k) => k !== "$ref" && KEYWORDS.has(k));
    if (other !== undefined)
      throw new SchemaError(`"$ref" next to ${q(other)} at ${ptr} is not supported`);
    return ref(st, s.$ref, `${ptr}/$ref`);
  }
  if (hasOwn(s, "discriminator") && hasOwn(s, "anyOf") === hasOwn(s, "oneOf")) {
    throw new SchemaError(`"discriminator" at ${ptr} needs exactly one of "anyOf" or "oneOf"`);
  }
  const parts = [typeChecks(st, s, ptr)];
  if (hasOwn(s, "enum")) parts.push(values(s.enum, `${ptr}/enum`));
  if (hasOwn(s, "const")) parts.push(values([s.const], `${ptr}/const`));
  for (const key of ["anyOf", "oneOf"] as const)
    if (hasOwn(s, key)) parts.push(union(st, s, key, ptr));
  const fns = parts.filter((p): p is Fn => p !== null);
  // Nothing here fixes the value's kind, so nothing else checks that JSON carries it unchanged.
  if (!KIND_KEYWORDS.some((k) => hasOwn(s, k))) fns.unshift(anyJson);
  if (fns.length <= 1) return fns[0] ?? ok;
  return (v) => {
    for (const fn of fns) {
      const f = fn(v);
      if (f !== null) return f;
    }
    return null;
  };
}

function ref(st: State, target: unknown, ptr: string): Fn {
  if (typeof target !== "string" || !target.startsWith("#/$defs/")) {
    throw new SchemaError(
      `unsupported $ref ${q(target)} at ${ptr}: only "#/$defs/<name>" is supported`,
    );
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
