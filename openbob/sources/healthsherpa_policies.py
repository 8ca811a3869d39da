"""HealthSherpa policy exports (CSV): the agent "Clients" export and the agency "Enrollments".

Clients headers are snake_case and code-observed (formats.md section 2.1). The agency
Enrollments export is OpenBoB's working model: the Clients columns plus agent columns
`agency_name`, `agent_email` and `agent_npn` (`agent` is already in Clients). The two
share one schema; a file carrying any agency column is an Enrollments export.

One row is one policy, and one person may have several rows (plan years, medical and
dental): rows are never merged here. `policy_aor` ("Jane Doe (NPN: 12345)") is split
into name and NPN; blank or "None" means no agent of record. `policy_status` keeps the
raw word and adds the normalised `EnrollmentStatus` (PendingEffectuation and
PendingFollowups are both pending). Masked SSNs and DOBs (asterisks, as HealthSherpa
exports them under CMS rules) read as None without an error. Spouse and `other_N_*`
columns become `members`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openbob.sources import normalize as n
from openbob.sources.columns import Extracted
from openbob.sources.formats import FormatId, FormatSpec, MarkerGroup
from openbob.sources.rows import SourceRow
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.schema import FieldSpec as F
from openbob.sources.schema import Schema
from openbob.sources.source_file import Adapter, SourceFile, open_source
from openbob.sources.vocab import EnrollmentStatus, enrollment_status

OTHER_MEMBERS = 10
_MEMBER_FIELDS = ("first_name", "last_name", "gender", "dob", "ssn", "applying")


def _member_specs(prefix: str) -> tuple[F, ...]:
    return (
        F(f"{prefix}_first_name", f"{prefix}_first_name", n.name),
        F(f"{prefix}_last_name", f"{prefix}_last_name", n.name),
        F(f"{prefix}_gender", f"{prefix}_gender"),
        F(f"{prefix}_dob", f"{prefix}_dob", n.parse_date, sensitive=True),
        F(f"{prefix}_ssn", f"{prefix}_ssn", n.ssn, sensitive=True),
        F(f"{prefix}_applying", f"{prefix}_applying", n.flag),
    )


MEMBER_PREFIXES = ("spouse", *(f"other_{index}" for index in range(1, OTHER_MEMBERS + 1)))

POLICY_FIELDS = (
    F("healthsherpa_id", "healthsherpa_id", n.identifier),
    F("first_name", "first_name", n.name, required=True),
    F("last_name", "last_name", n.name, required=True),
    F("gender", "gender"),
    F("dob", "dob", n.parse_date, ("date_of_birth",), sensitive=True),
    F("ssn", "ssn", n.ssn, sensitive=True),
    F("applying", "applying", n.flag),
    F("address", "address", aliases=("address_1", "street_address")),
    F("unit", "unit", aliases=("address_2",)),
    F("city", "city"),
    F("state", "state"),
    F("zip_code", "zip_code", n.zip_code, ("zip",)),
    F("county", "county"),
    F("phone", "phone", n.phone, ("phone_number",)),
    F("email", "email", aliases=("email_address",)),
    F("preferred_language", "preferred_language", aliases=("language",)),
    F("issuer", "issuer", aliases=("carrier", "issuer_name")),
    F("plan_name", "plan_name"),
    F("plan_hios_id", "plan_hios_id", n.identifier, ("hios_id", "plan")),
    F("metal_level", "metal_level", aliases=("metal_tier",)),
    F("effective_date", "effective_date", n.parse_date),
    F("expiration_date", "expiration_date", n.parse_date, ("termination_date", "end_date")),
    F("date_effectuated", "date_effectuated", n.parse_date, ("effectuated_date",)),
    F("date_cancelled", "date_cancelled", n.parse_date, ("date_canceled", "cancelled_date")),
    F("submission_date", "submission_date", n.parse_date, ("submitted_at",)),
    F("application_creation_date", "application_creation_date", n.parse_date),
    F("gross_premium", "gross_premium", n.money, ("premium", "total_premium")),
    F("subsidy", "subsidy", n.money, ("aptc", "aptc_amount")),
    F("net_premium", "net_premium", n.money, ("member_premium",)),
    F("premium_paid", "premium_paid"),
    F("paid_through_date", "paid_through_date", n.parse_date),
    F("deductible", "deductible", n.money),
    F("out_of_pocket_max", "out_of_pocket_max", n.money),
    F("applicant_count", "applicant_count", n.integer),
    F("household_size", "household_size", n.integer),
    F("household_income", "household_income", n.money, ("income",), sensitive=True),
    F("policy_status_raw", "policy_status", required=True),
    F("policy_status_notes", "policy_status_notes"),
    F(
        "ffm_app_id",
        "ffm_app_id",
        n.identifier,
        ("FFM application ID", "Federal Exchange ID"),
        True,
    ),
    F("ffm_subscriber_id", "ffm_subscriber_id", n.identifier),
    F("issuer_assigned_policy_id", "issuer_assigned_policy_id", n.identifier),
    F("issuer_assigned_subscriber_id", "issuer_assigned_subscriber_id", n.identifier),
    F("issuer_assigned_primary_member_id", "issuer_assigned_primary_member_id", n.identifier),
    F("healthsherpa_policy_ids", "healthsherpa_policy_ids"),
    F("transaction_id", "transaction_id"),
    F("followup_docs", "followup_docs"),
    F("dmi_outstanding_count", "dmi_outstanding_count", n.integer),
    F("dmi_expired_count", "dmi_expired_count", n.integer),
    F("svi_outstanding_count", "svi_outstanding_count", n.integer),
    F("svi_expired_count", "svi_expired_count", n.integer),
    F("policy_aor_raw", "policy_aor", aliases=("agent_of_record",)),
    F("agent", "agent", n.name, ("agent_name",)),
    F("submitting_agent_name", "submitting_agent_name", n.name),
    F("npn_used", "npn_used", n.npn, ("npn_used_at_submission",)),
    F("last_ede_sync", "last_ede_sync", n.parse_date),
    F("agency_name", "agency_name", n.name),
    F("agent_email", "agent_email", aliases=("agent_email_address",)),
    F("agent_npn", "agent_npn", n.npn),
)
"""The columns OpenBoB writes, in the order its generator writes them."""

SCHEMA = Schema(
    POLICY_FIELDS + tuple(spec for prefix in MEMBER_PREFIXES for spec in _member_specs(prefix))
)
_HEALTHSHERPA_MARKERS = MarkerGroup(
    frozenset(
        {
            "healthsherpa_id",
            "ffm_app_id",
            "policy_aor_raw",
            "ffm_subscriber_id",
            "policy_status_raw",
            "dmi_outstanding_count",
            "svi_outstanding_count",
            "followup_docs",
            "npn_used",
            "last_ede_sync",
            "submitting_agent_name",
            "plan_hios_id",
            "healthsherpa_policy_ids",
        }
    ),
    3,
)
AGENCY_COLUMNS = ("agency_name", "agent_email", "agent_npn")
ENROLLMENTS = FormatSpec(
    FormatId.HEALTHSHERPA_ENROLLMENTS,
    SCHEMA,
    (_HEALTHSHERPA_MARKERS, MarkerGroup(frozenset(AGENCY_COLUMNS), 1)),
)
CLIENTS = FormatSpec(FormatId.HEALTHSHERPA_CLIENTS, SCHEMA, (_HEALTHSHERPA_MARKERS,))


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    """A spouse or other household member listed on a policy row."""

    relationship: str  # "spouse" or "other"
    first_name: str | None
    last_name: str | None
    gender: str | None
    dob: date | None = field(repr=False)
    ssn: str | None = field(repr=False)
    applying: bool | None


@dataclass(slots=True, kw_only=True)
class PolicyRow(SourceRow):
    """One policy of a HealthSherpa Clients or Enrollments export."""

    healthsherpa_id: str | None
    first_name: str | None
    last_name: str | None
    gender: str | None
    dob: date | None = field(repr=False)
    ssn: str | None = field(repr=False)
    applying: bool | None
    address: str | None
    unit: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    county: str | None
    phone: str | None
    email: str | None
    preferred_language: str | None
    issuer: str | None
    plan_name: str | None
    plan_hios_id: str | None
    metal_level: str | None
    effective_date: date | None
    expiration_date: date | None
    date_effectuated: date | None
    date_cancelled: date | None
    submission_date: date | None
    application_creation_date: date | None
    gross_premium: Decimal | None
    subsidy: Decimal | None
    net_premium: Decimal | None
    premium_paid: str | None
    paid_through_date: date | None
    deductible: Decimal | None
    out_of_pocket_max: Decimal | None
    applicant_count: int | None
    household_size: int | None
    household_income: Decimal | None = field(repr=False)
    policy_status_raw: str | None
    policy_status: EnrollmentStatus | None
    policy_status_notes: str | None
    ffm_app_id: str | None
    ffm_subscriber_id: str | None
    issuer_assigned_policy_id: str | None
    issuer_assigned_subscriber_id: str | None
    issuer_assigned_primary_member_id: str | None
    healthsherpa_policy_ids: str | None
    transaction_id: str | None
    followup_docs: str | None
    dmi_outstanding_count: int | None
    dmi_expired_count: int | None
    svi_outstanding_count: int | None
    svi_expired_count: int | None
    policy_aor_raw: str | None
    aor_name: str | None
    aor_npn: str | None
    agent: str | None
    submitting_agent_name: str | None
    npn_used: str | None
    last_ede_sync: date | None
    agency_name: str | None
    agent_email: str | None
    agent_npn: str | None
    members: tuple[HouseholdMember, ...]


_MEMBER_KEYS = tuple(
    (
        "spouse" if prefix == "spouse" else "other",
        tuple(f"{prefix}_{name}" for name in _MEMBER_FIELDS),
    )
    for prefix in MEMBER_PREFIXES
)


def _pop_members(values: dict[str, Any]) -> tuple[HouseholdMember, ...]:
    """The spouse and other members a row names (one of name, DOB or SSN given)."""
    members = []
    for relationship, keys in _MEMBER_KEYS:
        first, last, gender, dob, ssn, applying = map(values.pop, keys)
        if first is not None or last is not None or dob is not None or ssn is not None:
            members.append(HouseholdMember(relationship, first, last, gender, dob, ssn, applying))
    return tuple(members)


def _build(extracted: Extracted, line: int) -> PolicyRow:
    values = dict(extracted.values)
    members = _pop_members(values)
    aor_name, aor_npn = n.agent_of_record(values["policy_aor_raw"])
    return PolicyRow(
        **values,
        policy_status=enrollment_status(values["policy_status_raw"]),
        aor_name=aor_name,
        aor_npn=aor_npn,
        members=members,
        line=line,
        extra=extracted.extra,
        errors=extracted.errors,
    )


ENROLLMENTS_ADAPTER = Adapter(ENROLLMENTS, _build)
CLIENTS_ADAPTER = Adapter(CLIENTS, _build)


def read(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> SourceFile[PolicyRow]:
    """Open a Clients or Enrollments export; `format` on the result says which."""
    return open_source(Path(path), (ENROLLMENTS_ADAPTER, CLIENTS_ADAPTER), limits)
