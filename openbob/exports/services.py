"""Export jobs: request, run, notify, links, retry, cancel, and housekeeping.

A request creates an `ExportJob` and enqueues `tasks.run_export` in one transaction
and returns at once; `bob worker` runs it. The file is written under a temporary name
and renamed only when complete (`openbob.lib.spreadsheet`), and `file_path` is saved
only after that, so a worker killed mid-export never leaves a file a link could serve:
its job stays "processing" until `sweep_stale` marks it failed.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from openbob.accounts.models import User
from openbob.audit.services import record
from openbob.book import consumer_filters
from openbob.exports import access, catalogue, dynamic, rowsets, weekly
from openbob.exports.catalogue import ExportSpec
from openbob.exports.dynamic import Refused
from openbob.exports.models import ExportFormat, ExportJob, ExportStatus, Notification
from openbob.lib.signing import BadToken, ExpiredToken, make_token, read_token
from openbob.lib.spreadsheet import (
    ColumnBatches,
    Sheet,
    legend_sheet,
    rows_in,
    write_csv,
    write_xlsx,
)
from openbob.lib.weeks import PACIFIC

logger = logging.getLogger(__name__)

LINK_PURPOSE = "openbob.exports.download"
HEARTBEAT_ROWS = 5000
EXCHANGES = ("on", "off", "all")
STALE = "The worker stopped before the file was finished. Retry the export."
UNEXPECTED = "The export failed unexpectedly ({}). Retry it, or contact support if it fails again."
SEARCH_WITHHELD = "(search text, not logged)"
ProgressFn = Callable[[int], None]


class Gone(Exception):
    """A genuine download link past its expiry, or a file already deleted (410)."""


# -- requesting -------------------------------------------------------------------------


def get_spec(kind: str) -> ExportSpec:
    """A static catalogue export (the export pages offer these); 404 for any other kind."""
    spec = catalogue.get(kind)
    if spec is None:
        raise Http404("No such export")
    return spec


def spec_for(job: ExportJob) -> ExportSpec:
    """The title and columns of `job`'s export, static or dynamic (`openbob.exports.dynamic`).

    The one way to resolve a job: requesting, running, notifying, history and the API
    all ask here, so a dynamic export takes the same path as a static one. A kind this
    code no longer knows gets an empty spec titled so (its job still lists, never runs).
    """
    if (kind := dynamic.get(job.kind)) is not None:
        return kind.spec_for(job)
    return catalogue.get(job.kind) or _unknown_spec(job.kind)


def _unknown_spec(kind: str) -> ExportSpec:
    return ExportSpec(
        key=kind,
        title=f"Unknown export ({kind})",
        description="",
        audience="agency",
        base="",
        fields=(),
    )


def _unsaved_job(user: User, kind: str, options: Mapping[str, Any]) -> ExportJob:
    """An unsaved job of `kind` with its cleaned parameters (ids only, never PII)."""
    dynamic_kind = dynamic.get(kind)
    if dynamic_kind is None:
        parameters = clean_parameters(user, get_spec(kind), options)
    else:
        parameters = {"bom": bool(options.get("bom")), **dynamic_kind.clean(user, options)}
    return ExportJob(requester=user, kind=kind, parameters=parameters)


def clean_parameters(user: User, spec: ExportSpec, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Options the export understands, validated; ids only, never PII beyond the search
    text a user typed into the list filters (stored, never logged: `audit_parameters`).

    Raises Http404 for an agent the user cannot see, ValidationError for bad values.
    """
    params: dict[str, Any] = {"bom": bool(raw.get("bom"))}
    filters = raw.get("filters") or {}
    if not isinstance(filters, Mapping):
        raise ValidationError("Filters are an object of filter names and values.")
    if "filters" in spec.options:
        params["filters"] = consumer_filters.stored(user, filters)
    elif filters:
        raise ValidationError(f"{spec.title} takes no list filters.")
    if "agent" in spec.options:
        params["agent_id"] = _visible_agent_id(user, raw.get("agent_id"))
    if "exchange" in spec.options:
        exchange = raw.get("exchange") or "on"
        if exchange not in EXCHANGES:
            raise ValidationError("Exchange must be on, off or all.")
        params["exchange"] = exchange
    if "date_range" in spec.options:
        for name in ("date_from", "date_to"):
            params[name] = _iso_date(raw.get(name))
    for flag in ("current", "include_archived", "include_unsubmitted"):
        if flag in spec.options:
            params[flag] = bool(raw.get(flag))
    return params


def _visible_agent_id(user: User, value: object) -> int:
    try:
        agent_id = int(str(value))
    except ValueError:
        raise ValidationError("Pick an agent.") from None
    if not access.find_agents(user, "").filter(pk=agent_id).exists():
        raise Http404("No such agent")
    return agent_id


def _iso_date(value: object) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationError("Dates are YYYY-MM-DD.") from None


def request_export(
    *,
    user: User,
    kind: str,
    fmt: str,
    options: Mapping[str, Any],
    masked: bool = True,
    purpose: str = "",
    enqueue: bool = True,
) -> ExportJob:
    """Check, record and queue an export; returns the queued job at once.

    Unmasked exports need the role's permission and a purpose here; the caller checks
    fresh re-authentication, which only a browser session can prove.
    """
    job = _unsaved_job(user, kind, options)
    spec, parameters = spec_for(job), job.parameters
    if reason := access.refusal(user, spec):
        raise PermissionDenied(reason)
    if fmt not in ExportFormat.values:
        raise ValidationError("Format must be xlsx or csv.")
    purpose = purpose.strip()
    if not masked:
        if not access.may_export_unmasked(user, spec):
            raise PermissionDenied(access.NO_UNMASKED)
        if not purpose:
            raise PermissionDenied("An unmasked export needs a stated purpose.")
        if "current" in spec.options:
            # The weekly book keeps masked cells only; unmasked values are read live.
            parameters["current"] = True
    job.format, job.masked, job.purpose = fmt, masked, "" if masked else purpose
    with transaction.atomic():
        job.save()
        detail = {
            "kind": kind,
            "format": fmt,
            "masked": masked,
            "parameters": audit_parameters(parameters),
        }
        record(actor=user, action="export.request", subject=job, purpose=job.purpose, detail=detail)
        if enqueue:
            _enqueue(job)
    return job


def audit_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """`parameters` as the audit log may keep them: a typed search may be a consumer's
    name, so the log says only that there was one."""
    filters = parameters.get("filters")
    if not filters or "q" not in filters:
        return dict(parameters)
    return {**parameters, "filters": {**filters, "q": SEARCH_WITHHELD}}


def _enqueue(job: ExportJob) -> None:
    from openbob.exports.tasks import run_export  # tasks imports this module

    result = run_export.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def retry(job: ExportJob, user: User) -> ExportJob:
    """Request a failed export again, as a new job that passes every check again."""
    if job.requester_id != user.pk or job.status != ExportStatus.FAILED:
        raise Http404("No such failed export")
    return request_export(
        user=user,
        kind=job.kind,
        fmt=job.format,
        options=job.parameters,
        masked=job.masked,
        purpose=job.purpose,
    )


def cancel(job: ExportJob, user: User) -> bool:
    """Cancel a queued export of `user`; False when it already started or ended."""
    cancelled = ExportJob.objects.filter(
        pk=job.pk, requester=user, status=ExportStatus.QUEUED
    ).update(status=ExportStatus.CANCELLED, finished_at=timezone.now())
    return cancelled == 1


# -- running ----------------------------------------------------------------------------


def run_job(job_id: int, *, progress: ProgressFn | None = None, notify: bool = True) -> ExportJob:
    """Write the export of a queued job; the worker's task body (and `bob export`'s).

    Claims the job atomically (queued -> processing), so a cancelled job or a second
    worker does nothing. Permission and the export switch are checked again here.
    """
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.PROCESSING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    job = ExportJob.objects.select_related("requester__agency").get(pk=job_id)
    if not claimed:
        return job
    try:
        path, rows = _write(job, progress)
    except Refused as refusal:
        _finish_failed(job, str(refusal), notify=notify)
    except Exception as error:
        # Only the class: messages and tracebacks of database errors may quote values.
        logger.error("Export job %s failed: %s", job.pk, type(error).__name__)
        _finish_failed(job, UNEXPECTED.format(type(error).__name__), notify=notify)
    else:
        _finish_succeeded(job, path, rows, notify=notify)
    return job


def export_request(job: ExportJob) -> rowsets.Request:
    """The rows request of a job, after every check again (the worker's and `bob export`'s).

    Raises `Refused` when the requester may no longer have it.
    """
    if (kind := dynamic.get(job.kind)) is not None:
        kind.check(job.requester, job.parameters)
    elif catalogue.get(job.kind) is None:
        raise Refused("This export type no longer exists.")
    spec = spec_for(job)
    if reason := access.refusal(job.requester, spec):
        raise Refused(reason)
    if not job.masked and not access.may_export_unmasked(job.requester, spec):
        raise Refused(access.NO_UNMASKED)
    agent_id = job.parameters.get("agent_id")
    if (
        agent_id is not None
        and not access.find_agents(job.requester, "").filter(pk=agent_id).exists()
    ):
        raise Refused("The agent is no longer in your scope.")
    return rowsets.Request(job.requester, spec, job.parameters, job.masked, job.purpose)


def export_dir() -> Path:
    directory = Path(settings.OPENBOB_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _write(job: ExportJob, progress: ProgressFn | None) -> tuple[Path, int]:
    request = export_request(job)
    path = export_dir() / f"{job.pk}-{secrets.token_hex(8)}.{job.format}"
    source = export_rows(request)
    job.parameters["snapshot"] = source.week or "current"
    job.save(update_fields=["parameters"])
    rows = _with_heartbeat(job.pk, source.rows, progress)
    count = write_file(
        request, path, job.format, rows, created=timezone.now(), snapshot=source.snapshot
    )
    return path, count


@dataclass(frozen=True)
class RowSource:
    """An export's rows and the snapshot they reflect (stated in the file)."""

    rows: Iterable[rowsets.Row]  # often `ColumnBatches`
    snapshot: str
    week: str = ""


def export_rows(request: rowsets.Request) -> RowSource:
    """Live rows, or the weekly book's for a Book of Business without "current data".

    Before the first weekly book is taken, the export falls back to current data and
    says so. A dynamic kind builds its own rows, always live.
    """
    if (kind := dynamic.get(request.spec.key)) is not None:
        return RowSource(kind.rows_for(request), catalogue.SNAPSHOT_MODE)
    wants_weekly = "current" in request.spec.options and not request.parameters.get("current")
    book = weekly.latest() if wants_weekly and request.masked else None
    if book is None:
        return RowSource(rowsets.rows(request), catalogue.SNAPSHOT_MODE)
    return RowSource(weekly.rows(request, book), weekly.describe(book), book.week.isoformat())


def write_file(
    request: rowsets.Request,
    path: Path,
    fmt: str,
    rows: Iterable[rowsets.Row],
    *,
    created: datetime,
    snapshot: str = catalogue.SNAPSHOT_MODE,
) -> int:
    """Write `rows` of `request`'s export to `path` (atomically); returns the row count.

    An .xlsx states the list filters applied in its title row and Legend sheet."""
    spec = request.spec
    columns = rowsets.columns(spec, masked=request.masked)
    if fmt == ExportFormat.CSV:
        return write_csv(path, columns, rows, bom=bool(request.parameters.get("bom")))
    filters = rowsets.filters_applied(request)
    main = Sheet(
        name=sheet_name(spec.title),
        columns=columns,
        rows=rows,
        title=title(spec, created, snapshot, filters),
    )
    stamp = created.astimezone(PACIFIC).isoformat()
    legend = legend_sheet(
        catalogue.legend_rows(spec, created=stamp, snapshot=snapshot, filters=filters)
    )
    return write_xlsx(path, [main, legend])


_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\']+")


def sheet_name(title_: str) -> str:
    """The main sheet's name: the export's title within Excel's rules (31 characters, no
    `[]:*?/\\` or quotes), never "Legend" (that sheet follows it)."""
    name = _SHEET_UNSAFE.sub(" ", title_).strip()[:31].strip()
    return "Export" if not name or name.casefold() == "legend" else name


def title(
    spec: ExportSpec, created: datetime, snapshot: str = catalogue.SNAPSHOT_MODE, filters: str = ""
) -> str:
    """Row 1 of the sheet. CalHEERS layout: exactly `File Created <Java-style time>`,
    which the importer reads back; the snapshot is then stated in the Legend."""
    stamp = created.astimezone(PACIFIC).strftime("%a %b %d %H:%M:%S %Z %Y")
    if spec.layout == "calheers":
        return f"File Created {stamp}"
    narrowed = f" (filters: {filters})" if filters else ""
    return f"{spec.title}{narrowed}: {snapshot}, file created {stamp}"


def _with_heartbeat(
    job_id: int, rows: Iterable[rowsets.Row], progress: ProgressFn | None
) -> Iterable[rowsets.Row]:
    """Pass rows through (batches of columns as batches), telling the job (and a
    progress bar) that work goes on."""
    beat = _Heartbeat(job_id, progress)
    if isinstance(rows, ColumnBatches):
        return ColumnBatches(map(beat.batch, rows.batches))
    return map(beat.row, rows)


class _Heartbeat:
    """Counts rows; every `HEARTBEAT_ROWS` the job's heartbeat and the progress bar move."""

    def __init__(self, job_id: int, progress: ProgressFn | None) -> None:
        self._job_id = job_id
        self._progress = progress
        self._count = 0

    def row(self, row: rowsets.Row) -> rowsets.Row:
        self._moved(1)
        return row

    def batch(self, columns: Sequence[Sequence[object]]) -> Sequence[Sequence[object]]:
        self._moved(rows_in(columns))
        return columns

    def _moved(self, rows: int) -> None:
        before, self._count = self._count, self._count + rows
        if before // HEARTBEAT_ROWS != self._count // HEARTBEAT_ROWS:
            ExportJob.objects.filter(pk=self._job_id).update(heartbeat_at=timezone.now())
            if self._progress is not None:
                self._progress(self._count)


def _finish_succeeded(job: ExportJob, path: Path, rows: int, *, notify: bool) -> None:
    job.status = ExportStatus.SUCCEEDED
    job.rows, job.size, job.file_path = rows, path.stat().st_size, str(path)
    job.finished_at, job.error = timezone.now(), ""
    job.save(update_fields=["status", "rows", "size", "file_path", "finished_at", "error"])
    if notify:
        title_ = spec_for(job).title
        _notify(job, "export.ready", f"Your export “{title_}” is ready ({rows} rows).")
        send_ready_email(job)


def _finish_failed(job: ExportJob, reason: str, *, notify: bool) -> None:
    job.status, job.error, job.finished_at = ExportStatus.FAILED, reason[:500], timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    if notify:
        _notify(job, "export.failed", f"Your export “{spec_for(job).title}” failed: {reason}")


def _notify(job: ExportJob, kind: str, text: str) -> None:
    Notification.objects.create(
        user=job.requester, kind=kind, text=text[:300], link=reverse("exports:history")
    )


def send_ready_email(job: ExportJob) -> bool:
    """Email the requester a download link (no PII: the export's name, rows and link;
    `email_title` when the spec gives one, since its title may hold user-typed text).

    A mail failure does not fail the export: the file is in Exports History.
    """
    spec = spec_for(job)
    name = spec.email_title or spec.title
    context = {
        "job": job,
        "title": name,
        "link": settings.SITE_URL.rstrip("/") + download_path(job),
        "history": settings.SITE_URL.rstrip("/") + reverse("exports:history"),
        "minutes": settings.OPENBOB_EXPORT_LINK_SECONDS // 60,
    }
    try:
        send_mail(
            subject=f"Your OpenBoB export is ready: {name}",
            message=render_to_string("exports/email_ready.txt", context),
            from_email=None,
            recipient_list=[job.requester.email],
            html_message=render_to_string("exports/email_ready.html", context),
        )
    except OSError as error:  # smtplib errors are OSErrors
        logger.warning("Export job %s: email not sent (%s)", job.pk, type(error).__name__)
        return False
    return True


# -- links ------------------------------------------------------------------------------


def _secret() -> bytes:
    return str(settings.SECRET_KEY).encode()


def download_path(job: ExportJob) -> str:
    """A fresh signed link for the requester: ids and expiry only, bound to the user."""
    expires_at = int(time.time()) + settings.OPENBOB_EXPORT_LINK_SECONDS
    token = make_token(
        {"j": job.pk, "u": job.requester_id},
        secret=_secret(),
        expires_at=expires_at,
        purpose=LINK_PURPOSE,
    )
    return reverse("exports:download", kwargs={"token": token})


def job_for_link(token: str, user: User) -> ExportJob:
    """The succeeded job a link names, for `user` only.

    Http404: tampered, another user's, or no such ready file. Gone: expired link, or a
    file the retention cleanup already deleted.
    """
    try:
        payload = read_token(token, secret=_secret(), purpose=LINK_PURPOSE, now=int(time.time()))
    except ExpiredToken:
        raise Gone("This link has expired. Open Exports History for a fresh one.") from None
    except BadToken:
        raise Http404("No such export") from None
    job_id = payload.get("j")
    if payload.get("u") != user.pk or not isinstance(job_id, int):
        raise Http404("No such export")
    job = ExportJob.objects.filter(pk=job_id, requester=user).first()
    if job is None:
        raise Http404("No such export")
    if job.status == ExportStatus.EXPIRED:
        raise Gone("This export's file was deleted after the retention period.")
    if job.status != ExportStatus.SUCCEEDED or not Path(job.file_path).is_file():
        raise Http404("No such export")
    return job


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(job: ExportJob) -> str:
    """`openbob-book_all-2026-03-06.xlsx`: built from ids only, sanitised anyway."""
    day = (job.finished_at or job.requested_at).astimezone(PACIFIC).date().isoformat()
    week = job.parameters.get("snapshot")
    mode = f"-week-{week}" if week and week != "current" else ""
    name = f"openbob-{job.kind}{mode}-{day}.{job.format}"
    return _UNSAFE_FILENAME.sub("_", name)


# -- housekeeping -----------------------------------------------------------------------


@dataclass(frozen=True)
class Housekeeping:
    stale: int
    expired: int


def sweep_stale(now: datetime | None = None) -> int:
    """Fail jobs whose worker stopped: processing with no heartbeat for the lease time."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.OPENBOB_EXPORT_LEASE_SECONDS)
    return ExportJob.objects.filter(status=ExportStatus.PROCESSING, heartbeat_at__lt=limit).update(
        status=ExportStatus.FAILED, error=STALE, finished_at=now
    )


def prune(now: datetime | None = None) -> int:
    """Delete files older than the retention period, mark their jobs expired, and remove
    temporary files a killed worker left behind."""
    now = now or timezone.now()
    limit = now - timedelta(hours=settings.OPENBOB_EXPORT_RETENTION_HOURS)
    old = ExportJob.objects.filter(status=ExportStatus.SUCCEEDED, finished_at__lt=limit)
    expired = 0
    for job in old.only("pk", "file_path"):
        if job.file_path:
            Path(job.file_path).unlink(missing_ok=True)
        expired += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.SUCCEEDED).update(
            status=ExportStatus.EXPIRED, file_path=""
        )
    for leftover in export_dir().glob(".*.tmp"):
        if leftover.stat().st_mtime < limit.timestamp():
            leftover.unlink(missing_ok=True)
    return expired


def housekeeping(now: datetime | None = None) -> Housekeeping:
    """Both sweeps; the worker runs them before each export, `bob export prune` on demand."""
    return Housekeeping(stale=sweep_stale(now), expired=prune(now))
