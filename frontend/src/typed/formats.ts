// What strings msgspec accepts, for the validator: Python patterns rewritten for RegExp, and
// the formats msgspec's types emit.

import { isDate, isDateTime, isPartialTime, isTime, isUuid } from "./checks";

// msgspec applies patterns with Python's re.search. RegExp with the u flag mostly agrees; this
// rewrites what differs: \d and \w are Unicode in Python, `.` excludes only \n, `$` also matches
// before a final \n, \A, \Z, (?P<name>…), (?P=name), \UXXXXXXXX, escaped punctuation (refused by
// the u flag), a lone or leading ]. Still different: \b, \B, and \W inside [...], stay ASCII.
// Python-only syntax (inline flags such as (?i), possessive quantifiers...) is a SchemaError.
export function fromPython(p: string): string {
  let inClass = false;
  const tokens = /\\U([\da-fA-F]{8})|\\([\s\S])|\[\^?\]?|\]|\(\?P<|\(\?P=(\w+)\)|[$.]/g;
  return p.replace(tokens, (t: string, hex?: string, e?: string, name?: string) => {
    if (hex !== undefined) return `\\u{${hex}}`;
    if (e === "d" || e === "D") return e === "d" ? "\\p{Nd}" : "\\P{Nd}";
    if (e === "w" && inClass) return "\\p{L}\\p{N}_";
    if ((e === "w" || e === "W") && !inClass)
      return e === "w" ? "[\\p{L}\\p{N}_]" : "[^\\p{L}\\p{N}_]";
    if ((e === "A" || e === "Z") && !inClass) return e === "A" ? "^" : "$";
    if (e !== undefined)
      return /[\w^$\\.*+?()[\]{}|/]/.test(e) || (e === "-" && inClass) ? `\\${e}` : e;
    if (t[0] === "[") {
      // Inside a class, [ is literal; outside, it opens one, in which a leading ] is literal.
      const closes = t.length > 1 && t.endsWith("]");
      const opened = !inClass;
      inClass = opened || !closes;
      return !opened ? `\\${t}` : closes ? `${t.slice(0, -1)}\\]` : t;
    }
    if (t === "]") return inClass ? ((inClass = false), t) : "\\]";
    if (inClass) return t;
    return t === "$" ? "(?=\\n?$)" : t === "." ? "[^\\n]" : t === "(?P<" ? "(?<" : `\\k<${name}>`;
  });
}

// Formats accept what msgspec accepts when decoding the types that emit them; date, time and
// uuid are checks.ts's, which the generated validators use too.
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const N = String.raw`\d+(?:\.\d+)?`; // in a duration, only the last number may have a fraction
const DURATION = new RegExp(
  String.raw`^[+-]?P(?!$)(?!.*\.\d+[DHMS].)(?:${N}D)?(?:T(?=\d)(?:${N}H)?(?:${N}M)?(?:${N}S)?)?$`,
  "i",
);
// Python's Decimal() drops every _, strips str.isspace() characters, and takes any Unicode digits.
const WS = String.raw`[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*`;
const NUMBER = String.raw`(?:\p{Nd}+(?:\.\p{Nd}*)?|\.\p{Nd}+)(?:e[+-]?\p{Nd}+)?`;
const DECIMAL = new RegExp(
  String.raw`^${WS}[+-]?(?:${NUMBER}|inf(?:inity)?|s?nan\p{Nd}*)${WS}$`,
  "iu",
);

export const FORMATS = new Map<string, [(v: string) => boolean, string]>([
  ["date-time", [isDateTime, "RFC 3339 date-time with a timezone"]],
  ["date", [isDate, "RFC 3339 date (YYYY-MM-DD)"]],
  ["time", [isTime, "RFC 3339 time with a timezone"]],
  ["partial-time", [isPartialTime, "time without a timezone (HH:MM:SS[.ffffff])"]],
  ["uuid", [isUuid, "UUID"]],
  ["decimal", [(v) => DECIMAL.test(v.replace(/_/g, "")), "decimal string"]],
  ["duration", [(v) => DURATION.test(v), "ISO 8601 duration"]],
]);
