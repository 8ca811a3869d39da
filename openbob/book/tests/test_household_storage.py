"""How the household table is stored where the database lets us choose."""

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
