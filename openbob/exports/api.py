"""JSON API for exports: request one, list yours, read one (with a fresh download link).

Tokens carry no re-authentication, so the API offers masked exports only. The download
link in a job's detail is the portal's signed link: it needs a signed-in session.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from openbob.accounts.roles import Perm
from openbob.api.access import get_visible, require
from openbob.api.auth import current_user
from openbob.api.params import MAX_ID, READ_ERRORS, WRITE_ERRORS, ObjectId, Pagination
from openbob.exports import catalogue, services
from openbob.exports.models import ExportJob, ExportStatus

router = Router(tags=["exports"])


class ColumnOut(Schema):
    header: str
    kind: str
    meaning: str
    source: str
    masking: str


class ExportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    type: Literal[tuple(catalogue.BY_KEY)]  # type: ignore[valid-type]
    format: Literal["xlsx", "csv"] = "xlsx"
    bom: bool = False
    agent_id: int | None = Field(None, ge=1, le=MAX_ID)
    exchange: Literal["on", "off", "all"] = "on"
    date_from: date | None = None
    date_to: date | None = None
    include_archived: bool = False
    include_unsubmitted: bool = False
    current: bool = Field(
        False, description="Book of Business: live values instead of the weekly snapshot"
    )
    filters: dict[str, str | int | bool] = Field(
        default_factory=dict,
        description="Clients: the Active Consumers list's filters, named as in its query "
        'string, e.g. {"agent": 12, "program": "medi_cal", "q": "smith", "mine": true}; '
        "unknown names or bad values answer 422",
    )


class _JobFields(Schema):
    id: int
    type: str
    title: str
    format: str
    parameters: dict[str, object]
    masked: bool
    status: str
    rows: int | None
    size: int | None
    error: str
    requested_at: datetime
    finished_at: datetime | None


class ExportJobSummary(_JobFields):
    """A job as the list shows it (read straight from the model)."""

    @staticmethod
    def resolve_type(job: ExportJob) -> str:
        return job.kind

    @staticmethod
    def resolve_title(job: ExportJob) -> str:
        return services.spec_for(job).title


class ExportJobOut(_JobFields):
    """A job with its column legend and, when ready, a fresh signed download link."""

    download_url: str | None
    columns: list[ColumnOut]


def _out(job: ExportJob, *, with_link: bool) -> dict[str, object]:
    spec = services.spec_for(job)
    ready = with_link and job.status == ExportStatus.SUCCEEDED
    summary = ExportJobSummary.from_orm(job).model_dump()
    columns = [
        ColumnOut(
            header=f.header, kind=f.kind, meaning=f.meaning, source=f.source, masking=f.masking
        )
        for f in spec.fields
    ]
    download_url = services.download_path(job) if ready else None
    return {**summary, "download_url": download_url, "columns": columns}


@router.post("", response={202: ExportJobOut, **WRITE_ERRORS})
def create_export(request: HttpRequest, payload: ExportIn) -> Status[dict[str, object]]:
    """Queue an export (masked); 403 with the reason when exports are prevented."""
    user = current_user(request)
    try:
        job = services.request_export(
            user=user, kind=payload.type, fmt=payload.format, options=payload.model_dump()
        )
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None
    return Status(202, _out(job, with_link=False))


@router.get("", response={200: list[ExportJobSummary], **READ_ERRORS})
@paginate(Pagination)
def list_exports(request: HttpRequest) -> QuerySet[ExportJob]:
    """Your own export jobs, newest first (links only in the detail)."""
    user = current_user(request)
    require(user, Perm.EXPORT)
    return ExportJob.objects.filter(requester=user).order_by("-requested_at", "-pk")


@router.get("/{export_id}", response={200: ExportJobOut, **READ_ERRORS})
def get_export(request: HttpRequest, export_id: ObjectId) -> dict[str, object]:
    """One of your export jobs; a ready one carries a fresh signed download link."""
    user = current_user(request)
    job = get_visible(ExportJob.objects.filter(requester=user), export_id)
    return _out(job, with_link=True)
