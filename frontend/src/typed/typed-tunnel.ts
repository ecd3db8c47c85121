import type { Tunnel } from "../tunnel";
import { Kind } from "../wire";
import {
  MessageValidationError,
  RequestTimeoutError,
  SupersededError,
  type TunnelError,
  readWireError,
  wireError,
} from "./errors";
import type { ValidationIssue, Validator } from "./validate";

/** A message of a declared set: an object whose tag field names its type. */
export type Tagged<K extends string = "type"> = { readonly [P in K]: string };
export type OfTag<U, K extends string, T> = Extract<U, { readonly [P in K]: T }>;

export interface TypedSpec {
  /** Validates what this side sends (browser to kernel). */
  validateOutgoing: Validator;
  /** Validates what this side receives (kernel to browser). */
  validateIncoming: Validator;
  /** Request tag to reply tag. */
  replies: Readonly<Record<string, string>>;
  /** The tags this side may receive: anything else is an unknown type, not a bad message. */
  incomingTags: readonly string[];
  /** The field that names a message's type; "type" by default, as in msgspec. */
  tagField?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface TypedStats {
  received: number;
  handled: number;
  staleReplies: number;
  rejected: number;
  handlerErrors: number;
  errorsReceived: number;
}

interface Pending {
  tag: string;
  version: number;
  resolve: (msg: unknown) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

const MAX_WAITING = 10_000;

function tagOf(value: unknown, field: string): string | null {
  if (typeof value !== "object" || value === null || !Object.hasOwn(value, field)) return null;
  const tag = (value as Record<string, unknown>)[field];
  return typeof tag === "string" ? tag : null;
}

/**
 * Typed messages over a Tunnel. `Out` is the union this side sends, `In` the union it receives,
 * and `Replies` maps a request's tag to its reply's tag. Messages are validated before they are
 * sent and before any handler sees them; a reply older than the latest request of its type is
 * dropped, and a newer request rejects the older pending one with a SupersededError.
 */
export class TypedTunnel<
  Out extends Tagged<K>,
  In extends Tagged<K>,
  Replies extends { [T in Out[K]]?: In[K] } = Record<never, never>,
  K extends string = "type",
> {
  readonly tunnel: Tunnel;
  readonly #spec: TypedSpec;
  readonly #tagField: string;
  readonly #handlers = new Map<string, (version: number, msg: never) => void>();
  readonly #pendingByVersion = new Map<number, Pending>();
  readonly #pendingByTag = new Map<string, Pending>();
  readonly #latestRequest = new Map<string, number>();
  readonly #requestOfReply = new Map<string, string>();
  readonly #incomingTags: ReadonlySet<string>;
  // Messages of a type whose handler is not registered yet, e.g. pushed before on() ran.
  readonly #waiting = new Map<string, [number, unknown][]>();
  #plain: ((version: number, msg: string) => void) | null = null;
  #onError: ((error: TunnelError) => void) | null = null;
  readonly stats: TypedStats = {
    received: 0,
    handled: 0,
    staleReplies: 0,
    rejected: 0,
    handlerErrors: 0,
    errorsReceived: 0,
  };

  constructor(tunnel: Tunnel, spec: TypedSpec) {
    this.tunnel = tunnel;
    this.#spec = spec;
    this.#tagField = spec.tagField ?? "type";
    this.#incomingTags = new Set(spec.incomingTags);
    for (const [request, reply] of Object.entries(spec.replies)) {
      this.#requestOfReply.set(reply, request);
    }
    tunnel._onReceiveKind((version, text, kind) => this.#receive(version, text, kind));
  }

  /** Validates and sends `msg`; returns its version. Throws MessageValidationError. */
  send(msg: Out): number {
    return this.tunnel.send_msg(this.#encode(msg));
  }

  /** Plain strings still travel on the same tunnel. */
  send_msg(msg: string): number {
    return this.tunnel.send_msg(msg);
  }

  /** Registers the handler for one message type; it replaces any previous one. */
  on<T extends In[K]>(tag: T, handler: (version: number, msg: OfTag<In, K, T>) => void): void {
    if (typeof handler !== "function") {
      throw new TypeError(`on("${String(tag)}") expects a function, got ${typeof handler}`);
    }
    this.#handlers.set(tag, handler as (version: number, msg: never) => void);
    const waiting = this.#waiting.get(tag) ?? [];
    this.#waiting.delete(tag);
    for (const [version, msg] of waiting) this.#deliver(version, tag, msg);
  }

  /** Receives payloads that are not declared messages (plain send_msg strings). */
  onPlain(handler: ((version: number, msg: string) => void) | null): void {
    this.#plain = handler;
  }

  /** Receives errors the kernel reports about messages sent from here. */
  onError(handler: ((error: TunnelError) => void) | null): void {
    this.#onError = handler;
  }

  /** Sends a request; resolves with its reply, or rejects (superseded, timeout, abort, error). */
  request<M extends Out>(
    msg: M,
    options: RequestOptions = {},
  ): Promise<OfTag<In, K, Replies[M[K] & keyof Replies]>> {
    const tag = tagOf(msg, this.#tagField) ?? "";
    if (!Object.hasOwn(this.#spec.replies, tag)) {
      return Promise.reject(new TypeError(`request(): ${tag} has no declared reply type`));
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    let version: number;
    try {
      version = this.send(msg);
    } catch (error) {
      return Promise.reject(error);
    }
    const older = this.#pendingByTag.get(tag);
    if (older !== undefined) {
      older.cleanup();
      older.reject(new SupersededError(tag, older.version, version));
    }
    this.#latestRequest.set(tag, version);
    return new Promise((resolve, reject) => {
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              pending.cleanup();
              reject(new RequestTimeoutError(`${tag} version ${version}: no reply in ${options.timeoutMs} ms`));
            }, options.timeoutMs);
      const onAbort = (): void => {
        pending.cleanup();
        reject(options.signal?.reason);
      };
      const pending: Pending = {
        tag,
        version,
        resolve: resolve as (msg: unknown) => void,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          if (this.#pendingByVersion.get(version) === pending) this.#pendingByVersion.delete(version);
          if (this.#pendingByTag.get(tag) === pending) this.#pendingByTag.delete(tag);
        },
      };
      options.signal?.addEventListener("abort", onAbort);
      this.#pendingByVersion.set(version, pending);
      this.#pendingByTag.set(tag, pending);
    });
  }

  #encode(msg: Out): string {
    const issue = this.#spec.validateOutgoing(msg);
    if (issue !== null) throw new MessageValidationError(issue.message, issue.path);
    return JSON.stringify(msg);
  }

  #receive(version: number, text: string, kind: Kind): void {
    if (kind === Kind.Error) {
      this.#receivedError(readWireError(version, text));
      return;
    }
    this.stats.received += 1;
    let msg: unknown;
    try {
      // JSON.parse defines "__proto__" as an own key; nothing here copies keys onto objects.
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    const tag = tagOf(msg, this.#tagField);
    const issue: ValidationIssue | null =
      tag === null ? null : this.#spec.validateIncoming(msg);
    if (tag === null || issue !== null) {
      this.#reject(version, text, tag, issue, kind);
      return;
    }
    if (kind === Kind.Reply) {
      const pending = this.#pendingByVersion.get(version);
      if (pending !== undefined) {
        pending.cleanup();
        pending.resolve(msg);
        return;
      }
      const request = this.#requestOfReply.get(tag);
      if (request !== undefined && version < (this.#latestRequest.get(request) ?? 0)) {
        this.stats.staleReplies += 1; // the seed's rule: a reply older than the latest request
        return;
      }
    }
    this.#deliver(version, tag, msg);
  }

  #deliver(version: number, tag: string, msg: unknown): void {
    const handler = this.#handlers.get(tag);
    if (handler === undefined) {
      const waiting = this.#waiting.get(tag) ?? [];
      waiting.push([version, msg]);
      if (waiting.length > MAX_WAITING) {
        waiting.shift();
        console.warn(
          `IPyCallback [${this.tunnel.tunnel_id}]: no handler for ${tag}; ` +
            `dropped the oldest of ${MAX_WAITING + 1} waiting messages`,
        );
      }
      this.#waiting.set(tag, waiting);
      return;
    }
    this.stats.handled += 1;
    try {
      handler(version, msg as never);
    } catch (error) {
      this.stats.handlerErrors += 1;
      console.error(`IPyCallback [${this.tunnel.tunnel_id}]: the handler for ${tag} threw`, error);
      this.#sendError(version, "handler_exception", `${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? String(error)}`, null, tag);
    }
  }

  #reject(version: number, text: string, tag: string | null, issue: ValidationIssue | null, kind: Kind): void {
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
    const message =
      issue?.message ?? "not a declared message: expected an object with a type tag";
    this.#sendError(version, code, message, issue?.path ?? null, tag);
    if (kind === Kind.Reply) {
      const pending = this.#pendingByVersion.get(version);
      pending?.cleanup();
      pending?.reject(new MessageValidationError(message, issue?.path ?? "$"));
    }
  }

  #sendError(version: number, code: "validation" | "unknown_type" | "handler_exception", message: string, path: string | null, type: string | null): void {
    if (!this.tunnel.closed) this.tunnel._sendKind(version, wireError(code, message, path, type), Kind.Error, false);
  }

  #receivedError(error: TunnelError): void {
    this.stats.errorsReceived += 1;
    const pending = this.#pendingByVersion.get(error.version);
    if (pending !== undefined) {
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
}
