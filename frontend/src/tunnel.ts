import { Delivery, type Handler, type KindHandler } from "./delivery";
import type { TunnelModel } from "./model";
import { type Entry, Kind, packFrames, readFrame } from "./wire";

export class TunnelClosedError extends Error {
  override name = "TunnelClosedError";
}

export interface TunnelStats {
  sent: number;
  received: number;
  framesSent: number;
  framesReceived: number;
  pendingIn: number;
  dropped: number;
  handlerErrors: number;
  badFrames: number;
}

function describe(value: unknown): string {
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    text = "?";
  }
  return `${type}: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function checkMsg(method: string, msg: unknown): asserts msg is string {
  if (typeof msg !== "string") {
    throw new TypeError(`${method}() expects msg to be a string, got ${describe(msg)}`);
  }
}

function checkVersion(method: string, version: unknown): asserts version is number {
  if (!Number.isSafeInteger(version) || (version as number) < 0) {
    throw new TypeError(
      `${method}() expects version to be a non-negative integer, got ${describe(version)}`,
    );
  }
}

function endpoint(value: unknown): Entry {
  return Array.isArray(value) &&
    Number.isSafeInteger(value[0]) &&
    typeof value[1] === "string"
    ? [value[0] as number, value[1]]
    : [0, ""];
}

/** The browser side of a SlowTunnelWidget: `window.IPyCallback.get(tunnel_id)`. */
export class Tunnel {
  readonly tunnel_id: string;
  readonly #model: TunnelModel;
  readonly #delivery: Delivery;
  #sentVersion: number;
  #receivedVersion: number;
  #pyEndpoint: Entry;
  #jsEndpoint: Entry;
  #outbox: Entry[] = [];
  #flushQueued = false;
  #closed = false;
  readonly #schemaWaiters: (() => void)[] = [];
  #sent = 0;
  #received = 0;
  #framesSent = 0;
  #framesReceived = 0;
  #badFrames = 0;

  constructor(tunnelId: string, model: TunnelModel, options: { maxPending?: number } = {}) {
    this.tunnel_id = tunnelId;
    this.#model = model;
    this.#delivery = new Delivery(tunnelId, options.maxPending ?? 100_000);
    // Versions continue from the widget state, so a reloaded page keeps counting upwards.
    this.#pyEndpoint = endpoint(model.get("py_endpoint"));
    this.#jsEndpoint = endpoint(model.get("js_endpoint"));
    this.#sentVersion = this.#pyEndpoint[0];
    this.#receivedVersion = this.#jsEndpoint[0];
    model.on("msg:custom", (content: unknown) => this._receive(content));
    model.on("change:_typed_schema", () => {
      for (const notify of this.#schemaWaiters.splice(0)) notify();
    });
  }

  /** @internal The message set's JSON Schema, set by a TypedTunnel in the kernel ("" if none). */
  get _typedSchema(): string {
    const value = this.#model.get("_typed_schema");
    return typeof value === "string" ? value : "";
  }

  /** @internal Resolves with the typed schema once the kernel has attached one. */
  _whenTypedSchema(timeoutMs: number): Promise<string> {
    if (this._typedSchema !== "") return Promise.resolve(this._typedSchema);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `IPyCallback: tunnel "${this.tunnel_id}" has no typed messages after ${timeoutMs} ms; ` +
                "attach a TypedTunnel to it in Python",
            ),
          ),
        timeoutMs,
      );
      this.#schemaWaiters.push(() => {
        clearTimeout(timer);
        resolve(this._typedSchema);
      });
    });
  }

  /** Sends `msg` to the kernel; returns its version (the previous version + 1). */
  send_msg(msg: string): number {
    checkMsg("send_msg", msg);
    this.#checkOpen();
    const version = this.#sentVersion + 1;
    this.#enqueue(version, msg);
    return version;
  }

  /** Sends a reply tagged with its request's version; false when it is stale and dropped. */
  send_msg_with_version(version: number, msg: string): boolean {
    checkVersion("send_msg_with_version", version);
    checkMsg("send_msg_with_version", msg);
    this.#checkOpen();
    if (version < this.#receivedVersion) return false;
    this.#enqueue(version, msg);
    return true;
  }

  /** Replaces the handler; messages that waited for one are delivered now, in order. */
  on_receive(handler: Handler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(
        `on_receive() expects a function (version, msg) => void, got ${typeof handler}`,
      );
    }
    this._onReceiveKind(handler === null ? null : (version, msg) => handler(version, msg));
  }

  /** @internal Like on_receive, for the typed layer, which also needs each message's kind. */
  _onReceiveKind(handler: KindHandler | null): void {
    this.#delivery.setHandler(handler);
  }

  /** @internal The typed layer's way to send replies and errors; same rules as send_msg*. */
  _sendKind(version: number, msg: string, kind: Kind, dropStale: boolean): boolean {
    this.#checkOpen();
    if (dropStale && version < this.#receivedVersion) return false;
    this.#enqueue(version, msg, kind);
    return true;
  }

  /** Sends queued messages now rather than at the end of the current task. */
  flush(): void {
    this.#flushQueued = false;
    if (this.#outbox.length === 0 || this.#closed) return;
    const frames = packFrames(this.#outbox);
    this.#outbox = [];
    for (const frame of frames) this.#model.send(frame);
    this.#framesSent += frames.length;
  }

  get py_endpoint(): Entry {
    return [...this.#pyEndpoint];
  }

  get js_endpoint(): Entry {
    return [...this.#jsEndpoint];
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stats(): TunnelStats {
    return {
      sent: this.#sent,
      received: this.#received,
      framesSent: this.#framesSent,
      framesReceived: this.#framesReceived,
      pendingIn: this.#delivery.pending,
      dropped: this.#delivery.dropped,
      handlerErrors: this.#delivery.handlerErrors,
      badFrames: this.#badFrames,
    };
  }

  /** @internal Reads one custom message from the kernel. */
  _receive(content: unknown): void {
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
    const [lastVersion, lastMsg] = entries[entries.length - 1] as Entry;
    this.#jsEndpoint = [lastVersion, lastMsg];
    this.#delivery.deliver(entries);
  }

  /** @internal Called when the kernel closes the widget or the model goes away. */
  _close(): void {
    this.#closed = true;
    this.#outbox = [];
  }

  #enqueue(version: number, msg: string, kind: Kind = Kind.Message): void {
    if (version > this.#sentVersion) this.#sentVersion = version;
    this.#pyEndpoint = [version, msg];
    this.#outbox.push(kind === Kind.Message ? [version, msg] : [version, msg, kind]);
    this.#sent += 1;
    // Everything sent in one task leaves as one batch, right after the task.
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new TunnelClosedError(
        `IPyCallback: tunnel "${this.tunnel_id}" is closed; ` +
          "look it up again with window.IPyCallback.get() after re-creating it in Python",
      );
    }
  }
}
