"""Issue 9, in a real JupyterLab: one tunnel shown in several views at once, as two tabs of one
browser and as two users under real-time collaboration.

Each view gets every kernel message once, in order; each view's messages arrive once, in order,
with versions the view counts on its own; a reply made in the kernel's handler goes back only to
the view that asked, and staleness is judged per view.

Figures are printed (run with -s to see them).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Playwright

from ipycallback_testing import JupyterServer, NotebookPage, launch_browser, write_notebook
from ipycallback_testing.multi_view import assert_one_kernel, is_collaborative, views
from ipycallback_testing.tunnel_page import kernel_json, wait_kernel

pytestmark = pytest.mark.browser

CELL = """
from ipycallback import SlowTunnelWidget
shared = SlowTunnelWidget(tunnel_id="shared")
shared_in = []   # [version, msg, whether the reply was sent] in the order the handler saw them
def answer(version, msg):
    # A reply is stale (dropped) when a newer message of the same view has arrived meanwhile,
    # e.g. later in the same frame.
    shared_in.append([version, msg, shared.send_msg_with_version(version, "re:" + msg)])
shared.on_receive(answer)
"""

_RECORD = """async () => {
  const t = await window.IPyCallback.wait("shared", { timeoutMs: 30000 });
  window.__views = { got: [], versions: [] };
  t.on_receive((v, m) => { window.__views.got.push([v, m]); });
}"""

_SEND = """([prefix, from, to]) => {
  const t = window.IPyCallback.get("shared"), versions = window.__views.versions;
  let i = from;
  const step = () => {
    for (let k = 0; k < 20 && i < to; k++, i++) versions.push(t.send_msg(prefix + i));
    if (i < to) setTimeout(step, 2);
  };
  step();
}"""


def _got(page: NotebookPage) -> list[list[Any]]:
    got: list[list[Any]] = page.evaluate("() => window.__views.got")
    return got


def _wait_got(page: NotebookPage, predicate: str, timeout: float = 60) -> None:
    page.wait_for_js(f"() => {{ const got = window.__views.got; return {predicate}; }}", timeout)


def check_views(server: JupyterServer, pages: list[NotebookPage], path: str) -> None:
    assert_one_kernel(server, pages, path)
    assert pages[0].run_cell(0).status == "ok"
    for page in pages:
        # The registry exists once the widget's module has loaded in that view, which in a
        # collaborator's tab happens after the shared output arrives, not with the cell.
        page.wait_for_js("() => window.IPyCallback !== undefined", timeout=90)
        page.evaluate(_RECORD)
    a, b = pages
    t0 = time.time()

    # Kernel -> every view: each view gets each message once, in order.
    n = 1000
    assert a.execute(f"for i in range({n}):\n    shared.send_msg(f'k{{i}}')").status == "ok"
    for page in pages:
        _wait_got(page, f"got.length >= {n}")
        assert _got(page) == [[i + 1, f"k{i}"] for i in range(n)]
    broadcast = time.time() - t0

    # Both views send at once (A 200, B 100, 20 per task): each counts its own versions; the
    # kernel gets each message once, in each view's order; the replies the handler sent reach
    # only the view that asked, and the newest message of each view is always answered.
    a.evaluate(_SEND, ["a", 0, 200])
    b.evaluate(_SEND, ["b", 0, 100])
    wait_kernel(a, "len(shared_in) >= 300")
    _wait_got(a, "got.some(([, m]) => m === 're:a199')")
    _wait_got(b, "got.some(([, m]) => m === 're:b99')")
    got_in = kernel_json(a, "shared_in")
    replies = {}
    for prefix, count, page in (("a", 200, a), ("b", 100, b)):
        mine = [e for e in got_in if e[1][0] == prefix]
        assert [e[:2] for e in mine] == [[i + 1, f"{prefix}{i}"] for i in range(count)]
        assert page.evaluate("() => window.__views.versions") == list(range(1, count + 1))
        assert _got(page)[n:] == [[v, "re:" + m] for v, m, sent in mine if sent]
        replies[prefix] = sum(1 for e in mine if e[2])

    # Staleness outside a handler: judged against the newest message of the view that sent last.
    a.evaluate(_SEND, ["a", 200, 201])  # A's version 201
    wait_kernel(a, "len(shared_in) == 301")
    stale_a = kernel_json(a, "shared.send_msg_with_version(200, 'stale for A')")
    b.evaluate(_SEND, ["b", 100, 101])  # B's version 101: older than A's 201, yet fresh for B
    wait_kernel(a, "len(shared_in) == 302")
    fresh_b = kernel_json(a, "shared.send_msg_with_version(101, 'late for B')")
    stale_b = kernel_json(a, "shared.send_msg_with_version(100, 'stale for B')")
    assert (stale_a, fresh_b, stale_b) == (False, True, False)
    _wait_got(b, "got.some(([, m]) => m === 'late for B')")
    a.execute("shared.send_msg('last')")  # a marker: everything before it has arrived
    for page in pages:
        _wait_got(page, "got.some(([, m]) => m === 'last')")
    tail_a, tail_b = _got(a)[n + replies["a"] :], _got(b)[n + replies["b"] :]
    assert tail_a == [[201, "re:a200"], [n + 1, "last"]], tail_a
    assert tail_b == [[101, "re:b100"], [101, "late for B"], [n + 1, "last"]], tail_b

    stats = kernel_json(a, "shared.stats.__dict__")
    assert stats["views"] == 2
    assert stats["lost"] == 0
    assert stats["received"] == 302
    js = [p.evaluate("() => window.IPyCallback.get('shared').stats") for p in pages]
    assert all(s["lost"] == 0 for s in js)
    print(
        f"\n{len(pages)} views: {n} kernel messages reached each once, in order "
        f"({broadcast:.1f} s); 300 + 2 page messages arrived once; replies sent (not stale) "
        f"A {replies['a']}/200, B {replies['b']}/100; kernel stats views="
        f"{stats['views']} duplicates={stats['duplicates']} out_of_order={stats['out_of_order']} "
        f"resent={stats['resent']}; page duplicates {[s['duplicates'] for s in js]}, "
        f"resent {[s['resent'] for s in js]}"
    )


def test_two_tabs_on_one_notebook(jupyter_lab: JupyterServer, browser: BrowserContext) -> None:
    write_notebook(jupyter_lab.root_dir / "two_views.ipynb", [CELL])
    with views(jupyter_lab, [browser, browser], "two_views.ipynb") as pages:
        assert not is_collaborative(pages[0])
        check_views(jupyter_lab, pages, "two_views.ipynb")


def test_two_users_with_real_time_collaboration(
    rtc_lab: JupyterServer, playwright_instance: Playwright
) -> None:
    write_notebook(rtc_lab.root_dir / "rtc_views.ipynb", [CELL])
    with (
        launch_browser(playwright_instance) as alice,
        launch_browser(playwright_instance) as bob,
        views(rtc_lab, [alice, bob], "rtc_views.ipynb") as pages,
    ):
        assert all(is_collaborative(p) for p in pages)
        check_views(rtc_lab, pages, "rtc_views.ipynb")
