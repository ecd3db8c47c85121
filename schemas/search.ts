// The search message set: the browser asks, the kernel answers.

/** @TJS-type integer */
export type int = number;
export type float = number;

export const NAME = "search";

/** How the query text is matched against titles. */
export enum SearchMode {
  prefix = "prefix",
  substring = "substring",
}

/** Look up `text`; a newer Query supersedes an older one. */
export interface Query {
  type: "Query";
  /** What to look for. */
  text: string;
  /**
   * At most this many hits.
   * @minimum 1
   * @maximum 50
   * @default 5
   */
  limit?: int;
  /** @default "substring" */
  mode?: SearchMode;
}

/** Stop searching and clear the results. */
export interface Stop {
  type: "Stop";
}

/** One search result. */
export interface Hit {
  title: string;
  /**
   * Relevance, 1 is best.
   * @minimum 0
   * @maximum 1
   */
  score: float;
  /** @default [] */
  tags?: string[];
}

/** The hits for one Query. */
export interface QueryResult {
  type: "QueryResult";
  /** The text that was searched for. */
  query: string;
  hits: Hit[];
  /** @minimum 0 */
  total: int;
  /** @minimum 0 */
  took_ms: float;
}

export type ToKernel = Query | Stop;
export type ToBrowser = QueryResult;
export interface Replies {
  Query: "QueryResult";
}
