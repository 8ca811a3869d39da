"""Secure Mailbox, email preference, AOR at-risk tab and bell notifications.

GET pages change nothing; the "seen" marks behind the badges are POSTed by htmx once a
page has loaded, so following a link (or a prefetch) never clears a badge.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from openbob.accounts.requests import current_user
from openbob.alerts import aor, bell
from openbob.alerts.forms import EmailPreferenceForm
from openbob.alerts.models import DailySummary, Page
from openbob.alerts.topics import RULES, describe
from openbob.audit.services import record

PAGE_SIZE = 50


@require_GET
@login_required
def mailbox(request: HttpRequest) -> HttpResponse:
    """The user's Daily Summaries and Daily Manager Summaries, newest first."""
    user = current_user(request)
    summaries = DailySummary.objects.filter(recipient=user).order_by("-day", "kind")
    page = Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page"))
    form = EmailPreferenceForm(initial={"email_alerts": user.email_alerts})
    legend = [(topic.label, describe(rule)) for topic, rule in RULES.items()]
    return render(request, "alerts/mailbox.html", {"page": page, "form": form, "legend": legend})


@require_GET
@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """One summary of the user's own (anyone else's is 404)."""
    found = get_object_or_404(DailySummary, pk=pk, recipient=current_user(request))
    page = Paginator(found.lines.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alerts/summary.html", {"summary": found, "page": page})


@require_POST
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Turn email delivery of summaries on or off (the mailbox keeps them either way)."""
    user = current_user(request)
    form = EmailPreferenceForm(request.POST)
    if form.is_valid():
        user.email_alerts = form.cleaned_data["email_alerts"]
        user.save(update_fields=["email_alerts"])
        record(actor=user, action="alerts.email_preference", detail={"on": user.email_alerts})
        state = "on" if user.email_alerts else "off"
        messages.success(request, f"Daily Summary emails are {state}.")
    return redirect("alerts:mailbox")


@require_GET
@login_required
def aor_at_risk(request: HttpRequest) -> HttpResponse:
    """Households whose agent of record changed, is at risk, or whose delegation was lost."""
    user = current_user(request)
    since = aor.last_visit(user, Page.AOR)
    page = Paginator(aor.entries(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/aor.html",
        {"page": page, "since": since, "new": aor.new_count(user)},
    )


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """Bell notifications and portal-wide messages, newest first."""
    return render(request, "alerts/bell.html", {"items": bell.feed(current_user(request))})


@require_POST
@login_required
def seen(request: HttpRequest, page: str) -> HttpResponse:
    """Record a visit to the AOR tab or the bell (sent by htmx when the page loaded)."""
    if page not in Page.values:
        raise Http404("No such page")
    aor.mark_seen(current_user(request), Page(page))
    return HttpResponse(status=204)


@require_GET
@login_required
def aor_badge(request: HttpRequest) -> HttpResponse:
    """The AOR at-risk count, fetched by htmx after the page has rendered.

    Counting over a large book takes a moment; loading it apart keeps every page's own
    answer fast (no JavaScript: no badge, the tab itself still lists everything).
    """
    return _badge(request, aor.new_count(current_user(request)), "new")


@require_GET
@login_required
def bell_badge(request: HttpRequest) -> HttpResponse:
    """The unread bell count, fetched by htmx like `aor_badge`."""
    return _badge(request, bell.unread_count(current_user(request)), "unread")


def _badge(request: HttpRequest, count: int, meaning: str) -> HttpResponse:
    return render(request, "alerts/_badge.html", {"count": count, "meaning": meaning})
