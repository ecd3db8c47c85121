"""Checked by mypy in tests/test_typing.py: what users write must type-check, and types flow."""

from __future__ import annotations

import msgspec
from typing_extensions import assert_type

from ipycallback import SlowTunnelWidget, TypedTunnel


class PickColour(msgspec.Struct, tag=True):
    prompt: str


class ColourPicked(msgspec.Struct, tag=True):
    colour: str


class Query(msgspec.Struct, tag=True):
    text: str


class Result(msgspec.Struct, tag=True):
    hits: list[str]


ToKernel = ColourPicked | Query
ToBrowser = PickColour | Result


class PickerTunnel(TypedTunnel[ToKernel, ToBrowser, PickColour]):
    """What generated code looks like: no `type: ignore` anywhere."""

    def __init__(self, tunnel: SlowTunnelWidget) -> None:
        super().__init__(
            tunnel,
            receive=[ColourPicked, Query],
            send=[PickColour, Result],
            replies={Query: Result},
            asks={PickColour: ColourPicked},
        )


typed = PickerTunnel(SlowTunnelWidget())
assert_type(typed.send(Result(["a"])), int)


@typed.on(Query)
def search(version: int, query: Query) -> Result:
    assert_type(query, Query)
    return Result([query.text])


async def ask() -> None:
    reply = await typed.request(PickColour("?"), timeout=5)
    assert_type(reply, ToKernel)


def ask_blocking() -> ToKernel:
    return typed.call(PickColour("?"), timeout=5)
