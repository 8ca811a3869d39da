"""The Active Consumers list: its filters, its search, its sort orders, one page at a time.

Every filter and sort reads a column of `Household` itself (the list row kept by
`openbob.book.listing`, the generated search columns), so a page is one indexed walk
of the user's scope even at a million households: no join, no OFFSET, no COUNT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.book.choices import EnrollmentStatus, MetalTier, Program
from openbob.book.listing import at_risk
from openbob.book.models import LIST_SORT_COLUMNS, Household
from openbob.book.scoping import enrollers_visible_to, households_visible_to
from openbob.portal.keyset import KeysetPage, Order, page

PAGE_SIZE = 50
SEARCH_CAP = 500
SORT_LABELS = {
    "name": "Household",
    "case": "Case ID",
    "year": "Application year",
    "plan": "Plan name",
    "type": "Plan type",
    "premium": "Premium",
    "office": "Office visit",
    "drug": "Generic drug",
    "deductible": "Deductible",
    "agent": "Agent",
}
SORT_CHOICES = [(key, f"{label} (A to Z, low to high)") for key, label in SORT_LABELS.items()] + [
    (f"-{key}", f"{label} (Z to A, high to low)") for key, label in SORT_LABELS.items()
]
_NOT_DIGITS = re.compile(r"[\s()\-.+/]")


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class ConsumerFilterForm(forms.Form):
    """The filters, search and sort of the list, read from the query string."""

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
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data, label_suffix="")
        self.user = user
        agent_field = self.fields["agent"]
        assert isinstance(agent_field, forms.ModelChoiceField)
        agent_field.queryset = enrollers_visible_to(user).filter(role=Role.AGENT)
        if user.role == Role.AGENT:
            del self.fields["agent"]
            del self.fields["mine"]


@dataclass(frozen=True)
class ConsumerRow:
    """One household as the list shows it, formatted here rather than in the template:
    a page renders fifty of these, and every template lookup costs."""

    pk: int
    url: str
    name: str
    notes: str
    at_risk: bool
    case: str
    year: str
    plan: str
    carrier: str
    terms: str
    costs: str
    agent: str

    @classmethod
    def of(cls, hh: Household, url: str) -> ConsumerRow:
        follow_ups = hh.open_follow_ups
        notes = hh.get_program_display() + (
            f" · {follow_ups} open follow-up{'s' if follow_ups != 1 else ''}" if follow_ups else ""
        )
        case = (
            f"Case ID: {hh.case_number}"
            if hh.case_number
            else f"FFM ID: {hh.ffm_app_id}"
            if hh.ffm_app_id
            else "—"
        )
        return cls(
            pk=hh.pk,
            url=url,
            name=hh.primary_name or "(no name)",
            notes=notes,
            at_risk=bool(hh.aor_at_risk_at or hh.ede_permission_lost_at),
            case=case,
            year=str(hh.application_year or "—"),
            plan=hh.current_plan_name,
            carrier=hh.current_carrier,
            terms=f"Plan Type: {hh.current_plan_type or '—'} · "
            f"Premium: ${hh.current_premium:,.2f}/month",
            costs=f"Office Visit: ${hh.current_office_visit_copay:,.0f} Copay · "
            f"Generic Drug: ${hh.current_generic_drug_copay:,.0f} Copay · "
            f"Deductible: ${hh.current_deductible:,.0f}",
            agent=hh.agent.full_name if hh.agent else "—",
        )


@dataclass(frozen=True)
class ConsumerPage:
    """A page of the list, and what the template needs to link on from it."""

    page: KeysetPage[Household]
    sort: str
    order: Order

    @property
    def rows(self) -> list[ConsumerRow]:
        # One reverse() for the page: the household URL differs only in its id.
        pattern = reverse("portal:household", args=[0]).replace("/0/", "/{}/")
        return [ConsumerRow.of(hh, pattern.format(hh.pk)) for hh in self.page.rows]


def order_of(sort: str) -> Order:
    key = sort.removeprefix("-")
    return Order(LIST_SORT_COLUMNS.get(key, "primary_name"), descending=sort.startswith("-"))


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
    ids: set[int] = set()
    for branch in _branches(text):
        ids.update(households.filter(branch).values_list("pk", flat=True)[:SEARCH_CAP])
    return households.filter(pk__in=sorted(ids))


def filtered(user: User, data: dict[str, Any]) -> QuerySet[Household]:
    """`user`'s active consumers narrowed by the cleaned filter `data`."""
    households = active_consumers(user)
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


def consumer_page(
    user: User, data: dict[str, Any], *, after: str | None, before: str | None
) -> ConsumerPage:
    """One page of the filtered list in the requested order."""
    sort = data.get("sort") or "name"
    order = order_of(sort)
    rows = page(
        filtered(user, data).select_related("agent"),
        order,
        size=PAGE_SIZE,
        after=after,
        before=before,
    )
    return ConsumerPage(rows, sort, order)
