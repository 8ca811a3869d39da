"""The agent roster's "Refine results by" filters: partial and case-insensitive."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet

from openbob.accounts.models import CertificationStatus, User
from openbob.book.scoping import enrollers_visible_to

STATUS_CHOICES = [("", "Any"), ("active", "Active"), ("inactive", "Inactive")]


class RosterFilterForm(forms.Form):
    """CalHEERS' "Refine results by" sidebar."""

    def __init__(self, data: Any) -> None:
        super().__init__(data, label_suffix="")

    first_name = forms.CharField(label="First name", required=False, max_length=100)
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    status = forms.ChoiceField(label="Agent status", choices=STATUS_CHOICES, required=False)
    certification = forms.ChoiceField(
        label="Certification status",
        choices=[("", "Any"), *CertificationStatus.choices],
        required=False,
    )
    license_number = forms.CharField(label="License number", required=False, max_length=30)


def roster(user: User, data: dict[str, Any]) -> QuerySet[User]:
    """The enrollers `user` may see, refined by `data`, with their active consumer counts."""
    people = enrollers_visible_to(user).select_related("agency")
    partial = {
        "first_name": "first_name__icontains",
        "last_name": "last_name__icontains",
        "license_number": "license_number__icontains",
    }
    people = people.filter(
        **{lookup: data[name] for name, lookup in partial.items() if data.get(name)}
    )
    if data.get("status"):
        people = people.filter(is_active=data["status"] == "active")
    if data.get("certification"):
        people = people.filter(certification_status=data["certification"])
    consumers = Count("households", filter=Q(households__lost_at__isnull=True))
    return people.annotate(consumers=consumers).order_by("last_name", "first_name", "pk")
