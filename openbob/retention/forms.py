"""Case forms: the interaction log entry, the case update (and close), the transfer."""

from __future__ import annotations

from typing import Any

from django import forms

from openbob.accounts.models import User
from openbob.retention.casework import MAX_NOTES, MAX_STEPS
from openbob.retention.choices import CHOOSABLE_RESOLUTIONS, CaseStatus, Channel, Outcome


class InteractionForm(forms.Form):
    at = forms.DateTimeField(
        label="Date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for now.",
    )
    channel = forms.ChoiceField(choices=Channel.choices)
    outcome = forms.ChoiceField(choices=Outcome.choices)
    notes = forms.CharField(
        required=False, max_length=MAX_NOTES, widget=forms.Textarea({"rows": 3})
    )


class CaseForm(forms.Form):
    """Status, resolution reason and steps to resolve: all three required to close."""

    status = forms.ChoiceField(label="Status *", choices=CaseStatus.choices)
    resolution = forms.ChoiceField(
        label="Resolution reason *", required=False, choices=[("", "—"), *CHOOSABLE_RESOLUTIONS]
    )
    steps_to_resolve = forms.CharField(
        label="Steps to resolve *",
        required=False,
        max_length=MAX_STEPS,
        widget=forms.Textarea({"rows": 4}),
    )


class AgentChoiceField(forms.ModelChoiceField[User]):
    """Agents by name and agency, so a manager picks the right one across sub-agencies."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.agency.name if obj.agency else '-'})"


class TransferForm(forms.Form):
    agent = AgentChoiceField(queryset=User.objects.none(), label="Transfer to agent")
    cases = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)

    def __init__(self, *args: Any, targets: Any, case_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agent = self.fields["agent"]
        assert isinstance(agent, forms.ModelChoiceField)
        agent.queryset = targets
        cases = self.fields["cases"]
        assert isinstance(cases, forms.TypedMultipleChoiceField)
        cases.choices = [(pk, str(pk)) for pk in case_ids]
