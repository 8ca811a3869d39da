"""Active Consumers: the filtered, sorted, searchable list and "Change Delegation".

With htmx, filters, sort headers and pager links swap only the results; without it
they are ordinary GET links and forms, and the whole page comes back.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from openbob.accounts.requests import current_user, is_htmx
from openbob.accounts.roles import Perm
from openbob.book import delegations
from openbob.book.consumer_filters import FILTER_NAMES
from openbob.portal.consumers import SORT_LABELS, ConsumerFilterForm, consumer_page

PAGING = ("after", "before")


def _query(params: QueryDict, **changes: str | None) -> str:
    """The query string `params` with `changes` applied (None drops a key)."""
    kept = {k: v for k, v in params.items() if k not in PAGING and v != ""}
    for key, value in changes.items():
        kept.pop(key, None)
        if value is not None:
            kept[key] = value
    return urlencode(kept)


def _sort_links(params: QueryDict, current: str) -> dict[str, dict[str, str]]:
    """Per column: the link that sorts by it (toggling direction), and its aria-sort."""
    links = {}
    for key in SORT_LABELS:
        ascending = current == key
        descending = current == f"-{key}"
        target = f"-{key}" if ascending else key
        state = "ascending" if ascending else "descending" if descending else "none"
        links[key] = {"query": _query(params, sort=target), "aria": state}
    return links


def _export_query(form: ConsumerFilterForm) -> str:
    """The filters the list applies, as the Clients export's request page takes them
    ("Export these clients"): none when the list ignored invalid ones, never the sort."""
    if not form.is_valid():
        return ""
    return urlencode(
        {
            name: form.data[name]
            for name in FILTER_NAMES
            if name in form.fields and form.data.get(name)
        }
    )


def _wire_sort(form: ConsumerFilterForm, *, out_of_band: bool) -> None:
    """Give the Sort-by control its own htmx request (the filters form leaves it out).

    A sort header swaps only the results, and their response brings the control along
    out of band, showing the order in force. A replaced control would lose a listener
    the form had bound to it (htmx binds `from:` selectors once); one of its own comes
    with it.
    """
    attrs = {
        "hx-get": reverse("portal:consumers"),
        "hx-include": "closest form",
        "hx-target": "#consumer-results",
        "hx-push-url": "true",
    }
    if out_of_band:
        attrs["hx-swap-oob"] = "true"
    form.fields["sort"].widget.attrs.update(attrs)


@require_GET
@login_required
def consumers(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ConsumerFilterForm(request.GET, user=user)
    _wire_sort(form, out_of_band=is_htmx(request))
    data = form.cleaned_data if form.is_valid() else {}
    try:
        found = consumer_page(
            user, data, after=request.GET.get("after"), before=request.GET.get("before")
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("portal:consumers")
    context = {
        "form": form,
        "result": found,
        "rows": found.rows,
        "sort_links": _sort_links(request.GET, found.sort),
        "next_query": found.page.next_cursor and _query(request.GET, after=found.page.next_cursor),
        "previous_query": found.page.previous_cursor
        and _query(request.GET, before=found.page.previous_cursor),
        "can_transfer": user.can(Perm.TRANSFER_DELEGATION),
        "targets": delegations.transfer_targets(user).select_related("agency")
        if user.can(Perm.TRANSFER_DELEGATION)
        else [],
        "here": request.get_full_path(),
        "export_query": _export_query(form),
        "htmx": is_htmx(request),
    }
    template = "portal/_consumer_results.html" if context["htmx"] else "portal/consumers.html"
    return render(request, template, context)


@require_POST
@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    """Change Delegation: move the selected households to another agent, with a reason."""
    user = current_user(request)
    back = request.POST.get("next", "")
    try:
        moved = delegations.transfer(
            actor=user,
            household_ids=[int(pk) for pk in request.POST.getlist("household") if pk.isdigit()],
            to_agent_id=request.POST.get("agent", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Moved {len(moved)} consumer(s) to the chosen agent.")
    if back.startswith("/consumers/"):
        return redirect(back)
    return redirect("portal:consumers")
