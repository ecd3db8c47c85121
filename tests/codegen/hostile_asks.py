"""Requests both ways (`replies` and `asks`) as users get them wrong: pairs in the wrong
direction, a message that would be a request one way and a reply or a request the other way,
names nothing declares, the same request given two replies. Each is refused with a location in
every format that can say it; the ones that are right compile and agree (hostile_cases.py)."""

from __future__ import annotations

from typing import Any

from hostile_cases import Case, message, spec


def _set(**pairs: Any) -> dict[str, Any]:
    defs = {
        "Ask": message("Ask", {"q": {"type": "string"}}),
        "Picked": message("Picked", {"colour": {"type": "string"}}),
        "Answer": message("Answer", {"a": {"type": "integer"}}),
        "Pick": message("Pick", {"prompt": {"type": "string"}}),
        "Both": message("Both"),
    }
    return spec(defs, ["Ask", "Picked", "Both"], ["Answer", "Pick", "Both"], **pairs)


# The Python and TypeScript declarations of one ask given twice (JSON and YAML refuse repeated
# keys as such).
_PY_TWICE = """\
import msgspec

class Pick(msgspec.Struct, tag=True):
    prompt: str

class Picked(msgspec.Struct, tag=True):
    colour: str

class Ask(msgspec.Struct, tag=True):
    q: str

TO_KERNEL = [Picked, Ask]
TO_BROWSER = [Pick]
ASKS = {
    Pick: Picked,
    Pick: Ask,
}
"""
_TS_TWICE = """\
export interface Pick { type: "Pick"; prompt: string }
export interface Picked { type: "Picked"; colour: string }
export interface Ask { type: "Ask"; q: string }
export type ToKernel = Picked | Ask;
export type ToBrowser = Pick;
export interface Asks {
  Pick: "Picked";
  Pick: "Ask";
}
"""
_TS_NOT_AN_INTERFACE = """\
export interface Pick { type: "Pick"; prompt: string }
export interface Picked { type: "Picked"; colour: string }
export type ToKernel = Picked;
export type ToBrowser = Pick;
export type Asks = { Pick: "Picked" };
"""
_PY_NOT_A_DICT = """\
import msgspec

class Pick(msgspec.Struct, tag=True):
    prompt: str

class Picked(msgspec.Struct, tag=True):
    colour: str

TO_KERNEL = [Picked]
TO_BROWSER = [Pick]
ASKS = [(Pick, Picked)]
"""


def _one_each_way() -> dict[str, Any]:
    defs = {"Pick": message("Pick"), "Picked": message("Picked", {"c": {"type": "string"}})}
    return spec(defs, ["Picked"], ["Pick"], asks={"Pick": "Picked"})


def ask_cases() -> list[Case]:
    refused = [
        ("ask_request_sent_by_the_page", {"asks": {"Ask": "Picked"}}, "is not in toBrowser"),
        ("ask_reply_sent_by_the_kernel", {"asks": {"Pick": "Answer"}}, "is not in toKernel"),
        ("ask_of_nothing", {"asks": {"Nothing": "Picked"}}, ""),
        ("ask_reply_nothing", {"asks": {"Pick": "Nothing"}}, ""),
        # Answer is the kernel's reply to Ask: the page would drop it as a reply to a request
        # of its own (the runtime tells replies from requests by tag).
        ("ask_is_also_a_reply", {"replies": {"Ask": "Answer"}, "asks": {"Answer": "Picked"}},
         "request one way only"),
        ("ask_reply_is_also_a_request", {"replies": {"Picked": "Answer"},
                                         "asks": {"Pick": "Picked"}}, "request one way only"),
        ("ask_both_ways", {"replies": {"Both": "Answer"}, "asks": {"Both": "Picked"}},
         "request one way only"),
        ("ask_answered_by_itself", {"asks": {"Both": "Both"}}, "request one way only"),
    ]  # fmt: skip
    out = [Case(name, _set(**pairs), expect="refuse", reason=why) for name, pairs, why in refused]
    out += [
        Case("asks_given_twice_py", raw={".py": _PY_TWICE}, expect="refuse", reason="twice"),
        Case("asks_given_twice_ts", raw={".ts": _TS_TWICE}, expect="refuse"),
        Case("asks_not_an_interface", raw={".ts": _TS_NOT_AN_INTERFACE}, expect="refuse",
             reason="export interface Asks"),
        Case("asks_not_a_dict", raw={".py": _PY_NOT_A_DICT}, expect="refuse",
             reason="ASKS must be a dict"),
        # Right ones: requests both ways, one ask (typed without overloads), a message sent
        # both ways as a plain message and as the reply to both sides' requests.
        Case("asks_and_replies", _set(replies={"Ask": "Answer"}, asks={"Pick": "Picked"})),
        Case("asks_two_and_a_shared_reply",
             _set(replies={"Ask": "Both"}, asks={"Pick": "Both", "Answer": "Picked"})),
        # One message each way: the reply is all of ToKernel, so nothing needs narrowing.
        Case("asks_one_message_each_way", _one_each_way()),
    ]  # fmt: skip
    return out
