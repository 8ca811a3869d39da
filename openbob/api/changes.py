"""Audited partial updates: the one write path behind every PATCH route."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model

from openbob.accounts.models import User
from openbob.audit.services import record


def apply_changes(*, actor: User, obj: Model, changes: dict[str, Any], action: str) -> list[str]:
    """Set the fields in `changes` that differ, save them, and audit before and after.

    Saving and the audit row share one transaction, so a change is never stored without
    its record (nor recorded without being stored). Returns the changed field names;
    a PATCH that changes nothing writes nothing.
    """
    diff = {name: [getattr(obj, name), new] for name, new in changes.items()}
    diff = {name: pair for name, pair in diff.items() if pair[0] != pair[1]}
    if not diff:
        return []
    with transaction.atomic():
        for name, (_, new) in diff.items():
            setattr(obj, name, new)
        obj.save(update_fields=[*diff, *_auto_now_fields(obj)])
        record(actor=actor, action=action, subject=obj, fields=list(diff), detail={"changes": diff})
    return list(diff)


def _auto_now_fields(obj: Model) -> list[str]:
    """`updated_at`-style fields, which `save(update_fields=…)` only writes when named."""
    return [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
