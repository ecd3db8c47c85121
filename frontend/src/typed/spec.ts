// What a TypedTunnel is built from (generated code and the no-build-step API fill it in), and
// what it counts.
import type { AnswerStats } from "./answering";
import type { Validator } from "./validate";

export interface TypedSpec {
  /** Validates what this side sends (browser to kernel). */
  validateOutgoing: Validator;
  /** Validates what this side receives (kernel to browser). */
  validateIncoming: Validator;
  /** The page's request tag to the kernel's reply tag. */
  replies: Readonly<Record<string, string>>;
  /** The kernel's request tag to the page's reply tag (none when left out). */
  asks?: Readonly<Record<string, string>>;
  /** The tags this side may receive: anything else is an unknown type, not a bad message. */
  incomingTags: readonly string[];
  /** The field that names a message's type; "type" by default, as in msgspec. */
  tagField?: string;
  /** Whether validateOutgoing itself refuses values JSON would change (a Map, a Date, NaN,
   * undefined). The runtime's compiled validators do; for others (ajv's code in generated
   * modules) the tunnel walks each message it sends once more. */
  checksJsonValues?: boolean;
}

export interface TypedStats extends AnswerStats {
  received: number;
  handled: number;
  staleReplies: number;
  rejected: number;
  handlerErrors: number;
  errorsReceived: number;
}

export function zeroStats(): TypedStats {
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
    droppedReplies: 0,
  };
}
