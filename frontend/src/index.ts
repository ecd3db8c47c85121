// The anywidget front end of SlowTunnelWidget. The tunnel is registered when the model is
// created (initialize), so it exists before and without display.
import { VERSION } from "./compat";
import type { TunnelModel } from "./tunnel/model";
import { adoptReadyQueue } from "./tunnel/ready-queue";
import { pageRegistry } from "./tunnel/registry";
import { Tunnel } from "./tunnel/tunnel";
import { installTyped } from "./typed/page-api";

export { API_LEVEL, OLDEST_API_LEVEL, VERSION } from "./compat";
export type { Handler } from "./tunnel/delivery";
export type { AdoptedQueue, ReadyCallback } from "./tunnel/ready-queue";
export { TunnelRegistry } from "./tunnel/registry";
export { KernelRestartedError, Tunnel, TunnelClosedError } from "./tunnel/tunnel";
// What generated modules (ipycallback codegen) import: one implementation of their checks.
export { type AjvValidate, ajvIssue } from "./typed/ajv-issue";
export { codePointLength, isDate, isDateTime, isTime, isUuid, pathStep } from "./typed/checks";
export {
  type ErrorCode,
  MessageValidationError,
  RequestCancelledError,
  RequestTimeoutError,
  SupersededError,
  TunnelError,
} from "./typed/errors";
export type { PageApi } from "./typed/page-api";
export { typedSchemaOf } from "./typed/schema-watch";
export {
  type HandlerFor,
  type RequestOptions,
  type TypedSpec,
  type TypedStats,
  TypedTunnel,
} from "./typed/typed-tunnel";
export { compile, type ValidationIssue, type Validator } from "./typed/validate";
export { NESTING_LIMIT, wireIssue } from "./typed/wire-limits";

interface InitializeProps {
  model: TunnelModel;
  signal?: AbortSignal;
}

function initialize({ model, signal }: InitializeProps): () => void {
  const host = globalThis as unknown as Record<string, unknown>;
  const fresh = host.IPyCallback === undefined;
  const registry = installTyped(pageRegistry(host, VERSION));
  const tunnel = new Tunnel(String(model.get("tunnel_id")), model);
  registry._register(tunnel);
  // However the tunnel closes (the kernel closed it, restarted, or the model went away), the
  // registry forgets it, so wait(id) waits for the tunnel a re-run cell creates.
  tunnel._onClose(() => registry._unregister(tunnel));
  // After the first tunnel is registered, so a queued wait() for it resolves at once.
  adoptReadyQueue(host, registry);
  if (fresh) globalThis.dispatchEvent?.(new Event("ipycallback:ready"));
  const cleanup = (): void => tunnel._close();
  signal?.addEventListener("abort", cleanup);
  return cleanup;
}

function render({ el }: { el: HTMLElement }): void {
  // A tunnel has nothing to show; an empty, hidden element keeps the output area quiet.
  el.style.display = "none";
}

export default { initialize, render };
