"""My Profile → API tokens: list, create (after re-authentication) and revoke one's own.

A token acts with all of its user's access, so creating one is guarded like other
sensitive account changes (sudo mode, reliability.md B4). The plaintext is rendered
in the response to the create request and nowhere else: it is never stored, never put
in the session and never redirected through.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openbob.accounts.requests import current_user
from openbob.accounts.sudo import require_recent_auth
from openbob.api.forms import TokenForm
from openbob.api.tokens import issue_token, revoke_token


@require_GET
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user_tokens = current_user(request).api_tokens.order_by("-created_at", "-pk")
    return render(request, "api/tokens.html", {"tokens": user_tokens})


@require_http_methods(["GET", "POST"])
@login_required
@require_recent_auth
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "api/token_form.html", {"form": form})
    issued = issue_token(
        user=current_user(request),
        name=form.cleaned_data["name"],
        days=form.cleaned_data["days"],
        actor=current_user(request),
    )
    context = {"token": issued.token, "plaintext": issued.plaintext}
    return render(request, "api/token_created.html", context)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    token = get_object_or_404(user.api_tokens, pk=pk)
    if revoke_token(token=token, actor=user):
        messages.success(request, f"Token {token.name} ({token.prefix}) was revoked.")
    return redirect("api:tokens")
