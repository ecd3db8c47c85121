r"""Patterns both languages read: JSON Schema says a pattern is an ECMA-262 regular expression
(ajv and the runtime validator compile it with the `u` flag), msgspec compiles it with Python's
`re`. A pattern one of them cannot compile would break at run time on one side only, so it is
refused here, with its location. This is the one place for the regex dialect.

The meaning is ECMA-262's. Where Python reads the same text differently, `python_pattern`
writes it for Python: `$` becomes `\Z` (Python's `$` also matches before a final newline),
`\d` `\w` `\b` are ASCII (Python's are Unicode), `.` excludes ECMAScript's four line
terminators (Python's only `\n`), `\s` is ECMAScript's list of white space (with U+FEFF).
The runtime validator reads that spelling back (`fromPython` in frontend/src/typed/formats.ts)
to the declared meaning, so the schema the kernel ships needs no second copy of the pattern.
What cannot be written so is refused: `\D` `\W` `\S` inside `[...]`, and `\uD800`-`\uDFFF`
escapes (ECMAScript joins a pair into one code point, Python does not).

The ECMAScript side is checked by syntax, conservatively: constructs outside the common
dialect (look-behind, named groups, inline flags, possessive quantifiers, atomic groups,
Python's \A \Z, escapes the `u` flag refuses) are refused even where one engine has them.
The TypeScript emitter compiles every pattern with the real engine as well.
"""

from __future__ import annotations

import re
import warnings

# Escapes both engines read alike (ECMAScript with the `u` flag refuses other letters).
_CLASS_ESCAPES = set("dDsSwW")
_CONTROL_ESCAPES = set("fnrtv")
_SYNTAX = set("^$\\.*+?()[]{}|/")
_GROUP_STARTS = ("(?:", "(?=", "(?!")
# ECMAScript's \s: WhiteSpace and LineTerminator (ECMA-262, 22.2.2.9), as a Python class body.
_ECMA_SPACE = (
    "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
_IN_CLASS = {"d": "0-9", "w": "A-Za-z0-9_", "s": _ECMA_SPACE}
_OUTSIDE = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": "[A-Za-z0-9_]",
    "W": "[^A-Za-z0-9_]",
    "s": f"[{_ECMA_SPACE}]",
    "S": f"[^{_ECMA_SPACE}]",
    # ASCII word boundaries, in look-arounds that the runtime validator's fromPython keeps.
    "b": "(?:(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]))",
    "B": "(?:(?<=[A-Za-z0-9_])(?=[A-Za-z0-9_])|(?<![A-Za-z0-9_])(?![A-Za-z0-9_]))",
}


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is not a regular expression both sides compile alike, or None."""
    problem = _ecmascript_problem(pattern)
    if problem is not None:
        return problem
    for text in (pattern, python_pattern(pattern)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # FutureWarning: a construct that will change
                re.compile(text)
        except (re.error, FutureWarning, RecursionError, OverflowError) as error:
            return f"Python cannot compile the pattern {text!r}: {error}"
    return None


def python_pattern(pattern: str) -> str:
    """`pattern` (ECMA-262, accepted by pattern_problem) written for Python's `re.search`."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            length = _escape_length(pattern, index)
            follow = pattern[index + 1 : index + 2]
            table = _IN_CLASS if in_class else _OUTSIDE
            out.append(table.get(follow, pattern[index : index + length]))
            index += length
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            start = 2 if pattern.startswith("[^", index) else 1
            out.append(pattern[index : index + start])
            index += start
            continue
        elif char == "$":
            char = "\\Z"
        elif char == ".":
            char = "[^\\n\\r\\u2028\\u2029]"
        out.append(char)
        index += 1
    return "".join(out)


def _ecmascript_problem(pattern: str) -> str | None:
    index, depth, in_class = 0, 0, False
    previous_quantifiable = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            problem = _escape_problem(pattern, index, in_class)
            if problem:
                return problem
            index += _escape_length(pattern, index)
            previous_quantifiable = True
            continue
        if in_class:
            in_class = char != "]"
            previous_quantifiable = not in_class  # a class, once closed, can repeat
            index += 1
            continue
        if char == "[":
            in_class = True
            index += 2 if pattern.startswith("[^", index) else 1
            if index < len(pattern) and pattern[index] == "]":
                index += 1  # "[]" is a class of "]" in Python and matches nothing in JS
                return "an empty character class `[]` reads differently in the two languages"
            continue
        if char == "(":
            if pattern.startswith("(?", index) and not pattern.startswith(_GROUP_STARTS, index):
                found = pattern[index : index + 4]
                return (
                    f"the group `{found}...` is not in the dialect both languages share "
                    "(look-behind, named groups, inline flags, atomic groups, comments)"
                )
            depth += 1
            index += 3 if pattern.startswith(_GROUP_STARTS, index) else 1
            previous_quantifiable = False
            continue
        if char == ")":
            depth -= 1
            previous_quantifiable = True
        elif char in "*+?" or (char == "{" and _quantifier_end(pattern, index)):
            if not previous_quantifiable:
                return f"nothing to repeat before {char!r} at {index}"
            end = _quantifier_end(pattern, index) if char == "{" else index + 1
            if end < len(pattern) and pattern[end] == "?":
                end += 1  # lazy
            if end < len(pattern) and pattern[end] == "+":
                return "possessive quantifiers (`a++`) are Python-only"
            index = end
            previous_quantifiable = False
            continue
        elif char in "{}]":
            return f"a literal {char!r} must be escaped (`\\{char}`) for ECMAScript's `u` flag"
        else:
            previous_quantifiable = char not in "|^$"
        index += 1
    return None


def _quantifier_end(pattern: str, index: int) -> int:
    """The index after `{n}`, `{n,}` or `{n,m}` at `index`, or 0 if it is not one."""
    found = re.compile(r"\{\d+(,\d*)?\}").match(pattern, index)
    return found.end() if found else 0


def _escape_length(pattern: str, index: int) -> int:
    follow = pattern[index + 1 : index + 2]
    if follow == "x":
        return 4
    if follow == "u":
        return 6
    return 2


def _escape_problem(pattern: str, index: int, in_class: bool) -> str | None:
    follow = pattern[index + 1 : index + 2]
    if not follow:
        return "the pattern ends with a lone backslash"
    if follow in "DWS" and in_class:
        return (
            f"`\\{follow}` inside `[...]` has no Python spelling with ECMAScript's meaning; "
            "write the class out"
        )
    if follow in _CLASS_ESCAPES or follow in _CONTROL_ESCAPES or follow in _SYNTAX:
        return None
    if follow in "bB" and not in_class:
        return None
    if follow == "-" and in_class:
        return None
    if follow == "x" and re.compile(r"[0-9A-Fa-f]{2}").match(pattern, index + 2):
        return None
    if follow == "u" and re.compile(r"[0-9A-Fa-f]{4}").match(pattern, index + 2):
        if 0xD800 <= int(pattern[index + 2 : index + 6], 16) <= 0xDFFF:
            return (
                f"the surrogate escape `{pattern[index : index + 6]}`: ECMAScript joins a pair "
                "into one code point, Python does not; write the character itself"
            )
        return None
    return (
        f"the escape `\\{follow}` is not in the dialect both languages share "
        "(ECMAScript's `u` flag or Python refuses it, or reads it differently)"
    )
