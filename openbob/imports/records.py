"""What one household looks like to the book writer, whatever file it came from.

Assemblers turn a source's typed rows into `HouseholdRecord`s: one per household key
(CalHEERS case number, FFM application id). A record always carries what every import
needs — its key, agent, fingerprint and the values change events compare — while the
rest (members, policies, PII still in the clear) is built by `details()` only for the
households that must be written. In a weekly import nine in ten households are
unchanged, and building their details would cost more than everything else together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

Value = object
FINGERPRINT_VERSION = "2"
"""Part of every fingerprint: bump it when assemblers change what they write."""


class AgentRef(NamedTuple):
    """How a row names its agent: any of these may be missing.

    A named tuple: one is made for every household of a file and looked up among the
    agents already resolved, which a tuple's C-level hash and equality make cheap."""

    license_number: str | None = None
    email: str | None = None
    npn: str | None = None
    name: str | None = None
    agency_name: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.license_number or self.email or self.npn or self.name)


@dataclass(slots=True)
class MemberRecord:
    first_name: str
    last_name: str
    dob: date | None
    ssn: str | None
    fields: dict[str, Value] = field(default_factory=dict)
    is_primary: bool = False


@dataclass(slots=True)
class Details:
    """Everything a household's rows write: household columns, members and policies.

    `household` holds only the columns the source states (a CalHEERS book says nothing
    of income, so it never clears the income HealthSherpa gave); `income` is written
    when the key is present.
    """

    household: dict[str, Value]
    members: list[MemberRecord]
    enrollments: list[dict[str, Value]]


@dataclass(slots=True)
class HouseholdRecord:
    """A household as one source states it, plus the values change events compare."""

    key: str
    key_field: str  # "case_number" or "ffm_app_id"
    lines: tuple[int, ...]
    agent: AgentRef
    state: dict[str, str | None]
    digest: str
    build: Callable[[], Details]
    _details: Details | None = None
    skimmed: tuple[Any, ...] = ()
    """The file's rows, skimmed but not typed: such a record knows its key, agent and
    fingerprint only; the writer has it typed (`BookWriter.typer`) if it must be written."""

    @property
    def line(self) -> int:
        """The household's first row in the file."""
        return self.lines[0]

    def details(self) -> Details:
        """Members, policies and household columns, built on first use."""
        if self._details is None:
            self._details = self.build()
        return self._details


def fingerprint(parts: Iterable[object]) -> str:
    """A stable 128-bit fingerprint of typed values (str, numbers, dates, Decimal, None).

    `repr` of those types is stable across processes, unlike `hash`, so fingerprints
    stored last week compare with this week's.
    """
    return _hashed(repr((FINGERPRINT_VERSION, *parts)))


def fingerprint_of_rows(digests: Sequence[str]) -> str:
    """`fingerprint(digests)` of a household's row fingerprints (hex, one at least).

    The same text, written without `repr` (a hex string's is itself in quotes): it is
    taken of every skimmed household, 200,000 times in a weekly book."""
    return _hashed(_START + "', '".join(digests) + "')")


def fingerprint_with_agent(digest: str, user_id: int | None, agency_id: int) -> str:
    """`fingerprint((digest, user_id, agency_id))`, written without `repr` as above: a
    household's fingerprint joined with the agent it resolved to."""
    return _hashed(f"{_START}{digest}', {user_id!r}, {agency_id!r})")


_START = f"({FINGERPRINT_VERSION!r}, '"


def _hashed(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def money(value: Decimal | None) -> str | None:
    """The two-decimal text the change events compare ("403.59")."""
    return None if value is None else f"{value:.2f}"
