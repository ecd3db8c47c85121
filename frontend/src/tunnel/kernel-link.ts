// What the page's kernel connection tells a tunnel. On a kernel restart ipywidgets only marks
// models disconnected (no comm close reaches the tunnel), and a websocket reconnect is silent to
// widgets; both are visible only on the kernel connection: in JupyterLab and Notebook 7,
// `model.widget_manager.kernel`, an @jupyterlab/services KernelConnection with Lumino signals.
// Other hosts (Voilà, marimo, VS Code) may have none of it: everything is feature-detected.
import type { Caps } from "./wire";

/** The part of a Lumino signal used here. */
interface SignalLike {
  connect(slot: (sender: unknown, args: unknown) => void, thisArg?: unknown): unknown;
  disconnect(slot: (sender: unknown, args: unknown) => void, thisArg?: unknown): unknown;
}

/** A kernel connection, as far as a tunnel cares; every member may be missing. */
export type KernelLike = object;

export interface KernelEvents {
  /** The websocket is connected again after a drop. */
  onReconnect(): void;
  /** The kernel restarted or died, or the connection was disposed. */
  onGone(reason: string): void;
}

const GONE_STATUSES: ReadonlySet<string> = new Set(["restarting", "autorestarting", "dead"]);

function member(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined; // a getter of a disposed connection may throw
  }
}

function asSignal(value: unknown): SignalLike | null {
  return typeof value === "object" &&
    value !== null &&
    typeof (value as SignalLike).connect === "function" &&
    typeof (value as SignalLike).disconnect === "function"
    ? (value as SignalLike)
    : null;
}

/** The kernel connection behind a widget model, if the host exposes one. */
export function kernelOf(model: object): KernelLike | null {
  const manager = member(model, "widget_manager");
  if (typeof manager !== "object" || manager === null) return null;
  const kernel = member(manager, "kernel");
  return typeof kernel === "object" && kernel !== null ? kernel : null;
}

/**
 * Whether frames handed to the host now leave at once. While JupyterLab's kernel websocket is
 * reconnecting, what is sent waits in the connection's queue; after the reconnect that queue is
 * sent only once JupyterLab's own kernel_info request has been answered, and that request waits
 * in the same queue behind it, so everything (the tunnel's hello included) stalls for
 * `kernelInfoTimeout` (3 s). A tunnel sends nothing while the link is down instead: what it
 * keeps goes again after the hello that follows the reconnect. Where the host does not say, the
 * link is up.
 */
export function linkUp(kernel: KernelLike | null): boolean {
  if (kernel === null) return true;
  const status = member(kernel, "connectionStatus");
  return typeof status !== "string" || status === "connected";
}

/** The hello's `caps`: JupyterLab's comms-over-subshells setting, where it says. */
export function capsOf(kernel: KernelLike | null): Caps {
  const caps: Caps = { subshells: null };
  if (kernel === null) return caps;
  const subshells = member(kernel, "commsOverSubshells");
  if (typeof subshells === "string") caps.subshells = subshells;
  const supports = member(kernel, "supportsSubshells");
  if (typeof supports === "boolean") caps.supportsSubshells = supports;
  return caps;
}

/** Follows the connection's signals; returns the function that stops following them. */
export function watchKernel(kernel: KernelLike, events: KernelEvents): () => void {
  // Where the host does not say, assume connected (no reconnect will be seen anyway).
  const initial = member(kernel, "connectionStatus");
  let connected = initial === undefined || initial === "connected";
  const onStatus = (_sender: unknown, status: unknown): void => {
    if (typeof status === "string" && GONE_STATUSES.has(status)) events.onGone(status);
  };
  const onConnection = (_sender: unknown, status: unknown): void => {
    if (status !== "connected") {
      connected = false;
    } else if (!connected) {
      connected = true;
      events.onReconnect();
    }
  };
  // A restart asked through the REST API (another page, another user with real-time
  // collaboration, a script) changes no status in this page: the kernel's own last words
  // (shutdown_reply) and the new process's first (status "starting") say it.
  const onIopub = (_sender: unknown, msg: unknown): void => {
    const header = typeof msg === "object" && msg !== null ? member(msg, "header") : undefined;
    const type =
      typeof header === "object" && header !== null ? member(header, "msg_type") : undefined;
    if (type === "shutdown_reply") {
      events.onGone("restarting");
    } else if (type === "status") {
      const content = member(msg as object, "content");
      if (
        typeof content === "object" &&
        content !== null &&
        member(content, "execution_state") === "starting"
      ) {
        events.onGone("restarting");
      }
    }
  };
  const onDisposed = (): void => events.onGone("disposed");
  const links: [SignalLike, (sender: unknown, args: unknown) => void][] = [];
  for (const [name, slot] of [
    ["statusChanged", onStatus],
    ["connectionStatusChanged", onConnection],
    ["disposed", onDisposed],
    ["iopubMessage", onIopub],
  ] as const) {
    const signal = asSignal(member(kernel, name));
    if (signal !== null && signal.connect(slot) !== false) links.push([signal, slot]);
  }
  return () => {
    for (const [signal, slot] of links.splice(0)) signal.disconnect(slot);
  };
}

// Every tunnel of a kernel learns of a restart at once (one signal emission); one console line
// for all of them says it. The pending reports live on the window under a registered symbol,
// so each copy of this module a page may evaluate shares them.
const REPORTS = Symbol.for("ipycallback.kernelGoneReports");
const MAX_NAMED = 10;

interface GoneReport {
  reason: string;
  ids: string[];
}

function pendingReports(): WeakMap<KernelLike, GoneReport> {
  const host = globalThis as unknown as Record<symbol, unknown>;
  const current = host[REPORTS];
  if (current instanceof WeakMap) return current as WeakMap<KernelLike, GoneReport>;
  const reports = new WeakMap<KernelLike, GoneReport>();
  host[REPORTS] = reports;
  return reports;
}

/** Notes that `tunnelId` closed because its kernel went away; one line per kernel and task. */
export function reportKernelGone(kernel: KernelLike, tunnelId: string, reason: string): void {
  const reports = pendingReports();
  const existing = reports.get(kernel);
  if (existing !== undefined) {
    existing.ids.push(tunnelId);
    return;
  }
  const report: GoneReport = { reason, ids: [tunnelId] };
  reports.set(kernel, report);
  queueMicrotask(() => {
    reports.delete(kernel);
    const named = report.ids
      .slice(0, MAX_NAMED)
      .map((id) => JSON.stringify(id))
      .join(", ");
    const more = report.ids.length > MAX_NAMED ? ` and ${report.ids.length - MAX_NAMED} more` : "";
    const what = report.reason === "disposed" ? "connection was closed" : `is ${report.reason}`;
    console.warn(
      `IPyCallback: the kernel ${what}; closed ${report.ids.length} tunnel(s): ${named}${more}. ` +
        "Run the cells that create them again: window.IPyCallback.wait(id) resolves with the new tunnel.",
    );
  });
}
