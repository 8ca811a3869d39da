"""HealthSherpa "DMI follow-ups" and "SVI follow-ups" exports (CSV).

The two exports list verification issues with a due date from two months ago onward:
DMIs (data matching issues, due 90-95 days after submission) and SVIs (SEP
verification issues, due 30 days after plan selection). HealthSherpa documents neither
export's columns; they are one layout in OpenBoB's working model, told apart by the
name of the type column:

`Client name`, `Federal Exchange ID`, `DMI type` or `SVI type`, `Status`
(`Outstanding`, `Expired`), `Due date`, `Client Details Page URL`, and in the agency
version `Agency name`, `Agent name`, `Agent email address`. One row per open issue;
`Federal Exchange ID` and the type column are required.
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


def _format(format_id: FormatId, kind: str, type_aliases: tuple[str, ...]) -> FormatSpec:
    fields = (
        common.CLIENT_NAME,
        common.FFM_APP_ID,
        F("issue_type", f"{kind} type", aliases=type_aliases, required=True),
        F("status", "Status", aliases=(f"{kind} status", "Follow-up status")),
        F("due_date", "Due date", n.parse_date, (f"{kind} due date", "Deadline")),
        common.CLIENT_DETAILS_URL,
        *common.AGENCY_COLUMNS,
    )
    markers = (
        MarkerGroup(frozenset({"ffm_app_id"}), 1),
        MarkerGroup(frozenset({"issue_type"}), 1),
    )
    return FormatSpec(format_id, Schema(fields), markers)


DMI = _format(FormatId.HEALTHSHERPA_DMI, "DMI", ("Data matching issue", "DMI"))
SVI = _format(FormatId.HEALTHSHERPA_SVI, "SVI", ("SEP verification issue", "SVI"))


@dataclass(slots=True, kw_only=True)
class FollowUpRow(SourceRow):
    """One open DMI or SVI of one application."""

    client_name: str | None
    ffm_app_id: str | None
    issue_type: str | None
    status: str | None
    due_date: date | None
    client_details_url: str | None
    agency_name: str | None
    agent_name: str | None
    agent_email: str | None


def _build(extracted: Extracted, line: int) -> FollowUpRow:
    return FollowUpRow(
        **extracted.values, line=line, extra=extracted.extra, errors=extracted.errors
    )


DMI_ADAPTER = Adapter(DMI, _build)
SVI_ADAPTER = Adapter(SVI, _build)


def read_dmi(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> SourceFile[FollowUpRow]:
    return open_source(Path(path), (DMI_ADAPTER,), limits)


def read_svi(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> SourceFile[FollowUpRow]:
    return open_source(Path(path), (SVI_ADAPTER,), limits)
