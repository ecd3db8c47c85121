() => {
  const k = window.__harness.panel.sessionContext.session?.kernel;
  return k ? [k.id, k.status, k.connectionStatus] : [null, null, null];
}
