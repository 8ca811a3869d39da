"""Named personas and sign-in helpers shared by the whole test suite.

Like healthchecks' ``hc/test.py``: every test speaks of the same people.

* alice   — Agency Manager of agency A (sees A and every sub-agency below it)
* sam     — Admin Staff Level 2 in A (roster, book, transfers within A)
* rita    — read-only staff in A (sees A's book, may change nothing)
* bob     — Certified Agent in sub-agency A1 (sees the households delegated to him)
* carol   — Certified Agent in A
* mallory — Agency Manager of agency B, an outsider: must never see anything of A's
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from openbob.accounts.middleware import LOGIN_AT, MFA_VERIFIED
from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.agencies.services import create_agency
from openbob.book.choices import DelegationStatus, Program
from openbob.book.models import Delegation, Household, Member
from openbob.book.pii import encrypt_dob, encrypt_income, encrypt_text, identity_index, ssn_index
from openbob.imports.choices import ImportStatus
from openbob.imports.models import ImportRun, Snapshot
from openbob.lib.weeks import snapshot_week

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - test fixture


@dataclass
class Personas:
    agency_a: Agency
    agency_a1: Agency
    agency_b: Agency
    alice: User
    sam: User
    rita: User
    bob: User
    carol: User
    mallory: User
    household_a: Household
    household_a1: Household
    household_b: Household


def make_user(email: str, role: str, agency: Agency, *, password: str | None = None) -> User:
    first, _, last = email.partition("@")[0].partition(".")
    return User.objects.create_user(
        email,
        password,
        first_name=first.title(),
        last_name=(last or "Tester").title(),
        agency=agency,
        role=role,
    )


def make_household(
    agency: Agency,
    agent: User | None,
    *,
    name: str = "Maria Lopez",
    ssn: str = "912345678",
    dob: date = date(1980, 5, 17),
) -> Household:
    """A household with one primary member carrying (fake, 9xx) encrypted PII."""
    first, last = name.split(" ", 1)
    hh = Household.objects.create(
        agency=agency,
        agent=agent,
        case_number=f"C{Household.objects.count() + 1000:07d}",
        application_year=2026,
        program=Program.COVERED_CALIFORNIA,
        primary_name=name,
        income_encrypted=encrypt_income(None),
    )
    Member.objects.create(
        household=hh,
        is_primary=True,
        first_name=first,
        last_name=last,
        dob_encrypted=encrypt_dob(dob),
        birth_year=dob.year,
        ssn_encrypted=encrypt_text(ssn),
        ssn_last4=ssn[-4:],
        ssn_index=ssn_index(ssn),
        identity_index=identity_index(first, last, dob),
    )
    Delegation.objects.create(
        household=hh, agency=agency, agent=agent, status=DelegationStatus.ACTIVE
    )
    return hh


def make_snapshot(
    agency: Agency, name: str, when: datetime, *, source: str, actor: User | None = None
) -> Snapshot:
    """An agency-wide snapshot of `source` as of `when`, from a succeeded import run named
    `name`, with no entries: for tests and benchmarks that write entries themselves."""
    run = ImportRun.objects.create(
        agency=agency,
        actor=actor,
        file_name=name,
        sha256=name.ljust(64, "0")[:64],
        format=source,
        scope=f"agency:{agency.pk}",
        as_of=when,
        week=snapshot_week(when),
        status=ImportStatus.SUCCEEDED,
    )
    return Snapshot.objects.create(
        run=run,
        agency=agency,
        source=source,
        scope=run.scope,
        as_of=when,
        week=snapshot_week(when),
    )


def build_personas(*, password: str | None = None) -> Personas:
    agency_a = create_agency(name="Agency A")
    agency_a1 = create_agency(name="Agency A1", parent=agency_a)
    agency_b = create_agency(name="Agency B")
    alice = make_user("alice@a.test", Role.AGENCY_MANAGER, agency_a, password=password)
    sam = make_user("sam@a.test", Role.ADMIN_STAFF_2, agency_a, password=password)
    rita = make_user("rita@a.test", Role.READ_ONLY, agency_a, password=password)
    bob = make_user("bob@a1.test", Role.AGENT, agency_a1, password=password)
    carol = make_user("carol@a.test", Role.AGENT, agency_a, password=password)
    mallory = make_user("mallory@b.test", Role.AGENCY_MANAGER, agency_b, password=password)
    return Personas(
        agency_a=agency_a,
        agency_a1=agency_a1,
        agency_b=agency_b,
        alice=alice,
        sam=sam,
        rita=rita,
        bob=bob,
        carol=carol,
        mallory=mallory,
        household_a=make_household(agency_a, carol, name="Ana Alvarez", ssn="912000001"),
        household_a1=make_household(agency_a1, bob, name="Ben Brooks", ssn="912000002"),
        household_b=make_household(agency_b, mallory, name="Bea Baker", ssn="912000003"),
    )


def sign_in(client: Client, user: User) -> Client:
    """Log `user` in as if they had passed the password and TOTP steps."""
    client.force_login(user)
    session = client.session
    session[LOGIN_AT] = time.time()
    session[MFA_VERIFIED] = True
    session.save()
    return client


class SmtpInbox:
    """What the loopback aiosmtpd server of the `smtp` fixture received."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def needs_concurrent_writers() -> None:
    """Skip a thread-race test on the in-memory SQLite test database.

    Threads writing at once to an in-memory SQLite database fail with "table is locked"
    (it has no WAL and one shared cache), which says nothing about a deployed SQLite
    file; the same race runs for real on PostgreSQL, and process races cover SQLite files.
    """
    from django.db import connection
    from django.db.backends.sqlite3.creation import DatabaseCreation

    if connection.vendor == "sqlite" and DatabaseCreation.is_in_memory_db(
        connection.settings_dict["NAME"]
    ):
        pytest.skip("an in-memory SQLite test database cannot take concurrent writers")
