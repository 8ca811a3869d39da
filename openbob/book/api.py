"""JSON API for households: the caller's book, with masked PII only.

SSNs and dates of birth leave this API only as masks built from the clear `ssn_last4`
and `birth_year` columns, and income not at all: nothing here decrypts, so nothing
here needs a reveal audit row. Plaintext stays behind the portal's audited reveal.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.filter_schema import FilterLookup
from ninja.pagination import paginate
from pydantic import ConfigDict

from openbob.accounts.roles import Perm
from openbob.api.access import require
from openbob.api.auth import current_user
from openbob.api.changes import apply_changes
from openbob.api.params import (
    READ_ERRORS,
    WRITE_ERRORS,
    IdFilter,
    ObjectId,
    Pagination,
    SearchText,
)
from openbob.book.choices import Coverage, DelegationStatus, EnrollmentStatus, Program, Source
from openbob.book.models import Delegation, Enrollment, Household, Member
from openbob.book.scoping import Action, get_household_for, households_visible_to
from openbob.lib.masking import mask_dob, mask_ssn

router = Router(tags=["households"])


class AgentRef(Schema):
    id: int
    name: str = Field(alias="full_name")


class HouseholdOut(Schema):
    id: int
    agency_id: int | None
    agent: AgentRef | None
    primary_name: str
    case_number: str | None
    ffm_app_id: str | None
    application_year: int | None
    program: Program
    archived: bool
    household_size: int | None
    updated_at: datetime


class MemberOut(Schema):
    """A household member; SSN and date of birth masked (``***-**-1234``, ``**/**/1980``)."""

    id: int
    is_primary: bool
    first_name: str
    middle_name: str
    last_name: str
    relationship: str
    applying: bool
    ssn_masked: str
    dob_masked: str
    phone: str
    email: str

    @staticmethod
    def resolve_ssn_masked(obj: Member) -> str:
        return mask_ssn(obj.ssn_last4 or None)

    @staticmethod
    def resolve_dob_masked(obj: Member) -> str:
        return mask_dob(obj.birth_year)


class EnrollmentOut(Schema):
    id: int
    coverage: Coverage
    policy_id: str
    carrier: str
    plan_name: str
    hios_plan_id: str
    metal_tier: str
    plan_type: str
    gross_premium: Decimal | None
    aptc: Decimal | None
    net_premium: Decimal | None
    effective_date: date | None
    end_date: date | None
    status: EnrollmentStatus
    paid_through_date: date | None
    binder_status: str
    on_exchange: bool
    source: Source
    source_as_of: datetime | None


class DelegationOut(Schema):
    id: int
    agency_id: int
    agent: AgentRef | None
    status: DelegationStatus
    requested_at: datetime | None
    started_at: datetime | None


class HouseholdDetailOut(HouseholdOut):
    """A household with its members (masked), enrollments and active delegation."""

    primary_phone: str
    primary_email: str
    members: list[MemberOut]
    enrollments: list[EnrollmentOut]
    delegation: DelegationOut | None

    @staticmethod
    def resolve_members(obj: Household) -> QuerySet[Member]:
        return obj.members.order_by("-is_primary", "pk")

    @staticmethod
    def resolve_enrollments(obj: Household) -> QuerySet[Enrollment]:
        return obj.enrollments.order_by("coverage", "-effective_date", "pk")

    @staticmethod
    def resolve_delegation(obj: Household) -> Delegation | None:
        active = obj.delegations.filter(status=DelegationStatus.ACTIVE)
        return active.select_related("agent").order_by("-pk").first()


class HouseholdFilter(FilterSchema):
    q: Annotated[
        SearchText | None,
        FilterLookup(["primary_name__icontains", "case_number__iexact", "ffm_app_id__iexact"]),
    ] = None
    program: Program | None = None
    agent: Annotated[IdFilter | None, FilterLookup("agent_id")] = None
    application_year: Annotated[int | None, Field(ge=1900, le=2200)] = None
    archived: bool | None = None


class HouseholdPatch(Schema):
    """Household fields an editor may change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    archived: bool | None = None


@router.get("", response={200: list[HouseholdOut], **READ_ERRORS})
@paginate(Pagination)
def list_households(request: HttpRequest, filters: Query[HouseholdFilter]) -> QuerySet[Household]:
    """The caller's book, by primary name; filters narrow it, never widen it."""
    user = current_user(request)
    require(user, Perm.VIEW_BOOK)
    book = households_visible_to(user).select_related("agent").order_by("primary_name", "pk")
    return filters.filter(book)


@router.get("/{household_id}", response={200: HouseholdDetailOut, **READ_ERRORS})
def get_household(request: HttpRequest, household_id: ObjectId) -> Household:
    return get_household_for(current_user(request), household_id)


@router.patch("/{household_id}", response={200: HouseholdDetailOut, **WRITE_ERRORS})
def update_household(
    request: HttpRequest, household_id: ObjectId, payload: HouseholdPatch
) -> Household:
    """Change a household, e.g. archive it (editing roles only; audited)."""
    user = current_user(request)
    household = get_household_for(user, household_id, action=Action.EDIT)
    changes = payload.model_dump(exclude_none=True)
    apply_changes(actor=user, obj=household, changes=changes, action="household.update")
    return household
