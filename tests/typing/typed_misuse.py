"""Checked by mypy in tests/test_typing.py: each marked line must be an error, and no other."""

from __future__ import annotations

from typed_usage import ColourPicked, PickColour, Query, Result, typed

typed.send(Query("the kernel does not send this"))  # expect-error: arg-type
typed.send("plain strings go through send_msg")  # expect-error: arg-type


async def ask() -> None:
    await typed.request(Result([]))  # expect-error: arg-type
    reply: PickColour = await typed.request(PickColour("?"))  # expect-error: assignment
    print(reply)


typed.call(ColourPicked("the page's reply is not a request"))  # expect-error: arg-type


def one_argument(version: int) -> None:
    print(version)


typed.on(Query, one_argument)  # expect-error: arg-type
