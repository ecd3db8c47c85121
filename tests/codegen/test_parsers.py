"""The three declaration formats give one internal form, and bad input is refused precisely."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipycallback_codegen.check import check_ir
from ipycallback_codegen.declaration import load_declaration
from ipycallback_codegen.errors import CodegenError
from ipycallback_codegen.ir import IR, canonical_json, fingerprint

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden" / "search.ir.json"
SEARCH_FINGERPRINT = "sha256:30457d2e2dda5b62bd9dd686a549ad9c472d89a251c7e73eb6aebe3cfbee98fb"

HAS_TJS = (
    shutil.which("node") is not None
    and (ROOT / "node_modules" / "typescript-json-schema" / "package.json").is_file()
)
needs_node = pytest.mark.skipif(not HAS_TJS, reason="needs node and `npm install`")


def formats(stem: str, folder: Path, *suffixes: str) -> list[Any]:
    suffixes = suffixes or (".py", ".schema.json", ".schema.yaml", ".ts")
    return [
        pytest.param(
            folder / f"{stem}{suffix}", id=suffix, marks=needs_node if suffix == ".ts" else ()
        )
        for suffix in suffixes
    ]


def golden() -> IR:
    ir: IR = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return ir


def refused_line(path: Path) -> int:
    """Fixtures mark the refused line with the word `refused` in a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, 1) if "refused" in text)


# ------------------------------------------------------------------ one IR from three formats


def test_the_three_formats_give_byte_identical_ir() -> None:
    paths = [SCHEMAS / name for name in ("search.py", "search.schema.json", "search.schema.yaml")]
    if HAS_TJS:
        paths.append(SCHEMAS / "search.ts")
    texts = {path.name: canonical_json(load_declaration(path)) for path in paths}
    assert set(texts.values()) == {GOLDEN.read_text(encoding="utf-8")}, texts.keys()


@pytest.mark.parametrize("path", formats("search", SCHEMAS))
def test_parsing_twice_gives_the_same_bytes(path: Path) -> None:
    first = canonical_json(load_declaration(path))
    assert canonical_json(load_declaration(path)) == first
    assert fingerprint(load_declaration(path)) == SEARCH_FINGERPRINT


@pytest.mark.parametrize("path", formats("coverage", FIXTURES, ".py", ".ts"))
def test_every_shared_construct_agrees_across_formats(path: Path) -> None:
    expected = canonical_json(load_declaration(FIXTURES / "coverage.schema.json"))
    assert canonical_json(load_declaration(path)) == expected


@pytest.mark.parametrize("path", formats("optional", FIXTURES, ".schema.json", ".py", ".ts"))
def test_an_optional_property_without_a_default_is_absent_when_unset(path: Path) -> None:
    # JSON Schema's and TypeScript's most common optional field: neither required nor
    # defaulted in the IR (msgspec.UNSET in Python, `text?: string` in TypeScript).
    query = load_declaration(path)["$defs"]["Query"]
    assert query["properties"]["text"] == {"type": "string"}
    assert query["required"] == ["type"]


def test_the_ir_reads_back_as_itself() -> None:
    # An IR is a valid JSON Schema declaration, and a fixed point of the reader.
    assert canonical_json(load_declaration(GOLDEN)) == GOLDEN.read_text(encoding="utf-8")


def test_name_comes_from_the_caller_then_the_declaration_then_the_file() -> None:
    path = SCHEMAS / "search.schema.json"
    assert load_declaration(path, name="other")["x-ipycallback"]["name"] == "other"
    assert load_declaration(FIXTURES / "order.py")["x-ipycallback"]["name"] == "order"


def test_declared_order_survives_msgspec_sorting() -> None:
    ir = load_declaration(FIXTURES / "order.py")
    defs = ir["$defs"]
    assert list(defs) == ["Level", "Color", "Point", "Paint", "Done"]
    assert defs["Level"]["enum"] == [3, 1, 2]
    assert defs["Color"]["enum"] == ["zeta", "alpha", "mu"]
    paint = defs["Paint"]["properties"]
    assert paint["size"] == {"enum": ["small", "large", "medium"]}
    assert list(defs["Point"]["properties"]) == ["y", "x"]
    assert defs["Point"]["additionalProperties"] is False
    assert ir["x-ipycallback"]["tagField"] == "kind"
    assert paint["at"] == {"type": "string", "format": "date-time"}
    assert paint["until"]["anyOf"][0] == {"type": "string", "format": "date-time"}
    # A nullable's description moves to the property, where every format puts it.
    assert paint["note"] == {
        "anyOf": [{"type": "string", "maxLength": 10}, {"type": "null"}],
        "description": "inner",
        "default": None,
    }


def test_unsafe_names_and_descriptions_pass_through_untouched() -> None:
    path = FIXTURES / "unsafe_names.schema.json"
    source = json.loads(path.read_text(encoding="utf-8"))
    ir = load_declaration(path)
    assert list(ir["$defs"]) == list(source["$defs"])
    for name, schema in source["$defs"].items():
        assert ir["$defs"][name].get("description") == schema.get("description")
        for prop, field in schema.get("properties", {}).items():
            assert prop in ir["$defs"][name]["properties"]
            if "description" in field:
                assert ir["$defs"][name]["properties"][prop]["description"] == field["description"]
    klass = ir["$defs"]["class"]
    assert klass["x-tag"] == 'cla"ss'
    assert list(klass["properties"])[:4] == ['msg "type"', "class", "default", "__proto__"]
    assert klass["properties"]["prototype"]["default"] == '""" */'
    assert ir["x-ipycallback"]["replies"] == {"class": "__proto__"}


# ------------------------------------------------------------------------------ fingerprint


def test_fingerprint_ignores_descriptions_only() -> None:
    ir = golden()
    changed = copy.deepcopy(ir)
    changed["$defs"]["Query"]["description"] = "something else */"
    del changed["$defs"]["Hit"]["properties"]["score"]["description"]
    changed["$defs"]["SearchMode"]["description"] = "new"
    assert fingerprint(changed) == fingerprint(ir) == SEARCH_FINGERPRINT
    changed["$defs"]["Query"]["properties"]["limit"]["maximum"] = 51
    assert fingerprint(changed) != fingerprint(ir)


def test_fingerprint_keeps_data_that_is_named_description() -> None:
    ir = load_declaration(FIXTURES / "unsafe_names.schema.json")
    changed = copy.deepcopy(ir)
    changed["$defs"]["__proto__"]["properties"]["description"]["type"] = "integer"
    assert fingerprint(changed) != fingerprint(ir)
    changed = copy.deepcopy(ir)
    changed["$defs"]["class"]["properties"]["a/b~c"]["default"]["description"] = "other"
    assert fingerprint(changed) != fingerprint(ir)


# -------------------------------------------------------------------------------- refusals

TS_REFUSALS = [
    ("bad_bare_number.ts", "bare number at Query.total"),
    ("bad_bare_number_in_array.ts", "bare number at Query.scores"),
    ("bad_untagged_union.ts", "untagged union: Circle is not a message"),
    ("bad_unknown_reference.ts", "Cannot find name 'Hit'"),
    ("bad_duplicate_tag.ts", "duplicate tag 'Query'"),
    ("bad_duplicate_name.ts", "duplicate name Query"),
    ("bad_jsdoc_tag.ts", "unsupported JSDoc tag @examples"),
    ("bad_proto_property.ts", "cannot represent the property '__proto__'"),
]
PY_REFUSALS = [
    ("bad_no_tag.py", "Query needs a string tag"),
    ("bad_untagged_union.py", "untagged union: Circle is not a message"),
    ("bad_untagged_structs.py", "all Struct types must be tagged"),
    ("bad_dict_keys.py", "dict keys must be str"),
    ("bad_default_factory.py", "the default of Query.ids has no JSON form"),
    ("bad_set.py", "unsupported keyword 'uniqueItems'"),
    ("bad_raises.py", "NameError"),
    ("bad_duplicate_name.py", "duplicate name Hit"),
    ("bad_duplicate_tag.py", "duplicate tag 'query'"),
]
JSON_REFUSALS = [
    ("bad_untagged_union.schema.json", "/$defs/Draw/properties/shape/anyOf/0", "untagged union"),
    ("bad_unknown_reference.schema.json", "/$defs/Query/properties/hits/items/$ref", "unknown"),
    ("bad_duplicate_tag.schema.json", "/$defs/Again/x-tag", "duplicate tag 'Query'"),
    ("bad_duplicate_name.schema.json", "/$defs/Query", "duplicate key 'Query'"),
    ("bad_keyword.schema.json", "/$defs/Query/properties/labels/patternProperties", "keyword"),
]
YAML_REFUSALS = [
    ("bad_keyword.schema.yaml", "/$defs/Query/properties/text/not", "unsupported keyword"),
    ("bad_duplicate_name.schema.yaml", "/$defs/Query", "duplicate key 'Query'"),
]


def refusal(path: Path) -> CodegenError:
    with pytest.raises(CodegenError) as caught:
        load_declaration(path)
    assert caught.value.file == str(path)
    return caught.value


@pytest.mark.parametrize(
    ("name", "message"),
    [pytest.param(*case, marks=needs_node, id=case[0]) for case in TS_REFUSALS]
    + [pytest.param(*case, id=case[0]) for case in PY_REFUSALS],
)
def test_refusals_point_at_the_line(name: str, message: str) -> None:
    path = FIXTURES / name
    error = refusal(path)
    assert message in error.message
    assert error.line == refused_line(path)
    assert str(error) == f"{path}:{error.line}: {error.message}"


@pytest.mark.parametrize(
    ("name", "at", "message"), JSON_REFUSALS, ids=[c[0] for c in JSON_REFUSALS]
)
def test_json_refusals_point_at_the_json_pointer(name: str, at: str, message: str) -> None:
    path = FIXTURES / name
    error = refusal(path)
    assert message in error.message
    assert error.pointer == at
    assert str(error) == f"{path}#{at}: {error.message}"


@pytest.mark.parametrize(
    ("name", "at", "message"), YAML_REFUSALS, ids=[c[0] for c in YAML_REFUSALS]
)
def test_yaml_refusals_give_line_and_pointer(name: str, at: str, message: str) -> None:
    path = FIXTURES / name
    error = refusal(path)
    assert message in error.message
    assert (error.line, error.pointer) == (refused_line(path), at)
    assert str(error) == f"{path}:{error.line}#{at}: {error.message}"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("x-ipycallback: {}\n$defs:\n  A: {default: 2020-01-01}\n", "as date", 3),
        ("x-ipycallback: {}\n$defs:\n  on: {}\n", "key 'on' as a string", 3),
        ("x-ipycallback: [\n", "invalid YAML", 2),
    ],
)
def test_yaml_that_json_cannot_say_is_refused(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    path = tmp_path / "odd.schema.yaml"
    path.write_text(text, encoding="utf-8")
    error = refusal(path)
    assert message in error.message
    assert error.line == line


def test_typescript_without_typescript_json_schema_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "search.ts"
    shutil.copy(SCHEMAS / "search.ts", path)
    monkeypatch.chdir(tmp_path)
    error = refusal(path)
    assert "npm install --save-dev typescript-json-schema@0.68.0" in error.message
    # Another version is refused too: the reader is pinned.
    package = tmp_path / "node_modules" / "typescript-json-schema" / "package.json"
    package.parent.mkdir(parents=True)
    package.write_text('{"version": "0.67.0"}', encoding="utf-8")
    error = refusal(path)
    assert "found typescript-json-schema 0.67.0" in error.message
    assert "pinned to 0.68.0: run `npm install --save-dev typescript-json-schema@0.68.0`" in (
        error.message
    )


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "search.toml"
    path.write_text("", encoding="utf-8")
    assert "use .py, .json, .yaml, .yml or .ts" in refusal(path).message


# ----------------------------------------------------------------------------------- check_ir

Breakage = Callable[[IR], None]
NEXT = {
    "oneOf": [{"$ref": "#/$defs/Query"}, {"$ref": "#/$defs/Stop"}],
    "discriminator": {"propertyName": "type", "mapping": {"Query": "#/$defs/Query"}},
}


def _set(path: str, value: Any) -> Breakage:
    def apply(ir: IR) -> None:
        *parents, last = path.split("/")
        for part in parents:
            ir = ir[part]
        ir[last] = value

    return apply


def _delete(path: str) -> Breakage:
    def apply(ir: IR) -> None:
        *parents, last = path.split("/")
        for part in parents:
            ir = ir[part]
        del ir[last]

    return apply


def _required_backwards(ir: IR) -> None:
    ir["$defs"]["QueryResult"]["required"].reverse()


def _required_with_default(ir: IR) -> None:
    query = ir["$defs"]["Query"]
    query["required"] = [p for p in query["properties"] if p in (*query["required"], "limit")]


def _tag_not_first(ir: IR) -> None:
    props = ir["$defs"]["Query"]["properties"]
    ir["$defs"]["Query"]["properties"] = {"text": props.pop("text"), **props}


def _discriminator_mapping(ir: IR) -> None:
    ir["$defs"]["QueryResult"]["properties"]["next"] = NEXT
    ir["$defs"]["QueryResult"]["required"].append("next")


def _duplicate_tag(ir: IR) -> None:
    ir["$defs"]["Stop"]["x-tag"] = "Query"
    ir["$defs"]["Stop"]["properties"]["type"] = {"const": "Query"}


LIMIT = "$defs/Query/properties/limit"
TITLE = "$defs/Hit/properties/title"
BROKEN: list[tuple[str, Breakage, str]] = [
    ("$schema", _set("$schema", "http://json-schema.org/draft-07/schema#"), "/$schema"),
    ("bad name", _set("x-ipycallback/name", "9search"), "/x-ipycallback/name"),
    ("no messages", _set("x-ipycallback/toBrowser", []), "/x-ipycallback/toBrowser"),
    ("reply", _set("x-ipycallback/replies", {"Stop": "Hit"}), "/x-ipycallback/replies/Stop"),
    ("ask", _set("x-ipycallback/asks", {"Query": "Stop"}), "/x-ipycallback/asks/Query"),
    ("asks missing", _delete("x-ipycallback/asks"), "/x-ipycallback"),
    ("no title", _delete("$defs/Query/title"), "/$defs/Query"),
    ("no additionalProperties", _delete("$defs/Hit/additionalProperties"), "/$defs/Hit"),
    ("mixed enum", _set("$defs/SearchMode/enum", ["prefix", 1]), "/$defs/SearchMode/enum"),
    ("required order", _required_backwards, "/$defs/QueryResult"),
    ("tag not first", _tag_not_first, "/$defs/Query/properties"),
    ("duplicate tag", _duplicate_tag, "/$defs/Stop/x-tag"),
    ("required and default", _required_with_default, f"/{LIMIT}"),
    ("default type", _set(f"{LIMIT}/default", "5"), f"/{LIMIT}/default"),
    ("default bounds", _set(f"{LIMIT}/default", 99), f"/{LIMIT}/default"),
    ("keyword", _set(f"{TITLE}/allOf", []), f"/{TITLE}/allOf"),
    ("null alone", _set(TITLE, {"type": "null"}), f"/{TITLE}"),
    (
        "null first",
        _set(TITLE, {"anyOf": [{"type": "null"}, {"type": "string"}]}),
        f"/{TITLE}/anyOf",
    ),
    (
        "unknown $ref",
        _set("$defs/QueryResult/properties/hits/items/$ref", "#/$defs/Nope"),
        "/$defs/QueryResult/properties/hits/items/$ref",
    ),
    ("mapping", _discriminator_mapping, "/$defs/QueryResult/properties/next/discriminator"),
]


def test_the_golden_ir_passes_check_ir() -> None:
    check_ir(golden())


@pytest.mark.parametrize(("breakage", "at"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_check_ir_points_at_what_a_broken_ir_breaks(breakage: Breakage, at: str) -> None:
    ir = golden()
    breakage(ir)
    with pytest.raises(CodegenError) as caught:
        check_ir(ir, file="hand.json")
    assert (caught.value.file, caught.value.pointer) == ("hand.json", at)


# ------------------------------------------------------------ requests both ways (asks)


@pytest.mark.parametrize("path", formats("picker", FIXTURES, ".py", ".schema.yaml", ".ts"))
def test_asks_read_the_same_in_every_format(path: Path) -> None:
    expected = (FIXTURES / "picker.ir.json").read_text(encoding="utf-8")
    assert canonical_json(load_declaration(path)) == expected


def test_asks_change_the_fingerprint_and_none_keeps_the_old_one() -> None:
    ir = golden()
    assert ir["x-ipycallback"]["asks"] == {}
    without = copy.deepcopy(ir)
    del without["x-ipycallback"]["asks"]
    assert fingerprint(without) == fingerprint(ir) == SEARCH_FINGERPRINT
    picker = load_declaration(FIXTURES / "picker.ir.json")
    other = copy.deepcopy(picker)
    other["x-ipycallback"]["asks"]["Confirm"] = "Picked"
    fewer = copy.deepcopy(picker)
    del fewer["x-ipycallback"]["asks"]["Confirm"]
    assert len({fingerprint(picker), fingerprint(other), fingerprint(fewer)}) == 3
