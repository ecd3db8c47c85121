// Answering the kernel's requests (its `request()` and `call()`, ipycallback/typed/asking.py) on
// this page. The rules mirror how the kernel handles the page's requests
// (ipycallback/typed/handling.py): only the newest request of each type is worked on; a
// handler's AbortSignal tells it that its request was superseded or that the kernel cancelled
// it, and from then on nothing is sent for that request, neither a reply nor an error.
import type { Clock, TimerHandle } from "../tunnel/clock";
import { RequestCancelledError, SupersededError, type TunnelError } from "./errors";

/** How long a request waits for on() to register its handler; the kernel has the same grace. */
export const NO_HANDLER_GRACE_MS = 5_000;
// How many replies are remembered, to recognise the kernel's "unknown_request" answer to a reply
// that crossed a cancellation or a newer request on the way: expected, so not reported.
const REMEMBERED = 1_000;

export type RequestHandler = (version: number, msg: never, signal: AbortSignal) => unknown;

export interface AnswerStats {
  handled: number;
  /** Requests the kernel sent to this page. */
  requestsReceived: number;
  repliesSent: number;
  /** Requests left unanswered because a newer one of the same type came. */
  superseded: number;
  /** Requests the kernel cancelled before this page answered. */
  cancelled: number;
  /** Replies that handlers returned after their request was superseded or cancelled: not sent. */
  droppedReplies: number;
}

/** What Answering needs from the typed tunnel it works for. */
export interface AnsweringHost {
  readonly clock: Clock;
  readonly stats: AnswerStats;
  readonly tagField: string;
  /** Validates and encodes a reply; throws MessageValidationError (or JSON's TypeError). */
  encode(msg: unknown): string;
  /** Sends the reply to request `version`; false when the tunnel has closed. */
  reply(version: number, text: string): boolean;
  /** The handler threw, or returned no valid reply: report it here and to the kernel. */
  failed(version: number, tag: string, error: unknown): void;
  /** No handler came in time: tell the kernel. */
  noHandler(version: number, tag: string): void;
}

/** What an error report from the kernel is about, seen from this page. */
export type ErrorSubject =
  | "message" // a message sent from here: the version is this page's (a request may wait for it)
  | "reply" // a reply sent from here: the version is the kernel's request's
  | "late-reply"; // a reply the kernel had stopped waiting for, as this page since learnt

interface Request {
  readonly version: number;
  readonly tag: string;
  readonly msg: unknown;
}
interface Running extends Request {
  readonly controller: AbortController;
}
interface Unhandled extends Request {
  readonly timer: TimerHandle;
}

export function tagOf(value: unknown, field: string): string | null {
  if (typeof value !== "object" || value === null || !Object.hasOwn(value, field)) return null;
  const tag = (value as Record<string, unknown>)[field];
  return typeof tag === "string" ? tag : null;
}

function describeValue(value: unknown, tagField: string): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? `an object without a "${tagField}" tag` : typeof value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

export class Answering {
  readonly #host: AnsweringHost;
  readonly #replyTags: ReadonlyMap<string, string>;
  readonly #handlers = new Map<string, RequestHandler>();
  // Requests that arrived during the current task, the newest of each type. They are handled
  // once it ends, so a burst that arrived together starts only its newest handler.
  #queued = new Map<string, Request>();
  #drainScheduled = false;
  // By type: the request whose handler runs (at most one per type), or that waits for on().
  readonly #running = new Map<string, Running>();
  readonly #unhandled = new Map<string, Unhandled>();
  readonly #latest = new Map<string, number>();
  // Replies sent, by version: their type, and whether the kernel cancelled them afterwards.
  readonly #answered = new Map<number, { tag: string; overtaken: boolean }>();
  #closed = false;

  /** `asks` maps each request tag the kernel may send to the tag of this page's reply. */
  constructor(host: AnsweringHost, asks: Readonly<Record<string, string>>) {
    this.#host = host;
    this.#replyTags = new Map(Object.entries(asks));
  }

  isRequest(tag: string): boolean {
    return this.#replyTags.has(tag);
  }

  register(tag: string, handler: RequestHandler): void {
    this.#handlers.set(tag, handler);
    const waiting = this.#unhandled.get(tag);
    if (waiting === undefined) return;
    this.#unhandled.delete(tag);
    this.#host.clock.clearTimeout(waiting.timer);
    this.#start(waiting, handler);
  }

  /** A valid request from the kernel. */
  arrived(version: number, tag: string, msg: unknown): void {
    if (this.#closed) return;
    const stats = this.#host.stats;
    stats.requestsReceived += 1;
    if (version < (this.#latest.get(tag) ?? 0)) {
      stats.superseded += 1; // the kernel's versions only grow: this one is already replaced
      return;
    }
    this.#latest.set(tag, version);
    // One that waits for on() goes at once: on() before the end of this task must not start it.
    const waiting = this.#unhandled.get(tag);
    if (waiting !== undefined) {
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
  cancel(version: number, reason: string): void {
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
    // Already answered: the reply crossed the cancellation, and the kernel will say it came late.
    const answered = this.#answered.get(version);
    if (answered !== undefined) answered.overtaken = true;
  }

  /**
   * Replies and messages carry versions of different sides, and an error report only says the
   * version. "unknown_request" is only ever about a reply; the kernel's report on a reply of the
   * wrong type or shape is a "validation" error naming the kernel's request type, or none.
   */
  subjectOf(error: TunnelError): ErrorSubject {
    const answered = this.#answered.get(error.version);
    if (error.code === "unknown_request") {
      if (answered === undefined) return "reply";
      const newer = (this.#latest.get(answered.tag) ?? 0) > error.version;
      return answered.overtaken || newer ? "late-reply" : "reply";
    }
    const aboutRequestType = error.type === null || this.#replyTags.has(error.type);
    return error.code === "validation" && answered !== undefined && aboutRequestType
      ? "reply"
      : "message";
  }

  /** The tunnel closed: no reply can go any more. Handlers still running see `error` as reason. */
  close(error: unknown): void {
    this.#closed = true;
    this.#queued.clear();
    for (const waiting of this.#unhandled.values()) this.#host.clock.clearTimeout(waiting.timer);
    this.#unhandled.clear();
    const running = [...this.#running.values()];
    this.#running.clear();
    for (const run of running) run.controller.abort(error);
  }

  #drain(): void {
    this.#drainScheduled = false;
    const queued = this.#queued;
    this.#queued = new Map();
    for (const request of queued.values()) this.#dispatch(request);
  }

  #dispatch(request: Request): void {
    const { tag, version } = request;
    this.#supersede(tag, version);
    const handler = this.#handlers.get(tag);
    if (handler !== undefined) {
      this.#start(request, handler);
      return;
    }
    // Like a message, a request waits for on(); not for ever, though: the kernel waits too.
    const timer = this.#host.clock.setTimeout(
      () => this.#noHandler(tag, version),
      NO_HANDLER_GRACE_MS,
    );
    this.#unhandled.set(tag, { ...request, timer });
  }

  #supersede(tag: string, version: number): void {
    const running = this.#running.get(tag);
    if (running === undefined) return;
    this.#running.delete(tag);
    this.#host.stats.superseded += 1;
    running.controller.abort(new SupersededError(tag, running.version, version));
  }

  #noHandler(tag: string, version: number): void {
    if (this.#unhandled.get(tag)?.version !== version) return;
    this.#unhandled.delete(tag);
    this.#host.noHandler(version, tag);
  }

  #start(request: Request, handler: RequestHandler): void {
    const run: Running = { ...request, controller: new AbortController() };
    this.#running.set(run.tag, run);
    this.#host.stats.handled += 1;
    try {
      const result = handler(run.version, run.msg as never, run.controller.signal);
      if (!isThenable(result)) {
        this.#settle(run, { value: result });
        return;
      }
      result.then(
        (value) => this.#settle(run, { value }),
        (error: unknown) => this.#settle(run, { error }),
      );
    } catch (error) {
      this.#settle(run, { error });
    }
  }

  #settle(run: Running, outcome: { value: unknown } | { error: unknown }): void {
    if (this.#running.get(run.tag) === run) this.#running.delete(run.tag);
    if (run.controller.signal.aborted) {
      // The kernel no longer waits for this answer; an error now is usually the handler
      // giving up on its signal, as it should.
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
        `the handler for ${run.tag} must return a ${expected} reply, got ${what}`,
      );
      this.#host.failed(run.version, run.tag, error);
      return;
    }
    try {
      if (!this.#host.reply(run.version, this.#host.encode(outcome.value))) return;
    } catch (error) {
      // Invalid, or what JSON cannot carry: the kernel hears of it rather than waiting in vain.
      this.#host.failed(run.version, run.tag, error);
      return;
    }
    this.#host.stats.repliesSent += 1;
    this.#answered.set(run.version, { tag: run.tag, overtaken: false });
    if (this.#answered.size > REMEMBERED)
      this.#answered.delete(this.#answered.keys().next().value as number);
  }
}
