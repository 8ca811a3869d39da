"""The known layouts, and what detection reports about a file.

A layout is recognised by the headers it carries, never by the file's name: files get
renamed, and the vendors' names carry dates and agent names. Each `FormatSpec` says
which of its fields mark it (`MarkerGroup`s: at least `minimum` of these fields must be
present) so that a carrier file with `first_name` and `dob` is not mistaken for a
HealthSherpa export, while a HealthSherpa export missing one required column is still
recognised and then refused with that column named.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from openbob.sources.schema import Schema


class FormatId(enum.StrEnum):
    CALHEERS_BOOK = "calheers_book_of_business"
    HEALTHSHERPA_ENROLLMENTS = "healthsherpa_enrollments"
    HEALTHSHERPA_CLIENTS = "healthsherpa_clients"
    HEALTHSHERPA_AOR_AT_RISK = "healthsherpa_aor_at_risk"
    HEALTHSHERPA_EDE_LOST = "healthsherpa_ede_permission_lost"
    HEALTHSHERPA_DMI = "healthsherpa_dmi_followups"
    HEALTHSHERPA_SVI = "healthsherpa_svi_followups"
    HEALTHSHERPA_ROSTER = "healthsherpa_agent_roster"
    GENERIC = "generic"


class FileKind(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class MarkerGroup:
    fields: frozenset[str]
    minimum: int


@dataclass(frozen=True, slots=True)
class FormatSpec:
    """A layout: its schema and the marker groups that must all be satisfied."""

    id: FormatId
    schema: Schema
    markers: tuple[MarkerGroup, ...]

    def score(self, keys: list[str]) -> int | None:
        """How many of its fields these normalised headers name, or None when it is not
        this layout."""
        hits = self.schema.hits(keys)
        if all(len(hits & group.fields) >= group.minimum for group in self.markers):
            return len(hits)
        return None


@dataclass(frozen=True, slots=True)
class DetectedFormat:
    """What a file is and where its header is. `header_row` is 1-based."""

    format: FormatId
    kind: FileKind
    header_row: int
    headers: tuple[str, ...]
    encoding: str | None
    delimiter: str | None
