"""One uploaded file through `import_file`, and what is kept of the outcome.

The upload page, the API and the worker (`tasks.py`) all go through `run_job`, so a
file is treated the same whichever way it came in and however large it is. A job ends
in a final status with a message; its report files (every error as CSV, and with
"valid rows only" the rejected rows) stay beside it for the signed download links,
until retention removes them. A file of a layout nobody knows stops at
`NEEDS_MAPPING` with its headers, keeping the upload so that the manager can choose a
column mapping and import it without uploading it again.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from openbob.accounts.models import User
from openbob.agencies.models import Agency
from openbob.imports.models import ImportJob, JobStatus, MappingProfile
from openbob.imports.ordering import path_as_of
from openbob.imports.pipeline import ImportResult, import_file
from openbob.imports.reports import write_errors_csv, write_rejected_rows
from openbob.imports.uploads import PrivateUploadedFile, delete_upload
from openbob.lib.weeks import SNAPSHOT_HOUR, at_pacific
from openbob.sources.detect import detect
from openbob.sources.errors import MalformedFileError, SourceError, UnsafeFileError
from openbob.sources.formats import FormatId

logger = logging.getLogger(__name__)

UNEXPECTED = "The import stopped on an unexpected error (details are in the server log)."
UNKNOWN_LAYOUT = (
    "OpenBoB does not know this file's layout. Choose which column holds which field; "
    "the mapping is saved for the next file like it."
)


def create_job(
    *,
    actor: User,
    agency: Agency,
    upload: PrivateUploadedFile,
    as_of: date | None,
    allow_partial: bool,
    profile: MappingProfile | None,
) -> ImportJob:
    """A queued job that takes over `upload` from the request.

    Without a date from the user, the as-of is the date in the file's name (as on the
    command line); files that state their own as-of (CalHEERS) override both.
    """
    name = str(upload.name)
    job = ImportJob.objects.create(
        agency=agency,
        actor=actor,
        file_name=name,
        upload_path=str(upload.path),
        size=upload.size or 0,
        as_of=at_pacific(as_of, SNAPSHOT_HOUR) if as_of else path_as_of(Path(name)),
        allow_partial=allow_partial,
        profile=profile,
    )
    upload.claim()
    return job


def retry_with(job: ImportJob, profile: MappingProfile) -> ImportJob:
    """Queue a job that waited for a column mapping again, now with `profile`."""
    job.profile = profile
    job.status = JobStatus.QUEUED
    job.headers = []
    job.message = ""
    job.save(update_fields=["profile", "status", "headers", "message"])
    return job


def run_job(job: ImportJob) -> ImportJob:
    """Import a queued job's file; a job another worker took already is left alone."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING
    )
    job.refresh_from_db()
    if not claimed:
        return job
    try:
        result = _import(job)
        headers = _unknown_layout(job, result)
        if headers is not None:
            return _ask_for_mapping(job, result, headers)
        _keep_reports(job, result)
    except PermissionDenied as exc:
        return _finish(job, JobStatus.FAILED, str(exc))
    except Exception:  # a job must end in a final status, whatever went wrong
        logger.exception("Import job %s failed", job.pk)
        return _finish(job, JobStatus.FAILED, UNEXPECTED)
    job.run = result.run or result.duplicate_of
    job.format = result.format
    job.rows = result.rows
    job.error_count = len(result.errors)
    status = JobStatus.DUPLICATE if result.status == "duplicate" else JobStatus(result.status)
    return _finish(job, status, result.message)


def _import(job: ImportJob) -> ImportResult:
    if job.actor is None:
        raise PermissionDenied("The user who uploaded this file no longer exists.")
    return import_file(
        actor=job.actor,
        agency=job.agency,
        path=Path(job.upload_path),
        file_name=job.file_name,
        as_of=job.as_of,
        allow_partial=job.allow_partial,
        profile=job.profile,
    )


def _unknown_layout(job: ImportJob, result: ImportResult) -> tuple[str, ...] | None:
    """The headers of a file refused as a whole because no known layout (or the chosen
    mapping) reads it; None for any other outcome.

    Detection runs only after such a refusal, so a successful import reads the file once.
    """
    if result.status == "duplicate" or result.refusal is None:
        return None
    if isinstance(result.refusal, UnsafeFileError | MalformedFileError):
        return None  # refused before any header was read: there is nothing to map
    try:
        found = detect(job.upload_path)
    except SourceError:
        return None
    return found.headers if found.format == FormatId.GENERIC else None


def _ask_for_mapping(job: ImportJob, result: ImportResult, headers: tuple[str, ...]) -> ImportJob:
    job.headers = list(headers)
    message = UNKNOWN_LAYOUT
    if job.profile is not None:
        message = f"The mapping “{job.profile.name}” does not fit this file ({result.file_error})."
    job.status = JobStatus.NEEDS_MAPPING
    job.message = message
    job.finished_at = timezone.now()
    job.save()
    return job


def _keep_reports(job: ImportJob, result: ImportResult) -> None:
    folder = settings.DATA_DIR / "imports" / "reports"
    if result.errors:
        errors = folder / f"job-{job.pk}-errors.csv"
        write_errors_csv(errors, result.errors)
        job.errors_path = str(errors)
    if result.ok and result.rejected_lines:
        rejected = folder / f"job-{job.pk}-rejected-rows.csv"
        assert result.header_row is not None  # rows were read, so the header was found
        write_rejected_rows(
            Path(job.upload_path), rejected, sorted(set(result.rejected_lines)), result.header_row
        )
        job.rejected_path = str(rejected)


def _finish(job: ImportJob, status: JobStatus, message: str) -> ImportJob:
    """Record the outcome and delete the upload: the book (or the reports) hold it now."""
    delete_upload(job.upload_path)
    job.upload_path = ""
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.save()
    return job
