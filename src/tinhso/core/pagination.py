"""The API's one pagination: limit and offset, bounded.

Bounds the databases can take: at most 1,000 items a page, and an offset below a billion
(SQLite refuses integers past 2**63, and no list here is that long). Out of bounds is a
422 with the field named, not a server error."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000


class BoundedPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
