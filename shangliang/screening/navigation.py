"""What screening adds to the staff layout: the desk, hot issues, to-do counts, the daily digest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

from django.urls import reverse
from django.utils import timezone

from shangliang.concerns.models import AWAITING_DECISION
from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.ops.periodic import register_periodic
from shangliang.screening import permissions, selectors

DESK_NAV = [Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.ADMIN]


def todo(scope: Scope) -> Iterator[TodoItem]:
    if not permissions.can_use_desk(scope):
        return
    waiting = selectors.desk_concerns(scope).filter(status__in=AWAITING_DECISION)
    url = reverse("screening:inbox")
    count = waiting.count()
    if count:
        yield TodoItem(title="待研判的诉求", url=url, count=count, severity="warning", order=10)
    overdue = waiting.filter(first_response_due__lt=timezone.localdate()).count()
    if overdue:
        yield TodoItem(
            title="超过首次答复期限未研判",
            url=f"{url}?due=overdue&sort=due",
            count=overdue,
            severity="danger",
            order=12,
        )
    duplicates = waiting.filter(likely_duplicates__gt=0).count()
    if duplicates:
        yield TodoItem(title="疑似重复、待合并的诉求", url=f"{url}?dup=1", count=duplicates, order=13)


def register() -> None:
    register_nav("研判台", "screening:inbox", DESK_NAV, order=12)
    register_nav("热点问题", "screening:hot", DESK_NAV, order=13)
    register_todo(todo)
    from shangliang.screening.tasks import daily_digest

    register_periodic("screening.daily_digest", daily_digest, daily_at=time(8, 0))
