"""Issue 13 in a real JupyterLab: cancellation reaches the other side's handler both ways, and bad
replies come back as structured errors while the tunnel keeps working.

- An aborted (or superseded) page request cancels the kernel's async handler, and no reply is sent.
- A kernel request that times out, is cancelled or is superseded aborts the page handler's signal.
- A reply of the wrong type or shape (refused by its sender, which reports where), a reply to no
  request, a failing or missing handler, and call() inside a handler all give the other side a
  structured error, and the tunnel keeps working.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext
from requests_page import (
    abort_page_request,
    asks_page,
    page_outcome,
    page_request,
    page_send,
    page_state,
    run_ok,
    wait_handled,
    wait_page,
)

from ipycallback_testing import JupyterServer, NotebookPage
from ipycallback_testing.kernel_control import interrupt_rest
from ipycallback_testing.tunnel_page import kernel_json

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(jupyter_lab: JupyterServer, browser: BrowserContext) -> Iterator[NotebookPage]:
    with asks_page(jupyter_lab, browser, "request_faults.ipynb") as nb:
        yield nb


def test_an_aborted_page_request_cancels_the_kernels_handler_and_gets_no_reply(
    page: NotebookPage,
) -> None:
    before = kernel_json(page, "asks.stats.cancelled")
    handle = page_request(page, "slow")
    wait_handled(page, "started")
    abort_page_request(page, handle)
    assert page_outcome(page, handle)["error"]["name"] == "AbortError"
    handled = wait_handled(page, "cancelled")
    assert [entry[1:3] for entry in handled] == [["slow", "started"], ["slow", "cancelled"]]
    assert kernel_json(page, "asks.stats.cancelled") == before + 1
    # No reply for it: the next request's reply is the first the page gets, and no error came.
    assert page_outcome(page, page_request(page, "after"))["ok"] == {
        "type": "Result",
        "text": "AFTER",
        "count": 5,
    }
    assert page_state(page, "errors") == []


def test_an_aborted_page_request_is_seen_by_a_sync_handler_while_it_runs(
    page: NotebookPage, jupyter_lab: JupyterServer
) -> None:
    """The sync handler blocks the main shell, so the page's cancellation runs on its subshell."""
    run_ok(page, "handled.clear()")
    handle = page_send(page, {"type": "Work", "seconds": 20})
    _wait_file(jupyter_lab, "work-*.started")
    aborted_at = page.evaluate(
        "(i) => { window.__asks.requests[i].controller.abort(); return Date.now() / 1000; }",
        handle,
    )
    handled = wait_handled(page, "cancelled")
    assert [entry[2] for entry in handled] == ["started", "cancelled"], "it did not run to its end"
    print(
        f"\nsync handler saw cancelled() {(handled[1][3] - aborted_at) * 1000:.0f} ms after abort"
    )
    assert page_outcome(page, handle)["error"]["name"] == "AbortError"
    _tunnel_still_works(page)
    assert page_state(page, "errors") == [], "no reply and no error for the cancelled request"


def test_the_stop_button_interrupts_a_sync_handler_between_cells_and_the_page_hears_of_it(
    page: NotebookPage, jupyter_lab: JupyterServer
) -> None:
    """Between cells the page's request runs on the main shell (README, "The kernel asks too"),
    deferred to the event loop, where ipykernel ignores SIGINT: the handler used to run its full
    20 s and the interrupt was lost. Now it stops, and the page's request fails with the
    KeyboardInterrupt instead of waiting."""
    run_ok(page, "handled.clear()")
    for started in jupyter_lab.root_dir.glob("work-*.started"):
        started.unlink()
    handle = page_send(page, {"type": "Work", "seconds": 20})
    _wait_file(jupyter_lab, "work-*.started")
    t0 = time.monotonic()
    interrupt_rest(jupyter_lab, page.kernel_id)
    error = page_outcome(page, handle)["error"]
    print(f"\nthe page's request failed {time.monotonic() - t0:.2f} s after the interrupt")
    assert (error["name"], error["code"], error["type"]) == (
        "TunnelError",
        "handler_exception",
        "Work",
    ), error
    assert "KeyboardInterrupt" in error["reason"]
    assert [entry[2] for entry in kernel_json(page, "handled")] == ["started"]
    _tunnel_still_works(page)


def test_a_newer_page_request_supersedes_the_older_and_cancels_its_handler(
    page: NotebookPage,
) -> None:
    run_ok(page, "handled.clear()")
    first = page_request(page, "slow")
    wait_handled(page, "started")
    second = page_request(page, "slow")
    assert page_outcome(page, first)["error"]["name"] == "SupersededError"
    handled = wait_handled(page, "cancelled")
    assert [entry[2] for entry in handled][:3] == ["started", "cancelled", "started"]
    assert handled[0][0] == handled[1][0] != handled[2][0], "the older version was cancelled"
    abort_page_request(page, second)
    wait_handled(page, "cancelled", count=2)


def test_a_kernel_request_that_times_out_aborts_the_pages_signal(page: NotebookPage) -> None:
    out = run_ok(
        page,
        "try:\n"
        "    await asks.request(PickColour('hang'), timeout=0.5)\n"
        "except TimeoutError as e:\n"
        "    print('TimeoutError', e)",
    )
    assert out.startswith("TimeoutError PickColour version ")
    version = int(out.split()[3].rstrip(":"))
    aborted = wait_page(page, f"s.aborted.find((a) => a[0] === {version})")
    assert aborted[1:3] == ["RequestCancelledError", "timeout"]


def test_a_cancelled_kernel_request_aborts_the_pages_signal(page: NotebookPage) -> None:
    run_ok(
        page,
        "task = asyncio.ensure_future(asks.request(PickColour('hang'), timeout=60))\n"
        "await asyncio.sleep(0)",
    )
    version = wait_page(page, "s.asked.length && s.asked.at(-1)[1] === 'hang' && s.asked.at(-1)[0]")
    out = run_ok(
        page,
        "task.cancel()\n"
        "print((await asyncio.gather(task, return_exceptions=True))[0].__class__.__name__)",
    )
    assert out == "CancelledError\n"
    aborted = wait_page(page, f"s.aborted.find((a) => a[0] === {version})")
    assert aborted[1:3] == ["RequestCancelledError", "cancelled"]


def test_a_newer_kernel_request_supersedes_the_older_and_aborts_its_signal(
    page: NotebookPage,
) -> None:
    page.evaluate("() => { window.__asks.override = 'hang'; }")
    try:
        out = run_ok(
            page,
            "first = asyncio.ensure_future(asks.request(PickColour('one'), timeout=60))\n"
            "await asyncio.sleep(0)\n"
            "second = asyncio.ensure_future(asks.request(PickColour('two'), timeout=60))\n"
            "try:\n"
            "    await first\n"
            "except SupersededError as e:\n"
            "    print('SupersededError', e.version, e.superseded_by)",
        )
    finally:
        page.evaluate("() => { window.__asks.override = null; }")
    name, older, newer = out.split()
    assert name == "SupersededError"
    aborted = wait_page(page, f"s.aborted.find((a) => a[0] === {older})")
    assert aborted[1] == "SupersededError"
    run_ok(page, "second.cancel()")
    wait_page(page, f"s.aborted.find((a) => a[0] === {newer})")


@pytest.mark.parametrize(
    ("prompt", "path"), [("wrong-type", None), ("invalid", "$.colour"), ("throw", None)]
)
def test_a_bad_reply_from_the_page_is_a_structured_error_in_the_kernel(
    page: NotebookPage, prompt: str, path: str | None
) -> None:
    """The page checks what its handler returns before sending it, and tells the kernel."""
    errors_before = page_state(page, "errors")
    out = run_ok(
        page,
        "try:\n"
        f"    await asks.request(PickColour({prompt!r}), timeout=20)\n"
        "except TunnelError as e:\n"
        "    print(msgspec.json.encode([e.code, e.path, e.type, e.message]).decode())",
    )
    code, got_path, tag, message = json.loads(out)
    assert (code, got_path, tag) == ("handler_exception", path, "PickColour")
    print(f"\npage handler {prompt!r}: the kernel's request raised TunnelError {message!r}")
    assert page_state(page, "errors") == errors_before, "the page sent nothing bad"
    _tunnel_still_works(page)


def test_a_request_the_page_has_no_handler_for_fails_with_no_handler(page: NotebookPage) -> None:
    out = run_ok(
        page,
        "try:\n"
        "    await asks.request(Confirm('sure?'), timeout=30)\n"
        "except TunnelError as e:\n"
        "    print(e.code, e.type)",
    )
    assert out == "no_handler Confirm\n"
    _tunnel_still_works(page)


@pytest.mark.parametrize(
    ("text", "code", "path"),
    [("wrong-type", "handler_exception", None), ("invalid", "handler_exception", "$.count")],
)
def test_a_bad_reply_from_the_kernel_is_a_structured_error_in_the_page(
    page: NotebookPage, text: str, code: str, path: str | None
) -> None:
    error = page_outcome(page, page_request(page, text))["error"]
    assert error["name"] == "TunnelError"
    assert (error["code"], error["path"], error["type"]) == (code, path, "Query")
    print(f"\nkernel handler returned {text!r}: the page got {error}")
    _tunnel_still_works(page)


@pytest.mark.parametrize(
    ("reply", "path"),
    [({"type": "ColourPicked", "colour": 7}, "$.colour"), ({"type": "Query", "text": "?"}, "$")],
)
def test_a_bad_reply_on_the_wire_is_refused_by_the_kernel_and_reported_to_the_page(
    page: NotebookPage, reply: dict[str, object], path: str
) -> None:
    """A page that skips its own checks (other code, an older bundle): the kernel checks too."""
    errors_before = len(page_state(page, "errors"))
    page.evaluate("() => { window.__asks.override = 'hang'; }")
    try:
        run_ok(
            page,
            "task = asyncio.ensure_future(asks.request(PickColour('raw'), timeout=60))\n"
            "await asyncio.sleep(0)",
        )
        version = wait_page(
            page, "s.asked.length && s.asked.at(-1)[1] === 'raw' && s.asked.at(-1)[0]"
        )
        page.evaluate(
            "([v, text]) => window.__asks.t.tunnel._sendKind(v, text, 1, false)",
            [version, json.dumps(reply)],
        )
        out = run_ok(
            page,
            "error = (await asyncio.gather(task, return_exceptions=True))[0]\n"
            "print(type(error).__name__, error.path)",
        )
    finally:
        page.evaluate("() => { window.__asks.override = null; }")
    assert out == f"MessageValidationError {path}\n"
    error = wait_page(page, f"s.errors.length > {errors_before} && s.errors.at(-1)")
    assert (error["code"], error["path"], error["version"]) == ("validation", path, version)
    _tunnel_still_works(page)


def test_a_reply_to_no_request_is_refused_with_unknown_request(page: NotebookPage) -> None:
    errors_before = len(page_state(page, "errors"))
    page.evaluate(
        """() => window.__asks.t.tunnel._sendKind(
             987654, JSON.stringify({ type: "ColourPicked", colour: "late" }), 1, false)"""
    )
    error = wait_page(page, f"s.errors.length > {errors_before} && s.errors.at(-1)")
    assert (error["code"], error["version"]) == ("unknown_request", 987654)
    _tunnel_still_works(page)


def test_call_inside_a_kernel_handler_refuses_at_once(page: NotebookPage) -> None:
    run_ok(page, "handled.clear()")
    error = page_outcome(page, page_request(page, "call"))["error"]
    assert (error["name"], error["code"], error["type"]) == (
        "TunnelError",
        "handler_exception",
        "Query",
    )
    refused = wait_handled(page, "refused")[-1][2]
    assert "call() inside a handler of this tunnel would wait" in refused
    assert "teal" not in [asked[1] for asked in page_state(page, "asked")], "the page was asked"
    _tunnel_still_works(page)


def _tunnel_still_works(page: NotebookPage) -> None:
    assert run_ok(page, "print((await asks.request(PickColour('navy'), timeout=20)).colour)") == (
        "navy\n"
    )
    reply = page_outcome(page, page_request(page, "ok"))["ok"]
    assert reply == {"type": "Result", "text": "OK", "count": 2}


def _wait_file(server: JupyterServer, pattern: str, timeout: float = 30) -> None:
    """Wait until the kernel (whose working directory is the server's root) made a file."""
    deadline = time.monotonic() + timeout
    while not list(server.root_dir.glob(pattern)):
        assert time.monotonic() < deadline, f"the kernel made no {pattern} in {timeout} s"
        time.sleep(0.02)
