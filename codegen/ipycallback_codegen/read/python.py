"""Python declarations (a module of msgspec Structs) to a JSON Schema declaration.

msgspec writes the JSON Schema (through the runtime's `ipycallback.schema`, so the generator
sees a type as the runtime does); this module repairs what that schema loses (enum and Literal
order), and refuses what JSON would change (non-string dict keys, defaults with no JSON form).
Normalising and checking are the same as for every format (`declaration.load_declaration`).
"""

from __future__ import annotations

import ast
import enum
import hashlib
import importlib.util
import json
import re
import sys
import traceback
import types
import typing
from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as mi

from ipycallback.schema import schema_components, type_children

from ..errors import CodegenError, pointer
from . import Declaration, read_text, stem_name

Struct = type[msgspec.Struct]
# The request/reply pairs a module may declare: the page asks, and the kernel asks.
_PAIRS = (("REPLIES", "replies"), ("ASKS", "asks"))


def read(path: Path) -> Declaration:
    file = str(path)
    read_text(path)  # UTF-8 and not too large, or refused with a line, before it runs
    module = _run(path)
    lines = _lines(path)
    empty = Declaration(None, file, stem_name(path), lines, pointer_is_internal=True)
    try:
        doc = _Reader(module, file).doc()
    except CodegenError as error:
        raise empty.locate(error) from None
    finally:
        sys.modules.pop(module.__name__, None)
    return Declaration(doc, file, empty.default_name, empty.lines, pointer_is_internal=True)


def _run(path: Path) -> types.ModuleType:
    """Execute the declaration as a module: it is the user's own code, as a script would be."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    module_name = f"_ipycallback_declaration_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise CodegenError("cannot load this file as a Python module", file=str(path))
    module = importlib.util.module_from_spec(spec)
    # msgspec resolves string annotations through sys.modules, and siblings import as in a script.
    sys.modules[module_name] = module
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit too: a declaration cannot end the command
        sys.modules.pop(module_name, None)
        line = getattr(error, "lineno", None) if isinstance(error, SyntaxError) else None
        for frame in traceback.extract_tb(error.__traceback__):
            if Path(frame.filename).resolve() == path.resolve():
                line = frame.lineno
        raise CodegenError(
            f"running the declaration failed: {type(error).__name__}: {error}",
            file=str(path),
            line=line,
        ) from error
    finally:
        if str(path.parent) in sys.path:
            sys.path.remove(str(path.parent))
    return module


def _lines(path: Path) -> dict[str, int]:
    """Lines of the module-level names and of each class and its fields, by JSON pointer."""
    tree = ast.parse(read_text(path))
    where = {
        "TO_KERNEL": "/x-ipycallback/toKernel",
        "TO_BROWSER": "/x-ipycallback/toBrowser",
        "REPLIES": "/x-ipycallback/replies",
        "ASKS": "/x-ipycallback/asks",
        "NAME": "/x-ipycallback/name",
    }
    lines: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            lines[pointer("$defs", node.name)] = node.lineno
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    lines[pointer("$defs", node.name, "properties", item.target.id)] = item.lineno
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id in where:
                lines[where[target.id]] = node.lineno
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    _no_repeated_keys(node.value, target.id, path)
    return lines


def _no_repeated_keys(value: ast.expr | None, variable: str, path: Path) -> None:
    """A dict literal keeps the last of two equal keys: one request's reply would vanish."""
    if not isinstance(value, ast.Dict):
        return
    seen: set[str] = set()
    for key in value.keys:
        if key is None:  # `**other`: its keys are only known when the module runs
            continue
        spelled = ast.unparse(key)
        if spelled in seen:
            raise CodegenError(
                f"{variable}: {spelled} is given a reply twice", file=str(path), line=key.lineno
            )
        seen.add(spelled)


class _Reader:
    def __init__(self, module: types.ModuleType, file: str) -> None:
        self.module = module
        self.file = file

    def fail(self, message: str, *at: str | int) -> CodegenError:
        return CodegenError(message, file=self.file, pointer=pointer(*at) or None)

    def messages(self, variable: str, meaning: str) -> list[Struct]:
        at = ("x-ipycallback", "toKernel" if variable == "TO_KERNEL" else "toBrowser")
        value = getattr(self.module, variable, None)
        if value is None:
            raise self.fail(f"declare {variable} = A | B, {meaning}", *at)
        if typing.get_origin(value) in (typing.Union, types.UnionType):
            value = typing.get_args(value)
        classes = list(value) if isinstance(value, (list, tuple)) else [value]
        for cls in classes:
            if not (isinstance(cls, type) and issubclass(cls, msgspec.Struct)):
                raise self.fail(f"{variable}: {cls!r} is not a msgspec.Struct class", *at)
            tag = cls.__struct_config__.tag
            if not isinstance(tag, str):
                raise self.fail(
                    f"{cls.__name__} needs a string tag: "
                    f"class {cls.__name__}(msgspec.Struct, tag=True)",
                    *at,
                )
        return classes

    def doc(self) -> dict[str, Any]:
        to_kernel = self.messages("TO_KERNEL", "the messages the browser sends")
        to_browser = self.messages("TO_BROWSER", "the messages the kernel sends")
        messages = list(dict.fromkeys(to_kernel + to_browser))
        tag_fields = {str(cls.__struct_config__.tag_field) for cls in messages}
        if len(tag_fields) != 1:
            first = str(messages[0].__struct_config__.tag_field)
            other = next(c for c in messages if c.__struct_config__.tag_field != first)
            raise self.fail(
                f"all messages must share one tag field, not {sorted(tag_fields)}: "
                f"{other.__name__} has {other.__struct_config__.tag_field!r}, "
                f"{messages[0].__name__} {first!r}",
                "$defs",
                other.__name__,
            )
        try:
            classes = _classes(messages)
        except (TypeError, ValueError, re.error) as error:
            raise self.unsupported(error) from None
        except RecursionError:
            # msgspec reads types recursively: a chain of a few hundred Structs, each holding
            # the next, is deeper than Python's stack (and than the check would allow).
            raise self.fail(
                "the messages' types nest too deeply to read (Structs holding Structs, "
                "hundreds deep)",
                "x-ipycallback",
                "toKernel",
            ) from None
        for cls in classes:
            if not isinstance(cls, type):  # Box[int] of a generic Box
                origin = typing.get_origin(cls) or cls
                shown = repr(cls).replace(f"{self.module.__name__}.", "")
                raise self.fail(
                    f"generic Structs are not supported ({shown}): declare a Struct for each use",
                    "$defs",
                    getattr(origin, "__name__", repr(origin)),
                )
        seen: dict[str, type] = {}
        for cls in classes:
            if cls.__name__ in seen:
                raise self.fail(
                    f"duplicate name {cls.__name__}: "
                    f"{cls.__qualname__} and {seen[cls.__name__].__qualname__}",
                    "$defs",
                    cls.__name__,
                )
            seen[cls.__name__] = cls
        try:
            refs, components = schema_components(classes)
        except (TypeError, ValueError, re.error) as error:
            raise self.unsupported(error) from None
        # Plain JSON from here: a tuple default becomes a list (NaN stays, to be refused).
        components = json.loads(json.dumps(components))
        name_of = {c: r["$ref"].rpartition("/")[2] for c, r in zip(classes, refs, strict=True)}
        for cls in classes:
            schema = components[name_of[cls]]
            if issubclass(cls, enum.Enum):
                schema["enum"] = [member.value for member in cls]  # msgspec sorts them
            elif issubclass(cls, msgspec.Struct):
                self.repair(cls, name_of[cls], schema)
        # $defs in declared order: where each class first appears in the module, then the rest
        # (types from other modules) in the order msgspec found them.
        rank: dict[type, int] = {}
        for value in vars(self.module).values():
            if isinstance(value, type):
                rank.setdefault(value, len(rank))
        ordered = sorted(classes, key=lambda c: rank.get(c, len(rank)))
        pairs = {key: self.pairs(variable, key, name_of) for variable, key in _PAIRS}
        meta: dict[str, Any] = {
            "tagField": tag_fields.pop(),
            "toKernel": [name_of[c] for c in to_kernel],
            "toBrowser": [name_of[c] for c in to_browser],
            **pairs,
        }
        if hasattr(self.module, "NAME"):
            meta = {"name": self.module.NAME, **meta}
        return {
            "x-ipycallback": meta,
            "$defs": {name_of[c]: components[name_of[c]] for c in ordered},
        }

    def pairs(self, variable: str, key: str, name_of: dict[Any, str]) -> dict[str, str]:
        """REPLIES (the page asks) or ASKS (the kernel asks): {Request: Reply}."""
        pairs = getattr(self.module, variable, {})
        if not isinstance(pairs, dict):
            raise self.fail(f"{variable} must be a dict: {{Request: Reply}}", "x-ipycallback", key)
        return {name_of.get(q, repr(q)): name_of.get(r, repr(r)) for q, r in pairs.items()}

    def unsupported(self, error: Exception) -> CodegenError:
        """msgspec's refusal, at the first field it refuses on its own."""
        message = str(error).replace(f"{self.module.__name__}.", "")
        if isinstance(error, re.error):
            message = f"Python cannot compile a pattern: {message}"
        refused = (TypeError, ValueError, re.error)
        for value in vars(self.module).values():
            if isinstance(value, type) and issubclass(value, msgspec.Struct):
                try:
                    fields = msgspec.structs.fields(value)
                except refused:
                    return self.fail(f"msgspec cannot describe {value.__name__}: {message}",
                                     "$defs", value.__name__)  # fmt: skip
                for field in fields:
                    try:
                        msgspec.json.schema(field.type)
                    except refused:
                        at = ("$defs", value.__name__, "properties", field.encode_name)
                        return self.fail(f"msgspec cannot describe this type: {message}", *at)
        return self.fail(f"msgspec cannot describe these types: {message}")

    def repair(self, cls: Struct, name: str, schema: dict[str, Any]) -> None:
        if cls.__struct_config__.array_like:
            raise self.fail(f"{cls.__name__}: array_like Structs are not supported", "$defs", name)
        props = schema.get("properties", {})
        for field in msgspec.structs.fields(cls):
            at = ("$defs", name, "properties", field.encode_name)
            prop = props[field.encode_name]
            # UNSET: absent from the JSON while unset, which the IR says by neither requiring
            # the property nor giving it a default.
            has_default = field.default not in (msgspec.NODEFAULT, msgspec.UNSET)
            has_factory = field.default_factory is not msgspec.NODEFAULT
            if (has_default or has_factory) and "default" not in prop:
                raise self.fail(
                    f"the default of {cls.__name__}.{field.name} has no JSON form; "
                    "use a literal default (an empty list or dict is fine)",
                    *at,
                )
            _restore_literal_order(prop, list(_literals(field.type)))
            for info in _walk(mi.type_info(field.type)):
                if isinstance(info, mi.DictType) and not isinstance(info.key_type, mi.StrType):
                    raise self.fail("dict keys must be str: JSON object keys are strings", *at)


def _classes(messages: list[Struct]) -> list[type]:
    """The messages, then every Struct and Enum they reach, in the order msgspec finds them."""
    found: list[type] = list(messages)
    for info in _walk(*mi.multi_type_info(messages)):
        if isinstance(info, (mi.StructType, mi.EnumType)) and info.cls not in found:
            found.append(info.cls)
    return found


def _walk(*roots: mi.Type) -> typing.Iterator[mi.Type]:
    seen: set[type] = set()
    stack = list(reversed(roots))
    while stack:
        info = stack.pop()
        yield info
        if isinstance(info, mi.StructType):
            if info.cls in seen:
                continue
            seen.add(info.cls)
            stack.extend(reversed([f.type for f in info.fields]))
        stack.extend(reversed(type_children(info)))


def _literals(annotation: Any) -> typing.Iterator[tuple[Any, ...]]:
    if typing.get_origin(annotation) is typing.Literal:
        yield typing.get_args(annotation)
        return
    for arg in typing.get_args(annotation):
        if not isinstance(arg, msgspec.Meta):
            yield from _literals(arg)


def _json_texts(values: Any) -> set[str]:
    """Values as JSON texts, which are equal when the values are (`true` is not `1`): a set
    compares thousands of them in linear time."""
    return {json.dumps(value, sort_keys=True) for value in values}


def _restore_literal_order(schema: Any, literals: list[tuple[Any, ...]]) -> None:
    """msgspec sorts Literal values; declared order is part of the meaning."""
    if isinstance(schema, list):
        for item in schema:
            _restore_literal_order(item, literals)
    if not isinstance(schema, dict):
        return
    values = schema.get("enum")
    for declared in literals:
        if (
            isinstance(values, list)
            and len(values) == len(declared)
            and _json_texts(values) <= _json_texts(declared)
        ):
            schema["enum"] = list(declared)
    for key, child in schema.items():
        if key not in ("enum", "default", "const"):
            _restore_literal_order(child, literals)
