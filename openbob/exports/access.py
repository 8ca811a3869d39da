"""Who may request which export: role, the "Prevent exports" switch, agent picking.

Checked three times with the same functions: the UI hides what `refusal` refuses, the
API answers 403 with its message, and the worker checks again when the job runs (the
switch may have been flipped after the request).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openbob.accounts.models import User
from openbob.accounts.roles import Perm, Role
from openbob.agencies.models import Agency
from openbob.book.scoping import enrollers_visible_to
from openbob.exports.catalogue import ExportSpec

BLOCKED = (
    "Your agency has turned off exports for its agents (Prevent exports). "
    "Ask your agency administrator."
)
NO_ROLE = "Your role does not include exports."
AGENCY_ONLY = "This export is for agency managers and admin staff."
NO_UNMASKED = "Your role may not export unmasked SSNs, dates of birth or income."


def ancestor_ids(agency: Agency) -> list[int]:
    """The ids of the agencies above `agency`, from its materialised path ``/1/7/12/``."""
    return [int(part) for part in agency.path.strip("/").split("/")[:-1] if part]


def agents_blocked(agency: Agency) -> bool:
    """True when exports are prevented for the agents of `agency`.

    Its own switch decides; an agency above it decides too only when it cascades the
    block (HealthSherpa's switch stops at direct downline agents; cascading is ours).
    """
    if not agency.allow_agent_exports:
        return True
    return Agency.objects.filter(
        pk__in=ancestor_ids(agency), allow_agent_exports=False, cascade_export_block=True
    ).exists()


def refusal(user: User, spec: ExportSpec | None = None) -> str | None:
    """Why `user` may not request `spec` (any export when None), or None when they may."""
    if not user.can(Perm.EXPORT):
        return NO_ROLE
    assert user.agency is not None  # can() is False without an agency
    if user.role == Role.AGENT and agents_blocked(user.agency):
        return BLOCKED
    if spec is not None and spec.audience == "agency" and not user.can(Perm.VIEW_ROSTER):
        return AGENCY_ONLY
    return None


def may_export_unmasked(user: User, spec: ExportSpec) -> bool:
    return spec.unmasked_allowed and user.can(Perm.EXPORT_UNMASKED)


def find_agents(user: User, query: str) -> QuerySet[User]:
    """Enrollers in scope matching `query` anywhere in their first or last name, email,
    primary site or license number, ignoring case (CalHEERS demands exact values)."""
    agents = enrollers_visible_to(user).filter(is_active=True)
    for word in query.split():
        agents = agents.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(primary_site__icontains=word)
            | Q(license_number__icontains=word)
        )
    return agents.order_by("last_name", "first_name", "pk")
