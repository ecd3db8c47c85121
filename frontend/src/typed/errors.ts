// Errors of the typed layer, shaped like their Python counterparts (ipycallback/typed/errors.py).

/** The codes both sides send (CODES lists them at run time). */
export const CODES = [
  "validation", // the message breaks its declared type
  "unknown_type", // no such message type
  "handler_exception", // the handler threw, or returned what is not its reply
  "no_handler", // nobody registered a handler for this request type within the grace period
  "unknown_request", // a reply to a request nobody waits for (finished, timed out, cancelled)
] as const;

export type ErrorCode = (typeof CODES)[number];

/** A message the receiver would reject; raised before sending. `path` is a JSON path. */
export class MessageValidationError extends Error {
  override name = "MessageValidationError";
  readonly path: string;
  readonly reason: string;

  constructor(reason: string, path: string) {
    super(`${reason} (at ${path})`);
    this.reason = reason;
    this.path = path;
  }
}

/** An error the other side reported about a message this side sent. */
export class TunnelError extends Error {
  override name = "TunnelError";
  readonly version: number;
  readonly code: ErrorCode;
  readonly path: string | null;
  readonly type: string | null;
  readonly reason: string;

  constructor(
    version: number,
    code: ErrorCode,
    reason: string,
    path: string | null = null,
    type: string | null = null,
  ) {
    super(`[${code}] message version ${version}${path ? ` at ${path}` : ""}: ${reason}`);
    this.version = version;
    this.code = code;
    this.reason = reason;
    this.path = path;
    this.type = type;
  }
}

/** A request that a newer request of the same type replaced before its reply came. */
export class SupersededError extends Error {
  override name = "SupersededError";
  readonly version: number;
  readonly supersededBy: number;

  constructor(type: string, version: number, supersededBy: number) {
    super(`request ${type} version ${version} was superseded by version ${supersededBy}`);
    this.version = version;
    this.supersededBy = supersededBy;
  }
}

/** A request whose reply did not come within its timeoutMs. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
}

/**
 * The kernel no longer wants the answer to its request: the reason of a request handler's
 * AbortSignal. `reason` is the kernel's word for it: "timeout", "cancelled", "interrupted",
 * "answered" (another page answered first) or "superseded".
 */
export class RequestCancelledError extends Error {
  override name = "RequestCancelledError";
  readonly version: number;
  readonly reason: string;

  constructor(type: string, version: number, reason: string) {
    super(
      `the kernel cancelled its request ${type} version ${version}${reason ? `: ${reason}` : ""}`,
    );
    this.version = version;
    this.reason = reason;
  }
}

const isCode = (code: unknown): code is ErrorCode => (CODES as readonly unknown[]).includes(code);

/** Reads an ERROR-kind message body; never throws. */
export function readWireError(version: number, text: string): TunnelError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const get = (key: string): unknown =>
    typeof body === "object" && body !== null && Object.hasOwn(body, key)
      ? (body as Record<string, unknown>)[key]
      : undefined;
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
    typeof type === "string" ? type : null,
  );
}

export function wireError(
  code: ErrorCode,
  message: string,
  path: string | null,
  type: string | null,
): string {
  const body: Record<string, string> = { code, message };
  if (path !== null) body.path = path;
  if (type !== null) body.type = type;
  return JSON.stringify(body);
}
