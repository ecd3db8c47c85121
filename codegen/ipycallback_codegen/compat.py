"""Is a new message set wire-compatible with an old one? Judged on what JSON each accepts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .ir import IR

_ANNOTATIONS = ("description", "default", "title")
# Keywords whose smaller value accepts more, and whose larger value accepts more.
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")


@dataclass(frozen=True)
class Change:
    kind: Literal["breaking", "compatible"]
    where: str  # a JSON pointer into the new (or, for removals, the old) IR
    what: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.what}"


def compare(old: IR, new: IR) -> list[Change]:
    changes: list[Change] = []
    add = changes.append
    old_meta, new_meta = old["x-ipycallback"], new["x-ipycallback"]
    if old_meta["tagField"] != new_meta["tagField"]:
        add(Change("breaking", "/x-ipycallback/tagField", "the tag field changed"))
    for direction in ("toKernel", "toBrowser"):
        for name in old_meta[direction]:
            if name not in new_meta[direction]:
                add(Change("breaking", f"/x-ipycallback/{direction}", f"message {name} removed"))
        for name in new_meta[direction]:
            if name not in old_meta[direction]:
                add(Change("compatible", f"/x-ipycallback/{direction}", f"message {name} added"))
    pairings = (
        ("replies", "the page's request", "toKernel"),
        ("asks", "the kernel's request", "toBrowser"),
    )
    for key, who, asking in pairings:
        # An internal form written before `asks` existed has none.
        old_pairs, new_pairs = old_meta.get(key, {}), new_meta.get(key, {})
        for request, reply in old_pairs.items():
            if request not in new_pairs:
                what = f"{who} {request} removed (its reply was {reply})"
                add(Change("breaking", f"/x-ipycallback/{key}", what))
            elif new_pairs[request] != reply:
                what = f"the reply to {who} {request} changed: {reply} -> {new_pairs[request]}"
                add(Change("breaking", f"/x-ipycallback/{key}", what))
        for request, reply in new_pairs.items():
            if request in old_pairs:
                continue
            what = f"{who} {request} added (its reply is {reply})"
            # An old message that now wants a reply gets none from the old other side, whose
            # handler for it returns nothing; a new message is new to the old side anyway.
            kind: Literal["breaking", "compatible"] = (
                "breaking" if request in old_meta[asking] else "compatible"
            )
            add(Change(kind, f"/x-ipycallback/{key}", what))
    old_defs, new_defs = old["$defs"], new["$defs"]
    for name, old_def in old_defs.items():
        where = f"/$defs/{name}"
        if name not in new_defs:
            add(Change("breaking", where, f"type {name} removed"))
        else:
            _compare_def(old_def, new_defs[name], where, add)
    for name in new_defs:
        if name not in old_defs:
            add(Change("compatible", f"/$defs/{name}", f"type {name} added"))
    return changes


def is_breaking(changes: list[Change]) -> bool:
    return any(change.kind == "breaking" for change in changes)


def _compare_def(old: IR, new: IR, where: str, add: Any) -> None:
    if "enum" in old or "enum" in new:
        _compare_enum(old.get("enum", []), new.get("enum", []), where, add)
        return
    if old.get("x-tag") != new.get("x-tag"):
        add(Change("breaking", where, f"tag {old.get('x-tag')!r} renamed to {new.get('x-tag')!r}"))
    if old.get("additionalProperties") is True and new.get("additionalProperties") is False:
        add(Change("breaking", where, "unknown fields are now rejected"))
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for field, old_field in old_props.items():
        at = f"{where}/properties/{field}"
        if field not in new_props:
            add(Change("breaking", at, f"field {field} removed"))
            continue
        if field in new_required and field not in old_required:
            add(Change("breaking", at, f"optional field {field} made required"))
        _compare_type(old_field, new_props[field], at, add)
    for field in new_props:
        if field not in old_props:
            at = f"{where}/properties/{field}"
            if field in new_required:
                add(Change("breaking", at, f"required field {field} added"))
            else:
                add(Change("compatible", at, f"optional field {field} added"))
    if old.get("description") != new.get("description"):
        add(Change("compatible", where, "description changed"))


def _compare_enum(old: list[Any], new: list[Any], where: str, add: Any) -> None:
    removed = [value for value in old if value not in new]
    added = [value for value in new if value not in old]
    if removed:
        add(Change("breaking", where, f"enum values removed: {removed}"))
    if added:
        add(Change("breaking", where, f"enum values added (old readers reject them): {added}"))


def _strip(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _strip(v) for k, v in schema.items() if k not in _ANNOTATIONS}
    if isinstance(schema, list):
        return [_strip(item) for item in schema]
    return schema


def _compare_type(old: IR, new: IR, where: str, add: Any) -> None:
    if old.get("description") != new.get("description"):
        add(Change("compatible", where, "description changed"))
    if old.get("default") != new.get("default"):
        add(Change("compatible", where, "default changed"))
    old_core, new_core = _strip(old), _strip(new)
    if old_core == new_core:
        return
    bounds = set(_LOWER_BOUNDS + _UPPER_BOUNDS)
    same_shape = {k: v for k, v in old_core.items() if k not in bounds} == {
        k: v for k, v in new_core.items() if k not in bounds
    }
    if not same_shape:
        add(Change("breaking", where, "type changed"))
        return
    for key in _LOWER_BOUNDS + _UPPER_BOUNDS:
        before, after = old_core.get(key), new_core.get(key)
        if before == after:
            continue
        lower = key in _LOWER_BOUNDS
        looser = after is None or (
            before is not None and (after < before if lower else after > before)
        )
        kind: Literal["breaking", "compatible"] = "compatible" if looser else "breaking"
        verb = "loosened" if looser else "tightened"
        add(Change(kind, where, f"{key} {verb}: {before} -> {after}"))
