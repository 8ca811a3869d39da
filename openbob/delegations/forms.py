"""The delegation tool's forms: the search (one of three ways), the phone, the code."""

from __future__ import annotations

from typing import Any

from django import forms

from openbob.delegations.tool import Method

METHODS = [
    (Method.SSN.value, "Social Security Number"),
    (Method.NAME_DOB_ZIP.value, "Name, date of birth and ZIP code"),
    (Method.CASE.value, "Case ID"),
]


class SearchForm(forms.Form):
    method = forms.ChoiceField(
        label="Search by", choices=METHODS, widget=forms.RadioSelect, initial=Method.SSN.value
    )
    ssn = forms.CharField(
        label="Social Security Number",
        required=False,
        max_length=11,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    dob = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    zip_code = forms.CharField(label="ZIP code", required=False, max_length=10)
    case = forms.CharField(label="Case ID", required=False, max_length=30)
    disclaimers = forms.BooleanField(
        label="I have read the delegation disclaimers to the consumer and they understand them",
    )

    def search_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "method": Method(data["method"]),
            "ssn": data["ssn"],
            "first": data["first_name"],
            "last": data["last_name"],
            "dob": data["dob"],
            "zip_code": data["zip_code"],
            "case": data["case"],
        }


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="Consumer's cell phone number",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="One-time passcode the consumer reads back",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
