from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shangliang.core.errors import ApplicationError
from shangliang.text import selectors
from shangliang.text.forms import SearchForm
from shangliang.text.permissions import can_search_documents


@login_required
def search(request: HttpRequest) -> HttpResponse:
    if not can_search_documents(request.user):
        raise PermissionDenied
    form = SearchForm(request.GET or None, user=request.user)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = selectors.search(
                query=data["q"],
                user=request.user,
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
    if not can_search_documents(request.user):
        raise PermissionDenied
    try:
        days = min(max(int(request.GET.get("days", "30")), 1), 366)
    except ValueError:
        days = 30
    clusters = selectors.hot_clusters(days=days, user=request.user)
    return render(request, "text/hot_issues.html", {"clusters": clusters, "days": days})
