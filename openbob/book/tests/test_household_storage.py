"""How the household table is stored: its indexes, and its pages where the database lets
us choose."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="fillfactor is a PostgreSQL storage option"
)
def test_household_pages_leave_room_for_the_weekly_updates() -> None:
    """A full page forces every update to write an entry into each of the table's indexes;
    room left in the page lets most be rewritten in place (see book migration 0005)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'book_household'")
        (options,) = cursor.fetchone()
    assert "fillfactor=85" in options


def test_no_household_index_repeats_the_leading_columns_of_another() -> None:
    """Every index is written with each new row version: one whose columns begin another
    index's (a foreign key's own index, Django's `LIKE` pattern twin) only costs writes."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "book_household")
    indexes = {
        name: tuple(spec["columns"])
        for name, spec in found.items()
        if spec["index"] and not spec["primary_key"] and not spec["unique"]
    }
    assert len(indexes) >= 20
    repeats = [
        (name, other)
        for name, columns in indexes.items()
        for other, longer in indexes.items()
        if name != other and longer[: len(columns)] == columns
    ]
    assert repeats == []
