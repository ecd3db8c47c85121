// `window.IPyCallbackReady`: page code that may run before any tunnel exists. Voilà runs a
// notebook's JavaScript outputs before it creates any widget model, and every host may run page
// code before the bundle has loaded, so `window.IPyCallback` can be undefined. Page code pushes
// a callback instead, on an array it creates itself if needed (the pattern of analytics queues):
//
//   (window.IPyCallbackReady ??= []).push(async (IPyCallback) => { ... });
//
// The first copy of the bundle to load runs what was queued and puts a stand-in in the array's
// place whose push() runs a callback at once, so the same line works before and after.
export type ReadyCallback<Api> = (api: Api) => unknown;

/** What `window.IPyCallbackReady` becomes once the page's registry exists. */
export interface AdoptedQueue<Api> {
  push(...callbacks: ReadyCallback<Api>[]): number;
  readonly adopted: true;
}

function isAdopted(value: unknown): value is AdoptedQueue<unknown> {
  return value instanceof Object && (value as { adopted?: unknown }).adopted === true;
}

type Report = (error: unknown, text: string) => void;

/**
 * Runs the callbacks queued on `host.IPyCallbackReady` with `api`, then replaces the queue with
 * a stand-in that runs later ones at once. A second copy of the bundle (another kernel's widget,
 * another version) finds the stand-in and leaves it: the first registry stays the page's one.
 */
export function adoptReadyQueue<Api>(
  host: Record<string, unknown>,
  api: Api,
  report: Report = (error, text) => console.error(`IPyCallback: ${text}`, error),
): void {
  const queued = host.IPyCallbackReady;
  if (isAdopted(queued)) return;
  // A failing callback is the page author's bug, not the tunnel's: report it, run the others.
  const run = (callback: unknown): void => {
    if (typeof callback !== "function") {
      report(new TypeError(`got ${typeof callback}`), "IPyCallbackReady.push() expects functions;");
      return;
    }
    try {
      const result: unknown = callback(api);
      if (result instanceof Promise) {
        result.catch((error: unknown) => report(error, "an IPyCallbackReady callback failed:"));
      }
    } catch (error) {
      report(error, "an IPyCallbackReady callback failed:");
    }
  };
  let ran = 0;
  const adopted: AdoptedQueue<Api> = {
    adopted: true,
    push(...callbacks) {
      for (const callback of callbacks) run(callback);
      ran += callbacks.length;
      return ran;
    },
  };
  host.IPyCallbackReady = adopted;
  if (Array.isArray(queued)) adopted.push(...(queued as ReadyCallback<Api>[]));
}
