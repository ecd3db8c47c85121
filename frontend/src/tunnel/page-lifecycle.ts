// The page's own lifecycle, as far as a tunnel cares: leaving (pagehide) and coming back from the
// back/forward cache (pageshow with persisted). Feature-detected: Node and workers have neither.

export interface PageEvents {
  /** The page is going away (or into the back/forward cache). */
  onHide(): void;
  /** The page came back from the back/forward cache. */
  onRestore(): void;
}

/** Listens on the window; returns the function that stops listening. */
export function watchPage(events: PageEvents): () => void {
  const host = globalThis;
  if (
    typeof host.addEventListener !== "function" ||
    typeof host.removeEventListener !== "function"
  ) {
    return () => {};
  }
  const onHide = (): void => events.onHide();
  const onShow = (event: Event): void => {
    if ((event as { persisted?: boolean }).persisted === true) events.onRestore();
  };
  host.addEventListener("pagehide", onHide);
  host.addEventListener("pageshow", onShow);
  return () => {
    host.removeEventListener("pagehide", onHide);
    host.removeEventListener("pageshow", onShow);
  };
}
