"""The one form of the alerts pages: email delivery of summaries on or off."""

from __future__ import annotations

from django import forms


class EmailPreferenceForm(forms.Form):
    email_alerts = forms.BooleanField(required=False, label="Also send my Daily Summary by email")
