"""Issue 9, in a real JupyterLab: a handler stopped by an interrupt, lone surrogates, and kernel
restarts asked from the page and through the REST API.

Figures are printed (run with -s to see them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fault_streams import js_record, wait_js_count
from playwright.sync_api import BrowserContext

from ipycallback_testing import JupyterServer, NotebookPage, write_notebook
from ipycallback_testing.console_watch import assert_console_quiet, console_mark
from ipycallback_testing.kernel_control import (
    KernelEvents,
    interrupt_rest,
    restart_page,
    restart_rest,
    wait_kernel_ready,
)
from ipycallback_testing.tunnel_page import kernel_json, wait_kernel

pytestmark = pytest.mark.browser

SETUP = """
import asyncio, threading, time
import msgspec
from ipycallback import SlowTunnelWidget, TypedTunnel

slow = SlowTunnelWidget(tunnel_id="slow")
slow_log = []
def on_slow(version, msg):
    where = threading.current_thread().name
    slow_log.append([msg, where, time.time()])
    if not msg.startswith("slow"):
        slow.send_msg("got:" + msg)
        return
    slow.send_msg("started:" + where)
    try:
        for _ in range(int(msg.split(":")[1])):
            time.sleep(0.05)
    except KeyboardInterrupt:
        slow.send_msg("interrupted")
        raise
    slow.send_msg("finished")
slow.on_receive(on_slow)
"""

RESTART_CELL = """
import asyncio, msgspec
from ipycallback import SlowTunnelWidget, TypedTunnel
class Ask(msgspec.Struct, tag=True):
    text: str
class Answer(msgspec.Struct, tag=True):
    text: str
never = TypedTunnel(SlowTunnelWidget(tunnel_id="restart-me"),
                    receive=[Ask], send=[Answer], replies={Ask: Answer})
@never.on(Ask)
async def hang(version, ask):
    await asyncio.Event().wait()   # never answers
"""


@pytest.fixture(scope="module")
def page(jupyter_lab: JupyterServer, browser: BrowserContext) -> Iterator[NotebookPage]:
    write_notebook(jupyter_lab.root_dir / "faults_kernel.ipynb", [SETUP, RESTART_CELL])
    with NotebookPage(jupyter_lab, browser, "faults_kernel.ipynb") as nb:
        assert nb.run_cell(0).status == "ok"
        js_record(nb, "slow")
        yield nb


# The page sends `first`; when the kernel's answer to it arrives, it sends the long message and
# three more in the same task, i.e. in one frame: the three wait behind the long one.
_SEND_AFTER = """([first, long]) => {
  const t = window.IPyCallback.get("slow"), rec = window.__rec.slow;
  rec.framesAt = rec.got.map(() => null);  // framesSent when each message arrived
  t.on_receive((v, m) => {
    rec.got.push(m); rec.at.push(Date.now()); rec.framesAt.push(t.stats.framesSent);
    if (m === first) { t.send_msg(long); for (const x of ["a", "b", "c"]) t.send_msg(x); }
  });
  if (first === "got:warm") t.send_msg("warm");
}"""


def _index(page: NotebookPage, msg: str, timeout: float = 30) -> int:
    """Where `msg` first arrived in the page, once it has."""
    found = page.wait_for_js(f"() => window.__rec.slow.got.indexOf({msg!r}) + 1", timeout)
    return int(found) - 1


def _wait_acked(page: NotebookPage, msg: str) -> None:
    """Until the page has sent a frame (its ack) since `msg` arrived."""
    page.wait_for_js(
        f"""() => {{ const rec = window.__rec.slow, i = rec.got.lastIndexOf({msg!r});
          return window.IPyCallback.get("slow").stats.framesSent > rec.framesAt[i]; }}"""
    )


def test_an_interrupt_stops_a_handler_on_the_main_thread(
    page: NotebookPage, jupyter_lab: JupyterServer
) -> None:
    """ipykernel runs a widget's incoming message on the shell of the comm's last outgoing one:
    a message the kernel sent from a cell routes the page's answer to the main shell."""
    start = len(page.evaluate("() => window.__rec.slow.got"))
    page.evaluate(_SEND_AFTER, ["go", "slow:600"])  # 600 x 50 ms: 30 s unless interrupted
    assert page.execute("slow.send_msg('go')").status == "ok"
    where = page.wait_for_js(
        f"() => window.__rec.slow.got.slice({start}).find((m) => m.startsWith('started:'))"
    )
    assert where == "started:MainThread", f"the handler ran on {where!r}"
    _wait_acked(page, where)  # afterwards the page has no frame to send
    frames_before = page.evaluate("() => window.IPyCallback.get('slow').stats.framesSent")
    t0 = time.time()
    interrupt_rest(jupyter_lab, page.kernel_id)
    i_int, i_c = _index(page, "interrupted"), _index(page, "got:c")
    rec = page.evaluate(
        "() => ({ got: window.__rec.slow.got, at: window.__rec.slow.at, "
        "frames: window.__rec.slow.framesAt })"
    )
    assert rec["got"][i_int:] == ["interrupted", "got:a", "got:b", "got:c"], rec["got"]
    # "got:a" reached the page before the page had sent anything since the interrupt: the
    # queued messages were delivered without a new message arriving at the kernel.
    assert rec["frames"][i_int + 1] == frames_before, (rec["frames"], frames_before)
    log = kernel_json(page, "slow_log[-4:]")
    assert [m for m, _, _ in log] == ["slow:600", "a", "b", "c"]
    # The interrupted handler ran on the main thread; the queued ones may run on the page's
    # subshell, where they arrived while the main thread was busy.
    assert log[0][1] == "MainThread"
    print(
        f"\ninterrupt, handler on {log[0][1]}: stopped {rec['at'][i_int] / 1000 - t0:.3f} s after "
        f"POST interrupt; the 3 queued messages handled {log[-1][2] - t0:.3f} s after it and "
        f"echoed to the page {rec['at'][i_c] / 1000 - t0:.3f} s after it; "
        f"kernel stats interrupted={kernel_json(page, 'slow.stats.interrupted')}"
    )
    assert page.execute("print('alive')").stdout == "alive\n"


def test_an_interrupt_does_not_reach_a_handler_on_a_subshell(
    page: NotebookPage, jupyter_lab: JupyterServer
) -> None:
    """A message the kernel sent from a handler routes the page's next frame to the subshell
    JupyterLab chose for the widget comms (commsOverSubshells, "perCommTarget" by default).
    SIGINT only ever interrupts the main thread: the handler runs on to its end."""
    start = len(page.evaluate("() => window.__rec.slow.got"))
    page.evaluate(_SEND_AFTER, ["got:warm", "slow:60"])  # 60 x 50 ms = 3 s
    _index(page, "got:warm")
    where = page.wait_for_js(
        f"() => window.__rec.slow.got.slice({start}).find((m) => m.startsWith('started:'))"
    )
    assert where.startswith("started:subshell-"), f"the handler ran on {where!r}"
    _wait_acked(page, where)
    t0 = time.time()
    interrupt_rest(jupyter_lab, page.kernel_id)
    i_done = _index(page, "finished")
    got = page.evaluate("() => window.__rec.slow.got")[start:]
    assert "interrupted" not in got
    assert got[-4:] == ["finished", "got:a", "got:b", "got:c"], got
    log = kernel_json(page, "slow_log[-4:]")
    ran = page.evaluate(f"() => window.__rec.slow.at[{i_done}]") / 1000 - log[0][2]
    print(
        f"\ninterrupt, handler on {log[0][1]}: not interrupted (POST interrupt at "
        f"{t0 - log[0][2]:.2f} s into it); it ran its full {ran:.2f} s, then the queued 3 followed"
    )
    assert ran >= 2.9
    assert page.execute("print('alive')").stdout == "alive\n"


def test_lone_surrogates_are_refused_and_nothing_else_is_lost(page: NotebookPage) -> None:
    page.execute(
        "bad = SlowTunnelWidget(tunnel_id='bad')\nbad_in = []\n"
        "bad.on_receive(lambda v, m: bad_in.append([v, m]))"
    )
    js_record(page, "bad")
    out = page.execute(
        "bad.send_msg('before')\n"
        "try:\n    bad.send_msg('\\ud800')\nexcept ValueError as e:\n    print(e)\n"
        "bad.send_msg('after')\n"
    )
    assert out.status == "ok", out.text
    assert "index 0" in out.stdout, out.text
    wait_js_count(page, "bad", 2)
    assert page.evaluate("() => window.__rec.bad.got") == ["before", "after"]
    error = page.evaluate(
        """() => { const t = window.IPyCallback.get("bad");
          try { t.send_msg("a\\ud800"); return null; } catch (e) { return [e.name, e.message]; } }"""
    )
    assert error[0] == "RangeError", error
    assert "index 1" in error[1], error
    assert page.evaluate("() => window.IPyCallback.get('bad').send_msg('ok')") == 1
    assert wait_kernel(page, "bad_in") == [[1, "ok"]]
    print(f"\nlone surrogates: kernel says {out.stdout.strip()!r}; page says {error[1]!r}")

    # Nothing bad reached the widget state: a reloaded page restores every tunnel.
    ids = sorted(
        kernel_json(
            page, "sorted(__import__('ipycallback.tunnel.widget', fromlist=['_LIVE'])._LIVE)"
        )
    )
    mark = console_mark(page)
    page.reload()
    page.wait_for_js("() => !!window.IPyCallback", timeout=60)  # defined by the first tunnel
    restored = page.evaluate(
        """async (ids) => Promise.all(ids.map(async (id) => {
             const t = await window.IPyCallback.wait(id, { timeoutMs: 30000 });
             return [id, t.py_endpoint, t.js_endpoint]; }))""",
        ids,
    )
    assert [r[0] for r in restored] == ids
    assert "bad" in ids
    assert dict((r[0], r[1:]) for r in restored)["bad"] == [[1, "ok"], [2, "after"]]
    assert_console_quiet(page, r"(?i)surrogate|Could not create|Error restoring", since=mark)
    js_record(page, "bad")
    page.execute("bad.send_msg('after reload')")
    wait_js_count(page, "bad", 1)
    assert page.evaluate("() => window.__rec.bad.got") == ["after reload"]


# -- kernel restart: last, it wipes the kernel's state ------------------------------------------

_ASK = """async () => {
  const typed = await window.IPyCallback.typed("restart-me", { timeoutMs: 30000 });
  const s = window.__restart = { old: typed.tunnel, outcome: null, waited: null };
  typed.request({ type: "Ask", text: "hello?" }).then(
    () => { s.outcome = { name: "resolved" }; },
    (e) => { s.outcome = { name: e.name, message: e.message, at: Date.now() / 1000 }; });
}"""

_AFTER = """() => {
  const s = window.__restart;
  let thrown = null;
  try { s.old.send_msg("x"); } catch (e) { thrown = e.name; }
  window.IPyCallback.wait("restart-me", { timeoutMs: 90000 }).then(
    (t) => { s.waited = t; }, (e) => { s.waited = String(e); });
  return { closed: s.old.closed, thrown, registered: window.IPyCallback.has("restart-me") };
}"""


@pytest.mark.parametrize("how", ["page", "REST"])
def test_a_kernel_restart_rejects_pending_requests_and_closes_tunnels(
    page: NotebookPage, jupyter_lab: JupyterServer, how: str
) -> None:
    assert page.run_cell(1).status == "ok"
    page.evaluate(_ASK)
    wait_kernel(page, "never.stats.handled == 1")  # the handler is awaiting, forever
    events = KernelEvents.install(page)
    mark = console_mark(page)
    t0 = time.time()
    if how == "page":
        restart_page(page)
    else:
        restart_rest(jupyter_lab, page.kernel_id)
    outcome = page.wait_for_js("() => window.__restart.outcome", timeout=30)
    after = page.evaluate(_AFTER)
    assert outcome["name"] == "KernelRestartedError", outcome
    assert after == {"closed": True, "thrown": "KernelRestartedError", "registered": False}
    took = outcome["at"] - t0
    told = [f"{e.kind}:{e.value}" for e in events.all(since=t0) if e.at <= outcome["at"]]
    wait_kernel_ready(page)
    assert page.evaluate("() => window.__restart.waited") is None
    assert page.run_cell(1).status == "ok"
    page.wait_for_js("() => window.__restart.waited !== null", timeout=60)
    fresh = page.evaluate(
        """() => { const s = window.__restart, t = s.waited;
          return typeof t === "string" ? t : { same: t === s.old, closed: t.closed }; }"""
    )
    assert fresh == {"same": False, "closed": False}, fresh
    js_record(page, "restart-me")
    page.execute("never.send_msg('alive')")
    wait_js_count(page, "restart-me", 1)
    lines = assert_console_quiet(page, r"(?i)ipycallback", at_most=1, since=mark)
    print(
        f"\nrestart from the {how}: request rejected {took:.3f} s after it began "
        f"({outcome['message'][:80]}...); what the page had seen by then: {told}; "
        f"{lines} ipycallback console line(s)"
    )
    assert took < 1.0
