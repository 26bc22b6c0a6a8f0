"""The administrators' page of integration tokens: issue one (its value shown once) and revoke one,
through ``api.services``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from shangliang.api import forms, selectors, services
from shangliang.api.permissions import can_manage_tokens
from shangliang.core.errors import ApplicationError
from shangliang.core.scope import Scope, scope_of

# The session keeps a new token's value only until the page shows it once.
SHOWN = "api_tokens_to_show"


def _admin_scope(request: HttpRequest) -> Scope:
    scope = scope_of(request.user)
    if not can_manage_tokens(scope):
        raise PermissionDenied("只有系统管理员可以管理接口令牌。")
    return scope


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    scope = _admin_scope(request)
    if request.method == "POST":
        form = forms.TokenIssueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                token, issued = services.token_issue(
                    organisation=data["organisation"],
                    user=data["user"],
                    name=data["name"],
                    scopes=data["scopes"],
                    scope=scope,
                    actor=request.user,
                    client_token=data["client_token"],
                )
            except ApplicationError as refused:
                form.add_error(refused.field, refused.message)
            else:
                if token:
                    request.session[SHOWN] = {**request.session.get(SHOWN, {}), str(issued.pk): token}
                return redirect(f"{reverse('apitokens:list')}?issued={issued.pk}")
    else:
        form = forms.TokenIssueForm(initial={"client_token": uuid.uuid4().hex})
    issued_id = request.GET.get("issued", "")
    to_show = request.session.get(SHOWN, {})
    shown = to_show.pop(issued_id, "") if issued_id else ""
    if shown:
        request.session[SHOWN] = to_show
    tokens = selectors.tokens_for(scope)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "shown": shown,
            "issued": tokens.filter(pk=issued_id).first() if issued_id.isdigit() else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _admin_scope(request)
    token = get_object_or_404(selectors.tokens_for(scope), pk=pk)
    form = forms.RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.token_revoke(token=token, scope=scope, actor=request.user)
        messages.success(
            request, f"已撤销令牌“{token.name}”（sl_{token.prefix}…），使用它的系统将无法再访问接口。"
        )
        return redirect("apitokens:list")
    return render(request, "api/token_revoke.html", {"token": token, "form": form})
