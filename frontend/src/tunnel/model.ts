/** The part of an anywidget model a tunnel uses; tests pass a fake. */
export interface TunnelModel {
  get(key: string): unknown;
  send(content: unknown): void;
  on(event: string, callback: (...args: never[]) => void): void;
  /** ipywidgets' widget manager, where the host exposes it (its `kernel` is read, if any). */
  readonly widget_manager?: unknown;
}
