"""The few vocabularies the adapters normalise: enrollment status and program type.

Every source spells status differently (CalHEERS `Effectuated`, HealthSherpa
`PendingEffectuation`, carriers `Active` or `Grace period`). Rows keep the raw word
and add the normalised one, so nothing is lost when a new word appears: an unknown word
normalises to None and the raw value still says what the file said.

The values match `openbob.book.choices` (which this package may not import: it is
pure Python below Django).
"""

from __future__ import annotations

import enum
from functools import lru_cache

from openbob.sources.schema import normalize_header


class EnrollmentStatus(enum.StrEnum):
    PENDING = "pending"
    EFFECTUATED = "effectuated"
    CANCELLED = "cancelled"
    TERMINATED = "terminated"


class Program(enum.StrEnum):
    COVERED_CALIFORNIA = "covered_california"
    MIXED_HOUSEHOLD = "mixed_household"
    MEDI_CAL = "medi_cal"


_STATUS_WORDS: dict[EnrollmentStatus, tuple[str, ...]] = {
    EnrollmentStatus.PENDING: (
        "Pending",
        "PendingEffectuation",  # HealthSherpa Clients export
        "PendingFollowups",
        "sep_docs_required",  # HealthSherpa API
        "sep_docs_under_review",
        "Unpaid binder",  # carriers
        "Binder due",
    ),
    EnrollmentStatus.EFFECTUATED: (
        "Effectuated",
        "Active",
        "Grace period",
        "Delinquent",
    ),
    EnrollmentStatus.CANCELLED: ("Cancelled", "Canceled"),
    EnrollmentStatus.TERMINATED: ("Terminated", "Inactive"),
}
_STATUS = {
    normalize_header(word): status for status, words in _STATUS_WORDS.items() for word in words
}
_PROGRAMS = {
    normalize_header("Covered California"): Program.COVERED_CALIFORNIA,
    normalize_header("Mixed Household"): Program.MIXED_HOUSEHOLD,
    normalize_header("Medi-Cal"): Program.MEDI_CAL,
}


@lru_cache(maxsize=1024)
def enrollment_status(raw: str | None) -> EnrollmentStatus | None:
    """The normalised status of a raw status word; None when blank or unknown."""
    return _STATUS.get(normalize_header(raw)) if raw else None


@lru_cache(maxsize=1024)
def program(raw: str | None) -> Program | None:
    """The normalised CalHEERS program type; None when blank or unknown."""
    return _PROGRAMS.get(normalize_header(raw)) if raw else None
