"""What supervision adds to the staff layout: the 督办台 entry, to-dos, and the daily sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.ops.periodic import register_periodic
from shangliang.supervision import selectors


def todo(scope: Scope) -> Iterator[TodoItem]:
    if scope.is_admin or scope.has_role(Role.STAFF, Role.GRID_WORKER):
        waiting = selectors.to_verify(scope).count()
        if waiting:
            yield TodoItem(
                title="待回访核实的交办单",
                url=reverse("supervision:verify-list"),
                count=waiting,
                detail="承办单位已报办结，请向居民核实",
                order=24,
            )
    if scope.is_admin or scope.has_role(Role.STAFF):
        counts = selectors.board_counts(scope)
        if counts[selectors.RED]:
            yield TodoItem(
                title="督办台：超期事项",
                url=reverse("supervision:board") + "?colour=red",
                count=counts[selectors.RED],
                severity="danger",
                order=25,
            )


def register() -> None:
    from shangliang.supervision.tasks import daily_sweep

    register_nav("督办台", "supervision:board", [Role.STAFF, Role.REVIEWER, Role.CHAIR, Role.ADMIN], order=32)
    register_nav("回访核实", "supervision:verify-list", [Role.GRID_WORKER, Role.STAFF, Role.ADMIN], order=33)
    register_todo(todo)
    register_periodic("supervision.daily_sweep", daily_sweep, daily_at=dt.time(8, 30))
