// An init script, so it survives reloads.  Completion keys on the cell's
// execute_reply seen via kernel.anyMessage: in bursts the command's promise
// and the idle status are unreliable, so idle only ends a bounded settle early.
(() => {
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fail = (what) => { throw new Error('harness timeout: ' + what); };
async function until(what, deadline, check) {
  for (;;) {
    let v; try { v = await check(); } catch (e) { v = undefined; }
    if (v) return v;
    if (Date.now() > deadline) fail(typeof what === 'function' ? what() : what);
    await sleep(10);
  }
}
const deadlineAfter = (ms) => Date.now() + Math.min(ms, 10000);
const race = (p, what, deadline) =>
  Promise.race([p, sleep(Math.max(0, deadline - Date.now())).then(() => fail(what))]);
const kernelOf = (panel) => panel && panel.sessionContext.session?.kernel;
const describe = (k) => k ? `connectionStatus=${k.connectionStatus} status=${k.status}` : 'none';
const H = window.__harness = {
  panel: null,
  async ready(path, ms) {
    const deadline = Date.now() + ms;
    const what = 'window.jupyterapp (is --expose-app-in-browser set?)';
    const app = await until(what, deadline, () => window.jupyterapp);
    await race(app.started, 'app.started', deadline);
    await race(app.restored, 'app.restored', deadline);
    const panel = H.panel = await until(`a NotebookPanel for ${path} in the main area`, deadline,
      () => Array.from(app.shell.widgets('main')).find((w) => w.context?.path === path));
    await race(panel.context.ready, 'context.ready of ' + path, deadline);
    await race(panel.sessionContext.ready, 'sessionContext.ready of ' + path, deadline);
    const k = await until(() => 'a connected idle kernel; kernel ' + describe(kernelOf(panel)),
      deadline, () => {
        const k = kernelOf(panel);
        return k && k.connectionStatus === 'connected' && k.status === 'idle' && k;
      });
    return { kernelId: k.id, cells: panel.content.widgets.length };
  },
  async track(ms, settleMs, isOurs, start) {
    const kernel = kernelOf(H.panel), deadline = Date.now() + ms;
    if (!kernel) throw new Error('the notebook has no kernel');
    const st = { msgId: null, reply: null, idle: false, cleared: false, outputs: [] };
    const kinds = ['stream', 'error', 'execute_result', 'display_data'];
    const onMsg = (_, { msg, direction }) => {
      if (direction === 'send') {
        if (st.msgId === null && isOurs(msg)) st.msgId = msg.header.msg_id;
      } else if (st.msgId !== null && msg.parent_header?.msg_id === st.msgId) {
        const t = msg.header.msg_type;
        if (t === 'execute_reply') st.reply = msg.content;
        else if (t === 'status') st.idle ||= msg.content.execution_state === 'idle';
        else if (t === 'clear_output') st.cleared = true;
        else if (kinds.includes(t)) st.outputs.push({ output_type: t, ...msg.content });
      }
    };
    kernel.anyMessage.connect(onMsg);
    try {
      start(kernel);
      const what = () => st.msgId ? 'the execute_reply to ' + st.msgId : 'an execute_request';
      await until(what, deadline, () => st.reply);
      await until('', Math.min(deadline, Date.now() + settleMs), () => st.idle).catch(() => {});
      await sleep(30);  // anyMessage fires before the message is handled on a promise chain
      return st;
    } finally { kernel.anyMessage.disconnect(onMsg); }
  },
  outputCount(outputs) {
    let n = 0, prev = null;
    for (const o of outputs) {
      const key = o.output_type === 'stream' ? 'stream:' + o.name : null;
      if (key === null || key !== prev) n += 1;
      prev = key;
    }
    return n;
  },
  async runCell(index, ms, settleMs) {
    const nb = H.panel.content, cell = nb.widgets[index];
    if (!cell) throw new Error(`no cell ${index}; the notebook has ${nb.widgets.length}`);
    const source = cell.model.sharedModel.getSource();
    const run = () => {
      nb.activeCellIndex = index;
      nb.deselectAll();
      window.jupyterapp.commands.execute('notebook:run-cell')
        .catch((e) => console.error('run-cell', e));
    };
    if (cell.model.type !== 'code') { run(); return { status: 'ok', outputs: [], source }; }
    const isOurs = (m) => m.header.msg_type === 'execute_request' && m.content.code === source;
    const st = await H.track(ms, settleMs, isOurs, run);
    // The cell's output area handles iopub on its own promise chain, which on a loaded
    // machine can lag our listener by more than the settle: wait until the model holds
    // as many outputs as we saw (consecutive streams of one name merge into one).
    const expected = st.cleared ? 0 : H.outputCount(st.outputs);
    await until('', deadlineAfter(ms), () => cell.model.outputs.length >= expected).catch(() => {});
    return { status: st.reply.status, outputs: cell.model.outputs.toJSON(), source };
  },
  async exec(code, ms, settleMs) {
    let future = null;
    const opts = { code, store_history: false, allow_stdin: false, stop_on_error: false };
    const st = await H.track(ms, settleMs, () => future === null,
      (k) => { future = k.requestExecute(opts); });
    future.dispose();
    return { status: st.reply.status, outputs: st.outputs, source: code };
  },
};
})();
