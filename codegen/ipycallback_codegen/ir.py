"""The internal form (IR) of a message set: its vocabulary, canonical JSON and fingerprint.

docs/internal-form.md is the specification. Every other module of the generator builds on this
one; it imports none of them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

IR = dict[str, Any]

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"
REF = "#/$defs/"
NULL = {"type": "null"}
MAX_SAFE_INT = 2**53 - 1
# The keywords that constrain a value (in their canonical order), which the readers pass on.
CONSTRAINT_KEYS = (
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
)
# The canonical key order of a field type; a loaded IR always uses it.
FIELD_KEYS = (
    "type",
    "const",
    "enum",
    "$ref",
    "items",
    "prefixItems",
    "additionalProperties",
    "anyOf",
    "oneOf",
    "discriminator",
    *CONSTRAINT_KEYS,
    "description",
    "default",
)


def same_value(a: Any, b: Any) -> bool:
    """JSON equality: unlike ==, `true` is not `1`."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def canonical_json(ir: IR) -> str:
    """The IR as text: keys in IR order (field and enum order carry meaning), never sorted."""
    return json.dumps(ir, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def fingerprint(ir: IR) -> str:
    """What both generated sides embed: documentation does not change the wire format."""
    text = canonical_json(_without_descriptions(ir))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _without_descriptions(ir: IR) -> IR:
    # A set that declares no kernel requests keeps the fingerprint it had before `asks` existed.
    meta = {k: v for k, v in ir.get("x-ipycallback", {}).items() if k != "asks" or v}

    def field(schema: Any) -> Any:
        if not isinstance(schema, dict):
            return schema
        out = {k: v for k, v in schema.items() if k != "description"}
        for key in ("items", "additionalProperties"):
            if isinstance(out.get(key), dict):
                out[key] = field(out[key])
        for key in ("anyOf", "oneOf"):
            if isinstance(out.get(key), list):
                out[key] = [field(member) for member in out[key]]
        return out  # `default` is data: a "description" key inside it stays

    defs = {}
    for name, schema in ir.get("$defs", {}).items():
        named = {k: v for k, v in schema.items() if k != "description"}
        if isinstance(named.get("properties"), dict):
            named["properties"] = {p: field(s) for p, s in named["properties"].items()}
        defs[name] = named
    return {**ir, "x-ipycallback": meta, "$defs": defs}
