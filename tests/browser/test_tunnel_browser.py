"""The tunnel in a real JupyterLab: the README's examples exactly as printed, then edge cases."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from introduction_page import (
    BURST_KERNEL,
    BURST_PAGE,
    LISTEN,
    PAGE,
    SEARCH_PAGE,
    check_bursts,
    check_stale_reply_dropped,
)
from playwright.sync_api import BrowserContext
from screenshots import save_notebook

from ipycallback_testing import JupyterServer, NotebookPage
from ipycallback_testing.tunnel_page import (
    WATCH_STDERR,
    kernel_json,
    wait_console,
    wait_kernel,
    wait_output,
)

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(jupyter_lab: JupyterServer, browser: BrowserContext) -> Iterator[NotebookPage]:
    shutil.copy(ROOT / "examples" / "introduction.ipynb", jupyter_lab.root_dir)
    with NotebookPage(jupyter_lab, browser, "introduction.ipynb") as page:
        page.run_all_cells(timeout=120)
        yield page


def test_javascript_to_python(page: NotebookPage) -> None:
    received = wait_kernel(page, "received")
    assert received == [[1, '{"msg":"hello from JavaScript"}']]
    wait_output(page, LISTEN, 'Python received version 1: {"msg":"hello from JavaScript"}')


def test_python_to_javascript(page: NotebookPage) -> None:
    shown = wait_output(page, PAGE, 'JavaScript received version 1: {"msg": "hello from Python"}')
    assert shown.splitlines() == [
        "JavaScript sent version 1",
        'JavaScript received version 1: {"msg": "hello from Python"}',
    ]


def test_call_and_wait_drops_the_stale_reply(page: NotebookPage) -> None:
    check_stale_reply_dropped(page)


def test_bursts_arrive_complete_and_in_order_both_ways(page: NotebookPage) -> None:
    check_bursts(page)
    stats = kernel_json(page, "burst.stats.__dict__")
    assert stats["dropped"] == 0
    assert stats["bad_frames"] == 0
    assert stats["batches_sent"] < 200, f"10,000 messages should need few comm messages: {stats}"


@pytest.mark.screenshot
def test_the_page_shows_what_arrived_both_ways(page: NotebookPage) -> None:
    wait_output(page, LISTEN, "Python received version 1")
    wait_output(page, PAGE, "JavaScript received version 1")
    wait_output(page, SEARCH_PAGE, "showing reply 2")
    wait_output(page, BURST_KERNEL, "Python received 10000 messages", timeout=60)
    wait_output(page, BURST_PAGE, "JavaScript received 10000 messages", timeout=60)
    save_notebook(page, "introduction", hide_code=True)


def test_a_tunnel_works_without_display(page: NotebookPage) -> None:
    page.execute(
        "hidden = SlowTunnelWidget(tunnel_id='hidden')\n"
        "hidden_got = []\n"
        "hidden.on_receive(lambda v, m: hidden_got.append(m))"
    )
    echoed = page.evaluate(
        """async () => {
          const t = await window.IPyCallback.wait("hidden", { timeoutMs: 20000 });
          window.hiddenGot = [];
          t.on_receive((v, m) => window.hiddenGot.push([v, m]));
          return t.send_msg("ping from a tunnel nobody displayed");
        }"""
    )
    assert echoed == 1
    assert wait_kernel(page, "hidden_got") == ["ping from a tunnel nobody displayed"]
    page.execute("hidden.send_msg('pong')")
    assert page.wait_for_js("window.hiddenGot.length === 1 && window.hiddenGot[0]") == [1, "pong"]


def test_waiting_for_a_missing_tunnel_times_out_clearly(page: NotebookPage) -> None:
    message = page.evaluate(
        """() => window.IPyCallback.wait("never", { timeoutMs: 200 })
             .then(() => "resolved", (error) => error.message)"""
    )
    assert 'no tunnel "never" appeared within 200 ms' in message


def test_waiting_resolves_when_the_tunnel_is_created_later(page: NotebookPage) -> None:
    page.evaluate(
        """() => { window.laterTunnel = null;
                   window.IPyCallback.wait("later", { timeoutMs: 30000 })
                     .then((t) => { window.laterTunnel = t.tunnel_id; }); }"""
    )
    page.execute("later = SlowTunnelWidget(tunnel_id='later')")
    assert page.wait_for_js("window.laterTunnel") == "later"


def test_rerunning_replaces_the_tunnel_and_close_unregisters_it(page: NotebookPage) -> None:
    page.execute("x = SlowTunnelWidget(tunnel_id='x')")
    page.evaluate("async () => { window.oldX = await window.IPyCallback.wait('x'); }")
    page.execute(
        "x = SlowTunnelWidget(tunnel_id='x')\nx_got = []\nx.on_receive(lambda v, m: x_got.append(m))"
    )
    page.wait_for_js("window.IPyCallback.get('x') && window.IPyCallback.get('x') !== window.oldX")
    outcome = page.evaluate(
        """() => {
          let error = null;
          try { window.oldX.send_msg("to the old one"); } catch (e) { error = `${e.name}: ${e.message}`; }
          window.IPyCallback.get("x").send_msg("to the new one");
          return { oldClosed: window.oldX.closed, error };
        }"""
    )
    assert outcome["oldClosed"] is True
    assert outcome["error"].startswith('TunnelClosedError: IPyCallback: tunnel "x" is closed')
    assert wait_kernel(page, "x_got") == ["to the new one"]
    page.execute("x.close()")
    page.wait_for_js("!window.IPyCallback.has('x')")
    result = page.execute("x.send_msg('after close')")
    assert result.status == "error"
    assert "TunnelClosedError: tunnel 'x' is closed" in result.text


def test_bad_input_in_the_browser_raises_type_error(page: NotebookPage) -> None:
    errors = page.evaluate(
        """() => {
          const t = window.IPyCallback.get("demo");
          const attempt = (f) => { try { f(); return null; } catch (e) { return `${e.name}: ${e.message}`; } };
          return [attempt(() => t.send_msg(42)), attempt(() => t.send_msg_with_version("7", "x"))];
        }"""
    )
    assert errors == [
        "TypeError: send_msg() expects msg to be a string, got number: 42",
        'TypeError: send_msg_with_version() expects version to be a non-negative integer, got string: "7"',
    ]


def test_handler_errors_are_shown_and_the_tunnel_keeps_working(page: NotebookPage) -> None:
    page.evaluate(WATCH_STDERR)
    page.execute(
        "after_error = []\n"
        "def fragile(version, msg):\n"
        "    if msg == 'boom':\n"
        "        raise ValueError('the handler failed on purpose')\n"
        "    after_error.append(msg)\n"
        "tunnel.on_receive(fragile)"
    )
    page.evaluate(
        """() => {
          const t = window.IPyCallback.get("demo");
          t.send_msg("boom");
          setTimeout(() => t.send_msg("next"), 50);
        }"""
    )
    assert wait_kernel(page, "after_error") == ["next"]
    stderr = page.wait_for_js("window.__stderr.join('')")
    assert "the on_receive handler raised on message version" in stderr
    assert "ValueError: the handler failed on purpose" in stderr
    # And in the browser: a throwing JS handler is reported, the next message still arrives.
    page.evaluate(
        """() => {
          const t = window.IPyCallback.get("demo");
          window.afterJsError = [];
          t.on_receive((v, m) => { if (m === "boom") throw new Error("js boom"); window.afterJsError.push(m); });
        }"""
    )
    page.execute("tunnel.send_msg('boom'); tunnel.send_msg('fine')")
    assert page.wait_for_js("window.afterJsError.length === 1 && window.afterJsError[0]") == "fine"
    wait_console(page, "the on_receive handler threw on message version")


def test_messages_over_the_websocket_limit_are_chunked_and_delivered(page: NotebookPage) -> None:
    # Tornado closes the kernel websocket on a frame over 10 MiB; 12 MiB must still arrive.
    page.execute(
        "import hashlib\n"
        "big_in = []\n"
        "tunnel.on_receive(lambda v, m: big_in.append((len(m), hashlib.sha256(m.encode()).hexdigest())))"
    )
    digest = page.evaluate(
        """async () => {
          const text = "0123456789abcdé😀".repeat(800 * 1024);
          window.IPyCallback.get("demo").send_msg(text);
          const bytes = new TextEncoder().encode(text);
          const hash = await crypto.subtle.digest("SHA-256", bytes);
          return [text.length, Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("")];
        }"""
    )
    got = wait_kernel(page, "big_in", timeout=120)
    # Python counts code points (16 per repeat); JavaScript counts UTF-16 units (17).
    assert digest[0] == 17 * 800 * 1024
    assert got == [[16 * 800 * 1024, digest[1]]]
    page.evaluate(
        """() => { window.bigOut = [];
                   window.IPyCallback.get("demo").on_receive((v, m) => window.bigOut.push(m.length)); }"""
    )
    page.execute("tunnel.send_msg('a' * (12 * 1024 * 1024)); tunnel.send_msg('small after big')")
    assert page.wait_for_js("window.bigOut.length === 2 && window.bigOut", timeout=120) == [
        12 * 1024 * 1024,
        len("small after big"),
    ]


def test_after_a_reload_the_tunnel_is_restored_from_state(page: NotebookPage) -> None:
    # The endpoints may hold the 12 MiB messages of the previous test. The widget state keeps
    # only messages of up to 64 Ki characters; a reloaded page sees a larger one as "".
    endpoints = kernel_json(
        page,
        "[[v, len(m.encode('utf-16-le')) // 2] for v, m in (tunnel.py_endpoint, tunnel.js_endpoint)]",
    )
    assert endpoints[0][1] > 65536, "the previous test left a large message to check this with"
    endpoints = [[v, n if n <= 65536 else 0] for v, n in endpoints]
    # Code that runs before any tunnel's front end has loaded listens for this event.
    page.page.add_init_script(
        "window.addEventListener('ipycallback:ready', () => { window.readyFired = true; });"
    )
    page.reload()
    page.wait_for_js("window.readyFired === true")
    restored = page.evaluate(
        """async () => {
          const t = await window.IPyCallback.wait("demo", { timeoutMs: 30000 });
          return [t.py_endpoint, t.js_endpoint].map(([v, m]) => [v, m.length]);
        }"""
    )
    assert restored == endpoints
    page.execute("after_reload = []\ntunnel.on_receive(lambda v, m: after_reload.append([v, m]))")
    version = page.evaluate("() => window.IPyCallback.get('demo').send_msg('after reload')")
    assert version == endpoints[0][0] + 1, "versions keep counting upwards after a reload"
    assert wait_kernel(page, "after_reload") == [[version, "after reload"]]
    page.evaluate(
        """() => { window.afterReload = [];
                   window.IPyCallback.get("demo").on_receive((v, m) => window.afterReload.push(m)); }"""
    )
    page.execute("tunnel.send_msg('hello again')")
    assert page.wait_for_js("window.afterReload.length === 1 && window.afterReload") == [
        "hello again"
    ]
