"""Sign-in, second-factor and re-authentication forms."""

from __future__ import annotations

from typing import Any

from django import forms

_CODE_HELP = "The six-digit code from your authenticator app, or one of your recovery codes."


def _code_field() -> forms.CharField:
    return forms.CharField(
        label="Code",
        max_length=32,
        help_text=_CODE_HELP,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class LoginForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_email(self) -> str:
        """Accounts are stored lower-case (`UserManager.create_user`)."""
        email: str = self.cleaned_data["email"]
        return email.lower()


class CodeForm(forms.Form):
    code = _code_field()


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code from your app",
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ConfirmForm(forms.Form):
    """Password, plus a code for accounts with a second factor."""

    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = _code_field()

    def __init__(self, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]
