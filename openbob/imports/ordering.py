"""The order in which a set of files is imported so that change events come out right.

Rosters first (agents exist before books name them), books next (flag events are only
reported for households in both weeks' book), flag files last; by as-of week first when
files of several weeks are given together (their folder or name carries the date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path

from openbob.lib.weeks import PACIFIC
from openbob.sources.detect import detect
from openbob.sources.errors import SourceError
from openbob.sources.formats import FormatId

RANK = {
    FormatId.HEALTHSHERPA_ROSTER: 0,
    FormatId.CALHEERS_BOOK: 1,
    FormatId.HEALTHSHERPA_ENROLLMENTS: 2,
    FormatId.HEALTHSHERPA_CLIENTS: 3,
    FormatId.GENERIC: 4,
}
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def _rank(path: Path) -> int:
    try:
        return RANK.get(detect(path).format, 5)
    except SourceError:
        return 9  # imported last, where it is rejected with its own clear error


def _week(path: Path) -> str:
    found = _DATE.search(str(path))
    return "".join(found.groups()) if found else ""


def import_order(paths: Iterable[Path]) -> list[Path]:
    """`paths` sorted by week (when the path names one), then by kind of file."""
    return sorted(paths, key=lambda p: (_week(p), _rank(p), p.name))


def path_as_of(path: Path) -> datetime | None:
    """The snapshot time (21:00 Pacific) of a date named in the path, if any.

    Only an as-of fallback for CSV exports, which do not state when they were made; the
    format itself is always detected from the headers.
    """
    found = _DATE.search(str(path))
    if not found:
        return None
    try:
        day = date(*(int(part) for part in found.groups()))
    except ValueError:
        return None
    return datetime.combine(day, time(21, 0), tzinfo=PACIFIC)
