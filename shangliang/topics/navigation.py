"""What topics add to the staff layout: the topic list and the proposals waiting for approval."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.topics import selectors
from shangliang.topics.models import TopicStatus

NAV_ROLES = [Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.MEMBER, Role.CHAIR, Role.REVIEWER, Role.ADMIN]


def todo(scope: Scope) -> Iterator[TodoItem]:
    if not (scope.is_admin or scope.has_role(Role.STAFF, Role.SECRETARY)):
        return
    proposed = selectors.topics_for_staff(scope).filter(status=TopicStatus.PROPOSED).count()
    if proposed:
        yield TodoItem(
            title="待审批的议题",
            url=reverse("topics:staff-list") + "?status=proposed",
            count=proposed,
            severity="warning",
            order=14,
        )


def register() -> None:
    register_nav("议题", "topics:staff-list", NAV_ROLES, order=14)
    register_todo(todo)
