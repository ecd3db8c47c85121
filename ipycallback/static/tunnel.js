// ipycallback 0.2.0: built from frontend/src by esbuild; do not edit.

// frontend/src/wire.ts
var MAX_FRAME_UNITS = 512 * 1024;
function isVersion(value) {
  return Number.isSafeInteger(value) && value >= 0;
}
function isKind(value) {
  return value === 0 /* Message */ || value === 1 /* Reply */ || value === 2 /* Error */;
}
function isEntry(value) {
  return Array.isArray(value) && (value.length === 2 || value.length === 3 && isKind(value[2])) && isVersion(value[0]) && typeof value[1] === "string";
}
function cutAt(text, end) {
  if (end >= text.length) return text.length;
  const unit = text.charCodeAt(end - 1);
  return unit >= 55296 && unit <= 56319 ? end - 1 : end;
}
function packFrames(entries, maxUnits = MAX_FRAME_UNITS) {
  const frames = [];
  let batch = [];
  let units = 0;
  const closeBatch = () => {
    if (batch.length > 0) frames.push({ b: batch });
    batch = [];
    units = 0;
  };
  for (const entry of entries) {
    const [version, msg, kind] = entry;
    if (msg.length > maxUnits) {
      closeBatch();
      for (let start = 0; start < msg.length; ) {
        const end = cutAt(msg, start + maxUnits);
        const piece = msg.slice(start, end);
        const last = end >= msg.length;
        frames.push({ c: kind === void 0 ? [version, piece, last] : [version, piece, last, kind] });
        start = end;
      }
      continue;
    }
    if (units + msg.length > maxUnits) closeBatch();
    batch.push(entry);
    units += msg.length;
  }
  closeBatch();
  return frames;
}
function readFrame(content) {
  const batch = typeof content === "object" && content !== null && Object.hasOwn(content, "b") ? content.b : void 0;
  if (!Array.isArray(batch)) {
    return { entries: [], problems: ["not a tunnel frame"] };
  }
  const entries = [];
  const problems = [];
  batch.forEach((item, index) => {
    if (isEntry(item)) entries.push(item);
    else problems.push(`batch item ${index} is not [version, msg]`);
  });
  return { entries, problems };
}

// frontend/src/typed/errors.ts
var MessageValidationError = class extends Error {
  constructor(reason, path) {
    super(`${reason} (at ${path})`);
    this.name = "MessageValidationError";
    this.reason = reason;
    this.path = path;
  }
};
var TunnelError = class extends Error {
  constructor(version, code, reason, path = null, type = null) {
    super(`[${code}] message version ${version}${path ? ` at ${path}` : ""}: ${reason}`);
    this.name = "TunnelError";
    this.version = version;
    this.code = code;
    this.reason = reason;
    this.path = path;
    this.type = type;
  }
};
var SupersededError = class extends Error {
  constructor(type, version, supersededBy) {
    super(`request ${type} version ${version} was superseded by version ${supersededBy}`);
    this.name = "SupersededError";
    this.version = version;
    this.supersededBy = supersededBy;
  }
};
var RequestTimeoutError = class extends Error {
  constructor() {
    super(...arguments);
    this.name = "RequestTimeoutError";
  }
};
var CODES = ["validation", "unknown_type", "handler_exception"];
function readWireError(version, text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const get = (key) => typeof body === "object" && body !== null && Object.hasOwn(body, key) ? body[key] : void 0;
  const code = get("code");
  const message = get("message");
  if (typeof code !== "string" || !CODES.includes(code) || typeof message !== "string") {
    return new TunnelError(version, "validation", `unreadable error report: ${text.slice(0, 200)}`);
  }
  const path = get("path");
  const type = get("type");
  return new TunnelError(
    version,
    code,
    message,
    typeof path === "string" ? path : null,
    typeof type === "string" ? type : null
  );
}
function wireError(code, message, path, type) {
  const body = { code, message };
  if (path !== null) body.path = path;
  if (type !== null) body.type = type;
  return JSON.stringify(body);
}

// frontend/src/typed/typed-tunnel.ts
var MAX_WAITING = 1e4;
function tagOf(value, field) {
  if (typeof value !== "object" || value === null || !Object.hasOwn(value, field)) return null;
  const tag = value[field];
  return typeof tag === "string" ? tag : null;
}
var TypedTunnel = class {
  constructor(tunnel, spec) {
    this.#handlers = /* @__PURE__ */ new Map();
    this.#pendingByVersion = /* @__PURE__ */ new Map();
    this.#pendingByTag = /* @__PURE__ */ new Map();
    this.#latestRequest = /* @__PURE__ */ new Map();
    this.#requestOfReply = /* @__PURE__ */ new Map();
    // Messages of a type whose handler is not registered yet, e.g. pushed before on() ran.
    this.#waiting = /* @__PURE__ */ new Map();
    this.#plain = null;
    this.#onError = null;
    this.stats = {
      received: 0,
      handled: 0,
      staleReplies: 0,
      rejected: 0,
      handlerErrors: 0,
      errorsReceived: 0
    };
    this.tunnel = tunnel;
    this.#spec = spec;
    this.#tagField = spec.tagField ?? "type";
    this.#incomingTags = new Set(spec.incomingTags);
    for (const [request, reply] of Object.entries(spec.replies)) {
      this.#requestOfReply.set(reply, request);
    }
    tunnel._onReceiveKind((version, text, kind) => this.#receive(version, text, kind));
  }
  #spec;
  #tagField;
  #handlers;
  #pendingByVersion;
  #pendingByTag;
  #latestRequest;
  #requestOfReply;
  #incomingTags;
  #waiting;
  #plain;
  #onError;
  /** Validates and sends `msg`; returns its version. Throws MessageValidationError. */
  send(msg) {
    return this.tunnel.send_msg(this.#encode(msg));
  }
  /** Plain strings still travel on the same tunnel. */
  send_msg(msg) {
    return this.tunnel.send_msg(msg);
  }
  /** Registers the handler for one message type; it replaces any previous one. */
  on(tag, handler) {
    if (typeof handler !== "function") {
      throw new TypeError(`on("${String(tag)}") expects a function, got ${typeof handler}`);
    }
    this.#handlers.set(tag, handler);
    const waiting = this.#waiting.get(tag) ?? [];
    this.#waiting.delete(tag);
    for (const [version, msg] of waiting) this.#deliver(version, tag, msg);
  }
  /** Receives payloads that are not declared messages (plain send_msg strings). */
  onPlain(handler) {
    this.#plain = handler;
  }
  /** Receives errors the kernel reports about messages sent from here. */
  onError(handler) {
    this.#onError = handler;
  }
  /** Sends a request; resolves with its reply, or rejects (superseded, timeout, abort, error). */
  request(msg, options = {}) {
    const tag = tagOf(msg, this.#tagField) ?? "";
    if (!Object.hasOwn(this.#spec.replies, tag)) {
      return Promise.reject(new TypeError(`request(): ${tag} has no declared reply type`));
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    let version;
    try {
      version = this.send(msg);
    } catch (error) {
      return Promise.reject(error);
    }
    const older = this.#pendingByTag.get(tag);
    if (older !== void 0) {
      older.cleanup();
      older.reject(new SupersededError(tag, older.version, version));
    }
    this.#latestRequest.set(tag, version);
    return new Promise((resolve, reject) => {
      const timer = options.timeoutMs === void 0 ? void 0 : setTimeout(() => {
        pending.cleanup();
        reject(new RequestTimeoutError(`${tag} version ${version}: no reply in ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const onAbort = () => {
        pending.cleanup();
        reject(options.signal?.reason);
      };
      const pending = {
        tag,
        version,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          if (this.#pendingByVersion.get(version) === pending) this.#pendingByVersion.delete(version);
          if (this.#pendingByTag.get(tag) === pending) this.#pendingByTag.delete(tag);
        }
      };
      options.signal?.addEventListener("abort", onAbort);
      this.#pendingByVersion.set(version, pending);
      this.#pendingByTag.set(tag, pending);
    });
  }
  #encode(msg) {
    const issue = this.#spec.validateOutgoing(msg);
    if (issue !== null) throw new MessageValidationError(issue.message, issue.path);
    return JSON.stringify(msg);
  }
  #receive(version, text, kind) {
    if (kind === 2 /* Error */) {
      this.#receivedError(readWireError(version, text));
      return;
    }
    this.stats.received += 1;
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = void 0;
    }
    const tag = tagOf(msg, this.#tagField);
    const issue = tag === null ? null : this.#spec.validateIncoming(msg);
    if (tag === null || issue !== null) {
      this.#reject(version, text, tag, issue, kind);
      return;
    }
    if (kind === 1 /* Reply */) {
      const pending = this.#pendingByVersion.get(version);
      if (pending !== void 0) {
        pending.cleanup();
        pending.resolve(msg);
        return;
      }
      const request = this.#requestOfReply.get(tag);
      if (request !== void 0 && version < (this.#latestRequest.get(request) ?? 0)) {
        this.stats.staleReplies += 1;
        return;
      }
    }
    this.#deliver(version, tag, msg);
  }
  #deliver(version, tag, msg) {
    const handler = this.#handlers.get(tag);
    if (handler === void 0) {
      const waiting = this.#waiting.get(tag) ?? [];
      waiting.push([version, msg]);
      if (waiting.length > MAX_WAITING) {
        waiting.shift();
        console.warn(
          `IPyCallback [${this.tunnel.tunnel_id}]: no handler for ${tag}; dropped the oldest of ${MAX_WAITING + 1} waiting messages`
        );
      }
      this.#waiting.set(tag, waiting);
      return;
    }
    this.stats.handled += 1;
    try {
      handler(version, msg);
    } catch (error) {
      this.stats.handlerErrors += 1;
      console.error(`IPyCallback [${this.tunnel.tunnel_id}]: the handler for ${tag} threw`, error);
      this.#sendError(version, "handler_exception", `${error?.name ?? "Error"}: ${error?.message ?? String(error)}`, null, tag);
    }
  }
  #reject(version, text, tag, issue, kind) {
    if (tag === null && this.#plain !== null) {
      try {
        this.#plain(version, text);
      } catch (error) {
        console.error(`IPyCallback [${this.tunnel.tunnel_id}]: the plain handler threw`, error);
      }
      return;
    }
    this.stats.rejected += 1;
    const code = tag === null || !this.#incomingTags.has(tag) ? "unknown_type" : "validation";
    const message = issue?.message ?? "not a declared message: expected an object with a type tag";
    this.#sendError(version, code, message, issue?.path ?? null, tag);
    if (kind === 1 /* Reply */) {
      const pending = this.#pendingByVersion.get(version);
      pending?.cleanup();
      pending?.reject(new MessageValidationError(message, issue?.path ?? "$"));
    }
  }
  #sendError(version, code, message, path, type) {
    if (!this.tunnel.closed) this.tunnel._sendKind(version, wireError(code, message, path, type), 2 /* Error */, false);
  }
  #receivedError(error) {
    this.stats.errorsReceived += 1;
    const pending = this.#pendingByVersion.get(error.version);
    if (pending !== void 0) {
      pending.cleanup();
      pending.reject(error);
      return;
    }
    if (this.#onError === null) {
      console.error(`IPyCallback [${this.tunnel.tunnel_id}]: the kernel reported:`, error);
      return;
    }
    try {
      this.#onError(error);
    } catch (thrown) {
      console.error(`IPyCallback [${this.tunnel.tunnel_id}]: the onError handler threw`, thrown);
    }
  }
};

// frontend/src/typed/validate-common.ts
var SchemaError = class extends Error {
  constructor() {
    super(...arguments);
    this.name = "SchemaError";
  }
};
var KEYWORDS = new Set(
  "$ref type enum const anyOf oneOf discriminator properties required additionalProperties propertyNames minProperties maxProperties items prefixItems minItems maxItems uniqueItems minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength pattern format contentEncoding".split(" ")
);
var ANNOTATIONS = new Set(
  "title description default examples deprecated readOnly writeOnly $comment".split(" ")
);
var hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
var own = (o, k) => hasOwn(o, k) ? o[k] : void 0;
var ok = () => null;
var fail = (message) => ({ segs: [], message });
var at = (f, seg) => (f.segs.push(seg), f);
var esc = (k) => k.replace(/~/g, "~0").replace(/\//g, "~1");
var q = JSON.stringify;
var defName = (target) => target.slice(8).replace(/~1/g, "/").replace(/~0/g, "~");
function isPlain(v) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
function kindOf(v) {
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return v === null ? "null" : Array.isArray(v) ? "array" : isPlain(v) ? "object" : "other";
}
function describeType(v) {
  const kind = kindOf(v);
  if (kind !== "other") return kind === "number" && Number.isInteger(v) ? "integer" : kind;
  const tag = typeof v === "object" ? Object.prototype.toString.call(v).slice(8, -1) : typeof v;
  return tag === "Object" ? "non-plain object" : tag;
}
function show(v) {
  if (typeof v === "string") return q(v.length > 40 ? `${v.slice(0, 40)}\u2026` : v);
  const t = typeof v;
  return t === "number" || t === "boolean" || t === "bigint" || v === void 0 ? String(v) : describeType(v);
}
function num(s, key, ptr, min = -Infinity, int = false) {
  const v = own(s, key);
  const good = typeof v === "number" && Number.isFinite(v) && v >= min && (!int || Number.isInteger(v));
  if (v === void 0 || good) return v;
  throw new SchemaError(`${key} at ${ptr} must be a ${int ? "non-negative integer" : "number"}: ${show(v)}`);
}

// frontend/src/typed/validate-inline.ts
var CALL = 0;
var EQ = 1;
var ONE_OF = 2;
var STRING = 3;
var INTEGER = 4;
var NUMBER = 5;
var ARRAY = 6;
function shape(kind, value, bounds = [-Infinity, Infinity, -Infinity, Infinity]) {
  const [lo, hi, xlo, xhi] = bounds;
  return { kind, nullable: false, value, lo, hi, xlo, xhi, item: null };
}
function make(s, fn, required, key) {
  const { kind, nullable, value, lo, hi, xlo, xhi, item } = s;
  return { key, next: null, fn, required, kind, nullable, value, lo, hi, xlo, xhi, item };
}
var NUMBER_KEYS = ["type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];
function shapeOf(c, s, depth) {
  if (!isPlain(s) || depth > 8) return null;
  const keys = Object.keys(s).filter((k) => KEYWORDS.has(k));
  const only = (...allowed) => keys.every((k) => allowed.includes(k));
  const n = (k, d) => own(s, k) ?? d;
  const target = own(s, "$ref");
  if (typeof target === "string") {
    return only("$ref") ? shapeOf(c, own(c.defs, defName(target)), depth + 1) : null;
  }
  const list = own(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : void 0);
  if (Array.isArray(list) && keys.length === 1 && list.length <= 8) {
    return list.length === 1 ? shape(EQ, list[0]) : shape(ONE_OF, list);
  }
  const branches = own(s, "anyOf");
  if (Array.isArray(branches) && only("anyOf") && branches.length === 2) {
    const [some, none] = branches.map((b) => shapeOf(c, b, depth + 1));
    if (some && none?.kind === EQ && none.value === null && !some.nullable) return { ...some, nullable: true };
    return null;
  }
  const type = own(s, "type");
  if (type === "null" && only("type")) return shape(EQ, null);
  if (type === "boolean" && only("type")) return shape(ONE_OF, [true, false]);
  if (type === "string" && only("type", "minLength", "maxLength")) {
    return shape(STRING, void 0, [2 * n("minLength", 0), n("maxLength", Infinity), -Infinity, Infinity]);
  }
  if ((type === "integer" || type === "number") && only(...NUMBER_KEYS)) {
    const [lo, hi] = [n("minimum", -Infinity), n("maximum", Infinity)];
    const bounds = [lo, hi, n("exclusiveMinimum", -Infinity), n("exclusiveMaximum", Infinity)];
    return shape(type === "integer" ? INTEGER : NUMBER, void 0, bounds);
  }
  if (type === "array" && only("type", "items")) {
    const item = shapeOf(c, own(s, "items"), depth + 1);
    if (item === null || item.kind === ARRAY) return null;
    return { ...shape(ARRAY), item: make(item, null, 0, "") };
  }
  return null;
}
function inline(c, s, fn, required = 0, key = "") {
  const found = fn === null ? null : shapeOf(c, s, 0);
  return make(found ?? shape(CALL), fn, required, key);
}
function acceptsOne(d, x) {
  const kind = d.kind;
  if (kind === EQ) return x === d.value || x === null && d.nullable;
  if (kind === STRING) {
    return typeof x === "string" ? x.length >= d.lo && x.length <= d.hi : x === null && d.nullable;
  }
  if (kind === INTEGER || kind === NUMBER) {
    if (typeof x !== "number") return x === null && d.nullable;
    const within = x >= d.lo && x <= d.hi && x > d.xlo && x < d.xhi;
    return within && (kind === INTEGER ? Number.isSafeInteger(x) : Number.isFinite(x));
  }
  if (kind === ONE_OF) {
    const list = d.value;
    for (let i = 0; i < list.length; i++) if (list[i] === x) return true;
    return x === null && d.nullable;
  }
  return false;
}
function accepts(d, x) {
  if (d.kind !== ARRAY) return acceptsOne(d, x);
  if (!Array.isArray(x)) return x === null && d.nullable;
  const item = d.item;
  for (let i = 0; i < x.length; i++) if (!acceptsOne(item, x[i])) return false;
  return true;
}

// frontend/src/typed/validate-arrays.ts
function arrayChecks(c, s, ptr, miss) {
  const minI = num(s, "minItems", ptr, 0, true) ?? 0;
  const maxI = num(s, "maxItems", ptr, 0, true) ?? Infinity;
  const items = own(s, "items");
  const prefixItems = own(s, "prefixItems") ?? [];
  const unique = own(s, "uniqueItems") ?? false;
  if (!Array.isArray(prefixItems) || typeof unique !== "boolean") {
    throw new SchemaError(`prefixItems at ${ptr} must be an array, and uniqueItems a boolean`);
  }
  const prefix = prefixItems.map((p, i) => c.node(p, `${ptr}/prefixItems/${i}`));
  const rest = items === void 0 || items === true ? void 0 : items === false ? null : c.node(items, `${ptr}/items`);
  const free = minI === 0 && maxI === Infinity && prefix.length === 0 && rest === void 0 && !unique;
  if (free && !miss) return null;
  const length = (n) => `expected array of length ${minI === maxI ? "" : n < minI ? ">= " : "<= "}`;
  const tooLong = (i) => at(fail(`unexpected item: at most ${prefix.length} allowed`), i);
  if (prefix.length === 0 && rest) {
    const each = inline(c, items, rest, 0);
    return (v) => {
      if (!Array.isArray(v)) return miss && miss(v);
      const n = v.length;
      if (n < minI || n > maxI) return fail(`${length(n)}${n < minI ? minI : maxI}, got length ${n}`);
      for (let i = 0; i < n; i++) {
        const x = v[i];
        if (accepts(each, x)) continue;
        const f = rest(x);
        if (f !== null) return at(f, i);
      }
      return unique ? duplicate(v) : null;
    };
  }
  return (v) => {
    if (!Array.isArray(v)) return miss && miss(v);
    const n = v.length;
    if (n < minI || n > maxI) return fail(`${length(n)}${n < minI ? minI : maxI}, got length ${n}`);
    for (let i = 0, end = rest === void 0 ? Math.min(n, prefix.length) : n; i < end; i++) {
      const fn = i < prefix.length ? prefix[i] : rest;
      if (!fn) return tooLong(i);
      const f = fn(v[i]);
      if (f !== null) return at(f, i);
    }
    return unique ? duplicate(v) : null;
  };
}
function duplicate(v) {
  const [scalars, deep] = [/* @__PURE__ */ new Map(), /* @__PURE__ */ new Map()];
  const sorted = (_, y) => isPlain(y) ? Object.fromEntries(Object.keys(y).sort().map((k) => [k, y[k]])) : y;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    const map = typeof x === "object" && x !== null ? deep : scalars;
    const key = map === deep ? JSON.stringify(x, sorted) : x;
    const first = map.get(key);
    if (first !== void 0) return at(fail(`duplicate item: equal to item ${first}`), i);
    map.set(key, i);
  }
  return null;
}

// frontend/src/typed/validate-objects.ts
function objectChecks(c, s, ptr, miss) {
  const [properties, required] = [own(s, "properties") ?? {}, own(s, "required") ?? []];
  const [additional, names] = [own(s, "additionalProperties"), own(s, "propertyNames")];
  const minP = num(s, "minProperties", ptr, 0, true) ?? 0;
  const maxP = num(s, "maxProperties", ptr, 0, true) ?? Infinity;
  if (!isPlain(properties) || !Array.isArray(required) || !required.every((k) => typeof k === "string")) {
    throw new SchemaError(`properties at ${ptr} must be an object, and required an array of strings`);
  }
  const extra = additional === void 0 || additional === true ? ok : additional ? c.node(additional, `${ptr}/additionalProperties`) : null;
  const keyFn = names === void 0 ? null : c.node(names, `${ptr}/propertyNames`);
  const keys = [.../* @__PURE__ */ new Set([...Object.keys(properties), ...required])];
  const fields = keys.map((k) => {
    const schema = hasOwn(properties, k) ? properties[k] : void 0;
    const fn = schema === void 0 ? extra : c.node(schema, `${ptr}/properties/${esc(k)}`);
    return inline(c, schema, fn, required.includes(k) ? 1 : 0, k);
  });
  const badKey = (k) => {
    const f = keyFn === null ? null : keyFn(k);
    return f && fail(`invalid key ${q(k)}: ${f.message}`);
  };
  const size = (n) => {
    const want = n < minP ? `at least ${minP}` : `at most ${maxP}`;
    return n < minP || n > maxP ? fail(`expected object with ${want} fields, got ${n}`) : null;
  };
  if (keys.length === 0 && extra === ok && keyFn === null && minP === 0 && maxP === Infinity) {
    return miss && ((v) => isPlain(v) ? null : miss(v));
  }
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
  const unknown = (k) => inline(c, void 0, extra, 0, k);
  return struct(fields, required, unknown, keyFn && badKey, counted ? size : null, miss);
}
function struct(fields, required, unknown, badKey, size, miss) {
  const index = new Map(fields.map((d) => [d.key, d]));
  const nRequired = new Set(required).size;
  const head = unknown("");
  fields.reduce((prev, d) => prev.next = d, head);
  const learn = (prev, k) => {
    const d = index.get(k);
    return d === void 0 ? unknown(k) : prev.next = d;
  };
  return (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return miss && miss(value);
    void ("constructor" in value);
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return miss && miss(value);
    const v = proto === null ? { ...value } : value;
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

// frontend/src/typed/formats.ts
function fromPython(p) {
  let inClass = false;
  const tokens = /\\U([\da-fA-F]{8})|\\([\s\S])|\[\^?\]?|\]|\(\?P<|\(\?P=(\w+)\)|[$.]/g;
  return p.replace(tokens, (t, hex, e, name) => {
    if (hex !== void 0) return `\\u{${hex}}`;
    if (e === "d" || e === "D") return e === "d" ? "\\p{Nd}" : "\\P{Nd}";
    if (e === "w" && inClass) return "\\p{L}\\p{N}_";
    if ((e === "w" || e === "W") && !inClass) return e === "w" ? "[\\p{L}\\p{N}_]" : "[^\\p{L}\\p{N}_]";
    if ((e === "A" || e === "Z") && !inClass) return e === "A" ? "^" : "$";
    if (e !== void 0) return /[\w^$\\.*+?()[\]{}|/]/.test(e) || e === "-" && inClass ? `\\${e}` : e;
    if (t[0] === "[") {
      const closes = t.length > 1 && t.endsWith("]");
      const opened = !inClass;
      inClass = opened || !closes;
      return !opened ? `\\${t}` : closes ? `${t.slice(0, -1)}\\]` : t;
    }
    if (t === "]") return inClass ? (inClass = false, t) : "\\]";
    if (inClass) return t;
    return t === "$" ? "(?=\\n?$)" : t === "." ? "[^\\n]" : t === "(?P<" ? "(?<" : `\\k<${name}>`;
  });
}
var BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
var UUID = /^(?:[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}|[\da-f]{32})$/i;
var DATE = String.raw`(\d{4})-(\d\d)-(\d\d)`;
var TIME = String.raw`(\d\d):(\d\d):(\d\d)(?:\.\d+)?`;
var ZONE = String.raw`(?:[Zz]|[+-](\d\d):?(\d\d))`;
var N = String.raw`\d+(?:\.\d+)?`;
var DURATION = new RegExp(
  String.raw`^[+-]?P(?!$)(?!.*\.\d+[DHMS].)(?:${N}D)?(?:T(?=\d)(?:${N}H)?(?:${N}M)?(?:${N}S)?)?$`,
  "i"
);
var WS = String.raw`[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*`;
var NUMBER2 = String.raw`(?:\p{Nd}+(?:\.\p{Nd}*)?|\.\p{Nd}+)(?:e[+-]?\p{Nd}+)?`;
var DECIMAL = new RegExp(String.raw`^${WS}[+-]?(?:${NUMBER2}|inf(?:inity)?|s?nan\p{Nd}*)${WS}$`, "iu");
function dateTime(pattern, date) {
  const re = new RegExp(`^${pattern}$`);
  return (v) => {
    const m = re.exec(v)?.slice(1).map((x) => Number(x ?? 0));
    if (m === void 0) return false;
    const [y, mo, d] = date ? m.splice(0, 3) : [2e3, 1, 1];
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
    const [h = 0, min = 0, sec = 0, oh = 0, om = 0] = m;
    return y >= 1 && d >= 1 && d <= days && h < 24 && min < 60 && sec < 60 && oh < 24 && om < 60;
  };
}
var FORMATS = /* @__PURE__ */ new Map([
  ["date-time", [dateTime(`${DATE}[Tt ]${TIME}${ZONE}`, true), "RFC 3339 date-time with a timezone"]],
  ["date", [dateTime(DATE, true), "RFC 3339 date (YYYY-MM-DD)"]],
  ["time", [dateTime(TIME + ZONE, false), "RFC 3339 time with a timezone"]],
  ["partial-time", [dateTime(TIME, false), "time without a timezone (HH:MM:SS[.ffffff])"]],
  ["uuid", [(v) => UUID.test(v), "UUID"]],
  ["decimal", [(v) => DECIMAL.test(v.replace(/_/g, "")), "decimal string"]],
  ["duration", [(v) => DURATION.test(v), "ISO 8601 duration"]]
]);

// frontend/src/typed/validate-scalars.ts
function values(list, ptr) {
  const scalar = (x) => x === null || ["string", "number", "boolean"].includes(typeof x);
  if (!Array.isArray(list) || list.length === 0 || !list.every(scalar)) {
    const key = ptr.slice(ptr.lastIndexOf("/") + 1);
    throw new SchemaError(`${key} at ${ptr} must list strings, numbers, booleans or null`);
  }
  const want = list.length === 1 ? q(list[0]) : `one of ${list.map((x) => q(x)).join(", ")}`;
  const set = new Set(list);
  return (v) => set.has(v) ? null : fail(`expected ${want}, got ${show(v)}`);
}
function numberChecks(s, ptr, integer, miss) {
  const lo = num(s, "minimum", ptr) ?? -Infinity;
  const hi = num(s, "maximum", ptr) ?? Infinity;
  const xlo = num(s, "exclusiveMinimum", ptr) ?? -Infinity;
  const xhi = num(s, "exclusiveMaximum", ptr) ?? Infinity;
  const mul = num(s, "multipleOf", ptr, Number.MIN_VALUE) ?? 0;
  if (!miss && [lo, -hi, xlo, -xhi].every((x) => x === -Infinity) && mul === 0) return null;
  const word = integer ? "integer" : "number";
  const outside = (v) => {
    if (integer && !Number.isInteger(v)) return fail(`expected integer, got ${show(v)}`);
    if (integer && !Number.isSafeInteger(v)) {
      return fail(`integer ${BigInt(v)} is outside JavaScript's safe range +-(2**53 - 1)`);
    }
    if (!Number.isFinite(v)) return fail(`expected finite number, got ${v}`);
    if (v < lo || v <= xlo) return fail(`expected ${word} ${v < lo ? `>= ${lo}` : `> ${xlo}`}, got ${v}`);
    if (v > hi || v >= xhi) return fail(`expected ${word} ${v > hi ? `<= ${hi}` : `< ${xhi}`}, got ${v}`);
    return fail(`expected ${word} that is a multiple of ${mul}, got ${v}`);
  };
  return (v) => {
    if (typeof v !== "number") return miss && miss(v);
    const fits = integer ? Number.isSafeInteger(v) : Number.isFinite(v);
    const within = v >= lo && v > xlo && v <= hi && v < xhi && (mul === 0 || v % mul === 0);
    return fits && within ? null : outside(v);
  };
}
function stringChecks(s, ptr, miss) {
  const minL = num(s, "minLength", ptr, 0, true) ?? 0;
  const maxL = num(s, "maxLength", ptr, 0, true) ?? Infinity;
  const [pattern, format, encoding] = [own(s, "pattern"), own(s, "format"), own(s, "contentEncoding")];
  let re;
  try {
    if (pattern !== void 0) re = new RegExp(typeof pattern === "string" ? fromPython(pattern) : "(", "u");
  } catch (error) {
    throw new SchemaError(`pattern ${q(pattern)} at ${ptr} is not supported: ${error.message}`);
  }
  const fmt = FORMATS.get(format);
  if (format !== void 0 && !fmt) throw new SchemaError(`unsupported format ${q(format)} at ${ptr}`);
  if (encoding !== void 0 && encoding !== "base64") {
    throw new SchemaError(`unsupported contentEncoding ${q(encoding)} at ${ptr}`);
  }
  if (minL === 0 && maxL === Infinity && !re && !fmt && encoding === void 0) {
    return miss && ((v) => typeof v === "string" ? null : miss(v));
  }
  return (v) => {
    if (typeof v !== "string") return miss && miss(v);
    if (v.length > maxL || v.length < 2 * minL) {
      const n = [...v].length;
      const want = n < minL ? `>= ${minL}` : `<= ${maxL}`;
      if (n < minL || n > maxL) return fail(`expected string of length ${want}, got length ${n}`);
    }
    if (re && !re.test(v)) return fail(`expected string matching ${q(pattern)}, got ${show(v)}`);
    if (fmt && !fmt[0](v)) return fail(`expected ${fmt[1]}, got ${show(v)}`);
    return encoding === void 0 || BASE64.test(v) ? null : fail(`expected base64 string, got ${show(v)}`);
  };
}

// frontend/src/typed/validate-unions.ts
function typesOf(c, s, seen) {
  if (!isPlain(s)) return s === false ? /* @__PURE__ */ new Set() : null;
  const target = own(s, "$ref");
  if (typeof target === "string" && target.startsWith("#/$defs/") && !seen.has(target)) {
    return typesOf(c, own(c.defs, defName(target)), seen.add(target));
  }
  const type = own(s, "type");
  if (type !== void 0) return new Set(Array.isArray(type) ? type.map(String) : [String(type)]);
  const list = own(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : void 0);
  if (Array.isArray(list)) return new Set(list.map((x) => x === null ? "null" : typeof x));
  const branches = own(s, "anyOf") ?? own(s, "oneOf");
  if (!Array.isArray(branches)) return null;
  const each = branches.map((b) => typesOf(c, b, new Set(seen)));
  return each.some((t) => t === null) ? null : new Set(each.flatMap((t) => [...t ?? []]));
}
function union(c, s, key, ptr) {
  const list = s[key];
  if (!Array.isArray(list) || list.length === 0) {
    throw new SchemaError(`${key} at ${ptr} must be a non-empty array`);
  }
  if (hasOwn(s, "discriminator")) return discriminated(c, s.discriminator, list, `${ptr}/discriminator`);
  const fns = list.map((b, i) => c.node(b, `${ptr}/${key}/${i}`));
  const types = list.map((b) => typesOf(c, b, /* @__PURE__ */ new Set()));
  const want = [...new Set(types.flatMap((t) => [...t ?? []]))].join(" or ");
  const byKind = /* @__PURE__ */ new Map();
  for (const kind of ["null", "boolean", "number", "string", "array", "object", "other"]) {
    const fits = (t) => t === kind || t === "integer" && kind === "number";
    byKind.set(kind, fns.filter((_, i) => [...types[i] ?? [kind]].some(fits)));
  }
  return (v) => {
    const candidates = byKind.get(kindOf(v));
    if (candidates.length === 1) return candidates[0](v);
    if (candidates.length === 0) return fail(`expected ${want}, got ${show(v)}`);
    let best = null;
    let matched = -1;
    for (let i = 0; i < candidates.length; i++) {
      const f = candidates[i](v);
      if (f === null && key === "anyOf") return null;
      if (f === null && matched >= 0) return fail("value matches more than one alternative of oneOf");
      if (f === null) matched = i;
      else if (best === null || f.segs.length > best.segs.length) best = f;
    }
    return matched >= 0 ? null : best;
  };
}
function discriminated(c, d, list, ptr) {
  const prop = isPlain(d) ? own(d, "propertyName") : void 0;
  const mapping = isPlain(d) ? own(d, "mapping") : void 0;
  if (typeof prop !== "string" || !isPlain(mapping)) {
    throw new SchemaError(`discriminator at ${ptr} needs a string "propertyName" and a "mapping" object`);
  }
  const targets = Object.values(mapping);
  if (!list.every((b) => isPlain(b) && Object.keys(b).length === 1 && targets.includes(own(b, "$ref")))) {
    throw new SchemaError(`discriminator at ${ptr}: each branch must be a lone "$ref" named in the mapping`);
  }
  const tags = Object.keys(mapping);
  const fns = tags.map((tag) => c.ref(mapping[tag], `${ptr}/mapping/${esc(tag)}`));
  const names = tags.join(", ");
  return (v) => {
    if (typeof v === "object" && v !== null && !Array.isArray(v) && prop in v) {
      const plain = Object.getPrototypeOf(v) === Object.prototype && !(prop in Object.prototype);
      if (plain || hasOwn(v, prop)) {
        const tag = v[prop];
        const text = typeof tag === "number" ? String(tag) : tag;
        for (let i = 0; i < tags.length; i++) if (tags[i] === text) return fns[i](v);
        return at(fail(`unknown ${prop} ${show(tag)}; expected one of ${names}`), prop);
      }
    }
    if (!isPlain(v)) return fail(`expected object, got ${show(v)}`);
    return fail(`missing required field ${q(prop)}; expected one of ${names}`);
  };
}

// frontend/src/typed/validate.ts
var states = /* @__PURE__ */ new WeakMap();
function compile(schema, bundle) {
  const defs = isPlain(bundle) ? own(bundle, "$defs") : void 0;
  if (!isPlain(defs)) throw new SchemaError("the bundle's $defs must be an object");
  let state = states.get(bundle);
  if (state === void 0 || state.defs !== defs) {
    const st = {
      defs,
      done: /* @__PURE__ */ new Map(),
      pending: /* @__PURE__ */ new Map(),
      node: (s, ptr) => node(st, s, ptr),
      ref: (target, ptr) => ref(st, target, ptr)
    };
    state = st;
    states.set(bundle, state);
  }
  const fn = node(state, schema, "#");
  return (value) => {
    let f;
    try {
      f = fn(value);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      f = fail("value is nested too deeply to validate");
    }
    return f === null ? null : { path: formatPath(f.segs), message: f.message };
  };
}
function formatPath(segs) {
  let path = "$";
  for (const k of segs.reverse()) {
    path += typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${q(k)}]`;
  }
  return path;
}
function node(st, s, ptr) {
  if (typeof s === "boolean") return s ? ok : () => fail("no value is allowed here");
  if (!isPlain(s)) throw new SchemaError(`schema at ${ptr} must be an object or a boolean`);
  const keys = Object.keys(s);
  const unknown = keys.find((k) => !KEYWORDS.has(k) && !ANNOTATIONS.has(k) && !k.startsWith("x-"));
  if (unknown !== void 0) throw new SchemaError(`unsupported keyword ${q(unknown)} at ${ptr}`);
  if (hasOwn(s, "$ref")) {
    const other = keys.find((k) => k !== "$ref" && KEYWORDS.has(k));
    if (other !== void 0) throw new SchemaError(`"$ref" next to ${q(other)} at ${ptr} is not supported`);
    return ref(st, s.$ref, `${ptr}/$ref`);
  }
  if (hasOwn(s, "discriminator") && hasOwn(s, "anyOf") === hasOwn(s, "oneOf")) {
    throw new SchemaError(`"discriminator" at ${ptr} needs exactly one of "anyOf" or "oneOf"`);
  }
  const parts = [typeChecks(st, s, ptr)];
  if (hasOwn(s, "enum")) parts.push(values(s.enum, `${ptr}/enum`));
  if (hasOwn(s, "const")) parts.push(values([s.const], `${ptr}/const`));
  for (const key of ["anyOf", "oneOf"]) if (hasOwn(s, key)) parts.push(union(st, s, key, ptr));
  const fns = parts.filter((p) => p !== null);
  if (fns.length <= 1) return fns[0] ?? ok;
  return (v) => {
    for (const fn of fns) {
      const f = fn(v);
      if (f !== null) return f;
    }
    return null;
  };
}
function ref(st, target, ptr) {
  if (typeof target !== "string" || !target.startsWith("#/$defs/")) {
    throw new SchemaError(`unsupported $ref ${q(target)} at ${ptr}: only "#/$defs/<name>" is supported`);
  }
  const name = defName(target);
  const pending = st.pending.get(name);
  if (pending !== void 0) return (v) => pending.fn(v);
  let fn = st.done.get(name);
  if (fn !== void 0) return fn;
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
function typeChecks(st, s, ptr) {
  const type = own(s, "type");
  const types = type === void 0 ? null : Array.isArray(type) ? type : [type];
  const all = ["null", "boolean", "integer", "number", "string", "array", "object"];
  const bad = types?.find((t) => !all.includes(t));
  if (bad !== void 0) throw new SchemaError(`unknown type ${q(bad)} at ${ptr}/type`);
  const has = (t) => types === null || types.includes(t);
  const miss = types && ((v) => fail(`expected ${types.join(" or ")}, got ${show(v)}`));
  const checks = {
    string: has("string") ? stringChecks(s, ptr, miss) : null,
    number: has("number") || has("integer") ? numberChecks(s, ptr, !has("number"), miss) : null,
    array: has("array") ? arrayChecks(st, s, ptr, miss) : null,
    object: has("object") ? objectChecks(st, s, ptr, miss) : null,
    boolean: miss && has("boolean") ? (v) => typeof v === "boolean" ? null : miss(v) : null,
    null: miss && has("null") ? (v) => v === null ? null : miss(v) : null
  };
  const fns = Object.values(checks).filter((f) => f !== null);
  if (fns.length <= 1) return fns[0] ?? null;
  return (v) => {
    const check = checks[kindOf(v)];
    return check ? check(v) : miss && miss(v);
  };
}

// frontend/src/typed/from-schema.ts
var built = /* @__PURE__ */ new WeakMap();
function typedFromSchema(tunnel, text) {
  const cached = built.get(tunnel);
  if (cached !== void 0 && cached.text === text) return cached.typed;
  const schema = JSON.parse(text);
  const bundle = { $defs: schema.$defs };
  const tagField = schema.toKernel.discriminator.propertyName;
  if (schema.toBrowser.discriminator.propertyName !== tagField) {
    throw new TypeError("IPyCallback: typed tunnels in plain JavaScript need one tag field");
  }
  const typed = new TypedTunnel(tunnel, {
    validateOutgoing: compile(schema.toKernel, bundle),
    validateIncoming: compile(schema.toBrowser, bundle),
    replies: schema.replies,
    incomingTags: Object.keys(schema.toBrowser.discriminator.mapping),
    tagField
  });
  built.set(tunnel, { text, typed });
  return typed;
}

// frontend/src/registry.ts
var TunnelRegistry = class {
  #tunnels = /* @__PURE__ */ new Map();
  #waiters = /* @__PURE__ */ new Map();
  constructor(version) {
    this.version = version;
  }
  get(tunnelId) {
    return this.#tunnels.get(tunnelId);
  }
  has(tunnelId) {
    return this.#tunnels.has(tunnelId);
  }
  ids() {
    return [...this.#tunnels.keys()];
  }
  /** Resolves with the tunnel once it exists; rejects after `timeoutMs` (10 s by default). */
  wait(tunnelId, options = {}) {
    const existing = this.#tunnels.get(tunnelId);
    if (existing !== void 0) return Promise.resolve(existing);
    const timeoutMs = options.timeoutMs ?? 1e4;
    return new Promise((resolve, reject) => {
      let waiters = this.#waiters.get(tunnelId);
      if (waiters === void 0) {
        waiters = /* @__PURE__ */ new Set();
        this.#waiters.set(tunnelId, waiters);
      }
      const waiter = (tunnel) => {
        clearTimeout(timer);
        resolve(tunnel);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `IPyCallback: no tunnel "${tunnelId}" appeared within ${timeoutMs} ms; create it in Python with SlowTunnelWidget(tunnel_id="${tunnelId}")`
          )
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  }
  /**
   * The typed API of a tunnel whose kernel side attached a TypedTunnel: messages are validated
   * against the JSON Schema the kernel shipped. Waits for both, up to `timeoutMs`.
   */
  async typed(tunnelId, options = {}) {
    const timeoutMs = options.timeoutMs ?? 1e4;
    const tunnel = await this.wait(tunnelId, { timeoutMs });
    return typedFromSchema(tunnel, await tunnel._whenTypedSchema(timeoutMs));
  }
  /** @internal The newest tunnel with an id replaces any older one. */
  _register(tunnel) {
    this.#tunnels.set(tunnel.tunnel_id, tunnel);
    const waiters = this.#waiters.get(tunnel.tunnel_id);
    this.#waiters.delete(tunnel.tunnel_id);
    for (const waiter of waiters ?? []) waiter(tunnel);
  }
  /** @internal Removes the tunnel unless a newer one already took its id. */
  _unregister(tunnel) {
    if (this.#tunnels.get(tunnel.tunnel_id) === tunnel) this.#tunnels.delete(tunnel.tunnel_id);
  }
};
function pageRegistry(host, version) {
  const current = host.IPyCallback;
  if (current instanceof Object && typeof current._register === "function") {
    return current;
  }
  const registry = new TunnelRegistry(version);
  host.IPyCallback = registry;
  return registry;
}

// frontend/src/delivery.ts
var Delivery = class {
  constructor(name, maxPending) {
    this.#queue = [];
    this.#head = 0;
    this.#handler = null;
    this.#draining = false;
    this.dropped = 0;
    this.handlerErrors = 0;
    if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
      throw new RangeError(`maxPending must be a positive integer, got ${maxPending}`);
    }
    this.#name = name;
    this.#maxPending = maxPending;
  }
  #name;
  #maxPending;
  #queue;
  #head;
  #handler;
  #draining;
  get pending() {
    return this.#queue.length - this.#head;
  }
  setHandler(handler) {
    this.#handler = handler;
    this.#drain();
  }
  deliver(entries) {
    for (const entry of entries) this.#queue.push(entry);
    const overflow = this.pending - this.#maxPending;
    if (this.#handler === null && overflow > 0) {
      this.#head += overflow;
      this.dropped += overflow;
      console.warn(
        `IPyCallback [${this.#name}]: no handler is attached and the queue is full (${this.#maxPending}); dropped the ${overflow} oldest message(s), ${this.dropped} in all. Call on_receive() sooner.`
      );
    }
    this.#drain();
  }
  #drain() {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#handler !== null && this.#head < this.#queue.length) {
        const [version, msg, kind] = this.#queue[this.#head];
        this.#head += 1;
        this.#invoke(this.#handler, version, msg, kind ?? 0 /* Message */);
      }
    } finally {
      this.#draining = false;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
    }
  }
  #invoke(handler, version, msg, kind) {
    try {
      handler(version, msg, kind);
    } catch (error) {
      this.handlerErrors += 1;
      console.error(
        `IPyCallback [${this.#name}]: the on_receive handler threw on message version ${version}; the tunnel keeps running.`,
        error
      );
    }
  }
};

// frontend/src/tunnel.ts
var TunnelClosedError = class extends Error {
  constructor() {
    super(...arguments);
    this.name = "TunnelClosedError";
  }
};
function describe(value) {
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  let text;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    text = "?";
  }
  return `${type}: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
function checkMsg(method, msg) {
  if (typeof msg !== "string") {
    throw new TypeError(`${method}() expects msg to be a string, got ${describe(msg)}`);
  }
}
function checkVersion(method, version) {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new TypeError(
      `${method}() expects version to be a non-negative integer, got ${describe(version)}`
    );
  }
}
function endpoint(value) {
  return Array.isArray(value) && Number.isSafeInteger(value[0]) && typeof value[1] === "string" ? [value[0], value[1]] : [0, ""];
}
var Tunnel = class {
  #model;
  #delivery;
  #sentVersion;
  #receivedVersion;
  #pyEndpoint;
  #jsEndpoint;
  #outbox = [];
  #flushQueued = false;
  #closed = false;
  #schemaWaiters = [];
  #sent = 0;
  #received = 0;
  #framesSent = 0;
  #framesReceived = 0;
  #badFrames = 0;
  constructor(tunnelId, model, options = {}) {
    this.tunnel_id = tunnelId;
    this.#model = model;
    this.#delivery = new Delivery(tunnelId, options.maxPending ?? 1e5);
    this.#pyEndpoint = endpoint(model.get("py_endpoint"));
    this.#jsEndpoint = endpoint(model.get("js_endpoint"));
    this.#sentVersion = this.#pyEndpoint[0];
    this.#receivedVersion = this.#jsEndpoint[0];
    model.on("msg:custom", (content) => this._receive(content));
    model.on("change:_typed_schema", () => {
      for (const notify of this.#schemaWaiters.splice(0)) notify();
    });
  }
  /** @internal The message set's JSON Schema, set by a TypedTunnel in the kernel ("" if none). */
  get _typedSchema() {
    const value = this.#model.get("_typed_schema");
    return typeof value === "string" ? value : "";
  }
  /** @internal Resolves with the typed schema once the kernel has attached one. */
  _whenTypedSchema(timeoutMs) {
    if (this._typedSchema !== "") return Promise.resolve(this._typedSchema);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(
          new Error(
            `IPyCallback: tunnel "${this.tunnel_id}" has no typed messages after ${timeoutMs} ms; attach a TypedTunnel to it in Python`
          )
        ),
        timeoutMs
      );
      this.#schemaWaiters.push(() => {
        clearTimeout(timer);
        resolve(this._typedSchema);
      });
    });
  }
  /** Sends `msg` to the kernel; returns its version (the previous version + 1). */
  send_msg(msg) {
    checkMsg("send_msg", msg);
    this.#checkOpen();
    const version = this.#sentVersion + 1;
    this.#enqueue(version, msg);
    return version;
  }
  /** Sends a reply tagged with its request's version; false when it is stale and dropped. */
  send_msg_with_version(version, msg) {
    checkVersion("send_msg_with_version", version);
    checkMsg("send_msg_with_version", msg);
    this.#checkOpen();
    if (version < this.#receivedVersion) return false;
    this.#enqueue(version, msg);
    return true;
  }
  /** Replaces the handler; messages that waited for one are delivered now, in order. */
  on_receive(handler) {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(
        `on_receive() expects a function (version, msg) => void, got ${typeof handler}`
      );
    }
    this._onReceiveKind(handler === null ? null : (version, msg) => handler(version, msg));
  }
  /** @internal Like on_receive, for the typed layer, which also needs each message's kind. */
  _onReceiveKind(handler) {
    this.#delivery.setHandler(handler);
  }
  /** @internal The typed layer's way to send replies and errors; same rules as send_msg*. */
  _sendKind(version, msg, kind, dropStale) {
    this.#checkOpen();
    if (dropStale && version < this.#receivedVersion) return false;
    this.#enqueue(version, msg, kind);
    return true;
  }
  /** Sends queued messages now rather than at the end of the current task. */
  flush() {
    this.#flushQueued = false;
    if (this.#outbox.length === 0 || this.#closed) return;
    const frames = packFrames(this.#outbox);
    this.#outbox = [];
    for (const frame of frames) this.#model.send(frame);
    this.#framesSent += frames.length;
  }
  get py_endpoint() {
    return [...this.#pyEndpoint];
  }
  get js_endpoint() {
    return [...this.#jsEndpoint];
  }
  get closed() {
    return this.#closed;
  }
  get stats() {
    return {
      sent: this.#sent,
      received: this.#received,
      framesSent: this.#framesSent,
      framesReceived: this.#framesReceived,
      pendingIn: this.#delivery.pending,
      dropped: this.#delivery.dropped,
      handlerErrors: this.#delivery.handlerErrors,
      badFrames: this.#badFrames
    };
  }
  /** @internal Reads one custom message from the kernel. */
  _receive(content) {
    const { entries, problems } = readFrame(content);
    this.#framesReceived += 1;
    if (problems.length > 0) {
      this.#badFrames += problems.length;
      console.error(`IPyCallback [${this.tunnel_id}]: ignored a malformed frame:`, problems);
    }
    if (entries.length === 0) return;
    for (const [version] of entries) {
      if (version > this.#receivedVersion) this.#receivedVersion = version;
    }
    this.#received += entries.length;
    const [lastVersion, lastMsg] = entries[entries.length - 1];
    this.#jsEndpoint = [lastVersion, lastMsg];
    this.#delivery.deliver(entries);
  }
  /** @internal Called when the kernel closes the widget or the model goes away. */
  _close() {
    this.#closed = true;
    this.#outbox = [];
  }
  #enqueue(version, msg, kind = 0 /* Message */) {
    if (version > this.#sentVersion) this.#sentVersion = version;
    this.#pyEndpoint = [version, msg];
    this.#outbox.push(kind === 0 /* Message */ ? [version, msg] : [version, msg, kind]);
    this.#sent += 1;
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }
  #checkOpen() {
    if (this.#closed) {
      throw new TunnelClosedError(
        `IPyCallback: tunnel "${this.tunnel_id}" is closed; look it up again with window.IPyCallback.get() after re-creating it in Python`
      );
    }
  }
};

// frontend/src/index.ts
var VERSION = "0.2.0";
function initialize({ model, signal }) {
  const host = globalThis;
  const fresh = host.IPyCallback === void 0;
  const registry = pageRegistry(host, VERSION);
  const tunnel = new Tunnel(String(model.get("tunnel_id")), model);
  registry._register(tunnel);
  if (fresh) globalThis.dispatchEvent?.(new Event("ipycallback:ready"));
  const cleanup = () => {
    tunnel._close();
    registry._unregister(tunnel);
  };
  signal?.addEventListener("abort", cleanup);
  return cleanup;
}
function render({ el }) {
  el.style.display = "none";
}
var index_default = { initialize, render };
export {
  MessageValidationError,
  RequestTimeoutError,
  SupersededError,
  Tunnel,
  TunnelClosedError,
  TunnelError,
  TunnelRegistry,
  TypedTunnel,
  VERSION,
  compile,
  index_default as default
};
