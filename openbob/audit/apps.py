from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from openbob.audit import guard


def _reinstall_guard(*, using: str, **kwargs: Any) -> None:
    """Put the append-only guard back after `migrate` or `flush` (see `audit.guard`).

    A flush must lift the guard to empty the table (tests do, between transactional
    tests); Django emits post_migrate right after it, so the guard returns at once.
    """
    connection = connections[using]
    if guard.TABLE in connection.introspection.table_names():
        guard.install(connection)


class AuditConfig(AppConfig):
    name = "openbob.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_guard, sender=self, dispatch_uid="openbob.audit.guard")
