"""Differential test: for payloads hypothesis writes near every boundary of the `semantics` set
(every keyword of the internal form), the kernel's decoder, the generated validator and the
runtime validator give the same verdict. Texts are written by hand, so that `1.0`, `1e2`,
duplicate keys, unpaired surrogates and deep nesting occur as they would on the wire.

Deterministic (derandomize) and small: four batches of 120 payloads, one Node run each
(about a third of them valid).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from verdicts import (
    browser_bundle,
    browser_verdicts,
    kernel_sets,
    kernel_verdict,
    load_generated,
    shipped_schema,
)

HERE = Path(__file__).resolve().parent
STEM = HERE / "semantics" / "semantics_messages"
BATCH = 120

# Numbers near each bound of the set, plus a few far away.
EDGES = [
    0,
    1,
    -1,
    3,
    5,
    6,
    -5,
    -6,
    7,
    9,
    10,
    14,
    0.5,
    1.5,
    0.4999,
    1.5001,
    1e-300,
    2**53 - 1,
    2**53,
    2**53 + 1,
    -(2**53 - 1),
    1e300,
    7e22,
    1e15,
    2.5,
    -0.0,
]
CHARS = "aZ0_ é😀\n\r\t\u2028\u2029\ufeff\u00a0\u3000\u0663\u180e-:.+TtZz"


def number_text(draw: st.DrawFn) -> str:
    value = draw(st.one_of(st.sampled_from(EDGES), st.integers(-20, 20), st.floats(-20, 20)))
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    spelling = draw(st.sampled_from(["int", "float", "exp"]))
    whole = int(value)
    if spelling == "int" and not (isinstance(value, float) and abs(value) >= 1e16):
        return str(whole)
    return f"{float(value)!r}" if spelling == "float" else f"{float(value):e}"


def string_text(draw: st.DrawFn) -> str:
    pieces = [
        draw(st.text(alphabet=CHARS, max_size=6)),
        draw(
            st.sampled_from(
                [
                    "2020-01-01T00:00:00Z",
                    "2020-02-30",
                    "00:00:00+0530",
                    "12345678123456781234567812345678",
                    "foo",
                    "123",
                    "abc\n",
                ]
            )
        ),
    ]
    text = json.dumps(draw(st.sampled_from(pieces)), ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 15)) == 0:  # an unpaired surrogate, as JSON.stringify writes one
        text = text[:-1] + draw(st.sampled_from(["\\ud800", "\\udfff"])) + '"'
    return text


@st.composite
def value_text(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["number", "string", "literal"] + (["array", "object"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "number":
        return number_text(draw)
    if kind == "string":
        return string_text(draw)
    if kind == "literal":
        return draw(st.sampled_from(["true", "false", "null"]))
    items = draw(st.lists(value_text(depth + 1), max_size=4))
    if kind == "array":
        return "[" + ",".join(items) + "]"
    keys = draw(
        st.lists(
            st.sampled_from(["a", "b", "value", "kids", "type", "__proto__"]),
            min_size=len(items),
            max_size=len(items),
        )
    )
    return "{" + ",".join(f'"{k}":{v}' for k, v in zip(keys, items, strict=True)) + "}"


FIELDS = {
    "Nums": ["i", "xi", "m", "big", "f", "xf", "fm", "any"],
    "Texts": ["s", "lower", "digits", "one", "space", "word", "wide", "dt", "day", "clock", "id"],
    "Lits": ["one", "few", "word", "words", "flag", "yes", "color", "level"],
    "Shapes": ["list", "pair", "dict", "maybe", "inner", "msg"],
    "Tree": ["value", "kids"],
}


@st.composite
def message_text(draw: st.DrawFn) -> tuple[str, str]:
    tag = draw(st.sampled_from(sorted(FIELDS)))
    members = [f'"type":"{tag}"']
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.sampled_from(FIELDS[tag] + ["extra"]))
        members.append(f'"{field}":{draw(value_text())}')  # repeats make duplicate keys
    if draw(st.integers(0, 20)) == 0:
        levels = draw(st.sampled_from([200, 255, 256, 257, 300]))
        members.append('"deep":' + "[" * levels + "]" * levels)
    order = draw(st.permutations(members))
    return draw(st.sampled_from(["to_kernel", "to_browser"])), "{" + ",".join(order) + "}"


@functools.cache
def sides(tmp: str) -> tuple[Any, Path | None, str]:
    module = load_generated(STEM.with_suffix(".py"), "differential_semantics")
    bundle = browser_bundle(STEM.with_suffix(".ts"), Path(tmp))
    return kernel_sets(module), bundle, shipped_schema(module)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("differential"))


@settings(
    max_examples=4,  # the first is hypothesis's simplest batch, all valid
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(message_text(), min_size=BATCH, max_size=BATCH))
def test_the_three_validators_agree(workdir: str, batch: list[tuple[str, str]]) -> None:
    kernel, bundle, schema = sides(workdir)
    if bundle is None:
        pytest.skip("node and npm ci are needed")  # make test provides both
    browser = browser_verdicts(bundle, schema, batch)
    disagreements = []
    for (direction, text), (generated, runtime) in zip(batch, browser, strict=True):
        verdicts = (kernel_verdict(kernel, direction, text) is None, generated is None)
        if len({*verdicts, runtime is None}) != 1:
            disagreements.append((direction, text[:300], verdicts, generated, runtime))
    assert disagreements == []
