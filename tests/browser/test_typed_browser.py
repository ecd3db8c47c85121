"""Typed messages in a real JupyterLab: the search-as-you-type example, plain-JS typed handlers,
and structured errors travelling back to the browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator
from readme_cells import readme_cells
from screenshots import save

from ipycallback_testing import JupyterServer, NotebookPage, write_notebook
from ipycallback_testing.tunnel_page import kernel_json, wait_kernel, wait_output

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(jupyter_lab: JupyterServer, browser: BrowserContext) -> Iterator[NotebookPage]:
    shutil.copy(ROOT / "examples" / "search_as_you_type.ipynb", jupyter_lab.root_dir)
    shutil.copytree(ROOT / "examples" / "generated", jupyter_lab.root_dir / "generated")
    with NotebookPage(jupyter_lab, browser, "search_as_you_type.ipynb") as page:
        page.run_all_cells(timeout=120)
        yield page


# The search notebook's cells: the page's search box is in cell 2, the kernel's counters in 4.
SEARCH_BOX, KERNEL_STATS = 2, 4
DEMO_QUERY = "json enc"  # what the page types by itself on Run All


def page_counts(page: NotebookPage) -> dict[str, int]:
    """The counters the search box shows under it."""
    text = page.page.locator(".search-demo .stats").inner_text()
    match = re.fullmatch(
        r"This page: (\d+) requests? sent, (\d+) answered, (\d+) dropped because a newer "
        r"keystroke replaced them",
        text,
    )
    assert match, text
    return dict(zip(("sent", "answered", "dropped"), map(int, match.groups()), strict=True))


def settled_status(page: NotebookPage, query: str) -> str:
    status = page.page.locator(".search-demo .status")
    wait_output(page, SEARCH_BOX, f'for "{query}"')
    page.page.wait_for_timeout(1000)  # let any straggling reply arrive: it must not show
    return status.inner_text()


def test_run_all_drives_the_search_and_the_numbers_add_up(page: NotebookPage) -> None:
    status = settled_status(page, DEMO_QUERY)
    assert re.fullmatch(rf'1 hit for "{DEMO_QUERY}" \(\d+ ms in the kernel\)', status), status
    assert page.page.locator(".search-demo li").all_inner_texts() == [
        "json: JSON encoder and decoder"
    ]
    counts = page_counts(page)
    # One request per keystroke the page typed; each is answered or dropped, never both.
    assert counts["sent"] == len(DEMO_QUERY)
    assert counts["answered"] + counts["dropped"] == counts["sent"], counts
    assert counts["dropped"] >= 1, "rapid keystrokes must supersede older requests"
    stats = kernel_json(page, "search.stats.__dict__")
    replies = kernel_json(page, "search.tunnel.stats.sent")
    # Every request is answered, superseded in the kernel, or dropped as stale.
    assert stats["received"] == len(DEMO_QUERY)
    assert stats["superseded"] >= 1
    assert replies + stats["superseded"] + stats["stale_replies"] == len(DEMO_QUERY)
    assert replies >= counts["answered"]
    # The last cell shows the kernel's counters, after Run All, as they are now.
    wait_output(
        page,
        KERNEL_STATS,
        f"The kernel: {stats['received']} queries received, {stats['superseded']} superseded",
    )


@pytest.mark.screenshot
def test_typing_shows_only_the_newest_reply_with_its_hit_count(page: NotebookPage) -> None:
    before = page_counts(page)
    box = page.page.get_by_placeholder("type to search the standard library")
    box.fill("")  # focusing the box also stops the page's own typing, long done by now
    box.press_sequentially("time", delay=40)
    status = settled_status(page, "time")
    assert re.fullmatch(r'2 hits for "time" \(\d+ ms in the kernel\)', status), status
    assert page.page.locator(".search-demo li").all_inner_texts() == [
        "datetime: dates and times",
        "zoneinfo: IANA time zone support",
    ]
    counts = page_counts(page)
    typed = counts["sent"] - before["sent"]
    assert typed == len("time") + 1, "one request per key, and one for clearing the box"
    assert counts["answered"] + counts["dropped"] == counts["sent"], counts
    box.fill("a")
    status = settled_status(page, "a")
    assert status.startswith('5 of 23 hits for "a"'), status
    save(page.page.locator(".search-demo"), "search_as_you_type")
    box.fill("xyz")
    assert settled_status(page, "xyz").startswith('No hits for "xyz"')
    box.fill("time")
    settled_status(page, "time")


def test_typed_messages_both_ways_in_plain_javascript(page: NotebookPage) -> None:
    page.evaluate(
        """async () => {
          const search = await window.IPyCallback.typed("search-demo");
          window.pushed = [];
          search.on("QueryResult", (version, msg) => window.pushed.push([version, msg]));
          search.send({ type: "Query", text: "zip" });
        }"""
    )
    # The kernel's reply to a send() (not a request) reaches the on() handler, validated.
    got = page.wait_for_js("window.pushed.length === 1 && window.pushed[0][1]", timeout=30)
    assert (got["type"], got["query"], got["total"]) == ("QueryResult", "zip", 1)
    assert got["hits"] == [{"title": "zipfile: work with ZIP archives", "score": 1.0, "tags": []}]
    page.execute(
        "search.send(QueryResult('from the kernel', [Hit('pushed', 0.5)], total=1, took_ms=0.0))"
    )
    pushed = page.wait_for_js("window.pushed.length === 2 && window.pushed[1][1]")
    assert pushed["hits"] == [{"title": "pushed", "score": 0.5, "tags": []}]


def test_errors_reach_the_browser_structured_and_the_tunnel_keeps_working(
    page: NotebookPage,
) -> None:
    ran = page.execute(
        "from ipycallback import TypedTunnel\n"
        "errors_demo = TypedTunnel(SlowTunnelWidget(tunnel_id='errors-demo'),\n"
        "    receive=[Query], send=[QueryResult], replies={Query: QueryResult})\n"
        "@errors_demo.on(Query)\n"
        "def fragile(version, query):\n"
        "    if query.text == 'boom':\n"
        "        raise ValueError('no results for boom')\n"
        "    return QueryResult(query.text, [], total=0, took_ms=0.0)\n"
    )
    assert ran.status == "ok", ran.text
    outcome = page.evaluate(
        """async () => {
          const t = await window.IPyCallback.typed("errors-demo", { timeoutMs: 20000 });
          const describe = (e) => ({ name: e.name, code: e.code, path: e.path, version: e.version, message: e.reason ?? e.message });
          const reported = [];
          t.onError((e) => reported.push(describe(e)));
          let local = null;
          try { t.send({ type: "Query", text: "x", limit: 0 }); } catch (e) { local = describe(e); }
          // Bypass the browser's own check, so the kernel's validator has to answer.
          t.tunnel.send_msg(JSON.stringify({ type: "Query", text: "x", limit: 0 }));
          let failed = null;
          try { await t.request({ type: "Query", text: "boom" }); } catch (e) { failed = describe(e); }
          const after = await t.request({ type: "Query", text: "fine" }, { timeoutMs: 20000 });
          return { local, reported, failed, after };
        }"""
    )
    assert outcome["local"] == {
        "name": "MessageValidationError",
        "code": None,
        "path": "$.limit",
        "version": None,
        "message": outcome["local"]["message"],
    }
    assert "1" in outcome["local"]["message"]
    assert outcome["reported"] == [
        {
            "name": "TunnelError",
            "code": "validation",
            "path": "$.limit",
            "version": 1,
            "message": "Expected `int` >= 1",
        }
    ]
    assert outcome["failed"] == {
        "name": "TunnelError",
        "code": "handler_exception",
        "path": None,
        "version": 2,
        "message": "ValueError: no results for boom",
    }
    assert outcome["after"] == {
        "type": "QueryResult",
        "query": "fine",
        "hits": [],
        "total": 0,
        "took_ms": 0,
    }
    assert wait_kernel(page, "errors_demo.stats.handler_errors == 1") is True


def test_proto_keys_in_payloads_never_reach_object_prototype(page: NotebookPage) -> None:
    page.evaluate(
        """async () => {
          const t = await window.IPyCallback.typed("search-demo");
          window.protoSeen = [];
          t.on("QueryResult", (v, msg) => window.protoSeen.push(Object.keys(msg)));
        }"""
    )
    page.execute(
        'search.tunnel.send_msg(\'{"type": "QueryResult", "query": "p", "hits": [], '
        '"total": 0, "took_ms": 0, "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}\')'
    )
    keys = page.wait_for_js("window.protoSeen.length === 1 && window.protoSeen[0]")
    assert "__proto__" in keys
    assert "constructor" in keys
    assert page.evaluate("({}).polluted === undefined && Object.prototype.polluted === undefined")


def test_the_readme_typed_example_runs_as_written(
    jupyter_lab: JupyterServer, browser: BrowserContext
) -> None:
    cells: list[str | tuple[str, str]] = list(readme_cells("typed-example"))
    write_notebook(jupyter_lab.root_dir / "readme_typed.ipynb", cells)
    with NotebookPage(jupyter_lab, browser, "readme_typed.ipynb") as readme:
        readme.run_all_cells(timeout=120)
        shown = wait_output(readme, 1, "reply: abc ABC")
        assert shown.splitlines() == ["pushed: pushed", "reply: abc ABC"]


GENERATED_DRIVER = """
import { SearchTunnel } from "./search_messages.ts";
window.generatedOutcome = (async () => {
  const search = await SearchTunnel.attach("generated-demo", { timeoutMs: 30000 });
  const reply = await search.request({ type: "Query", text: "json", limit: 1, mode: "prefix" });
  let invalid = null;
  try { search.send({ type: "Query", text: "x", limit: 0 }); } catch (e) { invalid = [e.name, e.path]; }
  let mismatch = null;
  try { await SearchTunnel.attach("mismatch", { timeoutMs: 30000 }); } catch (e) { mismatch = e.message; }
  return { reply, invalid, mismatch };
})();
"""


def test_generated_python_and_typescript_talk_to_each_other(page: NotebookPage) -> None:
    ran = page.execute(
        "generated = SearchTunnel(SlowTunnelWidget(tunnel_id='generated-demo'))\n"
        "generated.on(Query, run_query)\n"
        "from ipycallback import TypedTunnel\n"
        "from generated.search_messages import Stop\n"
        "mismatch = TypedTunnel(SlowTunnelWidget(tunnel_id='mismatch'), receive=[Query, Stop],\n"
        "    send=[QueryResult], fingerprint='sha256:from-another-version')\n"
    )
    assert ran.status == "ok", ran.text
    generated = ROOT / "examples" / "generated"
    bundle = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "esbuild"), "--bundle", "--format=esm",
         f"--alias:ipycallback={ROOT / 'frontend' / 'src' / 'index.ts'}",
         '--define:__IPYCALLBACK_VERSION__="e2e"', "--loader=ts", "--log-level=warning"],
        input=GENERATED_DRIVER, cwd=generated, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    page.page.add_script_tag(content=bundle, type="module")
    # An inline module script runs after add_script_tag returns; wait until it has started.
    page.wait_for_js("window.generatedOutcome !== undefined")
    outcome = page.evaluate("async () => await window.generatedOutcome")
    reply = outcome["reply"]
    assert (reply["type"], reply["query"], reply["total"]) == ("QueryResult", "json", 1)
    assert reply["hits"] == [{"title": "json: JSON encoder and decoder", "score": 1, "tags": []}]
    assert outcome["invalid"] == ["MessageValidationError", "$.limit"]
    assert "differs from this browser code's" in outcome["mismatch"]
    assert "sha256:from-another-version" in outcome["mismatch"]


@pytest.mark.screenshot
def test_the_live_example_streams_frames_and_measures_round_trips(
    jupyter_lab: JupyterServer, browser: BrowserContext
) -> None:
    shutil.copy(ROOT / "examples" / "live_stream.ipynb", jupyter_lab.root_dir)
    with NotebookPage(jupyter_lab, browser, "live_stream.ipynb") as live:
        live.run_all_cells(timeout=120)
        figures = live.page.locator(".live-demo .figures")
        # Give the rate its one-second window and the median its 20 round trips.
        live.page.wait_for_timeout(6000)
        rate, rtt, lost = (
            live.page.locator(f".live-demo {name}").inner_text()
            for name in (".rate", ".rtt", ".lost")
        )
        print(f"live example in JupyterLab: {rate} frames/s, {rtt} ms round trip, {lost} lost")
        # 60 frames a second are sent. How many arrive within the page's one-second window
        # depends on the machine's load (a stall, then a bunch), so it is reported, not bounded:
        # frames flow, and none is lost.
        assert int(rate) > 0, figures.inner_text()
        assert float(rtt) > 0, figures.inner_text()
        assert lost == "0", figures.inner_text()
        save(live.page.locator(".live-demo"), "live_stream")
        # The page's button reaches the kernel while it streams from its thread.
        live.page.locator(".live-demo button", has_text="Stop").click()
        assert wait_kernel(live, "not streaming.is_set()", timeout=10) is True
        live.page.wait_for_timeout(1500)
        assert live.page.locator(".live-demo .rate").inner_text() == "0"
        live.page.locator(".live-demo button", has_text="Start").click()
        assert wait_kernel(live, "streaming.is_set()", timeout=10) is True
        live.execute("streaming.clear()")


def test_the_kernel_asks_example_waits_for_the_page(
    jupyter_lab: JupyterServer, browser: BrowserContext
) -> None:
    shutil.copy(ROOT / "examples" / "kernel_asks.ipynb", jupyter_lab.root_dir)
    with NotebookPage(jupyter_lab, browser, "kernel_asks.ipynb") as asks:
        for index in range(3):
            assert asks.run_cell(index).status == "ok"
        # call() blocks its cell until the page answers: choose while it runs.
        asks.start_cell(3, timeout=60)
        choose = asks.page.get_by_role("button", name="Choose")
        if not wait_enabled(choose):
            raise AssertionError(f"the page was never asked: {asks.finish_cell().text}")
        asks.page.locator("#asks-colour").fill("#ff8800")
        choose.click()
        picked = asks.finish_cell()
        assert picked.status == "ok", picked.text
        assert picked.stdout == "you picked #ff8800\n", picked.text
        assert asks.page.locator("#asks-prompt").inner_text() == "You chose #ff8800."
        # The stop button ends the loop that is still running.
        asks.start_cell(4, timeout=60)
        asks.page.locator("#asks-progress", has_text="The loop is at step").wait_for()
        asks.page.get_by_role("button", name="Stop the loop").click()
        stopped = asks.finish_cell()
        assert stopped.status == "ok", stopped.text
        assert stopped.stdout.startswith("stopped at step"), stopped.text


def wait_enabled(button: Locator, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not button.is_enabled():
        if time.monotonic() > deadline:
            return False
        button.page.wait_for_timeout(50)
    return True
