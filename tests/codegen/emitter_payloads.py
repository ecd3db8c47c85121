"""Payloads for test_emitters.py: each goes through the generated Python and TypeScript."""

from __future__ import annotations

import json
from typing import Any

Case = tuple[str, str, Any]  # (direction, JSON text, what the browser side should report)

UNSAFE_GOOD = (
    '{"msg type": "cla\\"ss", "class": "c", "default": "__proto__", '
    '"__proto__": {"constructor": "k", "prototype": "p"}, "constructor": 1, "from": true, '
    '"with \'quotes\'": "q", "has space": 1.5, "has_space": 2, "None": null, '
    '"dict": {"__proto__": 1, "constructor": 2}}'
)
DRAW = {
    "kind": "draw", "shape": {"kind": "circle", "radius": 1}, "layer": 2, "label": None,
    "at": "2024-01-01T00:00:00Z", "clock": "10:00:00+01:00",
    "id": "12345678-1234-1234-1234-123456789abc", "points": [[1, 2]],
}  # fmt: skip
RESULT = {"type": "QueryResult", "query": "q", "total": 0, "took_ms": 1, "hits": []}
HIT = {"title": "t", "score": 0.5}
CIRCLE = {"kind": "circle", "radius": 1}


def query(path: Any = None, **fields: Any) -> Case:
    return ("toKernel", json.dumps({"type": "Query", "text": "abc", **fields}), path)


def result(path: Any = None, **patch: Any) -> Case:
    return ("toBrowser", json.dumps({**RESULT, **patch}), path)


def draw(path: str | None = None, **patch: Any) -> Case:
    return ("toKernel", json.dumps({**DRAW, **patch}), path)


def drawn(path: str | None = None, **patch: Any) -> Case:
    return ("toBrowser", json.dumps({"kind": "drawn", "count": 1, "tree": {}, **patch}), path)


def unsafe(path: str | None, old: str, new: str) -> Case:
    assert old in UNSAFE_GOOD
    return ("toKernel", UNSAFE_GOOD.replace(old, new), path)


CONSTRUCTOR = '{"msg type": "constructor", "__proto__": %s, "str": {"msgspec": {"x": 1}}}'

# The path the browser reports for each payload, or None when it is valid; the kernel must
# accept exactly the same ones.
CASES: dict[str, list[Case]] = {
    "search": [
        query(),
        query(limit=50, mode="prefix"),
        query("$.limit", limit=51),
        query("$.limit", limit=2.5),
        query("$.mode", mode="fuzzy"),
        query("$.extra", extra=1),
        query("$.text", text=5),
        ("toKernel", '{"type": "Query"}', "$"),
        ("toKernel", '{"type": "Nope"}', "$.type"),
        ("toKernel", '{"type": "Stop", "anything": 1}', None),
        ("toKernel", "[]", "$"),
        result(took_ms=3, hits=[{**HIT, "tags": ["a"], "more": 1}]),
        result("$.hits[0].score", hits=[{**HIT, "score": 1.5}]),
        result("$.hits[0].tags[1]", hits=[{**HIT, "tags": ["a", 3]}]),
        result("$.total", total=-1),
        result("$.total", total=1.5),
        ("toBrowser", '{"type": "QueryResult", "query": "q", "total": 1, "hits": []}', "$"),
        ("toBrowser", '{"type": "Query", "text": "abc"}', "$.type"),
    ],
    "unsafe": [
        ("toKernel", UNSAFE_GOOD, None),
        unsafe("$.__proto__.constructor", '"k"', "5"),
        unsafe("$.dict.__proto__", '{"__proto__": 1', '{"__proto__": "x"'),
        unsafe("$.from", '"from": true', '"from": 1'),
        unsafe("$.x", '"from": true', '"from": true, "x": 1'),
        unsafe("$.default", '"default": "__proto__"', '"default": "no"'),
        unsafe(None, '"None": null', '"None": "text", "$dollar": "d"'),
        unsafe("$", '"__proto__": {"constructor": "k", "prototype": "p"}, ', ""),
        ("toKernel", CONSTRUCTOR % '"x"', None),
        ("toKernel", CONSTRUCTOR % "1", "$.__proto__"),
        ("toKernel", '{"msg type": "toString"}', '$["msg type"]'),
        ("toBrowser", '{"msg type": "__proto__", "Promise": 2}', None),
        ("toBrowser", '{"msg type": "__proto__", "Promise": 4}', "$.Promise"),
        ("toBrowser", '{"msg type": "cla\\"ss"}', '$["msg type"]'),
    ],
    "shapes": [
        draw(),
        draw(at="2024-01-01t00:00:00.1234567z", id="12345678123412341234123456789ABC"),
        draw(at="2024-01-01 00:00:00+05:30", label="ab", style=True, meta={"a": None}),
        draw("$.at", at="2024-01-01T00:00:00"),
        draw("$.at", at="2023-02-29T00:00:00Z"),
        draw("$.clock", clock="10:00:00"),
        draw("$.id", id="xyz"),
        draw("$.day", day="2024-13-01"),
        draw("$.label", label="abcd"),
        draw("$.label", label="AB"),
        draw("$.label", label=5),
        draw("$.layer", layer=3),
        draw("$.layer", layer=-1),
        draw("$.opacity", opacity=0),
        draw("$.style", style=False),
        draw("$.version", version=3),
        draw("$.shape.side", shape={"kind": "square", "side": -1}),
        draw("$.shape.kind", shape={"kind": "hexagon"}),
        draw("$.shape.x", shape={**CIRCLE, "x": 1}),
        draw("$.points[0]", points=[[1, 2, 3]]),
        draw("$.points", points=[]),
        draw("$.meta", meta={}),
        draw("$.meta", meta={"a": None, "b": None, "c": None, "d": None}),
        draw('$.meta["we/ird~key"].radius', meta={"we/ird~key": {**CIRCLE, "radius": "x"}}),
        ("toKernel", '{"kind": "circle", "radius": 2}', None),
        # maxLength counts code points on both sides, not UTF-16 units
        drawn(None, note="😀😀", tree={"children": [{}]}),
        drawn("$.note", note="😀😀😀"),
        drawn("$.tree.children[0].children[0]", tree={"children": [{"children": [5]}]}),
    ],
    # Requests both ways: the kernel's requests and the page's replies to them are checked as
    # every other message is.
    "picker": [
        ("toBrowser", '{"type": "PickColour", "prompt": "a colour?"}', None),
        ("toBrowser", '{"type": "PickColour", "prompt": "a colour?", "palette": ["#fff"]}', None),
        ("toBrowser", json.dumps({"type": "PickColour", "prompt": "x" * 201}), "$.prompt"),
        ("toBrowser", '{"type": "PickColour", "palette": []}', "$"),
        ("toBrowser", '{"type": "Confirm", "question": "sure?"}', None),
        ("toBrowser", '{"type": "Found", "count": -1}', "$.count"),
        ("toKernel", '{"type": "Picked", "colour": "#00ff7f"}', None),
        ("toKernel", '{"type": "Picked", "colour": "teal"}', "$.colour"),
        ("toKernel", '{"type": "Picked", "colour": "#00ff7f", "alpha": 1}', "$.alpha"),
        ("toKernel", '{"type": "Confirmed", "ok": 1}', "$.ok"),
        ("toKernel", '{"type": "Confirmed", "ok": false}', None),
        ("toKernel", '{"type": "PickColour", "prompt": "p"}', "$.type"),
        ("toKernel", '{"type": "Find", "text": "x"}', None),
    ],
}


def issue(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}


# The exact issue for payloads of the search set; "2**53", "NaN" and "Infinity" stand for
# numbers that JSON cannot write (see run_validators.mjs).
MESSAGES: list[Case] = [
    query(issue("$.limit", "expected a number <= 50, got 51"), limit=51),
    query(issue("$.limit", "expected a number <= 50, got 9007199254740992"), limit="2**53"),
    result(
        issue("$.total", "expected an integer within ±(2^53 - 1), got 9007199254740992"),
        total="2**53",
    ),
    result(issue("$.took_ms", "expected number, got NaN"), took_ms="NaN"),
    result(issue("$.total", "expected integer, got Infinity"), total="Infinity"),
    query(issue("$.extra", 'unexpected field "extra"'), extra=1),
    ("toKernel", '{"type": "Query"}', issue("$", 'missing required field "text"')),
    ("toKernel", '{"type": "Nope"}', issue("$.type", 'unknown message type "Nope"')),
    query(issue("$.mode", 'expected one of "prefix", "substring", got "x"'), mode="x"),
    result(issue("$.hits[0].tags[1]", "expected string, got 3"), hits=[{**HIT, "tags": ["a", 3]}]),
    query(issue("$.text", "expected string, got null"), text=None),
]
