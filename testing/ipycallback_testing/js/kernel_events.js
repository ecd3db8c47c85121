() => {
  const ctx = window.__harness.panel.sessionContext;
  if (window.__kernelEvents) return;
  const log = window.__kernelEvents = [];
  const kernelId = () => ctx.session?.kernel?.id ?? null;
  ctx.statusChanged.connect((_, s) => log.push([Date.now(), 'status', s, kernelId()]));
  ctx.connectionStatusChanged.connect(
    (_, s) => log.push([Date.now(), 'connection', s, kernelId()]));
  ctx.kernelChanged.connect((_, c) => log.push([Date.now(), 'kernel', c.newValue?.id ?? null,
    c.newValue?.id ?? null]));
  // A restart from outside the page (REST, another tab) may change no status at all; these
  // tell it anyway: the old kernel's shutdown_reply (ipykernel publishes it on iopub) and the
  // first iopub message of a new kernel process (its header.session differs).
  let session = null;
  ctx.iopubMessage.connect((_, msg) => {
    if (msg.header.msg_type === 'shutdown_reply') {
      log.push([Date.now(), 'shutdown_reply', msg.content.restart ? 'restart' : 'shutdown',
        kernelId()]);
    }
    if (session !== null && msg.header.session !== session) {
      log.push([Date.now(), 'kernel_session', msg.header.session, kernelId()]);
    }
    session = msg.header.session;
  });
}
