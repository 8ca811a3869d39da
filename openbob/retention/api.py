"""JSON API for retention cases: list, detail, update, close, interactions, transfer.

Same scope and rules as the pages (`openbob.retention.access`, `casework`): 404 for
cases the caller cannot see, 403 for roles without the action, 422 with every missing
field for a close that lacks its resolution reason or steps to resolve.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from datetime import datetime
from typing import Annotated

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.filter_schema import FilterLookup
from ninja.pagination import paginate
from pydantic import ConfigDict

from openbob.api.access import get_visible
from openbob.api.auth import current_user
from openbob.api.params import READ_ERRORS, WRITE_ERRORS, IdFilter, ObjectId, Pagination, SearchText
from openbob.lib.weeks import pacific_day
from openbob.retention import casework, dashboard
from openbob.retention.access import (
    CaseAction,
    cases_visible_to,
    get_case_for,
    require,
    transfer_targets,
)
from openbob.retention.choices import CaseStatus, Channel, Outcome
from openbob.retention.models import Interaction, RetentionCase
from openbob.retention.rules import BY_KEY

router = Router(tags=["retention"])


class ReasonOut(Schema):
    key: str
    label: str
    weight: int


class CaseOut(Schema):
    id: int
    household_id: int
    agency_id: int
    assignee_id: int | None
    plan_year: int
    status: CaseStatus
    consumer_name: str
    risk: int
    risk_label: str
    risk_source: str
    score: int
    computed_risk: int
    exchange_risk: int | None
    reasons: list[ReasonOut]
    opened_at: datetime
    closed_at: datetime | None
    resolution: str
    last_interaction_at: datetime | None

    @staticmethod
    def resolve_risk_label(obj: RetentionCase) -> str:
        return obj.get_risk_display()

    @staticmethod
    def resolve_risk_source(obj: RetentionCase) -> str:
        return "exchange" if obj.exchange_risk else "computed"

    @staticmethod
    def resolve_reasons(obj: RetentionCase) -> list[dict[str, object]]:
        rules = [BY_KEY[key] for key in obj.reason_keys if key in BY_KEY]
        return [{"key": r.key, "label": r.label, "weight": r.weight} for r in rules]


class InteractionOut(Schema):
    id: int
    at: datetime
    channel: Channel
    outcome: Outcome
    notes: str
    actor_id: int | None


class CaseDetailOut(CaseOut):
    phone: str
    email: str
    language: str
    steps_to_resolve: str
    interactions: list[InteractionOut]

    @staticmethod
    def resolve_interactions(obj: RetentionCase) -> QuerySet[Interaction]:
        return obj.interactions.all()


class CaseFilter(FilterSchema):
    q: Annotated[SearchText | None, FilterLookup("consumer_name__icontains")] = None
    status: CaseStatus | None = None
    risk: Annotated[int | None, Field(ge=1, le=5)] = None
    assignee: Annotated[IdFilter | None, FilterLookup("assignee_id")] = None
    plan_year: Annotated[int | None, Field(ge=2000, le=2200)] = None


class CasePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    status: CaseStatus | None = None
    resolution: Annotated[str | None, Field(max_length=30)] = None
    steps_to_resolve: Annotated[str | None, Field(max_length=casework.MAX_STEPS)] = None


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    resolution: Annotated[str, Field(max_length=30)] = ""
    steps_to_resolve: Annotated[str, Field(max_length=casework.MAX_STEPS)] = ""


class InteractionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    outcome: Outcome
    notes: Annotated[str, Field(max_length=casework.MAX_NOTES)] = ""
    at: datetime | None = None


class TransferIn(Schema):
    model_config = ConfigDict(extra="forbid")

    case_ids: Annotated[list[IdFilter], Field(min_length=1, max_length=500)]
    agent_id: IdFilter


class TransferOut(Schema):
    transferred: int


class BarOut(Schema):
    label: str
    value: int


class ActivityOut(Schema):
    enroller_id: int
    name: str
    open: int
    closed: int
    average_resolution_days: float | None
    last_interaction_at: datetime | None


class DashboardOut(Schema):
    open_cases: int
    by_priority: list[BarOut]
    aging: list[BarOut]
    by_reason: list[BarOut]
    by_resolution: list[BarOut]
    average_resolution_days: float | None
    refreshed_at: datetime | None
    activity: list[ActivityOut]


def _invalid(exc: casework.CaseError) -> ValidationError:
    """422 listing each field and what it lacks, like every other invalid input."""
    return ValidationError([{"loc": ["body", f], "msg": m} for f, m in exc.errors.items()])


@router.get("/cases", response={200: list[CaseOut], **READ_ERRORS})
@paginate(Pagination)
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> QuerySet[RetentionCase]:
    """The caller's cases, highest risk first; filters narrow, never widen."""
    user = current_user(request)
    require(user, CaseAction.VIEW)
    return filters.filter(cases_visible_to(user)).order_by("-risk", "opened_at", "pk")


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **READ_ERRORS})
def get_case(request: HttpRequest, case_id: ObjectId) -> RetentionCase:
    return get_case_for(current_user(request), case_id)


@router.patch("/cases/{case_id}", response={200: CaseDetailOut, **WRITE_ERRORS})
def update_case(request: HttpRequest, case_id: ObjectId, payload: CasePatch) -> RetentionCase:
    """Change status, resolution or steps; setting status closed needs all three."""
    user = current_user(request)
    case = get_case_for(user, case_id, action=CaseAction.WORK)
    try:
        casework.update_case(actor=user, case=case, update=casework.CaseUpdate(**payload.dict()))
    except casework.CaseError as exc:
        raise _invalid(exc) from exc
    return case


@router.post("/cases/{case_id}/close", response={200: CaseDetailOut, **WRITE_ERRORS})
def close_case(request: HttpRequest, case_id: ObjectId, payload: CloseIn) -> RetentionCase:
    user = current_user(request)
    case = get_case_for(user, case_id, action=CaseAction.WORK)
    try:
        casework.close_case(actor=user, case=case, **payload.dict())
    except casework.CaseError as exc:
        raise _invalid(exc) from exc
    return case


@router.post("/cases/{case_id}/interactions", response={201: InteractionOut, **WRITE_ERRORS})
def log_interaction(
    request: HttpRequest, case_id: ObjectId, payload: InteractionIn
) -> Status[Interaction]:
    user = current_user(request)
    case = get_case_for(user, case_id, action=CaseAction.WORK)
    try:
        entry = casework.log_interaction(actor=user, case=case, **payload.dict())
    except casework.CaseError as exc:
        raise _invalid(exc) from exc
    return Status(201, entry)


@router.post("/transfers", response={200: TransferOut, **WRITE_ERRORS})
def transfer(request: HttpRequest, payload: TransferIn) -> dict[str, int]:
    """Move cases to an agent of their agency (Agency Managers; audited)."""
    user = current_user(request)
    require(user, CaseAction.TRANSFER)
    agent = get_visible(transfer_targets(user), payload.agent_id)
    cases = list(cases_visible_to(user).filter(pk__in=payload.case_ids))
    if len(cases) != len(set(payload.case_ids)):
        raise Http404("Not found")  # a case the caller cannot see
    try:
        return {"transferred": casework.transfer_cases(actor=user, cases=cases, to=agent)}
    except casework.CaseError as exc:
        raise _invalid(exc) from exc


@router.get("/dashboard", response={200: DashboardOut, **READ_ERRORS})
def get_dashboard(request: HttpRequest) -> dict[str, object]:
    """The dashboard's figures as of the last refresh (activity for managers only)."""
    user = current_user(request)
    require(user, CaseAction.VIEW)
    figures = dashboard.build(user, today=pacific_day(timezone.now()))
    return {
        **{name: getattr(figures, name) for name in ("open_cases", "by_priority", "aging")},
        "by_reason": figures.by_reason,
        "by_resolution": figures.by_resolution,
        "average_resolution_days": figures.average_days,
        "refreshed_at": figures.refreshed_at,
        "activity": [
            {
                "enroller_id": a.enroller.pk,
                "name": a.enroller.full_name,
                "open": a.open,
                "closed": a.closed,
                "average_resolution_days": a.average_days,
                "last_interaction_at": a.last_interaction_at,
            }
            for a in figures.activity
        ],
    }
