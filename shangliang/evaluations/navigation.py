"""What 三评 adds to the staff layout: the entry and to-dos (topics ready, reviews and ballots owed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.evaluations import selectors
from shangliang.evaluations.models import EvaluationStatus

NAV_ROLES = [Role.STAFF, Role.REVIEWER, Role.MEMBER, Role.GRID_WORKER, Role.CHAIR, Role.SECRETARY, Role.ADMIN]


def todo(user: Any) -> Iterator[TodoItem]:
    role = getattr(user, "role", "")
    url = reverse("evaluations:list")
    if role == Role.STAFF or getattr(user, "is_superuser", False):
        ready = selectors.topics_ready(user).count() + selectors.direct_items_ready(user).count()
        if ready:
            yield TodoItem(
                title="可发起三评的事项", url=url, count=ready, detail="交办事项已全部办结", order=26
            )
    open_qs = selectors.evaluations_for_user(user).filter(status=EvaluationStatus.OPEN)
    if role == Role.REVIEWER:
        owed = open_qs.exclude(reviews__reviewer=user).count()
        if owed:
            yield TodoItem(title="待党政点评", url=url, count=owed, severity="warning", order=27)
    if getattr(user, "is_authenticated", False):
        ballots = open_qs.filter(invitees__user=user, invitees__ballot__isnull=True).count()
        if ballots:
            yield TodoItem(title="待民主评议", url=url, count=ballots, severity="warning", order=28)


def register() -> None:
    register_nav("三评", "evaluations:list", NAV_ROLES, order=34)
    register_todo(todo)
