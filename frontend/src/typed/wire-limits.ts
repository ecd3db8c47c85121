// What a typed message's JSON text may hold, checked on the text on both sides (the kernel's
// ipycallback/typed/json_semantics.py has the same rules and the same number): nesting deeper
// than NESTING_LIMIT, and strings with an unpaired UTF-16 surrogate, which Python cannot
// encode as UTF-8. The validators check values; TypedTunnel runs this on each text it sends
// or receives, and so would anyone who wants the kernel's verdict on a text.

import { pathStep } from "./checks";
import type { ValidationIssue } from "./validate";

export const NESTING_LIMIT = 256;
const TOKEN = /"(?:[^"\\]|\\.)*"|[[\]{},:]/gs;
const LONE_SURROGATE = /\p{Cs}/u; // with the u flag a pair is one code point, not Cs

/** The first problem `text` (whose value is `value`) has on the wire, or null. */
export function wireIssue(text: string, value: unknown): ValidationIssue | null {
  // Each level takes two characters. JSON.stringify writes an unpaired surrogate as \uXXXX,
  // and a text that came as UTF-8 cannot hold one unescaped.
  const deep = text.length > 2 * NESTING_LIMIT ? nestingIssue(text) : null;
  return deep ?? (text.includes("\\u") ? surrogateIssue(value) : null);
}

function nestingIssue(text: string): ValidationIssue | null {
  let count = 0;
  for (let i = text.indexOf("["); i !== -1 && count <= NESTING_LIMIT; i = text.indexOf("[", i + 1))
    count++;
  for (let i = text.indexOf("{"); i !== -1 && count <= NESTING_LIMIT; i = text.indexOf("{", i + 1))
    count++;
  if (count <= NESTING_LIMIT) return null;
  // Each open container: is it an object, and the key or index of the value read in it.
  const stack: [boolean, string | number | null][] = [];
  let expectKey = false;
  for (const [token] of text.matchAll(TOKEN)) {
    const top = stack[stack.length - 1];
    if (token === "[" || token === "{") {
      if (stack.length >= NESTING_LIMIT) {
        const path = stack.reduce((p, [, key]) => (key === null ? p : pathStep(p, key)), "$");
        return { path, message: `nested more than ${NESTING_LIMIT} levels deep` };
      }
      stack.push([token === "{", token === "[" ? 0 : null]);
      expectKey = token === "{";
    } else if (token === "]" || token === "}") {
      stack.pop();
      expectKey = false;
    } else if (token === ",") {
      if (top?.[0]) expectKey = true;
      else if (top) top[1] = (top[1] as number) + 1;
    } else if (token === ":") {
      expectKey = false;
    } else if (expectKey && top) {
      top[1] = JSON.parse(token) as string;
    }
  }
  return null;
}

function surrogateIssue(value: unknown): ValidationIssue | null {
  const stack: [string, unknown][] = [["$", value]];
  while (stack.length > 0) {
    const [path, item] = stack.pop() as [string, unknown];
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item))
        return { path, message: "a string with an unpaired UTF-16 surrogate cannot travel" };
    } else if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) stack.push([pathStep(path, i), item[i]]);
    } else if (typeof item === "object" && item !== null) {
      for (const key of Object.keys(item)) {
        const at = pathStep(path, key);
        if (LONE_SURROGATE.test(key))
          return { path: at, message: "a key with an unpaired UTF-16 surrogate cannot travel" };
        stack.push([at, (item as Record<string, unknown>)[key]]);
      }
    }
  }
  return null;
}
