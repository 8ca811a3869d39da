"""Key rotation (E2): `bob keys rotate` re-encrypts every ciphertext under the primary
key, resumes after a kill, rewrites nothing the second time, and afterwards the old key
can be removed with every row still readable."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from openbob.accounts.models import TotpDevice
from openbob.audit.tests.scratch import Scratch, scratch
from openbob.book.keys import (
    ENCRYPTED_TABLES,
    RotationError,
    TableRotation,
    _rotate_row,
    rotate_all,
)
from openbob.book.models import Household, Member
from openbob.book.pii import encrypt_text
from openbob.lib.crypto import KeyRing, generate_key
from openbob.testing import Personas

HOUSEHOLDS = 3_400  # one to five members each: a little over 10,000 members
_COUNTS = re.compile(r"^(\S+): [\d,]+ rows read, ([\d,]+) re-encrypted", re.MULTILINE)
_ADD_TOTP_DEVICES = """
import pyotp
from openbob.accounts.models import TotpDevice, User
from openbob.book.pii import encrypt_text
for user in User.objects.order_by("pk")[:5]:
    TotpDevice.objects.create(user=user, secret_encrypted=encrypt_text(pyotp.random_base32()))
"""

Location = tuple[str, int, str]  # (table, row id, column)


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Scratch]:
    """A SQLite file installation with ~10,000 members and a few TOTP devices."""
    with scratch("sqlite", tmp_path) as install:
        install.bob("migrate", "--verbosity", "0")
        install.bob("seed", "--consumers", str(HOUSEHOLDS))
        install.bob("shell", "--command", _ADD_TOTP_DEVICES)
        yield install


def _tokens(install: Scratch) -> dict[Location, str]:
    """Every stored ciphertext, read straight from the database."""
    tokens: dict[Location, str] = {}
    for table in ENCRYPTED_TABLES:
        name, columns = table.model._meta.db_table, table.columns
        for pk, *values in install.rows(f"SELECT id, {', '.join(columns)} FROM {name}"):  # noqa: S608
            tokens |= {(name, pk, c): v for c, v in zip(columns, values, strict=True) if v}
    return tokens


def _stale_rows(install: Scratch, ring: KeyRing) -> set[tuple[str, int]]:
    return {(t, pk) for (t, pk, _), v in _tokens(install).items() if ring.needs_rotation(v)}


def _rotate(install: Scratch, keys: str, printed: list[str]) -> dict[str, int]:
    """Run `bob keys rotate` to the end; returns rows re-encrypted per table."""
    done = install.bob("keys", "rotate", OPENBOB_FIELD_KEYS=keys)
    printed.append(done.stdout + done.stderr)
    return {label: int(count.replace(",", "")) for label, count in _COUNTS.findall(done.stdout)}


def _kill_midway(install: Scratch, keys: str, printed: list[str]) -> None:
    """Start a rotation and SIGKILL it as soon as its first batch has committed."""
    ring = KeyRing.from_string(keys)
    run = install.start_bob("keys", "rotate", "--batch-size", "50", OPENBOB_FIELD_KEYS=keys)
    first = "SELECT ssn_encrypted FROM book_member ORDER BY id LIMIT 1"
    while run.poll() is None and ring.needs_rotation(install.rows(first)[0][0]):
        time.sleep(0.005)
    run.send_signal(signal.SIGKILL)
    printed.extend(run.communicate())
    assert run.returncode == -signal.SIGKILL, "the rotation finished before it could be killed"


def test_a_killed_rotation_resumes_and_then_the_old_key_can_go(seeded: Scratch) -> None:
    """GIVEN ~10,000 members, their households and TOTP devices under key k1,
    WHEN a rotation to k2 is killed midway and run again, twice,
    THEN the second run finishes exactly what is left, the third rewrites nothing, every
    value reads the same with k2 alone, and no run printed a value."""
    old = seeded.secret("OPENBOB_FIELD_KEYS")
    new = f"k2:{generate_key()}"
    both, printed = f"{new},{old}", list[str]()
    before = {at: KeyRing.from_string(old).decrypt(v) for at, v in _tokens(seeded).items()}
    stale = _stale_rows(seeded, KeyRing.from_string(both))
    assert sum(table == "book_member" for table, _ in stale) >= 10_000

    _kill_midway(seeded, both, printed)
    left = _stale_rows(seeded, KeyRing.from_string(both))
    assert 0 < len(left) < len(stale)
    assert sum(_rotate(seeded, both, printed).values()) == len(left)
    assert _rotate(seeded, both, printed) == {t.label: 0 for t in ENCRYPTED_TABLES}

    without_old_key = KeyRing.from_string(new)
    assert {at: without_old_key.decrypt(v) for at, v in _tokens(seeded).items()} == before
    assert sum(_rotate(seeded, new, printed).values()) == 0
    assert [value for value in set(before.values()) if value in "".join(printed)] == []


@pytest.fixture
def two_keys() -> KeyRing:
    """A new primary key in front of the test settings' key, as an operator would add it."""
    return KeyRing.from_string(f"k2:{generate_key()},{settings.OPENBOB_FIELD_KEYS}")


def _rotate_in_process(ring: KeyRing) -> list[TableRotation]:
    return rotate_all(ring=ring, batch_size=2, progress=lambda counts: None)


def test_rotation_moves_every_encrypted_column_to_the_primary_key(
    personas: Personas, two_keys: KeyRing
) -> None:
    TotpDevice.objects.create(user=personas.alice, secret_encrypted=encrypt_text("SEED1234"))
    old = KeyRing.from_string(settings.OPENBOB_FIELD_KEYS)
    columns = [(t.model, c) for t in ENCRYPTED_TABLES for c in t.columns]
    before = {
        (m, c, pk): old.decrypt(v)
        for m, c in columns
        for pk, v in m._default_manager.values_list("pk", c)
        if v
    }
    counts = _rotate_in_process(two_keys)
    assert {c.label: c.rotated for c in counts} == {
        "book.Member": Member.objects.count(),
        "book.Household": Household.objects.exclude(income_encrypted="").count(),
        "accounts.TotpDevice": 1,
    }
    after = {
        (m, c, pk): v for m, c in columns for pk, v in m._default_manager.values_list("pk", c) if v
    }
    assert not any(two_keys.needs_rotation(v) for v in after.values())
    assert {at: two_keys.decrypt(v) for at, v in after.items()} == before
    assert sum(c.rotated for c in _rotate_in_process(two_keys)) == 0


def test_a_row_changed_after_it_was_read_is_not_overwritten(
    personas: Personas, two_keys: KeyRing
) -> None:
    member = Member.objects.filter(household=personas.household_a).get()
    read = (member.ssn_encrypted, member.dob_encrypted)
    Member.objects.filter(pk=member.pk).update(ssn_encrypted=encrypt_text("912999999"))
    counts = TableRotation("book.Member", total=1)
    _rotate_row(ENCRYPTED_TABLES[0], two_keys, member.pk, read, counts)
    assert (counts.rotated, counts.changed) == (0, 1)
    member.refresh_from_db()
    assert two_keys.decrypt(member.ssn_encrypted) == "912999999"


def test_a_ciphertext_no_key_opens_stops_rotation_naming_the_row_but_no_value(
    personas: Personas, two_keys: KeyRing
) -> None:
    member = Member.objects.filter(household=personas.household_a).get()
    Member.objects.filter(pk=member.pk).update(ssn_encrypted=member.ssn_encrypted[:-2] + "AA")
    with pytest.raises(RotationError, match=rf"^book.Member {member.pk} ssn_encrypted: Token"):
        _rotate_in_process(two_keys)


def test_keys_generate_prints_an_entry_a_key_ring_accepts() -> None:
    out = StringIO()
    call_command("keys", "generate", "--id", "k7", stdout=out)
    assert KeyRing.from_string(out.getvalue().strip()).primary_id == "k7"


def test_keys_generate_refuses_an_id_a_key_ring_would_not_accept() -> None:
    with pytest.raises(CommandError, match="lowercase letters or digits"):
        call_command("keys", "generate", "--id", "K_7")
