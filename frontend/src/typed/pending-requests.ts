// The typed layer's requests waiting for their replies: at most one per message type (a newer
// request supersedes the older one), each with an optional timeout and AbortSignal.
import type { Clock } from "../tunnel/clock";
import { RequestTimeoutError, SupersededError } from "./errors";

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** How a waiting request ends from the outside. */
export interface Settle {
  /** The request's tag, to check that the reply is the declared one. */
  readonly tag: string;
  resolve(msg: unknown): void;
  reject(error: unknown): void;
}

interface Pending extends Settle {
  version: number;
  cleanup(): void;
}

export class PendingRequests {
  readonly #clock: Clock;
  readonly #byVersion = new Map<number, Pending>();
  readonly #byTag = new Map<string, Pending>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * The reply to request `version` of type `tag`. An older pending request of the same type
   * is rejected with a SupersededError. `giveUp` is told when the caller stops waiting (timeout,
   * abort), so the other side can be told too.
   */
  add(
    tag: string,
    version: number,
    options: RequestOptions,
    giveUp: (reason: string) => void,
  ): Promise<unknown> {
    const older = this.#byTag.get(tag);
    if (older !== undefined) {
      older.cleanup();
      older.reject(new SupersededError(tag, older.version, version));
    }
    return new Promise((resolve, reject) => {
      const timer =
        options.timeoutMs === undefined
          ? null
          : this.#clock.setTimeout(() => {
              pending.cleanup();
              giveUp("timeout");
              reject(
                new RequestTimeoutError(
                  `${tag} version ${version}: no reply in ${options.timeoutMs} ms`,
                ),
              );
            }, options.timeoutMs);
      const onAbort = (): void => {
        pending.cleanup();
        giveUp("aborted");
        reject(options.signal?.reason);
      };
      const pending: Pending = {
        tag,
        version,
        resolve,
        reject,
        cleanup: () => {
          if (timer !== null) this.#clock.clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          if (this.#byVersion.get(version) === pending) this.#byVersion.delete(version);
          if (this.#byTag.get(tag) === pending) this.#byTag.delete(tag);
        },
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
  take(version: number, tag: string | null = null): Settle | undefined {
    const pending = this.#byVersion.get(version);
    if (pending === undefined || (tag !== null && pending.tag !== tag)) return undefined;
    pending.cleanup();
    return pending;
  }

  /** Rejects every waiting request with `error` (the tunnel closed: no reply can come). */
  rejectAll(error: unknown): void {
    for (const pending of [...this.#byVersion.values()]) {
      pending.cleanup();
      pending.reject(error);
    }
  }
}
