// A schema that says nothing about the kind of its value (msgspec's `Any`, `{}`) accepts every
// JSON value, but a page can pass values JSON.stringify quietly changes: a Map or a Set becomes
// {}, a Date a string, NaN null, `undefined` and functions vanish, a hole in an array becomes
// null. The kernel would then decode something other than what the page sent, so such a value
// is refused with its path, like any other invalid value. Plain objects, arrays, strings, finite
// numbers, booleans and null pass, however deep.

import { pathStep } from "./checks";
import type { ValidationIssue } from "./validate";
import { describeType, type Fail, type Fn, fail, isPlain } from "./validate-common";

interface Step {
  value: unknown;
  parent: Step | null;
  key: string | number;
}

function failAt(step: Step, message: string): Fail {
  const f = fail(message);
  for (let s: Step | null = step; s !== null && s.parent !== null; s = s.parent) f.segs.push(s.key);
  return f;
}

function scalarIssue(v: unknown): string | null {
  switch (typeof v) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(v) ? null : `expected a JSON value, got ${String(v)}`;
    case "object":
      return v === null || Array.isArray(v) || isPlain(v)
        ? null
        : `expected a JSON value, got ${describeType(v)}`;
    default:
      return `expected a JSON value, got ${typeof v}`;
  }
}

/** Every value in `v` is one JSON carries unchanged. Shared and cyclic parts are walked once
 * (JSON.stringify itself refuses a cycle). */
export const anyJson: Fn = (v) => {
  const seen = new Set<object>();
  const stack: Step[] = [{ value: v, parent: null, key: "" }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const value = step.value;
    const issue = scalarIssue(value);
    if (issue !== null) return failAt(step, issue);
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        if (!(i in value))
          return failAt(
            { value: undefined, parent: step, key: i },
            "a hole in an array: JSON would write null",
          );
        stack.push({ value: value[i], parent: step, key: i });
      }
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({ value: (value as Record<string, unknown>)[key], parent: step, key });
      }
    }
  }
  return null;
};

/** anyJson's verdict on a whole message, as a validator reports it. */
export function jsonValueIssue(value: unknown): ValidationIssue | null {
  const f = anyJson(value);
  return f === null
    ? null
    : { path: f.segs.reverse().reduce<string>(pathStep, "$"), message: f.message };
}
