"""Signed-in endpoints (token or session): topics and action items the caller may see, through the
same selectors as the staff pages. No personal data: no residents, no telephone numbers."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from shangliang.actions import selectors as action_selectors
from shangliang.actions.models import OPEN_STATUSES, ActionItem, ActionStatus
from shangliang.api.auth import SIGNED_IN, require_scope
from shangliang.api.public import MAX_ID, Pages, RefusalOut
from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns.models import Concern
from shangliang.core.scope import scope_of
from shangliang.topics import selectors as topic_selectors
from shangliang.topics.models import Topic, TopicForm, TopicSource, TopicStatus

router = Router(auth=SIGNED_IN)
SIGNED_IN_ERRORS = {401: RefusalOut, 403: RefusalOut, 422: RefusalOut}


class TopicOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    form: str
    source: str
    community: str
    category: str
    committee: str
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Topic) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_community(obj: Topic) -> str:
        return obj.community.name if obj.community else obj.region.name

    @staticmethod
    def resolve_category(obj: Topic) -> str:
        return obj.category.name if obj.category else ""

    @staticmethod
    def resolve_committee(obj: Topic) -> str:
        return obj.committee.name if obj.committee else ""


class TopicDetailOut(TopicOut):
    description: str
    purpose: str
    required_by: dt.date | None


class TopicFilters(Schema):
    status: Literal[tuple(s.value for s in TopicStatus)] | None = None  # type: ignore[valid-type]
    form: Literal[tuple(s.value for s in TopicForm)] | None = None  # type: ignore[valid-type]
    source: Literal[tuple(s.value for s in TopicSource)] | None = None  # type: ignore[valid-type]
    community: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/topics", response={200: list[TopicOut], **SIGNED_IN_ERRORS}, tags=["议题"])
@paginate(Pages)
def topics(request: HttpRequest, filters: Query[TopicFilters]) -> Any:
    """The topics the caller may see, newest first; filter by status, form, source, community."""
    scope = require_scope(request, "topics")
    qs = topic_selectors.topics_for_staff(scope)
    for name in ("status", "form", "source"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.community:
        qs = qs.filter(community_id=filters.community)
    return qs.order_by("-created_at", "-pk")


@router.get(
    "/topics/{topic_id}", response={200: TopicDetailOut, 404: RefusalOut, **SIGNED_IN_ERRORS}, tags=["议题"]
)
def topic_detail(request: HttpRequest, topic_id: int) -> tuple[int, Any]:
    scope = require_scope(request, "topics")
    topic = (
        topic_selectors.topics_for_staff(scope).filter(pk=topic_id).first()
        if 0 < topic_id <= MAX_ID
        else None
    )
    if topic is None:
        return 404, {"detail": "没有找到这个议题，或您无权查看。"}
    return 200, topic


class ActionOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    department: str
    topic_id: int | None
    assigned_at: dt.datetime
    deadline: dt.date
    overdue: bool
    result: str
    completed_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: ActionItem) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_department(obj: ActionItem) -> str:
        return obj.department.name if obj.department else ""

    @staticmethod
    def resolve_overdue(obj: ActionItem) -> bool:
        return obj.status in OPEN_STATUSES and obj.deadline < timezone.localdate()

    @staticmethod
    def resolve_result(obj: ActionItem) -> str:
        return obj.get_result_class_display()


class ActionDetailOut(ActionOut):
    description: str
    result_text: str


class ActionFilters(Schema):
    status: Literal[tuple(s.value for s in ActionStatus)] | None = None  # type: ignore[valid-type]
    overdue: bool | None = None


@router.get("/actions", response={200: list[ActionOut], **SIGNED_IN_ERRORS}, tags=["交办单"])
@paginate(Pages)
def actions(request: HttpRequest, filters: Query[ActionFilters]) -> Any:
    """Action items the caller may see (a department: its own), newest first."""
    scope = require_scope(request, "actions")
    qs = action_selectors.items_for_user(scope)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue is not None:
        overdue = action_selectors.overdue_q()
        qs = qs.filter(overdue) if filters.overdue else qs.exclude(overdue)
    return qs.order_by("-assigned_at", "-pk")


@router.get(
    "/actions/{action_id}",
    response={200: ActionDetailOut, 404: RefusalOut, **SIGNED_IN_ERRORS},
    tags=["交办单"],
)
def action_detail(request: HttpRequest, action_id: int) -> tuple[int, Any]:
    scope = require_scope(request, "actions")
    item = (
        action_selectors.items_for_user(scope).filter(pk=action_id).first()
        if 0 < action_id <= MAX_ID
        else None
    )
    if item is None:
        return 404, {"detail": "没有找到这张交办单，或您无权查看。"}
    return 200, item


class StaffConcernOut(Schema):
    id: int
    status: str
    status_label: str
    community: str
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Concern) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_community(obj: Concern) -> str:
        return obj.community.name if obj.community else ""


@router.get(
    "/staff/concerns",
    response={200: list[StaffConcernOut], 401: RefusalOut, 422: RefusalOut},
    auth=django_auth,
    tags=["诉求"],
)
@paginate(Pages)
def concerns(request: HttpRequest) -> Any:
    """The concerns of the signed-in person's staff list (a session only: no token reads concerns)."""
    return concern_selectors.concerns_for_staff(scope_of(request.user)).order_by("-created_at", "-pk")
