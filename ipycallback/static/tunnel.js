// ipycallback 0.2.0: built from frontend/src by esbuild; do not edit.

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
  Tunnel,
  TunnelClosedError,
  TunnelRegistry,
  VERSION,
  index_default as default
};
