// What the validators need besides ajv's code, identical in every generated module. ajv
// reports the first failure as a keyword and a JSON pointer; this turns it into the runtime's
// ValidationIssue ({path: "$.hits[0].score", message}) and adds the checks ajv leaves to us:
// safe integers and formats (see codegen/node/ajv_standalone.mjs). In ajv's code,
// a key counts only if it is the object's own: where the object's prototype is Object.prototype
// and that has no such key (V8 then compiles both tests to constants), `data.key !== undefined`
// already says so; otherwise ajv's hasOwnProperty call decides.

interface AjvError {
  instancePath: string;
  schemaPath: string;
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
// What ajv's code assigns; read back as AjvError, whose params are only those read here.
type AjvErrors = unknown[] | null;
type AjvValidate = ((data: unknown) => boolean) & { errors?: AjvErrors };

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
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
      path += `[${key}]`;
      value = value[Number(key)];
    } else {
      path += /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${quote(key)}]`;
      const own = typeof value === "object" && value !== null && hasOwn(value, key);
      value = own ? (value as { [key: string]: unknown })[key] : undefined;
    }
  }
  return [path, value];
}

// keyword -> [what it expects, its check]; ajv's code calls the checks directly.
const FORMATS: { [keyword: string]: [string, (s: string) => boolean] } = {
  "x-date-time": ["an RFC 3339 date-time with an offset", isDateTime],
  "x-date": ["an RFC 3339 date (YYYY-MM-DD)", isDate],
  "x-time": ["an RFC 3339 time with an offset", isTime],
  "x-uuid": ["a UUID", isUuid],
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
      return p.error === "tag" ? `expected a string naming the message type, ${got}` : `unknown message type ${show(value)}`;
    case "x-safe-integer":
      return `expected an integer within ±(2^53 - 1), ${got}`;
    default:
      return hasOwn(FORMATS, error.keyword) ? `expected ${FORMATS[error.keyword]?.[0] ?? ""}, ${got}` : `failed "${error.keyword}"`;
  }
}

function issueOf(validate: AjvValidate, value: unknown): ValidationIssue | null {
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
  if (first.keyword === "additionalProperties") pointer += `/${String(first.params.additionalProperty).replace(/~/g, "~0").replace(/\//g, "~1")}`;
  if (first.keyword === "discriminator") pointer += `/${String(first.params.tag).replace(/~/g, "~0").replace(/\//g, "~1")}`;
  const [path, at] = locate(value, pointer);
  // A nullable field ({anyOf: [T, null]}) fails T first, then null, at the same place.
  const orNull = errors.some((e) => e !== first && e.keyword === "type" && e.params.type === "null" && e.instancePath === first.instancePath);
  return { path, message: describe(first, at, orNull) };
}

// ajv's ucs2length, inlined: lengths count code points (a surrogate pair is one), as in Python.
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

// What msgspec accepts (docs/internal-form.md, "Formats"): RFC 3339 with "T", "t" or " "
// between date and time, any number of fraction digits, and an offset Z, z, ±HH:MM or ±HHMM
// (hours < 24, minutes < 60); years from 0001, no leap second.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):?(\d{2}))$/;
const UUID = /^(?:[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}|[\da-f]{32})$/i;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  return y >= 1 && d >= 1 && d <= days;
}

function isTime(s: string): boolean {
  const m = TIME.exec(s);
  if (m === null) return false;
  const n = (i: number): number => Number(m[i] ?? 0);
  return n(1) < 24 && n(2) < 60 && n(3) < 60 && n(4) < 24 && n(5) < 60;
}

function isDateTime(s: string): boolean {
  return "Tt ".includes(s.charAt(10)) && isDate(s.slice(0, 10)) && isTime(s.slice(11));
}

function isUuid(s: string): boolean {
  return UUID.test(s);
}

// window.IPyCallback exists once the page's first tunnel does; it announces itself then.
function pageRegistry(timeoutMs: number): Promise<TunnelRegistry> {
  const host = globalThis as { IPyCallback?: TunnelRegistry };
  if (host.IPyCallback !== undefined) return Promise.resolve(host.IPyCallback);
  return new Promise((resolve, reject) => {
    const ready = (): void => {
      clearTimeout(timer);
      if (host.IPyCallback !== undefined) resolve(host.IPyCallback);
      else reject(new Error("IPyCallback: ipycallback:ready fired without window.IPyCallback"));
    };
    const timer = setTimeout(() => {
      globalThis.removeEventListener?.("ipycallback:ready", ready);
      reject(new Error(`IPyCallback: no tunnel appeared on this page within ${timeoutMs} ms`));
    }, timeoutMs);
    // Outside a browser (tests, SSR) there may be no events: the timeout still applies.
    globalThis.addEventListener?.("ipycallback:ready", ready, { once: true });
  });
}

function checkFingerprint(shipped: string, expected: string): void {
  let found: unknown;
  try {
    found = (JSON.parse(shipped) as { fingerprint?: unknown } | null)?.fingerprint;
  } catch {
    found = undefined;
  }
  if (found === expected) return;
  const theirs = typeof found === "string" ? found : "unknown: not generated by ipycallback codegen";
  throw new Error(`IPyCallback: the kernel's message set (${theirs}) differs from this browser code's (${expected}); regenerate both sides`);
}

// This module calls the runtime it is bundled with (the ipycallback npm package), whose
// TypedTunnel wraps the tunnels of the page's runtime (the kernel's ipycallback, which the widget
// loads). Each must serve the API level the other was built for (see the runtime's API_LEVEL).
function serves(oldest: unknown, newest: unknown, level: number): boolean {
  return typeof oldest === "number" && typeof newest === "number" && oldest <= level && level <= newest;
}

function checkBundledRuntime(): void {
  if (serves(OLDEST_API_LEVEL, API_LEVEL, GENERATED_FOR.apiLevel)) return;
  const generated = GENERATED_FOR.version;
  throw new Error(`IPyCallback: this module was generated by ipycallback codegen ${generated} (runtime API level ${GENERATED_FOR.apiLevel}), but the ipycallback npm package it runs on is ${VERSION} (API levels ${OLDEST_API_LEVEL}-${API_LEVEL}); regenerate it with ipycallback-codegen ${VERSION}, or build it with the ipycallback npm package ${generated}`);
}

function checkPageRuntime(registry: TunnelRegistry): void {
  const page = registry as { version?: unknown; apiLevel?: unknown; oldestApiLevel?: unknown };
  if (serves(page.oldestApiLevel, page.apiLevel, API_LEVEL)) return;
  const theirs = typeof page.version === "string" ? page.version : "unknown";
  const levels = typeof page.apiLevel === "number" ? `API levels ${String(page.oldestApiLevel)}-${page.apiLevel}` : "no API level";
  throw new Error(`IPyCallback: the page's ipycallback runtime is ${theirs} (the kernel's Python package; ${levels}), which cannot serve the ipycallback npm package ${VERSION} this code runs on (API level ${API_LEVEL}); install matching versions: pip install ipycallback==${VERSION} where the kernel runs, or build with the ipycallback npm package ${theirs}`);
}
