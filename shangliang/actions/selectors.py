"""Reads of action items: the department inbox, the office's supervision list, one item, deadlines."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shangliang.actions import permissions
from shangliang.actions.models import AWAITING_ACCEPTANCE, OPEN_STATUSES, ActionItem, ActionStatus
from shangliang.core.roles import Role
from shangliang.core.scope import Scope


def items_for_user(scope: Scope) -> QuerySet[ActionItem]:
    """An officer sees their organisation's items only; office roles the items of their region."""
    qs = ActionItem.objects.select_related("department", "assignee", "concern", "topic", "region")
    if scope.is_admin:
        return qs
    if scope.has_role(Role.OFFICER):
        return qs.filter(department_id=scope.organisation_id) if scope.organisation_id else qs.none()
    if scope.has_role(*permissions.VIEW_ROLES):
        return scope.filter(qs)
    return qs.none()


def overdue_q() -> Q:
    """Overdue is derived: open and past the deadline (never a stored flag)."""
    return Q(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate())


def acceptance_overdue_q() -> Q:
    return Q(status__in=AWAITING_ACCEPTANCE, accept_due__lt=timezone.localdate())


FILTERS: dict[str, Q | None] = {
    "open": Q(status__in=OPEN_STATUSES),
    "to_accept": Q(status__in=AWAITING_ACCEPTANCE),
    "working": Q(
        status__in=[
            ActionStatus.ACCEPTED,
            ActionStatus.IN_PROGRESS,
            ActionStatus.EXTENDED,
            ActionStatus.REOPENED,
        ]
    ),
    "requests": Q(status__in=[ActionStatus.RETURN_REQUESTED, ActionStatus.EXTENSION_REQUESTED]),
    "to_verify": Q(status=ActionStatus.DONE),
    "finished": Q(status__in=[ActionStatus.VERIFIED, ActionStatus.CLOSED]),
    "all": None,
}


def filtered(scope: Scope, view: str) -> QuerySet[ActionItem]:
    qs = items_for_user(scope)
    if view == "overdue":
        return qs.filter(overdue_q())
    condition = FILTERS.get(view, FILTERS["open"])
    return qs.filter(condition) if condition is not None else qs


def item_get_for_user(scope: Scope, pk: int) -> ActionItem | None:
    item = items_for_user(scope).filter(pk=pk).first()
    return item if item is not None and permissions.can_view_item(scope, item) else None


def public_reports(item: ActionItem) -> QuerySet[Any]:
    return item.reports.filter(public=True).prefetch_related("photos")
