// ipycallback 1.0.0: built from frontend/src by esbuild; do not edit.

// frontend/src/compat.ts
var VERSION = "1.0.0";
var API_LEVEL = 2;
var OLDEST_API_LEVEL = 1;

// frontend/src/tunnel/ready-queue.ts
function isAdopted(value) {
  return value instanceof Object && value.adopted === true;
}
function adoptReadyQueue(host, api, report = (error, text) => console.error(`IPyCallback: ${text}`, error)) {
  const queued = host.IPyCallbackReady;
  if (isAdopted(queued)) return;
  const run = (callback) => {
    if (typeof callback !== "function") {
      report(new TypeError(`got ${typeof callback}`), "IPyCallbackReady.push() expects functions;");
      return;
    }
    try {
      const result = callback(api);
      if (result instanceof Promise) {
        result.catch((error) => report(error, "an IPyCallbackReady callback failed:"));
      }
    } catch (error) {
      report(error, "an IPyCallbackReady callback failed:");
    }
  };
  let ran = 0;
  const adopted = {
    adopted: true,
    push(...callbacks) {
      for (const callback of callbacks) run(callback);
      ran += callbacks.length;
      return ran;
    }
  };
  host.IPyCallbackReady = adopted;
  if (Array.isArray(queued)) adopted.push(...queued);
}

// frontend/src/tunnel/checks.ts
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
function checkVersion(method, version) {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new TypeError(
      `${method}() expects version to be a non-negative integer, got ${describe(version)}`
    );
  }
}
function loneSurrogateIndex(text) {
  const isWellFormed = text.isWellFormed;
  if (typeof isWellFormed === "function" && isWellFormed.call(text)) return -1;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 55296 || unit > 57343) continue;
    const next = text.charCodeAt(index + 1);
    if (unit <= 56319 && next >= 56320 && next <= 57343) {
      index += 1;
      continue;
    }
    return index;
  }
  return -1;
}
function checkMsg(method, msg) {
  if (typeof msg !== "string") {
    throw new TypeError(`${method}() expects msg to be a string, got ${describe(msg)}`);
  }
  const index = loneSurrogateIndex(msg);
  if (index >= 0) {
    const unit = msg.charCodeAt(index).toString(16).toUpperCase();
    throw new RangeError(
      `${method}() refuses msg: it has a lone surrogate (U+${unit}) at index ${index}, which cannot be encoded as UTF-8; the kernel would reject it`
    );
  }
}
function wellFormed(text) {
  const toWellFormed = text.toWellFormed;
  if (typeof toWellFormed === "function") return toWellFormed.call(text);
  let out = text;
  for (let index = loneSurrogateIndex(out); index >= 0; index = loneSurrogateIndex(out)) {
    out = `${out.slice(0, index)}\uFFFD${out.slice(index + 1)}`;
  }
  return out;
}
var MAX_TIMEOUT_MS = 2 ** 31 - 1;
function checkTimeout(method, timeoutMs) {
  if (timeoutMs === void 0) return;
  if (typeof timeoutMs !== "number" || !(timeoutMs >= 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new TypeError(
      `${method}() expects timeoutMs to be a number of milliseconds from 0 to 2**31 - 1, got ${describe(timeoutMs)}`
    );
  }
}

// frontend/src/tunnel/clock.ts
function realNow() {
  return globalThis.performance?.now() ?? Date.now();
}
function realSetTimeout(callback, ms) {
  const handle = globalThis.setTimeout(callback, ms);
  handle.unref?.();
  return handle;
}
function realClearTimeout(handle) {
  globalThis.clearTimeout(handle);
}
var realClock = {
  now: realNow,
  setTimeout: realSetTimeout,
  clearTimeout: realClearTimeout
};
function clockFrom(options = {}) {
  return {
    now: options.now ?? realNow,
    setTimeout: options.setTimeout ?? realSetTimeout,
    clearTimeout: options.clearTimeout ?? realClearTimeout
  };
}
var Timer = class {
  #clock;
  #callback;
  #handle = null;
  constructor(clock2, callback) {
    this.#clock = clock2;
    this.#callback = callback;
  }
  get armed() {
    return this.#handle !== null;
  }
  arm(ms) {
    this.cancel();
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = null;
      this.#callback();
    }, ms);
  }
  /** Arms the timer unless it is already pending (keeps the earlier deadline). */
  ensure(ms) {
    if (this.#handle === null) this.arm(ms);
  }
  cancel() {
    if (this.#handle !== null) this.#clock.clearTimeout(this.#handle);
    this.#handle = null;
  }
};

// frontend/src/tunnel/registry.ts
var TunnelRegistry = class {
  constructor(version, clock2 = realClock) {
    /** The API levels its tunnels serve, which a bundled copy of the npm package checks. */
    this.apiLevel = API_LEVEL;
    this.oldestApiLevel = OLDEST_API_LEVEL;
    this.#tunnels = /* @__PURE__ */ new Map();
    this.#waiters = /* @__PURE__ */ new Map();
    this.version = version;
    this.#clock = clock2;
  }
  #clock;
  #tunnels;
  #waiters;
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
    try {
      checkTimeout("wait", options.timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
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
        this.#clock.clearTimeout(timer);
        resolve(tunnel);
      };
      const timer = this.#clock.setTimeout(() => {
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

// frontend/src/tunnel/closed-errors.ts
var TunnelClosedError = class extends Error {
  constructor() {
    super(...arguments);
    this.name = "TunnelClosedError";
  }
};
var KernelRestartedError = class extends TunnelClosedError {
  constructor() {
    super(...arguments);
    this.name = "KernelRestartedError";
  }
};

// frontend/src/tunnel/rate-limited-reporter.ts
function describeError(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return "(an unprintable value)";
  }
}
var RateLimitedReporter = class {
  #prefix;
  #fullReports;
  #intervalMs;
  #log;
  #timer;
  #total = 0;
  #suppressed = 0;
  #latest = "";
  constructor(prefix, clock2, options = {}) {
    this.#prefix = prefix;
    this.#fullReports = options.fullReports ?? 3;
    this.#intervalMs = options.intervalMs ?? 5e3;
    this.#log = options.log ?? ((...args) => console.error(...args));
    this.#timer = new Timer(clock2, () => this.#summarise());
  }
  /** Every report so far, printed or not. */
  get total() {
    return this.#total;
  }
  /** `what` says what happened; `detail` (an error, a list of problems) is printed with it. */
  report(what, detail) {
    this.#total += 1;
    if (this.#total <= this.#fullReports) {
      const last = this.#total === this.#fullReports;
      const line = `${this.#prefix}: ${what}${last ? ` (more like this are summarised every ${this.#intervalMs / 1e3} s)` : ""}`;
      if (detail === void 0) this.#log(line);
      else this.#log(line, detail);
      return;
    }
    this.#suppressed += 1;
    this.#latest = detail === void 0 ? what : `${what} ${describeError(detail)}`;
    this.#timer.ensure(this.#intervalMs);
  }
  #summarise() {
    if (this.#suppressed === 0) return;
    this.#log(
      `${this.#prefix}: ${this.#suppressed} more in the last ${this.#intervalMs / 1e3} s (${this.#total} in all); the latest: ${this.#latest}`
    );
    this.#suppressed = 0;
  }
};

// frontend/src/tunnel/wire.ts
var PROTOCOL_VERSION = 2;
var MAX_FRAME_UNITS = 512 * 1024;
var ENTRY_OVERHEAD_UNITS = 8;
var MAX_PEER_ID_LENGTH = 64;
function makeEntry(version, msg, kind) {
  return kind === 0 /* Message */ ? [version, msg] : [version, msg, kind];
}
function cutAt(text, start, end) {
  if (end >= text.length) return text.length;
  const unit = text.charCodeAt(end - 1);
  if (unit < 55296 || unit > 56319) return end;
  return end - 1 > start ? end - 1 : end + 1;
}
function splitText(text, maxUnits) {
  const pieces = [];
  for (let start = 0; start < text.length; ) {
    const end = cutAt(text, start, start + Math.max(1, maxUnits));
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
function packFrames(first, entries, maxUnits = MAX_FRAME_UNITS) {
  const frames = [];
  let batch = [];
  let batchSeq = first;
  let units = 0;
  const closeBatch = () => {
    if (batch.length > 0) frames.push({ s: batchSeq, b: batch });
    batch = [];
    units = 0;
  };
  entries.forEach((entry, index) => {
    const seq = first + index;
    const [version, msg, kind] = entry;
    if (msg.length > maxUnits) {
      closeBatch();
      const pieces = splitText(msg, maxUnits);
      pieces.forEach((piece, pieceIndex) => {
        const b = [kind === void 0 ? [version, piece] : [version, piece, kind]];
        frames.push({ s: seq, k: [pieceIndex, pieces.length], b });
      });
      return;
    }
    const cost = msg.length + ENTRY_OVERHEAD_UNITS;
    if (units + cost > maxUnits) closeBatch();
    if (batch.length === 0) batchSeq = seq;
    batch.push(entry);
    units += cost;
  });
  closeBatch();
  return frames;
}
function viewFrame(peer, control, data) {
  const frame = { p: peer };
  if (data !== void 0) {
    frame.s = data.s;
    if (data.k !== void 0) frame.k = data.k;
    frame.b = data.b;
  }
  if (control.a !== void 0) frame.a = control.a;
  if (control.h !== void 0) frame.h = control.h;
  if (control.w !== void 0) frame.w = control.w;
  if (control.n !== void 0) frame.n = control.n;
  if (control.g !== void 0) frame.g = control.g;
  if (control.x !== void 0) frame.x = control.x;
  return frame;
}
function helloOf(firstSeen, lastSent, caps) {
  return { v: PROTOCOL_VERSION, f: firstSeen, w: lastSent, caps };
}

// frontend/src/tunnel/delivery.ts
var SLICE_MS = 8;
function defaultYieldTask() {
  if (typeof MessageChannel !== "function") return (task) => void setTimeout(task, 0);
  let port = null;
  let sender = null;
  const tasks = [];
  return (task) => {
    if (port === null || sender === null) {
      const channel = new MessageChannel();
      const receiver = channel.port1;
      receiver.onmessage = () => {
        const next = tasks.shift();
        if (tasks.length === 0) receiver.unref?.();
        next?.();
      };
      port = receiver;
      sender = channel.port2;
    }
    tasks.push(task);
    port.ref?.();
    sender.postMessage(null);
  };
}
var Delivery = class {
  constructor(name, options) {
    this.#queue = [];
    this.#head = 0;
    this.#handler = null;
    this.#draining = false;
    this.#yielded = false;
    this.dropped = 0;
    this.handlerErrors = 0;
    const { maxPending } = options;
    if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
      throw new RangeError(`maxPending must be a positive integer, got ${maxPending}`);
    }
    this.#maxPending = maxPending;
    this.#clock = options.clock;
    this.#yieldTask = options.yieldTask ?? defaultYieldTask();
    this.#sliceMs = options.sliceMs ?? SLICE_MS;
    this.#errors = new RateLimitedReporter(`IPyCallback [${name}]`, options.clock);
    this.#overflow = new RateLimitedReporter(`IPyCallback [${name}]`, options.clock, {
      log: (...args) => console.warn(...args)
    });
  }
  #maxPending;
  #clock;
  #yieldTask;
  #sliceMs;
  #errors;
  #overflow;
  #queue;
  #head;
  #handler;
  #draining;
  #yielded;
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
      this.#overflow.report(
        `no handler is attached and the queue is full (${this.#maxPending}); dropped the ${overflow} oldest message(s), ${this.dropped} in all. Call on_receive() sooner.`
      );
    }
    this.#drain();
  }
  #drain() {
    if (this.#draining || this.#yielded) return;
    this.#draining = true;
    const deadline = this.#clock.now() + this.#sliceMs;
    try {
      while (this.#handler !== null && this.#head < this.#queue.length) {
        if (this.#clock.now() >= deadline) {
          this.#yield();
          break;
        }
        const [version, msg, kind] = this.#queue[this.#head];
        this.#head += 1;
        this.#invoke(this.#handler, version, msg, kind);
      }
    } finally {
      this.#draining = false;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      } else if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    }
  }
  #yield() {
    this.#yielded = true;
    this.#yieldTask(() => {
      this.#yielded = false;
      this.#drain();
    });
  }
  #invoke(handler, version, msg, kind) {
    try {
      handler(version, msg, kind);
    } catch (error) {
      this.handlerErrors += 1;
      const what = kind === 0 /* Message */ ? "the on_receive handler" : "the typed layer's handler";
      this.#errors.report(
        `${what} threw on message version ${version}; the tunnel keeps running.`,
        error
      );
    }
  }
};

// frontend/src/tunnel/kernel-link.ts
var GONE_STATUSES = /* @__PURE__ */ new Set(["restarting", "autorestarting", "dead"]);
function member(object, key) {
  try {
    return object[key];
  } catch {
    return void 0;
  }
}
function asSignal(value) {
  return typeof value === "object" && value !== null && typeof value.connect === "function" && typeof value.disconnect === "function" ? value : null;
}
function kernelOf(model) {
  const manager = member(model, "widget_manager");
  if (typeof manager !== "object" || manager === null) return null;
  const kernel = member(manager, "kernel");
  return typeof kernel === "object" && kernel !== null ? kernel : null;
}
function linkUp(kernel) {
  if (kernel === null) return true;
  const status = member(kernel, "connectionStatus");
  return typeof status !== "string" || status === "connected";
}
function capsOf(kernel) {
  const caps = { subshells: null };
  if (kernel === null) return caps;
  const subshells = member(kernel, "commsOverSubshells");
  if (typeof subshells === "string") caps.subshells = subshells;
  const supports = member(kernel, "supportsSubshells");
  if (typeof supports === "boolean") caps.supportsSubshells = supports;
  return caps;
}
function watchKernel(kernel, events) {
  const initial = member(kernel, "connectionStatus");
  let connected = initial === void 0 || initial === "connected";
  const onStatus = (_sender, status) => {
    if (typeof status === "string" && GONE_STATUSES.has(status)) events.onGone(status);
  };
  const onConnection = (_sender, status) => {
    if (status !== "connected") {
      connected = false;
    } else if (!connected) {
      connected = true;
      events.onReconnect();
    }
  };
  const onIopub = (_sender, msg) => {
    const header = typeof msg === "object" && msg !== null ? member(msg, "header") : void 0;
    const type = typeof header === "object" && header !== null ? member(header, "msg_type") : void 0;
    if (type === "shutdown_reply") {
      events.onGone("restarting");
    } else if (type === "status") {
      const content = member(msg, "content");
      if (typeof content === "object" && content !== null && member(content, "execution_state") === "starting") {
        events.onGone("restarting");
      }
    }
  };
  const onDisposed = () => events.onGone("disposed");
  const links = [];
  for (const [name, slot] of [
    ["statusChanged", onStatus],
    ["connectionStatusChanged", onConnection],
    ["disposed", onDisposed],
    ["iopubMessage", onIopub]
  ]) {
    const signal = asSignal(member(kernel, name));
    if (signal !== null && signal.connect(slot) !== false) links.push([signal, slot]);
  }
  return () => {
    for (const [signal, slot] of links.splice(0)) signal.disconnect(slot);
  };
}
var REPORTS = /* @__PURE__ */ Symbol.for("ipycallback.kernelGoneReports");
var MAX_NAMED = 10;
function pendingReports() {
  const host = globalThis;
  const current = host[REPORTS];
  if (current instanceof WeakMap) return current;
  const reports = /* @__PURE__ */ new WeakMap();
  host[REPORTS] = reports;
  return reports;
}
function reportKernelGone(kernel, tunnelId, reason) {
  const reports = pendingReports();
  const existing = reports.get(kernel);
  if (existing !== void 0) {
    existing.ids.push(tunnelId);
    return;
  }
  const report = { reason, ids: [tunnelId] };
  reports.set(kernel, report);
  queueMicrotask(() => {
    reports.delete(kernel);
    const named = report.ids.slice(0, MAX_NAMED).map((id) => JSON.stringify(id)).join(", ");
    const more = report.ids.length > MAX_NAMED ? ` and ${report.ids.length - MAX_NAMED} more` : "";
    const what = report.reason === "disposed" ? "connection was closed" : `is ${report.reason}`;
    console.warn(
      `IPyCallback: the kernel ${what}; closed ${report.ids.length} tunnel(s): ${named}${more}. Run the cells that create them again: window.IPyCallback.wait(id) resolves with the new tunnel.`
    );
  });
}

// frontend/src/tunnel/page-lifecycle.ts
function watchPage(events) {
  const host = globalThis;
  if (typeof host.addEventListener !== "function" || typeof host.removeEventListener !== "function") {
    return () => {
    };
  }
  const onHide = () => events.onHide();
  const onShow = (event) => {
    if (event.persisted === true) events.onRestore();
  };
  host.addEventListener("pagehide", onHide);
  host.addEventListener("pageshow", onShow);
  return () => {
    host.removeEventListener("pagehide", onHide);
    host.removeEventListener("pageshow", onShow);
  };
}

// frontend/src/tunnel/stream/peer-id.ts
var ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
var PEER_ID_LENGTH = 12;
function randomPeerId() {
  const bytes = new Uint8Array(PEER_ID_LENGTH);
  globalThis.crypto.getRandomValues(bytes);
  let id = "";
  while (id.length < PEER_ID_LENGTH) {
    for (const byte of bytes) {
      if (byte < 252 && id.length < PEER_ID_LENGTH) id += ALPHABET[byte % 36];
    }
    globalThis.crypto.getRandomValues(bytes);
  }
  return id;
}

// frontend/src/tunnel/wire-read.ts
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function own(object, key) {
  return Object.hasOwn(object, key) ? object[key] : void 0;
}
function isCount(value, low = 0) {
  return Number.isSafeInteger(value) && value >= low;
}
function isKind(value) {
  return value === 0 /* Message */ || value === 1 /* Reply */ || value === 2 /* Error */ || value === 3 /* Cancel */;
}
function isPeerId(value) {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_PEER_ID_LENGTH;
}
function short(value) {
  let text;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = "?";
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
function readEntry(value) {
  if (!Array.isArray(value) || !isCount(value[0]) || typeof value[1] !== "string") return null;
  if (value.length === 2) return [value[0], value[1]];
  if (value.length === 3 && isKind(value[2])) return [value[0], value[1], value[2]];
  return null;
}
function readKernelEntry(value) {
  if (Array.isArray(value) && value.length === 4) {
    const head = readEntry(value.slice(0, 3));
    return head !== null && isPeerId(value[3]) ? [head[0], head[1], head[2] ?? 0 /* Message */, value[3]] : null;
  }
  const entry = readEntry(value);
  return entry === null ? null : [entry[0], entry[1], entry[2] ?? 0 /* Message */, null];
}
function readData(frame, readItem, problems) {
  const seq = own(frame, "s");
  const batch = own(frame, "b");
  if (batch === void 0) return null;
  if (!isCount(seq, 1) || !Array.isArray(batch) || batch.length === 0) {
    problems.push(`data needs a seq s >= 1 and a non-empty list b; got s=${short(seq)}`);
    return null;
  }
  const entries = batch.map((item, index) => {
    const entry = readItem(item);
    if (entry === null)
      problems.push(`entry ${index} (seq ${seq + index}) is malformed: ${short(item)}`);
    return entry;
  });
  return { seq, entries };
}
var KERNEL_FIELDS = ["s", "b", "a", "h", "n", "t", "g"];
function forPeer(frame, key, peer, problems) {
  const map = own(frame, key);
  if (map === void 0) return void 0;
  if (!isObject(map)) {
    problems.push(`field ${key} is not a map of peer ids: ${short(map)}`);
    return void 0;
  }
  return own(map, peer);
}
function readCountFor(frame, key, peer, low, problems) {
  const value = forPeer(frame, key, peer, problems);
  if (value === void 0) return null;
  if (isCount(value, low)) return value;
  problems.push(`field ${key} holds no seq >= ${low} for this view: ${short(value)}`);
  return null;
}
function readRange(value, what, problems) {
  if (value === void 0) return null;
  if (Array.isArray(value) && value.length === 2 && isCount(value[0], 1) && isCount(value[1], 1) && value[0] <= value[1]) {
    return [value[0], value[1]];
  }
  problems.push(`${what} is not [from, to]: ${short(value)}`);
  return null;
}
function readKernelFrame(content, peer) {
  const read = {
    data: null,
    ack: null,
    base: null,
    nack: null,
    tail: null,
    gone: null,
    problems: []
  };
  if (!isObject(content) || !KERNEL_FIELDS.some((key) => Object.hasOwn(content, key))) {
    read.problems.push(`not a tunnel frame: ${short(content)}`);
    return read;
  }
  const problems = read.problems;
  if (own(content, "k") !== void 0) {
    problems.push(`kernel frames carry no pieces (k): ${short(own(content, "k"))}`);
  } else {
    read.data = readData(content, readKernelEntry, problems);
  }
  read.ack = readCountFor(content, "a", peer, 0, problems);
  read.base = readCountFor(content, "h", peer, 1, problems);
  read.nack = readCountFor(content, "n", peer, 1, problems);
  read.gone = readRange(forPeer(content, "g", peer, problems), "field g", problems);
  const tail = own(content, "t");
  if (tail !== void 0) {
    if (isCount(tail)) read.tail = tail;
    else problems.push(`field t is not a seq: ${short(tail)}`);
  }
  return read;
}

// frontend/src/tunnel/stream/incoming.ts
var ACK_DELAY_MS = 200;
var NACK_FIRST_MS = 200;
var NACK_REPEAT_MS = 2e3;
var IncomingStream = class {
  constructor(peer, clock2, hooks) {
    this.#base = null;
    this.#next = 1;
    // Entries not delivered yet, by seq; null marks a malformed entry that keeps its place.
    this.#held = /* @__PURE__ */ new Map();
    this.#gone = [];
    this.#firstSeen = null;
    this.#ackSent = 0;
    this.#lastNack = null;
    this.duplicates = 0;
    this.outOfOrder = 0;
    this.lost = 0;
    this.#peer = peer;
    this.#clock = clock2;
    this.#hooks = hooks;
    this.#ackTimer = new Timer(clock2, () => this.#sendAckIfDue());
    this.#gapTimer = new Timer(clock2, () => this.#onGapTimer());
  }
  #peer;
  #clock;
  #hooks;
  #ackTimer;
  #gapTimer;
  #base;
  #next;
  #held;
  #gone;
  #firstSeen;
  #ackSent;
  #lastNack;
  /** The lowest kernel seq this view has received (the hello's `f`). */
  get firstSeen() {
    return this.#firstSeen;
  }
  get hasBase() {
    return this.#base !== null;
  }
  /** Every kernel entry up to here has been received (the cumulative ack). */
  get receivedThrough() {
    return this.#next - 1;
  }
  /** Entries held: before the base is known, or ahead of a gap. */
  get held() {
    return this.#held.size;
  }
  /** The hello answer; only the first one counts (a reconnect does not move the base). */
  setBase(base) {
    if (this.#base !== null) return;
    this.#base = base;
    this.#next = base;
    for (const seq of this.#held.keys()) {
      if (seq < base) this.#held.delete(seq);
    }
    this.#drain();
  }
  /** Entries numbered from `seq`. */
  receive(seq, entries) {
    const fresh = [];
    entries.forEach((entry, index) => {
      const number = seq + index;
      if (this.#firstSeen === null || number < this.#firstSeen) this.#firstSeen = number;
      if (this.#base !== null && number < this.#next || this.#held.has(number)) {
        this.duplicates += 1;
        return;
      }
      this.#held.set(number, entry);
      fresh.push(number);
    });
    this.#drain();
    if (this.#base !== null && this.#held.size > 0) {
      for (const number of fresh) if (this.#held.has(number)) this.outOfOrder += 1;
    }
  }
  /** The kernel no longer has entries from..to for this view: skip them. */
  skip(from, to) {
    if (this.#base !== null && to < this.#next) return;
    this.#gone.push([from, to]);
    this.#drain();
  }
  /** The kernel's tail probe: it has sent up to `tail`. */
  tail(tail) {
    if (this.#base === null) return;
    if (this.receivedThrough >= tail) {
      this.#ackSent = this.receivedThrough;
      this.#ackTimer.cancel();
      this.#hooks.control({ a: this.receivedThrough });
    } else {
      this.#nack(this.#next);
    }
  }
  /** The ack to piggyback on an outgoing data frame, if one is due. */
  takeAck() {
    if (this.#base === null || this.receivedThrough <= this.#ackSent) return null;
    this.#ackSent = this.receivedThrough;
    this.#ackTimer.cancel();
    return this.#ackSent;
  }
  close() {
    this.#ackTimer.cancel();
    this.#gapTimer.cancel();
  }
  #drain() {
    if (this.#base === null) return;
    const ready = [];
    let lost = 0;
    let lostFrom = 0;
    let lostTo = 0;
    for (; ; ) {
      const next = this.#next;
      if (this.#held.has(next)) {
        const entry = this.#held.get(next);
        this.#held.delete(next);
        this.#next += 1;
        if (entry != null && (entry[3] === null || entry[3] === this.#peer)) ready.push(entry);
        continue;
      }
      const range = this.#gone.find(([from, to]) => from <= next && next <= to);
      if (range === void 0) break;
      let stop = range[1] + 1;
      for (const seq of this.#held.keys()) if (seq > next && seq < stop) stop = seq;
      if (lost === 0) lostFrom = next;
      lost += stop - next;
      lostTo = stop - 1;
      this.#next = stop;
    }
    this.#gone = this.#gone.filter(([, to]) => to >= this.#next);
    if (lost > 0) {
      this.lost += lost;
      this.#hooks.warn(
        `${lost} message(s) from the kernel were lost (seq ${lostFrom} to ${lostTo}): the kernel no longer kept them when this page asked again`
      );
    }
    if (this.receivedThrough > this.#ackSent) this.#ackTimer.ensure(ACK_DELAY_MS);
    if (this.#held.size > 0) this.#gapTimer.ensure(NACK_FIRST_MS);
    else this.#gapTimer.cancel();
    if (ready.length > 0) this.#hooks.deliver(ready);
  }
  #sendAckIfDue() {
    if (this.#base === null || this.receivedThrough <= this.#ackSent) return;
    this.#ackSent = this.receivedThrough;
    this.#hooks.control({ a: this.#ackSent });
  }
  #onGapTimer() {
    if (this.#base === null || this.#held.size === 0) return;
    this.#nack(this.#next);
    this.#gapTimer.arm(NACK_REPEAT_MS);
  }
  #nack(seq) {
    const now = this.#clock.now();
    const last = this.#lastNack;
    if (last !== null && last.seq === seq && now - last.at < NACK_REPEAT_MS) return;
    this.#lastNack = { seq, at: now };
    this.#hooks.control({ n: seq });
  }
};

// frontend/src/tunnel/stream/outgoing.ts
var MAX_KEPT_UNITS = 64 * 1024 * 1024;
var MAX_KEPT_ENTRIES = 1e5;
var PROBE_FIRST_MS = 2e3;
var PROBE_MAX_MS = 3e4;
var OutgoingStream = class {
  constructor(clock2, sendProbe, limits = {}) {
    // Kept entries are #kept[#head..], numbered from #firstKept; the array is compacted lazily.
    this.#kept = [];
    this.#head = 0;
    this.#firstKept = 1;
    this.#keptUnits = 0;
    this.#lastSeq = 0;
    this.#sentThrough = 0;
    this.#acked = 0;
    this.#resend = null;
    // The `w` of a probe or hello not answered yet: an ack below it shows entries missing.
    this.#queryUpTo = null;
    this.#probeDelay = PROBE_FIRST_MS;
    this.resent = 0;
    this.evicted = 0;
    this.#maxKeptUnits = limits.maxKeptUnits ?? MAX_KEPT_UNITS;
    this.#maxKeptEntries = limits.maxKeptEntries ?? MAX_KEPT_ENTRIES;
    this.#maxFrameUnits = limits.maxFrameUnits ?? MAX_FRAME_UNITS;
    this.#sendProbe = sendProbe;
    this.#probeTimer = new Timer(clock2, () => this.#probe());
  }
  #maxKeptUnits;
  #maxKeptEntries;
  #maxFrameUnits;
  #probeTimer;
  #sendProbe;
  #kept;
  #head;
  #firstKept;
  #keptUnits;
  #lastSeq;
  #sentThrough;
  #acked;
  #resend;
  #queryUpTo;
  #probeDelay;
  /** The last seq transmitted at least once. */
  get sentThrough() {
    return this.#sentThrough;
  }
  get acked() {
    return this.#acked;
  }
  /** Entries kept: not acknowledged yet (sent or about to be). */
  get kept() {
    return this.#lastSeq - this.#firstKept + 1;
  }
  /** Whether take() has anything to send. */
  get hasWork() {
    return this.#resend !== null || this.#sentThrough < this.#lastSeq;
  }
  /** Numbers and keeps an entry; it leaves with the next take(). */
  push(entry) {
    this.#kept.push(entry);
    this.#keptUnits += entry[1].length;
    this.#lastSeq += 1;
    return this.#lastSeq;
  }
  /** A probe or hello saying "I have sent up to `upTo`" left; the next ack answers it. */
  queried(upTo) {
    this.#queryUpTo = Math.max(this.#queryUpTo ?? 0, upTo);
  }
  /** The kernel's cumulative ack. */
  onAck(seq) {
    const acked = Math.min(seq, this.#sentThrough);
    if (acked > this.#acked) {
      this.#acked = acked;
      this.#release();
      this.#probeDelay = PROBE_FIRST_MS;
      if (this.#acked < this.#sentThrough) this.#probeTimer.arm(PROBE_FIRST_MS);
      else this.#probeTimer.cancel();
    }
    this.#answered();
  }
  /** The kernel answered a hello without an ack for this view: resend what it may lack. */
  onHelloAnswered() {
    this.#answered();
  }
  /** The kernel asks for entries from `from` (through `to`, by default all sent). */
  requestResend(from, to = this.#sentThrough) {
    if (from > to) return;
    const [oldFrom, oldTo] = this.#resend ?? [from, to];
    this.#resend = [Math.min(from, oldFrom), Math.max(to, oldTo)];
  }
  /** Everything to send now: resends first, then new entries, packed into few frames. */
  take() {
    const runs = [];
    let gone = null;
    if (this.#resend !== null) {
      let [from, to] = this.#resend;
      this.#resend = null;
      from = Math.max(from, this.#acked + 1);
      to = Math.min(to, this.#sentThrough);
      if (from <= to && from < this.#firstKept) {
        const goneTo = Math.min(to, this.#firstKept - 1);
        gone = [from, goneTo];
        from = goneTo + 1;
      }
      if (from <= to) {
        runs.push([from, to]);
        this.resent += to - from + 1;
      }
    }
    if (this.#sentThrough < this.#lastSeq) {
      const run = [this.#sentThrough + 1, this.#lastSeq];
      const previous = runs[0];
      if (previous !== void 0 && previous[1] + 1 >= run[0]) previous[1] = run[1];
      else runs.push(run);
      this.#sentThrough = this.#lastSeq;
    }
    const frames = runs.flatMap(
      ([from, to]) => packFrames(from, this.#slice(from, to), this.#maxFrameUnits)
    );
    this.#evict();
    if (this.#acked < this.#sentThrough) this.#probeTimer.ensure(this.#probeDelay);
    return { frames, gone };
  }
  close() {
    this.#probeTimer.cancel();
  }
  #answered() {
    const upTo = this.#queryUpTo;
    this.#queryUpTo = null;
    if (upTo !== null && this.#acked < upTo) this.requestResend(this.#acked + 1, upTo);
  }
  #probe() {
    if (this.#acked >= this.#sentThrough) return;
    this.#sendProbe(this.#sentThrough);
    this.queried(this.#sentThrough);
    this.#probeDelay = Math.min(this.#probeDelay * 2, PROBE_MAX_MS);
    this.#probeTimer.arm(this.#probeDelay);
  }
  #slice(from, to) {
    const start = this.#head + (from - this.#firstKept);
    return this.#kept.slice(start, start + (to - from + 1));
  }
  #dropOldest() {
    const entry = this.#kept[this.#head];
    this.#keptUnits -= entry[1].length;
    this.#head += 1;
    this.#firstKept += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#kept.length) {
      this.#kept = this.#kept.slice(this.#head);
      this.#head = 0;
    }
  }
  #release() {
    while (this.#firstKept <= this.#acked) this.#dropOldest();
  }
  #evict() {
    while (this.kept > 1 && this.#firstKept <= this.#sentThrough && (this.#keptUnits > this.#maxKeptUnits || this.kept > this.#maxKeptEntries)) {
      this.#dropOldest();
      this.evicted += 1;
    }
  }
};

// frontend/src/tunnel/stream/view-stream.ts
var HELLO_FIRST_MS = 2e3;
var HELLO_MAX_MS = 3e4;
var ViewStream = class {
  #hooks;
  #outgoing;
  #incoming;
  #helloTimer;
  #helloDelay = HELLO_FIRST_MS;
  #helloPending = false;
  #flushQueued = false;
  #closed = false;
  #framesSent = 0;
  #goneWarnedThrough = 0;
  constructor(peer, hooks, options = {}) {
    this.peer = peer;
    this.clock = clockFrom(options);
    this.#hooks = hooks;
    this.#outgoing = new OutgoingStream(this.clock, (w) => this.#send({ w }), options);
    this.#incoming = new IncomingStream(peer, this.clock, {
      deliver: (entries) => hooks.deliver(entries),
      control: (fields) => this.#send(fields),
      warn: (line) => hooks.warn(line)
    });
    this.#helloTimer = new Timer(this.clock, () => this.#resendHello());
  }
  get stats() {
    return {
      framesSent: this.#framesSent,
      resent: this.#outgoing.resent,
      duplicates: this.#incoming.duplicates,
      lost: this.#incoming.lost,
      outOfOrder: this.#incoming.outOfOrder,
      evicted: this.#outgoing.evicted,
      unacked: this.#outgoing.kept
    };
  }
  /** Whether the kernel has answered this view's hello since it was last sent. */
  get greeted() {
    return this.#incoming.hasBase && !this.#helloPending;
  }
  /** Queues an entry; everything queued in one task leaves together right after it. */
  push(version, msg, kind) {
    this.#outgoing.push(makeEntry(version, msg, kind));
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }
  /** Sends what is queued, and what the kernel asked for again, now. */
  flush() {
    this.#flushQueued = false;
    if (this.#closed || !this.#outgoing.hasWork) return;
    const { frames, gone } = this.#outgoing.take();
    const control = {};
    if (gone !== null) {
      control.g = gone;
      this.#warnGone(gone);
    }
    if (frames.length > 0) {
      const ack = this.#incoming.takeAck();
      if (ack !== null) control.a = ack;
    }
    if (frames.length === 0) {
      if (control.g !== void 0) this.#send(control);
      return;
    }
    for (const [index, data] of frames.entries()) this.#send(index === 0 ? control : {}, data);
  }
  /** Introduces this view: at creation and after every reconnect; repeated until answered. */
  hello() {
    this.#helloDelay = HELLO_FIRST_MS;
    this.#sendHello();
  }
  /** The page is going away: say so, best effort. */
  bye() {
    this.flush();
    this.#send({ x: 1 });
  }
  /** Reads one frame from the kernel; returns false when (part of) it was malformed. */
  receive(content) {
    if (this.#closed) return true;
    const read = readKernelFrame(content, this.peer);
    if (read.problems.length > 0) this.#hooks.badFrame(read.problems);
    if (read.ack !== null) {
      this.#outgoing.onAck(read.ack);
      if (this.#helloPending && this.#incoming.hasBase) this.#helloAnswered();
    }
    if (read.base !== null) {
      this.#incoming.setBase(read.base);
      this.#outgoing.onHelloAnswered();
      this.#helloAnswered();
    }
    if (read.nack !== null) this.#outgoing.requestResend(read.nack);
    if (read.gone !== null) this.#incoming.skip(...read.gone);
    if (read.data !== null) this.#incoming.receive(read.data.seq, read.data.entries);
    if (read.tail !== null) this.#incoming.tail(read.tail);
    if (this.#outgoing.hasWork) this.flush();
    return read.problems.length === 0;
  }
  /** Stops every timer; nothing is sent afterwards. */
  close() {
    this.#closed = true;
    this.#outgoing.close();
    this.#incoming.close();
    this.#helloTimer.cancel();
  }
  #sendHello() {
    if (this.#closed) return;
    const lastSent = this.#outgoing.sentThrough;
    this.#send({ h: helloOf(this.#incoming.firstSeen, lastSent, this.#hooks.caps()) });
    this.#outgoing.queried(lastSent);
    this.#helloPending = true;
    this.#helloTimer.arm(this.#helloDelay);
  }
  #resendHello() {
    if (!this.#helloPending) return;
    this.#helloDelay = Math.min(this.#helloDelay * 2, HELLO_MAX_MS);
    this.#sendHello();
  }
  #helloAnswered() {
    this.#helloPending = false;
    this.#helloTimer.cancel();
  }
  #warnGone(gone) {
    if (gone[1] <= this.#goneWarnedThrough) return;
    this.#goneWarnedThrough = gone[1];
    this.#hooks.warn(
      `${gone[1] - gone[0] + 1} message(s) to the kernel were lost (seq ${gone[0]} to ${gone[1]}): the page keeps at most 64 Mi characters or 100,000 unacknowledged messages for resending, and the kernel asked for them after they were dropped`
    );
  }
  #send(control, data) {
    if (this.#closed) return;
    this.#framesSent += 1;
    this.#hooks.send(viewFrame(this.peer, control, data));
  }
};

// frontend/src/tunnel/tunnel.ts
function endpoint(value) {
  if (!Array.isArray(value) || !Number.isSafeInteger(value[0])) return [0, ""];
  return [value[0], typeof value[1] === "string" ? value[1] : ""];
}
var Tunnel = class {
  #model;
  #stream;
  #delivery;
  #kernel;
  #frameErrors;
  #closeListeners = [];
  #unwatchPage;
  #unwatchKernel = () => {
  };
  #sentVersion;
  #receivedVersion;
  // Set once a typed layer receives through this tunnel: on_receive would take its messages.
  #typedLayer = false;
  #pyEndpoint;
  #jsEndpoint;
  #closeError = null;
  #sent = 0;
  #received = 0;
  #framesReceived = 0;
  #badFrames = 0;
  constructor(tunnelId, model, options = {}) {
    this.tunnel_id = tunnelId;
    this.#model = model;
    this.#kernel = kernelOf(model);
    const prefix = `IPyCallback [${tunnelId}]`;
    this.#stream = new ViewStream(
      options.peerId ?? randomPeerId(),
      {
        send: (frame) => this.#transmit(frame),
        deliver: (entries) => this.#deliver(entries),
        caps: () => capsOf(this.#kernel),
        warn: (line) => console.warn(`${prefix}: ${line}`),
        badFrame: (problems) => {
          this.#badFrames += problems.length;
          this.#frameErrors.report("ignored a malformed frame:", problems);
        }
      },
      options
    );
    this.#frameErrors = new RateLimitedReporter(prefix, this.#stream.clock);
    this.#delivery = new Delivery(tunnelId, {
      maxPending: options.maxPending ?? 1e5,
      clock: this.#stream.clock,
      yieldTask: options.yieldTask,
      sliceMs: options.sliceMs
    });
    this.#pyEndpoint = endpoint(model.get("py_endpoint"));
    this.#jsEndpoint = endpoint(model.get("js_endpoint"));
    this.#sentVersion = this.#pyEndpoint[0];
    this.#receivedVersion = this.#jsEndpoint[0];
    model.on("msg:custom", (content) => this._receive(content));
    if (this.#kernel !== null) {
      const kernel = this.#kernel;
      this.#unwatchKernel = watchKernel(kernel, {
        onReconnect: () => this.#stream.hello(),
        // frames in flight were lost: both sides resend
        onGone: (reason) => this.#kernelGone(kernel, reason)
      });
    }
    this.#unwatchPage = watchPage({
      onHide: () => this.#stream.bye(),
      onRestore: () => this.#stream.hello()
    });
    this.#stream.hello();
  }
  /** @internal This view's peer id. */
  get _peerId() {
    return this.#stream.peer;
  }
  /** @internal The clock every timer of this tunnel uses. */
  get _clock() {
    return this.#stream.clock;
  }
  /**
   * A value of the widget state, which layers above the tunnel (the typed layer's schema) may
   * add to in the kernel; undefined when absent.
   */
  state(key) {
    return this.#model.get(key);
  }
  /** Calls `callback` whenever the kernel changes the widget state's `key`. */
  onStateChange(key, callback) {
    this.#model.on(`change:${key}`, callback);
  }
  /** Sends `msg` to the kernel; returns its version (the previous version + 1). */
  send_msg(msg) {
    checkMsg("send_msg", msg);
    this.#checkOpen();
    const version = this.#sentVersion + 1;
    this.#enqueue(version, msg, 0 /* Message */);
    return version;
  }
  /** Sends a reply tagged with its request's version; false when it is stale and dropped. */
  send_msg_with_version(version, msg) {
    checkVersion("send_msg_with_version", version);
    checkMsg("send_msg_with_version", msg);
    this.#checkOpen();
    if (version < this.#receivedVersion) return false;
    this.#enqueue(version, msg, 0 /* Message */);
    return true;
  }
  /** Replaces the handler; messages that waited for one are delivered now, in order. */
  on_receive(handler) {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(
        `on_receive() expects a function (version, msg) => void, got ${typeof handler}`
      );
    }
    if (this.#typedLayer) {
      throw new TypeError(
        `on_receive(): tunnel "${this.tunnel_id}" carries typed messages; receive its plain strings with onPlain(handler) of the typed tunnel`
      );
    }
    this.#delivery.setHandler(
      handler === null ? null : (version, msg, kind) => {
        if (kind === 0 /* Message */) handler(version, msg);
      }
    );
  }
  /** @internal Like on_receive, for the typed layer, which also needs each message's kind. */
  _onReceiveKind(handler) {
    this.#typedLayer = handler !== null;
    this.#delivery.setHandler(handler);
  }
  /** @internal The typed layer's way to send replies, errors and cancellations. */
  _sendKind(version, msg, kind, dropStale) {
    checkMsg("send", msg);
    this.#checkOpen();
    if (dropStale && version < this.#receivedVersion) return false;
    this.#enqueue(version, msg, kind);
    return true;
  }
  /** Sends queued messages now rather than at the end of the current task. */
  flush() {
    this.#stream.flush();
  }
  get py_endpoint() {
    return [...this.#pyEndpoint];
  }
  get js_endpoint() {
    return [...this.#jsEndpoint];
  }
  get closed() {
    return this.#closeError !== null;
  }
  get stats() {
    const stream = this.#stream.stats;
    return {
      sent: this.#sent,
      received: this.#received,
      framesSent: stream.framesSent,
      framesReceived: this.#framesReceived,
      pendingIn: this.#delivery.pending,
      dropped: this.#delivery.dropped,
      handlerErrors: this.#delivery.handlerErrors,
      badFrames: this.#badFrames,
      resent: stream.resent,
      duplicates: stream.duplicates,
      lost: stream.lost,
      outOfOrder: stream.outOfOrder,
      evicted: stream.evicted,
      unacked: stream.unacked
    };
  }
  /** @internal Reads one custom message from the kernel. */
  _receive(content) {
    this.#framesReceived += 1;
    this.#stream.receive(content);
  }
  /** @internal Closes the tunnel (the kernel closed the widget, the model went away, ...). */
  _close(error) {
    if (this.#closeError !== null) return;
    this.#closeError = error ?? new TunnelClosedError(
      `IPyCallback: tunnel "${this.tunnel_id}" is closed; look it up again with window.IPyCallback.get() after re-creating it in Python`
    );
    this.#stream.close();
    this.#unwatchKernel();
    this.#unwatchPage();
    for (const listener of this.#closeListeners.splice(0)) {
      try {
        listener(this.#closeError);
      } catch (thrown) {
        console.error(`IPyCallback [${this.tunnel_id}]: a close listener threw`, thrown);
      }
    }
  }
  /** @internal Calls `listener` with the close error once the tunnel closes (now if it has). */
  _onClose(listener) {
    if (this.#closeError !== null) listener(this.#closeError);
    else this.#closeListeners.push(listener);
  }
  #kernelGone(kernel, reason) {
    if (this.closed) return;
    reportKernelGone(kernel, this.tunnel_id, reason);
    const what = reason === "disposed" ? "kernel connection was closed" : `kernel is ${reason}`;
    this._close(
      new KernelRestartedError(
        `IPyCallback: tunnel "${this.tunnel_id}" is closed: the ${what}; run the cell that creates it again, then look it up with window.IPyCallback.wait(${JSON.stringify(this.tunnel_id)})`
      )
    );
  }
  #transmit(frame) {
    if (!linkUp(this.#kernel)) return;
    try {
      this.#model.send(frame);
    } catch (error) {
      this.#frameErrors.report("sending a frame failed:", error);
    }
  }
  #deliver(entries) {
    for (const [version, msg, kind] of entries) {
      if (kind !== 0 /* Message */) continue;
      if (version > this.#receivedVersion) this.#receivedVersion = version;
      this.#jsEndpoint = [version, msg];
    }
    this.#received += entries.length;
    this.#delivery.deliver(entries);
  }
  #enqueue(version, msg, kind) {
    if (kind === 0 /* Message */) {
      if (version > this.#sentVersion) this.#sentVersion = version;
      this.#pyEndpoint = [version, msg];
    }
    this.#sent += 1;
    this.#stream.push(version, msg, kind);
  }
  #checkOpen() {
    const error = this.#closeError;
    if (error === null) return;
    throw error instanceof KernelRestartedError ? new KernelRestartedError(error.message) : new TunnelClosedError(error.message);
  }
};

// frontend/src/typed/errors.ts
var CODES = [
  "validation",
  // the message breaks its declared type
  "unknown_type",
  // no such message type
  "handler_exception",
  // the handler threw, or returned what is not its reply
  "no_handler",
  // nobody registered a handler for this request type within the grace period
  "unknown_request"
  // a reply to a request nobody waits for (finished, timed out, cancelled)
];
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
var RequestCancelledError = class extends Error {
  constructor(type, version, reason) {
    super(
      `the kernel cancelled its request ${type} version ${version}${reason ? `: ${reason}` : ""}`
    );
    this.name = "RequestCancelledError";
    this.version = version;
    this.reason = reason;
  }
};
var isCode = (code) => CODES.includes(code);
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
  if (!isCode(code) || typeof message !== "string") {
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

// frontend/src/typed/answering.ts
var NO_HANDLER_GRACE_MS = 5e3;
var REMEMBERED = 1e3;
function tagOf(value, field) {
  if (typeof value !== "object" || value === null || !Object.hasOwn(value, field)) return null;
  const tag = value[field];
  return typeof tag === "string" ? tag : null;
}
function describeValue(value, tagField) {
  if (value === null || value === void 0) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? `an object without a "${tagField}" tag` : typeof value;
}
function isThenable(value) {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof value.then === "function";
}
var Answering = class {
  #host;
  #replyTags;
  #handlers = /* @__PURE__ */ new Map();
  // Requests that arrived during the current task, the newest of each type. They are handled
  // once it ends, so a burst that arrived together starts only its newest handler.
  #queued = /* @__PURE__ */ new Map();
  #drainScheduled = false;
  // By type: the request whose handler runs (at most one per type), or that waits for on().
  #running = /* @__PURE__ */ new Map();
  #unhandled = /* @__PURE__ */ new Map();
  #latest = /* @__PURE__ */ new Map();
  // Replies sent, by version: their type, and whether the kernel cancelled them afterwards.
  #answered = /* @__PURE__ */ new Map();
  #closed = false;
  /** `asks` maps each request tag the kernel may send to the tag of this page's reply. */
  constructor(host, asks) {
    this.#host = host;
    this.#replyTags = new Map(Object.entries(asks));
  }
  isRequest(tag) {
    return this.#replyTags.has(tag);
  }
  register(tag, handler) {
    this.#handlers.set(tag, handler);
    const waiting = this.#unhandled.get(tag);
    if (waiting === void 0) return;
    this.#unhandled.delete(tag);
    this.#host.clock.clearTimeout(waiting.timer);
    this.#start(waiting, handler);
  }
  /** A valid request from the kernel. */
  arrived(version, tag, msg) {
    if (this.#closed) return;
    const stats = this.#host.stats;
    stats.requestsReceived += 1;
    if (version < (this.#latest.get(tag) ?? 0)) {
      stats.superseded += 1;
      return;
    }
    this.#latest.set(tag, version);
    const waiting = this.#unhandled.get(tag);
    if (waiting !== void 0) {
      this.#unhandled.delete(tag);
      this.#host.clock.clearTimeout(waiting.timer);
      stats.superseded += 1;
    }
    if (this.#queued.has(tag)) stats.superseded += 1;
    this.#queued.set(tag, { version, tag, msg });
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      queueMicrotask(() => this.#drain());
    }
  }
  /** The kernel no longer wants the answer to its request `version`. */
  cancel(version, reason) {
    const stats = this.#host.stats;
    for (const [tag, request] of this.#queued) {
      if (request.version !== version) continue;
      this.#queued.delete(tag);
      stats.cancelled += 1;
      return;
    }
    for (const [tag, waiting] of this.#unhandled) {
      if (waiting.version !== version) continue;
      this.#unhandled.delete(tag);
      this.#host.clock.clearTimeout(waiting.timer);
      stats.cancelled += 1;
      return;
    }
    for (const [tag, run] of this.#running) {
      if (run.version !== version) continue;
      this.#running.delete(tag);
      stats.cancelled += 1;
      run.controller.abort(new RequestCancelledError(tag, version, reason));
      return;
    }
    const answered = this.#answered.get(version);
    if (answered !== void 0) answered.overtaken = true;
  }
  /**
   * Replies and messages carry versions of different sides, and an error report only says the
   * version. "unknown_request" is only ever about a reply; the kernel's report on a reply of the
   * wrong type or shape is a "validation" error naming the kernel's request type, or none.
   */
  subjectOf(error) {
    const answered = this.#answered.get(error.version);
    if (error.code === "unknown_request") {
      if (answered === void 0) return "reply";
      const newer = (this.#latest.get(answered.tag) ?? 0) > error.version;
      return answered.overtaken || newer ? "late-reply" : "reply";
    }
    const aboutRequestType = error.type === null || this.#replyTags.has(error.type);
    return error.code === "validation" && answered !== void 0 && aboutRequestType ? "reply" : "message";
  }
  /** The tunnel closed: no reply can go any more. Handlers still running see `error` as reason. */
  close(error) {
    this.#closed = true;
    this.#queued.clear();
    for (const waiting of this.#unhandled.values()) this.#host.clock.clearTimeout(waiting.timer);
    this.#unhandled.clear();
    const running = [...this.#running.values()];
    this.#running.clear();
    for (const run of running) run.controller.abort(error);
  }
  #drain() {
    this.#drainScheduled = false;
    const queued = this.#queued;
    this.#queued = /* @__PURE__ */ new Map();
    for (const request of queued.values()) this.#dispatch(request);
  }
  #dispatch(request) {
    const { tag, version } = request;
    this.#supersede(tag, version);
    const handler = this.#handlers.get(tag);
    if (handler !== void 0) {
      this.#start(request, handler);
      return;
    }
    const timer = this.#host.clock.setTimeout(
      () => this.#noHandler(tag, version),
      NO_HANDLER_GRACE_MS
    );
    this.#unhandled.set(tag, { ...request, timer });
  }
  #supersede(tag, version) {
    const running = this.#running.get(tag);
    if (running === void 0) return;
    this.#running.delete(tag);
    this.#host.stats.superseded += 1;
    running.controller.abort(new SupersededError(tag, running.version, version));
  }
  #noHandler(tag, version) {
    if (this.#unhandled.get(tag)?.version !== version) return;
    this.#unhandled.delete(tag);
    this.#host.noHandler(version, tag);
  }
  #start(request, handler) {
    const run = { ...request, controller: new AbortController() };
    this.#running.set(run.tag, run);
    this.#host.stats.handled += 1;
    try {
      const result = handler(run.version, run.msg, run.controller.signal);
      if (!isThenable(result)) {
        this.#settle(run, { value: result });
        return;
      }
      result.then(
        (value) => this.#settle(run, { value }),
        (error) => this.#settle(run, { error })
      );
    } catch (error) {
      this.#settle(run, { error });
    }
  }
  #settle(run, outcome) {
    if (this.#running.get(run.tag) === run) this.#running.delete(run.tag);
    if (run.controller.signal.aborted) {
      if ("value" in outcome) this.#host.stats.droppedReplies += 1;
      return;
    }
    if ("error" in outcome) {
      this.#host.failed(run.version, run.tag, outcome.error);
      return;
    }
    const expected = this.#replyTags.get(run.tag) ?? "";
    const got = tagOf(outcome.value, this.#host.tagField);
    if (got !== expected) {
      const what = got ?? describeValue(outcome.value, this.#host.tagField);
      const error = new TypeError(
        `the handler for ${run.tag} must return a ${expected} reply, got ${what}`
      );
      this.#host.failed(run.version, run.tag, error);
      return;
    }
    try {
      if (!this.#host.reply(run.version, this.#host.encode(outcome.value))) return;
    } catch (error) {
      this.#host.failed(run.version, run.tag, error);
      return;
    }
    this.#host.stats.repliesSent += 1;
    this.#answered.set(run.version, { tag: run.tag, overtaken: false });
    if (this.#answered.size > REMEMBERED)
      this.#answered.delete(this.#answered.keys().next().value);
  }
};

// frontend/src/typed/pending-requests.ts
var PendingRequests = class {
  #clock;
  #byVersion = /* @__PURE__ */ new Map();
  #byTag = /* @__PURE__ */ new Map();
  constructor(clock2) {
    this.#clock = clock2;
  }
  /**
   * The reply to request `version` of type `tag`. An older pending request of the same type
   * is rejected with a SupersededError. `giveUp` is told when the caller stops waiting (timeout,
   * abort), so the other side can be told too.
   */
  add(tag, version, options, giveUp) {
    const older = this.#byTag.get(tag);
    if (older !== void 0) {
      older.cleanup();
      older.reject(new SupersededError(tag, older.version, version));
    }
    return new Promise((resolve, reject) => {
      const timer = options.timeoutMs === void 0 ? null : this.#clock.setTimeout(() => {
        pending.cleanup();
        giveUp("timeout");
        reject(
          new RequestTimeoutError(
            `${tag} version ${version}: no reply in ${options.timeoutMs} ms`
          )
        );
      }, options.timeoutMs);
      const onAbort = () => {
        pending.cleanup();
        giveUp("aborted");
        reject(options.signal?.reason);
      };
      const pending = {
        tag,
        version,
        resolve,
        reject,
        cleanup: () => {
          if (timer !== null) this.#clock.clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          if (this.#byVersion.get(version) === pending) this.#byVersion.delete(version);
          if (this.#byTag.get(tag) === pending) this.#byTag.delete(tag);
        }
      };
      options.signal?.addEventListener("abort", onAbort);
      this.#byVersion.set(version, pending);
      this.#byTag.set(tag, pending);
    });
  }
  /**
   * Stops waiting for request `version` and returns how to settle it, if it was waiting. With
   * `tag`, only a request of that type is taken: an error report names the type it is about.
   */
  take(version, tag = null) {
    const pending = this.#byVersion.get(version);
    if (pending === void 0 || tag !== null && pending.tag !== tag) return void 0;
    pending.cleanup();
    return pending;
  }
  /** Rejects every waiting request with `error` (the tunnel closed: no reply can come). */
  rejectAll(error) {
    for (const pending of [...this.#byVersion.values()]) {
      pending.cleanup();
      pending.reject(error);
    }
  }
};

// frontend/src/typed/spec.ts
function zeroStats() {
  return {
    received: 0,
    handled: 0,
    staleReplies: 0,
    rejected: 0,
    handlerErrors: 0,
    errorsReceived: 0,
    requestsReceived: 0,
    repliesSent: 0,
    superseded: 0,
    cancelled: 0,
    droppedReplies: 0
  };
}

// frontend/src/typed/checks.ts
var NAME = /^[A-Za-z_$][\w$]*$/;
function pathStep(path, key) {
  if (typeof key === "number") return `${path}[${key}]`;
  return NAME.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
function codePointLength(s) {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 55296 && c <= 56319 && (s.charCodeAt(i + 1) & 64512) === 56320) {
      n--;
      i++;
    }
  }
  return n;
}
var DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
var TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):?(\d{2}))$/;
var PARTIAL_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/;
var UUID = /^(?:[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}|[\da-f]{32})$/i;
function isDate(s) {
  const m = DATE.exec(s);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  return y >= 1 && d >= 1 && d <= days;
}
function clock(m) {
  if (m === null) return false;
  const n = (i) => Number(m[i] ?? 0);
  return n(1) < 24 && n(2) < 60 && n(3) < 60 && n(4) < 24 && n(5) < 60;
}
function isTime(s) {
  return clock(TIME.exec(s));
}
function isPartialTime(s) {
  return clock(PARTIAL_TIME.exec(s));
}
function isDateTime(s) {
  return "Tt ".includes(s.charAt(10)) && isDate(s.slice(0, 10)) && isTime(s.slice(11));
}
function isUuid(s) {
  return UUID.test(s);
}

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
var hasOwn = (o, k) => Object.hasOwn(o, k);
var own2 = (o, k) => hasOwn(o, k) ? o[k] : void 0;
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
  const v = own2(s, key);
  const good = typeof v === "number" && Number.isFinite(v) && v >= min && (!int || Number.isInteger(v));
  if (v === void 0 || good) return v;
  throw new SchemaError(
    `${key} at ${ptr} must be a ${int ? "non-negative integer" : "number"}: ${show(v)}`
  );
}

// frontend/src/typed/validate-any.ts
function failAt(step, message) {
  const f = fail(message);
  for (let s = step; s !== null && s.parent !== null; s = s.parent) f.segs.push(s.key);
  return f;
}
function scalarIssue(v) {
  switch (typeof v) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(v) ? null : `expected a JSON value, got ${String(v)}`;
    case "object":
      return v === null || Array.isArray(v) || isPlain(v) ? null : `expected a JSON value, got ${describeType(v)}`;
    default:
      return `expected a JSON value, got ${typeof v}`;
  }
}
var anyJson = (v) => {
  const seen = /* @__PURE__ */ new Set();
  const stack = [{ value: v, parent: null, key: "" }];
  for (let step = stack.pop(); step !== void 0; step = stack.pop()) {
    const value = step.value;
    const issue = scalarIssue(value);
    if (issue !== null) return failAt(step, issue);
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        if (!(i in value))
          return failAt(
            { value: void 0, parent: step, key: i },
            "a hole in an array: JSON would write null"
          );
        stack.push({ value: value[i], parent: step, key: i });
      }
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        stack.push({ value: value[key], parent: step, key });
      }
    }
  }
  return null;
};
function jsonValueIssue(value) {
  const f = anyJson(value);
  return f === null ? null : { path: f.segs.reverse().reduce(pathStep, "$"), message: f.message };
}

// frontend/src/typed/wire-limits.ts
var NESTING_LIMIT = 256;
var TOKEN = /"(?:[^"\\]|\\.)*"|[[\]{},:]/gs;
var LONE_SURROGATE = /\p{Cs}/u;
function wireIssue(text, value) {
  const deep = text.length > 2 * NESTING_LIMIT ? nestingIssue(text) : null;
  return deep ?? (text.includes("\\u") ? surrogateIssue(value) : null);
}
function nestingIssue(text) {
  let count = 0;
  for (let i = text.indexOf("["); i !== -1 && count <= NESTING_LIMIT; i = text.indexOf("[", i + 1))
    count++;
  for (let i = text.indexOf("{"); i !== -1 && count <= NESTING_LIMIT; i = text.indexOf("{", i + 1))
    count++;
  if (count <= NESTING_LIMIT) return null;
  const stack = [];
  let expectKey = false;
  for (const [token] of text.matchAll(TOKEN)) {
    const top = stack[stack.length - 1];
    if (token === "[" || token === "{") {
      if (stack.length >= NESTING_LIMIT) {
        const path = stack.reduce((p, [, key]) => key === null ? p : pathStep(p, key), "$");
        return { path, message: `nested more than ${NESTING_LIMIT} levels deep` };
      }
      stack.push([token === "{", token === "[" ? 0 : null]);
      expectKey = token === "{";
    } else if (token === "]" || token === "}") {
      stack.pop();
      expectKey = false;
    } else if (token === ",") {
      if (top?.[0]) expectKey = true;
      else if (top) top[1] = top[1] + 1;
    } else if (token === ":") {
      expectKey = false;
    } else if (expectKey && top) {
      top[1] = JSON.parse(token);
    }
  }
  return null;
}
function surrogateIssue(value) {
  const stack = [["$", value]];
  while (stack.length > 0) {
    const [path, item] = stack.pop();
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item))
        return { path, message: "a string with an unpaired UTF-16 surrogate cannot travel" };
    } else if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) stack.push([pathStep(path, i), item[i]]);
    } else if (typeof item === "object" && item !== null) {
      for (const key of Object.keys(item)) {
        const at2 = pathStep(path, key);
        if (LONE_SURROGATE.test(key))
          return { path: at2, message: "a key with an unpaired UTF-16 surrogate cannot travel" };
        stack.push([at2, item[key]]);
      }
    }
  }
  return null;
}

// frontend/src/typed/typed-tunnel.ts
var MAX_WAITING = 1e4;
var TypedTunnel = class {
  constructor(tunnel, spec) {
    this.#handlers = /* @__PURE__ */ new Map();
    this.#latestRequest = /* @__PURE__ */ new Map();
    this.#requestOfReply = /* @__PURE__ */ new Map();
    // Messages of a type whose handler is not registered yet, e.g. pushed before on() ran.
    this.#waiting = /* @__PURE__ */ new Map();
    this.#plain = null;
    this.#onError = null;
    this.stats = zeroStats();
    this.tunnel = tunnel;
    this.#spec = spec;
    this.#tagField = spec.tagField ?? "type";
    this.#incomingTags = new Set(spec.incomingTags);
    for (const [request, reply] of Object.entries(spec.replies)) {
      this.#requestOfReply.set(reply, request);
    }
    const asks = spec.asks ?? {};
    for (const request of Object.keys(asks)) {
      if (!this.#incomingTags.has(request)) {
        throw new TypeError(`asks: the kernel's request ${request} is not among the incoming tags`);
      }
    }
    const prefix = `IPyCallback [${tunnel.tunnel_id}]`;
    this.#reporter = new RateLimitedReporter(prefix, tunnel._clock);
    this.#warnings = new RateLimitedReporter(prefix, tunnel._clock, {
      log: (...args) => console.warn(...args)
    });
    this.#pending = new PendingRequests(tunnel._clock);
    this.#answering = new Answering(
      {
        clock: tunnel._clock,
        stats: this.stats,
        tagField: this.#tagField,
        encode: (msg) => this.#encode(msg),
        reply: (version, text) => !this.tunnel.closed && this.tunnel._sendKind(version, text, 1 /* Reply */, false),
        failed: (version, tag, error) => this.#handlerFailed(version, tag, error),
        noHandler: (version, tag) => this.#noHandler(version, tag)
      },
      asks
    );
    tunnel._onReceiveKind((version, text, kind) => this.#receive(version, text, kind));
    tunnel._onClose((error) => {
      this.#pending.rejectAll(error);
      this.#answering.close(error);
    });
  }
  #spec;
  #tagField;
  #handlers;
  #pending;
  #answering;
  #latestRequest;
  #requestOfReply;
  #incomingTags;
  #waiting;
  #plain;
  #onError;
  // Handler errors and unhandled error reports can come by the thousand: summarised.
  #reporter;
  #warnings;
  /** Validates and sends `msg`; returns its version. Throws MessageValidationError. */
  send(msg) {
    return this.tunnel.send_msg(this.#encode(msg));
  }
  /** Plain strings still travel on the same tunnel. */
  send_msg(msg) {
    return this.tunnel.send_msg(msg);
  }
  /**
   * Registers the handler for one message type; it replaces any previous one. The handler of a
   * request the kernel sends returns the reply (or a promise of it) and gets an AbortSignal,
   * which aborts when a newer request of the type comes or the kernel cancels this one.
   */
  on(tag, handler) {
    if (typeof handler !== "function") {
      throw new TypeError(`on("${String(tag)}") expects a function, got ${typeof handler}`);
    }
    if (!this.#incomingTags.has(tag)) {
      const declared = [...this.#incomingTags].join(", ") || "none";
      throw new TypeError(
        `on("${String(tag)}"): not a message the kernel sends here (declared: ${declared})`
      );
    }
    if (this.#answering.isRequest(tag)) {
      this.#answering.register(tag, handler);
      return;
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
  /** Receives errors the kernel reports about messages and replies sent from here. */
  onError(handler) {
    this.#onError = handler;
  }
  /** Sends a request; resolves with its reply, or rejects (superseded, timeout, abort, error). */
  request(msg, options = {}) {
    const tag = tagOf(msg, this.#tagField) ?? "";
    if (!Object.hasOwn(this.#spec.replies, tag)) {
      const what = tag === "" ? `a message without a "${this.#tagField}" tag` : tag;
      return Promise.reject(new TypeError(`request(): ${what} has no declared reply type`));
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    let version;
    try {
      checkTimeout("request", options.timeoutMs);
      version = this.send(msg);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#latestRequest.set(tag, version);
    const reply = this.#pending.add(
      tag,
      version,
      options,
      (reason) => this.#cancel(version, reason)
    );
    return reply;
  }
  #encode(msg) {
    const issue = this.#spec.validateOutgoing(msg) ?? (this.#spec.checksJsonValues === true ? null : jsonValueIssue(msg));
    if (issue !== null) throw new MessageValidationError(issue.message, issue.path);
    const text = JSON.stringify(msg);
    const limit = wireIssue(text, msg);
    if (limit !== null) throw new MessageValidationError(limit.message, limit.path);
    return text;
  }
  #receive(version, text, kind) {
    if (kind === 3 /* Cancel */) {
      this.#answering.cancel(version, text);
      return;
    }
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
    const issue = tag === null ? null : wireIssue(text, msg) ?? this.#spec.validateIncoming(msg);
    if (tag === null || issue !== null) {
      this.#reject(version, text, tag, issue, kind);
      return;
    }
    if (kind === 1 /* Reply */) {
      const pending = this.#pending.take(version);
      if (pending !== void 0) {
        this.#resolveReply(pending, version, tag, msg);
        return;
      }
      const request = this.#requestOfReply.get(tag);
      if (request !== void 0 && version < (this.#latestRequest.get(request) ?? 0) || this.#answering.isRequest(tag)) {
        this.stats.staleReplies += 1;
        return;
      }
    } else if (this.#answering.isRequest(tag)) {
      this.#answering.arrived(version, tag, msg);
      return;
    }
    this.#deliver(version, tag, msg);
  }
  #resolveReply(pending, version, tag, msg) {
    const expected = this.#spec.replies[pending.tag];
    if (tag === expected) {
      pending.resolve(msg);
      return;
    }
    const reason = `expected a ${expected ?? "declared"} reply to ${pending.tag}, got ${tag}`;
    pending.reject(new MessageValidationError(reason, "$"));
    this.stats.rejected += 1;
    this.#sendError(version, "validation", reason, "$", pending.tag);
  }
  #deliver(version, tag, msg) {
    const handler = this.#handlers.get(tag);
    if (handler === void 0) {
      const waiting = this.#waiting.get(tag) ?? [];
      waiting.push([version, msg]);
      if (waiting.length > MAX_WAITING) {
        waiting.shift();
        this.#warnings.report(
          `no handler for ${tag}; dropped the oldest of ${MAX_WAITING + 1} waiting messages`
        );
      }
      this.#waiting.set(tag, waiting);
      return;
    }
    this.stats.handled += 1;
    try {
      handler(version, msg);
    } catch (error) {
      this.#handlerFailed(version, tag, error);
    }
  }
  #handlerFailed(version, tag, error) {
    this.stats.handlerErrors += 1;
    this.#reporter.report(`the handler for ${tag} threw`, error);
    const { name, message } = typeof error === "object" && error !== null ? error : {};
    const text = `${typeof name === "string" ? name : "Error"}: ${typeof message === "string" ? message : describeError(error)}`;
    const path = error instanceof MessageValidationError ? error.path : null;
    this.#sendError(version, "handler_exception", text, path, tag);
  }
  #noHandler(version, tag) {
    const seconds = NO_HANDLER_GRACE_MS / 1e3;
    this.#warnings.report(
      `no handler for the kernel's ${tag} requests within ${seconds} s; told the kernel`
    );
    const message = `the page has no handler for ${tag} requests (register one with on("${tag}", handler))`;
    this.#sendError(version, "no_handler", message, null, tag);
  }
  #reject(version, text, tag, issue, kind) {
    if (tag === null && this.#plain !== null) {
      try {
        this.#plain(version, text);
      } catch (error) {
        this.#reporter.report("the plain handler threw", error);
      }
      return;
    }
    this.stats.rejected += 1;
    const code = tag === null || !this.#incomingTags.has(tag) ? "unknown_type" : "validation";
    const message = issue?.message ?? "not a declared message: expected an object with a type tag";
    this.#sendError(version, code, message, issue?.path ?? null, tag);
    if (kind === 1 /* Reply */) {
      this.#pending.take(version)?.reject(new MessageValidationError(message, issue?.path ?? "$"));
    }
  }
  #sendError(version, code, message, path, type) {
    const report = wireError(
      code,
      wellFormed(message),
      path,
      type === null ? null : wellFormed(type)
    );
    if (!this.tunnel.closed) this.tunnel._sendKind(version, report, 2 /* Error */, false);
  }
  #cancel(version, reason) {
    if (!this.tunnel.closed) this.tunnel._sendKind(version, reason, 3 /* Cancel */, false);
  }
  #receivedError(error) {
    this.stats.errorsReceived += 1;
    const subject = this.#answering.subjectOf(error);
    if (subject === "late-reply") return;
    const pending = subject === "message" ? this.#pending.take(error.version, error.type) : void 0;
    if (pending !== void 0) {
      pending.reject(error);
      return;
    }
    if (this.#onError === null) {
      this.#reporter.report("the kernel reported:", error);
      return;
    }
    try {
      this.#onError(error);
    } catch (thrown) {
      this.#reporter.report("the onError handler threw", thrown);
    }
  }
};

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
  const n = (k, d) => own2(s, k) ?? d;
  const target = own2(s, "$ref");
  if (typeof target === "string") {
    return only("$ref") ? shapeOf(c, own2(c.defs, defName(target)), depth + 1) : null;
  }
  const list = own2(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : void 0);
  if (Array.isArray(list) && keys.length === 1 && list.length <= 8) {
    return list.length === 1 ? shape(EQ, list[0]) : shape(ONE_OF, list);
  }
  const branches = own2(s, "anyOf");
  if (Array.isArray(branches) && only("anyOf") && branches.length === 2) {
    const [some, none] = branches.map((b) => shapeOf(c, b, depth + 1));
    if (some && none?.kind === EQ && none.value === null && !some.nullable)
      return { ...some, nullable: true };
    return null;
  }
  const type = own2(s, "type");
  if (type === "null" && only("type")) return shape(EQ, null);
  if (type === "boolean" && only("type")) return shape(ONE_OF, [true, false]);
  if (type === "string" && only("type", "minLength", "maxLength")) {
    return shape(STRING, void 0, [
      2 * n("minLength", 0),
      n("maxLength", Infinity),
      -Infinity,
      Infinity
    ]);
  }
  if ((type === "integer" || type === "number") && only(...NUMBER_KEYS)) {
    const [lo, hi] = [n("minimum", -Infinity), n("maximum", Infinity)];
    const bounds = [lo, hi, n("exclusiveMinimum", -Infinity), n("exclusiveMaximum", Infinity)];
    return shape(type === "integer" ? INTEGER : NUMBER, void 0, bounds);
  }
  if (type === "array" && only("type", "items")) {
    const item = shapeOf(c, own2(s, "items"), depth + 1);
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
  const items = own2(s, "items");
  const prefixItems = own2(s, "prefixItems") ?? [];
  const unique = own2(s, "uniqueItems") ?? false;
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
      if (n < minI || n > maxI)
        return fail(`${length(n)}${n < minI ? minI : maxI}, got length ${n}`);
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
  const sorted = (_, y) => isPlain(y) ? Object.fromEntries(
    Object.keys(y).sort().map((k) => [k, y[k]])
  ) : y;
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
  const [properties, required] = [own2(s, "properties") ?? {}, own2(s, "required") ?? []];
  const [additional, names] = [own2(s, "additionalProperties"), own2(s, "propertyNames")];
  const minP = num(s, "minProperties", ptr, 0, true) ?? 0;
  const maxP = num(s, "maxProperties", ptr, 0, true) ?? Infinity;
  if (!isPlain(properties) || !Array.isArray(required) || !required.every((k) => typeof k === "string")) {
    throw new SchemaError(
      `properties at ${ptr} must be an object, and required an array of strings`
    );
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
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return miss && miss(value);
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
    if ((e === "w" || e === "W") && !inClass)
      return e === "w" ? "[\\p{L}\\p{N}_]" : "[^\\p{L}\\p{N}_]";
    if ((e === "A" || e === "Z") && !inClass) return e === "A" ? "^" : "$";
    if (e !== void 0)
      return /[\w^$\\.*+?()[\]{}|/]/.test(e) || e === "-" && inClass ? `\\${e}` : e;
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
var N = String.raw`\d+(?:\.\d+)?`;
var DURATION = new RegExp(
  String.raw`^[+-]?P(?!$)(?!.*\.\d+[DHMS].)(?:${N}D)?(?:T(?=\d)(?:${N}H)?(?:${N}M)?(?:${N}S)?)?$`,
  "i"
);
var WS = String.raw`[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*`;
var NUMBER2 = String.raw`(?:\p{Nd}+(?:\.\p{Nd}*)?|\.\p{Nd}+)(?:e[+-]?\p{Nd}+)?`;
var DECIMAL = new RegExp(
  String.raw`^${WS}[+-]?(?:${NUMBER2}|inf(?:inity)?|s?nan\p{Nd}*)${WS}$`,
  "iu"
);
var FORMATS = /* @__PURE__ */ new Map([
  ["date-time", [isDateTime, "RFC 3339 date-time with a timezone"]],
  ["date", [isDate, "RFC 3339 date (YYYY-MM-DD)"]],
  ["time", [isTime, "RFC 3339 time with a timezone"]],
  ["partial-time", [isPartialTime, "time without a timezone (HH:MM:SS[.ffffff])"]],
  ["uuid", [isUuid, "UUID"]],
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
    if (v < lo || v <= xlo)
      return fail(`expected ${word} ${v < lo ? `>= ${lo}` : `> ${xlo}`}, got ${v}`);
    if (v > hi || v >= xhi)
      return fail(`expected ${word} ${v > hi ? `<= ${hi}` : `< ${xhi}`}, got ${v}`);
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
  const [pattern, format, encoding] = [
    own2(s, "pattern"),
    own2(s, "format"),
    own2(s, "contentEncoding")
  ];
  let re;
  try {
    if (pattern !== void 0)
      re = new RegExp(typeof pattern === "string" ? fromPython(pattern) : "(", "u");
  } catch (error) {
    throw new SchemaError(
      `pattern ${q(pattern)} at ${ptr} is not supported: ${error.message}`
    );
  }
  const fmt = FORMATS.get(format);
  if (format !== void 0 && !fmt)
    throw new SchemaError(`unsupported format ${q(format)} at ${ptr}`);
  if (encoding !== void 0 && encoding !== "base64") {
    throw new SchemaError(`unsupported contentEncoding ${q(encoding)} at ${ptr}`);
  }
  if (minL === 0 && maxL === Infinity && !re && !fmt && encoding === void 0) {
    return miss && ((v) => typeof v === "string" ? null : miss(v));
  }
  return (v) => {
    if (typeof v !== "string") return miss && miss(v);
    if (v.length > maxL || v.length < 2 * minL) {
      const n = codePointLength(v);
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
  const target = own2(s, "$ref");
  if (typeof target === "string" && target.startsWith("#/$defs/") && !seen.has(target)) {
    return typesOf(c, own2(c.defs, defName(target)), seen.add(target));
  }
  const type = own2(s, "type");
  if (type !== void 0) return new Set(Array.isArray(type) ? type.map(String) : [String(type)]);
  const list = own2(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : void 0);
  if (Array.isArray(list)) return new Set(list.map((x) => x === null ? "null" : typeof x));
  const branches = own2(s, "anyOf") ?? own2(s, "oneOf");
  if (!Array.isArray(branches)) return null;
  const each = branches.map((b) => typesOf(c, b, new Set(seen)));
  return each.some((t) => t === null) ? null : new Set(each.flatMap((t) => [...t ?? []]));
}
function union(c, s, key, ptr) {
  const list = s[key];
  if (!Array.isArray(list) || list.length === 0) {
    throw new SchemaError(`${key} at ${ptr} must be a non-empty array`);
  }
  if (hasOwn(s, "discriminator"))
    return discriminated(c, s.discriminator, list, `${ptr}/discriminator`);
  const fns = list.map((b, i) => c.node(b, `${ptr}/${key}/${i}`));
  const types = list.map((b) => typesOf(c, b, /* @__PURE__ */ new Set()));
  const want = [...new Set(types.flatMap((t) => [...t ?? []]))].join(" or ");
  const byKind = /* @__PURE__ */ new Map();
  for (const kind of ["null", "boolean", "number", "string", "array", "object", "other"]) {
    const fits = (t) => t === kind || t === "integer" && kind === "number";
    byKind.set(
      kind,
      fns.filter((_, i) => [...types[i] ?? [kind]].some(fits))
    );
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
      if (f === null && matched >= 0)
        return fail("value matches more than one alternative of oneOf");
      if (f === null) matched = i;
      else if (best === null || f.segs.length > best.segs.length) best = f;
    }
    return matched >= 0 ? null : best;
  };
}
function discriminated(c, d, list, ptr) {
  const prop = isPlain(d) ? own2(d, "propertyName") : void 0;
  const mapping = isPlain(d) ? own2(d, "mapping") : void 0;
  if (typeof prop !== "string" || !isPlain(mapping)) {
    throw new SchemaError(
      `discriminator at ${ptr} needs a string "propertyName" and a "mapping" object`
    );
  }
  const targets = Object.values(mapping);
  if (!list.every(
    (b) => isPlain(b) && Object.keys(b).length === 1 && targets.includes(own2(b, "$ref"))
  )) {
    throw new SchemaError(
      `discriminator at ${ptr}: each branch must be a lone "$ref" named in the mapping`
    );
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
var KIND_KEYWORDS = ["type", "enum", "const", "anyOf", "oneOf"];
var states = /* @__PURE__ */ new WeakMap();
function compile(schema, bundle) {
  const defs = isPlain(bundle) ? own2(bundle, "$defs") : void 0;
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
  return segs.reverse().reduce(pathStep, "$");
}
function node(st, s, ptr) {
  if (typeof s === "boolean") return s ? anyJson : () => fail("no value is allowed here");
  if (!isPlain(s)) throw new SchemaError(`schema at ${ptr} must be an object or a boolean`);
  const keys = Object.keys(s);
  const unknown = keys.find((k) => !KEYWORDS.has(k) && !ANNOTATIONS.has(k) && !k.startsWith("x-"));
  if (unknown !== void 0) throw new SchemaError(`unsupported keyword ${q(unknown)} at ${ptr}`);
  if (hasOwn(s, "$ref")) {
    const other = keys.find((k) => k !== "$ref" && KEYWORDS.has(k));
    if (other !== void 0)
      throw new SchemaError(`"$ref" next to ${q(other)} at ${ptr} is not supported`);
    return ref(st, s.$ref, `${ptr}/$ref`);
  }
  if (hasOwn(s, "discriminator") && hasOwn(s, "anyOf") === hasOwn(s, "oneOf")) {
    throw new SchemaError(`"discriminator" at ${ptr} needs exactly one of "anyOf" or "oneOf"`);
  }
  const parts = [typeChecks(st, s, ptr)];
  if (hasOwn(s, "enum")) parts.push(values(s.enum, `${ptr}/enum`));
  if (hasOwn(s, "const")) parts.push(values([s.const], `${ptr}/const`));
  for (const key of ["anyOf", "oneOf"])
    if (hasOwn(s, key)) parts.push(union(st, s, key, ptr));
  const fns = parts.filter((p) => p !== null);
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
function ref(st, target, ptr) {
  if (typeof target !== "string" || !target.startsWith("#/$defs/")) {
    throw new SchemaError(
      `unsupported $ref ${q(target)} at ${ptr}: only "#/$defs/<name>" is supported`
    );
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
  const type = own2(s, "type");
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
    // Own keys only: an absent "asks" must not be looked up on Object.prototype.
    asks: Object.hasOwn(schema, "asks") ? schema.asks ?? {} : {},
    incomingTags: Object.keys(schema.toBrowser.discriminator.mapping),
    tagField,
    checksJsonValues: true
  });
  built.set(tunnel, { text, typed });
  return typed;
}

// frontend/src/typed/schema-watch.ts
var KEY = "_typed_schema";
function currentTypedSchema(tunnel) {
  const value = tunnel.state(KEY);
  return typeof value === "string" ? value : "";
}
function typedSchemaOf(tunnel, timeoutMs = 1e4) {
  const now = currentTypedSchema(tunnel);
  if (now !== "") return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    let settled = false;
    const clock2 = tunnel._clock;
    const timer = clock2.setTimeout(() => {
      settled = true;
      reject(
        new Error(
          `IPyCallback: tunnel "${tunnel.tunnel_id}" has no typed messages after ${timeoutMs} ms; attach a TypedTunnel to it in Python`
        )
      );
    }, timeoutMs);
    tunnel.onStateChange(KEY, () => {
      const schema = currentTypedSchema(tunnel);
      if (settled || schema === "") return;
      settled = true;
      clock2.clearTimeout(timer);
      resolve(schema);
    });
  });
}

// frontend/src/typed/page-api.ts
function installTyped(registry) {
  const api = registry;
  if (typeof api.typed !== "function") {
    const typed = async (tunnelId, options = {}) => {
      const timeoutMs = options.timeoutMs ?? 1e4;
      const tunnel = await registry.wait(tunnelId, { timeoutMs });
      return typedFromSchema(tunnel, await typedSchemaOf(tunnel, timeoutMs));
    };
    Object.defineProperty(registry, "typed", { value: typed, enumerable: false });
  }
  return api;
}

// frontend/src/typed/ajv-issue.ts
var hasOwn2 = (o, k) => Object.hasOwn(o, k);
var quote = (v) => JSON.stringify(v) ?? String(v);
function show2(v) {
  if (typeof v === "string") return quote(v.length > 40 ? `${v.slice(0, 40)}\u2026` : v);
  if (v === null || typeof v !== "object") return String(v);
  return Array.isArray(v) ? "array" : "object";
}
function locate(root, pointer) {
  let path = "$";
  let value = root;
  for (const raw of pointer === "" ? [] : pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(value)) {
      path = pathStep(path, Number(key));
      value = value[Number(key)];
    } else {
      path = pathStep(path, key);
      const own3 = typeof value === "object" && value !== null && hasOwn2(value, key);
      value = own3 ? value[key] : void 0;
    }
  }
  return [path, value];
}
var EXPECTS = {
  "x-date-time": "an RFC 3339 date-time with an offset",
  "x-date": "an RFC 3339 date (YYYY-MM-DD)",
  "x-time": "an RFC 3339 time with an offset",
  "x-uuid": "a UUID",
  "x-safe-integer": "an integer within \xB1(2^53 - 1)"
};
function describe2(error, value, orNull) {
  const p = error.params;
  const got = `got ${show2(value)}`;
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
      return `expected one of ${p.allowedValues.map(quote).join(", ")}, ${got}`;
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
      return p.error === "tag" ? `expected a string naming the message type, ${got}` : `unknown message type ${show2(value)}`;
    default:
      return hasOwn2(EXPECTS, error.keyword) ? `expected ${EXPECTS[error.keyword]}, ${got}` : `failed "${error.keyword}"`;
  }
}
var pointerKey = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");
function ajvIssue(validate, value) {
  try {
    if (validate(value)) return null;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { path: "$", message: "value is nested too deeply to validate" };
  }
  const errors = validate.errors ?? [];
  const first = errors[0];
  if (first === void 0) return { path: "$", message: "invalid message" };
  let pointer = first.instancePath;
  if (first.keyword === "additionalProperties")
    pointer += `/${pointerKey(first.params.additionalProperty)}`;
  if (first.keyword === "discriminator") pointer += `/${pointerKey(first.params.tag)}`;
  const [path, at2] = locate(value, pointer);
  const orNull = errors.some(
    (e) => e !== first && e.keyword === "type" && e.params.type === "null" && e.instancePath === first.instancePath
  );
  return { path, message: describe2(first, at2, orNull) };
}

// frontend/src/index.ts
function initialize({ model, signal }) {
  const host = globalThis;
  const fresh = host.IPyCallback === void 0;
  const registry = installTyped(pageRegistry(host, VERSION));
  const tunnel = new Tunnel(String(model.get("tunnel_id")), model);
  registry._register(tunnel);
  tunnel._onClose(() => registry._unregister(tunnel));
  adoptReadyQueue(host, registry);
  if (fresh) globalThis.dispatchEvent?.(new Event("ipycallback:ready"));
  const cleanup = () => tunnel._close();
  signal?.addEventListener("abort", cleanup);
  return cleanup;
}
function render({ el }) {
  el.style.display = "none";
}
var index_default = { initialize, render };
export {
  API_LEVEL,
  KernelRestartedError,
  MessageValidationError,
  NESTING_LIMIT,
  OLDEST_API_LEVEL,
  RequestCancelledError,
  RequestTimeoutError,
  SupersededError,
  Tunnel,
  TunnelClosedError,
  TunnelError,
  TunnelRegistry,
  TypedTunnel,
  VERSION,
  ajvIssue,
  codePointLength,
  compile,
  index_default as default,
  isDate,
  isDateTime,
  isTime,
  isUuid,
  pathStep,
  typedSchemaOf,
  wireIssue
};
