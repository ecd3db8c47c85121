"""Generated code carries requests both ways in a real JupyterLab: `ipycallback codegen` turns
fixtures/lasso.py (the kernel asks ReadLasso and Confirm, the page asks Lookup) into a Python
module the kernel imports and a TypeScript module that fixtures/lasso_page.ts, the page's side,
is type-checked against, bundled with and run in the page. The page's generated
`LassoTunnel.attach()` checks that the kernel's generated class carries the same fingerprint.

What is proven, with the generated classes on both sides: the kernel's `await request()` gets
the page handler's reply as the declared reply class; a reply of the wrong shape comes back as
a TunnelError with its code and path, and the next ask is answered; the kernel's timeout, a
cancelled kernel task and a newer ask abort the page handler's AbortSignal; the page's request
to the kernel works next to all that. No assertion is about time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from ipycallback_testing import JupyterServer, NotebookPage, write_notebook
from ipycallback_testing.tunnel_page import kernel_json

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIN = ROOT / "node_modules" / ".bin"

pytestmark = pytest.mark.browser

SETUP = """
import asyncio, json, sys, time
sys.path.insert(0, {folder!r})
import msgspec
from lasso_messages import Confirm, Found, Lasso, LassoTunnel, Lookup, Point, ReadLasso
from ipycallback import SlowTunnelWidget, SupersededError, TunnelError

lasso = LassoTunnel(SlowTunnelWidget(tunnel_id="lasso"))
lookups = []  # the keys of the page's Lookup requests, in order
reported = []  # what the tunnel reported through on_error
lasso.on_error(lambda e: reported.append([e.code, e.path, e.type]))

@lasso.on(Lookup)
def lookup(version, msg):
    lookups.append(msg.key)
    return Found(key=msg.key, value=len(msg.key))

def outcome(error):
    return {{"name": type(error).__name__, "code": getattr(error, "code", None),
            "path": getattr(error, "path", None), "type": getattr(error, "type", None),
            "version": getattr(error, "version", None), "message": str(error)}}
"""

# The TypeScript options of a user's strict project; `ipycallback` resolves to the runtime's
# source, as esbuild's alias below does.
TSCONFIG = {
    "compilerOptions": {
        "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
        "lib": ["ES2022", "DOM"], "strict": True, "noUncheckedIndexedAccess": True,
        "exactOptionalPropertyTypes": True, "noUnusedLocals": True, "noEmit": True,
        "skipLibCheck": True, "types": [],
        "paths": {"ipycallback": [str(ROOT / "frontend" / "src" / "index.ts")]},
    },
    "files": ["lasso_messages.ts", "lasso_page.ts"],
}  # fmt: skip


def generate(folder: Path) -> None:
    """Both modules from the declaration, by the documented command."""
    done = subprocess.run(
        [Path(sys.executable).parent / "ipycallback", "codegen", FIXTURES / "lasso.py",
         "--py", folder / "lasso_messages.py", "--ts", folder / "lasso_messages.ts"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def page_bundle(folder: Path) -> str:
    """The page's side, type-checked against the generated module, bundled as one ES module."""
    (folder / "lasso_page.ts").write_text((FIXTURES / "lasso_page.ts").read_text("utf-8"), "utf-8")
    (folder / "tsconfig.json").write_text(json.dumps(TSCONFIG), "utf-8")
    checked = subprocess.run(
        [BIN / "tsc", "-p", folder], capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    bundled = subprocess.run(
        [str(BIN / "esbuild"), "lasso_page.ts", "--bundle", "--format=esm",
         f"--alias:ipycallback={ROOT / 'frontend' / 'src' / 'index.ts'}",
         '--define:__IPYCALLBACK_VERSION__="e2e"', "--log-level=warning"],
        cwd=folder, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return bundled.stdout


@pytest.fixture(scope="module")
def page(
    jupyter_lab: JupyterServer, browser: BrowserContext, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NotebookPage]:
    folder = tmp_path_factory.mktemp("lasso-generated")
    generate(folder)
    bundle = page_bundle(folder)
    write_notebook(jupyter_lab.root_dir / "lasso.ipynb", [SETUP.format(folder=str(folder))])
    with NotebookPage(jupyter_lab, browser, "lasso.ipynb") as nb:
        ran = nb.run_cell(0)
        assert ran.status == "ok", ran.text
        nb.page.add_script_tag(content=bundle, type="module")
        # An inline module script runs after add_script_tag returns; wait until it has started,
        # then until it attached (a failed attach rejects, and this says why).
        nb.wait_for_js("window.lassoPage !== undefined")
        nb.evaluate("async () => { await window.lassoPage; }")
        yield nb


def run_json(page: NotebookPage, code: str) -> Any:
    """Run `code` in the kernel; the JSON its last printed line holds."""
    result = page.execute(code, timeout=60, settle=10)
    assert result.status == "ok", result.text
    lines = result.stdout.strip().splitlines()
    assert lines, result.text
    return json.loads(lines[-1])


def page_state(page: NotebookPage, key: str) -> Any:
    return page.evaluate(f"async () => (await window.lassoPage).{key}")


def test_the_kernel_awaits_the_pages_reply_as_the_declared_class(page: NotebookPage) -> None:
    got = run_json(
        page,
        "reply = await lasso.request(ReadLasso(label='first', limit=1), timeout=20)\n"
        "print(json.dumps([type(reply).__name__, isinstance(reply, Lasso),\n"
        "    [type(p).__name__ for p in reply.points], msgspec.to_builtins(reply)]))",
    )
    name, is_lasso, point_classes, fields = got
    assert (name, is_lasso, point_classes) == ("Lasso", True, ["Point"])
    assert fields == {
        "type": "Lasso",
        "label": "first",
        "points": [{"x": 0.5, "y": 1.5}],
        "count": 1,
    }
    # The handler registered through the generated class got the kernel's message, once.
    assert [ask[1:] for ask in page_state(page, "asked")] == [["ReadLasso", "first"]]


def test_a_reply_of_the_wrong_shape_is_a_tunnel_error_and_the_next_ask_is_answered(
    page: NotebookPage,
) -> None:
    got = run_json(
        page,
        "try:\n"
        "    await lasso.request(ReadLasso(label='bad'), timeout=20)\n"
        "    bad = None\n"
        "except TunnelError as error:\n"
        "    bad = outcome(error)\n"
        "after = await lasso.request(ReadLasso(label='after'), timeout=20)\n"
        "print(json.dumps([bad, isinstance(after, Lasso), after.label, after.count]))",
    )
    bad, is_lasso, label, count = got
    assert bad is not None, "the page's invalid reply was taken"
    assert (bad["name"], bad["code"], bad["path"], bad["type"]) == (
        "TunnelError",
        "handler_exception",
        "$.points[1].y",
        "ReadLasso",
    ), bad
    assert "MessageValidationError" in bad["message"], bad
    # The tunnel still works: the next ask of the same type gets its reply.
    assert (is_lasso, label, count) == (True, "after", 2)
    asked = page_state(page, "asked")
    bad_version = next(version for version, _, label in asked if label == "bad")
    assert bad["version"] == bad_version
    # Nothing else went wrong on the page's side.
    assert page_state(page, "errors") == []


def test_the_kernels_timeout_aborts_the_pages_handler(page: NotebookPage) -> None:
    # 8 s, not less: the page's handler must have started before the timeout, also on a
    # loaded CI machine.
    timed_out = run_json(
        page,
        "try:\n"
        "    await lasso.request(Confirm(question='hang'), timeout=8)\n"
        "    timed_out = None\n"
        "except TimeoutError as error:\n"
        "    timed_out = type(error).__name__\n"
        "print(json.dumps(timed_out))",
    )
    assert timed_out == "TimeoutError"
    asked = page_state(page, "asked")
    hung = [version for version, _, question in asked if question == "hang"]
    assert len(hung) == 1, f"the page's handler never started: {asked}"
    assert aborted_signal(page, hung[0]) == [hung[0], "RequestCancelledError", "timeout"]
    # The next Confirm is answered, here by the generated blocking call() in a plain cell.
    still = run_json(
        page, "print(json.dumps(lasso.call(Confirm(question='still there?'), timeout=20).ok))"
    )
    assert still is True


# Starts a Confirm whose page handler hangs, and waits until the handler runs: it says so with a
# Lookup, the other direction. `pending` is the kernel's request, `running` its version.
START_HANGING = """
seen = len(lookups)
pending = asyncio.ensure_future(lasso.request(Confirm(question='hang, then say so'), timeout=30))
deadline = time.monotonic() + 30
while len(lookups) == seen and time.monotonic() < deadline and not pending.done():
    await asyncio.sleep(0.02)
assert lookups[seen:] and lookups[seen].startswith('running '), (lookups[seen:], pending)
running = int(lookups[seen].removeprefix('running '))
"""


def test_cancelling_the_kernels_request_aborts_the_pages_handler(page: NotebookPage) -> None:
    running, cancelled = run_json(
        page,
        START_HANGING + "pending.cancel()\n"
        "try:\n"
        "    await pending\n"
        "    cancelled = False\n"
        "except asyncio.CancelledError:\n"
        "    cancelled = True\n"
        "print(json.dumps([running, cancelled]))",
    )
    assert cancelled is True
    assert aborted_signal(page, running) == [running, "RequestCancelledError", "cancelled"]


def test_a_newer_ask_supersedes_the_running_one_in_the_kernel_and_the_page(
    page: NotebookPage,
) -> None:
    running, old, second_ok = run_json(
        page,
        START_HANGING
        + "second = await lasso.request(Confirm(question='replaced it?'), timeout=20)\n"
        "try:\n"
        "    await pending\n"
        "    old = None\n"
        "except SupersededError as error:\n"
        "    old = [outcome(error), error.superseded_by]\n"
        "print(json.dumps([running, old, second.ok]))",
    )
    assert old is not None, "the first request was answered, not superseded"
    error, superseded_by = old
    assert (error["name"], error["version"], error["type"]) == (
        "SupersededError",
        running,
        "Confirm",
    )
    assert superseded_by > running
    assert second_ok is True
    assert aborted_signal(page, running)[:2] == [running, "SupersededError"]
    stats = page_state(page, "tunnel.stats")
    # The page counted the kernel's cancellations (timeout, cancel) and the newer ask.
    assert stats["cancelled"] >= 2, stats
    assert stats["superseded"] >= 1, stats
    # The aborted handlers rejected: no reply was sent for them, and the kernel heard of none.
    assert stats["droppedReplies"] == 0, stats
    assert kernel_json(page, "reported") == []


def aborted_signal(page: NotebookPage, version: int) -> Any:
    """What the page's handler of request `version` saw when its signal aborted."""
    return page.wait_for_js(
        f"async () => (await window.lassoPage).aborted.find((a) => a[0] === {version})"
    )


def test_the_page_asks_the_kernel_next_to_the_kernels_asks(page: NotebookPage) -> None:
    found = page.evaluate("async () => (await window.lassoPage).lookup('abc')")
    assert found == {"type": "Found", "key": "abc", "value": 3}
    assert kernel_json(page, "lookups[-1]") == "abc"
    # And the kernel still asks after it.
    got = run_json(
        page,
        "reply = await lasso.request(ReadLasso(label='last', limit=2), timeout=20)\n"
        "print(json.dumps([reply.label, [[p.x, p.y] for p in reply.points]]))",
    )
    assert got == ["last", [[0.5, 1.5], [2, 3]]]
