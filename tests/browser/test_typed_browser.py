"""Typed messages in a real JupyterLab: the search-as-you-type example, plain-JS typed handlers,
and structured errors travelling back to the browser."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext
from readme_cells import readme_cells

from ipycallback_testing import JupyterServer, NotebookPage, write_notebook
from ipycallback_testing.tunnel_page import kernel_json, wait_console, wait_kernel

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(jupyter_lab: JupyterServer, browser: BrowserContext) -> Iterator[NotebookPage]:
    shutil.copy(ROOT / "examples" / "search_as_you_type.ipynb", jupyter_lab.root_dir)
    shutil.copytree(ROOT / "examples" / "generated", jupyter_lab.root_dir / "generated")
    with NotebookPage(jupyter_lab, browser, "search_as_you_type.ipynb") as page:
        page.run_all_cells(timeout=120)
        yield page


def test_search_as_you_type_shows_only_the_newest_reply(page: NotebookPage) -> None:
    box = page.page.get_by_placeholder("type to search the standard library")
    box.press_sequentially("json enc", delay=40)
    status = page.page.locator("div", has_text='hits for "json enc"').last
    status.wait_for(timeout=30_000)
    page.page.wait_for_timeout(1000)  # let any straggling reply arrive: it must not show
    text = status.inner_text()
    assert text.startswith('1 hits for "json enc";'), text
    dropped = int(text.split(";")[1].split()[0])
    assert dropped >= 1, "rapid keystrokes must supersede older requests"
    assert page.page.locator("li", has_text="json: JSON encoder and decoder").count() == 1
    stats = kernel_json(page, "search.stats.__dict__")
    replies = kernel_json(page, "search.tunnel.stats.sent")
    # Eight keystrokes: every request is answered, superseded in the kernel, or cancelled.
    assert stats["received"] == 8
    assert stats["superseded"] >= 1
    assert replies + stats["superseded"] + stats["stale_replies"] == 8, (stats, replies)
    assert replies <= 8 - dropped + 1


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
        wait_console(readme, "pushed: pushed")
        wait_console(readme, "reply: abc ABC")


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
