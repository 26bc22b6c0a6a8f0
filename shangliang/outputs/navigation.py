"""What outputs add to the staff layout: the 协商成果 entry, received outputs, to-dos."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.outputs import selectors
from shangliang.outputs.models import OutputStatus


def todo(scope: Scope) -> Iterator[TodoItem]:
    if scope.is_admin or scope.has_role(Role.STAFF, Role.CHAIR):
        pending = selectors.outputs_for_staff(scope).filter(status=OutputStatus.PENDING_APPROVAL).count()
        if pending:
            yield TodoItem(
                title="待审定的协商成果",
                url=reverse("outputs:list") + "?status=pending_approval",
                count=pending,
                order=40,
            )


def register() -> None:
    register_nav("协商成果", "outputs:list", [Role.STAFF, Role.CHAIR, Role.ADMIN], order=36)
    register_nav("收到的成果", "outputs:received", [Role.REVIEWER, Role.OFFICER], order=37)
    register_todo(todo)
