"""Checked by mypy with the generated picker_messages.py (test_asks_emitted.py): each marked
line must be an error, and no other; the assert_type lines are what the generator promises."""

from __future__ import annotations

from picker_messages import (
    Asks,
    Confirm,
    Confirmed,
    Find,
    Found,
    PickColour,
    Picked,
    PickerTunnel,
    ToKernel,
)
from typing_extensions import assert_type

from ipycallback import SlowTunnelWidget

tunnel = PickerTunnel(SlowTunnelWidget())


async def ask(either: Asks) -> None:
    assert_type(await tunnel.request(PickColour(prompt="?")), Picked)
    assert_type(await tunnel.request(Confirm(question="?"), timeout=5), Confirmed)
    assert_type(await tunnel.request(either), ToKernel)
    await tunnel.request(Find(text="the page asks it"))  # expect-error: call-overload
    wrong: Confirmed = await tunnel.request(PickColour(prompt="?"))  # expect-error: assignment
    print(wrong)


def block() -> None:
    assert_type(tunnel.call(PickColour(prompt="?")), Picked)
    assert_type(tunnel.call(Confirm(question="?")), Confirmed)
    tunnel.call(Found(count=1))  # expect-error: call-overload


def answer(version: int, msg: Find) -> Found:
    return Found(count=len(msg.text))


tunnel.on(Find, answer)
tunnel.send(Found(count=0))
tunnel.send(Picked(colour="#000000"))  # expect-error: arg-type
