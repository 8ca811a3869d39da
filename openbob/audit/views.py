"""The audit page for agency managers: who revealed, exported or changed what."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openbob.accounts.requests import current_user
from openbob.accounts.roles import Perm
from openbob.audit.forms import AuditFilterForm
from openbob.audit.models import AuditEvent
from openbob.book.scoping import visible_agency_ids

PAGE_SIZE = 100


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Events of the manager's agency subtree, newest first, optionally filtered.

    Events are scoped by the agency of the actor at the time (`agency_id`), so a
    manager sees what the own staff did and never another agency's trail; events
    without an agency (system jobs) are for operators, via `bob audit`, not this page.
    An invalid filter shows its error and no events rather than an unfiltered list.
    """
    user = current_user(request)
    if not user.can(Perm.VIEW_AUDIT):
        raise PermissionDenied("Only agency managers can read the audit log")
    form = AuditFilterForm(request.GET or None, viewer=user)
    events = AuditEvent.objects.filter(agency_id__in=visible_agency_ids(user)).order_by("-id")
    if form.is_bound:
        events = form.apply(events) if form.is_valid() else events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "form": form})
