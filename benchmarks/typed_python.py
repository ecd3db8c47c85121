"""Typed encode+decode in the kernel against raw msgspec and pydantic v2, in one process.

Run alone with `.venv/bin/python benchmarks/typed_python.py`; `bench.py` runs it too. Each
round encodes a message and decodes the bytes, and drops the result (decode-and-discard). The
"built in the loop" rows also build the message in each round, because that is where pydantic
validates: its `model_dump_json` trusts the model.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from typing import Annotated, Any

import msgspec

from ipycallback.typed.message_set import MessageSet
from ipycallback.typed.send_validator import strict_decoder

ROUNDS = 7


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


def _pydantic_models() -> tuple[Any, Any, Any] | None:
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

    return PQuery, PQueryResult, PHit


def _fastest_ns(fns: dict[str, Callable[[], object]], number: int) -> dict[str, float]:
    """Per-call time of each function, in rounds that alternate between them.

    A slow moment of the machine then hits every contender alike, and each keeps its fastest
    round: noise only ever adds time (timeit's own advice).
    """
    for fn in fns.values():
        timeit.timeit(fn, number=number)  # warm up every one before timing any
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(ROUNDS):
        for name, fn in fns.items():
            best[name] = min(best[name], timeit.timeit(fn, number=number) / number * 1e9)
    return best


def _measure_one(
    build: Callable[[], msgspec.Struct],
    build_model: Callable[[], Any] | None,
    typed_set: MessageSet,
    n: int,
) -> dict[str, float]:
    encoder = msgspec.json.Encoder()
    decoder = typed_set.decoder
    msg = build()

    def raw() -> None:
        decoder.decode(encoder.encode(msg))

    def typed() -> None:
        # What TypedTunnel does: the sender validates and checks JSON safety while encoding,
        # the receiver decodes and checks what it refuses.
        typed_set.receive(typed_set.encode(msg))

    # Built in the loop: pydantic validates when a model is built, msgspec when it is sent.
    def raw_built() -> None:
        decoder.decode(encoder.encode(build()))

    def typed_built() -> None:
        typed_set.receive(typed_set.encode(build()))

    # The least any validate-by-decoding sender can cost: raw plus one strict decode, with no
    # Python of ours around it.
    strict = strict_decoder(type(msg))
    assert strict is not None, "the benchmark's types all have strict twins"

    def floor() -> None:
        data = encoder.encode(msg)
        strict.decode(data)
        decoder.decode(data)

    fns: dict[str, Callable[[], object]] = {
        "raw_msgspec_ns": raw,
        "floor_ns": floor,
        "typed_ns": typed,
        "raw_msgspec_built_ns": raw_built,
        "typed_built_ns": typed_built,
    }
    if build_model is not None:
        model = type(build_model())
        instance = build_model()

        def pydantic_round() -> None:
            model.model_validate_json(instance.model_dump_json())

        def pydantic_built() -> None:
            model.model_validate_json(build_model().model_dump_json())

        fns["pydantic_ns"] = pydantic_round
        fns["pydantic_built_ns"] = pydantic_built
    return _fastest_ns(fns, n)


def measure(number: int = 20_000) -> dict[str, dict[str, float]]:
    typed_set = MessageSet([Query, QueryResult], "send")
    hits = [(f"title {i}", i / 20) for i in range(20)]
    models = _pydantic_models()
    small_model = medium_model = None
    if models is not None:
        pquery, presult, phit = models
        small_model = lambda: pquery(text="json encoder", limit=5)  # noqa: E731
        medium_model = lambda: presult(  # noqa: E731
            query="json", hits=[phit(title=t, score=s) for t, s in hits], total=20
        )
    return {
        "small": _measure_one(lambda: Query("json encoder", 5), small_model, typed_set, number),
        "medium": _measure_one(
            lambda: QueryResult("json", [Hit(t, s) for t, s in hits], 20),
            medium_model,
            typed_set,
            number // 5,
        ),
    }


def report(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| message | raw msgspec (ns) | typed (ns) | typed / raw | pydantic v2 (ns) "
        "| pydantic / typed |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for built, suffix in (("", ""), ("_built", ", built in the loop")):
        for label, row in results.items():
            raw, typed = row[f"raw_msgspec{built}_ns"], row[f"typed{built}_ns"]
            pyd = row.get(f"pydantic{built}_ns")
            lines.append(
                f"| {label}{suffix} | {raw:.0f} | {typed:.0f} | {typed / raw:.2f}x | "
                + (f"{pyd:.0f} | {pyd / typed:.1f}x |" if pyd else "n/a | n/a |")
            )
    lines += [
        "",
        "| message | raw msgspec (ns) | raw + one strict decode (ns) | that / raw | typed / that |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, row in results.items():
        raw, floor, typed = row["raw_msgspec_ns"], row["floor_ns"], row["typed_ns"]
        lines.append(
            f"| {label} | {raw:.0f} | {floor:.0f} | {floor / raw:.2f}x | {typed / floor:.2f}x |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    print(report(measure(2_000 if quick else 20_000)))
