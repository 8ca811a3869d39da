"""The import pages: upload, unknown layouts, result and downloads, history, what changed.

Upload, result, mapping, downloads and history are for roles holding `Perm.IMPORT`
(Agency Managers): other roles get 403, another agency's upload 404. "What changed" is
for everyone, scoped by `events_visible_to`. Pages that htmx updates in place answer
an htmx request with just the part it swaps, and any other request with the full page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from openbob.accounts.models import User
from openbob.accounts.requests import current_user
from openbob.accounts.roles import Perm
from openbob.accounts.sudo import has_recent_auth
from openbob.audit.services import record as audit
from openbob.imports.choices import EventType
from openbob.imports.downloads import Gone, Report, open_report, report_link
from openbob.imports.forms import ChangesForm, MappingForm, UploadForm
from openbob.imports.jobs import create_job, retry_with
from openbob.imports.models import ChangeEvent, ImportJob, JobStatus
from openbob.imports.ordering import import_order
from openbob.imports.profiles import propose, save_profile
from openbob.imports.queries import events_visible_to, imports_visible_to, jobs_visible_to
from openbob.imports.reports import read_errors
from openbob.imports.tasks import dispatch
from openbob.imports.uploads import (
    PrivateUploadHandler,
    declared_too_large,
    private_uploads,
    safe_file_name,
    too_large_message,
    upload_limit,
)
from openbob.lib.signing import BadToken, ExpiredToken

PAGE_SIZE = 50
ERRORS_PAGE_SIZE = 100
RECENT_UPLOADS = 10
EVENTS_ON_RESULT = 50


def _importer(request: HttpRequest) -> User:
    """The signed-in user if their role may import (403 otherwise)."""
    user = current_user(request)
    if not user.can(Perm.IMPORT):
        raise PermissionDenied("Only agency managers can import files")
    return user


def _job_for(user: User, pk: int) -> ImportJob:
    jobs = jobs_visible_to(user).select_related("agency", "actor", "run", "profile")
    return get_object_or_404(jobs, pk=pk)


def _render_part(
    request: HttpRequest, page: str, part: str, context: dict[str, Any]
) -> HttpResponse:
    """`part` for an htmx request (it swaps that part in place), else the whole `page`."""
    htmx = request.headers.get("HX-Request") == "true"
    response = render(request, part if htmx else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _after_upload(job: ImportJob) -> HttpResponse:
    if job.status == JobStatus.NEEDS_MAPPING:
        return redirect("imports:mapping", pk=job.pk)
    return redirect("imports:result", pk=job.pk)


@require_http_methods(["GET", "POST"])
@csrf_exempt  # the private upload handler must be in place before CSRF reads the body;
@login_required  # `_receive` checks the token right after
def upload(request: HttpRequest) -> HttpResponse:
    """Choose files to import; small ones are imported at once, large ones queued."""
    user = _importer(request)
    if request.method == "GET":
        return _upload_page(request, UploadForm(user))
    if declared_too_large(request):
        return _too_large(request)
    with private_uploads(request) as handler:
        return _receive(request, handler)


@csrf_protect
def _receive(request: HttpRequest, handler: PrivateUploadHandler) -> HttpResponse:
    if handler.too_large:
        return _too_large(request)
    user = current_user(request)
    form = UploadForm(user, request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    data = form.cleaned_data
    uploads = {upload.path: upload for upload in data["uploads"]}
    batch = [
        create_job(
            actor=user,
            agency=data["agency"],
            upload=uploads[path],
            as_of=data["as_of"],
            allow_partial=data["allow_partial"],
            profile=data.get("profile"),
        )
        for path in import_order(uploads)
    ]
    dispatch(batch)
    if len(batch) == 1:
        return _after_upload(batch[0])
    messages.info(request, f"{len(batch)} files uploaded; see each one below.")
    return redirect("imports:upload")


def _upload_page(request: HttpRequest, form: UploadForm) -> HttpResponse:
    context = {
        "form": form,
        "recent": jobs_visible_to(current_user(request)).select_related("actor")[:RECENT_UPLOADS],
        "limit_mb": upload_limit() // (1024 * 1024),
    }
    return render(request, "imports/upload.html", context)


def _too_large(request: HttpRequest) -> HttpResponse:
    context = {"message": too_large_message()}
    return render(request, "imports/too_large.html", context, status=413)


@require_GET
@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """An upload's outcome: status, counts, its change events, and every error."""
    user = _importer(request)
    job = _job_for(user, pk)
    context = {"job": job, **_events_of(user, job), **_errors_of(request, job)}
    context["links"] = _links(job, user)
    return _render_part(request, "imports/result.html", "imports/_result.html", context)


def _links(job: ImportJob, user: User) -> dict[str, str]:
    """Fresh signed links to the job's report files (each lives 15 minutes)."""
    files = {
        "errors": (Report.ERRORS, job.errors_path),
        "rejected": (Report.REJECTED_ROWS, job.rejected_path),
    }
    return {key: report_link(job, user, report) for key, (report, path) in files.items() if path}


def _events_of(user: User, job: ImportJob) -> dict[str, Any]:
    """The events the job's import produced (none for a duplicate: it changed nothing)."""
    if job.status != JobStatus.SUCCEEDED or job.run is None:
        return {"events": [], "event_counts": []}
    events = events_visible_to(user).filter(run=job.run)
    return {
        "events": events.select_related("household").order_by("type", "key")[:EVENTS_ON_RESULT],
        "event_counts": _type_counts(events),
    }


def _errors_of(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    """One page of the job's errors, read from its errors file."""
    if not job.errors_path or not Path(job.errors_path).is_file():
        return {"errors": [], "errors_page": None}
    page = Paginator(range(job.error_count), ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = read_errors(Path(job.errors_path), page.start_index() - 1, page.end_index())
    return {"errors": rows, "errors_page": page}


def _type_counts(events: QuerySet[ChangeEvent]) -> list[dict[str, Any]]:
    """How many events of each type, most frequent first, with the type's label."""
    counts = events.values("type").annotate(n=Count("pk")).order_by("-n", "type")
    labels = dict(EventType.choices)
    return [
        {"type": c["type"], "label": labels.get(c["type"], c["type"]), "n": c["n"]} for c in counts
    ]


@require_http_methods(["GET", "POST"])
@login_required
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Map the columns of a file of unknown layout, save the mapping, and import with it."""
    user = _importer(request)
    job = _job_for(user, pk)
    if job.status != JobStatus.NEEDS_MAPPING or not job.upload_path:
        return redirect("imports:result", pk=job.pk)
    proposal = propose(job.agency, job.headers)
    name = proposal.profile.name if proposal.profile else Path(job.file_name).stem
    form = MappingForm(
        job.headers,
        request.POST or None,
        initial_mapping=proposal.mapping,
        initial={"name": name[:120]},
    )
    if request.method == "POST" and form.is_valid():
        profile = save_profile(
            actor=user,
            agency=job.agency,
            name=form.cleaned_data["name"],
            mapping=form.cleaned_data["mapping"],
            headers=job.headers,
        )
        dispatch([retry_with(job, profile)])
        return _after_upload(job)
    context = {"job": job, "form": form, "saved": proposal.profile}
    return render(request, "imports/mapping.html", context)


@require_GET
@login_required
def download(request: HttpRequest, token: str) -> HttpResponseBase:
    """A report file through a signed link: 410 once expired, 404 if not the user's own."""
    user = _importer(request)
    try:
        job, report, path = open_report(token, user)
    except (ExpiredToken, Gone) as exc:
        context = {"expired": isinstance(exc, ExpiredToken)}
        return render(request, "imports/gone.html", context, status=410)
    except BadToken as exc:
        raise Http404("No such link") from exc
    if report == Report.REJECTED_ROWS and not has_recent_auth(request):
        # the user's own rows, SSNs included: like an unmasked export, re-authenticate
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:confirm')}?{query}")
    audit(actor=user, action="import.report_download", subject=job, detail={"report": report})
    name = f"{safe_file_name(Path(job.file_name).stem)}-{report}.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")


@require_GET
@login_required
def history(request: HttpRequest) -> HttpResponse:
    """Every import into the visible agencies, newest first, however it was started."""
    user = _importer(request)
    runs = (
        imports_visible_to(user)
        .select_related("actor", "agency", "profile")
        .annotate(job_id=Min("jobs__id", filter=Q(jobs__status=JobStatus.SUCCEEDED)))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/history.html", {"page": page})


@require_GET
@login_required
def changes(request: HttpRequest) -> HttpResponse:
    """What changed in the user's book, one week at a time (the latest by default)."""
    user = current_user(request)
    events = events_visible_to(user)
    data = request.GET.copy()
    latest = events.order_by("-week").values_list("week", flat=True).first()
    if latest is not None and not data.get("week"):
        data["week"] = latest.isoformat()
    form = ChangesForm(user, events, data)
    filters = form.filters()
    chosen_type = filters.pop("type", None)
    shown = events.filter(**filters) if "week" in filters else events.none()
    listed = shown.filter(type=chosen_type) if chosen_type else shown
    listed = listed.select_related("household", "agent").order_by("-as_of", "type", "pk")
    counts = _type_counts(shown)
    context = {
        "form": form,
        "counts": counts,
        "chosen_type": chosen_type or "",
        "total": sum(count["n"] for count in counts),
        "page": Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return _render_part(request, "imports/changes.html", "imports/_changes.html", context)
