"""Any other layout (carrier book-of-business files and the like), read through a mapping.

Carriers change their layouts every year, so none is built in. A user maps a new layout
once: a *mapping profile* is plain data, ``{target field: source header}``, JSON-ready,
stored and reused for the next file of that layout. `propose_mapping` suggests one from
a header row by normalised name and alias similarity; the user confirms or corrects it.

The targets are the fields the book needs from such files (`TARGETS`); the rows are
`MappedRow`s with every target typed (unmapped ones None) and the other columns kept in
`extra`. Statuses keep the carrier's word and add the normalised `EnrollmentStatus`
(Active -> effectuated, Unpaid binder -> pending, ...), and 12/31/9999 reads as "no
end date".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

from openbob.sources import normalize as n
from openbob.sources.columns import Extracted
from openbob.sources.formats import FormatId, FormatSpec, MarkerGroup
from openbob.sources.rows import SourceRow
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.schema import FieldSpec as F
from openbob.sources.schema import Schema, normalize_header
from openbob.sources.source_file import Adapter, SourceFile, open_source
from openbob.sources.vocab import EnrollmentStatus, enrollment_status

MappingProfile = dict[str, str]

TARGETS = (
    F("first_name", "First Name", n.name, ("Subscriber First Name", "Given Name", "FName")),
    F("middle_name", "Middle Name", n.name, ("Middle Initial", "MI")),
    F("last_name", "Last Name", n.name, ("Subscriber Last Name", "Surname", "LName")),
    F("full_name", "Full Name", n.name, ("Name", "Member Name", "Subscriber Name", "Insured")),
    F(
        "dob",
        "Date of Birth",
        n.parse_date,
        ("DOB", "Birth Date", "Birthdate", "Member DOB", "Subscriber DOB"),
        sensitive=True,
    ),
    F("ssn", "SSN", n.ssn, ("Social Security Number", "Member SSN"), sensitive=True),
    F("gender", "Gender", aliases=("Sex",)),
    F("relationship", "Relationship", aliases=("Relationship Code", "Member Relationship")),
    F("phone", "Phone", n.phone, ("Phone Number", "Home Phone", "Primary Phone", "Telephone")),
    F("email", "Email", aliases=("Email Address", "E-mail", "Member Email")),
    F("address_line1", "Address Line 1", aliases=("Address", "Address 1", "Street Address")),
    F("address_line2", "Address Line 2", aliases=("Address 2", "Apt", "Unit", "Suite")),
    F("city", "City"),
    F("state", "State", aliases=("ST",)),
    F("zip_code", "ZIP Code", n.zip_code, ("Zip", "Postal Code", "Zip5")),
    F("county", "County"),
    F("case_number", "Case Number", n.identifier, ("Case ID",)),
    F(
        "ffm_app_id",
        "FFM Application ID",
        n.identifier,
        ("ffm_app_id", "Federal Exchange ID", "Exchange ID", "Marketplace ID", "Application ID"),
    ),
    F("policy_id", "Policy ID", n.identifier, ("Policy Number", "Contract Number", "Policy #")),
    F("subscriber_id", "Subscriber ID", n.identifier, ("Subscriber Number", "Subscriber #")),
    F("member_id", "Member ID", n.identifier, ("Member Number", "Member #")),
    F("carrier", "Carrier", aliases=("Issuer", "Insurance Company", "Carrier Name")),
    F("plan_name", "Plan Name", aliases=("Plan", "Product", "Product Name", "Plan Description")),
    F("hios_plan_id", "HIOS Plan ID", n.identifier, ("HIOS ID", "Plan ID")),
    F("metal_tier", "Metal Tier", aliases=("Metal Level", "Metal")),
    F(
        "effective_date",
        "Effective Date",
        n.parse_date,
        ("Coverage Start Date", "Start Date", "Eff Date", "Policy Effective Date"),
    ),
    F(
        "end_date",
        "End Date",
        n.parse_date,
        ("Term Date", "Termination Date", "Coverage End Date", "Expiration Date"),
    ),
    F("paid_through_date", "Paid Through Date", n.parse_date, ("Paid Through", "Paid To Date")),
    F("status_raw", "Status", aliases=("Policy Status", "Member Status", "Coverage Status")),
    F("payment_status", "Payment Status", aliases=("Billing Status", "Premium Status")),
    F("gross_premium", "Gross Premium", n.money, ("Premium", "Total Premium", "Monthly Premium")),
    F("aptc", "APTC", n.money, ("APTC Amount", "Subsidy", "Tax Credit", "Premium Tax Credit")),
    F(
        "net_premium",
        "Net Premium",
        n.money,
        (
            "Member Responsibility",
            "Premium - Customer Responsibility",
            "Member Premium",
            "Customer Responsibility",
        ),
    ),
    F("agent_name", "Agent Name", n.name, ("Writing Agent", "Broker Name", "Producer Name")),
    F("agent_npn", "Agent NPN", n.npn, ("NPN", "Writing Agent NPN", "Broker NPN")),
    F("household_size", "Household Size", n.integer, ("Family Size",)),
)
"""The fields a mapping profile may fill, with the names carriers are known to use."""

TARGET_SCHEMA = Schema(TARGETS)
_TARGETS_BY_NAME = {spec.name: spec for spec in TARGETS}
_SIMILAR_ENOUGH = 0.85
_CONTAINED = 0.9
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(slots=True, kw_only=True)
class MappedRow(SourceRow):
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    full_name: str | None
    dob: date | None = field(repr=False)
    ssn: str | None = field(repr=False)
    gender: str | None
    relationship: str | None
    phone: str | None
    email: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    county: str | None
    case_number: str | None
    ffm_app_id: str | None
    policy_id: str | None
    subscriber_id: str | None
    member_id: str | None
    carrier: str | None
    plan_name: str | None
    hios_plan_id: str | None
    metal_tier: str | None
    effective_date: date | None
    end_date: date | None
    paid_through_date: date | None
    status_raw: str | None
    status: EnrollmentStatus | None
    payment_status: str | None
    gross_premium: Decimal | None
    aptc: Decimal | None
    net_premium: Decimal | None
    agent_name: str | None
    agent_npn: str | None
    household_size: int | None


def _words(label: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_CAMEL.sub(" ", label).casefold()))


def _similarity(header: str, spec: F) -> float:
    """1.0 for a known name, 0.9 when the header contains a known multi-word name, else
    the closest string similarity to a known name."""
    key = normalize_header(header)
    labels = (spec.header, *spec.aliases)
    if key in spec.match_keys():
        return 1.0
    words = _words(header)
    if any(len(known) > 1 and known <= words for known in map(_words, labels)):
        return _CONTAINED
    return max(SequenceMatcher(None, key, known).ratio() for known in spec.match_keys())


def propose_mapping(headers: Sequence[str]) -> MappingProfile:
    """A suggested profile for a header row: each target gets its most similar header,
    each header (compared normalised) serves one target, best matches first."""
    candidates = sorted(
        (-score, order, normalize_header(header), spec.name, header.strip())
        for header in headers
        if normalize_header(header)
        for order, spec in enumerate(TARGETS)
        if (score := _similarity(header, spec)) >= _SIMILAR_ENOUGH
    )
    profile: MappingProfile = {}
    used: set[str] = set()
    for _, _, key, target, header in candidates:
        if target not in profile and key not in used:
            profile[target] = header
            used.add(key)
    return {spec.name: profile[spec.name] for spec in TARGETS if spec.name in profile}


def profile_schema(profile: Mapping[str, str]) -> Schema:
    """The schema reading exactly the profile's headers; every mapped header is required."""
    unknown = sorted(set(profile) - set(_TARGETS_BY_NAME))
    if unknown:
        raise ValueError(f"unknown target field(s) in mapping profile: {', '.join(unknown)}")
    fields = []
    for spec in TARGETS:
        header = profile.get(spec.name)
        if header is not None:
            if not normalize_header(header):
                raise ValueError(f"mapping profile header for {spec.name!r} is blank")
            fields.append(F(spec.name, header, spec.parse, required=True, sensitive=spec.sensitive))
    if not fields:
        raise ValueError("mapping profile maps no field")
    return Schema(tuple(fields))


def _build(extracted: Extracted, line: int) -> MappedRow:
    values = dict.fromkeys(_TARGETS_BY_NAME) | extracted.values
    return MappedRow(
        **values,
        status=enrollment_status(values["status_raw"]),
        line=line,
        extra=extracted.extra,
        errors=extracted.errors,
    )


def adapter(profile: Mapping[str, str]) -> Adapter[MappedRow]:
    """An adapter for the layout a profile describes; its header row is the first row
    naming any mapped header."""
    schema = profile_schema(profile)
    spec = FormatSpec(FormatId.GENERIC, schema, (MarkerGroup(schema.field_names(), 1),))
    return Adapter(spec, _build)


def read(
    path: str | Path, profile: Mapping[str, str], *, limits: Limits = DEFAULT_LIMITS
) -> SourceFile[MappedRow]:
    """Open any CSV/TSV/.xlsx through a mapping profile."""
    return open_source(Path(path), (adapter(profile),), limits)
