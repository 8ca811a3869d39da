"""The portal shell: home, agent roster, agency, profile.

Views stay thin: scope comes from `openbob.book.scoping`, PII from `openbob.audit.reveal`.
The book pages live in `consumer_views` and `household_views`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openbob.accounts.requests import current_user, is_htmx
from openbob.accounts.roles import Perm
from openbob.book.scoping import agencies_visible_to
from openbob.portal.home import home_summary
from openbob.portal.roster import RosterFilterForm, roster

PAGE_SIZE = 50


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"summary": home_summary(current_user(request))})


@require_GET
@login_required
def agents(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.can(Perm.VIEW_ROSTER):
        raise PermissionDenied("Your role does not include the agent roster")
    form = RosterFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    page = Paginator(roster(user, data), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "form": form, "query": query.urlencode()}
    template = "portal/_agents_results.html" if is_htmx(request) else "portal/agents.html"
    return render(request, template, context)


@require_GET
@login_required
def agency(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.can(Perm.VIEW_ROSTER):
        raise PermissionDenied("Your role does not include the agency account")
    tree = agencies_visible_to(user).annotate(enrollers=Count("users"))
    return render(request, "portal/agency.html", {"agencies": tree})


@require_GET
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/profile.html", {})
