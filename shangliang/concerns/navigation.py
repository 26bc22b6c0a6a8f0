"""What the intake adds to the staff layout: navigation entries and staff-home to-do items."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from shangliang.concerns import permissions, selectors
from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope

VIEW_ROLES = [Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.MEMBER, Role.CHAIR, Role.ADMIN]


def todo(scope: Scope) -> Iterator[TodoItem]:
    if not permissions.can_enter_for_resident(scope):
        return
    # Concerns awaiting a decision are listed by the screening desk, which owns that work.
    review = selectors.concerns_for_staff(scope).filter(needs_review=True).count()
    if review:
        yield TodoItem(
            title="含敏感词、需人工审核的诉求",
            url=reverse("concerns:staff-list") + "?review=1",
            count=review,
            severity="warning",
            order=11,
        )


def register() -> None:
    register_nav("诉求", "concerns:staff-list", VIEW_ROLES, order=10)
    register_nav(
        "代录", "concerns:assist", [Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.ADMIN], order=11
    )
    register_todo(todo)
