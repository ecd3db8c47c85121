"""What the introduction notebook (the README's examples) shows, checked the same way in each
host: JupyterLab, Notebook 7 and Voilà."""

from __future__ import annotations

from ipycallback_testing import NotebookPage
from ipycallback_testing.tunnel_page import kernel_json, output_text, wait_kernel, wait_output

# The introduction notebook's cells (the README's examples): 0 is its title.
LISTEN, PAGE, SEARCH_PAGE, BURST_KERNEL, BURST_PAGE = 2, 3, 6, 7, 8


def check_stale_reply_dropped(page: NotebookPage) -> None:
    wait_output(page, SEARCH_PAGE, "showing reply 2: results for 'fast query'")
    # The stale reply to the slow query is dropped by the kernel (it saw the newer query while
    # answering) or, where the page's messages wait for the handler, by the page.
    dropped_in_kernel = wait_kernel(page, "stale", timeout=5) == [1]
    page.page.wait_for_timeout(700)  # the slow reply, if the kernel sent it, has arrived
    shown = output_text(page, SEARCH_PAGE).splitlines()
    dropped_in_page = "dropped stale reply 1: results for 'slow query'" in shown
    assert dropped_in_kernel != dropped_in_page, shown
    assert [line for line in shown if line.startswith("showing")] == [
        "showing reply 2: results for 'fast query'"
    ]


def check_bursts(page: NotebookPage) -> None:
    wait_output(page, BURST_KERNEL, "Python received 10000 messages, in order: True", timeout=60)
    assert kernel_json(page, "from_js == [str(i) for i in range(10_000)]") is True
    wait_output(page, BURST_PAGE, "JavaScript received 10000 messages", timeout=60)
    page.page.wait_for_timeout(300)  # nothing more may arrive
    assert output_text(page, BURST_PAGE) == "JavaScript received 10000 messages, in order: true"
