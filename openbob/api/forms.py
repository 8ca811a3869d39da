"""The form behind "Create API token" on the profile pages."""

from __future__ import annotations

from django import forms

from openbob.api.tokens import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. the script or system using it."
    )
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"At most {MAX_DAYS} days; create a new token before this one expires.",
    )
