"""The demo agency: generated exports for two weeks, imported through the real pipeline.

`make demo` shows what an agency manager sees after two weekly imports: one book across
CalHEERS and HealthSherpa, agents and sub-agencies from the roster, and what changed.
Demo only: every account shares one password and one TOTP secret (printed by `bob demo`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from openbob.accounts.mfa import enrol_with_secret
from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.agencies.services import create_agency
from openbob.book.listing import refresh_all
from openbob.imports.ordering import import_order
from openbob.imports.pipeline import ImportResult, import_file
from openbob.sources.generate import generate, snapshot_time

STAFF = (
    ("manager", Role.AGENCY_MANAGER, "Morgan", "Reyes"),
    ("admin2", Role.ADMIN_STAFF_2, "Alex", "Nguyen"),
    ("admin1", Role.ADMIN_STAFF_1, "Jamie", "Patel"),
    ("readonly", Role.READ_ONLY, "Riley", "Chen"),
)
DEMO_DOMAIN = "demo.openbob.test"


@dataclass
class DemoBuild:
    agency: Agency
    results: list[ImportResult] = field(default_factory=list)


def top_agency_name(roster: Path) -> str:
    """The roster's agency without a parent: the agency the whole book belongs to."""
    with roster.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if not row.get("Parent agency name"):
                return row["Agency name"]
    raise ValueError(f"{roster.name} names no top-level agency")


def build_demo(
    files: Path, *, households: int, password: str, totp_secret: str, seed: int = 2026
) -> DemoBuild:
    """Generate two weeks of files into `files` and import them as the demo manager."""
    summary = generate(files, agencies=3, agents=10, consumers=households, weeks=2, seed=seed)
    first = summary.weeks[0]
    roster = next(p for p in first.folder.iterdir() if p.name.startswith("agent_roster"))
    agency = create_agency(name=top_agency_name(roster), site_address="Sacramento, CA 95815")
    manager = _staff(agency, password)
    build = DemoBuild(agency)
    for week in summary.weeks:
        paths = [
            p
            for p in week.folder.iterdir()
            if p.suffix in (".csv", ".xlsx") and not p.name.startswith("clients_")
        ]
        for path in import_order(paths):
            build.results.append(
                import_file(actor=manager, agency=agency, path=path, as_of=snapshot_time(week.week))
            )
    # The import pipeline does not yet keep the Active Consumers row up to date.
    refresh_all()
    for user in User.objects.filter(agency__path__startswith=agency.path):
        user.set_password(password)
        user.save(update_fields=["password"])
        if user.needs_mfa:
            enrol_with_secret(user, totp_secret)
    return build


def _staff(agency: Agency, password: str) -> User:
    users = [
        User.objects.create_user(
            f"{handle}@{DEMO_DOMAIN}",
            password,
            first_name=first,
            last_name=last,
            agency=agency,
            role=role,
            is_primary_contact=role == Role.AGENCY_MANAGER,
        )
        for handle, role, first, last in STAFF
    ]
    return users[0]
