"""HealthSherpa "Agent roster" export (CSV): one row per account in the agency hierarchy.

HealthSherpa documents the export but not its columns. OpenBoB's working model:

`First name`, `Last name`, `Email`, `NPN`, `Phone`, `License number`, `Agency name`,
`Parent agency name` (the upline agency, which carries the agency tree), `Role`,
`Status`, `Exports enabled` (Yes/No), `Enrollments` (count), `Last sign in`,
`Created at`. `Email` and `NPN` are required; a single `Agent name` column is read when
the export has no split name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openbob.sources import normalize as n
from openbob.sources.columns import Extracted
from openbob.sources.formats import FormatId, FormatSpec, MarkerGroup
from openbob.sources.rows import SourceRow
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.schema import FieldSpec as F
from openbob.sources.schema import Schema
from openbob.sources.source_file import Adapter, SourceFile, open_source

FIELDS = (
    F("first_name", "First name", n.name, ("Agent first name",)),
    F("last_name", "Last name", n.name, ("Agent last name",)),
    F("agent_name", "Agent name", n.name, ("Name", "Full name")),
    F("email", "Email", aliases=("Agent email", "Email address"), required=True),
    F("npn", "NPN", n.npn, ("National Producer Number", "Agent NPN"), required=True),
    F("phone", "Phone", n.phone, ("Phone number",)),
    F("license_number", "License number", n.identifier, ("State license number",)),
    F("agency_name", "Agency name", n.name, ("Agency",)),
    F("parent_agency_name", "Parent agency name", n.name, ("Upline agency", "Parent agency")),
    F("role", "Role"),
    F("status", "Status", aliases=("Account status",)),
    F("exports_enabled", "Exports enabled", n.flag, ("Exports allowed",)),
    F("enrollments", "Enrollments", n.integer, ("Enrollment count",)),
    F("last_sign_in", "Last sign in", n.parse_date, ("Last sign in at", "Last login")),
    F("created_at", "Created at", n.parse_date, ("Account created",)),
)
FORMAT = FormatSpec(
    FormatId.HEALTHSHERPA_ROSTER,
    Schema(FIELDS),
    (
        MarkerGroup(frozenset({"npn"}), 1),
        MarkerGroup(
            frozenset(
                {
                    "email",
                    "first_name",
                    "agent_name",
                    "role",
                    "exports_enabled",
                    "parent_agency_name",
                    "license_number",
                }
            ),
            2,
        ),
    ),
)


@dataclass(slots=True, kw_only=True)
class RosterRow(SourceRow):
    first_name: str | None
    last_name: str | None
    agent_name: str | None
    email: str | None
    npn: str | None
    phone: str | None
    license_number: str | None
    agency_name: str | None
    parent_agency_name: str | None
    role: str | None
    status: str | None
    exports_enabled: bool | None
    enrollments: int | None
    last_sign_in: date | None
    created_at: date | None


def _build(extracted: Extracted, line: int) -> RosterRow:
    return RosterRow(**extracted.values, line=line, extra=extracted.extra, errors=extracted.errors)


ADAPTER = Adapter(FORMAT, _build)


def read(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> SourceFile[RosterRow]:
    return open_source(Path(path), (ADAPTER,), limits)
