"""A declared pattern means what ECMA-262 says on all three sides: ajv's RegExp (`u` flag),
msgspec's `re.search` on the pattern as the generated Python writes it, and the runtime
validator's RegExp of that spelling read back (fromPython). Constructs that cannot be written
for Python with the same meaning are refused, with a reason."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ipycallback_codegen.check.patterns import pattern_problem, python_pattern

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = [
    r"^[a-z]+$", r"^\d+$", r"^.$", r"\s", r"^\S+$", r"\bfoo\b", r"^\w+$", r"^[\d\s]+$",
    r"^[^\w]$", r"a.c", r"^(?:ab|cd)*$", r"\W", r"\D", r"^x\B", r"^a{2,3}$", r"[\u00e9-\u00ff]",
    r"^[^.]+$", r"^\$\d", r"^(a|b)?c$", r"x$|^y", r"^[\w.-]+@[\w-]+$", r"\.\*", r"^(?=a).b$",
    r"^(?!a)..$", r"^\x41\u0042$", r"[$]$", r"^\t\n\r\f\v$", r"😀.",
]  # fmt: skip
TEXTS = [
    "abc", "abc\n", "a\nc", "a\rc", "a\u2028c", "a\u2029c", "\u0663", "12", "x y", "\ufeff",
    "\u00a0", "é", "foo bar", "fooé", "éfoo", "_", "\u1680", "aé", "😀", "😀x", "😀\n", "a", "",
    "ab", "aaa", "\x0b", "$1", "x\n", "y", "a.b@c-d", ".*", "AB", "\t\n\r\x0c\x0b", "c", "ac",
    "bc", "$", "x$", "\u3000", "\u200b", "\u180e", "b", "ba",
]  # fmt: skip
REFUSED = {
    r"\cC": "`\\c`",
    r"\p{L}": "`\\p`",
    r"\p{Letter}": "`\\p`",
    r"(?<=a)b": "look-behind",
    r"(?<n>a)": "named groups",
    r"^[\S]$": "`\\S` inside",
    r"[\D]": "`\\D` inside",
    r"\ud83d\ude00": "surrogate escape",
    r"(?i)a": "inline flags",
    r"a++": "possessive",
    r"\Z": "`\\Z`",
    r"(a)\1": "`\\1`",
    r"\u{1F600}": "`\\u`",
    r"a{": "literal '{'",
}


def test_refused_constructs_say_why() -> None:
    for pattern, reason in REFUSED.items():
        problem = pattern_problem(pattern)
        assert problem is not None, pattern
        assert reason in problem, (pattern, problem)


def test_every_side_reads_a_pattern_as_ecmascript(tmp_path: Path) -> None:
    node, esbuild = shutil.which("node"), ROOT / "node_modules" / ".bin" / "esbuild"
    if node is None or not esbuild.exists():
        pytest.skip("node and npm ci are needed")  # make test provides both
    for pattern in PATTERNS:
        assert pattern_problem(pattern) is None, pattern
    bundle = tmp_path / "formats.mjs"
    subprocess.run(
        [str(esbuild), str(ROOT / "frontend" / "src" / "typed" / "formats.ts"), "--bundle",
         "--format=esm", "--platform=node", f"--outfile={bundle}", "--log-level=warning"],
        check=True,
    )  # fmt: skip
    script = (
        f"import {{ fromPython }} from {json.dumps(bundle.as_uri())};\n"
        "const [cases, texts] = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(cases.map(([p, py]) => texts.map((t) =>"
        " [new RegExp(p, 'u').test(t), new RegExp(fromPython(py), 'u').test(t)]))));"
    ).replace("require('fs')", "(await import('node:fs'))")
    cases = [(p, python_pattern(p)) for p in PATTERNS]
    done = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps([cases, TEXTS]),
        capture_output=True,
        text=True,
        check=True,
    )
    differences = []
    for (pattern, written), row in zip(cases, json.loads(done.stdout), strict=True):
        for text, (ecma, runtime) in zip(TEXTS, row, strict=True):
            python = re.search(written, text) is not None
            if not ecma == runtime == python:
                differences.append((pattern, written, text, ecma, runtime, python))
    assert differences == []
