"""Pending delegation requests (accept / decline) and the delegation tool's three steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openbob.accounts.requests import current_user, is_htmx
from openbob.book import delegations
from openbob.delegations import tool
from openbob.delegations.forms import CodeForm, PhoneForm, SearchForm

TOO_MANY = 429


@require_GET
@login_required
def pending(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    requests = (
        delegations.pending_visible_to(user)
        .select_related("household", "agent", "agency")
        .order_by("requested_at", "pk")[:200]
    )
    rows = [(d, delegations.may_answer(user, d)) for d in requests]
    return render(request, "delegations/pending.html", {"rows": rows})


def _answer(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    user = current_user(request)
    request_row = delegations.get_pending_for(user, pk)
    try:
        if accept:
            done = delegations.accept(actor=user, delegation=request_row)
            text = f"Accepted: {done.household.primary_name} is now delegated to {done.agent}."
        else:
            done = delegations.decline(
                actor=user, delegation=request_row, reason=request.POST.get("reason", "")
            )
            text = f"Declined the request for {done.household.primary_name}."
    except ValidationError as error:
        done, text = request_row, " ".join(error.messages)
    if is_htmx(request):
        return render(request, "delegations/_answered_row.html", {"d": done, "text": text})
    messages.info(request, text)
    return redirect("delegations:pending")


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=True)


@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=False)


@require_http_methods(["GET", "POST"])
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Step 1: identify the consumer; the outcome decides the next page."""
    user = current_user(request)
    tool.require_tool(user)
    form = SearchForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    status = 200
    if form.is_valid():
        try:
            found = tool.search(actor=user, **form.search_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        except tool.Limited as error:
            form.add_error(None, str(error))
            status = TOO_MANY
        else:
            if found.passcode is not None:
                return redirect("delegations:phone", pk=found.passcode.pk)
            context["outcome"] = found
    return render(request, "delegations/tool.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: one match; send the passcode to the consumer's cell phone."""
    user = current_user(request)
    tool.require_tool(user)
    passcode = tool.get_passcode_for(user, pk)
    form = PhoneForm(request.POST or None)
    status = 200
    if form.is_valid():
        try:
            tool.send_code(actor=user, passcode=passcode, phone=form.cleaned_data["phone"])
        except ValidationError as error:
            form.add_error("phone", error)
        except tool.Limited as error:
            form.add_error(None, str(error))
            status = TOO_MANY
        else:
            messages.info(
                request, f"A passcode was texted to the number ending {passcode.phone_last4}."
            )
            return redirect("delegations:code", pk=passcode.pk)
    return render(
        request, "delegations/phone.html", {"form": form, "passcode": passcode}, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def code(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: the consumer reads the passcode back; the delegation is made."""
    user = current_user(request)
    tool.require_tool(user)
    passcode = tool.get_passcode_for(user, pk)
    form = CodeForm(request.POST or None)
    status = 200
    if form.is_valid():
        try:
            delegation = tool.verify(actor=user, passcode=passcode, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        except tool.Limited as error:
            form.add_error(None, str(error))
            status = TOO_MANY
        else:
            messages.success(request, "Delegation complete: the consumer is now in your book.")
            return redirect("portal:household", pk=delegation.household_id)
    return render(
        request, "delegations/code.html", {"form": form, "passcode": passcode}, status=status
    )
