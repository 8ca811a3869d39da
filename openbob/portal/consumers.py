"""The Active Consumers list: its sort orders and rows, one page at a time.

Its filters and search are `openbob.book.consumer_filters` (the Clients export reads
them too). Every filter and sort reads a column of `Household` itself (the list row kept
by `openbob.book.listing`, the generated search columns), so a page is one indexed walk
of the user's scope even at a million households: no join, no OFFSET, no COUNT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse

from openbob.accounts.models import User
from openbob.book import consumer_filters
from openbob.book.consumer_filters import ConsumerFilters, filtered, search_ids
from openbob.book.models import LIST_SORT_COLUMNS, Household
from openbob.portal.keyset import KeysetPage, Order, page

PAGE_SIZE = 50
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


class ConsumerFilterForm(ConsumerFilters):
    """The filters and search of the list (`openbob.book.consumer_filters`), and its sort."""

    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)


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
    too_broad: bool = False
    """The search matched more than `SEARCH_CAP` households one way: some are left out."""

    @property
    def narrow_message(self) -> str:
        if not self.too_broad:
            return ""
        return (
            f"More than {consumer_filters.SEARCH_CAP:,} households match this search, so only "
            "some are listed. Narrow it: more of the name, or a case ID, FFM ID, email or phone."
        )

    @property
    def rows(self) -> list[ConsumerRow]:
        # One reverse() for the page: the household URL differs only in its id.
        pattern = reverse("portal:household", args=[0]).replace("/0/", "/{}/")
        return [ConsumerRow.of(hh, pattern.format(hh.pk)) for hh in self.page.rows]


def order_of(sort: str) -> Order:
    key = sort.removeprefix("-")
    return Order(LIST_SORT_COLUMNS.get(key, "primary_name"), descending=sort.startswith("-"))


def consumer_page(
    user: User, data: dict[str, Any], *, after: str | None, before: str | None
) -> ConsumerPage:
    """One page of the filtered list in the requested order."""
    sort = data.get("sort") or "name"
    order = order_of(sort)
    households = filtered(user, {**data, "q": ""})
    too_broad = False
    if data.get("q"):
        ids, too_broad = search_ids(households, data["q"])
        households = households.filter(pk__in=ids)
    rows = page(
        households.select_related("agent"),
        order,
        size=PAGE_SIZE,
        after=after,
        before=before,
    )
    return ConsumerPage(rows, sort, order, too_broad)
