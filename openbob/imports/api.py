"""JSON API for imports: upload a file, follow it, save column mappings, list changes.

Imports and mapping profiles are for roles holding `Perm.IMPORT` (Agency Managers). That
is checked with the token, before ninja reads the request body, so a role that may not
import never makes the server receive a file (403 rather than a 422 about the body).
Change events are for everyone, scoped like households.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import BeforeValidator, ConfigDict, StringConstraints

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.agencies.models import Agency
from openbob.api.access import get_visible, require
from openbob.api.auth import TokenAuth, current_user
from openbob.api.params import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    IdFilter,
    ObjectId,
    Pagination,
)
from openbob.book.api import AgentRef
from openbob.book.scoping import agencies_visible_to
from openbob.imports.choices import EventType
from openbob.imports.jobs import create_job
from openbob.imports.models import ChangeEvent, ImportJob, JobStatus, MappingProfile
from openbob.imports.profiles import MappingError, profile_named, propose, save_profile
from openbob.imports.queries import events_visible_to, jobs_visible_to, profiles_visible_to
from openbob.imports.reports import read_errors
from openbob.imports.tasks import dispatch
from openbob.imports.uploads import (
    PrivateUploadedFile,
    declared_too_large,
    private_uploads,
    too_large_message,
)

MAX_ERRORS_SHOWN = 1000
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"

ProfileName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=_PRINTABLE)
]
HeaderText = Annotated[str, StringConstraints(max_length=200, pattern=_PRINTABLE)]


def _blank_is_none(value: Any) -> Any:
    """`?type=` (as clients send an unset filter) means no filter, not an invalid one."""
    return None if value == "" else value


class ImporterAuth(TokenAuth):
    """A bearer token whose user may import; any other user gets 403 at once."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        if user is not None:
            require(user, Perm.IMPORT)
        return user


imports_router = Router(tags=["imports"], auth=ImporterAuth())
profiles_router = Router(tags=["mapping profiles"], auth=ImporterAuth())
changes_router = Router(tags=["changes"])


class RunOut(Schema):
    """What the import wrote: its snapshot's as-of and week, and counts by kind."""

    id: int
    format: str
    as_of: datetime | None
    week: date | None
    rows: int
    rejected_rows: int
    counts: dict[str, int]
    created_at: datetime


class ImportOut(Schema):
    """An uploaded file. `status` is final unless `queued` or `running`; `run` is what it
    wrote (for `duplicate`, the earlier import of the same file)."""

    id: int
    agency_id: int
    file_name: str
    size: int
    status: JobStatus
    message: str
    format: str
    rows: int
    error_count: int
    as_of: datetime | None
    allow_partial: bool
    profile: str | None
    run: RunOut | None
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_profile(obj: ImportJob) -> str | None:
        return obj.profile.name if obj.profile else None


class ProblemOut(Schema):
    file: str
    row: int
    column: str
    reason: str
    value: str


class ProposalOut(Schema):
    """For a file of unknown layout: a mapping to start from, and the saved profile it
    comes from when one fits these headers."""

    mapping: dict[str, str]
    profile: str | None


class ImportDetailOut(ImportOut):
    """An upload with its problems (the first 1,000; `error_count` has them all) and, for
    `needs_mapping`, the file's headers and a proposed mapping to save as a profile."""

    errors: list[ProblemOut]
    headers: list[str]
    proposal: ProposalOut | None

    @staticmethod
    def resolve_errors(obj: ImportJob) -> list[dict[str, str]]:
        if not obj.errors_path or not Path(obj.errors_path).is_file():
            return []
        return read_errors(Path(obj.errors_path), 0, MAX_ERRORS_SHOWN)

    @staticmethod
    def resolve_proposal(obj: ImportJob) -> dict[str, Any] | None:
        if obj.status != JobStatus.NEEDS_MAPPING:
            return None
        proposal = propose(obj.agency, obj.headers)
        return {"mapping": proposal.mapping, "profile": getattr(proposal.profile, "name", None)}


class ImportIn(Schema):
    agency_id: IdFilter | None = Field(None, description="default: your own agency")
    as_of: date | None = Field(None, description="for CSVs, which state no as-of")
    allow_partial: bool = Field(False, description="import the valid rows only")
    profile: ProfileName | None = Field(None, description="a saved mapping profile's name")


class ProfileIn(Schema):
    """A column mapping: target field (see `openbob.sources.mapped.TARGETS`) to header.
    With `headers` (the file's header row) the profile is offered again for files with
    the same columns, and every mapped header must be one of them."""

    model_config = ConfigDict(extra="forbid")

    name: ProfileName
    mapping: Annotated[
        dict[Annotated[str, StringConstraints(max_length=40)], HeaderText], Field(max_length=100)
    ]
    headers: Annotated[list[HeaderText], Field(max_length=1000)] | None = None
    agency_id: IdFilter | None = Field(None, description="default: your own agency")


class ProfileOut(Schema):
    id: int
    agency_id: int
    name: str
    mapping: dict[str, str]
    header_signature: str
    created_at: datetime
    updated_at: datetime


class HouseholdRef(Schema):
    id: int
    name: str = Field(alias="primary_name")


class ChangeOut(Schema):
    id: int
    type: EventType
    type_label: str
    source: str
    week: date
    as_of: datetime
    key: str
    old: str | None
    new: str | None
    household: HouseholdRef | None
    agent: AgentRef | None

    @staticmethod
    def resolve_type_label(obj: ChangeEvent) -> str:
        return str(obj.get_type_display())


class ChangeFilter(Schema):
    since: Annotated[date | None, BeforeValidator(_blank_is_none)] = Field(
        None, description="changes of snapshot weeks ending on or after this date"
    )
    type: Annotated[EventType | None, BeforeValidator(_blank_is_none)] = None
    agent: Annotated[IdFilter | None, BeforeValidator(_blank_is_none)] = None


def _agency(user: User, agency_id: int | None) -> Agency:
    """The agency to act on: a visible one by id (404 otherwise), else the user's own."""
    if agency_id is not None:
        return get_visible(agencies_visible_to(user), agency_id)
    if user.agency is None:
        raise HttpError(404, "Not found.")
    return user.agency


def _profile(user: User, name: str | None, agency: Agency) -> MappingProfile | None:
    if name is None:
        return None
    profile = profile_named(user, name, agency)
    if profile is None:
        raise HttpError(422, f"No mapping profile named {name!r}.")
    return profile


def _received_privately(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The upload's size limit before the body is read, and private files while it is
    (`openbob.imports.uploads`); ninja parses the body inside `run`, after the token."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if declared_too_large(request):
            return JsonResponse({"detail": too_large_message()}, status=413)
        with private_uploads(request) as handler:
            response = run(request, *args, **kwargs)
        if handler.too_large:
            return JsonResponse({"detail": too_large_message()}, status=413)
        return response

    return wrapper


@imports_router.post("", response={201: ImportDetailOut, 413: ErrorOut, **WRITE_ERRORS})
@decorate_view(_received_privately)
def create_import(
    request: HttpRequest, file: File[UploadedFile], form: Form[ImportIn]
) -> Status[ImportJob]:
    """Upload one file (multipart field `file`) and import it, as the upload page does.

    Files up to OPENBOB_IMPORT_INLINE_MAX_BYTES are imported before the answer; larger
    ones come back `queued` for the worker: poll `GET /api/imports/{id}`. A file of an
    unknown layout comes back `needs_mapping` with its headers and a proposed mapping:
    save it with `POST /api/mapping-profiles`, then upload again with `profile`.
    """
    user = current_user(request)
    agency = _agency(user, form.agency_id)
    profile = _profile(user, form.profile, agency)
    assert isinstance(file, PrivateUploadedFile)  # `_received_privately` installed the handler
    job = create_job(
        actor=user,
        agency=agency,
        upload=file,
        as_of=form.as_of,
        allow_partial=form.allow_partial,
        profile=profile,
    )
    dispatch([job])
    return Status(201, job)


def _jobs(user: User) -> QuerySet[ImportJob]:
    return jobs_visible_to(user).select_related("run", "profile", "agency").order_by("-pk")


@imports_router.get("", response={200: list[ImportOut], **READ_ERRORS})
@paginate(Pagination)
def list_imports(request: HttpRequest) -> QuerySet[ImportJob]:
    """Uploads into the caller's agencies, newest first."""
    return _jobs(current_user(request))


@imports_router.get("/{import_id}", response={200: ImportDetailOut, **READ_ERRORS})
def get_import(request: HttpRequest, import_id: ObjectId) -> ImportJob:
    return get_visible(_jobs(current_user(request)), import_id)


@profiles_router.get("", response={200: list[ProfileOut], **READ_ERRORS})
@paginate(Pagination)
def list_profiles(request: HttpRequest) -> QuerySet[MappingProfile]:
    """Saved column mappings of the caller's agencies, by name."""
    return profiles_visible_to(current_user(request)).order_by("name", "pk")


@profiles_router.post("", response={201: ProfileOut, **WRITE_ERRORS})
def save_mapping_profile(request: HttpRequest, payload: ProfileIn) -> Status[MappingProfile]:
    """Save a column mapping for an agency (replacing the one of the same name; audited)."""
    user = current_user(request)
    agency = _agency(user, payload.agency_id)
    try:
        profile = save_profile(
            actor=user,
            agency=agency,
            name=payload.name,
            mapping=payload.mapping,
            headers=payload.headers,
        )
    except MappingError as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(201, profile)


@changes_router.get("", response={200: list[ChangeOut], **READ_ERRORS})
@paginate(Pagination)
def list_changes(request: HttpRequest, filters: Query[ChangeFilter]) -> QuerySet[ChangeEvent]:
    """Changes in the caller's book, newest first (`bob changes --since` as JSON)."""
    user = current_user(request)
    require(user, Perm.VIEW_BOOK)
    events = events_visible_to(user).select_related("household", "agent")
    if filters.since is not None:
        events = events.filter(week__gte=filters.since)
    if filters.type is not None:
        events = events.filter(type=filters.type)
    if filters.agent is not None:
        events = events.filter(agent_id=filters.agent)
    return events.order_by("-as_of", "pk")
