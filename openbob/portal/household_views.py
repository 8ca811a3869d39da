"""One household: members (masked), contact, enrollments by source, follow-ups, history,
notes, and its delegation (remove); plus the audited PII reveal."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from openbob.accounts.models import User
from openbob.accounts.requests import current_user, is_htmx
from openbob.accounts.roles import Perm
from openbob.audit.reveal import reveal_income, reveal_member
from openbob.book import delegations
from openbob.book.choices import FollowUpKind, Source
from openbob.book.models import Enrollment, Household
from openbob.book.notes import add_note
from openbob.book.scoping import Action, can, get_household_for, households_visible_to
from openbob.lib.masking import mask_dob, mask_ssn
from openbob.portal.timeline import timeline


def _enrollments_by_source(household: Household) -> list[dict[str, Any]]:
    """Enrollments grouped by the source that reported them, with per-field provenance."""
    rows = sorted(household.enrollments.all(), key=lambda e: (e.source, e.coverage, -(e.pk or 0)))
    return [
        {
            "source": Source(source).label if source in Source.values else source,
            "enrollments": [(e, _provenance(e)) for e in group],
        }
        for source, group in groupby(rows, key=lambda e: e.source)
    ]


def _provenance(enrollment: Enrollment) -> list[tuple[str, str]]:
    """(field label, source label) for every field whose source is recorded."""
    labels = []
    for field, source in sorted((enrollment.field_sources or {}).items()):
        try:
            model_field = Enrollment._meta.get_field(field)
            name = str(getattr(model_field, "verbose_name", field))
        except FieldDoesNotExist:  # a field since removed: show its stored name
            name = field
        label = Source(source).label if source in Source.values else str(source)
        labels.append((name, str(label)))
    return labels


def _follow_ups(household: Household) -> dict[str, list[Any]]:
    items = list(household.follow_ups.order_by("resolved_at", "-opened_at", "-pk"))
    return {str(kind.label): [f for f in items if f.kind == kind] for kind in FollowUpKind}


def household_context(user: User, household: Household) -> dict[str, Any]:
    members = list(household.members.order_by("-is_primary", "pk"))
    return {
        "household": household,
        "members": [
            {"member": m, "ssn": mask_ssn(m.ssn_last4 or None), "dob": mask_dob(m.birth_year)}
            for m in members
        ],
        "primary": next((m for m in members if m.is_primary), members[0] if members else None),
        "sources": _enrollments_by_source(household),
        "follow_ups": _follow_ups(household),
        "delegations": household.delegations.select_related("agent", "acted_by").order_by("-pk"),
        "timeline": timeline(household),
        "notes": household.notes.select_related("author").order_by("-created_at")[:50],
        "can_reveal": user.can(Perm.VIEW_PII),
        "can_note": can(user, Action.EDIT, household),
        "can_remove": household.agent_id is not None
        and (household.agent_id == user.pk or user.can(Perm.TRANSFER_DELEGATION))
        and user.can(Perm.EDIT_HOUSEHOLD),
    }


@require_GET
@login_required
def household(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    hh = get_household_for(user, pk)
    return render(request, "portal/household.html", household_context(user, hh))


@require_POST
@login_required
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one household's SSNs, DOBs and income in the clear, once, audited."""
    user = current_user(request)
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


@require_POST
@login_required
def note(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note; htmx gets the refreshed notes list, a plain post the page again."""
    user = current_user(request)
    try:
        add_note(actor=user, household_pk=pk, body=request.POST.get("body", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if is_htmx(request):
        hh = get_household_for(user, pk)
        notes = hh.notes.select_related("author").order_by("-created_at")[:50]
        return render(
            request, "portal/_notes.html", {"household": hh, "notes": notes, "can_note": True}
        )
    return redirect("portal:household", pk=pk)


@require_POST
@login_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove the household's delegation (it leaves the active book), with a reason."""
    user = current_user(request)
    try:
        delegations.remove(actor=user, household_pk=pk, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:household", pk=pk)
    messages.success(request, "The delegation was removed; the household left the active book.")
    if households_visible_to(user).filter(pk=pk).exists():
        return redirect("portal:household", pk=pk)
    return redirect("portal:consumers")
