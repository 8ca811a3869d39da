"""Export pages: the catalogue, a request, legends, history, downloads, notifications
and the "Prevent exports" switch. Views stay thin; rules live in `access` and
`services`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openbob.accounts.models import User
from openbob.accounts.requests import current_user
from openbob.accounts.roles import Perm
from openbob.accounts.sudo import has_recent_auth
from openbob.api.changes import apply_changes
from openbob.book import consumer_filters
from openbob.exports import access, catalogue, services
from openbob.exports.catalogue import ExportSpec
from openbob.exports.forms import AgentSearchForm, ExportRequestForm, ExportSwitchForm
from openbob.exports.models import ExportJob, ExportStatus, Notification

PAGE_SIZE = 50
AGENT_RESULTS = 50


def _require_exports(user: User, spec: ExportSpec | None = None) -> None:
    if reason := access.refusal(user, spec):
        raise PermissionDenied(reason)


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The exports this user may request (HealthSherpa's Exports page)."""
    user = current_user(request)
    _require_exports(user)
    offered = [spec for spec in catalogue.EXPORTS if access.refusal(user, spec) is None]
    return render(request, "exports/index.html", {"exports": offered})


@require_GET
@login_required
def legend(request: HttpRequest, kind: str) -> HttpResponse:
    """Every column of an export: meaning, source and masking (no data, so any user)."""
    spec = services.get_spec(kind)
    return render(
        request, "exports/legend.html", {"spec": spec, "rows": catalogue.legend_rows(spec)}
    )


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest, kind: str) -> HttpResponse:
    """Request one export; "for an Agent" first searches the agent (partial values).

    Clients takes the Active Consumers list's filters from the query string ("Export
    these clients" links here with them; the form posts back to the same address).
    """
    user = current_user(request)
    spec = services.get_spec(kind)
    _require_exports(user, spec)
    may_unmask = access.may_export_unmasked(user, spec)
    data = request.POST if request.method == "POST" else None
    form = ExportRequestForm(data, spec=spec, may_unmask=may_unmask)
    if form.is_valid():
        unmasked = bool(form.cleaned_data.get("unmasked"))
        if unmasked and not has_recent_auth(request):
            messages.info(request, "Confirm your password, then request the unmasked export again.")
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:confirm')}?{query}")
        try:
            job = services.request_export(
                user=user,
                kind=spec.key,
                fmt=form.cleaned_data["format"],
                options={**form.cleaned_data, "filters": _list_filters(request, spec)},
                masked=not unmasked,
                purpose=form.cleaned_data.get("purpose") or "",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"“{spec.title}” is being prepared (export {job.pk}). You will get a "
                "notification and an email with a download link.",
            )
            return redirect("exports:history")
    context = {
        "spec": spec,
        "form": form,
        **_agent_search(request, user, spec),
        **_filters_summary(user, _list_filters(request, spec)),
    }
    return render(request, "exports/new.html", context)


def _list_filters(request: HttpRequest, spec: ExportSpec) -> dict[str, str]:
    return request.GET.dict() if "filters" in spec.options else {}


def _filters_summary(user: User, filters: dict[str, str]) -> dict[str, str]:
    """The list filters the export will apply, in words, or why they cannot apply."""
    if not filters:
        return {}
    try:
        applied = consumer_filters.stored(user, filters)
    except ValidationError as error:
        return {"filters_error": " ".join(error.messages)}
    return {
        "filters_text": consumer_filters.describe(user, applied),
        "filters_query": urlencode(filters),
    }


def _agent_search(request: HttpRequest, user: User, spec: ExportSpec) -> dict[str, object]:
    if "agent" not in spec.options:
        return {}
    search = AgentSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    agents = (
        access.find_agents(user, query)[:AGENT_RESULTS]
        if query or not user.can(Perm.VIEW_ROSTER)
        else []
    )
    return {"search": search, "agents": agents}


@require_GET
@login_required
def history(request: HttpRequest) -> HttpResponse:
    """The user's own exports, newest first, with re-download, retry and cancel."""
    user = current_user(request)
    jobs = ExportJob.objects.filter(requester=user).order_by("-requested_at", "-pk")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"job": job, "title": services.spec_for(job).title} for job in page]
    return render(request, "exports/history.html", {"page": page, "rows": rows})


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, requester=current_user(request))


@require_POST
@login_required
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-download: a fresh signed link for a ready export."""
    job = _own_job(request, pk)
    if job.status != ExportStatus.SUCCEEDED:
        messages.error(request, "That export has no file to download.")
        return redirect("exports:history")
    return redirect(services.download_path(job))


@require_GET
@login_required
def download(request: HttpRequest, token: str) -> HttpResponseBase:
    """Serve a file: signed, expiring, bound to the requester; never cached."""
    response: HttpResponseBase
    try:
        job = services.job_for_link(token, current_user(request))
    except services.Gone as gone:
        response = render(request, "exports/gone.html", {"reason": str(gone)}, status=410)
    else:
        response = FileResponse(
            Path(job.file_path).open("rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=True,
            filename=services.download_name(job),
        )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Request a failed export again (an unmasked one needs fresh re-authentication)."""
    user = current_user(request)
    job = _own_job(request, pk)
    if not job.masked and not has_recent_auth(request):
        query = urlencode({"next": reverse("exports:history")})
        return redirect(f"{reverse('accounts:confirm')}?{query}")
    try:
        new_job = services.retry(job, user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Export {job.pk} requested again as export {new_job.pk}.")
    return redirect("exports:history")


@require_POST
@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    if services.cancel(job, current_user(request)):
        messages.success(request, f"Export {job.pk} cancelled.")
    else:
        messages.error(request, f"Export {job.pk} has already started and cannot be cancelled.")
    return redirect("exports:history")


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications; opening the list marks them read."""
    user = current_user(request)
    items = list(Notification.objects.filter(user=user)[:PAGE_SIZE])
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "exports/notifications.html", {"items": items})


@require_http_methods(["GET", "POST"])
@login_required
def switch(request: HttpRequest) -> HttpResponse:
    """Agency Account → Export settings: HealthSherpa's "Prevent exports" (audited)."""
    user = current_user(request)
    if not user.can(Perm.MANAGE_AGENCY):
        raise PermissionDenied("Only agency managers may change export settings.")
    agency = user.agency
    assert agency is not None  # can() is False without an agency
    initial = {
        "allow_agent_exports": agency.allow_agent_exports,
        "cascade_export_block": agency.cascade_export_block,
    }
    form = ExportSwitchForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        changed = apply_changes(
            actor=user, obj=agency, changes=form.cleaned_data, action="agency.update"
        )
        messages.success(request, "Export settings saved." if changed else "Nothing changed.")
        return redirect("exports:settings")
    return render(request, "exports/settings.html", {"form": form, "agency": agency})
