import type { TunnelModel } from "../src/tunnel/model";
import type { KernelEntry, KernelFrame } from "../src/tunnel/wire";

type Frame = Record<string, unknown>;

export interface FakeModelOptions {
  /** What model.widget_manager.kernel returns (a fake kernel connection). */
  kernel?: object;
  /** Called with each frame the tunnel sends, after the JSON round trip. */
  onSend?: (frame: Frame) => void;
}

/**
 * An anywidget model stand-in that records what the tunnel sends, and plays a scripted kernel:
 * greet() answers the hello, push() sends numbered entries.
 */
export class FakeModel implements TunnelModel {
  readonly sent: Frame[] = [];
  readonly widget_manager?: { kernel: object };
  readonly #state: Record<string, unknown>;
  readonly #listeners = new Map<string, ((...args: never[]) => void)[]>();
  readonly #onSend: ((frame: Frame) => void) | undefined;
  #nextSeq = 1;

  constructor(state: Record<string, unknown> = {}, options: FakeModelOptions = {}) {
    this.#state = { tunnel_id: "t", ...state };
    if (options.kernel !== undefined) this.widget_manager = { kernel: options.kernel };
    this.#onSend = options.onSend;
  }

  get(key: string): unknown {
    return this.#state[key];
  }

  send(content: unknown): void {
    // Round-trip through JSON, as the websocket would.
    const frame = JSON.parse(JSON.stringify(content)) as Frame;
    this.sent.push(frame);
    this.#onSend?.(frame);
  }

  on(event: string, callback: (...args: never[]) => void): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), callback]);
  }

  /** A custom message from the kernel (through JSON, as the websocket would). */
  emit(content: unknown): void {
    const copy: unknown = JSON.parse(JSON.stringify(content) ?? "null");
    for (const listener of this.#listeners.get("msg:custom") ?? []) {
      (listener as (content: unknown) => void)(copy);
    }
  }

  /** A state change from the kernel. */
  set(key: string, value: unknown): void {
    this.#state[key] = value;
    for (const listener of this.#listeners.get(`change:${key}`) ?? []) (listener as () => void)();
  }

  /** The view's peer id, from the frames it sent. */
  get peer(): string {
    const frame = this.sent.find((f) => typeof f.p === "string");
    if (frame === undefined) throw new Error("the tunnel has sent nothing yet");
    return frame.p as string;
  }

  /** Answers the hello: this view's share of the kernel stream starts at `base`. */
  greet(base = 1, extra: KernelFrame = {}): void {
    this.emit({ ...extra, h: { [this.peer]: base } });
  }

  /** A kernel data frame with the next seqs. */
  push(entries: KernelEntry[], extra: KernelFrame = {}): void {
    this.emit({ ...extra, s: this.#nextSeq, b: entries });
    this.#nextSeq += entries.length;
  }

  /** The frames that carried data. */
  dataFrames(): Frame[] {
    return this.sent.filter((frame) => Array.isArray(frame.b));
  }

  /** Every whole entry sent, in order (pieces left out). */
  entries(): unknown[][] {
    return this.dataFrames()
      .filter((frame) => frame.k === undefined)
      .flatMap((frame) => frame.b as unknown[][]);
  }

  /** The frames that had field `key`. */
  framesWith(key: string): Frame[] {
    return this.sent.filter((frame) => Object.hasOwn(frame, key));
  }
}

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function capture(kind: "warn" | "error"): { lines: unknown[][]; restore: () => void } {
  const original = console[kind];
  const lines: unknown[][] = [];
  console[kind] = (...args: unknown[]) => void lines.push(args);
  return { lines, restore: () => void (console[kind] = original) };
}
