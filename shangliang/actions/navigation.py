"""What action items add to the staff layout: the 交办单 entry and to-do counts with links."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from shangliang.actions import selectors
from shangliang.actions.models import ActionStatus
from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope

NAV_ROLES = [Role.OFFICER, Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.CHAIR, Role.ADMIN]


def todo(scope: Scope) -> Iterator[TodoItem]:
    if not (scope.is_admin or scope.has_role(Role.OFFICER, Role.STAFF)):
        return
    qs = selectors.items_for_user(scope)
    url = reverse("actions:inbox")
    to_accept = qs.filter(status__in=[ActionStatus.ASSIGNED, ActionStatus.REASSIGNED]).count()
    if to_accept and scope.has_role(Role.OFFICER):
        late = qs.filter(selectors.acceptance_overdue_q()).count()
        yield TodoItem(
            title="待签收的交办单",
            url=f"{url}?view=to_accept",
            count=to_accept,
            detail=f"其中 {late} 件已超过签收期限" if late else "签收或申请退回须在 3 个工作日内",
            severity="danger" if late else "warning",
            order=20,
        )
    overdue = qs.filter(selectors.overdue_q()).count()
    if overdue:
        yield TodoItem(
            title="超期未办结的交办单", url=f"{url}?view=overdue", count=overdue, severity="danger", order=21
        )
    if not scope.has_role(Role.OFFICER):
        requests = qs.filter(
            status__in=[ActionStatus.RETURN_REQUESTED, ActionStatus.EXTENSION_REQUESTED]
        ).count()
        if requests:
            yield TodoItem(
                title="待处理的退回、延期申请",
                url=f"{url}?view=requests",
                count=requests,
                severity="warning",
                order=22,
            )
        # Items done and awaiting 回访核实 are listed by the supervision app's verification page.


def register() -> None:
    register_nav("交办单", "actions:inbox", NAV_ROLES, order=30)
    register_todo(todo)
