// What generated validators report: ajv's standalone code (emitted by the code generator) finds
// the first failure as a keyword and a JSON pointer; ajvIssue turns it into the runtime's
// ValidationIssue ({path: "$.hits[0].score", message}), worded as the runtime validator words
// its own. Generated modules import it, and the checks ajv's custom keywords call (checks.ts),
// from this package, so every generated file shares one implementation.

import { codePointLength, pathStep } from "./checks";
import type { ValidationIssue } from "./validate";

interface AjvError {
  instancePath: string;
  keyword: string;
  params: {
    type?: unknown;
    missingProperty?: unknown;
    additionalProperty?: unknown;
    allowedValue?: unknown;
    allowedValues?: unknown;
    comparison?: unknown;
    limit?: unknown;
    multipleOf?: unknown;
    pattern?: unknown;
    error?: unknown;
    tag?: unknown;
  };
}
/** A validator function of ajv's standalone code, as generated modules declare it. */
export type AjvValidate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);
const quote = (v: unknown): string => JSON.stringify(v) ?? String(v);

function show(v: unknown): string {
  if (typeof v === "string") return quote(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v !== "object") return String(v);
  return Array.isArray(v) ? "array" : "object";
}

// ajv's pointer is walked through the value itself, so an index prints as [0] and a key as
// .key or ["odd key"] (a key "0" of an object stays a key). Own keys only, as in validation.
function locate(root: unknown, pointer: string): [string, unknown] {
  let path = "$";
  let value = root;
  for (const raw of pointer === "" ? [] : pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(value)) {
      path = pathStep(path, Number(key));
      value = value[Number(key)];
    } else {
      path = pathStep(path, key);
      const own = typeof value === "object" && value !== null && hasOwn(value, key);
      value = own ? (value as { [key: string]: unknown })[key] : undefined;
    }
  }
  return [path, value];
}

// The custom keywords of codegen/node/ajv_standalone.mjs, and what each expects.
const EXPECTS: { [keyword: string]: string } = {
  "x-date-time": "an RFC 3339 date-time with an offset",
  "x-date": "an RFC 3339 date (YYYY-MM-DD)",
  "x-time": "an RFC 3339 time with an offset",
  "x-uuid": "a UUID",
  "x-safe-integer": "an integer within ±(2^53 - 1)",
};

function describe(error: AjvError, value: unknown, orNull: boolean): string {
  const p = error.params;
  const got = `got ${show(value)}`;
  switch (error.keyword) {
    case "type":
      return `expected ${String(p.type)}${orNull ? " or null" : ""}, ${got}`;
    case "required":
      return `missing required field ${quote(p.missingProperty)}`;
    case "additionalProperties":
      return `unexpected field ${quote(p.additionalProperty)}`;
    case "const":
      return `expected ${quote(p.allowedValue)}, ${got}`;
    case "enum":
      return `expected one of ${(p.allowedValues as unknown[]).map(quote).join(", ")}, ${got}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `expected a number ${String(p.comparison)} ${String(p.limit)}, ${got}`;
    case "x-multiple-of":
      return `expected a multiple of ${String(p.multipleOf)}, ${got}`;
    case "minLength":
    case "maxLength": {
      const length = typeof value === "string" ? codePointLength(value) : "?";
      return `expected a string of length ${error.keyword === "minLength" ? ">=" : "<="} ${String(p.limit)}, got length ${length}`;
    }
    case "minItems":
    case "maxItems":
      return `expected an array of length ${error.keyword === "minItems" ? ">=" : "<="} ${String(p.limit)}, got length ${Array.isArray(value) ? value.length : "?"}`;
    case "minProperties":
    case "maxProperties":
      return `expected an object with ${error.keyword === "minProperties" ? "at least" : "at most"} ${String(p.limit)} fields`;
    case "pattern":
      return `expected a string matching ${quote(p.pattern)}, ${got}`;
    case "discriminator":
      return p.error === "tag"
        ? `expected a string naming the message type, ${got}`
        : `unknown message type ${show(value)}`;
    default:
      return hasOwn(EXPECTS, error.keyword)
        ? `expected ${EXPECTS[error.keyword]}, ${got}`
        : `failed "${error.keyword}"`;
  }
}

const pointerKey = (key: unknown): string => String(key).replace(/~/g, "~0").replace(/\//g, "~1");

/** The first problem generated validator `validate` finds in `value`, or null. */
export function ajvIssue(validate: AjvValidate, value: unknown): ValidationIssue | null {
  try {
    if (validate(value)) return null;
  } catch (error) {
    // A stack overflow: a value nested far beyond NESTING_LIMIT, which TypedTunnel refuses
    // on the text before validating.
    if (!(error instanceof RangeError)) throw error;
    return { path: "$", message: "value is nested too deeply to validate" };
  }
  const errors = (validate.errors ?? []) as AjvError[];
  const first = errors[0];
  if (first === undefined) return { path: "$", message: "invalid message" };
  let pointer = first.instancePath;
  if (first.keyword === "additionalProperties")
    pointer += `/${pointerKey(first.params.additionalProperty)}`;
  if (first.keyword === "discriminator") pointer += `/${pointerKey(first.params.tag)}`;
  const [path, at] = locate(value, pointer);
  // A nullable field ({anyOf: [T, null]}) fails T first, then null, at the same place.
  const orNull = errors.some(
    (e) =>
      e !== first &&
      e.keyword === "type" &&
      e.params.type === "null" &&
      e.instancePath === first.instancePath,
  );
  return { path, message: describe(first, at, orNull) };
}
