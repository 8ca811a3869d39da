"""CalHEERS Book of Business (.xlsx): the agency-wide export and the per-agent export.

Both exports have the same columns. Row 1 reads `File Created <timestamp>` and gives
the as-of time; row 2 holds the headers; `null` means empty. The column list is
OpenBoB's working model (docs: formats.md section 1.1a, columns A to BH, with
`Delegated Agent` in column AV), matched by header name with aliases, never by position.

A row is one consumer of a case. Whether a real export lists every member or only the
primary contact is unknown (`Relationship to Primary Contact` suggests members,
`Household Size` and `Members Enrolled` suggest one row per case), so nothing here
assumes either: rows are yielded as they come, and callers group them by Case Number.
OpenBoB's generator writes one row per case, for the primary contact (`Self`).

Excel-stored numbers are undone: phone numbers (9165551234.0), ZIP codes (2134 ->
"02134"), case numbers and SSNs come back as digit strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from openbob.sources import normalize as n
from openbob.sources.cells import RawRow, cell_text, is_blank
from openbob.sources.columns import Extracted
from openbob.sources.errors import InvalidValue, MalformedFileError
from openbob.sources.formats import FormatId, FormatSpec, MarkerGroup
from openbob.sources.rows import SourceRow
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.schema import FieldSpec as F
from openbob.sources.schema import Schema
from openbob.sources.source_file import Adapter, SourceFile, open_source
from openbob.sources.vocab import EnrollmentStatus, Program, enrollment_status, program

PACIFIC = ZoneInfo("America/Los_Angeles")

FIELDS = (
    F("first_name", "First Name", n.name, required=True),
    F("middle_name", "Middle Name", n.name),
    F("last_name", "Last Name", n.name, required=True),
    F("dob", "Customer Date of Birth", n.parse_date, ("Date of Birth", "DOB"), sensitive=True),
    F("residence_line1", "Residence Address - Line 1", aliases=("Residence Address",)),
    F("residence_line2", "Residence Address - Line 2"),
    F("residence_city", "Residence Address - City"),
    F("residence_state", "Residence Address - State"),
    F("residence_zip", "Residence Address - Zip", n.zip_code, ("Residence Address - Zip Code",)),
    F("residence_county", "Residence Address - County"),
    F("phone", "Customer Phone Number", n.phone, ("Phone Number", "Primary Phone")),
    F("text_opt_in", "Customer Text Opt-In", n.flag, ("Text Opt-In",)),
    F("secondary_phone", "Customer Secondary Phone", n.phone, ("Secondary Phone",)),
    F("email", "Customer Email", aliases=("Email",)),
    F("mailing_line1", "Mailing Address - Line 1", aliases=("Mailing Address",)),
    F("mailing_line2", "Mailing Address - Line 2"),
    F("mailing_city", "Mailing Address - City"),
    F("mailing_state", "Mailing Address - State"),
    F("mailing_zip", "Mailing Address - Zip", n.zip_code, ("Mailing Address - Zip Code",)),
    F("written_language", "Written Language"),
    F("spoken_language", "Spoken Language"),
    F("case_number", "Case Number", n.identifier, ("Case ID", "CalHEERS Case Number"), True),
    F("application_year", "Application Year", n.integer, ("Plan Year",)),
    F("application_status", "Application Status"),
    F("program_raw", "Program Type", aliases=("Program",)),
    F("household_size", "Household Size", n.integer),
    F("members_enrolled", "Members Enrolled", n.integer),
    F("relationship", "Relationship to Primary Contact", aliases=("Relationship",)),
    F("health_carrier", "Health Plan Carrier", aliases=("Health Carrier", "Carrier")),
    F("health_plan_name", "Health Plan Name", aliases=("Plan Name",)),
    F("metal_tier", "Metal Tier", aliases=("Metal Level",)),
    F("plan_type", "Plan Type"),
    F("health_status_raw", "Health Enrollment Status", aliases=("Enrollment Status",)),
    F("coverage_start", "Coverage Start Date", n.parse_date, ("Effective Date",)),
    F("coverage_end", "Coverage End Date", n.parse_date, ("End Date",)),
    F("gross_premium", "Gross Premium", n.money, ("Premium",)),
    F("aptc", "APTC Amount", n.money, ("APTC",)),
    F("net_premium", "Net Premium", n.money),
    F("binder_status", "Binder Payment Status", aliases=("Binder Status",)),
    F("dental_carrier", "Dental Plan Carrier"),
    F("dental_plan_name", "Dental Plan Name"),
    F("dental_status_raw", "Dental Enrollment Status"),
    F("dental_premium", "Dental Premium", n.money),
    F("csr_level", "CSR Level"),
    F("delegation_date", "Delegation Date", n.parse_date),
    F("agency_name", "Agency Name"),
    F("agent_license_number", "Agent License Number", n.identifier, ("License Number",)),
    F("delegated_agent", "Delegated Agent", n.name, ("Agent Name",), required=True),
    F("agent_email", "Agent Email"),
    F("consent_valid_through", "Consent Valid Through", n.parse_date),
    F("renewal_status", "Renewal Status"),
    F("last_updated", "Last Updated Date", n.parse_date, ("Last Updated",)),
    F("medi_cal_status", "Medi-Cal Status"),
    F("medi_cal_county", "Medi-Cal County"),
    F("verification_due", "Verification Due Date", n.parse_date),
    F("outstanding_verifications", "Outstanding Verifications", n.integer),
    F("notices_pending", "Notices Pending", n.integer),
    F("medicare_eligibility_date", "Medicare Eligibility Date", n.parse_date),
    F("ssn", "Customer SSN", n.ssn, ("SSN",), sensitive=True),
    F("experiencing_homelessness", "Experiencing Homelessness", n.flag, ("Homeless",)),
)
"""The working model's columns, in column order A..BH."""

COLUMNS = tuple(spec.header for spec in FIELDS)
SCHEMA = Schema(FIELDS, null_tokens=frozenset({"null"}))
FORMAT = FormatSpec(
    FormatId.CALHEERS_BOOK,
    SCHEMA,
    (
        MarkerGroup(
            frozenset(
                {
                    "case_number",
                    "delegated_agent",
                    "program_raw",
                    "residence_line1",
                    "dob",
                    "health_status_raw",
                    "aptc",
                    "agent_license_number",
                    "medi_cal_status",
                    "phone",
                    "relationship",
                    "application_year",
                }
            ),
            5,
        ),
    ),
)


@dataclass(slots=True, kw_only=True)
class CalheersRow(SourceRow):
    """One household member's row of a CalHEERS Book of Business."""

    first_name: str | None
    middle_name: str | None
    last_name: str | None
    dob: date | None = field(repr=False)
    residence_line1: str | None
    residence_line2: str | None
    residence_city: str | None
    residence_state: str | None
    residence_zip: str | None
    residence_county: str | None
    phone: str | None
    text_opt_in: bool | None
    secondary_phone: str | None
    email: str | None
    mailing_line1: str | None
    mailing_line2: str | None
    mailing_city: str | None
    mailing_state: str | None
    mailing_zip: str | None
    written_language: str | None
    spoken_language: str | None
    case_number: str | None
    application_year: int | None
    application_status: str | None
    program_raw: str | None
    program: Program | None
    household_size: int | None
    members_enrolled: int | None
    relationship: str | None
    health_carrier: str | None
    health_plan_name: str | None
    metal_tier: str | None
    plan_type: str | None
    health_status_raw: str | None
    health_status: EnrollmentStatus | None
    coverage_start: date | None
    coverage_end: date | None
    gross_premium: Decimal | None
    aptc: Decimal | None
    net_premium: Decimal | None
    binder_status: str | None
    dental_carrier: str | None
    dental_plan_name: str | None
    dental_status_raw: str | None
    dental_status: EnrollmentStatus | None
    dental_premium: Decimal | None
    csr_level: str | None
    delegation_date: date | None
    agency_name: str | None
    agent_license_number: str | None
    delegated_agent: str | None
    agent_email: str | None
    consent_valid_through: date | None
    renewal_status: str | None
    last_updated: date | None
    medi_cal_status: str | None
    medi_cal_county: str | None
    verification_due: date | None
    outstanding_verifications: int | None
    notices_pending: int | None
    medicare_eligibility_date: date | None
    ssn: str | None = field(repr=False)
    experiencing_homelessness: bool | None


def _build(extracted: Extracted, line: int) -> CalheersRow:
    values = extracted.values
    return CalheersRow(
        **values,
        program=program(values["program_raw"]),
        health_status=enrollment_status(values["health_status_raw"]),
        dental_status=enrollment_status(values["dental_status_raw"]),
        line=line,
        extra=extracted.extra,
        errors=extracted.errors,
    )


_FILE_CREATED = re.compile(r"\s*File\s+Created\s*:?\s*(?P<stamp>.*?)\s*", re.IGNORECASE)
_JAVA_STAMP = re.compile(
    r"(?:[A-Za-z]{3}\s+)?(?P<month>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+"
    r"(?P<time>\d{1,2}:\d{2}:\d{2})\s+(?P<zone>[A-Za-z]{1,5})\s+(?P<year>\d{4})"
)
_US_STAMP = re.compile(
    r"(?P<date>\d{1,2}/\d{1,2}/\d{4})\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
    r"\s*(?P<half>[AaPp][Mm])?(?:\s+(?P<zone>[A-Za-z]{1,5}))?"
)
_ZONES = {
    "PST": -8,
    "PDT": -7,
    "MST": -7,
    "MDT": -6,
    "CST": -6,
    "CDT": -5,
    "EST": -5,
    "EDT": -4,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
}


def parse_file_created(stamp: str) -> datetime:
    """The as-of instant of a `File Created` stamp, in Pacific time.

    Accepts Java's `Tue Feb 06 09:29:38 PST 2018` (what CalHEERS writes) and
    `06/01/2024 10:15:42 AM`; a stamp without a zone is Pacific time.
    """
    if match := _JAVA_STAMP.fullmatch(stamp):
        text = f"{match['month']} {match['day']} {match['year']} {match['time']}"
        naive = _strptime(text, "%b %d %Y %H:%M:%S")
        return _in_pacific(naive, match["zone"])
    if match := _US_STAMP.fullmatch(stamp):
        seconds = "" if match["time"].count(":") == 2 else ":00"
        if match["half"]:
            pattern, half = "%m/%d/%Y %I:%M:%S %p", f" {match['half']}"
        else:
            pattern, half = "%m/%d/%Y %H:%M:%S", ""
        naive = _strptime(f"{match['date']} {match['time']}{seconds}{half}", pattern)
        return _in_pacific(naive, match["zone"])
    raise InvalidValue("unrecognised timestamp")


def _strptime(text: str, pattern: str) -> datetime:
    try:
        return datetime.strptime(text, pattern)
    except ValueError:
        raise InvalidValue("no such date or time") from None


def _in_pacific(naive: datetime, zone: str | None) -> datetime:
    if zone is None:
        return naive.replace(tzinfo=PACIFIC)
    hours = _ZONES.get(zone.upper())
    if hours is None:
        raise InvalidValue("unknown time zone")
    try:
        return naive.replace(tzinfo=timezone(timedelta(hours=hours))).astimezone(PACIFIC)
    except OverflowError:
        raise InvalidValue("no such date or time") from None


def _read_as_of(head: Sequence[RawRow], header_row: int, path: Path) -> datetime | None:
    """The `File Created` line above the header, if there is one."""
    for row in head:
        if row.number >= header_row:
            break
        line = " ".join(cell_text(cell).strip() for cell in row.cells if not is_blank(cell))
        if match := _FILE_CREATED.fullmatch(line):
            try:
                return parse_file_created(match["stamp"])
            except InvalidValue as problem:
                raise MalformedFileError(
                    path,
                    f"cannot read the File Created timestamp: {problem.reason}",
                    row=row.number,
                ) from None
    return None


ADAPTER = Adapter(FORMAT, _build, _read_as_of)


def read(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> SourceFile[CalheersRow]:
    """Open a CalHEERS Book of Business; `as_of` is the File Created time."""
    return open_source(Path(path), (ADAPTER,), limits)
