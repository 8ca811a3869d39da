"""My Reports pages: the folders, the builder (run, save, save as), delete and export.

The builder is one form: every button posts the whole report state back and the page
(or, with htmx, just the builder) is drawn again, so it works without JavaScript too.
Views stay thin: rules live in `services`, queries in `query`, export in `exporting`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openbob.accounts.models import User
from openbob.accounts.requests import current_user, is_htmx
from openbob.reports import exporting, forms, query, services
from openbob.reports.definition import (
    OPERATORS_BY_KIND,
    Definition,
    DefinitionError,
    operator_label,
    parse,
)
from openbob.reports.fields import BY_KEY, TYPES, ReportField, ReportType
from openbob.reports.models import Report

RUN_ACTIONS = ("run", "save", "save_as")


def _user(request: HttpRequest) -> User:
    """The signed-in user, if their role may use My Reports."""
    user = current_user(request)
    if not services.may_use_reports(user):
        raise PermissionDenied(services.NO_REPORTS)
    return user


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """My Reports: Recent, Private Reports, shared folders and the sample."""
    user = _user(request)
    reports = list(services.visible_reports(user))
    folders = [
        {"folder": folder, "reports": [r for r in reports if r.folder_id == folder.pk]}
        for folder in services.readable_folders(user)
    ]
    context = {
        "recent": services.recent(user),
        "private": [r for r in reports if not r.sample and r.folder_id is None],
        "folders": folders,
        "samples": [r for r in reports if r.sample],
        "types": TYPES,
    }
    return render(request, "reports/index.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest) -> HttpResponse:
    """An unsaved report: pick a type, build, run, Save As."""
    user = _user(request)
    if request.method == "POST":
        return _builder_post(request, user, None)
    state = forms.blank_state(request.GET.get("type", forms.DEFAULT_TYPE))
    return _render(request, user, state, None)


@require_http_methods(["GET", "POST"])
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved report, opened (and run at once, as CalHEERS does) or edited."""
    user = _user(request)
    report = services.get_report_for(user, pk)
    if request.method == "POST":
        return _builder_post(request, user, report)
    services.touch(user, report)
    state = forms.state_from_json(report.definition)
    return _run(request, user, state, report, page=1)


def _builder_post(request: HttpRequest, user: User, report: Report | None) -> HttpResponse:
    state = forms.state_from_post(request.POST)
    action = request.POST.get("do", "")
    if action in RUN_ACTIONS or action.startswith("page:"):
        page = _small_int(action[5:]) or 1
        return _run(request, user, state, report, page=page, action=action)
    return _render(request, user, forms.apply_edit(state, action, request.POST), report)


def _run(
    request: HttpRequest,
    user: User,
    state: forms.State,
    report: Report | None,
    *,
    page: int,
    action: str = "run",
) -> HttpResponse:
    try:
        definition = parse(forms.to_json(state))
    except DefinitionError as error:
        return _render(request, user, state, report, problems=error.problems)
    if action in ("save", "save_as"):
        try:
            saved = _save(request, user, definition, report, action)
        except (ValidationError, PermissionDenied) as error:
            problems = error.messages if isinstance(error, ValidationError) else [str(error)]
            return _render(request, user, state, report, problems=problems)
        messages.success(request, f"Saved “{saved.name}” in {saved.folder_name}.")
        return _redirect(request, reverse("reports:detail", args=[saved.pk]))
    result = query.run(user, definition, page=page)
    return _render(request, user, state, report, result=result)


def _save(
    request: HttpRequest, user: User, definition: Definition, report: Report | None, action: str
) -> Report:
    if action == "save" and report is not None:
        return services.update(user=user, report=report, definition=definition)
    folder = request.POST.get("folder", services.PRIVATE)
    if folder not in (services.PRIVATE, "new") and _small_int(folder) is None:
        raise ValidationError("Pick a folder.")
    target = services.Target(
        folder_id=_small_int(folder),
        new_folder=request.POST.get("new_folder", "") if folder == "new" else "",
    )
    name = request.POST.get("name", "")
    return services.save_new(user=user, definition=definition, name=name, target=target)


def _small_int(text: str) -> int | None:
    """A page or folder id from a form; None for anything else (or absurdly long)."""
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _render(
    request: HttpRequest,
    user: User,
    state: forms.State,
    report: Report | None,
    *,
    problems: list[str] | None = None,
    result: query.Page | None = None,
) -> HttpResponse:
    report_type = BY_KEY.get(state["type"], TYPES[0])
    state["type"] = report_type.key
    context = {
        "report": report,
        "state": state,
        "type": report_type,
        "types": TYPES,
        "outline": _outline(report_type, state),
        "filters": [_filter_row(report_type, n, item) for n, item in enumerate(state["filters"])],
        "sorts": [
            {"n": n, "field": report_type.field(s["field"]), "key": s["field"], "desc": s["desc"]}
            for n, s in enumerate(state["sort"])
        ],
        "sections": _sections(report_type.fields),
        "groupable": [f for f in report_type.fields if not f.masked],
        "summable": [f for f in report_type.fields if f.summable],
        "problems": problems or [],
        "result": result,
        "may_edit": report is not None and services.may_edit(user, report),
        "may_share": services.may_share(user),
        "folders": services.writable_folders(user),
    }
    template = "reports/_builder.html" if is_htmx(request) else "reports/builder.html"
    return render(request, template, context)


def _outline(report_type: ReportType, state: forms.State) -> list[dict[str, Any]]:
    chosen = [(key, report_type.field(key)) for key in state["columns"]]
    return [{"key": key, "field": f} for key, f in chosen]


def _sections(fields: tuple[ReportField, ...]) -> list[tuple[str, list[ReportField]]]:
    """Fields by section, for the grouped pickers (Household, Agent, ...)."""
    sections: dict[str, list[ReportField]] = {}
    for f in fields:
        sections.setdefault(f.section, []).append(f)
    return list(sections.items())


def _filter_row(report_type: ReportType, n: int, item: dict[str, str]) -> dict[str, Any]:
    f = report_type.field(item["field"])
    ops = OPERATORS_BY_KIND[f.filter_kind] if f is not None else ()
    return {
        "n": n,
        "key": item["field"],
        "field": f,
        "op": item["op"],
        "ops": [(op, operator_label(op, f.filter_kind)) for op in ops] if f else [],
        "value": item["value"],
        "to": item["to"],
        "choices": [label for _, label in f.choices.choices] if f and f.choices else [],
    }


@require_POST
@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report = services.get_report_for(user, pk, write=True)
    name = report.name
    services.delete(user=user, report=report)
    messages.success(request, f"Deleted “{name}”.")
    return redirect("reports:index")


@require_POST
@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Export a saved report through the export pipeline (Exports History)."""
    user = _user(request)
    report = services.get_report_for(user, pk)
    try:
        job = exporting.request_export(
            user=user, report=report, fmt=request.POST.get("format", "xlsx")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:detail", pk=report.pk)
    messages.success(
        request,
        f"“{report.name}” is being exported (export {job.pk}). You will get a notification "
        "and an email with a download link; it is also in Exports History.",
    )
    return redirect("exports:history")
