"""Property: any valid kernel message passes the browser's validator and comes back equal.

The browser side is the real validator (frontend/src/typed/validate.ts), run by node over a
line protocol, against the JSON Schema the kernel ships to the browser.
"""

from __future__ import annotations

import datetime
import enum
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipycallback.typed.message_set import MessageSet, browser_schema

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "build" / "tools" / "validate-stdin.mjs"
SAFE = 2**53 - 1


class Mode(enum.Enum):
    FAST = "fast"
    EXACT = "exact"


class Hit(msgspec.Struct):
    title: str
    score: float
    rank: Annotated[int, msgspec.Meta(ge=0)]


class Query(msgspec.Struct, tag=True):
    text: str
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10


class QueryResult(msgspec.Struct, tag=True):
    query: Annotated[str, msgspec.Meta(max_length=40)]
    hits: list[Hit]
    mode: Mode = Mode.FAST
    at: datetime.datetime | None = None
    counts: dict[str, int] = {}
    note: str | None = None
    pair: tuple[int, str] = (0, "")


class Stop(msgspec.Struct, tag=True):
    reason: str | None = None


TO_BROWSER = MessageSet([QueryResult, Stop], "send")
TO_KERNEL = MessageSet([Query], "receive")

safe_ints = st.integers(-SAFE, SAFE)
finite = st.floats(allow_nan=False, allow_infinity=False)
aware = st.datetimes(
    timezones=st.sampled_from(
        [datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=-5))]
    )
)
hits = st.builds(Hit, title=st.text(), score=finite, rank=st.integers(0, SAFE))
results = st.builds(
    QueryResult,
    query=st.text(max_size=40),
    hits=st.lists(hits, max_size=5),
    mode=st.sampled_from(Mode),
    at=st.none() | aware,
    counts=st.dictionaries(st.text(max_size=8), safe_ints, max_size=4),
    note=st.none() | st.text(),
    pair=st.tuples(safe_ints, st.text(max_size=5)),
)
messages = results | st.builds(Stop, reason=st.none() | st.text())


class BrowserValidator:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not installed")  # make test installs it; plain pytest may not
        subprocess.run([node, "frontend/build.mjs", "--tests"], cwd=ROOT, check=True)
        schema = json.loads(browser_schema(TO_KERNEL, TO_BROWSER, {}))
        self._proc = subprocess.Popen(
            [node, str(TOOL)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._send({"schema": schema["toBrowser"], "$defs": schema["$defs"]})

    def _send(self, value: Any) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(value) + "\n")
        self._proc.stdin.flush()

    def check(self, text: str) -> dict[str, Any]:
        self._send(text)
        assert self._proc.stdout is not None
        result: dict[str, Any] = json.loads(self._proc.stdout.readline())
        return result

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(10)


@pytest.fixture(scope="module")
def browser_validator() -> Iterator[BrowserValidator]:
    validator = BrowserValidator()
    yield validator
    validator.close()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(msg=messages)
def test_valid_messages_survive_the_browser_validator(
    browser_validator: BrowserValidator, msg: msgspec.Struct
) -> None:
    text = TO_BROWSER.encode(msg)
    result = browser_validator.check(text)
    assert result["ok"], (text, result)
    back = TO_BROWSER.decoder.decode(json.dumps(result["echo"]))
    assert back == msg


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        (
            {"type": "QueryResult", "query": "q", "hits": [{"title": "t", "score": 1, "rank": -1}]},
            "$.hits[0].rank",
        ),
        ({"type": "QueryResult", "query": "x" * 41, "hits": []}, "$.query"),
        ({"type": "QueryResult", "query": "q", "hits": [], "mode": "slow"}, "$.mode"),
        ({"type": "QueryResult", "query": "q", "hits": [], "at": "2026-01-01T00:00:00"}, "$.at"),
        ({"type": "QueryResult", "query": "q", "hits": [], "counts": {"a": 2**60}}, "$.counts.a"),
        ({"type": "Nope"}, "$.type"),
        ({"query": "q", "hits": []}, "$"),
    ],
)
def test_both_sides_reject_the_same_bad_messages(
    browser_validator: BrowserValidator, payload: dict[str, Any], path: str
) -> None:
    text = json.dumps(payload)
    result = browser_validator.check(text)
    assert not result["ok"], result
    assert result["path"].startswith(path), result
    if "2026-01-01T00:00:00" in text or 2**60 in payload.get("counts", {}).values():
        return  # Python accepts naive datetimes and big ints; the sender refuses them instead
    with pytest.raises(msgspec.ValidationError):
        TO_BROWSER.decoder.decode(text)
