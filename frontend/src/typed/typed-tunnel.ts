import { checkTimeout, wellFormed } from "../tunnel/checks";
import { describeError, RateLimitedReporter } from "../tunnel/rate-limited-reporter";
import type { Tunnel } from "../tunnel/tunnel";
import { Kind } from "../tunnel/wire";
import { Answering, NO_HANDLER_GRACE_MS, type RequestHandler, tagOf } from "./answering";
import {
  type ErrorCode,
  MessageValidationError,
  readWireError,
  type TunnelError,
  wireError,
} from "./errors";
import { PendingRequests, type RequestOptions, type Settle } from "./pending-requests";
import { type TypedSpec, type TypedStats, zeroStats } from "./spec";
import type { HandlerFor, ReplyOf, RequestOf, Tagged } from "./tags";
import type { ValidationIssue } from "./validate";
import { jsonValueIssue } from "./validate-any";
import { wireIssue } from "./wire-limits";

export type { RequestOptions } from "./pending-requests";
export type { TypedSpec, TypedStats } from "./spec";
export type { HandlerFor, OfTag, Tagged } from "./tags";

const MAX_WAITING = 10_000;

/**
 * Typed messages over a Tunnel. `Out` is the union this side sends, `In` the union it receives,
 * `Replies` maps the tag of a request this side sends to its reply's tag, and `Asks` the tag of
 * a request the kernel sends to the tag of the reply this side returns. Messages are validated
 * before they are sent and before any handler sees them. A newer request of a type replaces the
 * older one both ways: here, its pending promise rejects with a SupersededError and a late reply
 * is dropped; in a handler of the kernel's requests, its AbortSignal aborts and no reply is sent.
 */
export class TypedTunnel<
  Out extends Tagged<K>,
  In extends Tagged<K>,
  Replies extends { [T in Out[K]]?: In[K] } = Record<never, never>,
  Asks extends { [T in In[K]]?: Out[K] } = Record<never, never>,
  K extends string = "type",
> {
  readonly tunnel: Tunnel;
  readonly #spec: TypedSpec;
  readonly #tagField: string;
  readonly #handlers = new Map<string, (version: number, msg: never) => void>();
  readonly #pending: PendingRequests;
  readonly #answering: Answering;
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
  readonly stats: TypedStats = zeroStats();

  constructor(tunnel: Tunnel, spec: TypedSpec) {
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
      log: (...args) => console.warn(...args),
    });
    this.#pending = new PendingRequests(tunnel._clock);
    this.#answering = new Answering(
      {
        clock: tunnel._clock,
        stats: this.stats,
        tagField: this.#tagField,
        encode: (msg) => this.#encode(msg as Out),
        reply: (version, text) =>
          !this.tunnel.closed && this.tunnel._sendKind(version, text, Kind.Reply, false),
        failed: (version, tag, error) => this.#handlerFailed(version, tag, error),
        noHandler: (version, tag) => this.#noHandler(version, tag),
      },
      asks,
    );
    tunnel._onReceiveKind((version, text, kind) => this.#receive(version, text, kind));
    // No reply can come or go any more: every pending request fails at once, and every handler
    // of a kernel request is aborted, with the close error (a KernelRestartedError after a restart).
    tunnel._onClose((error) => {
      this.#pending.rejectAll(error);
      this.#answering.close(error);
    });
  }

  /** Validates and sends `msg`; returns its version. Throws MessageValidationError. */
  send(msg: Out): number {
    return this.tunnel.send_msg(this.#encode(msg));
  }

  /** Plain strings still travel on the same tunnel. */
  send_msg(msg: string): number {
    return this.tunnel.send_msg(msg);
  }

  /**
   * Registers the handler for one message type; it replaces any previous one. The handler of a
   * request the kernel sends returns the reply (or a promise of it) and gets an AbortSignal,
   * which aborts when a newer request of the type comes or the kernel cancels this one.
   */
  on<T extends In[K]>(tag: T, handler: HandlerFor<Out, In, Asks, K, T>): void {
    if (typeof handler !== "function") {
      throw new TypeError(`on("${String(tag)}") expects a function, got ${typeof handler}`);
    }
    if (!this.#incomingTags.has(tag)) {
      // As in Python: a misspelt tag would otherwise leave the handler silently never called.
      const declared = [...this.#incomingTags].join(", ") || "none";
      throw new TypeError(
        `on("${String(tag)}"): not a message the kernel sends here (declared: ${declared})`,
      );
    }
    if (this.#answering.isRequest(tag)) {
      this.#answering.register(tag, handler as RequestHandler);
      return;
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

  /** Receives errors the kernel reports about messages and replies sent from here. */
  onError(handler: ((error: TunnelError) => void) | null): void {
    this.#onError = handler;
  }

  /** Sends a request; resolves with its reply, or rejects (superseded, timeout, abort, error). */
  request<M extends RequestOf<Out, Replies, K>>(
    msg: M,
    options: RequestOptions = {},
  ): Promise<ReplyOf<In, Replies, K, M>> {
    const tag = tagOf(msg, this.#tagField) ?? "";
    if (!Object.hasOwn(this.#spec.replies, tag)) {
      const what = tag === "" ? `a message without a "${this.#tagField}" tag` : tag;
      return Promise.reject(new TypeError(`request(): ${what} has no declared reply type`));
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    let version: number;
    try {
      checkTimeout("request", options.timeoutMs); // before anything is sent
      version = this.send(msg);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#latestRequest.set(tag, version);
    const reply = this.#pending.add(tag, version, options, (reason) =>
      this.#cancel(version, reason),
    );
    return reply as Promise<ReplyOf<In, Replies, K, M>>;
  }

  #encode(msg: Out): string {
    const issue =
      this.#spec.validateOutgoing(msg) ??
      (this.#spec.checksJsonValues === true ? null : jsonValueIssue(msg));
    if (issue !== null) throw new MessageValidationError(issue.message, issue.path);
    const text = JSON.stringify(msg);
    const limit = wireIssue(text, msg);
    if (limit !== null) throw new MessageValidationError(limit.message, limit.path);
    return text;
  }

  #receive(version: number, text: string, kind: Kind): void {
    if (kind === Kind.Cancel) {
      this.#answering.cancel(version, text);
      return;
    }
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
      tag === null ? null : (wireIssue(text, msg) ?? this.#spec.validateIncoming(msg));
    if (tag === null || issue !== null) {
      this.#reject(version, text, tag, issue, kind);
      return;
    }
    if (kind === Kind.Reply) {
      const pending = this.#pending.take(version);
      if (pending !== undefined) {
        this.#resolveReply(pending, version, tag, msg);
        return;
      }
      const request = this.#requestOfReply.get(tag);
      // The seed's rule: a reply older than the latest request is stale. A reply can never be
      // a request of the kernel's either (only messages are).
      if (
        (request !== undefined && version < (this.#latestRequest.get(request) ?? 0)) ||
        this.#answering.isRequest(tag)
      ) {
        this.stats.staleReplies += 1;
        return;
      }
    } else if (this.#answering.isRequest(tag)) {
      this.#answering.arrived(version, tag, msg);
      return;
    }
    this.#deliver(version, tag, msg);
  }

  #resolveReply(pending: Settle, version: number, tag: string, msg: unknown): void {
    const expected = this.#spec.replies[pending.tag];
    if (tag === expected) {
      pending.resolve(msg);
      return;
    }
    // Valid, but not the declared reply: as the kernel does, a validation error both ways.
    const reason = `expected a ${expected ?? "declared"} reply to ${pending.tag}, got ${tag}`;
    pending.reject(new MessageValidationError(reason, "$"));
    this.stats.rejected += 1;
    this.#sendError(version, "validation", reason, "$", pending.tag);
  }

  #deliver(version: number, tag: string, msg: unknown): void {
    const handler = this.#handlers.get(tag);
    if (handler === undefined) {
      const waiting = this.#waiting.get(tag) ?? [];
      waiting.push([version, msg]);
      if (waiting.length > MAX_WAITING) {
        waiting.shift();
        this.#warnings.report(
          `no handler for ${tag}; dropped the oldest of ${MAX_WAITING + 1} waiting messages`,
        );
      }
      this.#waiting.set(tag, waiting);
      return;
    }
    this.stats.handled += 1;
    try {
      handler(version, msg as never);
    } catch (error) {
      this.#handlerFailed(version, tag, error);
    }
  }

  #handlerFailed(version: number, tag: string, error: unknown): void {
    this.stats.handlerErrors += 1;
    this.#reporter.report(`the handler for ${tag} threw`, error);
    // Duck-typed: an error from another realm (an iframe) is no instance of this page's Error.
    const { name, message } = (
      typeof error === "object" && error !== null ? error : {}
    ) as Partial<Error>;
    const text = `${typeof name === "string" ? name : "Error"}: ${typeof message === "string" ? message : describeError(error)}`;
    // A reply the handler returned that its declared type refuses: say where, as a validation
    // error of a received message would.
    const path = error instanceof MessageValidationError ? error.path : null;
    this.#sendError(version, "handler_exception", text, path, tag);
  }

  #noHandler(version: number, tag: string): void {
    const seconds = NO_HANDLER_GRACE_MS / 1000;
    this.#warnings.report(
      `no handler for the kernel's ${tag} requests within ${seconds} s; told the kernel`,
    );
    const message = `the page has no handler for ${tag} requests (register one with on("${tag}", handler))`;
    this.#sendError(version, "no_handler", message, null, tag);
  }

  #reject(
    version: number,
    text: string,
    tag: string | null,
    issue: ValidationIssue | null,
    kind: Kind,
  ): void {
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
    if (kind === Kind.Reply) {
      this.#pending.take(version)?.reject(new MessageValidationError(message, issue?.path ?? "$"));
    }
  }

  #sendError(
    version: number,
    code: ErrorCode,
    message: string,
    path: string | null,
    type: string | null,
  ): void {
    // The text may quote what the handler or validator saw. JSON escapes a lone surrogate, but
    // the kernel would decode it back into a string it cannot print: U+FFFD instead.
    const report = wireError(
      code,
      wellFormed(message),
      path,
      type === null ? null : wellFormed(type),
    );
    if (!this.tunnel.closed) this.tunnel._sendKind(version, report, Kind.Error, false);
  }

  #cancel(version: number, reason: string): void {
    // Best effort: the kernel may stop working on a request nobody waits for.
    if (!this.tunnel.closed) this.tunnel._sendKind(version, reason, Kind.Cancel, false);
  }

  #receivedError(error: TunnelError): void {
    this.stats.errorsReceived += 1;
    // A report on a reply sent from here carries the kernel's version: it must not settle a
    // request of this page that happens to have the same version (nor one of another type).
    const subject = this.#answering.subjectOf(error);
    if (subject === "late-reply") return; // the kernel had stopped waiting, as this page knows
    const pending =
      subject === "message" ? this.#pending.take(error.version, error.type) : undefined;
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
