"""Whether call() may block the main shell: it depends on where the page's messages run, which
ipykernel 7 asks the tunnel's comm for each message (routing.Router)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from recording_comm import RecordingComm
from test_requests import PickColour, Query, Result, typed_tunnel

from ipycallback import TypedTunnel

ON = {"subshells": "perCommTarget", "supportsSubshells": True}
OFF = {"subshells": "disabled", "supportsSubshells": True}


def routed(typed: TypedTunnel[Any, Any, Any], recorder: RecordingComm) -> None:
    """Plays ipykernel >= 7.4, which asks the comm where to run each incoming message."""
    comm: Any = recorder  # ipykernel >= 7.4 gives a comm this method; ours plays it
    comm._reply_subshell_for = lambda data, default: default
    typed.tunnel._router.install(recorder)


def arrive(recorder: RecordingComm, peer: str, subshell: str | None, **frame: Any) -> None:
    """A frame of `peer`, sent by JupyterLab with `subshell` in its header (None: none yet)."""
    content = {"p": peer, **frame}
    _ask_route(recorder, {"method": "custom", "content": content}, subshell)
    recorder.from_browser(content)


def hello(caps: dict[str, Any]) -> dict[str, Any]:
    return {"h": {"v": 2, "f": None, "w": 0, "caps": caps}}


def test_a_hello_sent_before_the_comms_subshell_existed_does_not_make_call_refuse() -> None:
    """JupyterLab creates the comm's subshell after the comm: the hello, sent at once, runs on
    the main shell. A page that sends nothing else until the kernel asks must still be asked."""
    typed, recorder = typed_tunnel()
    routed(typed, recorder)
    arrive(recorder, "page", None, **hello(ON))
    # Waits for the page (and times out here, where no page answers) instead of refusing.
    with pytest.raises(TimeoutError):
        typed.call(PickColour("?"), timeout=0.05)


@pytest.mark.parametrize(
    "caps",
    [OFF, {"subshells": "perCommTarget", "supportsSubshells": False}, {"subshells": None}, {}],
)
def test_call_refuses_at_once_when_the_page_says_its_messages_go_to_the_main_shell(
    caps: dict[str, Any],
) -> None:
    typed, recorder = typed_tunnel()
    routed(typed, recorder)
    arrive(recorder, "page", None, **hello(caps))
    with pytest.raises(RuntimeError, match="Kernel Comms over subshells"):
        typed.call(PickColour("?"), timeout=30)


def test_a_page_seen_on_a_subshell_and_then_on_the_main_shell_has_lost_its_subshell() -> None:
    typed, recorder = typed_tunnel()
    routed(typed, recorder)
    arrive(recorder, "page", None, **hello(ON))
    arrive(recorder, "page", "subshell-1", w=0)
    with pytest.raises(TimeoutError):
        typed.call(PickColour("?"), timeout=0.05)
    arrive(recorder, "page", None, w=0)  # the setting was turned off: the subshell is gone
    with pytest.raises(RuntimeError, match="Kernel Comms over subshells"):
        typed.call(PickColour("?"), timeout=30)


def test_call_waits_for_a_first_page_whose_hello_comes_while_it_waits() -> None:
    """In "Run All" the page's first hello waits behind the queued cells on the main shell; its
    repetition 2 s later comes on the comm's subshell, while call() waits for a page."""
    typed, recorder = typed_tunnel()
    routed(typed, recorder)
    late = threading.Timer(0.3, lambda: arrive(recorder, "page", "subshell-1", **hello(ON)))
    late.start()
    # A TimeoutError, not the RuntimeError of "no page": it waited for the page, then asked it
    # (the page plays no further part here).
    with pytest.raises(TimeoutError):
        typed.call(PickColour("?"), timeout=0.05)
    late.join()
    assert any("PickColour" in str(entry) for entry in recorder.entries()), "the page was asked"


def test_while_a_sync_handler_blocks_the_main_shell_the_pages_messages_go_to_its_subshell() -> None:
    """So that the page's cancellation reaches `typed.cancelled(version)` while it runs."""
    typed, recorder = typed_tunnel()
    routed(typed, recorder)
    asked: list[str | None] = []

    @typed.on(Query)
    def handler(version: int, query: Query) -> Result:
        asked.append(_ask_route(recorder, {"content": {"p": "page"}}, "subshell-1"))
        return Result(query.text)

    between_cells = _ask_route(recorder, {"content": {"p": "page"}}, "subshell-1")

    async def arrives() -> None:
        recorder.view("page").send([[1, '{"type": "Query", "text": "q"}']])
        # In a kernel, requests are handled from its event loop (Handling._drain), after the
        # delivery of the frame that brought them has ended.
        while not asked:
            await asyncio.sleep(0)

    asyncio.run(asyncio.wait_for(arrives(), 5))
    assert (between_cells, asked) == (None, ["subshell-1"])


def _ask_route(recorder: RecordingComm, data: Any, default: str | None) -> str | None:
    """What ipykernel asks the comm for each incoming message: the shell to run it on."""
    comm: Any = recorder
    subshell: str | None = comm._reply_subshell_for(data, default)
    return subshell


def test_the_main_shell_is_free_again_after_handlers_return_or_raise() -> None:
    """The busy mark is one shared object entered per message: nested and failing uses must
    still unwind to free, or every later message would go to the subshell."""
    typed, recorder = typed_tunnel()
    routed(typed, recorder)
    seen: list[str | None] = []

    def plain(version: int, msg: str) -> None:
        with typed.tunnel._main_shell_waiting():  # nested in the delivery's own mark
            seen.append(_ask_route(recorder, {"content": {"p": "page"}}, "subshell-1"))
        seen.append(_ask_route(recorder, {"content": {"p": "page"}}, "subshell-1"))
        raise RuntimeError("a failing handler")

    typed.on_plain(plain)
    recorder.view("page").send([[1, "a"], [2, "b"]])
    after = _ask_route(recorder, {"content": {"p": "page"}}, "subshell-1")
    assert (seen, after) == (["subshell-1"] * 4, None)
