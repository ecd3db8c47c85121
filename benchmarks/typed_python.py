"""Typed encode+decode in the kernel against raw msgspec and pydantic v2, in one process.

Run alone with `.venv/bin/python benchmarks/typed_python.py`; `bench.py` runs it too. Each
round encodes a message and decodes the bytes, and drops the result (decode-and-discard).
"""

from __future__ import annotations

import statistics
import sys
import timeit
from collections.abc import Callable
from typing import Annotated, Any

import msgspec

from ipycallback._message_set import MessageSet


class Hit(msgspec.Struct):
    title: str
    score: float


class Query(msgspec.Struct, tag=True):
    text: str
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 5


class QueryResult(msgspec.Struct, tag=True):
    query: str
    hits: list[Hit]
    total: Annotated[int, msgspec.Meta(ge=0)]


def _pydantic_models() -> tuple[Any, Any] | None:
    try:
        from typing import Literal

        import pydantic
    except ImportError:
        return None

    class PHit(pydantic.BaseModel):
        title: str
        score: float

    class PQuery(pydantic.BaseModel):
        type: Literal["Query"] = "Query"
        text: str
        limit: Annotated[int, pydantic.Field(ge=1, le=50)] = 5

    class PQueryResult(pydantic.BaseModel):
        type: Literal["QueryResult"] = "QueryResult"
        query: str
        hits: list[PHit]
        total: Annotated[int, pydantic.Field(ge=0)]

    return PQuery, PQueryResult


def _per_op_ns(fn: Callable[[], object], number: int) -> float:
    # The median of several repeats is steadier than the best or the mean on a busy machine.
    runs = timeit.repeat(fn, number=number, repeat=7)
    return statistics.median(runs) / number * 1e9


def _measure_one(
    msg: msgspec.Struct, typed_set: MessageSet, model: Any, n: int
) -> dict[str, float]:
    encoder = msgspec.json.Encoder()
    decoder = typed_set.decoder

    def raw() -> None:
        decoder.decode(encoder.encode(msg))

    def typed() -> None:
        # What TypedTunnel does: the sender validates and checks JSON safety while encoding,
        # the receiver decodes and checks what it refuses.
        typed_set.decode(typed_set.encode(msg))

    row = {"raw_msgspec_ns": _per_op_ns(raw, n), "typed_ns": _per_op_ns(typed, n)}
    if model is not None:
        instance = model.model_validate(msgspec.to_builtins(msg))

        def pydantic_round() -> None:
            model.model_validate_json(instance.model_dump_json())

        row["pydantic_ns"] = _per_op_ns(pydantic_round, n)
    return row


def measure(number: int = 20_000) -> dict[str, dict[str, float]]:
    small = Query("json encoder", 5)
    medium = QueryResult("json", [Hit(f"title {i}", i / 20) for i in range(20)], 20)
    typed_set = MessageSet([Query, QueryResult], "send")
    models = _pydantic_models()
    return {
        "small": _measure_one(small, typed_set, models and models[0], number),
        "medium": _measure_one(medium, typed_set, models and models[1], number // 5),
    }


def report(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| message | raw msgspec (ns) | typed (ns) | typed / raw | pydantic v2 (ns) "
        "| pydantic / typed |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, row in results.items():
        raw, typed = row["raw_msgspec_ns"], row["typed_ns"]
        pyd = row.get("pydantic_ns")
        lines.append(
            f"| {label} | {raw:.0f} | {typed:.0f} | {typed / raw:.2f}x | "
            + (f"{pyd:.0f} | {pyd / typed:.1f}x |" if pyd else "n/a | n/a |")
        )
    return "\n".join(lines)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    print(report(measure(2_000 if quick else 20_000)))
