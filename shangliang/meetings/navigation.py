"""What meetings add to the staff layout: the 会议 entry and the to-dos (meetings tomorrow, minutes
to confirm or overdue, invitations to answer)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.core.workdays import add_working_days_db
from shangliang.meetings import rules, selectors
from shangliang.meetings.models import Rsvp

NAV_ROLES = [Role.STAFF, Role.SECRETARY, Role.MEMBER, Role.CHAIR, Role.OFFICER, Role.ADMIN]


def todo(scope: Scope) -> Iterator[TodoItem]:
    if not scope.is_authenticated:
        return
    url = reverse("meetings:staff-list")
    tomorrow = selectors.tomorrow_meetings(scope).count()
    if tomorrow:
        yield TodoItem(
            title="会议明天召开", url=f"{url}?when=upcoming", count=tomorrow, severity="warning", order=24
        )
    awaiting = list(selectors.minutes_awaiting(scope).order_by("starts_at")[:20])
    if awaiting:
        first = awaiting[0]
        yield TodoItem(
            title="纪要待确认",
            url=reverse("meetings:staff-detail", kwargs={"pk": first.pk})
            if len(awaiting) == 1
            else f"{url}?status=minutes_draft",
            count=len(awaiting),
            detail="纪要须由主持人和记录人分别确认",
            severity="warning",
            order=25,
        )
    if scope.is_admin or scope.has_role(Role.STAFF):
        today = timezone.localdate()
        late = [
            m
            for m in selectors.minutes_overdue(scope)
            if add_working_days_db(timezone.localtime(m.starts_at).date(), rules.MINUTES_WORKING_DAYS) < today
        ]
        if late:
            yield TodoItem(
                title="会议纪要超过 7 个工作日未确认",
                url=f"{url}?status=minutes_draft",
                count=len(late),
                severity="danger",
                order=26,
            )
    pending = (
        selectors.my_invitations(scope)
        .filter(rsvp=Rsvp.PENDING, meeting__starts_at__gt=timezone.now())
        .count()
    )
    if pending:
        yield TodoItem(
            title="待回复的会议邀请",
            url=reverse("meetings:mine"),
            count=pending,
            severity="warning",
            order=23,
        )


def register() -> None:
    register_nav("会议", "meetings:staff-list", NAV_ROLES, order=16)
    register_todo(todo)
