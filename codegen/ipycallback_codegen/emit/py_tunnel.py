"""The Python side's tunnel class: TypedTunnel bound to the set, its pairs, and request() and
call() typed by the reply each of the kernel's requests declares (`asks`)."""

from __future__ import annotations

from typing import Any

from .printer import Group, Printer
from .py_types import PyTypes


def tunnel_class(p: Printer, tunnel: str, meta: dict[str, Any], types: PyTypes) -> None:
    names = types.class_names

    def union(direction: str) -> str:
        if len(meta[direction]) == 1:
            return types.message(meta[direction][0])
        return " | ".join(names[n] for n in meta[direction])

    asks: dict[str, str] = meta["asks"]
    p.line(f"ToKernel: TypeAlias = {union('toKernel')}")
    p.line(f"ToBrowser: TypeAlias = {union('toBrowser')}")
    if asks:
        p.line("# What this side may ask the page with request() or call(); ASKS: their replies.")
        p.line(f"Asks: TypeAlias = {' | '.join(names[q] for q in asks)}")
    p.blank()
    pairs = [f"{names[q]}: {names[r]}" for q, r in meta["replies"].items()]
    p.group(Group("REPLIES: dict[type[ToKernel], type[ToBrowser]] = {", pairs, "}"))
    if asks:
        pairs = [f"{names[q]}: {names[r]}" for q, r in asks.items()]
        p.group(Group("ASKS: dict[type[Asks], type[ToKernel]] = {", pairs, "}"))
    p.blank(2)
    # The third parameter is what this side may ask with request()/call(): NoReturn is nothing.
    with p.block(f"class {tunnel}(TypedTunnel[ToKernel, ToBrowser, {_asking(meta)}]):"):
        p.line(f'"""TypedTunnel for the {meta["name"]!r} message set.')
        p.blank()
        p.line("The browser sends ToKernel messages and this side sends ToBrowser ones; browser")
        p.line("code generated from the same declaration checks FINGERPRINT when it attaches.")
        if asks:
            p.line("`request()` and `call()` ask the page with an Asks message and return its")
            p.line("reply, typed as the reply ASKS declares.")
        p.line('"""')
        p.blank()
        with p.block("def __init__(self, tunnel: SlowTunnelWidget) -> None:"):
            args = [
                "tunnel",
                "receive=[" + ", ".join(names[n] for n in meta["toKernel"]) + "]",
                "send=[" + ", ".join(names[n] for n in meta["toBrowser"]) + "]",
                "replies=REPLIES",
                *(["asks=ASKS"] if asks else []),
                "fingerprint=FINGERPRINT",
            ]
            p.group(Group("super().__init__(", args, ")"))
        if asks:
            classes = {names[q]: names[r] for q, r in asks.items()}
            _requests(p, classes, narrow=len(meta["toKernel"]) > 1)


def _asking(meta: dict[str, Any]) -> str:
    return "Asks" if meta["asks"] else "NoReturn"


def tunnel_typing(meta: dict[str, Any]) -> list[str]:
    """What the tunnel class needs from typing."""
    if not meta["asks"]:
        return ["NoReturn"]
    if len(meta["asks"]) > 1:
        return ["overload"]
    return ["cast"] if len(meta["toKernel"]) > 1 else []


def _requests(p: Printer, pairs: dict[str, str], *, narrow: bool) -> None:
    """request() and call() typed per request: each returns its own reply type.

    One request needs no overloads (a lone one is an error) and narrows ToKernel with cast
    where it has other members (`narrow`): the runtime has checked that the reply is the
    declared type. Several get an overload each, and a last one for a request of the union,
    whose reply is then any of ToKernel.
    """
    methods = [
        ("async def request", "await super().request", "Ask the page and return its validated "
         "reply (see TypedTunnel.request)."),
        ("def call", "super().call", "The blocking form of request(), for plain synchronous "
         "cell code."),
    ]  # fmt: skip
    for head, forward, doc in methods:
        p.blank()
        returned = f"{forward}(msg, timeout=timeout)"
        if len(pairs) == 1:
            ((request, reply),) = pairs.items()
            p.group(_signature(head, request, reply, ""))
            with p.indented():
                p.line(f'"""{doc}"""')
                p.line(f"return cast({reply}, {returned})" if narrow else f"return {returned}")
            continue
        for request, reply in [*pairs.items(), ("Asks", "ToKernel")]:
            p.line("@overload")
            p.group(_signature(head, request, reply, " ..."))
        p.group(_signature(head, "Asks", "ToKernel", ""))
        with p.indented():
            p.line(f'"""{doc}"""')
            p.line(f"return {returned}")


def _signature(head: str, request: str, reply: str, body: str) -> Group:
    params = ["self", f"msg: {request}", "*", "timeout: float | None = None"]
    return Group(f"{head}(", params, f") -> {reply}:{body}")
