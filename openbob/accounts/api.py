"""JSON API for enrollers: the agency roster, and adding agents to it."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.filter_schema import FilterLookup
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict, StringConstraints

from openbob.accounts.models import CertificationStatus, User
from openbob.accounts.roles import Perm, Role
from openbob.agencies.models import Agency
from openbob.api.access import get_visible, require
from openbob.api.auth import current_user
from openbob.api.params import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    IdFilter,
    ObjectId,
    Pagination,
    SearchText,
)
from openbob.audit.services import record
from openbob.book.scoping import agencies_visible_to, enrollers_visible_to

router = Router(tags=["enrollers"])

DUPLICATE_EMAIL = "An enroller with this email address already exists."


def _valid_email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        raise ValueError("Enter a valid email address.") from exc
    return value.lower()


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_valid_email)
]
PersonName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20, pattern=r"^[A-Za-z0-9-]*$")
]


class EnrollerOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    agency_id: int | None
    role: Role
    license_number: str
    npn: str
    certification_status: CertificationStatus
    is_active: bool


class EnrollerFilter(FilterSchema):
    q: Annotated[
        SearchText | None,
        FilterLookup(
            [
                "first_name__icontains",
                "last_name__icontains",
                "email__icontains",
                "license_number__icontains",
            ]
        ),
    ] = None
    role: Role | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None


class EnrollerIn(Schema):
    """A new Certified Agent. Other roles are granted in the portal, under re-authentication."""

    model_config = ConfigDict(extra="forbid")

    agency_id: IdFilter
    email: Email
    first_name: PersonName
    last_name: PersonName
    license_number: Code = ""
    npn: Code = ""


def _roster(user: User) -> QuerySet[User]:
    return enrollers_visible_to(user).order_by("last_name", "first_name", "pk")


@router.get("", response={200: list[EnrollerOut], **READ_ERRORS})
@paginate(Pagination)
def list_enrollers(request: HttpRequest, filters: Query[EnrollerFilter]) -> QuerySet[User]:
    """The roster of the caller's visible agencies, by last then first name."""
    user = current_user(request)
    require(user, Perm.VIEW_ROSTER)
    return filters.filter(_roster(user))


@router.get("/{enroller_id}", response={200: EnrollerOut, **READ_ERRORS})
def get_enroller(request: HttpRequest, enroller_id: ObjectId) -> User:
    user = current_user(request)
    enroller = get_visible(_roster(user), enroller_id)
    require(user, Perm.VIEW_ROSTER)
    return enroller


@router.post("", response={201: EnrollerOut, 409: ErrorOut, **WRITE_ERRORS})
def create_enroller(request: HttpRequest, payload: EnrollerIn) -> Status[User]:
    """Add a Certified Agent to a visible agency (needs the add-agent permission; audited).

    The account starts without a usable password, so no credential ever travels through
    this API; the agent signs in once a password is set through the portal.
    """
    user = current_user(request)
    agency = get_visible(agencies_visible_to(user), payload.agency_id)
    require(user, Perm.ADD_AGENT)
    return Status(201, _add_agent(actor=user, agency=agency, data=payload))


def _add_agent(*, actor: User, agency: Agency, data: EnrollerIn) -> User:
    """Create the agent and its audit row together; 409 when the email is taken."""
    if User.objects.filter(email__iexact=data.email).exists():
        raise HttpError(409, DUPLICATE_EMAIL)
    fields = data.model_dump(exclude={"agency_id", "email"})
    try:
        with transaction.atomic():
            agent = User.objects.create_user(
                data.email, None, agency=agency, role=Role.AGENT, **fields
            )
            detail = {"email": agent.email, "agency_id": agency.pk, "role": agent.role}
            record(actor=actor, action="enroller.create", subject=agent, detail=detail)
    except IntegrityError as exc:  # a concurrent request took the email meanwhile
        raise HttpError(409, DUPLICATE_EMAIL) from exc
    return agent
