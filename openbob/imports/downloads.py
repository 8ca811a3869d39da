"""Signed, expiring links to an upload's report files, bound to one user (reliability F3).

The URL holds only an opaque token (job id, user id, which file, expiry) signed with
SECRET_KEY; never a path or any consumer data. A link lives 15 minutes: the result page
makes fresh ones each time it is shown. The files themselves stay until retention
deletes them, after which a link answers 410 like an expired one.
"""

from __future__ import annotations

import enum
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from openbob.accounts.models import User
from openbob.imports.models import ImportJob
from openbob.imports.queries import jobs_visible_to
from openbob.lib.signing import make_token, read_token

LINK_SECONDS = 15 * 60
PURPOSE = "imports.report"


class Report(enum.StrEnum):
    ERRORS = "errors"
    REJECTED_ROWS = "rejected-rows"


class Gone(Exception):
    """The link was genuine but has expired, or its file was deleted since."""


def report_link(job: ImportJob, user: User, report: Report) -> str:
    payload = {"job": job.pk, "user": user.pk, "report": report.value}
    expires_at = int(time.time()) + LINK_SECONDS
    token = make_token(payload, secret=_secret(), expires_at=expires_at, purpose=PURPOSE)
    return reverse("imports:download", args=[token])


def open_report(token: str, user: User) -> tuple[ImportJob, Report, Path]:
    """The job, report kind and file a link names.

    Raises `ExpiredToken` past the expiry, `BadToken` for a forged or mangled token,
    Http404 for another user's link or a job `user` no longer sees, and `Gone` once the
    file was deleted.
    """
    payload = read_token(token, secret=_secret(), purpose=PURPOSE, now=int(time.time()))
    if payload.get("user") != user.pk:
        raise Http404("Not your link")
    try:
        report = Report(str(payload.get("report")))
    except ValueError:
        raise Http404("Unknown report") from None
    job_id = payload.get("job")
    job = jobs_visible_to(user).filter(pk=job_id).first() if isinstance(job_id, int) else None
    if job is None:
        raise Http404("No such upload")
    path = job.errors_path if report == Report.ERRORS else job.rejected_path
    if not path or not Path(path).is_file():
        raise Gone("The file was deleted")
    return job, report, Path(path)


def _secret() -> bytes:
    return str(settings.SECRET_KEY).encode("utf-8")
