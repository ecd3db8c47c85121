"""TypeScript declarations to a JSON Schema declaration.

node runs node/ts_to_schema.mjs, which reports the syntax of every declaration (it tells `int`
from `float` and from a bare `number`) and typescript-json-schema's reading of the JSDoc
(descriptions, defaults, constraints, enum values). This module judges those facts and spells
them as a JSON Schema declaration, which is normalised and checked as every format is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CodegenError, pointer
from ..ir import CONSTRAINT_KEYS, NULL
from . import Declaration, stem_name
from .typescript_facts import facts

_MEMBER_TAGS = {"default", *CONSTRAINT_KEYS, *(f"items.{key}" for key in CONSTRAINT_KEYS)}
_DECL_TAGS = {"interface": {"additionalProperties"}, "enum": set(), "alias": set()}
_SPECIAL = ("int", "float", "ToKernel", "ToBrowser", "Replies", "Asks", "NAME", "TAG_FIELD")
_INT_ALIAS = "/** @TJS-type integer */ export type int = number;"


def read(path: Path) -> Declaration:
    return _Reader(facts(path), path).declaration()


class _Reader:
    def __init__(self, facts: dict[str, Any], path: Path) -> None:
        self.facts = facts
        self.path = path
        self.file = str(path)
        self.defs = facts["definitions"]
        self.named: set[str] = set()
        self.lines: dict[str, int] = {}

    def fail(self, message: str, line: int | None) -> CodegenError:
        return CodegenError(message, file=self.file, line=line)

    def declaration(self) -> Declaration:
        for diagnostic in self.facts["diagnostics"][:1]:
            file = diagnostic["file"]
            if file is None or Path(file).resolve() == self.path.resolve():
                file = self.file  # as the user named it
            raise CodegenError(diagnostic["message"], file=file, line=diagnostic["line"])
        decls: dict[str, dict[str, Any]] = {}
        for decl in self.facts["decls"]:
            if decl["kind"] == "other" or decl["name"] is None:
                raise self.fail(
                    f"unsupported statement `{decl.get('text')}`: a declaration holds interfaces, "
                    "enums, type aliases and `export const NAME`/`TAG_FIELD`",
                    decl["line"],
                )
            if decl["kind"] == "const" and decl["name"] not in ("NAME", "TAG_FIELD"):
                raise self.fail("the only constants are NAME and TAG_FIELD", decl["line"])
            if decl["name"] in decls:
                first = decls[decl["name"]]["line"]
                raise self.fail(
                    f"duplicate name {decl['name']} (first on line {first})", decl["line"]
                )
            decls[decl["name"]] = decl
            allowed = {"TJS-type"} if decl["name"] == "int" else _DECL_TAGS.get(decl["kind"], set())
            self.check_tags(decl, allowed)
            if decl.get("unsupported"):
                raise self.fail(
                    f"{decl['name']}: {decl['unsupported']} are not supported", decl["line"]
                )
        self.named = {n for n in decls if n not in _SPECIAL}
        meta: dict[str, Any] = {"toKernel": self.messages(decls, "ToKernel")}
        meta["toBrowser"] = self.messages(decls, "ToBrowser")
        if self.facts["tjsError"]:
            failed = decls.get(self.facts.get("tjsErrorName") or "")
            where = f" on the declaration {failed['name']}" if failed else ""
            raise self.fail(
                f"typescript-json-schema failed{where}: {self.facts['tjsError']} (rename the "
                "declaration, or declare this set in JSON Schema or Python)",
                failed["line"] if failed else 1,
            )
        self.check_numbers(decls)
        meta["replies"] = self.pairs(decls.get("Replies"), "replies", "Query", "QueryResult")
        meta["asks"] = self.pairs(decls.get("Asks"), "asks", "PickColour", "ColourPicked")
        for const, key in (("NAME", "name"), ("TAG_FIELD", "tagField")):
            if const in decls:
                if decls[const]["value"] is None:
                    raise self.fail(
                        f'{const} must be a string literal: "..."', decls[const]["line"]
                    )
                meta[key] = decls[const]["value"]
                self.lines[pointer("x-ipycallback", key)] = decls[const]["line"]
        defs = {n: self.named_type(decls[n]) for n in decls if n in self.named}
        doc = {"x-ipycallback": meta, "$defs": defs}
        return Declaration(
            doc, self.file, stem_name(self.path), self.lines, pointer_is_internal=True
        )

    def check_tags(self, item: dict[str, Any], allowed: set[str]) -> None:
        for tag in item.get("tags", []):
            if tag not in allowed:
                supported = ", ".join(f"@{t}" for t in sorted(allowed) if "." not in t) or "none"
                if any("." in t for t in allowed):
                    supported += " and @items.<constraint>"
                raise self.fail(
                    f"unsupported JSDoc tag @{tag} here (supported: {supported})", item["line"]
                )

    def check_numbers(self, decls: dict[str, dict[str, Any]]) -> None:
        for alias in ("int", "float"):
            decl = decls.get(alias)
            if decl is None:
                continue
            if decl["kind"] != "alias" or not _is_keyword(decl["type"], "number"):
                raise self.fail(f"{alias} must be declared as `number`", decl["line"])
            if alias == "int" and self.defs.get("int") != {"type": "integer"}:
                raise self.fail(f"declare int as `{_INT_ALIAS}`", decl["line"])

    def messages(self, decls: dict[str, dict[str, Any]], alias: str) -> list[str]:
        decl = decls.get(alias)
        if decl is None or decl["kind"] != "alias":
            direction = "toKernel" if alias == "ToKernel" else "toBrowser"
            raise CodegenError(
                f"declare `export type {alias} = A | B;` (message interfaces)",
                file=self.file,
                line=decl["line"] if decl else None,
                pointer=None if decl else f"/x-ipycallback/{direction}",
            )
        self.lines[pointer("x-ipycallback", "toKernel" if alias == "ToKernel" else "toBrowser")] = (
            decl["line"]
        )
        members = decl["type"]["types"] if decl["type"]["k"] == "union" else [decl["type"]]
        for member in members:
            if (
                member["k"] != "ref"
                or member["args"]
                or decls.get(member["name"], {}).get("kind") != "interface"
            ):
                raise self.fail(f"{alias} must be a union of message interfaces", member["line"])
        return [m["name"] for m in members]

    def pairs(self, decl: dict[str, Any] | None, key: str, ask: str, reply: str) -> dict[str, Any]:
        """`interface Replies` (the page asks) or `interface Asks` (the kernel asks)."""
        if decl is None:
            return {}
        example = f'{ask}: "{reply}"'
        if decl["kind"] != "interface":
            raise self.fail(
                f"declare `export interface {decl['name']} {{ {example} }}`", decl["line"]
            )
        self.lines[pointer("x-ipycallback", key)] = decl["line"]
        out = {}
        for member in decl["members"]:
            if member["name"] is None or member["type"]["k"] != "literal" or member["optional"]:
                raise self.fail(f"a reply is named by a string: `{example};`", member["line"])
            if member["name"] in out:
                raise self.fail(f"{member['name']} is given a reply twice", member["line"])
            out[member["name"]] = member["type"]["value"]
            self.lines[pointer("x-ipycallback", key, member["name"])] = member["line"]
        return out

    def named_type(self, decl: dict[str, Any]) -> dict[str, Any]:
        name, line = decl["name"], decl["line"]
        self.lines[pointer("$defs", name)] = line
        tjs = self.defs.get(name, {})
        doc = {"description": tjs["description"]} if "description" in tjs else {}
        if decl["kind"] == "enum":
            if not isinstance(tjs.get("enum"), list):
                raise self.fail(f"typescript-json-schema cannot read the enum {name}", line)
            return {**doc, "enum": tjs["enum"]}
        if decl["kind"] == "alias":
            values = [t.get("value") for t in _flat(decl["type"])]
            if any(t["k"] != "literal" for t in _flat(decl["type"])):
                raise self.fail(
                    f"{name}: a type alias must be a union of literals (a named enum); "
                    "declare objects as interfaces",
                    line,
                )
            return {**doc, "enum": values}
        props: dict[str, Any] = {}
        for member in decl["members"]:
            if member["name"] is None:
                raise self.fail(
                    f"unsupported member `{member['text']}`: only `name: type;`", member["line"]
                )
            at = pointer("$defs", name, "properties", member["name"])
            self.lines[at] = member["line"]
            self.check_tags(member, _MEMBER_TAGS)
            where = f"{name}.{member['name']}"
            field = self.field(member["type"], where)  # what has no JSON form is refused first
            prop_tjs = tjs.get("properties", {})
            if member["name"] not in prop_tjs:
                raise self.fail(
                    f"typescript-json-schema cannot represent the property {member['name']!r} "
                    "(declare this type in JSON Schema or Python instead)",
                    member["line"],
                )
            props[member["name"]] = self.prop(member, field, prop_tjs[member["name"]], where)
        required = [m["name"] for m in decl["members"] if not m["optional"]]
        out = {"type": "object", **doc, "properties": props, "required": required}
        if "additionalProperties" in tjs:  # from @additionalProperties false
            out["additionalProperties"] = tjs["additionalProperties"]
        return out

    def prop(
        self, member: dict[str, Any], field: dict[str, Any], tjs: dict[str, Any], where: str
    ) -> dict[str, Any]:
        if "default" in tjs and not member["optional"]:
            raise self.fail(
                f"{where} has a @default, so mark it optional: `{member['name']}?:`", member["line"]
            )
        for tag in member.get("tags", []):
            carrier = tjs.get("items") if tag.startswith("items.") else tjs
            if tag != "default" and tag.split(".")[-1] not in (carrier or {}):
                # typescript-json-schema drops a constraint on a type it makes a definition of
                # (`Record<string, T>`): the user's bound would silently not be checked.
                raise self.fail(
                    f"typescript-json-schema drops @{tag} on {where}'s type (on a dict, write "
                    "`{ [key: string]: T }` instead of `Record<string, T>`)",
                    member["line"],
                )
        _annotate(field, tjs)
        if member["doc"] and "description" in tjs:
            field["description"] = tjs["description"]
        if "default" in tjs:
            field["default"] = tjs["default"]
        return field

    def field(self, tree: dict[str, Any], where: str) -> dict[str, Any]:
        kind, line = tree["k"], tree["line"]
        if kind == "keyword":
            simple = {"string": "string", "boolean": "boolean", "null": "null"}
            if tree["name"] in simple:
                return {"type": simple[tree["name"]]}
            if tree["name"] == "number":
                raise self.fail(
                    f"bare number at {where}: write int or float (declare `{_INT_ALIAS}` "
                    "and `export type float = number;`)",
                    line,
                )
            raise self.fail(f"`{tree['name']}` in {where} has no JSON form here", line)
        if kind == "literal":
            return {"const": tree["value"]}
        if kind == "array":
            return {"type": "array", "items": self.field(tree["items"], where)}
        if kind == "tuple":
            items = [self.field(item, where) for item in tree["items"]]
            return {"type": "array", "prefixItems": items, "minItems": len(items),
                    "maxItems": len(items)}  # fmt: skip
        if kind == "index" or (
            kind == "ref" and tree["name"] == "Record" and len(tree["args"]) == 2
        ):
            key, value = (tree["key"], tree["value"]) if kind == "index" else tree["args"]
            if not _is_keyword(key, "string"):
                raise self.fail(f"dict keys must be string at {where}", line)
            return {"type": "object", "additionalProperties": self.field(value, where)}
        if kind == "union":
            members = _flat(tree)
            literals = [m["value"] for m in members if m["k"] == "literal"]
            nulls = [m for m in members if _is_keyword(m, "null")]
            if len(literals) > 1 and len(literals) + len(nulls) == len(members):
                enum = {"enum": literals}
                return {"anyOf": [enum, dict(NULL)]} if nulls else enum
            return {"anyOf": [self.field(m, where) for m in members]}
        if kind == "ref":
            ref, args = tree["name"], tree["args"]
            if ref == "Array" and len(args) == 1:
                return {"type": "array", "items": self.field(args[0], where)}
            if ref in ("int", "float") and not args:
                return {"type": "integer" if ref == "int" else "number"}
            if ref in self.named and not args:
                return {"$ref": f"#/$defs/{ref}"}
            raise self.fail(
                f"unknown reference `{ref}` at {where}: use interfaces, enums and literal "
                "unions declared in this file, int, float, string, boolean, arrays and Records",
                line,
            )
        raise self.fail(f"unsupported type `{tree['text']}` at {where}", line)


def _is_keyword(tree: dict[str, Any], name: str) -> bool:
    return bool(tree["k"] == "keyword" and tree["name"] == name)


def _flat(tree: dict[str, Any]) -> list[dict[str, Any]]:
    if tree["k"] != "union":
        return [tree]
    return [leaf for member in tree["types"] for leaf in _flat(member)]


def _annotate(field: dict[str, Any], tjs: dict[str, Any]) -> None:
    """Put the JSDoc constraints where they apply: on the non-null member of a nullable."""
    options = field.get("anyOf", [])
    if len(options) == 2 and NULL in options:
        field = options[1 - options.index(NULL)]
    field.update({k: tjs[k] for k in CONSTRAINT_KEYS if k in tjs})
    items = tjs.get("items")
    if field.get("type") == "array" and isinstance(items, dict):
        _annotate(field["items"], items)
