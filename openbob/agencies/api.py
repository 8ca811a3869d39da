"""JSON API for agencies: the caller's agency and, for managers, the sub-agencies below it."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.agencies.models import Agency
from openbob.api.access import get_visible, require
from openbob.api.auth import current_user
from openbob.api.changes import apply_changes
from openbob.api.params import READ_ERRORS, WRITE_ERRORS, ObjectId, Pagination
from openbob.book.scoping import agencies_visible_to

router = Router(tags=["agencies"])


class AgencyOut(Schema):
    id: int
    name: str
    parent_id: int | None
    depth: int
    allow_agent_exports: bool
    cascade_export_block: bool
    created_at: datetime


class AgencyPatch(Schema):
    """Agency settings a manager may change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    allow_agent_exports: bool | None = None
    cascade_export_block: bool | None = None


def _get(user: User, agency_id: int, perm: Perm) -> Agency:
    """Agency `agency_id` if `user` sees it (else 404) and holds `perm` (else 403)."""
    agency = get_visible(agencies_visible_to(user), agency_id)
    require(user, perm)
    return agency


@router.get("", response={200: list[AgencyOut], **READ_ERRORS})
@paginate(Pagination)
def list_agencies(request: HttpRequest) -> QuerySet[Agency]:
    """The agencies the caller's book spans, in tree order (parents before children)."""
    user = current_user(request)
    require(user, Perm.VIEW_ROSTER)
    return agencies_visible_to(user).order_by("path", "pk")


@router.get("/{agency_id}", response={200: AgencyOut, **READ_ERRORS})
def get_agency(request: HttpRequest, agency_id: ObjectId) -> Agency:
    return _get(current_user(request), agency_id, Perm.VIEW_ROSTER)


@router.patch("/{agency_id}", response={200: AgencyOut, **WRITE_ERRORS})
def update_agency(request: HttpRequest, agency_id: ObjectId, payload: AgencyPatch) -> Agency:
    """Change agency settings such as exports for agents (managers only; audited)."""
    user = current_user(request)
    agency = _get(user, agency_id, Perm.MANAGE_AGENCY)
    changes = payload.model_dump(exclude_none=True)
    apply_changes(actor=user, obj=agency, changes=changes, action="agency.update")
    return agency
