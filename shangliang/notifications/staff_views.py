from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shangliang.core.scope import scope_of
from shangliang.notifications import selectors, services
from shangliang.notifications.permissions import can_use_inbox

PAGE_SIZE = 30
# The staff page of each kind of record a notice may be about ("app_label.model" → URL name).
ABOUT_PAGES = {
    "topics.topic": "topics:staff-detail",
    "meetings.meeting": "meetings:staff-detail",
    "actions.actionitem": "actions:detail",
    "outputs.output": "outputs:detail",
    "evaluations.evaluation": "evaluations:detail",
    "concerns.concern": "concerns:staff-detail",
}


def about_url(message: Any) -> str:
    """Where the record a notice is about opens ("" when it has no page)."""
    if message.about_type_id is None or not message.about_id:
        return ""
    name = ABOUT_PAGES.get(f"{message.about_type.app_label}.{message.about_type.model}")
    return reverse(name, args=[message.about_id]) if name else ""


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not can_use_inbox(scope_of(request.user)):
        raise PermissionDenied
    page = Paginator(
        selectors.inbox_for(scope_of(request.user)).select_related("about_type"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "rows": [(message, about_url(message)) for message in page.object_list],
            "unread": selectors.inbox_unread_count(scope_of(request.user)),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_use_inbox(scope_of(request.user)):
        raise PermissionDenied
    if services.inbox_mark_read(user=request.user, message_id=pk) == 0 and not (
        selectors.inbox_for(scope_of(request.user)).filter(pk=pk).exists()
    ):
        raise Http404
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    if not can_use_inbox(scope_of(request.user)):
        raise PermissionDenied
    services.inbox_mark_read(user=request.user)
    return redirect("notifications:inbox")
