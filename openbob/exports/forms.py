"""Forms of the export pages: a request (options the export declares), the agent
search, and the "Prevent exports" switch."""

from __future__ import annotations

from typing import Any

from django import forms

from openbob.exports.catalogue import ExportSpec
from openbob.exports.models import ExportFormat
from openbob.exports.services import EXCHANGES


class ExportRequestForm(forms.Form):
    """The options of one export; fields the export does not declare are removed."""

    format = forms.ChoiceField(choices=ExportFormat.choices, initial=ExportFormat.XLSX)
    bom = forms.BooleanField(
        required=False, label="Add a byte order mark (CSV for Excel on Windows)"
    )
    agent_id = forms.IntegerField(widget=forms.HiddenInput)
    exchange = forms.ChoiceField(
        choices=[
            (value, f"{value.title()}-exchange" if value != "all" else "All") for value in EXCHANGES
        ],
        initial="on",
    )
    current = forms.BooleanField(
        required=False,
        label="Current data (live values) instead of the weekly snapshot of Friday 21:00 Pacific",
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    include_archived = forms.BooleanField(required=False, label="Include archived applications")
    include_unsubmitted = forms.BooleanField(
        required=False, label="Include unsubmitted applications (no enrollment yet)"
    )
    unmasked = forms.BooleanField(
        required=False,
        label="Unmasked: show full SSNs and dates of birth (needs re-authentication)",
    )
    purpose = forms.CharField(
        required=False, max_length=300, label="Purpose of the unmasked export"
    )

    def __init__(self, *args: Any, spec: ExportSpec, may_unmask: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        option_fields = {
            "agent": ["agent_id"],
            "current": ["current"],
            "exchange": ["exchange"],
            "date_range": ["date_from", "date_to"],
            "include_archived": ["include_archived"],
            "include_unsubmitted": ["include_unsubmitted"],
        }
        for option, names in option_fields.items():
            if option not in spec.options:
                for name in names:
                    del self.fields[name]
        if not may_unmask:
            del self.fields["unmasked"], self.fields["purpose"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unmasked") and not (data.get("purpose") or "").strip():
            self.add_error("purpose", "State why you need the unmasked values.")
        return data


class AgentSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Agent name, email, site or license number (partial is fine)",
    )


class ExportSwitchForm(forms.Form):
    allow_agent_exports = forms.BooleanField(required=False, label="Allow exports for my agents")
    cascade_export_block = forms.BooleanField(
        required=False,
        label="When exports are prevented, prevent them for agents of every sub-agency too",
    )
