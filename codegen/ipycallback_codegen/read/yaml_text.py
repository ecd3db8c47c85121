"""YAML declarations, read node by node: errors get line numbers, and whatever YAML would
turn into something JSON has no word for (a date, a boolean key, a repeated key) is refused."""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

from ..errors import CodegenError, pointer
from . import MAX_DEPTH, MAX_VALUES, Declaration, read_text, stem_name

# PyYAML ships no type information; what this module uses of it is typed where it is used.
yaml: Any = importlib.import_module("yaml")

_STR = "tag:yaml.org,2002:str"


def read(path: Path) -> Declaration:
    file = str(path)
    doc, lines = read_yaml(read_text(path), file)
    return Declaration(doc, file, stem_name(path), lines)


def read_yaml(text: str, file: str) -> tuple[Any, dict[str, int]]:
    """The document, and the line of every JSON pointer in it (a key's line for its value)."""
    _check_depth(text, file)
    loader = yaml.SafeLoader(text)
    lines: dict[str, int] = {}
    count = 0

    def fail(message: str, node: Any, *at: str | int) -> CodegenError:
        line = node.start_mark.line + 1
        return CodegenError(message, file=file, line=line, pointer=pointer(*at) or None)

    def convert(node: Any, at: tuple[str | int, ...], above: frozenset[int]) -> Any:
        nonlocal count
        count += 1
        if count > MAX_VALUES:
            raise fail(f"the document holds more than {MAX_VALUES} values (aliases?)", node, *at)
        if len(at) > MAX_DEPTH:  # reached through aliases
            raise fail(f"nested more than {MAX_DEPTH} levels deep", node, *at)
        lines.setdefault(pointer(*at), node.start_mark.line + 1)
        if id(node) in above:
            raise fail("a recursive YAML alias has no JSON form", node, *at)
        above = above | {id(node)}
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                    scalar = isinstance(key_node, yaml.ScalarNode)
                    key = f"the key {key_node.value!r}" if scalar else "a complex key"
                    raise fail(
                        f"YAML does not read {key} as a string "
                        "(quote it; merge keys are not supported)",
                        key_node,
                        *at,
                    )
                key = key_node.value
                if key in out:
                    raise fail(f"duplicate key {key!r}", key_node, *at, key)
                lines[pointer(*at, key)] = key_node.start_mark.line + 1
                out[key] = convert(value_node, (*at, key), above)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, (*at, i), above) for i, item in enumerate(node.value)]
        try:
            value = loader.construct_object(node)
        except yaml.YAMLError as error:
            raise fail(f"YAML cannot read this value: {error.problem}", node, *at) from None
        except ValueError as error:  # an integer of more than 4300 digits, for one
            raise fail(f"YAML cannot read this value: {error}", node, *at) from None
        if value is None or isinstance(value, (str, int)):
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        raise fail(
            f"YAML reads {node.value!r} as {type(value).__name__}, which JSON has "
            "no word for; quote it",
            node,
            *at,
        )

    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(error, "problem", None) or str(error)
            raise CodegenError(f"invalid YAML: {problem}", file=file, line=line) from None
        if root is None:
            raise CodegenError("the file is empty", file=file, line=1)
        return convert(root, (), frozenset()), lines
    finally:
        loader.dispose()


def _check_depth(text: str, file: str) -> None:
    """Refuse a document nested deeper than MAX_DEPTH before composing it: PyYAML composes
    recursively (Python's stack ends near 1000 levels), and so does `convert`."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1
                    message = f"nested more than {MAX_DEPTH} levels deep"
                    raise CodegenError(message, file=file, line=line)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # reported, with its line, when the document is composed
