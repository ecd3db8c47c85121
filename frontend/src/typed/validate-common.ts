// What every part of the runtime validator shares: how a failure is reported, what counts as a
// plain object, how values are described in messages, and the compiler that parts call back.

export class SchemaError extends Error {
  override name = "SchemaError";
}

// A failure's path is innermost first: parents append their key as it bubbles up, so a valid
// value never builds one.
export interface Fail {
  segs: (string | number)[];
  message: string;
}
export type Fn = (v: unknown) => Fail | null;
export type Miss = ((v: unknown) => Fail) | null; // reports a value of a wrong type; null: no "type"
export type Obj = Record<string, unknown>;
export type Kind = "null" | "boolean" | "number" | "string" | "array" | "object" | "other";

// Compiles the parts of a schema; one per bundle, so both directions share their $defs.
export interface Compiler {
  defs: Obj;
  node(schema: unknown, ptr: string): Fn;
  ref(target: unknown, ptr: string): Fn;
}

export const KEYWORDS = new Set(
  (
    "$ref type enum const anyOf oneOf discriminator properties required additionalProperties " +
    "propertyNames minProperties maxProperties items prefixItems minItems maxItems uniqueItems " +
    "minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength pattern " +
    "format contentEncoding"
  ).split(" "),
);
export const ANNOTATIONS = new Set(
  "title description default examples deprecated readOnly writeOnly $comment".split(" "),
);

export const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);
export const own = (o: Obj, k: string): unknown => (hasOwn(o, k) ? o[k] : undefined);
export const ok: Fn = () => null;
export const fail = (message: string): Fail => ({ segs: [], message });
export const at = (f: Fail, seg: string | number): Fail => (f.segs.push(seg), f);
export const esc = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");
export const q = JSON.stringify;
export const defName = (target: string): string =>
  target.slice(8).replace(/~1/g, "/").replace(/~0/g, "~");

// Plain objects only: a Date or a Map passes a looser test, yet JSON.stringify changes it.
export function isPlain(v: unknown): v is Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function kindOf(v: unknown): Kind {
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

export function show(v: unknown): string {
  if (typeof v === "string") return q(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  const t = typeof v;
  return t === "number" || t === "boolean" || t === "bigint" || v === undefined
    ? String(v)
    : describeType(v);
}

/** The number under `key` in `s`, checked when compiling; undefined when absent. */
export function num(
  s: Obj,
  key: string,
  ptr: string,
  min = -Infinity,
  int = false,
): number | undefined {
  const v = own(s, key);
  const good =
    typeof v === "number" && Number.isFinite(v) && v >= min && (!int || Number.isInteger(v));
  if (v === undefined || good) return v;
  throw new SchemaError(
    `${key} at ${ptr} must be a ${int ? "non-negative integer" : "number"}: ${show(v)}`,
  );
}
