"""Code the benchmark runs inside the kernel and inside the page, as string constants.

Each mechanism gets three endpoints named "echo", "in" and "out", so that one measurement's
handlers never see another's messages.
"""

from __future__ import annotations

from ipycallback_testing.probes import ECHO_SETUP

# The floor: a bare anywidget whose custom messages go straight to whatever the benchmark
# registered in window.rawSinks. The model is stored on window because nothing displays it.
RAW_ESM = """export default {
  initialize({ model }) {
    const name = model.get("name");
    (window.rawModels ??= {})[name] = model;
    model.on("msg:custom", (content) => window.rawSinks?.[name]?.(content));
  },
};"""

# The original ipycallback: every message is a trait change of a synced (version, msg) tuple.
TRAIT_ESM = """export default {
  initialize({ model }) {
    const name = model.get("name");
    (window.traitModels ??= {})[name] = model;
    model.on("change:js_endpoint", () => window.traitSinks?.[name]?.(model.get("js_endpoint")));
  },
};"""

KERNEL_SETUP = (
    ECHO_SETUP
    + f'''
import time

import anywidget
import traitlets


class Burst:
    """Counts one browser-to-kernel burst and answers its last message with "done"."""

    def __init__(self, reply):
        self.reply = reply
        self.arm(0)

    def arm(self, size):
        self.size, self.count, self.last = size, 0, 0.0

    def arrive(self, text):
        self.count += 1
        self.last = time.time()
        if text == str(self.size - 1):
            self.reply("done")

    def report(self):
        return {{"count": self.count, "last": self.last}}


class RawEcho(anywidget.AnyWidget):
    _esm = {RAW_ESM!r}
    name = traitlets.Unicode().tag(sync=True)


def _endpoint():
    return traitlets.Tuple(traitlets.Int(), traitlets.Unicode(), default_value=(0, "")).tag(
        sync=True
    )


class TraitTunnel(anywidget.AnyWidget):
    _esm = {TRAIT_ESM!r}
    name = traitlets.Unicode().tag(sync=True)
    py_endpoint = _endpoint()
    js_endpoint = _endpoint()

    def reply(self, text):
        self.js_endpoint = (self.js_endpoint[0] + 1, text)


tunnel_in = SlowTunnelWidget(tunnel_id="bench-in")
tunnel_in_burst = Burst(tunnel_in.send_msg)
tunnel_in.on_receive(lambda version, msg: tunnel_in_burst.arrive(msg))
tunnel_out = SlowTunnelWidget(tunnel_id="bench-out")


def _tunnel_go(version, msg):
    for i in range(int(msg)):
        tunnel_out.send_msg(str(i))


tunnel_out.on_receive(_tunnel_go)

raw_echo = RawEcho(name="echo")
raw_echo.on_msg(lambda widget, content, buffers: widget.send(content))
raw_in = RawEcho(name="in")
raw_in_burst = Burst(lambda text: raw_in.send({{"m": text}}))
raw_in.on_msg(lambda widget, content, buffers: raw_in_burst.arrive(content["m"]))
raw_out = RawEcho(name="out")

trait_echo = TraitTunnel(name="echo")
trait_echo.observe(lambda change: setattr(trait_echo, "js_endpoint", change["new"]), "py_endpoint")
trait_in = TraitTunnel(name="in")
trait_in_burst = Burst(trait_in.reply)
trait_in.observe(lambda change: trait_in_burst.arrive(change["new"][1]), "py_endpoint")
trait_out = TraitTunnel(name="out")

bursts = {{"tunnel": tunnel_in_burst, "raw": raw_in_burst, "trait": trait_in_burst}}
'''
)

# Every model exists on the page: anywidget runs initialize() without display.
MODELS_READY = """() => ["echo", "in", "out"].every((n) => window.rawModels?.[n]
  && window.traitModels?.[n]) && ["echo", "bench-in", "bench-out"].every(
  (n) => window.IPyCallback?.has(n))"""

# Kernel-to-browser bursts of the raw and trait widgets run as one cell, as a user would write.
RAW_BURST_CELL = """for i in range({size}):
    raw_out.send({{"m": str(i)}})"""
TRAIT_BURST_CELL = """base = trait_out.js_endpoint[0]
for i in range({size}):
    trait_out.js_endpoint = (base + i + 1, str(i))"""

# One interface over the three mechanisms, so the same loops measure all of them.
PAGE_JS = r"""() => {
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(ms, check) {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}
const tunnelIds = { echo: "echo", in: "bench-in", out: "bench-out" };
const endpoints = {
  async tunnel(name) {
    const t = await window.IPyCallback.wait(tunnelIds[name], { timeoutMs: 30000 });
    return { send: (text) => t.send_msg(text), listen: (cb) => t.on_receive((v, m) => cb(m)) };
  },
  async raw(name) {
    const model = window.rawModels[name];
    window.rawSinks ??= {};
    return {
      send: (text) => model.send({ m: text }),
      listen: (cb) => { window.rawSinks[name] = (content) => cb(content.m); },
    };
  },
  async trait(name) {
    const model = window.traitModels[name];
    window.traitSinks ??= {};
    // Versions must grow: an unchanged value is no change, and nothing would be sent.
    let version = model.get("py_endpoint")[0];
    return {
      send: (text) => {
        version += 1;
        model.set("py_endpoint", [version, text]);
        model.save_changes();
      },
      listen: (cb) => { window.traitSinks[name] = (value) => cb(value[1]); },
    };
  },
};
let out = null, inState = null;
window.__bench = {
  async roundTrips(kind, count, payload, tripMs) {
    const ep = await endpoints[kind]("echo");
    let reply = null;
    ep.listen(() => reply && reply());
    const times = [];
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      const answered = new Promise((resolve) => { reply = resolve; ep.send(payload); });
      const late = sleep(tripMs).then(() => "late");
      if ((await Promise.race([answered, late])) === "late") {
        return { times, error: `round trip ${i + 1} got no reply within ${tripMs} ms` };
      }
      times.push(performance.now() - start);
    }
    return { times, error: null };
  },
  // Done at the reply to the last message, or once the kernel has gone quiet without one.
  async burstIn(kind, size, quietMs, ms) {
    const ep = await endpoints[kind]("in");
    const kernel = window.__harness.panel.sessionContext.session.kernel;
    const state = inState = { doneAt: null, start: 0 };
    let heard = 0, heardAt = 0;
    ep.listen((m) => { if (m === "done") state.doneAt ??= performance.now(); });
    const onMsg = (_, { direction }) => {
      if (direction === "recv") { heard += 1; heardAt = performance.now(); }
    };
    kernel.anyMessage.connect(onMsg);
    const wallStart = Date.now();
    state.start = performance.now();
    for (let i = 0; i < size; i++) ep.send(String(i));
    // Nothing is heard while the loop runs: quiet counts from its end.
    heardAt = performance.now();
    try {
      await until(ms, () => state.doneAt !== null || performance.now() - heardAt > quietMs);
    } finally { kernel.anyMessage.disconnect(onMsg); }
    return { wallStart, heard };
  },
  // A late reply still counts: the kernel may have been busy after the page went quiet.
  doneInMs() {
    return inState.doneAt === null ? null : inState.doneAt - inState.start;
  },
  async startOut(kind, go) {
    const ep = await endpoints[kind]("out");
    out = { count: 0, lastAt: null, start: performance.now() };
    const state = out;
    ep.listen(() => { state.count += 1; state.lastAt = performance.now(); });
    if (go !== null) ep.send(go);
  },
  // Done when all arrived, or nothing new came for quietMs (dropped messages never come).
  async finishOut(size, quietMs, ms) {
    const state = out, called = performance.now();
    const quiet = () => performance.now() - Math.max(state.lastAt ?? called, called)
      > (state.lastAt === null ? 5 * quietMs : quietMs);
    await until(ms, () => state.count >= size || quiet());
    return { delivered: state.count,
             lastMs: state.lastAt === null ? null : state.lastAt - state.start };
  },
  kernelIdle() {
    return window.__harness.panel.sessionContext.session?.kernel?.status === "idle";
  },
};
}"""
