"""The export catalogue: every export OpenBoB offers, declared as data.

This module is the one declaration of what each export holds: its columns, and for
each column a legend entry (meaning, source, masking rule) plus where the value comes
from (`paths`, ORM paths relative to the export's base rows). The UI legend pages, the
API, the "Legend" sheet of every .xlsx and the row builders (`openbob.exports.rowsets`)
all read it, so a column cannot be written without being explained. It imports no
query code, so a later report field catalogue can reuse the declarations.

Snapshot: the Book of Business exports default to the weekly snapshot (the book as of
the latest Friday 21:00 Pacific cutoff, `openbob.exports.weekly`); their "current data"
option, and every other export, reflect live values when the file is written. Every
file says which it holds (the Legend sheet, the title row of table layouts, the name).

Public names other apps may import (read-only): `Field`, `ExportSpec`, `Mask`,
`MASK_RULES`, `EXPORTS`, `BY_KEY`, `get`, `legend_rows`, `SNAPSHOT_MODE` and the field
tuples (`BOOK_FIELDS`, `ENROLLMENT_FIELDS`, `CLIENT_FIELDS`, `FOLLOW_UP_FIELDS`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from openbob.lib.spreadsheet import Kind

SNAPSHOT_MODE = "current data (live values when the file was written)"
WEEKLY_OFFER = (
    "the latest weekly snapshot (Friday 21:00 Pacific) by default; "
    "'current data' exports live values instead"
)


class Mask(StrEnum):
    """PII columns, masked unless an unmasked export was granted (reliability.md F1)."""

    SSN = "ssn"
    DOB = "dob"
    INCOME = "income"


MASK_RULES: dict[Mask, str] = {
    Mask.SSN: "Masked as ***-**-1234 (last four digits only) unless the export is unmasked.",
    Mask.DOB: "Masked as **/**/1980 (birth year only) unless the export is unmasked.",
    Mask.INCOME: "Always masked as *****.",
}

Audience = Literal["agent", "agency"]
Option = Literal[
    "agent",
    "current",
    "exchange",
    "date_range",
    "include_archived",
    "include_unsubmitted",
    "filters",
]
LIST_FILTERS_OFFER = (
    "The Active Consumers list's filters and search, when requested from the list "
    "(Export these clients) or given in the API's `filters`."
)


@dataclass(frozen=True)
class Field:
    """One column: its header, cell kind, legend, and where its value comes from.

    `paths` are ORM paths relative to the export's base rows, read with one
    `values_list`; `convert` names a converter in `openbob.exports.rowsets` that turns
    those values into the cell (no name: the single value as it is). No paths: a
    column of the layout that OpenBoB does not keep, always blank.
    """

    header: str
    kind: Kind
    meaning: str
    source: str
    paths: tuple[str, ...] = ()
    convert: str = ""
    mask: Mask | None = None

    @property
    def masking(self) -> str:
        return MASK_RULES[self.mask] if self.mask else "Not masked."


@dataclass(frozen=True)
class ExportSpec:
    """One export: what it is for, who may request it, its options and its columns.

    `audience` "agency" exports span the user's agency scope and need the roster
    permission (managers and admin staff); "agent" exports any exporter may request,
    and hold only what the requester's scope reaches. `layout` "calheers" writes the
    CalHEERS Book of Business layout (row 1 `File Created <timestamp>`, row 2 headers).
    `email_title` names the export in emails instead of `title` when the title holds
    user-typed text (a saved report's name may name a consumer; mail leaves the portal).
    """

    key: str
    title: str
    description: str
    audience: Audience
    base: str
    fields: tuple[Field, ...]
    layout: Literal["calheers", "table"] = "table"
    options: tuple[Option, ...] = ()
    unmasked_allowed: bool = False
    legend_notes: tuple[str, ...] = field(default=())
    email_title: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(f.header for f in self.fields)


NOT_KEPT = "Not kept by OpenBoB yet; always blank."
CALHEERS = "CalHEERS Book of Business import (or entered in OpenBoB)"
ENROLLMENT = "Latest enrollment of the household (CalHEERS, HealthSherpa or carrier import)"


def _text(header: str, meaning: str, path: str, source: str = CALHEERS) -> Field:
    return Field(header, "text", meaning, source, (path,))


def _blank(header: str, meaning: str) -> Field:
    return Field(header, "text", f"{meaning} {NOT_KEPT}", "-")


_AGENT_NAME = ("household__agent__first_name", "household__agent__last_name")

BOOK_FIELDS: tuple[Field, ...] = (
    _text("First Name", "Member's first name.", "first_name"),
    _text("Middle Name", "Member's middle name.", "middle_name"),
    _text("Last Name", "Member's last name.", "last_name"),
    Field(
        "Customer Date of Birth",
        "date",
        "Member's date of birth.",
        "Encrypted at rest; birth year kept in clear",
        ("birth_year",),
        mask=Mask.DOB,
    ),
    _text("Residence Address - Line 1", "Residence street address.", "residence_line1"),
    _text("Residence Address - Line 2", "Residence unit or suite.", "residence_line2"),
    _text("Residence Address - City", "Residence city.", "residence_city"),
    _text("Residence Address - State", "Residence state (two letters).", "residence_state"),
    _text("Residence Address - Zip", "Residence ZIP code, as text.", "residence_zip"),
    _text("Residence Address - County", "Residence county.", "residence_county"),
    _text("Customer Phone Number", "Primary phone, 10 digits as text.", "phone"),
    Field(
        "Customer Text Opt-In",
        "text",
        "Y when the member agreed to text messages, else N.",
        CALHEERS,
        ("text_opt_in",),
        "yes_no",
    ),
    _text("Customer Secondary Phone", "Secondary phone, as text.", "secondary_phone"),
    _text("Customer Email", "Member's email address.", "email"),
    _text("Mailing Address - Line 1", "Mailing street address.", "mailing_line1"),
    _text("Mailing Address - Line 2", "Mailing unit or suite.", "mailing_line2"),
    _text("Mailing Address - City", "Mailing city.", "mailing_city"),
    _text("Mailing Address - State", "Mailing state.", "mailing_state"),
    _text("Mailing Address - Zip", "Mailing ZIP code, as text.", "mailing_zip"),
    _text("Written Language", "Preferred written language.", "written_language"),
    _text("Spoken Language", "Preferred spoken language.", "spoken_language"),
    _text("Case Number", "CalHEERS case number of the household.", "household__case_number"),
    Field(
        "Application Year",
        "integer",
        "Plan year of the application.",
        CALHEERS,
        ("household__application_year",),
    ),
    _blank("Application Status", "CalHEERS application status."),
    Field(
        "Program Type",
        "text",
        "Covered California, Mixed Household or Medi-Cal.",
        CALHEERS,
        ("household__program",),
        "program",
    ),
    Field(
        "Household Size",
        "integer",
        "People in the household.",
        CALHEERS,
        ("household__household_size",),
    ),
    Field(
        "Members Enrolled",
        "integer",
        "Members of the household applying for coverage.",
        CALHEERS,
        ("household.members_enrolled",),
    ),
    _text("Relationship to Primary Contact", "Self, Spouse, Child...", "relationship"),
    _text("Health Plan Carrier", "Health (QHP) carrier.", "health.carrier", ENROLLMENT),
    _text("Health Plan Name", "Health plan name.", "health.plan_name", ENROLLMENT),
    Field(
        "Metal Tier",
        "text",
        "Metal tier of the health plan.",
        ENROLLMENT,
        ("health.metal_tier",),
        "metal_tier",
    ),
    _text("Plan Type", "HMO, PPO or EPO.", "health.plan_type", ENROLLMENT),
    Field(
        "Health Enrollment Status",
        "text",
        "Pending, Effectuated, Cancelled or Terminated.",
        ENROLLMENT,
        ("health.status",),
        "enrollment_status",
    ),
    Field(
        "Coverage Start Date",
        "date",
        "Health coverage start.",
        ENROLLMENT,
        ("health.effective_date",),
    ),
    Field("Coverage End Date", "date", "Health coverage end.", ENROLLMENT, ("health.end_date",)),
    Field(
        "Gross Premium",
        "money",
        "Monthly premium before subsidy.",
        ENROLLMENT,
        ("health.gross_premium",),
    ),
    Field(
        "APTC Amount", "money", "Monthly advance premium tax credit.", ENROLLMENT, ("health.aptc",)
    ),
    Field(
        "Net Premium",
        "money",
        "Monthly premium the household pays.",
        ENROLLMENT,
        ("health.net_premium",),
    ),
    Field(
        "Binder Payment Status",
        "text",
        "Paid, Pending or Past Due.",
        ENROLLMENT,
        ("health.binder_status",),
        "binder_status",
    ),
    _text("Dental Plan Carrier", "Dental (QDP) carrier.", "dental.carrier", ENROLLMENT),
    _text("Dental Plan Name", "Dental plan name.", "dental.plan_name", ENROLLMENT),
    Field(
        "Dental Enrollment Status",
        "text",
        "Status of the dental enrollment.",
        ENROLLMENT,
        ("dental.status",),
        "enrollment_status",
    ),
    Field(
        "Dental Premium", "money", "Monthly dental premium.", ENROLLMENT, ("dental.gross_premium",)
    ),
    _blank("CSR Level", "Cost-sharing reduction level."),
    Field(
        "Delegation Date",
        "date",
        "When the active delegation to the agent started (Pacific date).",
        "Delegations",
        ("household.delegated_at",),
        "pacific_date",
    ),
    _text("Agency Name", "Agency the household is delegated to.", "household__agency__name"),
    _text(
        "Agent License Number",
        "Delegated agent's license number.",
        "household__agent__license_number",
    ),
    Field(
        "Delegated Agent",
        "text",
        "The agent the household is delegated to (column AV; sort by it).",
        "Delegations",
        _AGENT_NAME,
        "full_name",
    ),
    _text("Agent Email", "Delegated agent's email.", "household__agent__email"),
    Field(
        "Consent Valid Through",
        "date",
        "Last day the consumer's consent to check tax data at renewal is valid.",
        CALHEERS,
        ("household__consent_valid_through",),
    ),
    _blank("Renewal Status", "Renewal status."),
    Field(
        "Last Updated Date",
        "date",
        "When OpenBoB last changed the household (Pacific date).",
        "OpenBoB",
        ("household__updated_at",),
        "pacific_date",
    ),
    _blank("Medi-Cal Status", "Medi-Cal status."),
    _blank("Medi-Cal County", "Medi-Cal county."),
    Field(
        "Verification Due Date",
        "date",
        "Earliest due date of the household's open DMIs and SVIs.",
        "Follow-ups",
        ("household.verification_due",),
    ),
    Field(
        "Outstanding Verifications",
        "integer",
        "Open DMIs and SVIs of the household.",
        "Follow-ups",
        ("household.outstanding",),
    ),
    Field(
        "Notices Pending",
        "integer",
        "Exchange notices pending for the case.",
        CALHEERS,
        ("household__notices_pending",),
    ),
    _blank("Medicare Eligibility Date", "Medicare eligibility date."),
    Field(
        "Customer SSN",
        "text",
        "Member's Social Security number.",
        "Encrypted at rest; last four digits kept in clear",
        ("ssn_last4",),
        mask=Mask.SSN,
    ),
    Field(
        "Experiencing Homelessness",
        "text",
        "Y or N.",
        CALHEERS,
        ("experiencing_homelessness",),
        "yes_no",
    ),
)

_BOOK_NOTES = (
    "One row per member of every household delegated to the agency (or agent), "
    "Covered California, Mixed Household and Medi-Cal alike, whatever list filters are set.",
    "Row 1 is 'File Created <time>' and row 2 the headers, as in the CalHEERS export, "
    "so the file imports back into OpenBoB.",
)

_HOUSEHOLD = "Household (CalHEERS or HealthSherpa import)"
_AGENT = "Delegated agent"


def _household_fields(prefix: str) -> tuple[Field, ...]:
    """The columns that say which household a row is about; `prefix` reaches it."""
    return (
        _text("Case Number", "CalHEERS case number.", f"{prefix}case_number", _HOUSEHOLD),
        _text(
            "FFM Application ID",
            "HealthCare.gov application id.",
            f"{prefix}ffm_app_id",
            _HOUSEHOLD,
        ),
        _text(
            "Primary Contact",
            "Name of the household's primary contact.",
            f"{prefix}primary_name",
            _HOUSEHOLD,
        ),
        _text("Phone", "Primary contact's phone, as text.", f"{prefix}primary_phone", _HOUSEHOLD),
        _text("Email", "Primary contact's email.", f"{prefix}primary_email", _HOUSEHOLD),
    )


def _agency_fields(prefix: str) -> tuple[Field, ...]:
    """Agency name, agent name and agent email, which agency versions add."""
    return (
        _text(
            "Agency Name", "Agency the household is delegated to.", f"{prefix}agency__name", _AGENT
        ),
        Field(
            "Agent Name",
            "text",
            "Agent the household is delegated to.",
            _AGENT,
            (f"{prefix}agent__first_name", f"{prefix}agent__last_name"),
            "full_name",
        ),
        _text("Agent Email", "Delegated agent's email.", f"{prefix}agent__email", _AGENT),
    )


ENROLLMENT_FIELDS: tuple[Field, ...] = (
    *_agency_fields("household__"),
    *_household_fields("household__"),
    Field("Program", "text", "Exchange program.", _HOUSEHOLD, ("household__program",), "program"),
    Field(
        "Coverage", "text", "Health (QHP) or dental (QDP).", ENROLLMENT, ("coverage",), "coverage"
    ),
    _text("Carrier", "Insurance carrier.", "carrier", ENROLLMENT),
    _text("Plan Name", "Plan name.", "plan_name", ENROLLMENT),
    _text("HIOS Plan ID", "HIOS plan id, as text.", "hios_plan_id", ENROLLMENT),
    Field("Metal Tier", "text", "Metal tier.", ENROLLMENT, ("metal_tier",), "metal_tier"),
    _text("Policy ID", "Carrier or exchange policy id, as text.", "policy_id", ENROLLMENT),
    Field("Status", "text", "Enrollment status.", ENROLLMENT, ("status",), "enrollment_status"),
    Field("Effective Date", "date", "Coverage start.", ENROLLMENT, ("effective_date",)),
    Field("End Date", "date", "Coverage end.", ENROLLMENT, ("end_date",)),
    Field("Paid Through Date", "date", "Premium paid through.", ENROLLMENT, ("paid_through_date",)),
    Field(
        "Gross Premium", "money", "Monthly premium before subsidy.", ENROLLMENT, ("gross_premium",)
    ),
    Field("APTC", "money", "Monthly advance premium tax credit.", ENROLLMENT, ("aptc",)),
    Field(
        "Net Premium", "money", "Monthly premium the household pays.", ENROLLMENT, ("net_premium",)
    ),
    Field("On Exchange", "bool", "TRUE when bought on the exchange.", ENROLLMENT, ("on_exchange",)),
    Field(
        "Archived",
        "bool",
        "TRUE when the household is archived.",
        _HOUSEHOLD,
        ("household__archived",),
    ),
    Field(
        "Household Income",
        "money",
        "Annual household income.",
        "Encrypted at rest",
        ("household_id",),
        mask=Mask.INCOME,
    ),
)

AOR_FIELDS: tuple[Field, ...] = (
    *_household_fields(""),
    Field(
        "At Risk Since",
        "datetime",
        "When the AOR was flagged at risk.",
        _HOUSEHOLD,
        ("aor_at_risk_at",),
    ),
    Field(
        "Latest AOR Event",
        "text",
        "Latest AOR change event.",
        "Change events",
        ("aor.type",),
        "event_type",
    ),
    _text("Previous Agent of Record", "AOR before the change.", "aor.old", "Change events"),
    _text("New Agent of Record", "AOR after the change.", "aor.new", "Change events"),
    Field("Event At", "datetime", "As-of time of that event.", "Change events", ("aor.as_of",)),
)

FOLLOW_UP_FIELDS: tuple[Field, ...] = (
    *_agency_fields("household__"),
    *_household_fields("household__"),
    _text(
        "Issue Type", "What must be verified (income, citizenship...).", "issue_type", "Follow-ups"
    ),
    _text("Status", "Status of the follow-up as the source reports it.", "status", "Follow-ups"),
    Field("Due Date", "date", "When the documents are due.", "Follow-ups", ("due_date",)),
    Field(
        "Opened At", "datetime", "When the follow-up was first seen.", "Follow-ups", ("opened_at",)
    ),
    Field(
        "Resolved At",
        "datetime",
        "When it was resolved (blank: open).",
        "Follow-ups",
        ("resolved_at",),
    ),
    Field("Source", "text", "Where the follow-up came from.", "Follow-ups", ("source",), "source"),
)

CHANGE_FIELDS: tuple[Field, ...] = (
    Field("Week", "date", "Import week of the change.", "Change events", ("week",)),
    Field(
        "As Of", "datetime", "As-of time of the file that showed it.", "Change events", ("as_of",)
    ),
    Field("Change", "text", "What changed.", "Change events", ("type",), "event_type"),
    *_agency_fields(""),
    _text(
        "Case or Application",
        "Case number or application id the change is about.",
        "key",
        "Change events",
    ),
    _text("Primary Contact", "Household's primary contact.", "household__primary_name", _HOUSEHOLD),
    _text("Old Value", "Value before the change.", "old", "Change events"),
    _text("New Value", "Value after the change.", "new", "Change events"),
    _text("Source", "Source file kind.", "source", "Change events"),
)

_CLIENT_PLAN_HEADERS = frozenset(
    {
        "Health Plan Carrier",
        "Health Plan Name",
        "Health Enrollment Status",
        "Coverage Start Date",
        "Net Premium",
    }
)

CLIENT_FIELDS: tuple[Field, ...] = (
    *_agency_fields(""),
    *_household_fields(""),
    Field("Program", "text", "Exchange program.", _HOUSEHOLD, ("program",), "program"),
    Field("Application Year", "integer", "Plan year.", _HOUSEHOLD, ("application_year",)),
    *(f for f in BOOK_FIELDS if f.header in _CLIENT_PLAN_HEADERS),
    Field(
        "Last Submission",
        "datetime",
        "When a source file last reported the application (OpenBoB's nearest to "
        "HealthSherpa's last submission; the date range applies to it).",
        _HOUSEHOLD,
        ("source_as_of",),
    ),
    Field(
        "Open Follow-ups",
        "integer",
        "Open DMIs and SVIs of the household.",
        "Follow-ups",
        ("household.outstanding",),
    ),
)

CLIENT_FOLLOW_UP_FIELDS: tuple[Field, ...] = (
    Field(
        "Follow-up", "text", "DMI, SVI or another follow-up kind.", "Follow-ups", ("kind",), "kind"
    ),
    *FOLLOW_UP_FIELDS,
)

ROSTER_FIELDS: tuple[Field, ...] = (
    _text("First Name", "Enroller's first name.", "first_name", "Roster"),
    _text("Last Name", "Enroller's last name.", "last_name", "Roster"),
    _text("Email", "Sign-in email.", "email", "Roster"),
    Field("Role", "text", "Role in OpenBoB.", "Roster", ("role",), "role"),
    _text("Agency Name", "Agency of the enroller.", "agency__name", "Roster"),
    _text("License Number", "State license number, as text.", "license_number", "Roster"),
    _text("NPN", "National Producer Number, as text.", "npn", "Roster"),
    _text("Primary Site", "Primary site address.", "primary_site", "Roster"),
    Field(
        "Certification Status",
        "text",
        "Covered California certification.",
        "Roster",
        ("certification_status",),
        "certification",
    ),
    Field("Active", "bool", "TRUE when the account may sign in.", "Roster", ("is_active",)),
    Field("Consumers", "integer", "Households delegated to the enroller.", "Book", ("consumers",)),
)

EDE_FIELDS: tuple[Field, ...] = (
    *_agency_fields(""),
    *_household_fields(""),
    Field(
        "EDE Permission Lost At",
        "datetime",
        "When the EDE data-sync permission was lost.",
        "HealthSherpa EDE permission lost import",
        ("ede_permission_lost_at",),
    ),
)

_SCOPE_NOTE = "Holds only what your scope reaches: your own households as an agent."


def _follow_ups(key: str, kind: str, long_name: str) -> ExportSpec:
    return ExportSpec(
        key=key,
        title=f"{kind} follow-ups",
        description=f"{long_name}s due from two months ago onward, across your scope.",
        audience="agent",
        base="followup",
        fields=FOLLOW_UP_FIELDS,
        legend_notes=(_SCOPE_NOTE,),
    )


EXPORTS: tuple[ExportSpec, ...] = (
    ExportSpec(
        key="book_all",
        title="Book of Business (All Agents)",
        description="Every consumer delegated to your agency (and sub-agencies), CalHEERS layout.",
        audience="agency",
        base="member",
        fields=BOOK_FIELDS,
        layout="calheers",
        options=("current",),
        unmasked_allowed=True,
        legend_notes=_BOOK_NOTES,
    ),
    ExportSpec(
        key="book_agent",
        title="Book of Business for an Agent",
        description="Every consumer delegated to one agent, CalHEERS layout.",
        audience="agent",
        base="member",
        fields=BOOK_FIELDS,
        layout="calheers",
        options=("agent", "current"),
        unmasked_allowed=True,
        legend_notes=_BOOK_NOTES,
    ),
    ExportSpec(
        key="enrollments",
        title="Enrollments",
        description="Every enrollment of your agency and its whole downline.",
        audience="agency",
        base="enrollment",
        fields=ENROLLMENT_FIELDS,
        options=("exchange", "date_range", "include_archived"),
        legend_notes=("The date range applies to the coverage effective date.",),
    ),
    ExportSpec(
        key="aor_at_risk",
        title="AOR at-risk clients",
        description="Households whose agent of record is at risk or changed.",
        audience="agent",
        base="household",
        fields=AOR_FIELDS,
        legend_notes=(_SCOPE_NOTE,),
    ),
    ExportSpec(
        key="aor_at_risk_agency",
        title="AOR at-risk clients (agency)",
        description="The agency version: adds agency name, agent name and agent email.",
        audience="agency",
        base="household",
        fields=(*_agency_fields(""), *AOR_FIELDS),
    ),
    ExportSpec(
        key="clients",
        title="Clients",
        description="Your clients with their plan, status and last submission.",
        audience="agent",
        base="household",
        fields=CLIENT_FIELDS,
        options=("filters", "date_range", "include_unsubmitted", "include_archived"),
        legend_notes=(
            _SCOPE_NOTE,
            "The date range applies to Last Submission. Unsubmitted clients (no "
            "enrollment yet) and archived ones are left out unless asked for.",
            "3-way-call-resolved Invalid Action applications: OpenBoB keeps no Invalid "
            "Action data yet, so no row is left out for that reason.",
        ),
    ),
    ExportSpec(
        key="client_followups",
        title="Client follow-ups",
        description="Every open follow-up of your clients, with contact details.",
        audience="agent",
        base="followup",
        fields=CLIENT_FOLLOW_UP_FIELDS,
        legend_notes=(_SCOPE_NOTE, "Open follow-ups of every kind, earliest due first."),
    ),
    _follow_ups("dmi_followups", "DMI", "Data matching issue"),
    _follow_ups("svi_followups", "SVI", "SEP verification issue"),
    ExportSpec(
        key="changes_week",
        title="Changes since last week",
        description="Every change event of the last seven days.",
        audience="agent",
        base="event",
        fields=CHANGE_FIELDS,
        legend_notes=(_SCOPE_NOTE,),
    ),
    ExportSpec(
        key="agent_roster",
        title="Agent roster",
        description="Every enroller of your agency hierarchy and their book size.",
        audience="agency",
        base="user",
        fields=ROSTER_FIELDS,
    ),
    ExportSpec(
        key="ede_lost",
        title="EDE permission lost clients",
        description="Households whose EDE data-sync permission was lost.",
        audience="agent",
        base="household",
        fields=EDE_FIELDS,
        legend_notes=(_SCOPE_NOTE,),
    ),
)

BY_KEY: dict[str, ExportSpec] = {spec.key: spec for spec in EXPORTS}


def get(key: str) -> ExportSpec | None:
    """The export declared under `key`, or None."""
    return BY_KEY.get(key)


def legend_rows(
    spec: ExportSpec, *, created: str = "", snapshot: str = "", filters: str = ""
) -> list[tuple[str, str]]:
    """(column, meaning) rows of the Legend sheet: snapshot, filters and notes first, then
    columns.

    Without `created` and `snapshot` (the legend page) the rows say what the export
    offers; in a file, `filters` states the list filters applied ("" for none).
    """
    offered = WEEKLY_OFFER if "current" in spec.options else SNAPSHOT_MODE
    head = [("Export", spec.title), ("Snapshot", snapshot or offered)]
    head += [("File created", created)] if created else []
    if "filters" in spec.options:
        applied = filters or "None (no Active Consumers list filter)."
        head.append(("Filters", applied if created else LIST_FILTERS_OFFER))
    head += [("Note", note) for note in spec.legend_notes]
    return head + [(f.header, f"{f.meaning} Source: {f.source}. {f.masking}") for f in spec.fields]
