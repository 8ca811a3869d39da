"""Assemblers: a source's typed rows in, one `HouseholdRecord` per household key out.

Rows of one household are usually adjacent (CalHEERS lists a case's members together;
HealthSherpa lists an application's policies together), so rows are grouped *adjacent*
and streamed; a key that reappears later becomes a second record, which the writer
merges into the household it already wrote.

Each layout is a `Recipe`: how to find a row's household key and agent, the values
change events compare, and how to build members and policies. A record's fingerprint
covers every typed value of its rows (the values the recipe derives from others, such
as a normalised status, are left out), so equal fingerprints mean equal writes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from typing import Any, Generic, TypeVar, cast

from openbob.book.choices import BinderStatus, Coverage, MetalTier, PlanType
from openbob.imports.records import (
    AgentRef,
    Details,
    HouseholdRecord,
    MemberRecord,
    fingerprint,
    fingerprint_of_rows,
    money,
)
from openbob.sources.calheers import CalheersRow
from openbob.sources.errors import RowError
from openbob.sources.formats import FormatId
from openbob.sources.healthsherpa_policies import HouseholdMember, PolicyRow
from openbob.sources.mapped import MappedRow
from openbob.sources.rows import SourceRow
from openbob.sources.skim import Skimmed

R = TypeVar("R", bound=SourceRow)

_TIERS = [
    (re.compile(r"94"), MetalTier.SILVER_94),
    (re.compile(r"87"), MetalTier.SILVER_87),
    (re.compile(r"73"), MetalTier.SILVER_73),
    (re.compile(r"hdhp", re.I), MetalTier.BRONZE_HDHP),
    (re.compile(r"minimum|catastrophic", re.I), MetalTier.MINIMUM),
    (re.compile(r"bronze", re.I), MetalTier.BRONZE),
    (re.compile(r"silver", re.I), MetalTier.SILVER),
    (re.compile(r"gold", re.I), MetalTier.GOLD),
    (re.compile(r"platinum", re.I), MetalTier.PLATINUM),
]
_BINDER = {
    "paid": BinderStatus.PAID,
    "pending": BinderStatus.PENDING,
    "pastdue": BinderStatus.PAST_DUE,
    "late": BinderStatus.PAST_DUE,
}
_PRIMARY = {"self", "primary", "primary contact", "applicant", "subscriber"}
_PLAN_TYPES = frozenset(PlanType.values)
_NOT_TYPED = {"line", "extra", "errors"}


@dataclass(slots=True)
class Group(Generic[R]):
    """Adjacent rows of one household key, and what is wrong with them."""

    key: str | None
    rows: list[R]
    errors: list[RowError] = field(default_factory=list)

    @property
    def lines(self) -> list[int]:
        return [row.line for row in self.rows]


def group_rows(rows: Iterable[R], key: Callable[[R], str | None]) -> Iterator[Group[R]]:
    """Adjacent rows sharing a key; a row without a key is a group of its own."""
    for value, members in groupby(rows, key=key):
        if value is None:
            for row in members:
                yield Group(None, [row], list(row.errors))
        else:
            batch = list(members)
            yield Group(value, batch, [e for row in batch for e in row.errors])


def typed_values(
    row_type: type[Any], derived: Iterable[str] = (), unstored: Iterable[str] = ()
) -> Callable[[Any], tuple[Any, ...]]:
    """A getter of the typed fields of `row_type` that can change what is written.

    Left out: fields `derived` from others (a normalised status), and fields the book
    never stores (`unstored`), some of which change every week (HealthSherpa's
    `last_ede_sync`) and would otherwise make every household look changed.
    """
    skipped = _NOT_TYPED | set(derived) | set(unstored)
    names = [f.name for f in dataclasses.fields(row_type) if f.name not in skipped]
    return attrgetter(*names)


@dataclass(frozen=True)
class Recipe(Generic[R]):
    """How one layout's rows become household records."""

    key_field: str
    key: Callable[[R], str | None]
    agent: Callable[[R], AgentRef]
    state: Callable[[R], dict[str, str | None]]
    details: Callable[[Sequence[R]], Details]
    values: Callable[[R], tuple[Any, ...]]
    head: Callable[[Sequence[R]], R] = lambda rows: rows[0]
    columns: Mapping[str, str] = field(default_factory=dict)
    """Book field -> the row field it comes from, where the names differ (error columns)."""
    skimmed: tuple[str, ...] = ()
    """Fields typed for every row when the layout is skimmed (`openbob.sources.skim`):
    those `key`, `agent` and `head` read, and those never stored (`undigested`), which
    are still checked. Empty: every row is typed in full."""
    undigested: tuple[str, ...] = ()
    """Fields left out of a skimmed row's fingerprint: the ones the book never stores."""

    def record(self, group: Group[R], digest: str | None = None) -> HouseholdRecord:
        """The group's record; members and policies are built when first asked for.

        `digest`: the fingerprint it keeps, where it was skimmed first (that of its raw
        cells, which next week's skim compares with), instead of one of its values."""
        assert group.key is not None
        rows, head = group.rows, self.head(group.rows)
        key_field, key = self.split_key(group.key)
        return HouseholdRecord(
            key=key,
            key_field=key_field,
            lines=tuple(row.line for row in rows),
            agent=self.agent(head),
            state=self.state(head),
            digest=fingerprint(self.values(row) for row in rows) if digest is None else digest,
            build=lambda: self.details(rows),
        )

    def skim_record(self, group: Group[Skimmed]) -> HouseholdRecord:
        """A skimmed group's record: key, agent and the fingerprint of its raw rows."""
        assert group.key is not None
        rows = group.rows
        key_field, key = self.split_key(group.key)
        return HouseholdRecord(
            key=key,
            key_field=key_field,
            lines=tuple(row.line for row in rows),
            agent=self.agent(self.head(cast(Sequence[R], rows))),
            state={},
            digest=fingerprint_of_rows([row.digest for row in rows]),
            build=_untyped,
            skimmed=tuple(rows),
        )

    def split_key(self, key: str) -> tuple[str, str]:
        """The household key field and value a group key stands for."""
        if key.startswith("case:"):
            return "case_number", key.removeprefix("case:")
        return self.key_field, key

    def column_of(self, book_field: str) -> str:
        """The row field a book field's value came from (names a column in errors)."""
        return self.columns.get(book_field, book_field)


@lru_cache(maxsize=1024)
def metal_tier(raw: str | None) -> str:
    """The book's tier for a plan's metal level ("Enhanced Silver 87" -> silver_87).

    A book names a few dozen distinct levels in hundreds of thousands of rows: cached.
    """
    if not raw:
        return ""
    return next((tier.value for pattern, tier in _TIERS if pattern.search(raw)), "")


def plan_type(raw: str | None) -> str:
    value = (raw or "").strip().upper()
    return value if value in _PLAN_TYPES else ""


def binder_status(raw: str | None) -> str:
    return _BINDER.get("".join((raw or "").lower().split()), "")


def _status(value: object) -> str | None:
    return None if value is None else str(value)


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


# ---------------------------------------------------------------- CalHEERS


def _calheers_head(rows: Sequence[CalheersRow]) -> CalheersRow:
    """The primary contact's row: household columns are read from it (a one-person
    household's only row, without reading its relationship: most cases are one row)."""
    if len(rows) == 1:
        return rows[0]
    return next((r for r in rows if (r.relationship or "").strip().lower() in _PRIMARY), rows[0])


def _calheers_agent(head: CalheersRow) -> AgentRef:
    return AgentRef(
        license_number=head.agent_license_number,
        email=head.agent_email,
        name=head.delegated_agent,
        agency_name=head.agency_name,
    )


def _calheers_state(head: CalheersRow) -> dict[str, str | None]:
    return {
        "agent": head.agent_license_number,
        "status": _status(head.health_status),
        "plan": head.health_plan_name,
        "gross_premium": money(head.gross_premium),
        "aptc": money(head.aptc),
        "net_premium": money(head.net_premium),
        "program": _status(head.program),
    }


def _calheers_details(rows: Sequence[CalheersRow]) -> Details:
    """A CalHEERS case: household columns from the primary member's row, every member."""
    head = _calheers_head(rows)
    return Details(
        household={
            "application_year": head.application_year,
            "program": _status(head.program) or "covered_california",
            "household_size": head.household_size,
            "primary_name": _full_name(head.first_name, head.last_name),
            "primary_phone": head.phone or "",
            "primary_email": head.email or "",
            "consent_valid_through": head.consent_valid_through,
            "notices_pending": head.notices_pending,
        },
        members=[_calheers_member(row, row is head) for row in rows],
        enrollments=_calheers_enrollments(head),
    )


def _calheers_member(row: CalheersRow, is_primary: bool) -> MemberRecord:
    return MemberRecord(
        first_name=row.first_name or "",
        last_name=row.last_name or "",
        dob=row.dob,
        ssn=row.ssn,
        is_primary=is_primary,
        fields={
            "middle_name": row.middle_name or "",
            "relationship": row.relationship or "",
            "phone": row.phone or "",
            "secondary_phone": row.secondary_phone or "",
            "text_opt_in": bool(row.text_opt_in),
            "email": row.email or "",
            "written_language": row.written_language or "",
            "spoken_language": row.spoken_language or "",
            "residence_line1": row.residence_line1 or "",
            "residence_line2": row.residence_line2 or "",
            "residence_city": row.residence_city or "",
            "residence_state": (row.residence_state or "")[:2],
            "residence_zip": row.residence_zip or "",
            "residence_county": row.residence_county or "",
            "mailing_line1": row.mailing_line1 or "",
            "mailing_line2": row.mailing_line2 or "",
            "mailing_city": row.mailing_city or "",
            "mailing_state": (row.mailing_state or "")[:2],
            "mailing_zip": row.mailing_zip or "",
            "experiencing_homelessness": bool(row.experiencing_homelessness),
        },
    )


def _calheers_enrollments(head: CalheersRow) -> list[dict[str, object]]:
    enrollments: list[dict[str, object]] = []
    if head.health_plan_name or head.health_status is not None:
        enrollments.append(
            {
                "coverage": Coverage.HEALTH.value,
                "carrier": head.health_carrier or "",
                "plan_name": head.health_plan_name or "",
                "metal_tier": metal_tier(head.metal_tier),
                "plan_type": plan_type(head.plan_type),
                "gross_premium": head.gross_premium,
                "aptc": head.aptc,
                "net_premium": head.net_premium,
                "effective_date": head.coverage_start,
                "end_date": head.coverage_end,
                "status": _status(head.health_status) or "pending",
                "binder_status": binder_status(head.binder_status),
            }
        )
    if head.dental_plan_name:
        enrollments.append(
            {
                "coverage": Coverage.DENTAL.value,
                "carrier": head.dental_carrier or "",
                "plan_name": head.dental_plan_name,
                "gross_premium": head.dental_premium,
                "net_premium": head.dental_premium,
                "status": _status(head.dental_status) or "pending",
            }
        )
    return enrollments


CALHEERS_UNSTORED = (
    "application_status",
    "members_enrolled",
    "csr_level",
    "delegation_date",
    "renewal_status",
    "last_updated",
    "medi_cal_status",
    "medi_cal_county",
    "verification_due",
    "outstanding_verifications",
    "medicare_eligibility_date",
)


def _untyped() -> Details:
    raise RuntimeError("a skimmed record is typed before its details are read")


CALHEERS_PLACING = (
    "case_number",
    "relationship",
    "agent_license_number",
    "agent_email",
    "delegated_agent",
    "agency_name",
)
CALHEERS: Recipe[CalheersRow] = Recipe(
    key_field="case_number",
    key=attrgetter("case_number"),
    agent=_calheers_agent,
    state=_calheers_state,
    details=_calheers_details,
    values=typed_values(
        CalheersRow,
        derived=("program", "health_status", "dental_status"),
        unstored=CALHEERS_UNSTORED,
    ),
    head=_calheers_head,
    columns={
        "agent": "delegated_agent",
        "primary_name": "last_name",
        "primary_phone": "phone",
        "primary_email": "email",
        "program": "program_raw",
        "carrier": "health_carrier",
        "plan_name": "health_plan_name",
        "status": "health_status_raw",
        "effective_date": "coverage_start",
        "end_date": "coverage_end",
    },
    skimmed=(*CALHEERS_PLACING, *CALHEERS_UNSTORED),
    undigested=CALHEERS_UNSTORED,
)


# ---------------------------------------------------------------- HealthSherpa

HEALTHSHERPA_UNSTORED = (
    "healthsherpa_id",
    "gender",
    "date_effectuated",
    "date_cancelled",
    "submission_date",
    "application_creation_date",
    "premium_paid",
    "deductible",
    "out_of_pocket_max",
    "applicant_count",
    "policy_status_notes",
    "ffm_subscriber_id",
    "issuer_assigned_subscriber_id",
    "issuer_assigned_primary_member_id",
    "healthsherpa_policy_ids",
    "transaction_id",
    "followup_docs",
    "dmi_outstanding_count",
    "dmi_expired_count",
    "svi_outstanding_count",
    "svi_expired_count",
    "submitting_agent_name",
    "npn_used",
    "last_ede_sync",
)
_policy_values = typed_values(
    PolicyRow,
    derived=("policy_status", "aor_name", "aor_npn", "members"),
    unstored=HEALTHSHERPA_UNSTORED,
)


_member_values = typed_values(HouseholdMember)


def _healthsherpa_values(row: PolicyRow) -> tuple[Any, ...]:
    """The row's typed values, with each listed member's (whose repr hides SSN and DOB)."""
    return (*_policy_values(row), *map(_member_values, row.members))


def _healthsherpa_agent(head: PolicyRow) -> AgentRef:
    return AgentRef(
        npn=head.agent_npn or head.aor_npn,
        email=head.agent_email,
        name=head.agent,
        agency_name=head.agency_name,
    )


def _healthsherpa_state(head: PolicyRow) -> dict[str, str | None]:
    return {
        "aor": head.aor_npn,
        "status": _status(head.policy_status),
        "plan": head.plan_name,
        "gross_premium": money(head.gross_premium),
        "aptc": money(head.subsidy),
        "net_premium": money(head.net_premium),
    }


def _healthsherpa_details(rows: Sequence[PolicyRow]) -> Details:
    """An FFM application: the first policy row states the household, each row a policy."""
    head = rows[0]
    primary = MemberRecord(
        first_name=head.first_name or "",
        last_name=head.last_name or "",
        dob=head.dob,
        ssn=head.ssn,
        is_primary=True,
        fields={
            "relationship": "Self",
            "phone": head.phone or "",
            "email": head.email or "",
            "spoken_language": head.preferred_language or "",
            "residence_line1": head.address or "",
            "residence_line2": head.unit or "",
            "residence_city": head.city or "",
            "residence_state": (head.state or "")[:2],
            "residence_zip": head.zip_code or "",
            "residence_county": head.county or "",
            "applying": head.applying is not False,
        },
    )
    others = [
        MemberRecord(
            first_name=m.first_name or "",
            last_name=m.last_name or "",
            dob=m.dob,
            ssn=m.ssn,
            fields={"relationship": m.relationship.title(), "applying": m.applying is not False},
        )
        for m in head.members
    ]
    return Details(
        household={
            "program": "ffm",
            "application_year": head.effective_date.year if head.effective_date else None,
            "household_size": head.household_size,
            "primary_name": _full_name(head.first_name, head.last_name),
            "primary_phone": head.phone or "",
            "primary_email": head.email or "",
            "income": head.household_income,
        },
        members=[primary, *others],
        enrollments=[_policy(row) for row in rows],
    )


def _policy(row: PolicyRow) -> dict[str, object]:
    return {
        "coverage": Coverage.HEALTH.value,
        "policy_id": row.issuer_assigned_policy_id or "",
        "carrier": row.issuer or "",
        "plan_name": row.plan_name or "",
        "hios_plan_id": row.plan_hios_id or "",
        "metal_tier": metal_tier(row.metal_level),
        "gross_premium": row.gross_premium,
        "aptc": row.subsidy,
        "net_premium": row.net_premium,
        "effective_date": row.effective_date,
        "end_date": row.expiration_date,
        "status": _status(row.policy_status) or "pending",
        "paid_through_date": row.paid_through_date,
        "aor_name": row.aor_name or "",
        "aor_npn": row.aor_npn or "",
    }


HEALTHSHERPA: Recipe[PolicyRow] = Recipe(
    key_field="ffm_app_id",
    key=attrgetter("ffm_app_id"),
    agent=_healthsherpa_agent,
    state=_healthsherpa_state,
    details=_healthsherpa_details,
    values=_healthsherpa_values,
    columns={
        "primary_name": "last_name",
        "primary_phone": "phone",
        "primary_email": "email",
        "spoken_language": "preferred_language",
        "residence_line1": "address",
        "residence_line2": "unit",
        "residence_city": "city",
        "residence_county": "county",
        "residence_zip": "zip_code",
        "carrier": "issuer",
        "hios_plan_id": "plan_hios_id",
        "policy_id": "issuer_assigned_policy_id",
        "aptc": "subsidy",
        "end_date": "expiration_date",
        "status": "policy_status_raw",
        "aor_name": "policy_aor_raw",
        "aor_npn": "policy_aor_raw",
    },
)


# ---------------------------------------------------------------- mapped (carrier) files


def _mapped_key(row: MappedRow) -> str | None:
    return row.ffm_app_id or (f"case:{row.case_number}" if row.case_number else None)


def _mapped_state(head: MappedRow) -> dict[str, str | None]:
    return {
        "status": _status(head.status),
        "plan": head.plan_name,
        "gross_premium": money(head.gross_premium),
        "aptc": money(head.aptc),
        "net_premium": money(head.net_premium),
    }


def _mapped_member(row: MappedRow, is_primary: bool) -> MemberRecord:
    first, last = row.first_name, row.last_name
    if not (first or last) and row.full_name:
        first, _, last = row.full_name.partition(" ")
    return MemberRecord(
        first_name=first or "",
        last_name=last or "",
        dob=row.dob,
        ssn=row.ssn,
        is_primary=is_primary,
        fields={
            "relationship": row.relationship or "",
            "phone": row.phone or "",
            "email": row.email or "",
            "residence_line1": row.address_line1 or "",
            "residence_line2": row.address_line2 or "",
            "residence_city": row.city or "",
            "residence_state": (row.state or "")[:2],
            "residence_zip": row.zip_code or "",
            "residence_county": row.county or "",
        },
    )


def _mapped_policy(row: MappedRow) -> dict[str, object]:
    return {
        "coverage": Coverage.HEALTH.value,
        "policy_id": row.policy_id or "",
        "carrier": row.carrier or "",
        "plan_name": row.plan_name or "",
        "hios_plan_id": row.hios_plan_id or "",
        "metal_tier": metal_tier(row.metal_tier),
        "gross_premium": row.gross_premium,
        "aptc": row.aptc,
        "net_premium": row.net_premium,
        "effective_date": row.effective_date,
        "end_date": row.end_date,
        "paid_through_date": row.paid_through_date,
        "status": _status(row.status) or "pending",
        "binder_status": binder_status(row.payment_status),
    }


def _mapped_details(rows: Sequence[MappedRow]) -> Details:
    """A household from a mapped (carrier) file: members per row, one policy per policy id."""
    head = rows[0]
    members = [_mapped_member(row, row is head) for row in rows]
    policies = {row.policy_id or row.plan_name or "": row for row in rows}
    return Details(
        household={
            "primary_name": _full_name(members[0].first_name, members[0].last_name),
            "primary_phone": head.phone or "",
            "primary_email": head.email or "",
            "household_size": head.household_size,
            "application_year": head.effective_date.year if head.effective_date else None,
        },
        members=members,
        enrollments=[_mapped_policy(row) for row in policies.values()],
    )


MAPPED: Recipe[MappedRow] = Recipe(
    key_field="ffm_app_id",
    key=_mapped_key,
    agent=lambda head: AgentRef(npn=head.agent_npn, name=head.agent_name),
    state=_mapped_state,
    details=_mapped_details,
    values=typed_values(MappedRow, derived=("status",)),
    columns={
        "agent": "agent_name",
        "primary_name": "last_name",
        "residence_line1": "address_line1",
        "residence_line2": "address_line2",
        "residence_city": "city",
        "residence_county": "county",
        "residence_zip": "zip_code",
        "status": "status_raw",
        "binder_status": "payment_status",
    },
)

RECIPES: dict[FormatId, Recipe[Any]] = {
    FormatId.CALHEERS_BOOK: CALHEERS,
    FormatId.HEALTHSHERPA_ENROLLMENTS: HEALTHSHERPA,
    FormatId.HEALTHSHERPA_CLIENTS: HEALTHSHERPA,
    FormatId.GENERIC: MAPPED,
}
