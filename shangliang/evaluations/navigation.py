"""What 三评 adds to the staff layout: the entry and to-dos (topics ready, reviews and ballots owed)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.evaluations import selectors
from shangliang.evaluations.models import EvaluationStatus

NAV_ROLES = [Role.STAFF, Role.REVIEWER, Role.MEMBER, Role.GRID_WORKER, Role.CHAIR, Role.SECRETARY, Role.ADMIN]


def todo(scope: Scope) -> Iterator[TodoItem]:
    url = reverse("evaluations:list")
    if scope.is_admin or scope.has_role(Role.STAFF):
        ready = selectors.topics_ready(scope).count() + selectors.direct_items_ready(scope).count()
        if ready:
            yield TodoItem(
                title="可发起三评的事项", url=url, count=ready, detail="交办事项已全部办结", order=26
            )
    open_qs = selectors.evaluations_for_user(scope).filter(status=EvaluationStatus.OPEN)
    if scope.has_role(Role.REVIEWER):
        owed = open_qs.exclude(reviews__reviewer_id=scope.user_id).count()
        if owed:
            yield TodoItem(title="待党政点评", url=url, count=owed, severity="warning", order=27)
    if scope.user_id is not None:
        ballots = open_qs.filter(invitees__user_id=scope.user_id, invitees__ballot__isnull=True).count()
        if ballots:
            yield TodoItem(title="待民主评议", url=url, count=ballots, severity="warning", order=28)


def register() -> None:
    register_nav("三评", "evaluations:list", NAV_ROLES, order=34)
    register_todo(todo)
