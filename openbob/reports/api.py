"""JSON API for reports: the field catalogue, saved reports (list, create, read), running
one (saved, or a definition sent in the body), and exporting a saved one.

Rows are always the caller's own scope, PII always masked. A definition is validated
strictly: an unknown field or operator is a 422 listing every problem.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from openbob.api.auth import current_user
from openbob.api.params import MAX_ID, READ_ERRORS, WRITE_ERRORS, ObjectId, Pagination
from openbob.exports.models import ExportJob
from openbob.reports import exporting, query, services
from openbob.reports.definition import OPERATORS_BY_KIND, Definition, DefinitionError, parse
from openbob.reports.fields import TYPES
from openbob.reports.models import Report

router = Router(tags=["reports"])


class FieldOut(Schema):
    key: str
    label: str
    section: str
    kind: str
    operators: list[str]
    masking: str
    meaning: str
    source: str
    choices: list[str]


class ReportTypeOut(Schema):
    key: str
    title: str
    row: str
    fields: list[FieldOut]


class ReportOut(Schema):
    id: int
    name: str
    description: str
    folder: str
    folder_id: int | None
    sample: bool
    definition: dict[str, Any]
    updated_at: datetime

    @staticmethod
    def resolve_folder(report: Report) -> str:
        return report.folder_name


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=100)
    folder_id: int | None = Field(None, ge=1, le=MAX_ID, description="None: Private Reports")
    definition: dict[str, Any]


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid")

    definition: dict[str, Any]
    page: int = Field(1, ge=1, le=1_000_000)
    size: int = Field(query.PAGE_SIZE, ge=1, le=query.MAX_PAGE_SIZE)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    size: int = Field(query.PAGE_SIZE, ge=1, le=query.MAX_PAGE_SIZE)


class ResultOut(Schema):
    headers: list[str]
    rows: list[list[Any]]
    totals: list[Any] | None
    grouped: bool
    total: int
    page: int
    pages: int
    size: int


class ExportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    format: Literal["xlsx", "csv"] = "xlsx"
    bom: bool = False


class ExportQueuedOut(Schema):
    id: int
    status: str
    format: str
    requested_at: datetime


def _definition(raw: dict[str, Any]) -> Definition:
    try:
        return parse(raw)
    except DefinitionError as error:
        raise HttpError(422, "; ".join(error.problems)) from None


def _result(page: query.Page) -> dict[str, Any]:
    return {
        "headers": page.headers,
        "rows": [[query.json_cell(c) for c in row] for row in page.rows],
        "totals": [query.json_cell(c) for c in page.totals] if page.totals else None,
        "grouped": page.grouped,
        "total": page.total,
        "page": page.number,
        "pages": page.pages,
        "size": page.size,
    }


@router.get("/fields", response={200: list[ReportTypeOut], **READ_ERRORS})
def list_fields(request: HttpRequest) -> list[dict[str, Any]]:
    """The field catalogue: every report type and field, with its operators and masking."""
    current_user(request)
    return [
        {
            "key": t.key,
            "title": t.title,
            "row": t.row,
            "fields": [
                {
                    "key": f.key,
                    "label": f.label,
                    "section": f.section,
                    "kind": f.filter_kind,
                    "operators": [] if f.masked else list(OPERATORS_BY_KIND[f.filter_kind]),
                    "masking": f.column.masking,
                    "meaning": f.column.meaning,
                    "source": f.column.source,
                    "choices": [str(label) for _, label in f.choices.choices] if f.choices else [],
                }
                for f in t.fields
            ],
        }
        for t in TYPES
    ]


@router.get("", response={200: list[ReportOut], **READ_ERRORS})
@paginate(Pagination)
def list_reports(request: HttpRequest) -> QuerySet[Report]:
    """The saved reports you see: the sample, your private ones, those shared with you."""
    user = current_user(request)
    if not services.may_use_reports(user):
        raise HttpError(403, services.NO_REPORTS)
    return services.visible_reports(user).order_by("-sample", "name", "pk")


@router.post("", response={201: ReportOut, **WRITE_ERRORS})
def create_report(request: HttpRequest, payload: ReportIn) -> Status[Report]:
    """Save a report (Private Reports, or a shared folder you may write)."""
    user = current_user(request)
    definition = _definition(payload.definition)
    target = services.Target(folder_id=payload.folder_id)
    try:
        report = services.save_new(
            user=user, definition=definition, name=payload.name, target=target
        )
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None
    return Status(201, report)


@router.post("/run", response={200: ResultOut, **WRITE_ERRORS})
def run_definition(request: HttpRequest, payload: RunIn) -> dict[str, Any]:
    """Run a definition without saving it (422 lists every problem of a bad one)."""
    user = current_user(request)
    if not services.may_use_reports(user):
        raise HttpError(403, services.NO_REPORTS)
    definition = _definition(payload.definition)
    return _result(query.run(user, definition, page=payload.page, size=payload.size))


@router.get("/{report_id}", response={200: ReportOut, **READ_ERRORS})
def get_report(request: HttpRequest, report_id: ObjectId) -> Report:
    return services.get_report_for(current_user(request), report_id)


@router.get("/{report_id}/run", response={200: ResultOut, **READ_ERRORS})
def run_report(
    request: HttpRequest, report_id: ObjectId, params: Query[PageParams]
) -> dict[str, Any]:
    """One page of a saved report's rows (or groups), computed from your scope."""
    user = current_user(request)
    report = services.get_report_for(user, report_id)
    page = query.run(user, _definition(report.definition), page=params.page, size=params.size)
    return _result(page)


@router.post("/{report_id}/export", response={202: ExportQueuedOut, **WRITE_ERRORS})
def export_report(
    request: HttpRequest, report_id: ObjectId, payload: ExportIn
) -> Status[ExportJob]:
    """Queue a masked export of a saved report; it appears in Exports History."""
    user = current_user(request)
    report = services.get_report_for(user, report_id)
    try:
        job = exporting.request_export(
            user=user, report=report, fmt=payload.format, bom=payload.bom
        )
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None
    return Status(202, job)
