"""Writing audit rows. Every audited act in OpenBoB goes through `record`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import GenericIPAddressField, Model
from django.utils import timezone

from openbob.accounts.models import User
from openbob.audit.chain import GENESIS, link_hash
from openbob.audit.context import current_request_id
from openbob.audit.models import AuditEvent


def audit_key() -> bytes:
    """The HMAC key of the chain; it lives outside the database, like the field keys."""
    return str(settings.OPENBOB_AUDIT_KEY).encode()


def row_content(event: AuditEvent) -> dict[str, Any]:
    """The content a row's hash covers; `bob audit verify` recomputes it from the row."""
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "agency": event.agency_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "fields": list(event.fields),
        "purpose": event.purpose,
        "request_id": event.request_id,
        "ip": event.ip,
        "detail": event.detail,
    }


def _as_stored(ip: str | None) -> str | None:
    """The address as the database hands it back (IPv6 compressed, lower case).

    The hash is computed before the row is saved and recomputed by `verify` from the
    loaded row, so both must see the same spelling.
    """
    field = AuditEvent._meta.get_field("ip")
    assert isinstance(field, GenericIPAddressField)
    return field.to_python(ip) if ip else None


def _lock_chain() -> None:
    """Serialise appends so two writers never link to the same previous row.

    SQLite already serialises writers (IMMEDIATE transactions); PostgreSQL takes a
    transaction-scoped advisory lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x0B0B_A0D1])


def record(
    *,
    actor: User | None,
    action: str,
    subject: Model | None = None,
    fields: Sequence[str] = (),
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit row, linked into the hash chain, in the caller's transaction."""
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            at=timezone.now(),
            actor=actor,
            actor_label=actor_label or (actor.email if actor is not None else "system"),
            agency_id=actor.agency_id if actor is not None else None,
            action=action,
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            fields=list(fields),
            purpose=purpose,
            request_id=current_request_id.get(),
            ip=_as_stored(ip),
            detail=detail or {},
            prev_hash=last or GENESIS,
        )
        event.hash = link_hash(audit_key(), event.prev_hash, row_content(event))
        event.save()
    return event
