"""The database-side guard that makes the audit table append-only.

Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the audit table, so
not even a bug in our own code, a stray `bob shell` or a `bob flush` can rewrite
history; the hash chain (`bob audit verify`) catches whoever drops the guard first.
On PostgreSQL the guard also revokes those privileges from PUBLIC; the INSERT-only
grant for a separate least-privilege app role is a deployment step (docs/security.md).

The table name is spelled out rather than read from the model because migration 0002
calls `install`, and a migration must not change meaning when the model does.

Installing is idempotent. Besides migration 0002, `AuditConfig` re-installs the guard
after every `migrate` and `flush` (the post_migrate signal), so a test database flushed
between transactional tests gets it back, as does a database whose guard an operator
lifted for maintenance.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
_REFUSAL = f"{TABLE} is append-only"
_PG_FUNCTION = f"{TABLE}_refuse_change"


@dataclass(frozen=True)
class _Dialect:
    """How one database vendor creates, drops and lists the guard's triggers."""

    install: tuple[str, ...]
    remove: tuple[str, ...]
    list_triggers: str
    triggers: frozenset[str]


def _sqlite() -> _Dialect:
    operations = {f"{TABLE}_no_update": "UPDATE", f"{TABLE}_no_delete": "DELETE"}
    return _Dialect(
        install=tuple(
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}: {operation} refused'); END"
            for name, operation in operations.items()
        ),
        remove=tuple(f"DROP TRIGGER IF EXISTS {name}" for name in operations),
        list_triggers="SELECT name FROM sqlite_master WHERE type = 'trigger'",
        triggers=frozenset(operations),
    )


def _postgresql() -> _Dialect:
    timings = {
        f"{TABLE}_no_update_delete": f"BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW",
        f"{TABLE}_no_truncate": f"BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT",
    }
    return _Dialect(
        install=(
            # SQLSTATE 23000, so that both vendors raise IntegrityError.
            f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{_REFUSAL}: % refused', TG_OP "
            f"USING ERRCODE = 'integrity_constraint_violation'; END $$",
            *(
                f"CREATE OR REPLACE TRIGGER {name} {timing} EXECUTE FUNCTION {_PG_FUNCTION}()"
                for name, timing in timings.items()
            ),
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC",
        ),
        remove=(
            *(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in timings),
            f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()",
        ),
        list_triggers=f"SELECT tgname FROM pg_trigger WHERE tgrelid = '{TABLE}'::regclass",  # noqa: S608 - a constant
        triggers=frozenset(timings),
    )


def _dialect(connection: BaseDatabaseWrapper) -> _Dialect:
    if connection.vendor == "sqlite":
        return _sqlite()
    if connection.vendor == "postgresql":
        return _postgresql()
    raise NotSupportedError(f"The audit guard knows SQLite and PostgreSQL, not {connection.vendor}")


def _execute(connection: BaseDatabaseWrapper, statements: tuple[str, ...]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (and, on PostgreSQL, revoke from PUBLIC); safe to repeat."""
    _execute(connection, _dialect(connection).install)


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers: only for a test flush or a deliberate, documented maintenance."""
    _execute(connection, _dialect(connection).remove)


def is_installed(connection: BaseDatabaseWrapper) -> bool:
    """True when every trigger of the guard exists (`bob audit verify` checks this)."""
    dialect = _dialect(connection)
    with connection.cursor() as cursor:
        cursor.execute(dialect.list_triggers)
        present = {row[0] for row in cursor.fetchall()}
    return dialect.triggers <= present
