"""Forms of the import pages: the upload, a column mapping, and the "What changed" filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.agencies.models import Agency
from openbob.book.scoping import agencies_visible_to, enrollers_visible_to
from openbob.imports.choices import EventType
from openbob.imports.models import ChangeEvent, MappingProfile
from openbob.imports.profiles import MappingError, check_mapping
from openbob.imports.queries import profiles_visible_to
from openbob.imports.templatetags.imports_tags import source_label
from openbob.sources.mapped import TARGETS

MAX_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Upload at most {MAX_FILES} files at a time.")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class _Form(forms.Form):
    """Labels without the trailing colon, like the portal's other forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class UploadForm(_Form):
    uploads = MultipleFileField(
        label="Files",
        help_text="CalHEERS Book of Business (.xlsx), HealthSherpa exports (.csv) or a "
        "carrier file; the layout is recognised from the headers.",
    )
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), empty_label=None)
    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For CSV exports, which do not say when they were made. Without it, the "
        "date in the file name is used, else today.",
    )
    allow_partial = forms.BooleanField(
        label="Import the valid rows only",
        required=False,
        help_text="Rows with problems are left out and handed back as a file.",
    )
    profile = forms.ModelChoiceField(
        label="Column mapping",
        queryset=MappingProfile.objects.none(),
        required=False,
        empty_label="Recognise the layout",
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies_visible_to(user).order_by("path")
        agency_field.initial = user.agency_id
        profiles = profiles_visible_to(user).order_by("name")
        if profiles.exists():
            profile_field = self.fields["profile"]
            assert isinstance(profile_field, forms.ModelChoiceField)
            profile_field.queryset = profiles
        else:
            del self.fields["profile"]


class MappingForm(_Form):
    """A name, and for each target field the file's column that holds it (or none)."""

    name = forms.CharField(
        label="Save the mapping as",
        max_length=120,
        help_text="Saving under an existing name replaces that mapping.",
    )

    def __init__(
        self, headers: Sequence[str], *args: Any, initial_mapping: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        columns = [("", "— not in this file —"), *((h, h) for h in self.headers)]
        for spec in TARGETS:
            self.fields[f"map_{spec.name}"] = forms.ChoiceField(
                label=spec.header,
                choices=columns,
                required=False,
                initial=initial_mapping.get(spec.name, ""),
            )

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[f"map_{spec.name}"] for spec in TARGETS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        mapping = {spec.name: cleaned.get(f"map_{spec.name}") or "" for spec in TARGETS}
        try:
            cleaned["mapping"] = check_mapping(mapping, self.headers)
        except MappingError as exc:
            raise forms.ValidationError(exc.problems) from exc
        return cleaned


class ChangesForm(_Form):
    """Filters of the "What changed" page; a value that does not validate is ignored."""

    week = forms.TypedChoiceField(label="Week ending", coerce=date.fromisoformat)
    type = forms.ChoiceField(label="Change", required=False)
    agent = forms.ModelChoiceField(
        label="Agent", queryset=User.objects.none(), required=False, empty_label="All agents"
    )
    source = forms.ChoiceField(label="Source", required=False)

    def __init__(self, user: User, events: QuerySet[ChangeEvent], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        weeks = events.order_by("-week").values_list("week", flat=True).distinct()
        self._choices("week", [(w.isoformat(), f"{w:%a %Y-%m-%d}") for w in weeks])
        self._choices("type", [("", "All changes"), *EventType.choices])
        sources = events.order_by("source").values_list("source", flat=True).distinct()
        self._choices("source", [("", "All sources"), *((s, source_label(s)) for s in sources)])
        if user.can(Perm.VIEW_ROSTER):
            agent_field = self.fields["agent"]
            assert isinstance(agent_field, forms.ModelChoiceField)
            agent_field.queryset = (
                enrollers_visible_to(user)
                .filter(pk__in=events.values("agent_id"))
                .order_by("last_name", "first_name", "pk")
            )
        else:
            del self.fields["agent"]

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> dict[str, Any]:
        """The valid filters, as ChangeEvent lookups."""
        self.is_valid()
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        return {name: value for name, value in values.items() if value not in (None, "")}
