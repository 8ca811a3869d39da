"""Shared request and response shapes: bounded inputs, the error body, pagination.

Every input is bounded in the schema so that odd values end as a 422 before they reach
the database (an over-long offset or a NUL byte would otherwise crash SQLite or
PostgreSQL with a 500).
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Path, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import StringConstraints

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000_000
MAX_ID = 2**53  # JSON-safe and far inside every database's bigint

SearchText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")
]
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
IdFilter = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    """Every error body: a message, or for 422 the list of invalid fields."""

    detail: str | list[dict[str, Any]]


READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 400: ErrorOut}  # 400: not JSON


class Pagination(LimitOffsetPagination):
    """`limit` (1 to 500, default 50) and `offset`; each route orders its queryset."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
