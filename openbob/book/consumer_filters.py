"""The Active Consumers list's filters and search: their fields, cleaning and queries.

They live in the book, below the portal and the exports, because both read them: the
portal's list narrows a page with them, and the Clients export narrows its file with
the very filters the list showed (the list's "Export these clients"). Every filter
reads a column of `Household` itself (the list row kept by `openbob.book.listing`, the
generated search columns), so narrowing is one indexed walk of the user's scope.

A job stores the filters as `stored` returns them (ids, ISO dates, the typed text) and
the worker narrows with them again through `narrow`, inside the requester's scope: an
agent id that is not (or no longer) in scope then matches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.book.choices import EnrollmentStatus, MetalTier, Program
from openbob.book.listing import at_risk
from openbob.book.models import Household
from openbob.book.scoping import enrollers_visible_to, households_visible_to

SEARCH_CAP = 500
_NOT_DIGITS = re.compile(r"[\s()\-.+/]")
StoredValue = str | int | bool


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class ConsumerFilters(forms.Form):
    """The filters and search of the list, read from a query string (or an API body).

    For an agent the "agent" and "only mine" filters are dropped: their scope is their
    own book already.
    """

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        strip=True,
        help_text="Name (start of first or last name), case ID, FFM ID, email or phone",
    )
    agent = forms.ModelChoiceField(label="Agent", queryset=User.objects.none(), required=False)
    program = forms.ChoiceField(label="Program", choices=_blank(Program.choices), required=False)
    status = forms.ChoiceField(
        label="Enrollment status", choices=_blank(EnrollmentStatus.choices), required=False
    )
    carrier = forms.CharField(label="Carrier", required=False, max_length=120)
    metal_tier = forms.ChoiceField(
        label="Metal tier", choices=_blank(MetalTier.choices), required=False
    )
    year = forms.IntegerField(
        label="Application year", required=False, min_value=2014, max_value=2100
    )
    effective_from = forms.DateField(
        label="Effective from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_to = forms.DateField(
        label="Effective to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    follow_ups = forms.BooleanField(label="Has open follow-ups", required=False)
    at_risk = forms.BooleanField(label="At risk", required=False)
    mine = forms.BooleanField(label="Only my consumers", required=False)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data, label_suffix="")
        self.user = user
        agent_field = self.fields["agent"]
        assert isinstance(agent_field, forms.ModelChoiceField)
        agent_field.queryset = enrollers_visible_to(user).filter(role=Role.AGENT)
        if user.role == Role.AGENT:
            del self.fields["agent"]
            del self.fields["mine"]


FILTER_NAMES: tuple[str, ...] = tuple(ConsumerFilters.base_fields)


def stored(user: User, raw: Mapping[str, object]) -> dict[str, StoredValue]:
    """`raw` filters cleaned strictly, as a job keeps them: only the filters set, with
    ids for the agent and ISO dates, so `narrow` and `describe` can read them back.

    Raises ValidationError naming the unknown filters or each bad value. An agent not
    in `user`'s scope gets the same answer as an agent that does not exist.
    """
    unknown = sorted(set(raw) - set(FILTER_NAMES))
    if unknown:
        raise ValidationError(
            f"Unknown filter(s): {', '.join(unknown)}. Filters are: {', '.join(FILTER_NAMES)}."
        )
    form = ConsumerFilters(dict(raw), user=user)
    if not form.is_valid():
        raise ValidationError(
            [
                f"Filter {name} ({form.fields[name].label}): {message}"
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    return {name: _stored(value) for name, value in form.cleaned_data.items() if value}


def _stored(value: object) -> StoredValue:
    if isinstance(value, Model):
        return int(value.pk)
    if isinstance(value, date):
        return value.isoformat()
    assert isinstance(value, str | int | bool), type(value)
    return value


def describe(user: User, filters: Mapping[str, StoredValue]) -> str:
    """The stored `filters` in words, for the file a job writes ("" when none is set)."""
    parts = []
    for name, value in filters.items():
        field = ConsumerFilters.base_fields[name]
        if value is True:
            parts.append(str(field.label))
        elif name == "agent":
            agent = enrollers_visible_to(user).filter(pk=value).first()
            parts.append(f"Agent: {agent.full_name if agent else 'not in your scope'}")
        elif name == "q":
            parts.append(f"Search: “{value}”")
        elif isinstance(field, forms.ChoiceField):
            parts.append(f"{field.label}: {dict(field.widget.choices).get(value, value)}")
        else:
            parts.append(f"{field.label}: {value}")
    return "; ".join(parts)


def active_consumers(user: User) -> QuerySet[Household]:
    """The households in `user`'s active book: in scope, delegated, not archived."""
    return households_visible_to(user).filter(lost_at__isnull=True, archived=False)


def _prefix(column: str, text: str) -> Q:
    """`column` starts with `text`, as a range both databases answer from a plain index.

    (SQLite's LIKE is case-insensitive, so it cannot use a binary index; the search
    columns are lower case already.)
    """
    upper = text[:-1] + chr(ord(text[-1]) + 1)
    return Q(**{f"{column}__gte": text, f"{column}__lt": upper})


def _branches(text: str) -> list[Q]:
    """One indexed condition per way a household can match `text`."""
    needle = text.strip()
    lowered = needle.lower()
    # Case and FFM ids carry digits; a name never asks those indexes (mostly empty
    # columns, which a planner may judge not worth using).
    has_digit = any(c.isdigit() for c in needle)
    branches = [Q(case_number=needle), Q(ffm_app_id=needle)] if has_digit else []
    digits = _NOT_DIGITS.sub("", needle)
    if digits.isdigit() and len(digits) >= 7:
        branches += [Q(search_phone=digits[-10:]), Q(search_phone=digits)]
    if "@" in needle:
        branches.append(_prefix("search_email", lowered))
    elif not digits.isdigit() and lowered:
        branches += [_prefix("search_name", lowered), _prefix("search_name_tail", lowered)]
    return branches


def search(households: QuerySet[Household], text: str) -> QuerySet[Household]:
    """Households whose name starts with, or whose case id, FFM id, email or phone is, `text`.

    Each way of matching is asked separately, along its own index, for at most
    `SEARCH_CAP` households; the page then sorts and pages that small set. A common
    surname matching fifty thousand households thus costs six short index walks, not a
    sort of fifty thousand rows; past the cap the user is asked to narrow the search.
    """
    return households.filter(pk__in=search_ids(households, text)[0])


def search_ids(households: QuerySet[Household], text: str) -> tuple[list[int], bool]:
    """The ids `search` keeps, and whether a way of matching found more than
    `SEARCH_CAP` households (those past the cap are left out: the search is too broad)."""
    ids: set[int] = set()
    capped = False
    for branch in _branches(text):
        found = list(households.filter(branch).values_list("pk", flat=True)[: SEARCH_CAP + 1])
        capped |= len(found) > SEARCH_CAP
        ids.update(found[:SEARCH_CAP])
    return sorted(ids), capped


def narrow(
    households: QuerySet[Household], user: User, data: Mapping[str, Any]
) -> QuerySet[Household]:
    """`households` narrowed by the filter `data`: a form's cleaned data, or the
    filters a job stored (`stored`); "only mine" means `user`'s own."""
    exact = {
        "agent": "agent",
        "program": "program",
        "status": "current_status",
        "metal_tier": "current_metal_tier",
        "year": "application_year",
        "effective_from": "current_effective_date__gte",
        "effective_to": "current_effective_date__lte",
    }
    conditions = {column: data[name] for name, column in exact.items() if data.get(name)}
    households = households.filter(**conditions)
    if data.get("carrier"):
        households = households.filter(current_carrier__istartswith=data["carrier"])
    if data.get("follow_ups"):
        households = households.filter(open_follow_ups__gt=0)
    if data.get("at_risk"):
        households = households.filter(at_risk())
    if data.get("mine"):
        households = households.filter(agent=user)
    if data.get("q"):
        households = search(households, data["q"])
    return households


def filtered(user: User, data: Mapping[str, Any]) -> QuerySet[Household]:
    """`user`'s active consumers narrowed by the cleaned filter `data`."""
    return narrow(active_consumers(user), user, data)
