"""Differential test over declarations: hypothesis writes message types from the whole supported
subset of the declaration language (every keyword, nested and combined), and payloads near each
of their boundaries; the kernel's decoder, the generated validator and the runtime validator
must give the same verdict on every payload. A declaration the generator refuses must be
refused with the JSON pointer of what it refuses.

Generating and running ajv in Node costs about a second per message set, so each example puts
its random declarations into ONE message set (each becomes a message type `D<n>` plus the
definitions it needs): one generator run, one bundle and one Node run per example.
Deterministic (derandomize): five examples of five declarations (the first is hypothesis's
simplest), 40 payloads per message type; about 9 s.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from verdicts import (
    browser_bundle,
    browser_verdicts,
    kernel_sets,
    kernel_verdict,
    load_generated,
    shipped_schema,
)

from ipycallback_codegen.cli import run as codegen
from ipycallback_codegen.declaration import load
from ipycallback_codegen.emit import emit_python, emit_typescript
from ipycallback_codegen.errors import CodegenError

Schema = dict[str, Any]
Defs = dict[str, Schema]

DECLARATIONS = 5
PAYLOADS = 40
SMALL = [-5, -1, 0, 1, 2, 3, 5, 10]
# Patterns: ECMA-262 classes, anchors, word boundaries; the last two are JS-only (refused).
PATTERNS = ["^[a-z]+$", "^\\d+$", "^.$", "^\\s$", "\\bfoo\\b", "^\\w+$", "a|b", "^\\p{L}$", "\\cC"]
FORMATS = ["date-time", "date", "time", "uuid"]
STRINGS = [
    "",
    "a",
    "ab",
    "abcd",
    "abcde",
    "foo",
    "a foo b",
    "foobar",
    "123",
    "\u0663",
    "é",
    "😀",
    " ",
    "\n",
    "\u2028",
    "\ufeff",
    "\u00a0",
    "abc\n",
    "_x9",
    "2020-01-01T00:00:00Z",
    "2020-01-01T00:00:00+0530",
    "2020-02-30",
    "2020-01-01",
    "00:00:00+0530",
    "23:59:60Z",
    "12:00:00",
    "12345678-1234-5678-1234-567812345678",
    "12345678123456781234567812345678",
]
WRONG = ["true", "null", '"x"', "1", "1.5", "[]", "{}", '"\\ud800"']


def bounds(draw: st.DrawFn, schema: Schema, values: list[Any]) -> None:
    for low, high in (("minimum", "maximum"), ("exclusiveMinimum", "exclusiveMaximum")):
        pair = sorted(draw(st.lists(st.sampled_from(values), min_size=2, max_size=2)))
        if draw(st.booleans()):
            schema[low] = pair[0]
        if draw(st.booleans()):
            schema[high] = pair[1]


@st.composite
def scalar(draw: st.DrawFn) -> Schema:
    kind = draw(st.sampled_from(["integer", "number", "string", "boolean", "const", "enum"]))
    if kind == "integer":
        schema: Schema = {"type": "integer"}
        bounds(draw, schema, [*SMALL, 0.5, 2**53])  # a fractional bound on an integer, too
        if draw(st.booleans()):
            schema["multipleOf"] = draw(st.sampled_from([2, 3, 7, 0.5]))  # 0.5 is refused
        return schema
    if kind == "number":
        schema = {"type": "number"}
        bounds(draw, schema, [*SMALL, -1.5, 0.5, 1e300])
        if draw(st.integers(0, 3)) == 0:
            schema["multipleOf"] = draw(st.sampled_from([3, 7, 0.25]))
        return schema
    if kind == "string":
        schema = {"type": "string"}
        lengths = sorted(draw(st.lists(st.integers(0, 4), min_size=2, max_size=2)))
        if draw(st.booleans()):
            schema["minLength"] = lengths[0]
        if draw(st.booleans()):
            schema["maxLength"] = lengths[1]
        choice = draw(st.integers(0, 2))
        if choice == 1:
            schema["pattern"] = draw(st.sampled_from(PATTERNS))
        elif choice == 2:
            schema["format"] = draw(st.sampled_from(FORMATS))
        return schema
    if kind == "boolean":
        return {"type": "boolean"}
    literal = st.one_of(st.sampled_from(SMALL), st.sampled_from(["a", "b", "foo"]), st.booleans())
    if kind == "const":
        return {"const": draw(literal)}
    ints, texts = st.sampled_from(SMALL), st.sampled_from(["a", "b", "foo", "é"])
    return {"enum": draw(st.lists(draw(st.sampled_from([ints, texts])), min_size=1, unique=True))}


@st.composite
def field(draw: st.DrawFn, defs: Defs, prefix: str, depth: int = 0) -> Schema:
    """A field's schema; nested objects and tagged unions are added to `defs` under `prefix`."""
    kinds = ["scalar"] * 3 + (
        ["array", "tuple", "dict", "optional", "object", "union"] * (depth < 2)
    )
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return draw(scalar())
    inner = field(defs, prefix, depth + 1)
    if kind == "array":
        schema: Schema = {"type": "array", "items": draw(inner)}
        counts = sorted(draw(st.lists(st.integers(0, 3), min_size=2, max_size=2)))
        if draw(st.booleans()):
            schema["minItems"] = counts[0]
        if draw(st.booleans()):
            schema["maxItems"] = counts[1]
        return schema
    if kind == "tuple":
        items = draw(st.lists(inner, min_size=1, max_size=3))
        return {
            "type": "array",
            "prefixItems": items,
            "minItems": len(items),
            "maxItems": len(items),
        }
    if kind == "dict":
        schema = {"type": "object", "additionalProperties": draw(inner)}
        counts = sorted(draw(st.lists(st.integers(0, 3), min_size=2, max_size=2)))
        if draw(st.booleans()):
            schema["minProperties"] = counts[0]
        if draw(st.booleans()):
            schema["maxProperties"] = counts[1]
        return schema
    if kind == "optional":
        return {"anyOf": [draw(inner), {"type": "null"}]}
    name = f"{prefix}N{len(defs)}"
    defs[name] = {}  # reserved before the members are drawn, which may add definitions too
    if kind == "object":
        defs[name] = draw(struct(defs, prefix, depth + 1, tag=None))
        return {"$ref": f"#/$defs/{name}"}
    members = [name, f"{prefix}N{len(defs)}"]
    defs[members[1]] = {}
    for member in members:
        defs[member] = draw(struct(defs, prefix, depth + 1, tag=member))
    return {
        "oneOf": [{"$ref": f"#/$defs/{m}"} for m in members],
        "discriminator": {"propertyName": "type"},
    }


@st.composite
def struct(draw: st.DrawFn, defs: Defs, prefix: str, depth: int, tag: str | None) -> Schema:
    names = [f"f{i}" for i in range(draw(st.integers(1 if tag is None else 0, 3)))]
    properties: Schema = {"type": {"const": tag}} if tag is not None else {}
    properties.update({n: draw(field(defs, prefix, depth)) for n in names})
    schema: Schema = {"type": "object", "properties": properties}
    required = [n for n in names if draw(st.booleans())] + ["type"] * (tag is not None)
    if required:
        schema["required"] = required
    if tag is None and draw(st.booleans()):
        schema["additionalProperties"] = False
    return schema


@st.composite
def declaration(draw: st.DrawFn, name: str) -> Defs:
    """Message type `name` and the definitions it refers to."""
    defs: Defs = {}
    defs[name] = draw(struct(defs, name, 0, tag=name))
    return defs


def message_set(defs: Defs) -> Schema:
    """The set whose messages are the definitions that carry their own name as tag: the
    declarations' message types and the members of their tagged unions."""
    tags = [n for n, s in defs.items() if s.get("properties", {}).get("type") == {"const": n}]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "x-ipycallback": {"name": "random", "toKernel": tags, "toBrowser": tags},
        "$defs": defs,
    }


def refusal(defs: Defs, path: Path) -> CodegenError | None:
    """The generator's error for a set of this one declaration, or None when it generates."""
    path.write_text(json.dumps(message_set(defs)), encoding="utf-8")
    try:
        loaded = load(path)
        try:
            emit_python(loaded.ir, source="x", fingerprint="x")
            emit_typescript(loaded.ir, source="x", fingerprint="x")
        except CodegenError as error:
            raise loaded.locate(error) from None
    except CodegenError as error:
        return error
    return None


# Payloads: JSON texts written by hand, so that `1.0`, `1e2` and escapes occur as on the wire.


def number_text(draw: st.DrawFn, value: float) -> str:
    if (isinstance(value, float) and not value.is_integer()) or abs(value) >= 1e16:
        return repr(float(value)) if isinstance(value, float) else str(value)
    spelling = draw(st.sampled_from(["int", "int", "float", "exp"]))
    if spelling == "int":
        return str(int(value))
    return repr(float(value)) if spelling == "float" else f"{float(value):e}"


def near(schema: Schema, keys: tuple[str, ...]) -> list[float]:
    found = [schema[k] for k in keys if k in schema]
    return [v + d for v in found for d in (-1, -0.5, -1e-9, 0, 1e-9, 0.5, 1)]


@st.composite
def value_text(draw: st.DrawFn, schema: Schema, defs: Defs, depth: int = 0) -> str:
    """A value for `schema`, near one of its boundaries; sometimes of another type."""
    if depth < 6 and draw(st.integers(0, 9)) == 9:  # hypothesis's simplest draw is 0
        return draw(st.sampled_from(WRONG))
    if "$ref" in schema:
        return draw(value_text(defs[schema["$ref"].rsplit("/", 1)[1]], defs, depth + 1))
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema["oneOf"]
        return draw(value_text(draw(st.sampled_from(options)), defs, depth + 1))
    if "const" in schema or "enum" in schema:
        options = [schema["const"]] if "const" in schema else schema["enum"]
        value = draw(st.sampled_from([*options, 0, "c"]))
        if isinstance(value, int) and not isinstance(value, bool):
            return number_text(draw, draw(st.sampled_from([value, value + 1])))
        return json.dumps(value)
    kind = schema.get("type")
    if kind in ("integer", "number"):
        keys = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
        pool = [*near(schema, keys), 0, 1, -1, 3, 7, 21, 2**53, 2**53 + 1, 1e300, 7e22]
        return number_text(draw, draw(st.sampled_from(pool)))
    if kind == "string":
        lengths = [
            schema[k] + d for k in ("minLength", "maxLength") if k in schema for d in (-1, 0, 1)
        ]
        pool = STRINGS + ["é" * n for n in lengths if n > 0] + ["😀" * n for n in lengths if n > 0]
        text = json.dumps(draw(st.sampled_from(pool)), ensure_ascii=draw(st.booleans()))
        return text
    if kind == "boolean":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "null":
        return "null"
    if kind == "array":
        if "prefixItems" in schema:
            items = [draw(value_text(s, defs, depth + 1)) for s in schema["prefixItems"]]
            cut = draw(st.sampled_from([len(items), len(items), len(items) - 1, len(items) + 1]))
            items = ([*items, "0"])[:cut]
        else:
            counts = [
                schema[k] + d for k in ("minItems", "maxItems") if k in schema for d in (-1, 0, 1)
            ]
            count = max(0, draw(st.sampled_from([*counts, 0, 1, 2])))
            items = [draw(value_text(schema["items"], defs, depth + 1)) for _ in range(count)]
        return "[" + ",".join(items) + "]"
    # an object: a struct or a dict
    if "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        counts = [
            schema[k] + d
            for k in ("minProperties", "maxProperties")
            if k in schema
            for d in (-1, 0, 1)
        ]
        count = max(0, draw(st.sampled_from([*counts, 0, 1, 2])))
        value = schema["additionalProperties"]
        pairs = [f'"k{i}":{draw(value_text(value, defs, depth + 1))}' for i in range(count)]
        return "{" + ",".join(pairs) + "}"
    members = []
    for name, sub in schema.get("properties", {}).items():
        if (name in schema.get("required", []) and draw(st.integers(0, 15)) != 15) or draw(
            st.booleans()
        ):
            members.append(f'"{name}":{draw(value_text(sub, defs, depth + 1))}')
    if draw(st.integers(0, 7)) == 7:
        members.append('"extra":1')
    properties = sorted(schema.get("properties", {}))
    if properties and draw(st.integers(0, 7)) == 7:  # a duplicate key: the last one counts
        name = draw(st.sampled_from(properties))
        members.append(f'"{name}":{draw(value_text(schema["properties"][name], defs, depth + 1))}')
    return "{" + ",".join(draw(st.permutations(members))) + "}"


@st.composite
def batch(draw: st.DrawFn) -> list[Defs]:
    return [draw(declaration(f"D{n}")) for n in range(DECLARATIONS)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("declarations")


_examples = iter(range(10**6))  # a directory per example
SEEN = {"valid": 0}  # payloads the kernel accepted, over the examples


@settings(
    max_examples=5,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # a shrink costs a Node run per step
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(declarations=batch(), data=st.data())
def test_random_declarations_get_one_verdict(
    workdir: Path, declarations: list[Defs], data: st.DataObject
) -> None:
    out = workdir / f"example{next(_examples)}"
    out.mkdir()
    accepted: Defs = {}
    tags: list[str] = []
    for number, defs in enumerate(declarations):
        tag = f"D{number}"
        error = refusal(defs, out / f"{tag}.schema.json")
        if error is None:
            accepted.update(defs)
            tags.append(tag)
        else:
            assert error.pointer is not None, str(error)
            assert error.pointer.startswith("/$defs/"), str(error)
    if not tags:
        return
    schema = out / "random.schema.json"
    schema.write_text(json.dumps(message_set(accepted), indent=1), encoding="utf-8")
    py, ts = out / "random_messages.py", out / "random_messages.ts"
    assert codegen([str(schema), "--py", str(py), "--ts", str(ts)]) == 0
    module = load_generated(py, f"random_messages_{out.name}")
    bundle = browser_bundle(ts, out)
    if bundle is None:
        pytest.skip("node and npm ci are needed")  # make test provides both
    cases = []
    for tag in tags:
        for _ in range(PAYLOADS):
            text = data.draw(value_text(accepted[tag], accepted))
            direction = data.draw(st.sampled_from(["to_kernel", "to_browser"]))
            cases.append((direction, text))
    kernel = kernel_sets(module)
    browser = browser_verdicts(bundle, shipped_schema(module), cases)
    disagreements = []
    valid = 0
    for (direction, text), (generated, runtime) in zip(cases, browser, strict=True):
        verdicts = (kernel_verdict(kernel, direction, text) is None, generated is None)
        valid += verdicts[0]
        if len({*verdicts, runtime is None}) != 1:
            disagreements.append((direction, text[:300], verdicts, generated, runtime))
    assert disagreements == [], json.dumps(message_set(accepted))
    # Valid payloads must occur over the examples (a validator that refuses everything agrees
    # with itself). One batch of hard declarations may reach none; hypothesis's first, simplest
    # example has only valid ones. Invalid ones need no such check: every batch after the
    # simplest ones has values of a wrong type.
    SEEN["valid"] += valid
    assert SEEN["valid"] > 0, "no payload was valid: the payloads do not reach the boundaries"
