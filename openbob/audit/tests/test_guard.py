"""The database itself refuses to change or remove audit rows (D4), on both vendors."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from openbob.audit import guard
from openbob.audit.models import AuditEvent
from openbob.audit.services import record

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE and GRANT exist only on PostgreSQL"
)


@pytest.fixture
def event() -> AuditEvent:
    return record(actor=None, action="test.event", purpose="guard test")


def test_the_migrations_install_the_guard() -> None:
    assert guard.is_installed(connection)


def test_updating_an_audit_row_is_refused(event: AuditEvent) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="rewritten")
    event.refresh_from_db()
    assert event.purpose == "guard test"


def test_deleting_an_audit_row_is_refused(event: AuditEvent) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_cannot_delete_audit_rows_either(event: AuditEvent) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {guard.TABLE}")  # noqa: S608
    assert AuditEvent.objects.count() == 1


def test_appending_still_works_under_the_guard(event: AuditEvent) -> None:
    record(actor=None, action="test.event")
    assert AuditEvent.objects.count() == 2


@postgresql_only
def test_truncate_is_refused_on_postgresql(event: AuditEvent) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {guard.TABLE}")
    assert AuditEvent.objects.count() == 1


@postgresql_only
def test_installing_revokes_update_delete_and_truncate_from_public() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {guard.TABLE} TO PUBLIC")
        guard.install(connection)
        cursor.execute(
            "SELECT has_table_privilege('public', %s, 'UPDATE'),"
            " has_table_privilege('public', %s, 'DELETE'),"
            " has_table_privilege('public', %s, 'TRUNCATE')",
            [guard.TABLE] * 3,
        )
        assert cursor.fetchone() == (False, False, False)


def test_removing_the_guard_lets_rows_change_and_installing_it_again_stops_that(
    event: AuditEvent,
) -> None:
    guard.remove(connection)
    assert not guard.is_installed(connection)
    AuditEvent.objects.filter(pk=event.pk).update(purpose="rewritten")
    guard.install(connection)
    guard.install(connection)  # idempotent
    assert guard.is_installed(connection)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="again")


def test_a_flush_is_refused_while_the_guard_stands(event: AuditEvent) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("flush", interactive=False, verbosity=0)
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_flush_after_lifting_the_guard_reinstalls_it(event: AuditEvent) -> None:
    guard.remove(connection)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert guard.is_installed(connection)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_that_commits_audit_rows_is_still_flushed_afterwards() -> None:
    record(actor=None, action="test.event")
    assert guard.is_installed(connection)
