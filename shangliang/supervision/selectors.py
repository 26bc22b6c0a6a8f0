"""Reads for supervision: the board (every open item, red / amber / green), one item's history,
the visits waiting for staff, and who is told about an item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from shangliang.accounts.models import User
from shangliang.actions.models import OPEN_STATUSES, ActionItem, ActionStatus
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.core.workdays import add_working_days_db
from shangliang.supervision import permissions
from shangliang.supervision.models import Escalation, Verification, VisitStatus

RED, AMBER, GREEN = "red", "amber", "green"
RAG_LABELS = {RED: "超期", AMBER: "临期", GREEN: "正常"}


def config() -> dict[str, Any]:
    return dict(settings.SHANGLIANG["SUPERVISION"])


def today() -> dt.date:
    return timezone.localdate()


def amber_until(today: dt.date | None = None) -> dt.date:
    """Items due on or before this date (and not yet overdue) are amber."""
    return add_working_days_db(today or timezone.localdate(), int(config()["AMBER_WORKING_DAYS"]))


def rag(deadline: dt.date, *, today: dt.date, amber_limit: dt.date) -> str:
    """Red when overdue, amber when due within the amber window, green otherwise (pure)."""
    if deadline < today:
        return RED
    if deadline <= amber_limit:
        return AMBER
    return GREEN


def items_in_scope(scope: Scope) -> QuerySet[ActionItem]:
    qs = ActionItem.objects.all()
    if scope.is_admin:
        return qs
    if not permissions.can_view_board(scope) or not scope.region_path:
        return qs.none()
    return qs.filter(region_path__startswith=scope.region_path)


@dataclass(frozen=True)
class BoardFilters:
    department: int | None = None
    region: int | None = None
    topic: int | None = None
    source: str = ""
    colour: str = ""


def board(
    scope: Scope, filters: BoardFilters | None = None, *, today: dt.date | None = None
) -> QuerySet[ActionItem]:
    """Every open item the person may supervise, with ``rag``, the number of 督办 records and whether
    it was escalated, in a constant number of queries (one, plus the holiday table once)."""
    filters = filters or BoardFilters()
    today = today or timezone.localdate()
    limit = amber_until(today)
    qs = (
        items_in_scope(scope)
        .filter(status__in=OPEN_STATUSES)
        .select_related("department", "region", "topic", "concern")
        .annotate(
            rag=Case(
                When(deadline__lt=today, then=Value(RED)),
                When(deadline__lte=limit, then=Value(AMBER)),
                default=Value(GREEN),
                output_field=CharField(),
            ),
            record_count=Count("supervision_records", distinct=True),
            escalated=Exists(Escalation.objects.filter(item=OuterRef("pk"), deadline=OuterRef("deadline"))),
        )
        .order_by("deadline", "id")
    )
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.region:
        from shangliang.places.models import Region

        region = Region.objects.filter(pk=filters.region).first()
        qs = qs.filter(region_path__startswith=region.path) if region else qs.none()
    if filters.topic:
        qs = qs.filter(topic_id=filters.topic)
    if filters.source:
        qs = qs.filter(source_type=filters.source)
    if filters.colour == RED:
        qs = qs.filter(deadline__lt=today)
    elif filters.colour == AMBER:
        qs = qs.filter(deadline__gte=today, deadline__lte=limit)
    elif filters.colour == GREEN:
        qs = qs.filter(deadline__gt=limit)
    return qs


def board_counts(scope: Scope, *, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    limit = amber_until(today)
    return (
        items_in_scope(scope)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            red=Count("id", filter=Q(deadline__lt=today)),
            amber=Count("id", filter=Q(deadline__gte=today, deadline__lte=limit)),
            green=Count("id", filter=Q(deadline__gt=limit)),
        )
    )


def extension_requests(scope: Scope) -> QuerySet[ActionItem]:
    return (
        items_in_scope(scope)
        .filter(status=ActionStatus.EXTENSION_REQUESTED)
        .select_related("department", "region")
        .order_by("deadline", "id")
    )


def to_verify(scope: Scope) -> QuerySet[ActionItem]:
    """Items a department reported done that wait for 回访核实, oldest first."""
    if scope.is_admin:
        qs = ActionItem.objects.all()
    else:
        if scope.role not in permissions.VISIT_ROLES or not scope.region_path:
            return ActionItem.objects.none()
        qs = ActionItem.objects.filter(region_path__startswith=scope.region_path)
    return (
        qs.filter(status=ActionStatus.DONE)
        .select_related("department", "region", "topic")
        .annotate(pending_visits=Count("verifications", filter=Q(verifications__status=VisitStatus.PENDING)))
        .order_by("completed_at", "id")
    )


def item_for_user(scope: Scope, pk: int) -> ActionItem | None:
    item = ActionItem.objects.select_related("department", "region", "topic", "concern").filter(pk=pk).first()
    return item if item is not None and permissions.can_view_item(scope, item) else None


def pending_visits(item: ActionItem) -> QuerySet[Verification]:
    return (
        item.verifications.filter(status=VisitStatus.PENDING)
        .select_related("visitor")
        .prefetch_related("photos")
    )


def department_officers(department_id: int) -> QuerySet[User]:
    return User.objects.filter(organisation_id=department_id, role=Role.OFFICER, is_active=True).order_by(
        "pk"
    )


def staff_over(item: ActionItem) -> list[User]:
    """Office staff whose scope contains the item's region."""
    staff = User.objects.filter(role=Role.STAFF, is_active=True, region__isnull=False).select_related(
        "region"
    )
    return [user for user in staff if user.region and item.region_path.startswith(user.region.path)]
