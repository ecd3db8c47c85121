"""Requests both ways in a real page: a typed tunnel whose kernel asks the page, and whose page
asks the kernel, with handlers on both sides that misbehave on demand.

- `SETUP`: the kernel side, tunnel "asks" (`asks`): the kernel asks `PickColour` (the page
  answers `ColourPicked`) and `Confirm` (no page handler: `Confirmed` never comes); the page asks
  `Query` and the kernel answers `Result`. What the kernel's `Query` handler does is chosen by the
  query's text (see `answer_query`); `Work` has a sync handler that checks `asks.cancelled()`.
  The handlers record what happened to each request in `handled`, and
  errors the page reports in `kernel_errors`.
- `install_page_side(page)`: the page side, `window.__asks`; what the page's `PickColour` handler
  does is chosen by the prompt (see `_INSTALL`), or by `window.__asks.override` when set; it
  records each request in `asked`, each aborted signal in `aborted` and each reported error in
  `errors`. `page_request` sends a `Query` from the page and `page_outcome` waits for its end.
- `start_timed` / `wait_timed`: run code without waiting, and the page's clock at its reply.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import BrowserContext

from ipycallback_testing import JupyterServer, NotebookPage, write_notebook
from ipycallback_testing.tunnel_page import kernel_json

SETUP = """
import asyncio, threading, time
from typing import Annotated
import msgspec
from ipycallback import (
    MessageValidationError, SlowTunnelWidget, SupersededError, TunnelError, TypedTunnel)

class PickColour(msgspec.Struct, tag=True):
    prompt: str

class ColourPicked(msgspec.Struct, tag=True):
    colour: str

class Confirm(msgspec.Struct, tag=True):
    question: str

class Confirmed(msgspec.Struct, tag=True):
    yes: bool

class Query(msgspec.Struct, tag=True):
    text: str

class Result(msgspec.Struct, tag=True):
    text: str
    count: Annotated[int, msgspec.Meta(ge=0)] = 0

class Work(msgspec.Struct, tag=True):
    seconds: float

asks = TypedTunnel(
    SlowTunnelWidget(tunnel_id="asks"),
    receive=[ColourPicked, Confirmed, Query, Work],
    send=[PickColour, Confirm, Result],
    replies={Query: Result, Work: Result},
    asks={PickColour: ColourPicked, Confirm: Confirmed},
)
kernel_errors = []
asks.on_error(lambda e: kernel_errors.append([e.version, e.code, e.path, e.type, e.reason]))
handled = []

def outcome(error):
    return [type(error).__name__, getattr(error, "code", None), getattr(error, "path", None)]

@asks.on(Query)
async def answer_query(version, query):
    handled.append([version, query.text, "started", time.time()])
    try:
        if query.text == "slow":
            await asyncio.sleep(60)
        elif query.text == "call":
            asks.call(PickColour("teal"), timeout=30)
    except asyncio.CancelledError:
        handled.append([version, query.text, "cancelled", time.time()])
        raise
    except RuntimeError as error:
        handled.append([version, query.text, "refused: " + str(error), time.time()])
        raise
    if query.text == "wrong-type":
        return PickColour("not a Result")
    if query.text == "invalid":
        return Result(query.text, count=-1)
    return Result(query.text.upper(), len(query.text))

@asks.on(Work)
def work(version, work):
    # A sync handler: it blocks the thread it runs on, and checks whether the page gave up.
    handled.append([version, "work", "started", time.time()])
    # No cell can ask the kernel while this blocks its main shell: tell the test through a file.
    with open(f"work-{version}.started", "w", encoding="utf-8"):
        pass
    deadline = time.monotonic() + work.seconds
    while time.monotonic() < deadline:
        if asks.cancelled(version):
            handled.append([version, "work", "cancelled", time.time()])
            return None
        time.sleep(0.005)
    handled.append([version, "work", "finished", time.time()])
    return Result("done")
"""

_INSTALL = """async () => {
  const t = await window.IPyCallback.typed("asks", { timeoutMs: 30000 });
  const s = window.__asks = {
    t, override: null, asked: [], aborted: [], errors: [], requests: [] };
  const describe = (e) => ({ name: e?.name ?? String(e), code: e?.code ?? null,
    path: e?.path ?? null, version: e?.version ?? null, type: e?.type ?? null,
    reason: e?.reason ?? e?.message ?? null });
  s.describe = describe;
  t.onError((e) => s.errors.push(describe(e)));
  // The prompt says how to answer: a colour name answers at once; "hang" never answers (until
  // the signal aborts); "throw" fails; "wrong-type" and "invalid" return what is not a valid
  // ColourPicked.
  t.on("PickColour", (version, msg, signal) => {
    const how = s.override ?? msg.prompt;
    s.asked.push([version, msg.prompt, Date.now()]);
    signal.addEventListener("abort", () =>
      s.aborted.push([version, signal.reason?.name ?? null, signal.reason?.reason ?? null,
        Date.now()]));
    if (how === "hang") {
      return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    }
    if (how === "throw") throw new Error("the page could not pick");
    if (how === "wrong-type") return { type: "Query", text: "not a colour" };
    if (how === "invalid") return { type: "ColourPicked", colour: 7 };
    return { type: "ColourPicked", colour: how };
  });
  // A Query from the page; its outcome lands in s.requests[i] ({ok} or {error}).
  s.request = (msg) => {
    const controller = new AbortController();
    const run = { controller, outcome: null, version: null };
    s.requests.push(run);
    t.request(msg, { signal: controller.signal, timeoutMs: 30000 }).then(
      (reply) => { run.outcome = { ok: reply }; },
      (error) => { run.outcome = { error: describe(error) }; });
    return s.requests.length - 1;
  };
}"""


@contextmanager
def asks_page(server: JupyterServer, browser: BrowserContext, name: str) -> Iterator[NotebookPage]:
    """A notebook whose kernel ran SETUP and whose page has its side installed."""
    write_notebook(server.root_dir / name, [SETUP])
    with NotebookPage(server, browser, name) as nb:
        assert nb.run_cell(0).status == "ok"
        install_page_side(nb)
        yield nb


def install_page_side(page: NotebookPage) -> None:
    page.evaluate(_INSTALL)


def page_state(page: NotebookPage, key: str) -> Any:
    return page.evaluate(f"() => window.__asks.{key}")


def wait_page(page: NotebookPage, predicate: str, timeout: float = 30) -> Any:
    """Wait until `predicate` (an expression over `s`, i.e. window.__asks) is truthy."""
    return page.wait_for_js(f"() => {{ const s = window.__asks; return {predicate}; }}", timeout)


def page_request(page: NotebookPage, text: str) -> int:
    """Send a Query from the page; a handle for `page_outcome` and `abort_page_request`."""
    return page_send(page, {"type": "Query", "text": text})


def page_send(page: NotebookPage, msg: dict[str, Any]) -> int:
    """Send request `msg` from the page; a handle for `page_outcome` and `abort_page_request`."""
    return int(page.evaluate("(msg) => window.__asks.request(msg)", msg))


def abort_page_request(page: NotebookPage, handle: int) -> None:
    page.evaluate("(i) => window.__asks.requests[i].controller.abort()", handle)


def page_outcome(page: NotebookPage, handle: int, timeout: float = 30) -> dict[str, Any]:
    got: dict[str, Any] = wait_page(page, f"s.requests[{handle}].outcome", timeout)
    return got


def run_ok(page: NotebookPage, code: str, timeout: float = 60) -> str:
    """Run `code` in the kernel; its stdout, once the cell succeeded."""
    result = page.execute(code, timeout=timeout)
    assert result.status == "ok", result.text
    return result.stdout


def wait_handled(page: NotebookPage, step: str, count: int = 1, timeout: float = 30) -> Any:
    """The kernel's `handled` once it has `count` entries whose step starts with `step`."""
    deadline = time.monotonic() + timeout
    while True:
        handled = kernel_json(page, "handled")
        if sum(1 for entry in handled if entry[2].startswith(step)) >= count:
            return handled
        assert time.monotonic() < deadline, f"no {count} {step!r} in handled: {handled}"
        page.page.wait_for_timeout(100)


def comms_over_subshells(page: NotebookPage) -> Any:
    """The page's kernel connection's setting (None where the host has no such setting)."""
    return page.evaluate(
        "() => window.__harness.panel.sessionContext.session.kernel.commsOverSubshells ?? null"
    )


_START_TIMED = """(code) => {
  const k = window.__harness.panel.sessionContext.session.kernel;
  const runs = window.__timedRuns ||= [];
  const run = { reply: null, at: null };
  runs.push(run);
  k.requestExecute({ code, store_history: false, stop_on_error: false }).done.then(
    (m) => { run.at = Date.now(); run.reply = m.content; },
    (e) => { run.at = Date.now(); run.reply = { status: 'disposed', error: String(e) }; });
  return runs.length - 1;
}"""


def start_timed(page: NotebookPage, code: str) -> int:
    """Send an execute_request and return at once; a handle for `wait_timed`."""
    return int(page.evaluate(_START_TIMED, code))


def wait_timed(
    page: NotebookPage, handle: int, timeout: float = 60
) -> tuple[dict[str, Any], float]:
    """The execute_reply content and the page's wall clock (s) when it arrived."""
    run = page.wait_for_js(
        f"() => {{ const r = window.__timedRuns[{handle}]; return r.reply && r; }}", timeout
    )
    return run["reply"], run["at"] / 1000
