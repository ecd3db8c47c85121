"""What ajv compiles for a message set: the internal form without annotations, one entry point
per message, and a tagged union per direction (ajv's own keywords only, plus the x-* checks its
standalone code leaves to functions of the generated module)."""

from __future__ import annotations

from typing import Any

from ..errors import CodegenError

SCHEMA_ID = "urn:ipycallback:messages"
REF = "#/$defs/"
# Names of the $defs this module adds; a dash cannot start a name of the internal form.
MEMBER = "-message-"
DISPATCH = "-dispatch-"
UNIONS = {"ajvToKernel": "-toKernel", "ajvToBrowser": "-toBrowser"}
# Most messages one validator function dispatches to, when ajv's discriminator cannot be used:
# each if/then costs ~50 lines, and tsc gives up on a function of a few thousand.
CHUNK = 16

_SHAPE_KEYS = frozenset(
    [
        "type",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "const",
        "enum",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "$ref",
        "anyOf",
        "oneOf",
        "discriminator",
        "properties",
        "required",
    ]
)
_ANNOTATIONS = frozenset(["description", "default", "title", "x-tag"])
_FORMATS = frozenset(["date-time", "date", "time", "uuid"])
# ajv's discriminator keeps tags as keys of a plain object and refuses these as duplicates.
OBJECT_PROTOTYPE = frozenset(
    [
        "constructor",
        "__proto__",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toString",
        "toLocaleString",
        "valueOf",
    ]
)


def ajv_input(ir: dict[str, Any]) -> dict[str, Any]:
    """What node/ajv_standalone.cjs compiles, and the names it exports."""
    return _Input(ir).payload()


class _Input:
    def __init__(self, ir: dict[str, Any]) -> None:
        self.ir = ir
        self.defs: dict[str, Any] = ir["$defs"]
        self.tag_field: str = ir["x-ipycallback"]["tagField"]
        self.out: dict[str, Any] = {}
        self.groups = 0  # dispatch groups made so far (see dispatch)

    def payload(self) -> dict[str, Any]:
        meta = self.ir["x-ipycallback"]
        for name, schema in self.defs.items():
            self.out[name] = self.schema(schema, f"/$defs/{name}")
        for name, schema in self.defs.items():
            if "x-tag" in schema:
                self.out[MEMBER + name] = self.member(name, schema["x-tag"])
        for export, key in UNIONS.items():
            names = meta["toKernel" if export == "ajvToKernel" else "toBrowser"]
            self.out[key] = self.union(names)
        exports = {export: f"{SCHEMA_ID}#/$defs/{key}" for export, key in UNIONS.items()}
        return {"schemas": [{"$id": SCHEMA_ID, "$defs": self.out}], "exports": exports}

    def member(self, name: str, tag: str) -> dict[str, Any]:
        """A message as a union dispatches to it. The `$ref` keeps ajv from inlining the
        message's checks into the union's function, which would grow with the set; the tag
        restates what ajv's discriminator reads."""
        if self.tag_field == "__proto__":
            return {"$ref": REF + name}  # dispatched without ajv's discriminator: see union
        return {
            "$ref": REF + name,
            "required": [self.tag_field],
            "properties": {self.tag_field: {"const": tag}},
        }

    def schema(self, schema: dict[str, Any], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _ANNOTATIONS:
                continue
            if key == "multipleOf":
                out["x-multiple-of"] = value  # the remainder's test: see ajv_standalone.mjs
            elif key == "format" and value in _FORMATS:
                out[f"x-{value}"] = True  # checked by the module's functions (CHECKS in the .mjs)
            elif key not in _SHAPE_KEYS:
                message = f"keyword {key!r} is not part of the internal form"
                raise CodegenError(message, pointer=where)
            elif key == "properties":
                out[key] = {k: self.schema(v, f"{where}/properties/{k}") for k, v in value.items()}
                if "__proto__" in out[key]:
                    # ajv leaves a property named __proto__ out of `properties` (it never
                    # validates it); a pattern that matches only that key is validated.
                    out["patternProperties"] = {"^__proto__$": out[key].pop("__proto__")}
            elif key == "prefixItems":
                # ajv here reads draft 7, which says a tuple this way.
                out["items"] = [
                    self.schema(v, f"{where}/prefixItems/{i}") for i, v in enumerate(value)
                ]
                out["additionalItems"] = False
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                out[key] = self.schema(value, f"{where}/{key}")
            elif key == "anyOf":
                out[key] = [self.schema(v, f"{where}/anyOf/{i}") for i, v in enumerate(value)]
            elif key == "oneOf":
                return self.union([v["$ref"][len(REF) :] for v in value])
            else:
                out[key] = value
        if schema.get("type") == "integer":
            out["x-safe-integer"] = True  # JSON numbers beyond 2^53 lose digits in JavaScript
        return out

    def union(self, names: list[str]) -> dict[str, Any]:
        tags = [self.defs[name]["x-tag"] for name in names]
        refs = [f"{REF}{MEMBER}{name}" for name in names]
        if self.tag_field != "__proto__" and not OBJECT_PROTOTYPE.intersection(tags):
            return {
                "type": "object",
                "oneOf": [{"$ref": ref} for ref in refs],
                "discriminator": {"propertyName": self.tag_field},
            }
        # The same dispatch without ajv's discriminator, which keeps tags as keys of a plain
        # object and reads the tag through `properties` (where ajv never validates a key
        # "__proto__"). allOf runs its members in order and before an object's own keywords:
        # the tag is checked first, so a missing or unknown tag is what a failure reports.
        checked = {"required": [self.tag_field], **self.tag({"type": "string", "enum": tags})}
        return {"type": "object", "allOf": [checked, *self.dispatch(tags, refs)]}

    def dispatch(self, tags: list[str], refs: list[str]) -> list[dict[str, Any]]:
        """if/then per tag, at most CHUNK per function: beyond that, groups of CHUNK become
        $defs of their own (not inlined, as they hold $refs), chosen by their tags' enum."""
        branches = [([t], r) for t, r in zip(tags, refs, strict=True)]
        while len(branches) > CHUNK:
            groups = []
            for start in range(0, len(branches), CHUNK):
                part = branches[start : start + CHUNK]
                name = f"{DISPATCH}{self.groups}"
                self.groups += 1
                self.out[name] = {"allOf": [self.branch(t, r) for t, r in part]}
                groups.append(([t for part_tags, _ in part for t in part_tags], REF + name))
            branches = groups
        return [self.branch(t, r) for t, r in branches]

    def branch(self, tags: list[str], ref: str) -> dict[str, Any]:
        test = {"const": tags[0]} if len(tags) == 1 else {"enum": tags}
        return {"if": self.tag(test), "then": {"$ref": ref}}

    def tag(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.tag_field == "__proto__":
            return {"patternProperties": {"^__proto__$": schema}}
        return {"properties": {self.tag_field: schema}}
