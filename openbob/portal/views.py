"""The portal shell: home, agent roster, active consumers, household, agency, profile.

Views stay thin: scope comes from `openbob.book.scoping`, PII from `openbob.audit.reveal`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.audit.reveal import reveal_income, reveal_member
from openbob.book.choices import DelegationStatus, EnrollmentStatus
from openbob.book.models import Delegation, Enrollment
from openbob.book.scoping import (
    Action,
    agencies_visible_to,
    enrollers_visible_to,
    get_household_for,
    households_visible_to,
)
from openbob.lib.masking import mask_dob, mask_ssn

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    households = households_visible_to(user)
    counts = {
        "households": households.count(),
        "active_enrollments": Enrollment.objects.filter(
            household__in=households,
            status__in=[EnrollmentStatus.PENDING, EnrollmentStatus.EFFECTUATED],
        ).count(),
        "pending_delegations": Delegation.objects.filter(
            household__in=households, status=DelegationStatus.PENDING
        ).count(),
        "agents": enrollers_visible_to(user).count(),
    }
    return render(request, "portal/home.html", {"counts": counts})


@require_GET
@login_required
def agents(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Perm.VIEW_ROSTER):
        raise PermissionDenied("Your role does not include the agent roster")
    roster = enrollers_visible_to(user).select_related("agency")
    query = request.GET.get("q", "").strip()
    if query:
        roster = roster.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(license_number__icontains=query)
        )
    roster = roster.annotate(consumers=Count("households")).order_by(
        "last_name", "first_name", "pk"
    )
    page = Paginator(roster, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/agents.html", {"page": page, "q": query})


@require_GET
@login_required
def consumers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    households = households_visible_to(user).select_related("agent").order_by("primary_name", "pk")
    if request.GET.get("mine"):
        households = households.filter(agent=user)
    query = request.GET.get("q", "").strip()
    if query:
        households = households.filter(
            Q(primary_name__icontains=query)
            | Q(case_number=query)
            | Q(ffm_app_id=query)
            | Q(primary_email__iexact=query)
        )
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/consumers.html", {"page": page, "q": query})


@require_GET
@login_required
def household(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    hh = get_household_for(user, pk)
    members = [
        {"member": m, "ssn": mask_ssn(m.ssn_last4 or None), "dob": mask_dob(m.birth_year)}
        for m in hh.members.order_by("-is_primary", "pk")
    ]
    context = {
        "household": hh,
        "members": members,
        "enrollments": hh.enrollments.order_by("coverage", "-effective_date"),
        "delegations": hh.delegations.select_related("agent", "acted_by").order_by("-pk"),
        "change_events": hh.change_events.select_related("agent").order_by("-as_of", "-pk"),
        "follow_ups": hh.follow_ups.order_by("-opened_at", "-pk"),
        "can_reveal": user.can(Perm.VIEW_PII),
    }
    return render(request, "portal/household.html", context)


@require_POST
@login_required
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one household's SSNs, DOBs and income in the clear, once, audited."""
    user = _user(request)
    hh = get_household_for(user, pk, action=Action.REVEAL_PII)
    purpose = request.POST.get("purpose", "").strip()
    if not purpose:
        messages.error(request, "Say why you need to see this consumer's PII.")
        return redirect("portal:household", pk=hh.pk)
    revealed = [
        {"member": m, **reveal_member(actor=user, member=m, fields=["ssn", "dob"], purpose=purpose)}
        for m in hh.members.order_by("-is_primary", "pk")
    ]
    income = reveal_income(actor=user, household=hh, purpose=purpose)
    context = {"household": hh, "revealed": revealed, "income": income}
    return render(request, "portal/reveal.html", context)


@require_GET
@login_required
def agency(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Perm.VIEW_ROSTER):
        raise PermissionDenied("Your role does not include the agency account")
    tree = agencies_visible_to(user).annotate(enrollers=Count("users"))
    return render(request, "portal/agency.html", {"agencies": tree})


@require_GET
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/profile.html", {})
