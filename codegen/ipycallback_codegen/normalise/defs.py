"""What JSON Schema authors write that the internal form says once, done to `$defs` before
each named type is normalised:

- annotations the IR has no place for (`title` in a field, `examples`, `deprecated`,
  `readOnly`, `x-*` extensions) and formats it does not check (`email`, `uri`: JSON Schema makes
  `format` an annotation) are dropped: neither side validates them;
- `nullable: true` (OpenAPI's spelling) is a union with null;
- names that are not identifiers become identifiers (`Pet-Name` is `Pet_Name`);
- `allOf` of object types is flattened into one object;
- an object type written inline in a field becomes a named type (`Pet.owner` gives `PetOwner`);
- a named type that is not an object or an enum (a string with a pattern, a list) is an alias,
  written out where it is used.

`origins` maps each name this makes or changes to where the user wrote it, so that a later
error points into the user's file.
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import unquote

from ..errors import pointer
from ..ir import REF
from .all_of import Fail, Location, is_object, merge

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ANNOTATIONS = ("title", "examples", "example", "$comment", "deprecated", "readOnly", "writeOnly")
_FORMATS = ("date-time", "date", "time", "uuid")
# Where a schema holds schemas: a dict of them, a list of them, or one.
_MAPS = ("properties",)
_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_ONES = ("additionalProperties", "unevaluatedProperties", "not", "if", "then", "else")


def prepare(
    defs: dict[str, Any], messages: set[str], fail: Fail
) -> tuple[dict[str, Any], dict[str, str], dict[str, Location]]:
    """`defs` as the normaliser reads them, the names changed (old -> new), and the origin of
    every name made or changed."""
    return _Prepare(copy.deepcopy(defs), messages, fail).run()


def subschemas(schema: dict[str, Any]) -> list[tuple[Location, Any]]:
    """The schemas directly inside `schema`, with their relative paths."""
    out: list[tuple[Location, Any]] = []
    for key in _MAPS:
        if isinstance(schema.get(key), dict):
            out += [((key, name), sub) for name, sub in schema[key].items()]
    for key in _LISTS:
        if isinstance(schema.get(key), list):
            out += [((key, i), sub) for i, sub in enumerate(schema[key])]
    if isinstance(schema.get("items"), list):
        out += [(("items", i), sub) for i, sub in enumerate(schema["items"])]
    for key in ("items", *_ONES):
        if isinstance(schema.get(key), dict):
            out.append(((key,), schema[key]))
    return out


def translate(at: str | None, origins: dict[str, Location]) -> str | None:
    """A JSON pointer into the normalised `$defs`, as a pointer into what the user wrote."""
    if at is None or not at.startswith("/$defs/"):
        return at
    name, _, rest = at[len("/$defs/") :].partition("/")
    name = name.replace("~1", "/").replace("~0", "~")
    if name not in origins:
        return at
    return pointer(*origins[name]) + (f"/{rest}" if rest else "")


def ref_name(ref: Any) -> str | None:
    """The $defs name a local reference names (JSON pointer and URI escapes undone)."""
    if not isinstance(ref, str) or not ref.startswith(REF):
        return None
    return unquote(ref[len(REF) :]).replace("~1", "/").replace("~0", "~")


class _Prepare:
    def __init__(self, defs: dict[str, Any], messages: set[str], fail: Fail) -> None:
        self.defs = defs
        self.messages = messages
        self.fail = fail
        self.origins: dict[str, Location] = {}
        self.renamed: dict[str, str] = {}

    def run(self) -> tuple[dict[str, Any], dict[str, str], dict[str, Location]]:
        for schema in self.defs.values():
            if isinstance(schema, dict):
                self.tidy(schema)
        self.rename()
        for name in list(self.defs):
            schema = self.defs[name]
            if isinstance(schema, dict):
                self.defs[name] = self.flatten(schema, ("$defs", name))
        for name in list(self.defs):
            schema = self.defs[name]
            if isinstance(schema, dict) and is_object(schema):
                self.hoist(name, schema)
        self.inline_aliases()
        return self.defs, self.renamed, self.origins

    # ------------------------------------------------------------------ annotations

    def tidy(self, schema: dict[str, Any], named: bool = True) -> None:
        """Drop what only annotates, in place; `nullable: true` becomes a union with null."""
        for key in [k for k in schema if k in _ANNOTATIONS or k.startswith("x-")]:
            if key == "x-tag" or (key == "title" and named):
                continue
            del schema[key]
        if isinstance(schema.get("format"), str) and schema["format"] not in _FORMATS:
            del schema["format"]  # an annotation: neither side checks it
        for _, sub in subschemas(schema):
            if isinstance(sub, dict):
                self.tidy(sub, named=False)
        if schema.get("nullable") is True:
            inner = {k: v for k, v in schema.items() if k not in ("nullable", "description")}
            notes: dict[str, Any] = {
                k: schema[k] for k in ("description", "default") if k in schema
            }
            inner.pop("default", None)
            schema.clear()
            schema.update({"anyOf": [inner, {"type": "null"}], **notes})
        elif schema.get("nullable") is False:
            del schema["nullable"]

    # ------------------------------------------------------------------ names

    def rename(self) -> None:
        taken = {n for n in self.defs if _IDENTIFIER.match(n)}
        renamed: dict[str, str] = {}
        for name in self.defs:
            if not _IDENTIFIER.match(name):
                new = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "Type"
                new = f"T_{new}" if new[0].isdigit() else new
                while new in taken:
                    new += "_"
                taken.add(new)
                renamed[name] = new
                self.origins[new] = ("$defs", name)
        if not renamed:
            return
        self.defs = {renamed.get(n, n): s for n, s in self.defs.items()}
        self.messages = {renamed.get(n, n) for n in self.messages}
        self.renamed = renamed

        def visit(schema: Any) -> None:
            if not isinstance(schema, dict):
                return
            target = ref_name(schema.get("$ref"))
            if target in renamed:
                schema["$ref"] = REF + renamed[target]
            for _, sub in subschemas(schema):
                visit(sub)

        for schema in self.defs.values():
            visit(schema)

    # ------------------------------------------------------------------ allOf

    def resolve(self, schema: Any, at: Location, seen: tuple[str, ...] = ()) -> Any:
        """A schema with its `$ref` followed (to an object type), for merging."""
        name = ref_name(schema.get("$ref")) if isinstance(schema, dict) else None
        if name is None:
            return schema
        if name not in self.defs or name in seen:
            raise self.fail(f"allOf refers to {name!r}, which is unknown or itself", *at)
        target = self.defs[name]
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        return {**self.flatten(target, ("$defs", name), (*seen, name)), **extra}

    def flatten(self, schema: dict[str, Any], at: Location, seen: tuple[str, ...] = ()) -> Any:
        """`schema` without `allOf`, in it or in any field below it."""
        for path, sub in subschemas(schema):
            if isinstance(sub, dict) and path[0] != "allOf":
                flat = self.flatten(sub, (*at, *path), seen)
                _put(schema, path, flat)
        if "allOf" not in schema:
            return schema
        members = schema["allOf"]
        own = {k: v for k, v in schema.items() if k != "allOf"}
        if not isinstance(members, list) or not members:
            raise self.fail("allOf must be a non-empty list", *at, "allOf")
        if len(members) == 1 and set(own) <= {"description", "default"}:
            # `allOf: [{$ref: X}]` beside a description: how draft-07 annotates a reference.
            only = members[0]
            if isinstance(only, dict):
                return {**self.flatten(only, (*at, "allOf", 0), seen), **own}
        parts = [
            self.resolve(self.flatten(m, (*at, "allOf", i), seen), (*at, "allOf", i), seen)
            if isinstance(m, dict) else m
            for i, m in enumerate(members)
        ]  # fmt: skip
        return merge([*parts, own], at, self.fail)

    # ------------------------------------------------------------------ inline objects

    def hoist(self, owner: str, schema: dict[str, Any], within: Location = ()) -> None:
        """Make each object type written inline below `schema` a named type of its own;
        `within` is the path from the owner's definition to `schema`."""
        for path, sub in subschemas(schema):
            if not isinstance(sub, dict):
                continue
            rel = (*within, *path)
            if "properties" in sub and is_object(sub):
                name = self.fresh(owner, rel)
                self.origins[name] = self.origins.get(owner, ("$defs", owner)) + rel
                self.defs[name] = sub
                notes = {k: sub.pop(k) for k in ("default",) if k in sub}
                _put(schema, path, {"$ref": REF + name, **notes})
                self.hoist(name, sub)
            else:
                self.hoist(owner, sub, rel)

    def fresh(self, owner: str, path: Location) -> str:
        words = [str(p) for p in path if p not in ("properties", "anyOf", "oneOf", "prefixItems")]
        words = ["Item" if w == "items" else "Value" if w == "additionalProperties" else w
                 for w in words]  # fmt: skip
        base = owner + "".join(re.sub(r"[^A-Za-z0-9]+", "", w)[:1].upper()
                               + re.sub(r"[^A-Za-z0-9]+", "", w)[1:] for w in words)  # fmt: skip
        name = base
        while name in self.defs:
            name += "_"
        return name

    # ------------------------------------------------------------------ aliases

    def inline_aliases(self) -> None:
        aliases = {
            n
            for n, s in self.defs.items()
            if isinstance(s, dict) and n not in self.messages and not is_object(s)
            and "enum" not in s
        }  # fmt: skip
        if not aliases:
            return
        done: dict[str, Any] = {}

        def expand(schema: Any, at: Location, stack: tuple[str, ...]) -> Any:
            if not isinstance(schema, dict):
                return schema
            name = ref_name(schema.get("$ref"))
            if name in aliases:
                if name in stack:
                    raise self.fail(
                        f"{name} refers to itself: a recursive type must be an object type",
                        "$defs",
                        name,
                    )
                if name not in done:
                    done[name] = expand(self.defs[name], ("$defs", name), (*stack, name))
                notes = {k: v for k, v in schema.items() if k != "$ref"}
                body = {k: v for k, v in done[name].items() if k != "title"}
                return {**body, **notes}
            out = dict(schema)
            for path, sub in subschemas(schema):
                _put(out, path, expand(sub, (*at, *path), stack))
            return out

        for name in list(self.defs):
            if name not in aliases:
                self.defs[name] = expand(self.defs[name], ("$defs", name), ())
        for name in aliases:
            del self.defs[name]


def _put(schema: dict[str, Any], path: Location, value: Any) -> None:
    """Set the subschema at a relative `path` (as `subschemas` gives it), copying containers."""
    if len(path) == 1:
        schema[str(path[0])] = value
        return
    key, index = path
    container = schema[str(key)]
    container = dict(container) if isinstance(container, dict) else list(container)
    container[index] = value  # type: ignore[index]
    schema[str(key)] = container
