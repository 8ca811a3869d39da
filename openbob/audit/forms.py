"""The audit page's filters: action, actor and a date range (whole UTC days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet

from openbob.accounts.models import User
from openbob.audit.models import AuditEvent
from openbob.book.scoping import enrollers_visible_to


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class _ActorField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.email


class AuditFilterForm(forms.Form):
    """Narrows an already scoped list of events; never widens it.

    The actor choices are the enrollers the manager may see, so a filter cannot even
    name someone from another agency.
    """

    action = forms.CharField(required=False, max_length=60)
    actor = _ActorField(queryset=User.objects.none(), required=False)
    since = forms.DateField(required=False, label="From (UTC)")
    until = forms.DateField(required=False, label="To (UTC)")

    def __init__(self, data: Any, *, viewer: User) -> None:
        super().__init__(data)
        actor = self.fields["actor"]
        assert isinstance(actor, _ActorField)
        actor.queryset = enrollers_visible_to(viewer).order_by("email")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """`events` narrowed by the valid filters (call after `is_valid()` returned True)."""
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"].strip())
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["since"]:
            events = events.filter(at__gte=_utc_midnight(data["since"]))
        if data["until"]:
            events = events.filter(at__lt=_utc_midnight(data["until"] + timedelta(days=1)))
        return events
