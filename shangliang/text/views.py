from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shangliang.core.errors import ApplicationError
from shangliang.core.scope import scope_of
from shangliang.text import learning_services, selectors
from shangliang.text.forms import SearchForm
from shangliang.text.permissions import can_manage_models, can_search_documents


@login_required
def search(request: HttpRequest) -> HttpResponse:
    if not can_search_documents(scope_of(request.user)):
        raise PermissionDenied
    form = SearchForm(request.GET or None, scope=scope_of(request.user))
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = selectors.search(
                query=data["q"],
                scope=scope_of(request.user),
                kinds=[data["kind"]] if data["kind"] else None,
                region_path=data["region"].path if data["region"] else "",
                category=data["category"],
                status=data["status"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                page=data["page"] or 1,
            )
        except ApplicationError as exc:
            form.add_error("q", exc.message)
    return render(
        request,
        "text/search.html",
        {"form": form, "result": result, "categories": selectors.category_keywords().keys()},
    )


@login_required
def hot_issues(request: HttpRequest) -> HttpResponse:
    """The unassigned concerns of the person's area over the last N days, grouped into problems."""
    if not can_search_documents(scope_of(request.user)):
        raise PermissionDenied
    try:
        days = min(max(int(request.GET.get("days", "30")), 1), 366)
    except ValueError:
        days = 30
    clusters = selectors.hot_clusters(days=days, scope=scope_of(request.user))
    return render(request, "text/hot_issues.html", {"clusters": clusters, "days": days})


def _model_manager(request: HttpRequest) -> None:
    if not can_manage_models(scope_of(request.user)):
        raise PermissionDenied


@login_required
def models_page(request: HttpRequest) -> HttpResponse:
    """The stored versions of the learned models, their figures, and which one is in use."""
    _model_manager(request)
    versions = selectors.model_versions()
    return render(
        request,
        "text/models.html",
        {"versions": versions, "active": next((v for v in versions if v.active), None)},
    )


@login_required
@require_POST
def model_activate(request: HttpRequest, pk: int) -> HttpResponse:
    _model_manager(request)
    try:
        learning_services.model_activate(model_id=pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已启用该模型版本。")
    return redirect("text:models")


@login_required
@require_POST
def model_roll_back(request: HttpRequest) -> HttpResponse:
    _model_manager(request)
    try:
        row = learning_services.model_roll_back(actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已回退到上一个模型版本。" if row else "已回退到系统默认模型。")
    return redirect("text:models")
