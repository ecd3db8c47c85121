"""Writes the conformance vectors of the `semantics` set (tests/conformance/semantics/): one
file per case and direction, `{good,bad}/<direction>--<case>.json`, holding the raw message text.
Run it after changing the cases: `.venv/bin/python tests/conformance/make_vectors.py`. The
verdicts are docs/internal-form.md's ("Semantics"), written here by hand, not computed by any
of the validators they test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent / "semantics"
LIMIT = 256  # NESTING_LIMIT

# (case, message, field, raw JSON value, good?)
Case = tuple[str, str, str, str, bool]


def numbers() -> list[Case]:
    cases: list[Case] = []
    for raw, good in [
        ("-5", True),
        ("5", True),
        ("0", True),
        ("-6", False),
        ("6", False),
        ("5.0", True),
        ("-5.0", True),
        ("1e0", True),
        ("5e0", True),
        ("0.5e1", True),
        ("-0.0", True),
        ("4.5", False),
        ("5.000001", False),
        ("1E1", False),
        ('"1"', False),
        ("true", False),
        ("null", False),
    ]:
        cases.append((f"integer_minmax_{raw}", "Nums", "i", raw, good))
    for raw, good in [
        ("1", True),
        ("9", True),
        ("0", False),
        ("10", False),
        ("9.0", True),
        ("0.0", False),
    ]:
        cases.append((f"integer_exclusive_{raw}", "Nums", "xi", raw, good))
    for raw, good in [
        ("0", True),
        ("3", True),
        ("-3", True),
        ("9.0", True),
        ("4", False),
        ("3e0", True),
        ("9007199254740990", True),
        ("9007199254740989", False),
        ("1.5", False),
    ]:
        cases.append((f"integer_multiple_{raw}", "Nums", "m", raw, good))
    for raw, good in [
        ("9007199254740991", True),
        ("-9007199254740991", True),
        ("9007199254740992", False),
        ("-9007199254740992", False),
        ("9007199254740993", False),
        ("1e300", False),
        ("9007199254740991.0", True),
        ("1e15", True),
        ("2.5", False),
        ('"2"', False),
    ]:
        cases.append((f"integer_safe_{raw}", "Nums", "big", raw, good))
    for raw, good in [
        ("0.5", True),
        ("1.5", True),
        ("1", True),
        ("0.4999999", False),
        ("1.5000001", False),
        ("1e0", True),
        ("5e-1", True),
        ("2", False),
        ('"1"', False),
    ]:
        cases.append((f"number_minmax_{raw}", "Nums", "f", raw, good))
    for raw, good in [
        ("0.5", True),
        ("0", False),
        ("1", False),
        ("1e-300", True),
        ("0.9999999999", True),
        ("-0.0", False),
    ]:
        cases.append((f"number_exclusive_{raw}", "Nums", "xf", raw, good))
    for raw, good in [
        ("14", True),
        ("14.0", True),
        ("0.5", False),
        ("-7", True),
        ("1e300", False),
        ("7e22", False),
        ("7e1", True),
        ("1.4e1", True),
        ("0", True),
        ("3.5", False),
    ]:
        cases.append((f"number_multiple_{raw}", "Nums", "fm", raw, good))
    for raw, good in [
        ("1e308", True),
        ("-1e-308", True),
        ("1", True),
        ("9007199254740993", True),
        ('"x"', False),
        ("[]", False),
    ]:
        cases.append((f"number_any_{raw}", "Nums", "any", raw, good))
    return cases


def texts() -> list[Case]:
    cases: list[Case] = []
    for name, raw, good in [
        ("two", '"ab"', True),
        ("four", '"abcd"', True),
        ("one", '"a"', False),
        ("five", '"abcde"', False),
        ("astral_two", '"😀😀"', True),
        ("astral_five", '"😀😀😀😀😀"', False),
        ("astral_one", '"😀"', False),
        ("combining", '"e\\u0301"', True),
        ("empty", '""', False),
        ("number", "12", False),
    ]:
        cases.append((f"length_{name}", "Texts", "s", raw, good))
    patterns = {
        "lower": [("abc", True), ("abc\\n", False), ("ABC", False), ("", False), ("é", False)],
        "digits": [
            ("123", True),
            ("\\u0663", False),
            ("12a", False),
            ("\\uff11", False),
            ("1\\n", False),
        ],
        "one": [
            ("a", True),
            ("\\n", False),
            ("\\r", False),
            ("\\u2028", False),
            ("\\u2029", False),
            ("😀", True),
            ("ab", False),
            ("\\u0085", True),
        ],
        "space": [
            (" ", True),
            ("\\ufeff", True),
            ("\\u00a0", True),
            ("\\u3000", True),
            ("\\u180e", False),
            ("\\u200b", False),
            ("\\u000b", True),
            ("\\u0085", False),
            ("x", False),
        ],
        "word": [
            ("foo", True),
            ("a foo b", True),
            ("foobar", False),
            ("éfooé", True),
            ("_foo", False),
        ],
        "wide": [("a_1", True), ("é", False), ("a-b", False), ("\\u0663", False)],
    }
    for field, values in patterns.items():
        for i, (text, good) in enumerate(values):
            cases.append((f"pattern_{field}_{i}", "Texts", field, f'"{text}"', good))
    formats = {
        "dt": [
            ("2020-01-01T00:00:00Z", True),
            ("2020-01-01t00:00:00z", True),
            ("2020-01-01 00:00:00Z", True),
            ("2020-01-01T00:00:00+05:30", True),
            ("2020-01-01T00:00:00+0530", True),
            ("2020-01-01T00:00:00-00:00", True),
            ("2020-01-01T00:00:00.123456789Z", True),
            ("2020-02-29T00:00:00Z", True),
            ("2020-01-01T00:00:00", False),
            ("2020-01-01T00:00:00+05", False),
            ("2020-01-01T23:59:60Z", False),
            ("0000-01-01T00:00:00Z", False),
            ("2020-01-01T00:00:00.Z", False),
            ("2020-01-01T24:00:00Z", False),
            ("2020-01-01T00:00:00+24:00", False),
            ("2021-02-29T00:00:00Z", False),
            ("2020-01-01T00:00Z", False),
            ("2020-01-01T00:00:00,5Z", False),
            ("2020-01-01T00:00:00+05:60", False),
            ("2020-1-01T00:00:00Z", False),
            ("2020-01-01T00:00:00+23:59", True),
        ],
        "day": [
            ("2020-01-01", True),
            ("2020-02-29", True),
            ("2021-02-29", False),
            ("0000-01-01", False),
            ("20200101", False),
            ("2020-13-01", False),
            ("0001-01-01", True),
        ],
        "clock": [
            ("00:00:00Z", True),
            ("23:59:59.5+01:00", True),
            ("00:00:00+0100", True),
            ("00:00:00", False),
            ("23:59:60Z", False),
            ("24:00:00Z", False),
            ("00:00Z", False),
        ],
        "id": [
            ("12345678-1234-5678-1234-567812345678", True),
            ("12345678123456781234567812345678", True),
            ("ABCDEF78-1234-5678-1234-567812345678", True),
            ("{12345678-1234-5678-1234-567812345678}", False),
            ("urn:uuid:12345678-1234-5678-1234-567812345678", False),
            ("12345678-1234-5678-1234567812345678", False),
            ("1234567g-1234-5678-1234-567812345678", False),
        ],
    }
    for field, values in formats.items():
        for i, (text, good) in enumerate(values):
            cases.append((f"format_{field}_{i}", "Texts", field, f'"{text}"', good))
    for name, raw, good in [
        ("lone_high", '"a\\ud800"', False),
        ("lone_low", '"\\udc00b"', False),
        ("reversed_pair", '"\\udc00\\ud800"', False),
        ("escaped_pair", '"\\ud83d\\ude00"', True),
        ("raw_pair", '"😀"', True),
        ("nul", '"\\u0000"', True),
    ]:
        cases.append((f"surrogate_{name}", "Texts", "free", raw, good))
    return cases


def literals() -> list[Case]:
    cases: list[Case] = []
    for field, values in {
        "one": [
            ("1", True),
            ("1.0", True),
            ("1e0", True),
            ("2", False),
            ('"1"', False),
            ("true", False),
        ],
        "few": [("1", True), ("3.0", True), ("4", False), ("2.5", False), ("0", False)],
        "word": [('"x"', True), ('"X"', False), ("1", False)],
        "words": [('"a"', True), ('"b"', True), ('"c"', False)],
        "flag": [("true", True), ("false", True), ("1", False), ('"true"', False), ("null", False)],
        "yes": [("true", True), ("false", False)],
        "color": [('"red"', True), ('"green"', True), ('"Red"', False), ("0", False)],
        "level": [("1", True), ("2.0", True), ("4", False), ('"1"', False)],
    }.items():
        for i, (raw, good) in enumerate(values):
            cases.append((f"literal_{field}_{i}", "Lits", field, raw, good))
    return cases


def shapes() -> list[Case]:
    cases: list[Case] = []
    for field, values in {
        "list": [
            ("[1]", True),
            ("[1,2,3]", True),
            ("[]", False),
            ("[1,2,3,4]", False),
            ("[1.0,2e0]", True),
            ('[1,"2"]', False),
            ("{}", False),
            ("[1.5]", False),
        ],
        "pair": [
            ('[1,"a"]', True),
            ('[1.0,"a"]', True),
            ("[1]", False),
            ('[1,"a",2]', False),
            ('["a",1]', False),
            ("[1,2]", False),
        ],
        "dict": [
            ('{"a":1}', True),
            ('{"a":1,"b":2}', True),
            ("{}", False),
            ('{"a":1,"b":2,"c":3}', False),
            ('{"a":1.0}', True),
            ('{"a":"1"}', False),
            ('{"a":1,"a":2}', True),
            ('{"__proto__":1}', True),
            ("[]", False),
        ],
        "maybe": [("null", True), ("1", True), ("1.0", True), ('"1"', False), ("1.5", False)],
        "inner": [
            ('{"a":1}', True),
            ('{"a":1,"b":"x"}', True),
            ('{"a":1,"c":1}', False),
            ('{"b":"x"}', False),
            ('{"a":1.0}', True),
            ('{"a":1,"a":"x"}', False),
            ('{"a":"x","a":1}', True),
            ("null", False),
        ],
        "msg": [
            ('{"type":"Nums","i":1}', True),
            ('{"type":"Lits","one":1.0}', True),
            ('{"type":"Texts"}', False),
            ('{"i":1}', False),
            ('{"type":"Nums","i":9}', False),
            ('{"type":1}', False),
        ],
    }.items():
        for i, (raw, good) in enumerate(values):
            cases.append((f"shape_{field}_{i}", "Shapes", field, raw, good))
    return cases


def node(depth: int) -> str:
    return '{"value":1,"kids":[' * (depth - 1) + '{"value":1}' + "]}" * (depth - 1)


def whole_messages() -> list[tuple[str, str, bool]]:
    """Cases that are not one field: tags, duplicate keys, nesting."""
    levels = LIMIT - 1  # arrays in `x`, inside the message: LIMIT levels in all
    return [
        ("tag_missing", '{"i":1}', False),
        ("tag_unknown", '{"type":"Nope"}', False),
        ("tag_not_string", '{"type":1}', False),
        ("not_an_object", "[1]", False),
        ("duplicate_tag_last_wins", '{"type":"Nope","type":"Nums"}', True),
        ("duplicate_tag_last_unknown", '{"type":"Nums","type":"Nope"}', False),
        ("duplicate_field_last_good", '{"type":"Nums","i":"x","i":1}', True),
        ("duplicate_field_last_bad", '{"type":"Nums","i":1,"i":"x"}', False),
        ("duplicate_field_last_float_int", '{"type":"Nums","i":9,"i":1.0}', True),
        ("unknown_field_ignored", '{"type":"Nums","zzz":[1,{"a":null}]}', True),
        ("unknown_field_surrogate", '{"type":"Nums","zzz":"\\ud800"}', False),
        ("unknown_key_surrogate", '{"type":"Nums","\\udfff":1}', False),
        (
            "nesting_at_limit_ignored",
            '{"type":"Nums","x":' + "[" * levels + "]" * levels + "}",
            True,
        ),
        (
            "nesting_past_limit_ignored",
            '{"type":"Nums","x":' + "[" * (levels + 1) + "]" * (levels + 1) + "}",
            False,
        ),
        ("nesting_far_past_limit", '{"type":"Nums","x":' + "[" * 20000 + "]" * 20000 + "}", False),
        (
            "nesting_deep_objects",
            '{"type":"Nums","x":' + '{"a":' * 300 + "1" + "}" * 300 + "}",
            False,
        ),
        ("tree_shallow", '{"type":"Tree","value":1,"kids":[' + node(3) + "]}", True),
        ("tree_at_limit", '{"type":"Tree","kids":[' + node(LIMIT // 2 - 1) + "]}", True),
        ("tree_past_limit", '{"type":"Tree","kids":[' + node(LIMIT // 2) + "]}", False),
        ("tree_far_past_limit", '{"type":"Tree","kids":[' + node(6000) + "]}", False),
        ("tree_float_int_deep", '{"type":"Tree","kids":[{"kids":[{"value":2.0}]}]}', True),
        ("tree_bad_deep", '{"type":"Tree","kids":[{"kids":[{"value":2.5}]}]}', False),
        ("empty_message", '{"type":"Lits"}', True),
    ]


def main() -> None:
    for kind in ("good", "bad"):
        shutil.rmtree(HERE / kind, ignore_errors=True)
        (HERE / kind).mkdir()
    cases = [*numbers(), *texts(), *literals(), *shapes()]
    texts_by_case = [
        (name, f'{{"type":"{message}","{field}":{raw}}}', good)
        for name, message, field, raw, good in cases
    ]
    texts_by_case += whole_messages()
    names = [name for name, _, _ in texts_by_case]
    assert len(names) == len(set(names)), "case names must be unique"
    for name, text, good in texts_by_case:
        safe = "".join(c if c.isalnum() or c in "_.-" else "_" for c in name)
        for direction in ("to_kernel", "to_browser"):
            path = HERE / ("good" if good else "bad") / f"{direction}--{safe}.json"
            path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
