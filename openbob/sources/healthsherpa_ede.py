"""HealthSherpa "EDE permission lost clients" export (CSV), agent and agency versions.

HealthSherpa documents the export (submissions with no active EDE connection: imported
without EDE permission, or another agent acted on another EDE platform, a potential AOR
swap outside HealthSherpa) but not its columns. OpenBoB's working model, until a real
file shows otherwise:

`Client name`, `Federal Exchange ID`, `Client Details Page URL`, `Plan year`,
`Policy status`, `EDE permission lost at`, `Last synced at`, and in the agency version
`Agency name`, `Agent name`, `Agent email address`. Only `Federal Exchange ID` is
required; `EDE permission lost at` marks the layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openbob.sources import healthsherpa_common as common
from openbob.sources import normalize as n
from openbob.sources.columns import Extracted
from openbob.sources.formats import FormatId, FormatSpec, MarkerGroup
from openbob.sources.rows import SourceRow
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.schema import FieldSpec as F
from openbob.sources.schema import Schema
from openbob.sources.source_file import Adapter, SourceFile, open_source
from openbob.sources.vocab import EnrollmentStatus, enrollment_status

FIELDS = (
    common.CLIENT_NAME,
    common.FFM_APP_ID,
    common.CLIENT_DETAILS_URL,
    F("plan_year", "Plan year", n.integer),
    F("policy_status_raw", "Policy status", aliases=("policy_status",)),
    F(
        "permission_lost_at",
        "EDE permission lost at",
        n.parse_date,
        ("Permission lost at", "EDE permission lost date", "Permission lost date"),
    ),
    common.LAST_SYNCED_AT,
    *common.AGENCY_COLUMNS,
)
FORMAT = FormatSpec(
    FormatId.HEALTHSHERPA_EDE_LOST,
    Schema(FIELDS),
    (
        MarkerGroup(frozenset({"ffm_app_id"}), 1),
        MarkerGroup(frozenset({"permission_lost_at"}), 1),
    ),
)


@dataclass(slots=True, kw_only=True)
class EdeLostRow(SourceRow):
    client_name: str | None
    ffm_app_id: str | None
    client_details_url: str | None
    plan_year: int | None
    policy_status_raw: str | None
    policy_status: EnrollmentStatus | None
    permission_lost_at: date | None
    last_synced_at: date | None
    agency_name: str | None
    agent_name: str | None
    agent_email: str | None


def _build(extracted: Extracted, line: int) -> EdeLostRow:
    return EdeLostRow(
        **extracted.values,
        policy_status=enrollment_status(extracted.values["policy_status_raw"]),
        line=line,
        extra=extracted.extra,
        errors=extracted.errors,
    )


ADAPTER = Adapter(FORMAT, _build)


def read(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> SourceFile[EdeLostRow]:
    return open_source(Path(path), (ADAPTER,), limits)
