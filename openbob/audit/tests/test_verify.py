"""`bob audit verify` finds every kind of tampering and names the first broken row (D4).

Each tampering runs the way an attacker with DDL rights would: drop the guard, change
the table with plain SQL. A savepoint rolled back afterwards restores rows and guard.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F

from openbob.audit import guard
from openbob.audit.chain import GENESIS, link_hash
from openbob.audit.context import current_request_id
from openbob.audit.models import AuditEvent
from openbob.audit.services import record, row_content
from openbob.audit.verify import ChainReport, Head, verify_chain
from openbob.testing import Personas

pytestmark = pytest.mark.django_db
CHAIN_LENGTH = 24
TAMPERINGS = 100
ID_GAP = 10
COLUMNS = [f.attname for f in AuditEvent._meta.concrete_fields if f.attname != "id"]
EDITS: dict[str, Callable[[Any], Any]] = {
    "at": lambda at: at + timedelta(microseconds=1),
    "actor_id": lambda actor_id: None if actor_id else 1,
    "actor_label": lambda label: label + "x",
    "agency_id": lambda agency_id: (agency_id or 0) + 1,
    "action": lambda action: action + ".x",
    "subject_type": lambda subject_type: subject_type + "x",
    "subject_id": lambda subject_id: subject_id + "0",
    "fields": lambda fields: [*fields, "income"],
    "purpose": lambda purpose: purpose + ".",
    "request_id": lambda request_id: request_id + "x",
    "ip": lambda ip: "203.0.113.9" if ip != "203.0.113.9" else "203.0.113.10",
    "detail": lambda detail: {**detail, "extra": 1},
    "prev_hash": lambda _: secrets.token_hex(32),
    "hash": lambda _: secrets.token_hex(32),
}
assert set(EDITS) == set(COLUMNS), "every column needs an edit in the mutation test"


@pytest.fixture
def chain(personas: Personas) -> list[AuditEvent]:
    """Rows with every kind of content, ids spaced out so forged rows fit between them.

    PostgreSQL leaves such gaps itself whenever an insert rolls back.
    """
    actors = [personas.alice, personas.bob, personas.mallory, None]
    ips = ["192.0.2.1", "2001:db8::1", None]
    for n in range(CHAIN_LENGTH):
        token = current_request_id.set(f"req-{n:04d}-abcdef")
        try:
            record(
                actor=actors[n % len(actors)],
                action=["pii.reveal", "auth.login", "household.update"][n % 3],
                subject=personas.household_a if n % 2 else None,
                fields=["ssn", "dob"][: n % 3],
                purpose=f"Renewal call {n}, naïve ünïcode",
                detail={"member_ids": list(range(n % 5)), "note": n},
                ip=ips[n % len(ips)],
            )
        finally:
            current_request_id.reset(token)
    guard.remove(connection)
    AuditEvent.objects.update(id=-F("id"))
    AuditEvent.objects.update(id=-F("id") * ID_GAP)
    guard.install(connection)
    return list(AuditEvent.objects.order_by("id"))


def _values(row: AuditEvent) -> dict[str, Any]:
    return {column: getattr(row, column) for column in COLUMNS}


def _edit_one_field(rng: random.Random, rows: list[AuditEvent]) -> tuple[int, str]:
    row, column = rng.choice(rows), rng.choice(COLUMNS)
    AuditEvent.objects.filter(pk=row.id).update(**{column: EDITS[column](getattr(row, column))})
    return row.id, f"edit {column} of {row.id}"


def _delete_one_row(rng: random.Random, rows: list[AuditEvent]) -> tuple[int, str]:
    index = rng.randrange(len(rows))
    AuditEvent.objects.filter(pk=rows[index].id).delete()
    # The next row no longer links; the newest row is missed only against the witness.
    expected = rows[index + 1].id if index + 1 < len(rows) else rows[index].id
    return expected, f"delete {rows[index].id}"


def _swap_two_rows(rng: random.Random, rows: list[AuditEvent]) -> tuple[int, str]:
    first, second = (rows[i] for i in sorted(rng.sample(range(len(rows)), 2)))
    AuditEvent.objects.filter(pk=second.id).update(hash="being swapped")  # hash is unique
    AuditEvent.objects.filter(pk=first.id).update(**_values(second))
    AuditEvent.objects.filter(pk=second.id).update(**_values(first))
    return first.id, f"swap {first.id} and {second.id}"


def _insert_a_forged_row(rng: random.Random, rows: list[AuditEvent]) -> tuple[int, str]:
    position = rng.randrange(len(rows) + 1)
    before = rows[position - 1] if position else None
    forged = AuditEvent(**{**_values(rng.choice(rows)), "purpose": "forged"})
    forged.id = (before.id if before else 0) + ID_GAP // 2
    forged.prev_hash = before.hash if before else GENESIS
    guessed_key = b"an attacker's guess at the audit key"
    forged.hash = link_hash(guessed_key, forged.prev_hash, row_content(forged))
    forged.save(force_insert=True)
    return forged.id, f"forge {forged.id}"


TAMPERINGS_BY_KIND = {
    "edit": _edit_one_field,
    "delete": _delete_one_row,
    "swap": _swap_two_rows,
    "forge": _insert_a_forged_row,
}


def _tamper_and_verify(
    kind: str, rng: random.Random, rows: list[AuditEvent]
) -> tuple[int, str, ChainReport]:
    with transaction.atomic():
        guard.remove(connection)
        expected, what = TAMPERINGS_BY_KIND[kind](rng, rows)
        report = verify_chain(witnessed=Head(rows[-1].id, rows[-1].hash), chunk_size=5)
        transaction.set_rollback(True)
    return expected, what, report


def test_a_hundred_random_tamperings_are_all_detected_at_the_right_row(
    chain: list[AuditEvent],
) -> None:
    rng = random.Random(20261123)
    kinds: Counter[str] = Counter()
    missed = []
    for _ in range(TAMPERINGS):
        kind = rng.choice(list(TAMPERINGS_BY_KIND))
        kinds[kind] += 1
        expected, what, report = _tamper_and_verify(kind, rng, chain)
        if report.broken_id != expected:
            missed.append((what, report))
    assert missed == []
    assert sum(kinds.values()) == TAMPERINGS and set(kinds) == set(TAMPERINGS_BY_KIND)
    assert verify_chain().intact, "every tampering was rolled back"


def test_an_untouched_chain_is_intact_with_its_count_and_head(chain: list[AuditEvent]) -> None:
    report = verify_chain(chunk_size=7)
    assert report.intact
    assert report.checked == CHAIN_LENGTH
    assert report.head == Head(chain[-1].id, chain[-1].hash)


def test_an_empty_trail_is_intact() -> None:
    assert verify_chain() == ChainReport(checked=0, head=None)


def test_the_command_prints_the_count_and_the_head(chain: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip() == (
        f"Audit chain intact: {CHAIN_LENGTH} rows; head {chain[-1].id}:{chain[-1].hash}."
    )


def _verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify", *args)
    assert failed.value.returncode == 1
    return str(failed.value)


def test_the_command_exits_1_naming_the_first_broken_row(chain: list[AuditEvent]) -> None:
    guard.remove(connection)
    AuditEvent.objects.filter(pk=chain[5].id).update(purpose="nothing to see")
    AuditEvent.objects.filter(pk=chain[9].id).delete()
    guard.install(connection)
    assert _verify_fails().startswith(f"Audit chain broken at row {chain[5].id}: content")


def test_the_command_exits_1_when_rows_were_cut_off_after_the_witnessed_head(
    chain: list[AuditEvent],
) -> None:
    witnessed = f"{chain[-1].id}:{chain[-1].hash}"
    guard.remove(connection)
    AuditEvent.objects.filter(pk__gte=chain[-3].id).delete()
    guard.install(connection)
    call_command("audit", "verify", stdout=StringIO())  # the shortened chain is a chain
    assert "witnessed head row is missing" in _verify_fails("--head", witnessed)


def test_the_command_exits_1_when_the_guard_is_missing(chain: list[AuditEvent]) -> None:
    guard.remove(connection)
    assert "guard is missing" in _verify_fails()


def test_the_command_refuses_a_malformed_head() -> None:
    with pytest.raises(CommandError, match="<row id>:<64 hex digits>"):
        call_command("audit", "verify", "--head", "12:not-a-hash")


def test_a_row_verifies_whatever_spelling_of_an_address_it_was_recorded_with() -> None:
    for ip in ["2001:0DB8:0000:0000:0000:0000:0000:0001", "::ffff:192.0.2.1", "192.0.2.1"]:
        record(actor=None, action="auth.login", ip=ip)
    assert verify_chain().intact
