import { checkMsg, checkVersion } from "./checks";
import type { Clock } from "./clock";
import { KernelRestartedError, TunnelClosedError } from "./closed-errors";
import { Delivery, type Handler, type KindHandler, type YieldTask } from "./delivery";
import {
  capsOf,
  type KernelLike,
  kernelOf,
  linkUp,
  reportKernelGone,
  watchKernel,
} from "./kernel-link";
import type { TunnelModel } from "./model";
import { watchPage } from "./page-lifecycle";
import { RateLimitedReporter } from "./rate-limited-reporter";
import { randomPeerId } from "./stream/peer-id";
import { ViewStream, type ViewStreamOptions } from "./stream/view-stream";
import { type Entry, type Incoming, Kind } from "./wire";

export { KernelRestartedError, TunnelClosedError };

export interface TunnelStats {
  sent: number;
  received: number;
  framesSent: number;
  framesReceived: number;
  pendingIn: number;
  dropped: number;
  handlerErrors: number;
  badFrames: number;
  /** Entries sent again because the kernel lacked them. */
  resent: number;
  /** Kernel entries received twice (dropped). */
  duplicates: number;
  /** Kernel entries the kernel no longer had when this page asked again. */
  lost: number;
  /** Kernel entries that arrived ahead of a gap and waited for it. */
  outOfOrder: number;
  /** Entries dropped from the resend buffer before the kernel acknowledged them. */
  evicted: number;
  /** Entries kept until the kernel acknowledges them. */
  unacked: number;
}

export interface TunnelOptions extends ViewStreamOptions {
  maxPending?: number;
  /** This view's peer id; random by default. */
  peerId?: string;
  yieldTask?: YieldTask;
  sliceMs?: number;
}

function endpoint(value: unknown): Entry {
  // The kernel leaves a message over 64 Ki characters out of the state: [version, null].
  if (!Array.isArray(value) || !Number.isSafeInteger(value[0])) return [0, ""];
  return [value[0] as number, typeof value[1] === "string" ? value[1] : ""];
}

/** The browser side of a SlowTunnelWidget: `window.IPyCallback.get(tunnel_id)`. */
export class Tunnel {
  readonly tunnel_id: string;
  readonly #model: TunnelModel;
  readonly #stream: ViewStream;
  readonly #delivery: Delivery;
  readonly #kernel: KernelLike | null;
  readonly #frameErrors: RateLimitedReporter;
  readonly #closeListeners: ((error: TunnelClosedError) => void)[] = [];
  readonly #unwatchPage: () => void;
  #unwatchKernel: () => void = () => {};
  #sentVersion: number;
  #receivedVersion: number;
  // Set once a typed layer receives through this tunnel: on_receive would take its messages.
  #typedLayer = false;
  #pyEndpoint: Entry;
  #jsEndpoint: Entry;
  #closeError: TunnelClosedError | null = null;
  #sent = 0;
  #received = 0;
  #framesReceived = 0;
  #badFrames = 0;

  constructor(tunnelId: string, model: TunnelModel, options: TunnelOptions = {}) {
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
        },
      },
      options,
    );
    this.#frameErrors = new RateLimitedReporter(prefix, this.#stream.clock);
    this.#delivery = new Delivery(tunnelId, {
      maxPending: options.maxPending ?? 100_000,
      clock: this.#stream.clock,
      yieldTask: options.yieldTask,
      sliceMs: options.sliceMs,
    });
    // Versions continue from the widget state, so a reloaded page keeps counting upwards.
    this.#pyEndpoint = endpoint(model.get("py_endpoint"));
    this.#jsEndpoint = endpoint(model.get("js_endpoint"));
    this.#sentVersion = this.#pyEndpoint[0];
    this.#receivedVersion = this.#jsEndpoint[0];
    model.on("msg:custom", (content: unknown) => this._receive(content));
    if (this.#kernel !== null) {
      const kernel = this.#kernel;
      this.#unwatchKernel = watchKernel(kernel, {
        onReconnect: () => this.#stream.hello(), // frames in flight were lost: both sides resend
        onGone: (reason) => this.#kernelGone(kernel, reason),
      });
    }
    // Leaving: the kernel may stop keeping entries for this view. Coming back from the
    // back/forward cache: introduce the view again, so both sides resend what they lack.
    this.#unwatchPage = watchPage({
      onHide: () => this.#stream.bye(),
      onRestore: () => this.#stream.hello(),
    });
    this.#stream.hello();
  }

  /** @internal This view's peer id. */
  get _peerId(): string {
    return this.#stream.peer;
  }

  /** @internal The clock every timer of this tunnel uses. */
  get _clock(): Clock {
    return this.#stream.clock;
  }

  /**
   * A value of the widget state, which layers above the tunnel (the typed layer's schema) may
   * add to in the kernel; undefined when absent.
   */
  state(key: string): unknown {
    return this.#model.get(key);
  }

  /** Calls `callback` whenever the kernel changes the widget state's `key`. */
  onStateChange(key: string, callback: () => void): void {
    this.#model.on(`change:${key}`, callback);
  }

  /** Sends `msg` to the kernel; returns its version (the previous version + 1). */
  send_msg(msg: string): number {
    checkMsg("send_msg", msg);
    this.#checkOpen();
    const version = this.#sentVersion + 1;
    this.#enqueue(version, msg, Kind.Message);
    return version;
  }

  /** Sends a reply tagged with its request's version; false when it is stale and dropped. */
  send_msg_with_version(version: number, msg: string): boolean {
    checkVersion("send_msg_with_version", version);
    checkMsg("send_msg_with_version", msg);
    this.#checkOpen();
    if (version < this.#receivedVersion) return false;
    this.#enqueue(version, msg, Kind.Message);
    return true;
  }

  /** Replaces the handler; messages that waited for one are delivered now, in order. */
  on_receive(handler: Handler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(
        `on_receive() expects a function (version, msg) => void, got ${typeof handler}`,
      );
    }
    if (this.#typedLayer) {
      // Replacing the typed layer's handler would leave its requests waiting and its handlers
      // silently unused.
      throw new TypeError(
        `on_receive(): tunnel "${this.tunnel_id}" carries typed messages; receive its plain ` +
          "strings with onPlain(handler) of the typed tunnel",
      );
    }
    // Replies, errors and cancellations belong to the typed layer: a plain handler never sees them.
    this.#delivery.setHandler(
      handler === null
        ? null
        : (version, msg, kind) => {
            if (kind === Kind.Message) handler(version, msg);
          },
    );
  }

  /** @internal Like on_receive, for the typed layer, which also needs each message's kind. */
  _onReceiveKind(handler: KindHandler | null): void {
    this.#typedLayer = handler !== null;
    this.#delivery.setHandler(handler);
  }

  /** @internal The typed layer's way to send replies, errors and cancellations. */
  _sendKind(version: number, msg: string, kind: Kind, dropStale: boolean): boolean {
    checkMsg("send", msg);
    this.#checkOpen();
    if (dropStale && version < this.#receivedVersion) return false;
    this.#enqueue(version, msg, kind);
    return true;
  }

  /** Sends queued messages now rather than at the end of the current task. */
  flush(): void {
    this.#stream.flush();
  }

  get py_endpoint(): Entry {
    return [...this.#pyEndpoint];
  }

  get js_endpoint(): Entry {
    return [...this.#jsEndpoint];
  }

  get closed(): boolean {
    return this.#closeError !== null;
  }

  get stats(): TunnelStats {
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
      unacked: stream.unacked,
    };
  }

  /** @internal Reads one custom message from the kernel. */
  _receive(content: unknown): void {
    this.#framesReceived += 1;
    this.#stream.receive(content);
  }

  /** @internal Closes the tunnel (the kernel closed the widget, the model went away, ...). */
  _close(error?: TunnelClosedError): void {
    if (this.#closeError !== null) return;
    this.#closeError =
      error ??
      new TunnelClosedError(
        `IPyCallback: tunnel "${this.tunnel_id}" is closed; ` +
          "look it up again with window.IPyCallback.get() after re-creating it in Python",
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
  _onClose(listener: (error: TunnelClosedError) => void): void {
    if (this.#closeError !== null) listener(this.#closeError);
    else this.#closeListeners.push(listener);
  }

  #kernelGone(kernel: KernelLike, reason: string): void {
    if (this.closed) return;
    reportKernelGone(kernel, this.tunnel_id, reason);
    const what = reason === "disposed" ? "kernel connection was closed" : `kernel is ${reason}`;
    this._close(
      new KernelRestartedError(
        `IPyCallback: tunnel "${this.tunnel_id}" is closed: the ${what}; run the cell that ` +
          `creates it again, then look it up with window.IPyCallback.wait(${JSON.stringify(this.tunnel_id)})`,
      ),
    );
  }

  #transmit(frame: unknown): void {
    // Lost, as in a network cut: the entries stay kept, and the hello after the reconnect has
    // both sides send again what the other lacks (see linkUp).
    if (!linkUp(this.#kernel)) return;
    try {
      this.#model.send(frame);
    } catch (error) {
      // The entries stay kept: the next probe or hello has them sent again.
      this.#frameErrors.report("sending a frame failed:", error);
    }
  }

  #deliver(entries: Incoming[]): void {
    for (const [version, msg, kind] of entries) {
      // Replies, errors and cancellations carry this side's versions: they do not count here.
      if (kind !== Kind.Message) continue;
      if (version > this.#receivedVersion) this.#receivedVersion = version;
      this.#jsEndpoint = [version, msg];
    }
    this.#received += entries.length;
    this.#delivery.deliver(entries);
  }

  #enqueue(version: number, msg: string, kind: Kind): void {
    if (kind === Kind.Message) {
      // Replies, errors and cancellations carry the kernel's versions: they must not move this
      // side's counter (as in the kernel).
      if (version > this.#sentVersion) this.#sentVersion = version;
      this.#pyEndpoint = [version, msg];
    }
    this.#sent += 1;
    this.#stream.push(version, msg, kind);
  }

  #checkOpen(): void {
    const error = this.#closeError;
    if (error === null) return;
    // A fresh error, so its stack shows the caller, of the class the tunnel closed with.
    throw error instanceof KernelRestartedError
      ? new KernelRestartedError(error.message)
      : new TunnelClosedError(error.message);
  }
}
