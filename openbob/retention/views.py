"""Retention Workspace pages: my cases (and their export), a case, the dashboard.

Views stay thin: scope from `openbob.retention.access`, writes through
`openbob.retention.casework`, figures from `openbob.retention.dashboard`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openbob.accounts.models import User
from openbob.accounts.requests import current_user
from openbob.accounts.roles import Perm
from openbob.book.scoping import visible_agency_ids
from openbob.exports import access as export_access
from openbob.exports import services as exports
from openbob.lib.weeks import pacific_day
from openbob.retention import casework, dashboard, exporting, listing, tallies
from openbob.retention.access import (
    CaseAction,
    cases_visible_to,
    get_case_for,
    require,
    transfer_targets,
)
from openbob.retention.choices import OPEN_STATUSES, CaseStatus, Risk
from openbob.retention.forms import CaseForm, InteractionForm, TransferForm
from openbob.retention.models import RetentionCase
from openbob.retention.rules import BY_KEY

PAGE_SIZE = 50


def _filtered(
    request: HttpRequest, user: User
) -> tuple[QuerySet[RetentionCase], list[str], dict[str, str]]:
    """The user's cases narrowed by the filters, the statuses shown, and the filters."""
    cases = cases_visible_to(user).select_related("assignee")
    status = request.GET.get("status", "open")
    risk = request.GET.get("risk", "")
    query = request.GET.get("q", "").strip()[:100]
    statuses = [status] if status in CaseStatus.values else list(CaseStatus.values)
    if status == "open":
        statuses = list(OPEN_STATUSES)
    if risk.isdigit() and int(risk) in Risk.values:
        cases = cases.filter(risk=int(risk))
    if query:
        cases = cases.filter(consumer_name__icontains=query)
    return cases, statuses, {"status": status, "risk": risk, "q": query}


@require_GET
@login_required
def cases(request: HttpRequest) -> HttpResponse:
    """My (or the agency's) cases ranked 5 Very High to 1 Very Low, with their reasons."""
    user = current_user(request)
    require(user, CaseAction.VIEW)
    filtered, statuses, filters = _filtered(request, user)
    cursor = listing.Cursor.parse(request.GET.get("after"))
    shown, following = listing.page(filtered, listing.branches(user, statuses), cursor, PAGE_SIZE)
    rows = [(case, [BY_KEY[k] for k in case.reason_keys if k in BY_KEY]) for case in shown]
    targets = transfer_targets(user)
    form = TransferForm(targets=targets, case_ids=[case.pk for case in shown])
    more = {key: value for key, value in filters.items() if value}
    context = {
        "first_page": urlencode(more) if cursor else None,
        "next_page": urlencode(more | {"after": following.token}) if following else None,
        "rows": rows,
        "filters": filters,
        "risks": Risk.choices,
        "statuses": CaseStatus.choices,
        "transfer_form": form if targets.exists() else None,
        "may_export": export_access.refusal(user, exporting.SPEC) is None,
    }
    return render(request, "retention/cases.html", context)


@require_POST
@login_required
def export_cases(request: HttpRequest) -> HttpResponse:
    """Export every case the user sees through the export pipeline (Exports History).

    The list offers the button only to those `openbob.exports.access.refusal` allows;
    `request_export` checks again (403 with the reason) and audits the request.
    """
    user = current_user(request)
    require(user, CaseAction.VIEW)
    fmt = request.POST.get("format", "xlsx")
    try:
        job = exports.request_export(user=user, kind=exporting.KIND, fmt=fmt, options={})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("retention:cases")
    messages.success(
        request,
        f"Your cases are being exported (export {job.pk}). You will get a notification and "
        "an email with a download link; it is also in Exports History.",
    )
    return redirect("exports:history")


def _case_context(user: User, case: RetentionCase, **forms: object) -> dict[str, object]:
    return {
        "case": case,
        "reasons": [BY_KEY[k] for k in case.reason_keys if k in BY_KEY],
        "interactions": case.interactions.select_related("actor"),
        "transfers": case.transfers.select_related("from_user", "to_user", "actor"),
        "can_work": user.can(Perm.EDIT_HOUSEHOLD) and case.is_open,
        "interaction_form": forms.get("interaction_form") or InteractionForm(),
        "case_form": forms.get("case_form")
        or CaseForm(
            initial={
                "status": case.status,
                "resolution": case.resolution,
                "steps_to_resolve": case.steps_to_resolve,
            }
        ),
        "missing": forms.get("missing", {}),
    }


@require_GET
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = get_case_for(user, pk)
    return render(request, "retention/case.html", _case_context(user, case))


@require_POST
@login_required
def log_interaction(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = get_case_for(user, pk, action=CaseAction.WORK)
    form = InteractionForm(request.POST)
    if form.is_valid():
        try:
            casework.log_interaction(actor=user, case=case, **form.cleaned_data)
        except casework.CaseError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "Interaction logged.")
            return redirect("retention:case", pk=case.pk)
    context = _case_context(user, case, interaction_form=form)
    return render(request, "retention/case.html", context, status=422)


@require_POST
@login_required
def update_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Save status, resolution and steps; closing lists every required field missing."""
    user = current_user(request)
    case = get_case_for(user, pk, action=CaseAction.WORK)
    form = CaseForm(request.POST)
    missing: dict[str, str] = {}
    if form.is_valid():
        update = casework.CaseUpdate(**form.cleaned_data)
        try:
            changed = casework.update_case(actor=user, case=case, update=update)
        except casework.CaseError as exc:
            missing = exc.errors
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            closed = case.status == CaseStatus.CLOSED
            messages.success(
                request, "Case closed." if closed else f"Saved ({len(changed)} changes)."
            )
            return redirect("retention:case", pk=case.pk)
    context = _case_context(user, case, case_form=form, missing=missing)
    return render(request, "retention/case.html", context, status=422)


@require_POST
@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    """Agency Managers move the selected cases to another agent of the agency (audited)."""
    user = current_user(request)
    require(user, CaseAction.TRANSFER)
    visible = cases_visible_to(user)
    ids = [int(v) for v in request.POST.getlist("cases") if v.isdigit()][: PAGE_SIZE * 4]
    chosen = list(visible.filter(pk__in=ids))
    form = TransferForm(
        request.POST, targets=transfer_targets(user), case_ids=[c.pk for c in chosen]
    )
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("retention:cases")
    try:
        moved = casework.transfer_cases(actor=user, cases=chosen, to=form.cleaned_data["agent"])
    except casework.CaseError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(
            request, f"{moved} case(s) transferred to {form.cleaned_data['agent'].full_name}."
        )
    return redirect("retention:cases")


@require_http_methods(["GET", "POST"])
@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Open cases by priority, aging, reasons, resolution time; POST refreshes the figures."""
    user = current_user(request)
    require(user, CaseAction.VIEW)
    if request.method == "POST":
        tallies.refresh(visible_agency_ids(user))
        messages.success(request, "Dashboard refreshed.")
        return redirect("retention:dashboard")
    figures = dashboard.build(user, today=pacific_day(timezone.now()))
    return render(request, "retention/dashboard.html", {"d": figures})
