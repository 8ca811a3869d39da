"""Writing one week of the synthetic world in the real files' layouts.

Column headers come from the adapters' own field lists, so the generator and the
adapters cannot drift apart. The CalHEERS book is written as CalHEERS writes it: a
`File Created` line, headers on row 2, `null` for every empty cell, and phone numbers,
ZIP codes, case numbers and SSNs stored as numbers (which the adapter must undo). It
has one row per case, for the primary contact: a member-per-row book of 200,000 cases
would unpack to well over the 1 GB safety limit (inline strings cost ~50 bytes a cell).
HealthSherpa exports are RFC 4180 CSV with ISO dates; some fields carry commas, quotes
and line breaks.

Writers read the world and never draw random numbers, so writing cannot change what
the next week becomes.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from rustpy_xlsxwriter import write_worksheet

from openbob.sources import (
    calheers,
    healthsherpa_aor,
    healthsherpa_ede,
    healthsherpa_followups,
    healthsherpa_policies,
    healthsherpa_roster,
)
from openbob.sources.formats import FormatId
from openbob.sources.synthetic_world import (
    DMI_DUE_DAYS,
    SVI_DUE_DAYS,
    Agent,
    CalheersCase,
    HealthSherpaApp,
    Household,
    Person,
    World,
)

Row = dict[str, Any]
_SHERPA_MEMBER_SLOTS = ("spouse", "other_1", "other_2", "other_3", "other_4")
_PAID = {"Effectuated": "Paid", "Pending": "Pending", "Cancelled": "Past Due"}
_FOLLOW_UPS = (
    (FormatId.HEALTHSHERPA_DMI, healthsherpa_followups.DMI, "DMI", "dmis", DMI_DUE_DAYS),
    (FormatId.HEALTHSHERPA_SVI, healthsherpa_followups.SVI, "SVI", "svis", SVI_DUE_DAYS),
)


def write_week(world: World, folder: Path, as_of: datetime) -> dict[FormatId, Path]:
    """Write every file of one week into `folder`; returns each file's path by layout."""
    folder.mkdir(parents=True, exist_ok=True)
    today = as_of.date()
    stamp = today.strftime("%Y%m%d")
    clients_agent = world.clients_agent()
    apps = [(hh, hh.healthsherpa) for hh in world.households if hh.healthsherpa is not None]
    files = {
        FormatId.CALHEERS_BOOK: folder / f"BookOfBusiness_AllAgents_{stamp}.xlsx",
        FormatId.HEALTHSHERPA_ENROLLMENTS: folder / f"enrollments_{stamp}.csv",
        FormatId.HEALTHSHERPA_CLIENTS: folder / f"clients_{_slug(clients_agent.name)}.csv",
        FormatId.HEALTHSHERPA_AOR_AT_RISK: folder / f"aor_at_risk_clients_{stamp}.csv",
        FormatId.HEALTHSHERPA_EDE_LOST: folder / f"ede_permission_lost_clients_{stamp}.csv",
        FormatId.HEALTHSHERPA_DMI: folder / f"dmi_follow_ups_{stamp}.csv",
        FormatId.HEALTHSHERPA_SVI: folder / f"svi_follow_ups_{stamp}.csv",
        FormatId.HEALTHSHERPA_ROSTER: folder / f"agent_roster_{stamp}.csv",
    }
    write_calheers(files[FormatId.CALHEERS_BOOK], world.households, as_of)
    policies = [_policy_row(hh, app, today) for hh, app in apps]
    agency_only = set(healthsherpa_policies.AGENCY_COLUMNS)
    _write_csv(files[FormatId.HEALTHSHERPA_ENROLLMENTS], _POLICY_HEADERS, policies)
    _write_csv(
        files[FormatId.HEALTHSHERPA_CLIENTS],
        [header for header in _POLICY_HEADERS if header not in agency_only],
        (row for row, (_, app) in zip(policies, apps, strict=True) if app.agent is clients_agent),
    )
    _write_csv(
        files[FormatId.HEALTHSHERPA_AOR_AT_RISK],
        _headers(healthsherpa_aor.FIELDS),
        (_at_risk_row(hh, app, today) for hh, app in apps if app.at_risk(today)),
    )
    _write_csv(
        files[FormatId.HEALTHSHERPA_EDE_LOST],
        _headers(healthsherpa_ede.FIELDS),
        (_ede_row(hh, app, today) for hh, app in apps if app.ede_lost_on is not None),
    )
    for format_id, spec, prefix, attribute, due_days in _FOLLOW_UPS:
        _write_csv(
            files[format_id],
            _headers(spec.schema.fields),
            (
                _issue_row(hh, app, prefix, kind, _due(opened, due_days), today)
                for hh, app in apps
                for kind, opened in getattr(app, attribute).items()
            ),
        )
    _write_csv(files[FormatId.HEALTHSHERPA_ROSTER], _ROSTER_HEADERS, _roster_rows(world, today))
    return files


def _headers(fields: Iterable[Any]) -> list[str]:
    return [spec.header for spec in fields]


def _slug(name: str) -> str:
    return "_".join(part.lower() for part in name.split())


def _write_csv(path: Path, headers: Sequence[str], rows: Iterable[Row]) -> None:
    """Write rows in header order. The csv module writes None as empty and anything else
    as str(), which is ISO 8601 for dates; a header a row lacks is left empty."""
    template = dict.fromkeys(headers)
    pick = itemgetter(*headers)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(pick(template | row) for row in rows)


# ---------------------------------------------------------------- CalHEERS


def java_timestamp(moment: datetime) -> str:
    """`Fri Jan 03 21:00:00 PST 2025`, Java's Date.toString(), as CalHEERS prints it."""
    return moment.strftime(f"%a %b %d %H:%M:%S {moment.tzname()} %Y")


def _us_date(value: date | None) -> str | None:
    return f"{value.month}/{value.day}/{value.year}" if value else None


def _yes_no(value: bool) -> str:
    return "Y" if value else "N"


def write_calheers(path: Path, households: Sequence[Household], as_of: datetime) -> None:
    """The agency-wide Book of Business: one row per case, for its primary contact."""
    template: Row = dict.fromkeys(calheers.COLUMNS)

    def rows() -> Iterator[Row]:
        for household in households:
            case = household.calheers
            if case is not None:
                row = dict(template)
                row.update(_residence_cells(household))
                row.update(_case_cells(household, case))
                row.update(_member_cells(household.primary, case))
                yield row

    write_worksheet(
        rows(),
        str(path),
        sheet_name="Book of Business",
        header_row=1,
        merge_ranges=[(0, 0, 0, 3, f"File Created {java_timestamp(as_of)}")],
        na_rep="null",
    )


def _residence_cells(household: Household) -> Row:
    place = household.place
    mailing = household.number % 3 == 0
    return {
        "Residence Address - Line 1": household.street,
        "Residence Address - Line 2": household.unit,
        "Residence Address - City": place.city,
        "Residence Address - State": place.state,
        "Residence Address - Zip": int(place.zip_code),
        "Residence Address - County": place.county,
        "Customer Phone Number": int(household.phone),
        "Customer Text Opt-In": _yes_no(household.text_opt_in),
        "Customer Secondary Phone": int(household.secondary_phone)
        if household.secondary_phone
        else None,
        "Customer Email": household.email,
        "Mailing Address - Line 1": household.street if mailing else None,
        "Mailing Address - City": place.city if mailing else None,
        "Mailing Address - State": place.state if mailing else None,
        "Mailing Address - Zip": int(place.zip_code) if mailing else None,
        "Written Language": household.language,
        "Spoken Language": household.language,
        "Experiencing Homelessness": _yes_no(household.homeless),
    }


def _case_cells(household: Household, case: CalheersCase) -> Row:
    coverage = case.coverage
    agent = case.agent
    cells: Row = {
        "Case Number": int(case.case_number),
        "Application Year": case.application_year,
        "Application Status": "Eligible",
        "Program Type": case.program,
        "Household Size": len(household.members),
        "Members Enrolled": _members_enrolled(household, case),
        "Delegation Date": _us_date(case.delegation_date),
        "Agency Name": agent.agency.name,
        "Agent License Number": agent.license_number,
        "Delegated Agent": agent.name,
        "Agent Email": agent.email,
        "Consent Valid Through": _us_date(case.consent_valid_through),
        "Renewal Status": "Renewed" if household.number % 2 else "Not Started",
        "Last Updated Date": _us_date(case.last_updated),
        "Medi-Cal County": household.place.county if case.program != "Covered California" else None,
        "Outstanding Verifications": case.outstanding_verifications,
        "Notices Pending": case.notices_pending,
    }
    if case.outstanding_verifications:
        cells["Verification Due Date"] = _us_date(case.delegation_date.replace(day=1))
    if coverage is not None:
        plan = coverage.plan
        cells |= {
            "Health Plan Carrier": plan.carrier,
            "Health Plan Name": plan.name,
            "Metal Tier": plan.metal_tier,
            "Plan Type": plan.plan_type,
            "Health Enrollment Status": coverage.status,
            "Coverage Start Date": _us_date(coverage.start),
            "Coverage End Date": f"12/31/{coverage.start.year}",
            "Gross Premium": float(coverage.gross),
            "APTC Amount": float(coverage.aptc),
            "Net Premium": float(coverage.net),
            "Binder Payment Status": _PAID.get(coverage.status, "Paid"),
            "CSR Level": plan.csr_level,
        }
    if case.dental is not None:
        carrier, name = case.dental
        cells |= {
            "Dental Plan Carrier": carrier,
            "Dental Plan Name": name,
            "Dental Enrollment Status": "Effectuated",
            "Dental Premium": 32.5,
        }
    return cells


def _members_enrolled(household: Household, case: CalheersCase) -> int:
    """Members in the health plan: all, or the adults of a Mixed Household (its children
    are on Medi-Cal), or none on Medi-Cal."""
    if case.coverage is None:
        return 0
    if case.program == "Mixed Household":
        return sum(person.relationship != "Child" for person in household.members)
    return len(household.members)


def _member_cells(person: Person, case: CalheersCase) -> Row:
    on_medi_cal = case.program != "Covered California"
    return {
        "First Name": person.first_name,
        "Middle Name": person.middle_name,
        "Last Name": person.last_name,
        "Customer Date of Birth": _us_date(person.dob),
        "Relationship to Primary Contact": person.relationship,
        "Medi-Cal Status": "Active" if on_medi_cal else None,
        "Medicare Eligibility Date": _us_date(person.dob.replace(year=person.dob.year + 65, day=1)),
        "Customer SSN": int(person.ssn),
    }


# ---------------------------------------------------------------- HealthSherpa


_POLICY_HEADERS = [spec.header for spec in healthsherpa_policies.POLICY_FIELDS] + [
    f"{slot}_{name}"
    for slot in _SHERPA_MEMBER_SLOTS
    for name in ("first_name", "last_name", "gender", "dob", "ssn", "applying")
]
_ROSTER_HEADERS = [spec.header for spec in healthsherpa_roster.FIELDS if spec.name != "agent_name"]
_METAL = {"Bronze": "2500", "Silver": "1500", "Gold": "500", "Platinum": "0", "Minimum": "9200"}


def _phone_text(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T17:00:00Z"


def _ssn_text(ssn: str, masked: bool) -> str:
    return f"***-**-{ssn[-4:]}" if masked else f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}"


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _agency_cells(agent: Agent) -> Row:
    return {"agency_name": agent.agency.name, "agent_email": agent.email, "agent_npn": agent.npn}


def _policy_row(household: Household, app: HealthSherpaApp, today: date) -> Row:
    primary, coverage, plan = household.primary, app.coverage, app.coverage.plan
    open_dmis = sum(_due(opened, DMI_DUE_DAYS) >= today for opened in app.dmis.values())
    open_svis = sum(_due(opened, SVI_DUE_DAYS) >= today for opened in app.svis.values())
    deductible = next(value for word, value in _METAL.items() if word in plan.metal_tier)
    row: Row = {
        "healthsherpa_id": app.healthsherpa_id,
        "first_name": primary.first_name,
        "last_name": primary.last_name,
        "gender": primary.gender,
        "dob": primary.dob,
        "ssn": _ssn_text(primary.ssn, app.ssn_masked),
        "applying": "true",
        "address": household.street,
        "unit": household.unit,
        "city": household.place.city,
        "state": household.place.state,
        "zip_code": household.place.zip_code,
        "county": household.place.county,
        "phone": _phone_text(household.phone),
        "email": household.email,
        "preferred_language": household.language,
        "issuer": plan.carrier,
        "plan_name": plan.name,
        "plan_hios_id": plan.hios_id,
        "metal_level": plan.metal_tier,
        "effective_date": coverage.start,
        "expiration_date": date(coverage.start.year, 12, 31),
        "date_effectuated": coverage.start
        if coverage.status in ("Effectuated", "Terminated")
        else None,
        "date_cancelled": app.submitted if coverage.status == "Cancelled" else None,
        "submission_date": _timestamp(app.submitted),
        "application_creation_date": _timestamp(app.submitted),
        "gross_premium": _money(coverage.gross),
        "subsidy": _money(coverage.aptc),
        "net_premium": _money(coverage.net),
        "premium_paid": "Yes" if coverage.status == "Effectuated" else "No",
        "deductible": deductible,
        "applicant_count": len(household.members),
        "household_size": len(household.members),
        "household_income": _money(app.income),
        "policy_status": coverage.status,
        "policy_status_notes": app.notes,
        "ffm_app_id": app.ffm_app_id,
        "ffm_subscriber_id": app.subscriber_id,
        "issuer_assigned_policy_id": app.issuer_policy_id,
        "healthsherpa_policy_ids": f"{app.healthsherpa_id}-1",
        "followup_docs": "action_needed" if app.dmis or app.svis else None,
        "dmi_outstanding_count": open_dmis,
        "dmi_expired_count": len(app.dmis) - open_dmis,
        "svi_outstanding_count": open_svis,
        "svi_expired_count": len(app.svis) - open_svis,
        "policy_aor": _aor_text(household, app),
        "agent": app.agent.name,
        "submitting_agent_name": app.agent.name,
        "npn_used": app.agent.npn,
        "last_ede_sync": _timestamp(app.ede_lost_on or today),
        **_agency_cells(app.agent),
    }
    others = iter(_SHERPA_MEMBER_SLOTS[1:])
    for person in household.members[1:]:
        slot = "spouse" if person.relationship == "Spouse" else next(others)
        row |= {
            f"{slot}_first_name": person.first_name,
            f"{slot}_last_name": person.last_name,
            f"{slot}_gender": person.gender,
            f"{slot}_dob": person.dob,
            f"{slot}_ssn": _ssn_text(person.ssn, app.ssn_masked),
            f"{slot}_applying": "true",
        }
    return row


def _aor_text(household: Household, app: HealthSherpaApp) -> str:
    if app.aor is not None:
        return app.aor.aor_label
    return "None" if household.number % 2 else ""


def _due(opened: date, days: int) -> date:
    return date.fromordinal(opened.toordinal() + days)


def _client_cells(household: Household, app: HealthSherpaApp) -> Row:
    primary, agent = household.primary, app.agent
    return {
        "Client name": f"{primary.first_name} {primary.last_name}",
        "Federal Exchange ID": app.ffm_app_id,
        "Client Details Page URL": f"https://www.healthsherpa.com/clients/{app.healthsherpa_id}",
        "Agency name": agent.agency.name,
        "Agent name": agent.name,
        "Agent email address": agent.email,
    }


def _at_risk_row(household: Household, app: HealthSherpaApp, today: date) -> Row:
    return _client_cells(household, app) | {
        "Archived Status": "Not archived",
        "Last synced at": _timestamp(today),
    }


def _ede_row(household: Household, app: HealthSherpaApp, today: date) -> Row:
    lost = app.ede_lost_on or today
    return _client_cells(household, app) | {
        "Plan year": app.coverage.start.year,
        "Policy status": app.coverage.status,
        "EDE permission lost at": _timestamp(lost),
        "Last synced at": _timestamp(lost),
    }


def _issue_row(
    household: Household, app: HealthSherpaApp, prefix: str, kind: str, due: date, today: date
) -> Row:
    return _client_cells(household, app) | {
        f"{prefix} type": kind,
        "Status": "Outstanding" if due >= today else "Expired",
        "Due date": due,
    }


def _roster_rows(world: World, today: date) -> Iterator[Row]:
    owned = Counter(id(hh.healthsherpa.agent) for hh in world.households if hh.healthsherpa)
    seen_agencies: set[int] = set()
    for index, agent in enumerate(world.agents):
        agency = agent.agency
        is_admin = id(agency) not in seen_agencies  # an agency's first agent administers it
        seen_agencies.add(id(agency))
        yield {
            "First name": agent.first_name,
            "Last name": agent.last_name,
            "Email": agent.email,
            "NPN": agent.npn,
            "Phone": _phone_text(agent.phone),
            "License number": agent.license_number,
            "Agency name": agency.name,
            "Parent agency name": agency.parent.name if agency.parent else None,
            "Role": "Agency admin" if is_admin else "Agent",
            "Status": "Active",
            "Exports enabled": "Yes",
            "Enrollments": owned.get(id(agent), 0),
            "Last sign in": date.fromordinal(today.toordinal() - index % 14),
            "Created at": agent.created,
        }
