"""Patterns both languages read: JSON Schema says a pattern is an ECMA-262 regular expression
(ajv compiles it with the `u` flag), msgspec compiles it with Python's `re`. A pattern one of
them cannot compile would break at run time on one side only, so it is refused here, with its
location. This is the one place for the regex dialect: where the two read the same text
differently, rules belong here too.

The ECMAScript side is checked by syntax, conservatively: constructs outside the common
dialect (look-behind, named groups, inline flags, possessive quantifiers, atomic groups,
Python's \\A \\Z, escapes the `u` flag refuses) are refused even where one engine has them.
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


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is not a regular expression both sides compile alike, or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # FutureWarning: a construct that will change
            re.compile(pattern)
    except (re.error, FutureWarning, RecursionError, OverflowError) as error:
        return f"Python cannot compile the pattern {pattern!r}: {error}"
    return _ecmascript_problem(pattern)


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
    if follow in _CLASS_ESCAPES or follow in _CONTROL_ESCAPES or follow in _SYNTAX:
        return None
    if follow in "bB" and not in_class:
        return None
    if follow == "-" and in_class:
        return None
    if follow == "x" and re.compile(r"[0-9A-Fa-f]{2}").match(pattern, index + 2):
        return None
    if follow == "u" and re.compile(r"[0-9A-Fa-f]{4}").match(pattern, index + 2):
        return None
    return (
        f"the escape `\\{follow}` is not in the dialect both languages share "
        "(ECMAScript's `u` flag or Python refuses it, or reads it differently)"
    )
