"""The search message set: the browser asks, the kernel answers."""

from __future__ import annotations

import enum
from typing import Annotated

import msgspec

NAME = "search"


class SearchMode(enum.Enum):
    """How the query text is matched against titles."""

    PREFIX = "prefix"
    SUBSTRING = "substring"


class Query(msgspec.Struct, tag=True):
    """Look up `text`; a newer Query supersedes an older one."""

    text: Annotated[str, msgspec.Meta(description="What to look for.")]
    limit: Annotated[int, msgspec.Meta(ge=1, le=50, description="At most this many hits.")] = 5
    mode: SearchMode = SearchMode.SUBSTRING


class Stop(msgspec.Struct, tag=True):
    """Stop searching and clear the results."""


class Hit(msgspec.Struct):
    """One search result."""

    title: str
    score: Annotated[float, msgspec.Meta(ge=0, le=1, description="Relevance, 1 is best.")]
    tags: list[str] = []


class QueryResult(msgspec.Struct, tag=True):
    """The hits for one Query."""

    query: Annotated[str, msgspec.Meta(description="The text that was searched for.")]
    hits: list[Hit]
    total: Annotated[int, msgspec.Meta(ge=0)]
    took_ms: Annotated[float, msgspec.Meta(ge=0)]


TO_KERNEL = Query | Stop
TO_BROWSER = QueryResult
REPLIES = {Query: QueryResult}
