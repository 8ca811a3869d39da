"""Flag files: AOR at-risk, EDE permission lost, DMI and SVI follow-ups.

They never create households. Each row names an FFM application id; the household it
belongs to (in the importing agency's tree) gets the flag, households no longer listed
lose it, and the file's keys become a snapshot so change detection can tell who entered
or left the list. Rows naming an application outside the book are counted, not refused:
HealthSherpa lists archived and transferred applications too. Rows naming an agent of
another agency are refused, as in every other file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from openbob.book import listing
from openbob.book.choices import FollowUpKind, Source
from openbob.book.models import FollowUp, Household
from openbob.imports import bulk
from openbob.imports.agents import AgentDirectory, AgentRefused
from openbob.imports.models import Snapshot, SnapshotEntry
from openbob.imports.records import AgentRef
from openbob.imports.validate import max_length, text_problem
from openbob.sources.errors import RowError
from openbob.sources.healthsherpa_aor import AorAtRiskRow
from openbob.sources.healthsherpa_ede import EdeLostRow
from openbob.sources.healthsherpa_followups import FollowUpRow

FlagRow = AorAtRiskRow | EdeLostRow | FollowUpRow
STAMPED = {"aor_at_risk": "aor_at_risk_at", "ede_lost": "ede_permission_lost_at"}
KEY_LIMIT = max_length(SnapshotEntry, "key")


@dataclass
class FlagWriter:
    kind: str  # "aor_at_risk", "ede_lost", "dmi" or "svi"
    subtree_ids: list[int]
    snapshot: Snapshot
    as_of: datetime
    agents: AgentDirectory
    file_name: str = ""
    header: Callable[[str], str] = str
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)

    def write(self, rows: Iterable[FlagRow]) -> None:
        listed = self._listed(rows)
        households = self._households(sorted({row.ffm_app_id or "" for row in listed.values()}))
        found = {key: (row, households.get(row.ffm_app_id or "")) for key, row in listed.items()}
        self.counts["listed"] = len(found)
        self.counts["not_in_book"] = sum(1 for _, hh in found.values() if hh is None)
        bulk.insert_rows(
            SnapshotEntry,
            ("snapshot_id", "key", "household_id", "digest", "data"),
            [
                (self.snapshot.pk, key, hh, "", json.dumps(_data(row)))
                for key, (row, hh) in found.items()
            ],
        )
        if self.kind in STAMPED:
            self._stamp({hh for _, hh in found.values() if hh is not None})
        else:
            self._follow_ups(
                {(hh, _issue(row)): row for row, hh in found.values() if hh is not None}
            )

    def _listed(self, rows: Iterable[FlagRow]) -> dict[str, FlagRow]:
        """Rows by snapshot key (first row wins); refused rows become errors."""
        listed: dict[str, FlagRow] = {}
        for row in rows:
            if row.ffm_app_id is not None and self._acceptable(row):
                listed.setdefault(_key(row), row)
        return listed

    def _acceptable(self, row: FlagRow) -> bool:
        """False (with an error) for another agency's agent or a value no column holds."""
        try:
            self.agents.check_inside(AgentRef(email=row.agent_email, name=row.agent_name))
        except AgentRefused as refused:
            return self._refuse(row, "agent_name", str(refused))
        checks = [*_columns(row), (_key_column(row), _key(row), KEY_LIMIT)]
        for name, value, limit in checks:
            problem = text_problem(value, limit)
            if problem:
                return self._refuse(row, name, problem)
        return True

    def _refuse(self, row: FlagRow, name: str, reason: str) -> bool:
        self.errors.append(RowError(self.file_name, row.line, self.header(name), reason, None))
        return False

    def _households(self, ffm_ids: list[str]) -> dict[str, int]:
        """The tree's household of each application (the tree checked in Python: see
        `BookWriter._in_tree`)."""
        tree = set(self.subtree_ids)
        rows = bulk.select_in(
            f"SELECT ffm_app_id, id, agency_id FROM {bulk.quoted(Household)} WHERE ffm_app_id",  # noqa: S608
            ffm_ids,
        )
        return {str(key): pk for key, pk, agency_id in rows if agency_id in tree}

    def _stamp(self, ids: set[int]) -> None:
        """Set the flag's time on listed households; clear it on the others of the tree."""
        column = STAMPED[self.kind]
        tree = Household.objects.filter(agency_id__in=self.subtree_ids)
        flagged = set(tree.exclude(**{column: None}).values_list("pk", flat=True))
        for chunk in bulk.chunks(sorted(flagged - ids)):
            tree.filter(pk__in=chunk).update(**{column: None})
        for chunk in bulk.chunks(sorted(ids - flagged)):
            tree.filter(pk__in=chunk).update(**{column: self.as_of})

    def _follow_ups(self, wanted: dict[tuple[int, str], FlagRow]) -> None:
        """Open the new follow-ups, refresh the listed ones, resolve the unlisted ones."""
        kind = FollowUpKind.DMI if self.kind == "dmi" else FollowUpKind.SVI
        open_now = FollowUp.objects.filter(
            kind=kind,
            resolved_at=None,
            household__agency_id__in=self.subtree_ids,
            source=Source.HEALTHSHERPA,
        )
        current = {
            (hh, issue): pk
            for pk, hh, issue in open_now.values_list("pk", "household_id", "issue_type")
        }
        gone = [pk for pair, pk in current.items() if pair not in wanted]
        touched = {hh for hh, _ in current.keys() ^ wanted.keys()}
        for chunk in bulk.chunks(gone):
            FollowUp.objects.filter(pk__in=chunk).update(resolved_at=self.as_of)
        bulk.update_rows(
            FollowUp,
            ("status", "due_date"),
            [
                (_text(row, "status"), _due(row), current[pair])
                for pair, row in wanted.items()
                if pair in current
            ],
        )
        bulk.insert_rows(
            FollowUp,
            ("household_id", "kind", "issue_type", "status", "due_date", "source", "opened_at"),
            [
                (
                    hh,
                    kind.value,
                    issue,
                    _text(row, "status"),
                    _due(row),
                    Source.HEALTHSHERPA.value,
                    bulk.db_datetime(self.as_of),
                )
                for (hh, issue), row in wanted.items()
                if (hh, issue) not in current
            ],
        )
        listing.refresh(touched)  # their count of open follow-ups changed
        self.counts["follow_ups_open"] = len(wanted)


def _columns(row: FlagRow) -> list[tuple[str, str, int | None]]:
    """A flag row's stored text values and the longest each may be."""
    found = [("ffm_app_id", row.ffm_app_id or "", max_length(Household, "ffm_app_id"))]
    if isinstance(row, FollowUpRow):
        for name in ("issue_type", "status"):
            found.append((name, _text(row, name), max_length(FollowUp, name)))
    return found


def _key(row: FlagRow) -> str:
    """The snapshot key: the application, and for follow-ups the issue type too."""
    if isinstance(row, FollowUpRow):
        return f"{row.ffm_app_id}|{_issue(row)}"
    return row.ffm_app_id or ""


def _key_column(row: FlagRow) -> str:
    return "issue_type" if isinstance(row, FollowUpRow) else "ffm_app_id"


def _issue(row: FlagRow) -> str:
    return (row.issue_type or "") if isinstance(row, FollowUpRow) else ""


def _text(row: FlagRow, name: str) -> str:
    return str(getattr(row, name, None) or "")


def _due(row: FlagRow) -> object:
    return row.due_date if isinstance(row, FollowUpRow) else None


def _data(row: FlagRow) -> dict[str, str | None]:
    if isinstance(row, FollowUpRow):
        return {"status": row.status, "due": row.due_date.isoformat() if row.due_date else None}
    return {"client": row.client_name}
