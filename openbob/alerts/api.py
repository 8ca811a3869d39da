"""JSON API for alerts: your Secure Mailbox, the AOR at-risk list, and broadcasts."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from openbob.alerts import aor, bell
from openbob.alerts.models import Broadcast, DailySummary
from openbob.api.access import get_visible
from openbob.api.auth import current_user
from openbob.api.params import READ_ERRORS, ObjectId, Pagination

router = Router(tags=["alerts"])


class SummaryOut(Schema):
    id: int
    day: date
    kind: str
    subject: str
    item_count: int
    email_status: str


class LineOut(Schema):
    household_id: int | None
    topic: str
    case_number: str
    client_name: str
    phone: str
    email: str
    agent_name: str


class SummaryDetailOut(SummaryOut):
    items: list[LineOut]


class AtRiskOut(Schema):
    at: datetime
    household_id: int
    client_name: str
    case_id: str
    cause: str
    last_synced: datetime | None


class BroadcastOut(Schema):
    id: int
    category: str
    title: str
    body: str
    starts_at: datetime
    ends_at: datetime | None


@router.get("/summaries", response={200: list[SummaryOut], **READ_ERRORS})
@paginate(Pagination)
def list_summaries(request: HttpRequest) -> QuerySet[DailySummary]:
    """Your Daily Summaries and Daily Manager Summaries, newest first."""
    return DailySummary.objects.filter(recipient=current_user(request)).order_by("-day", "kind")


@router.get("/summaries/{summary_id}", response={200: SummaryDetailOut, **READ_ERRORS})
def get_summary(request: HttpRequest, summary_id: ObjectId) -> dict[str, object]:
    """One of your summaries with its items (anyone else's is 404)."""
    found = get_visible(DailySummary.objects.filter(recipient=current_user(request)), summary_id)
    return {
        **SummaryOut.from_orm(found).model_dump(),
        "items": [LineOut.from_orm(line) for line in found.lines.all()],
    }


@router.get("/aor-at-risk", response={200: list[AtRiskOut], **READ_ERRORS})
@paginate(Pagination)
def list_at_risk(request: HttpRequest) -> list[aor.Entry]:
    """Households at risk in your scope, newest first (the AOR at-risk tab)."""
    return aor.entries(current_user(request))


@router.get("/broadcasts", response={200: list[BroadcastOut], **READ_ERRORS})
def list_broadcasts(request: HttpRequest) -> QuerySet[Broadcast]:
    """Portal-wide messages showing now, newest first."""
    current_user(request)
    return bell.active_broadcasts()
