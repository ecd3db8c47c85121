import { wellFormed } from "../tunnel/checks";
import { RateLimitedReporter } from "../tunnel/rate-limited-reporter";
import type { Tunnel } from "../tunnel/tunnel";
import { Kind } from "../tunnel/wire";
import { MessageValidationError, type TunnelError, readWireError, wireError } from "./errors";
import { PendingRequests, type RequestOptions } from "./pending-requests";
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

export type { RequestOptions } from "./pending-requests";

export interface TypedStats {
  received: number;
  handled: number;
  staleReplies: number;
  rejected: number;
  handlerErrors: number;
  errorsReceived: number;
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
  readonly #pending: PendingRequests;
  readonly #latestRequest = new Map<string, number>();
  readonly #requestOfReply = new Map<string, string>();
  readonly #incomingTags: ReadonlySet<string>;
  // Messages of a type whose handler is not registered yet, e.g. pushed before on() ran.
  readonly #waiting = new Map<string, [number, unknown][]>();
  #plain: ((version: number, msg: string) => void) | null = null;
  #onError: ((error: TunnelError) => void) | null = null;
  // Handler errors and unhandled error reports can come by the thousand: summarised.
  readonly #reporter: RateLimitedReporter;
  readonly #warnings: RateLimitedReporter;
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
    const prefix = `IPyCallback [${tunnel.tunnel_id}]`;
    this.#reporter = new RateLimitedReporter(prefix, tunnel._clock);
    this.#warnings = new RateLimitedReporter(prefix, tunnel._clock, { log: (...args) => console.warn(...args) });
    this.#pending = new PendingRequests(tunnel._clock);
    tunnel._onReceiveKind((version, text, kind) => this.#receive(version, text, kind));
    // No reply can come any more: every pending request fails at once, with the close error
    // (a KernelRestartedError after a restart).
    tunnel._onClose((error) => this.#pending.rejectAll(error));
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
    this.#latestRequest.set(tag, version);
    return this.#pending.add(tag, version, options, (reason) => this.#cancel(version, reason)) as Promise<
      OfTag<In, K, Replies[M[K] & keyof Replies]>
    >;
  }

  #encode(msg: Out): string {
    const issue = this.#spec.validateOutgoing(msg);
    if (issue !== null) throw new MessageValidationError(issue.message, issue.path);
    return JSON.stringify(msg);
  }

  #receive(version: number, text: string, kind: Kind): void {
    // The kernel withdrew a request it sent here: handlers here run to completion at once, so
    // there is nothing left to stop.
    if (kind === Kind.Cancel) return;
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
      const pending = this.#pending.take(version);
      if (pending !== undefined) {
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
        this.#warnings.report(`no handler for ${tag}; dropped the oldest of ${MAX_WAITING + 1} waiting messages`);
      }
      this.#waiting.set(tag, waiting);
      return;
    }
    this.stats.handled += 1;
    try {
      handler(version, msg as never);
    } catch (error) {
      this.stats.handlerErrors += 1;
      this.#reporter.report(`the handler for ${tag} threw`, error);
      this.#sendError(version, "handler_exception", `${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? String(error)}`, null, tag);
    }
  }

  #reject(version: number, text: string, tag: string | null, issue: ValidationIssue | null, kind: Kind): void {
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
    const message =
      issue?.message ?? "not a declared message: expected an object with a type tag";
    this.#sendError(version, code, message, issue?.path ?? null, tag);
    if (kind === Kind.Reply) {
      this.#pending.take(version)?.reject(new MessageValidationError(message, issue?.path ?? "$"));
    }
  }

  #sendError(version: number, code: "validation" | "unknown_type" | "handler_exception", message: string, path: string | null, type: string | null): void {
    // The text may quote what the handler or validator saw. JSON escapes a lone surrogate, but
    // the kernel would decode it back into a string it cannot print: U+FFFD instead.
    const report = wireError(code, wellFormed(message), path, type === null ? null : wellFormed(type));
    if (!this.tunnel.closed) this.tunnel._sendKind(version, report, Kind.Error, false);
  }

  #cancel(version: number, reason: string): void {
    // Best effort: the kernel may stop working on a request nobody waits for.
    if (!this.tunnel.closed) this.tunnel._sendKind(version, reason, Kind.Cancel, false);
  }

  #receivedError(error: TunnelError): void {
    this.stats.errorsReceived += 1;
    const pending = this.#pending.take(error.version);
    if (pending !== undefined) {
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
}
