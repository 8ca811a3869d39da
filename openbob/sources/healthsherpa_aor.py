"""HealthSherpa "AOR at-risk clients" export (CSV), agent and agency versions.

Columns per HealthSherpa's help page (formats.md section 2.3): `Federal Exchange ID`
(the ffm_app_id), `Client Details Page URL` and `Archived Status`; the agency version
adds `Agency name`, `Agent name` and `Agent email address`. `Client name` and
`Last synced at`, which the in-app tab shows, are read when present. A row means the
enrollment's agent of record may have been swapped within HealthSherpa.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openbob.sources import healthsherpa_common as common
from openbob.sources.columns import Extracted
from openbob.sources.formats import FormatId, FormatSpec, MarkerGroup
from openbob.sources.rows import SourceRow
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.schema import FieldSpec as F
from openbob.sources.schema import Schema, normalize_header
from openbob.sources.source_file import Adapter, SourceFile, open_source

FIELDS = (
    common.FFM_APP_ID,
    common.CLIENT_DETAILS_URL,
    F("archived_status", "Archived Status", aliases=("Archived",)),
    common.CLIENT_NAME,
    common.LAST_SYNCED_AT,
    *common.AGENCY_COLUMNS,
)
FORMAT = FormatSpec(
    FormatId.HEALTHSHERPA_AOR_AT_RISK,
    Schema(FIELDS),
    (MarkerGroup(frozenset({"ffm_app_id"}), 1), MarkerGroup(frozenset({"archived_status"}), 1)),
)
_ARCHIVED = {normalize_header(word): True for word in ("Archived", "Yes", "True", "Y")} | {
    normalize_header(word): False
    for word in ("Not archived", "Unarchived", "Active", "No", "False", "N")
}


@dataclass(slots=True, kw_only=True)
class AorAtRiskRow(SourceRow):
    ffm_app_id: str | None
    client_details_url: str | None
    archived_status: str | None
    archived: bool | None
    client_name: str | None
    last_synced_at: date | None
    agency_name: str | None
    agent_name: str | None
    agent_email: str | None


def _build(extracted: Extracted, line: int) -> AorAtRiskRow:
    status = extracted.values["archived_status"]
    return AorAtRiskRow(
        **extracted.values,
        archived=_ARCHIVED.get(normalize_header(status)) if status else None,
        line=line,
        extra=extracted.extra,
        errors=extracted.errors,
    )


ADAPTER = Adapter(FORMAT, _build)


def read(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> SourceFile[AorAtRiskRow]:
    return open_source(Path(path), (ADAPTER,), limits)
