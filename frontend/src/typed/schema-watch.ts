// The typed message set's JSON Schema, which a TypedTunnel in the kernel puts in the widget
// state (`_typed_schema`); plain-JavaScript typed tunnels compile their validators from it.
import type { Clock } from "./clock";
import type { TunnelModel } from "./model";

export class TypedSchemaWatch {
  readonly #model: TunnelModel;
  readonly #clock: Clock;
  readonly #tunnelId: string;
  readonly #waiters: (() => void)[] = [];

  constructor(model: TunnelModel, clock: Clock, tunnelId: string) {
    this.#model = model;
    this.#clock = clock;
    this.#tunnelId = tunnelId;
    model.on("change:_typed_schema", () => {
      for (const notify of this.#waiters.splice(0)) notify();
    });
  }

  /** The schema's JSON text, "" while the kernel has attached none. */
  get current(): string {
    const value = this.#model.get("_typed_schema");
    return typeof value === "string" ? value : "";
  }

  /** Resolves with the schema once the kernel has attached one; rejects after `timeoutMs`. */
  when(timeoutMs: number): Promise<string> {
    if (this.current !== "") return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(
        () =>
          reject(
            new Error(
              `IPyCallback: tunnel "${this.#tunnelId}" has no typed messages after ${timeoutMs} ms; ` +
                "attach a TypedTunnel to it in Python",
            ),
          ),
        timeoutMs,
      );
      this.#waiters.push(() => {
        this.#clock.clearTimeout(timer);
        resolve(this.current);
      });
    });
  }
}
