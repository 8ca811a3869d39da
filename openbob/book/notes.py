"""Notes on a household: anyone who may edit the household adds them; none is edited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from openbob.accounts.models import User
from openbob.audit.services import record
from openbob.book.models import Note
from openbob.book.scoping import Action, get_household_for

MAX_NOTE = 4000


@transaction.atomic
def add_note(*, actor: User, household_pk: object, body: str) -> Note:
    """Add a note (404 outside scope, 403 for read-only roles); audited without its text.

    The text stays out of the audit row: an agent may have typed PII into it, and the
    audit log is read by more people than the household page.
    """
    household = get_household_for(actor, household_pk, action=Action.EDIT)
    text = body.strip()
    if not text:
        raise ValidationError("Write something in the note.")
    if len(text) > MAX_NOTE:
        raise ValidationError(f"Keep a note under {MAX_NOTE} characters.")
    note = Note.objects.create(household=household, author=actor, body=text)
    record(actor=actor, action="note.add", subject=household, detail={"note": note.pk})
    return note
