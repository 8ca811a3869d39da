"""The report field catalogue: the export catalogue's column declarations, as report fields.

Every report field wraps one `openbob.exports.catalogue.Field` (header, kind, meaning,
source, masking rule), the same declaration the export legends print, and adds only
what a report needs on top: a stable key, the label CalHEERS' My Reports uses
("Account Name", "Enroller Contact"...), and the ORM path of the value relative to the
report type's rows. Declarations the catalogue lacks live in `declarations`.

A report type is one kind of row (Salesforce's "report type"): consumers with their
health enrollments, members, enrollments, delegations, follow-ups, change events,
agents or retention cases. Its rows always come from `openbob.book.scoping` (retention
cases from `openbob.retention.access`, which derives from it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from django.db.models import (
    Case,
    Choices,
    Count,
    Expression,
    F,
    FilteredRelation,
    IntegerChoices,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Trim

from openbob.accounts.models import User
from openbob.book.choices import (
    Coverage,
)
from openbob.book.models import Delegation, Enrollment, FollowUp, Household, Member
from openbob.book.scoping import enrollers_visible_to, households_visible_to
from openbob.exports import catalogue
from openbob.exports.catalogue import Field
from openbob.exports.rowsets import VOCABULARIES, visible_events
from openbob.reports import declarations
from openbob.retention import exporting as retention_export
from openbob.retention.access import cases_visible_to
from openbob.retention.choices import CaseStatus, Resolution, Risk

FilterKind = Literal["text", "name", "choice", "bool", "integer", "money", "date", "datetime"]

# CalHEERS' My Reports names for catalogue columns (job aid, "Filter Your Content").
CALHEERS_LABELS: dict[str, str] = {
    "Agency Name": "Account Name",
    "Case Number": "Application Case Number",
    "Primary Contact": "Consumer Name",
    "FFM Application ID": "Contact Application ID",
    "Program": "Eligibility Program",
    "Program Type": "Eligibility Program",
    "Agent Name": "Enroller Contact",
    "Delegated Agent": "Enroller Contact",
    "Assignee": "Enroller Contact",
    "Application Year": "Year of Application",
}


@dataclass(frozen=True)
class ReportField:
    """One field a report may show, filter, sort or group on.

    `path` is an ORM path relative to the report type's rows, or the alias of a computed
    value (a full name) that `expression` builds when the field is used. A full name also
    names the person's foreign key (`person`): groups are formed on that id, which is
    cheaper than on the joined name and keeps two people of the same name apart.
    """

    key: str
    label: str
    column: Field
    path: str
    section: str
    expression: Callable[[], Expression] | None = None
    person: str = ""
    # A declaration from outside the book's catalogue names converters of its own
    # module: these resolve them (None: `rowsets.VOCABULARIES` and `rowsets.CONVERTERS`).
    vocabulary: type[Choices] | None = None
    converter: Callable[..., object] | None = None

    @property
    def masked(self) -> bool:
        return self.column.mask is not None

    @property
    def choices(self) -> type[Choices] | None:
        return self.vocabulary or VOCABULARIES.get(self.column.convert)

    @property
    def filter_kind(self) -> FilterKind:
        if self.column.convert == "full_name":
            return "name"
        if self.choices is not None:
            return "choice"
        if self.column.convert == "yes_no" or self.column.kind == "bool":
            return "bool"
        if self.column.convert == "pacific_date":
            return "datetime"
        kind = self.column.kind
        if kind == "integer" or kind == "money" or kind == "date" or kind == "datetime":
            return kind
        return "text"

    @property
    def summable(self) -> bool:
        return not self.masked and self.filter_kind in ("integer", "money")

    @property
    def export_column(self) -> Field:
        """The catalogue declaration under the report's label (the legend explains it)."""
        return replace(self.column, header=self.label)


@dataclass(frozen=True)
class ReportType:
    """One kind of report row, its scoped rows and its fields."""

    key: str
    title: str
    row: str
    rows: Callable[[User], QuerySet[Any]]
    fields: tuple[ReportField, ...]

    def field(self, key: str) -> ReportField | None:
        return next((f for f in self.fields if f.key == key), None)


def slug(label: str) -> str:
    """`Year of Application` -> `year_of_application`: the field's stable key."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def column(declared: tuple[Field, ...], header: str) -> Field:
    """The catalogue's declaration of `header` (a KeyError names catalogue drift)."""
    for candidate in declared:
        if candidate.header == header:
            return candidate
    raise KeyError(f"The export catalogue has no column {header!r}")


def _full_name(first: str, last: str) -> Callable[[], Expression]:
    return lambda: Trim(
        Concat(Coalesce(F(first), Value("")), Value(" "), Coalesce(F(last), Value("")))
    )


def make_field(
    declared: Field,
    section: str,
    rebase: Callable[[str], str] = lambda path: path,
    *,
    label: str = "",
) -> ReportField:
    """A report field from a catalogue declaration; `rebase` maps its ORM paths from the
    export's base rows to the report type's."""
    label = label or CALHEERS_LABELS.get(declared.header, declared.header)
    key = slug(label)
    paths = [rebase(path) for path in declared.paths]
    if declared.convert == "full_name":
        person = paths[0].rsplit("__", 1)[0]
        return ReportField(key, label, declared, key, section, _full_name(*paths), person)
    if len(paths) != 1 or "." in paths[0]:
        raise ValueError(f"{declared.header}: a report field needs one ORM path")
    return ReportField(key, label, declared, paths[0], section)


def _fields(
    declared: tuple[Field, ...],
    section: str,
    headers: tuple[str, ...] | None = None,
    rebase: Callable[[str], str] = lambda path: path,
) -> tuple[ReportField, ...]:
    """Report fields of `headers` (all kept columns when None) of one catalogue tuple."""
    chosen = (
        [column(declared, h) for h in headers]
        if headers is not None
        else [f for f in declared if f.paths and all("." not in p for p in f.paths)]
    )
    return tuple(make_field(f, section, rebase) for f in chosen)


# -- consumers with health enrollments (households) -------------------------------------

_HEALTH = "health"


def _household_level(path: str) -> str:
    """Enrollment- or member-relative path -> household-relative path."""
    if path == "household_id":
        return "id"
    return path.removeprefix("household__")


def _health_level(path: str) -> str:
    """Enrollment-relative path -> the household's health-enrollment join."""
    if path.startswith("household"):
        return _household_level(path)
    return f"{_HEALTH}__{path}"


def _consumer_rows(user: User) -> QuerySet[Household]:
    """Households in scope still in the book, left-joined (only when used) to their health
    enrollments: one row per household and health enrollment, one for a household
    without any."""
    return (
        households_visible_to(user)
        .filter(lost_at__isnull=True)
        .alias(
            **{
                _HEALTH: FilteredRelation(
                    "enrollments", condition=Q(enrollments__coverage=Coverage.HEALTH)
                )
            }
        )
    )


_ENR = catalogue.ENROLLMENT_FIELDS
CONSUMER_FIELDS: tuple[ReportField, ...] = (
    *_fields(
        catalogue.EDE_FIELDS,
        "Household",
        ("Primary Contact", "Case Number", "FFM Application ID", "Phone", "Email"),
    ),
    *_fields(_ENR, "Household", ("Program",), _household_level),
    *_fields(
        catalogue.BOOK_FIELDS, "Household", ("Application Year", "Household Size"), _household_level
    ),
    *_fields(_ENR, "Household", ("Archived", "Household Income"), _household_level),
    *_fields(catalogue.AOR_FIELDS, "Household", ("At Risk Since",)),
    *_fields(catalogue.EDE_FIELDS, "Household", ("EDE Permission Lost At",)),
    *_fields(catalogue.BOOK_FIELDS, "Household", ("Last Updated Date",), _household_level),
    *_fields(catalogue.EDE_FIELDS, "Agent", ("Agency Name", "Agent Name", "Agent Email")),
    *_fields(catalogue.BOOK_FIELDS, "Agent", ("Agent License Number",), _household_level),
    make_field(column(_ENR, "Carrier"), "Health enrollment", _health_level, label="Health Carrier"),
    make_field(
        column(_ENR, "Plan Name"),
        "Health enrollment",
        _health_level,
        label="Health Enrollment Name",
    ),
    make_field(
        column(_ENR, "Status"), "Health enrollment", _health_level, label="Health Enrollment Status"
    ),
    *_fields(
        _ENR,
        "Health enrollment",
        (
            "HIOS Plan ID",
            "Metal Tier",
            "Policy ID",
            "Effective Date",
            "End Date",
            "Paid Through Date",
            "Gross Premium",
            "APTC",
            "Net Premium",
            "On Exchange",
        ),
        _health_level,
    ),
)


# -- the other row kinds -------------------------------------------------------------


def _in_book(user: User) -> QuerySet[Household]:
    return households_visible_to(user).filter(lost_at__isnull=True)


def _member_rows(user: User) -> QuerySet[Member]:
    return Member.objects.filter(household__in=_in_book(user).values("pk"))


def _enrollment_rows(user: User) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(household__in=_in_book(user).values("pk"))


def _follow_up_rows(user: User) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(household__in=_in_book(user).values("pk"))


def _delegation_rows(user: User) -> QuerySet[Delegation]:
    return Delegation.objects.filter(household__in=households_visible_to(user).values("pk"))


def _agent_rows(user: User) -> QuerySet[User]:
    return enrollers_visible_to(user).annotate(
        consumers=Count("households", filter=Q(households__lost_at__isnull=True))
    )


# -- retention cases ------------------------------------------------------------------

_RETENTION_VOCABULARIES: dict[str, type[Choices]] = {
    "risk": Risk,
    "status": CaseStatus,
    "resolution": Resolution,
}
_SOURCE_OF_RISK = retention_export.CONVERTERS["risk_source"]


class RiskSource(IntegerChoices):
    """Risk Source as a choice: 1 when the exchange sent the category, 0 when computed
    (labels from the export's own converter)."""

    EXCHANGE = 1, str(_SOURCE_OF_RISK(1))
    COMPUTED = 0, str(_SOURCE_OF_RISK(0))


def _retention_field(declared: Field) -> ReportField:
    """A report field of a `retention_cases` export column, with that module's converter.

    Risk Source is stored as the exchange's category (or NULL); the report groups and
    filters on whether there is one, so two groups, not one per exchange category.
    """
    f = make_field(declared, "Retention case")
    if declared.convert == "risk_source":
        return replace(
            f,
            path=f.key,
            expression=lambda: Case(
                When(exchange_risk__isnull=True, then=Value(0)), default=Value(1)
            ),
            vocabulary=RiskSource,
            converter=_SOURCE_OF_RISK,
        )
    if declared.convert in ("", "full_name"):
        return f
    return replace(
        f,
        vocabulary=_RETENTION_VOCABULARIES.get(declared.convert),
        converter=retention_export.CONVERTERS[declared.convert],
    )


_CASE = ("Case Number", "Primary Contact")

TYPES: tuple[ReportType, ...] = (
    ReportType(
        key="consumers",
        title="Consumers with health enrollments",
        row="one row per household and health enrollment (once without one)",
        rows=_consumer_rows,
        fields=CONSUMER_FIELDS,
    ),
    ReportType(
        key="members",
        title="Members",
        row="one row per member of a household",
        rows=_member_rows,
        fields=_fields(catalogue.BOOK_FIELDS, "Member"),
    ),
    ReportType(
        key="enrollments",
        title="Enrollments",
        row="one row per health or dental enrollment",
        rows=_enrollment_rows,
        fields=_fields(_ENR, "Enrollment"),
    ),
    ReportType(
        key="delegations",
        title="Delegations",
        row="one row per delegation step of a household",
        rows=_delegation_rows,
        fields=(
            *_fields(catalogue.FOLLOW_UP_FIELDS, "Household", _CASE),
            *_fields(
                catalogue.FOLLOW_UP_FIELDS,
                "Agent",
                ("Agency Name", "Agent Name", "Agent Email"),
                lambda p: p.removeprefix("household__"),
            ),
            *_fields(declarations.DELEGATION_FIELDS, "Delegation"),
        ),
    ),
    ReportType(
        key="follow_ups",
        title="Follow-ups (DMIs, SVIs, actions)",
        row="one row per follow-up",
        rows=_follow_up_rows,
        fields=(
            make_field(declarations.FOLLOW_UP_KIND, "Follow-up"),
            *_fields(catalogue.FOLLOW_UP_FIELDS, "Follow-up"),
        ),
    ),
    ReportType(
        key="changes",
        title="Change events",
        row="one row per change between two imports",
        rows=visible_events,
        fields=_fields(catalogue.CHANGE_FIELDS, "Change"),
    ),
    ReportType(
        key="agents",
        title="Agents",
        row="one row per enroller",
        rows=_agent_rows,
        fields=_fields(catalogue.ROSTER_FIELDS, "Enroller"),
    ),
    ReportType(
        key="retention_cases",
        title="Retention cases",
        row="one row per renewal case of the Retention Workspace, open or closed",
        rows=cases_visible_to,
        fields=tuple(_retention_field(f) for f in retention_export.FIELDS),
    ),
)

BY_KEY: dict[str, ReportType] = {t.key: t for t in TYPES}
