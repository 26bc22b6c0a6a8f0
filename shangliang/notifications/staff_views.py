from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shangliang.notifications import selectors, services
from shangliang.notifications.permissions import can_use_inbox

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not can_use_inbox(request.user):
        raise PermissionDenied
    page = Paginator(selectors.inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.inbox_unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_use_inbox(request.user):
        raise PermissionDenied
    if services.inbox_mark_read(user=request.user, message_id=pk) == 0 and not (
        selectors.inbox_for(request.user).filter(pk=pk).exists()
    ):
        raise Http404
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    if not can_use_inbox(request.user):
        raise PermissionDenied
    services.inbox_mark_read(user=request.user)
    return redirect("notifications:inbox")
