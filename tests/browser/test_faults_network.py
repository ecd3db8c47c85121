"""Issue 9, in a real JupyterLab: order while both sides send at once, a 5 s network cut, and
messages sent before the page's side of the tunnel exists.

Figures are printed (run with -s to see them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fault_streams import (
    KERNEL_SETUP,
    js_check,
    js_pump,
    js_record,
    js_sent_at,
    js_stats,
    kernel_stats,
    order_stats,
    wait_js_count,
    wait_kernel_count,
)
from playwright.sync_api import BrowserContext

from ipycallback_testing import JupyterServer, NotebookPage, write_notebook
from ipycallback_testing.console_watch import dismiss_dialogs
from ipycallback_testing.fault_proxy import FaultProxy
from ipycallback_testing.kernel_control import KernelEvents, start_execute, wait_execute
from ipycallback_testing.tunnel_page import kernel_json

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(
    jupyter_lab: JupyterServer, browser: BrowserContext, fault_proxy: FaultProxy
) -> Iterator[NotebookPage]:
    """One notebook whose page talks to the server through the fault proxy."""
    write_notebook(jupyter_lab.root_dir / "faults_network.ipynb", [KERNEL_SETUP])
    with NotebookPage(
        jupyter_lab, browser, "faults_network.ipynb", base_url=fault_proxy.base_url
    ) as nb:
        assert nb.run_cell(0).status == "ok"
        yield nb


def test_both_sides_sending_at_once_keep_order_exactly_once(page: NotebookPage) -> None:
    """JS sends 5,000 messages, 25 per task, while a cell sends 5,000 the other way (the kernel
    runs the browser's frames on the main shell and a subshell, whichever sent last)."""
    n = 5000
    assert (
        page.execute("both = SlowTunnelWidget(tunnel_id='both')\nboth_in = record(both)").status
        == "ok"
    )
    js_record(page, "both")
    cell = (
        f"for i in range({n}):\n"
        "    both.send_msg(str(i))\n"
        "    if i % 50 == 49:\n"
        "        time.sleep(0.02)\n"
    )
    t0 = time.time()
    run = start_execute(page, cell)
    js_pump(page, "both", n, chunk=25, gap_ms=10)
    assert wait_execute(page, run, timeout=60)["status"] == "ok"
    wait_js_count(page, "both", n)
    wait_kernel_count(page, "both_in", n)
    took = time.time() - t0
    down, up = js_check(page, "both", n), kernel_json(page, f"check(both_in, {n})")
    assert page.evaluate("() => window.__pump.both.error") is None
    k_stats, j_stats = kernel_stats(page, "both"), js_stats(page, "both")
    print(
        f"\nboth ways at once, {n} each: done in {took:.1f} s; kernel receiving "
        f"{order_stats(k_stats)}, page receiving {order_stats(j_stats)}; "
        f"kernel frames received {k_stats['frames_received']}, batches sent {k_stats['batches_sent']}"
    )
    assert up["complete"], up
    assert up["unique"] == n, up
    assert down["complete"], down
    assert down["unique"] == n, down
    assert k_stats["lost"] == 0
    assert j_stats["lost"] == 0
    assert k_stats["received"] == n
    assert j_stats["received"] == n


def test_a_5s_network_cut_loses_nothing(page: NotebookPage, fault_proxy: FaultProxy) -> None:
    """1,000 messages each way over ~10 s, with the network cut for 5 s in the middle: every
    message arrives exactly once, in order, after the page reconnects, because the entries the
    cut lost are sent again."""
    n, every = 1000, 0.01
    assert (
        page.execute("cut = SlowTunnelWidget(tunnel_id='cut')\ncut_in = record(cut)").status == "ok"
    )
    js_record(page, "cut")
    events = KernelEvents.install(page)
    assert page.execute(f"cut_sent_at = pump(cut, {n}, {every})").status == "ok"
    js_pump(page, "cut", n, chunk=1, gap_ms=int(every * 1000))
    wait_js_count(page, "cut", 150)  # cut in the middle of the stream
    record = fault_proxy.cut(5)
    assert record.ended is not None
    assert record.connections_reset >= 1
    back = events.wait_for("connection", "connected", since=record.ended, timeout=60)
    wait_js_count(page, "cut", n, timeout=90)
    wait_kernel_count(page, "cut_in", n, timeout=90)
    dialogs = [d.splitlines()[0] for d in dismiss_dialogs(page)]

    down, up = js_check(page, "cut", n), kernel_json(page, f"check(cut_in, {n})")
    k_stats, j_stats = kernel_stats(page, "cut"), js_stats(page, "cut")
    assert up["complete"], up
    assert up["unique"] == n, up
    assert down["complete"], down
    assert down["unique"] == n, down
    assert k_stats["lost"] == 0
    assert j_stats["lost"] == 0
    assert k_stats["resent"] + j_stats["resent"] > 0, "nothing was sent again: no fault?"

    # When did what the cut lost arrive? The page's and the kernel's clocks are the same.
    sent_down = kernel_json(page, "cut_sent_at")
    sent_up = js_sent_at(page, "cut")
    at_down = [t / 1000 for t in page.evaluate("() => window.__rec.cut.at")]
    at_up = kernel_json(page, "cut_in['at']")
    before = [
        max((a for s, a in zip(sent, at, strict=True) if s < back), default=back) - back
        for sent, at in ((sent_down, at_down), (sent_up, at_up))
    ]
    print(
        f"\n5 s cut, {n} messages each way over ~{n * every:.0f} s: lost 0 both ways "
        f"(kernel stats {order_stats(k_stats)}, page stats {order_stats(j_stats)}); "
        f"reconnected {back - record.ended:.2f} s after the cut ended; everything sent "
        f"before the reconnect had arrived {before[0]:.2f} s (to the page) / {before[1]:.2f} s "
        f"(to the kernel) after it; the last message (sent {sent_down[-1] - back:.2f} s / "
        f"{sent_up[-1] - back:.2f} s after the reconnect) arrived {down['last'] - back:.2f} s / "
        f"{up['last'] - back:.2f} s after it; dialogs: {dialogs}"
    )
    # Without a stall: JupyterLab used to hold the page's frames (its hello included) for its
    # kernelInfoTimeout (3 s) after reconnecting, when the tunnel had sent while it reconnected.
    assert max(before) < 2.5, before


def test_messages_sent_before_the_page_has_the_tunnel_arrive(
    jupyter_lab: JupyterServer, browser: BrowserContext
) -> None:
    """A fresh page (no tunnel module loaded yet); one cell creates a tunnel and sends 100
    messages at once; page code attaches its handler later: all 100 arrive, in order."""
    write_notebook(
        jupyter_lab.root_dir / "early.ipynb",
        [
            "from ipycallback import SlowTunnelWidget\n"
            "early = SlowTunnelWidget(tunnel_id='early')\n"
            "for i in range(100):\n"
            "    early.send_msg(str(i))\n"
        ],
    )
    with NotebookPage(jupyter_lab, browser, "early.ipynb") as nb:
        assert nb.evaluate("() => window.IPyCallback === undefined")
        assert nb.run_cell(0).status == "ok"
        # The page's side exists now; let the messages reach it before anyone listens.
        nb.wait_for_js("() => window.IPyCallback && window.IPyCallback.get('early')")
        nb.wait_for_js("() => window.IPyCallback.get('early').stats.received >= 100", timeout=30)
        js_record(nb, "early")
        wait_js_count(nb, "early", 100, timeout=30)
        result = js_check(nb, "early", 100)
        stats = js_stats(nb, "early")
        print(f"\n100 messages sent before the page had the tunnel: {result}; stats {stats}")
        assert result["complete"], result
        assert result["unique"] == 100, result
        assert stats["lost"] == 0
