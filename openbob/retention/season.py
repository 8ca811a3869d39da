"""Renewal season: when cases are created, and for which plan year.

Season for plan year Y opens on `OPENBOB_RETENTION_SEASON_OPENS` (month-day, default
10-01, Covered California's renewal notices) of Y and runs to the end of open
enrollment, January 31 of Y+1. Cases created in it are about renewing Y into Y+1.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

OPEN_ENROLLMENT_ENDS = (1, 31)


def opens_on(year: int) -> date:
    """The day renewal season of plan year `year` opens (the setting, validated)."""
    raw = str(getattr(settings, "OPENBOB_RETENTION_SEASON_OPENS", "10-01"))
    try:
        month, day = (int(part) for part in raw.split("-"))
        return date(year, month, day)
    except ValueError as exc:
        message = f"OPENBOB_RETENTION_SEASON_OPENS must be MM-DD, not {raw!r}"
        raise ImproperlyConfigured(message) from exc


def plan_year_in_season(today: date) -> int | None:
    """The plan year whose renewal season `today` falls in, or None between seasons."""
    if today >= opens_on(today.year):
        return today.year
    if today <= date(today.year, *OPEN_ENROLLMENT_ENDS):
        return today.year - 1
    return None
