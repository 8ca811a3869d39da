"""The "retention_cases" export: the Retention Workspace's case list as a file.

Its rows are the cases `openbob.retention.access.cases_visible_to` gives the requester
(an agent: the cases assigned to them; managers, admin staff and read-only users: their
agencies' cases), open and closed, highest risk first as the workspace lists them. It
is a dynamic kind (`openbob.exports.dynamic`), registered by `RetentionConfig.ready`,
because its rows come from this app, not from the book's row builders; its columns are
fixed. The export itself is the export pipeline's (request checks and audit, worker,
Exports History, signed links, "Prevent exports" switch, notification and email); the
case list's "Export cases" button requests it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from itertools import accumulate
from typing import Any

from django.core.exceptions import PermissionDenied

from openbob.accounts.models import User
from openbob.exports.catalogue import ExportSpec, Field
from openbob.exports.dynamic import Refused
from openbob.exports.models import ExportJob
from openbob.exports.rowsets import CONVERTERS as BOOK_CONVERTERS
from openbob.exports.rowsets import Request, Row, choice_label
from openbob.retention.access import CaseAction, cases_visible_to, require
from openbob.retention.choices import CaseStatus, Resolution, Risk
from openbob.retention.listing import ORDER
from openbob.retention.rules import BY_KEY as RULES

KIND = "retention_cases"
CHUNK_SIZE = 2000
_CASES = "Retention Workspace (renewal cases)"


def _risk_source(exchange_risk: object) -> str:
    return "Exchange" if exchange_risk else "Computed"


def _reasons(reasons: object) -> str:
    keys = [key for key in str(reasons or "").split(",") if key]
    return "; ".join(RULES[key].label if key in RULES else key for key in keys)


FIELDS: tuple[Field, ...] = (
    Field("Case ID", "integer", "OpenBoB's number of the renewal case.", _CASES, ("id",)),
    Field(
        "Consumer Name",
        "text",
        "Primary applicant when the case opened.",
        _CASES,
        ("consumer_name",),
    ),
    Field(
        "Application Case Number",
        "text",
        "The household's exchange case number.",
        "CalHEERS Book of Business import",
        ("household__case_number",),
    ),
    Field(
        "Plan Year", "integer", "The plan year the household renews from.", _CASES, ("plan_year",)
    ),
    Field(
        "Risk Category",
        "text",
        "1 Very Low to 5 Very High: the exchange's category when it sent one, else ours.",
        _CASES,
        ("risk",),
        "risk",
    ),
    Field(
        "Risk Source",
        "text",
        "Exchange when the exchange sent the risk category, else Computed (the rules).",
        _CASES,
        ("exchange_risk",),
        "risk_source",
    ),
    Field("Score", "integer", "Sum of the weights of the rules that fired.", _CASES, ("score",)),
    Field("Reasons", "text", "The risk rules that fired.", _CASES, ("reasons",), "reasons"),
    Field("Status", "text", "Open, In Progress or Closed.", _CASES, ("status",), "status"),
    Field(
        "Assignee",
        "text",
        "The agent working the case.",
        _CASES,
        ("assignee__first_name", "assignee__last_name"),
        "full_name",
    ),
    Field("Opened", "datetime", "When the case opened.", _CASES, ("opened_at",)),
    Field("Closed", "datetime", "When the case closed.", _CASES, ("closed_at",)),
    Field("Resolution", "text", "Why the case closed.", _CASES, ("resolution",), "resolution"),
    Field(
        "Last Interaction",
        "datetime",
        "The latest outreach logged on the case.",
        _CASES,
        ("last_interaction_at",),
    ),
)
CONVERTERS: dict[str, Callable[..., object]] = {
    "risk": choice_label(Risk),
    "risk_source": _risk_source,
    "reasons": _reasons,
    "status": choice_label(CaseStatus),
    "full_name": BOOK_CONVERTERS["full_name"],
    "resolution": choice_label(Resolution),
}
SPEC = ExportSpec(
    key=KIND,
    title="Retention cases",
    description="Your renewal cases with their risk, reasons, status and outcome.",
    audience="agent",
    base="retention_case",
    fields=FIELDS,
    legend_notes=(
        "The cases you see in the Retention Workspace, open and closed, highest risk first.",
    ),
)
_ENDS = tuple(accumulate(len(f.paths) for f in FIELDS))


def _row(values: tuple[Any, ...]) -> Row:
    """One case's cells: each field's values, through its converter when it names one."""
    cells = []
    for f, end in zip(FIELDS, _ENDS, strict=True):
        part = values[end - len(f.paths) : end]
        cells.append(CONVERTERS[f.convert](*part) if f.convert else part[0])
    return tuple(cells)


class RetentionCasesExport:
    """The "retention_cases" export kind: no options, the requester's cases."""

    key = KIND

    def clean(self, user: User, options: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def check(self, user: User, parameters: Mapping[str, Any]) -> None:
        try:
            require(user, CaseAction.VIEW)
        except PermissionDenied as refusal:
            raise Refused(str(refusal)) from None

    def spec_for(self, job: ExportJob) -> ExportSpec:
        return SPEC

    def rows_for(self, request: Request) -> Iterator[Row]:
        paths = [path for f in FIELDS for path in f.paths]
        cases = cases_visible_to(request.requester).order_by(*ORDER).values_list(*paths)
        return (_row(values) for values in cases.iterator(chunk_size=CHUNK_SIZE))
