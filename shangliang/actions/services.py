"""Writes of action items: assign, 签收 or ask to return, reassign, progress, extension, completion
with result class and evidence, verification, close and reopen.

Each step locks the item, checks the version the form was rendered with, the permission predicate
and the transitions table, saves, audits, and tells the residents behind the item (its concern and
the concerns merged into it, or its topic's concerns) on their tracking page and by SMS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from shangliang.actions import permissions
from shangliang.actions.models import (
    ACTION_TRANSITIONS,
    AWAITING_ACCEPTANCE,
    ActionItem,
    ActionPhoto,
    ActionProgress,
    ActionStatus,
    CategoryPolicy,
    ResultClass,
    SourceType,
)
from shangliang.concerns import services as concern_services
from shangliang.concerns.models import CONCERN_TRANSITIONS, Concern, ConcernStatus
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.core.sentences import clause
from shangliang.core.transitions import apply_transition, check_version
from shangliang.core.workdays import add_working_days_db
from shangliang.files import images
from shangliang.places.models import Organisation, OrganisationKind, Region
from shangliang.topics.models import Topic
from shangliang.topics.services import active_concerns

ACCEPT_WORKING_DAYS = 3  # DOMAIN §5: the department accepts or asks to return within 3 working days
DEFAULT_WORKING_DAYS = 5
MAX_PHOTOS = 6
MAX_TEXT = 2000
DEPARTMENT_KINDS = (OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT)
LABELS = dict(ActionStatus.choices)


def default_deadline(*, category_id: int | None, urgent: bool, start: dt.date | None = None) -> dt.date:
    """The deadline of a direct assignment: the category's policy in working days (urgent: its
    urgent limit, 1 day by default)."""
    start = start or timezone.localdate()
    policy = CategoryPolicy.objects.filter(category_id=category_id).first() if category_id else None
    if urgent:
        days = policy.urgent_working_days if policy else 1
    else:
        days = policy.working_days if policy else DEFAULT_WORKING_DAYS
    return add_working_days_db(start, days)


def default_department(category_id: int | None) -> Organisation | None:
    policy = (
        CategoryPolicy.objects.select_related("department").filter(category_id=category_id).first()
        if category_id
        else None
    )
    return policy.department if policy else None


def _department(department_id: int | None) -> Organisation:
    department = (
        Organisation.objects.filter(pk=department_id, kind__in=DEPARTMENT_KINDS, active=True).first()
        if department_id
        else None
    )
    if department is None:
        raise ApplicationError("请选择承办单位。", field="department")
    return department


def _clean_deadline(deadline: dt.date | None, *, field: str = "deadline") -> dt.date:
    if deadline is None:
        raise ApplicationError("请填写办理期限。", field=field)
    if deadline < timezone.localdate():
        raise ApplicationError("办理期限不能早于今天。", field=field)
    return deadline


def _clean_text(text: str, *, field: str, required: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(required, field=field)
    if len(text) > limit:
        raise ApplicationError(f"内容不能超过 {limit} 字。", field=field)
    return text


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def affected_concerns(item: ActionItem) -> list[Concern]:
    """The concerns whose residents follow this item (merged duplicates are added by the helper)."""
    if item.concern_id is not None:
        return [Concern.objects.get(pk=item.concern_id)]
    if item.topic_id is not None:
        return active_concerns(Topic.objects.get(pk=item.topic_id))
    return []


def _inform(item: ActionItem, text: str, key: str, actor: Any) -> None:
    concern_services.inform_residents(
        concerns=affected_concerns(item),
        text=text,
        event_type="concern.action_progress",
        key=f"action:{item.pk}:{key}",
        actor=actor,
    )


def action_create(
    *,
    title: str,
    description: str,
    department_id: int | None,
    deadline: dt.date | None,
    region: Region,
    actor: Any,
    urgent: bool = False,
    concern: Concern | None = None,
    topic: Topic | None = None,
    source_type: str = SourceType.DIRECT,
    source_model: str = "",
    source_id: int | None = None,
) -> ActionItem:
    """Create an item (call inside the caller's transaction when it is part of a decision)."""
    if not permissions.can_assign_in(scope_of(actor), region):
        raise PermissionDenied("您无权在该区域交办事项。")
    title = _clean_text(title, field="title", required="请填写交办事项。", limit=100)
    department = _department(department_id)
    deadline = _clean_deadline(deadline)
    today = timezone.localdate()
    item = ActionItem.objects.create(
        title=title,
        description=(description or "").strip(),
        source_type=source_type,
        concern=concern,
        topic=topic,
        source_model=source_model,
        source_id=source_id,
        department=department,
        assigned_by=_user(actor),
        region=region,
        region_path=region.path,
        urgent=urgent,
        accept_due=min(add_working_days_db(today, ACCEPT_WORKING_DAYS), deadline),
        deadline=deadline,
    )
    audit.record(
        target=item,
        event_type="action.assigned",
        actor=actor,
        new={"status": item.status, "department": department.name, "deadline": str(deadline)},
    )
    from shangliang.notifications.services import enqueue_inbox

    for officer in department.users.filter(is_active=True, role="officer"):
        enqueue_inbox(
            user=officer,
            body=f"新交办单：{clause(item.title)}，请于 {item.accept_due:%m月%d日} 前签收，{deadline:%m月%d日} 前办结。",
            about=item,
            dedupe_key=f"action:{item.pk}:assigned:{department.pk}:{officer.pk}",
        )
    return item


def _locked(item_id: int, expected_version: int | None) -> ActionItem:
    item = (
        ActionItem.objects.select_for_update()
        .select_related("department", "region")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise ApplicationError("没有找到该交办单。")
    check_version(item, expected_version)
    return item


def _move(
    item: ActionItem,
    new: str,
    actor: Any,
    *,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> bool:
    scope = scope_of(actor)
    if item.status != new and not permissions.can_transition_item(scope, item, new):
        if scope.has_role(Role.OFFICER) and not permissions.is_department_officer(scope, item):
            raise PermissionDenied("这是其他单位的交办单，您不能办理。")
        raise PermissionDenied("您无权对该交办单执行此操作。")
    return apply_transition(
        item,
        new=new,
        transitions=ACTION_TRANSITIONS,
        labels=LABELS,
        actor=actor,
        event_type=f"action.{new}",
        reason=reason,
        extra_fields=extra,
    )


def _concern_follows(item: ActionItem, new: str, actor: Any) -> None:
    """A direct assignment's concern is resolved when the item is verified solved, closed with it."""
    if item.concern_id is None:
        return
    concern = Concern.objects.select_for_update().get(pk=item.concern_id)
    if apply_transition(
        concern,
        new=new,
        transitions=CONCERN_TRANSITIONS,
        labels=dict(ConcernStatus.choices),
        actor=actor,
        event_type=f"concern.{new}",
        reason=f"交办单“{item.title}”",
    ):
        concern_services.index_concern_status(concern.pk, new)


@transaction.atomic
def action_accept(*, item_id: int, actor: Any, expected_version: int | None = None) -> ActionItem:
    item = _locked(item_id, expected_version)
    if _move(item, ActionStatus.ACCEPTED, actor, extra={"assignee": _user(actor)}):
        _inform(
            item,
            f"承办单位（{item.department.name}）已签收，将于 {item.deadline:%Y年%m月%d日} 前办理。",
            "accepted",
            actor,
        )
    return item


@transaction.atomic
def action_request_return(
    *, item_id: int, reason: str, actor: Any, expected_version: int | None = None
) -> ActionItem:
    """The department says the item is not theirs, within the acceptance period."""
    item = _locked(item_id, expected_version)
    reason = _clean_text(reason, field="reason", required="请说明申请退回的理由。", limit=300)
    if item.status in AWAITING_ACCEPTANCE and timezone.localdate() > item.accept_due:
        raise ApplicationError(
            f"签收期限（{item.accept_due:%m月%d日}）已过，不能再申请退回，请联系交办人。", field="reason"
        )
    _move(item, ActionStatus.RETURN_REQUESTED, actor, reason=reason, extra={"return_reason": reason})
    return item


@transaction.atomic
def action_reassign(
    *,
    item_id: int,
    department_id: int | None,
    actor: Any,
    reason: str = "",
    deadline: dt.date | None = None,
    expected_version: int | None = None,
) -> ActionItem:
    item = _locked(item_id, expected_version)
    department = _department(department_id)
    if department.pk == item.department_id:
        raise ApplicationError("请选择另一个承办单位。", field="department")
    new_deadline = (
        _clean_deadline(deadline) if deadline is not None else max(item.deadline, timezone.localdate())
    )
    old_department = item.department.name
    _move(
        item,
        ActionStatus.REASSIGNED,
        actor,
        reason=reason or f"由{old_department}改派",
        extra={
            "department": department,
            "assignee": None,
            "deadline": new_deadline,
            "accept_due": min(add_working_days_db(timezone.localdate(), ACCEPT_WORKING_DAYS), new_deadline),
        },
    )
    _inform(item, f"您反映的问题已改由{department.name}承办。", f"reassigned:{department.pk}", actor)
    return item


@transaction.atomic
def action_refuse_return(
    *, item_id: int, reason: str, actor: Any, expected_version: int | None = None
) -> ActionItem:
    item = _locked(item_id, expected_version)
    reason = _clean_text(reason, field="reason", required="请说明不同意退回的理由。", limit=300)
    _move(
        item,
        ActionStatus.ASSIGNED,
        actor,
        reason=reason,
        extra={"accept_due": add_working_days_db(timezone.localdate(), ACCEPT_WORKING_DAYS)},
    )
    return item


def _store_report(
    item: ActionItem,
    text: str,
    photos: Sequence[images.Encoded],
    actor: Any,
    *,
    public: bool,
    completion: bool,
) -> ActionProgress:
    """The report and its photo rows under random names; the files are written after the commit."""
    report = ActionProgress.objects.create(
        item=item, text=text, public=public, is_completion=completion, author=_user(actor)
    )
    stored = [images.stored(photo, directory="actions") for photo in photos]
    ActionPhoto.objects.bulk_create([ActionPhoto(item=item, report=report, **s.names) for s in stored])
    images.write_after_commit(stored)
    return report


def action_report_progress(
    *,
    item_id: int,
    text: str,
    actor: Any,
    photos: Sequence[Any] = (),
    public: bool = True,
    expected_version: int | None = None,
) -> ActionProgress:
    # Decoding photos takes seconds: done before the transaction that locks the item.
    encoded = images.prepare(photos, limit=MAX_PHOTOS)
    with transaction.atomic():
        return _report_progress(item_id, text, actor, encoded, public, expected_version)


def _report_progress(
    item_id: int,
    text: str,
    actor: Any,
    photos: list[images.Encoded],
    public: bool,
    expected_version: int | None,
) -> ActionProgress:
    scope = scope_of(actor)
    item = _locked(item_id, expected_version)
    if not permissions.can_report_progress(scope, item):
        if scope.has_role(Role.OFFICER) and not permissions.is_department_officer(scope, item):
            raise PermissionDenied("这是其他单位的交办单，您不能办理。")
        if not (scope.is_admin or permissions.is_department_officer(scope, item)):
            raise PermissionDenied("只有承办单位可以填报办理进展。")
        raise ApplicationError(f"交办单当前为“{item.get_status_display()}”，不能填报进展。")
    text = _clean_text(text, field="text", required="请填写办理进展。")
    if item.status in (ActionStatus.ACCEPTED, ActionStatus.REOPENED):
        _move(item, ActionStatus.IN_PROGRESS, actor)
    report = _store_report(item, text, photos, actor, public=public, completion=False)
    audit.record(
        target=item,
        event_type="action.progress",
        actor=actor,
        new={"report": report.pk, "photos": len(photos)},
    )
    if public:
        _inform(item, f"办理进展：{text[:150]}", f"progress:{report.pk}", actor)
    return report


@transaction.atomic
def action_request_extension(
    *, item_id: int, until: dt.date | None, reason: str, actor: Any, expected_version: int | None = None
) -> ActionItem:
    item = _locked(item_id, expected_version)
    reason = _clean_text(reason, field="reason", required="请说明申请延期的理由。", limit=300)
    until = _clean_deadline(until, field="until")
    if until <= item.deadline:
        raise ApplicationError(
            f"延期日期须晚于现在的办理期限（{item.deadline:%Y年%m月%d日}）。", field="until"
        )
    _move(
        item,
        ActionStatus.EXTENSION_REQUESTED,
        actor,
        reason=reason,
        extra={"extension_until": until, "extension_reason": reason},
    )
    return item


@transaction.atomic
def action_decide_extension(
    *, item_id: int, approve: bool, actor: Any, reason: str = "", expected_version: int | None = None
) -> ActionItem:
    item = _locked(item_id, expected_version)
    if item.status != ActionStatus.EXTENSION_REQUESTED:
        raise ApplicationError("该交办单没有待审批的延期申请。")
    if approve:
        assert item.extension_until is not None
        until = item.extension_until
        _move(item, ActionStatus.EXTENDED, actor, reason=reason, extra={"deadline": until})
        _inform(item, f"经批准，办理期限延长至 {until:%Y年%m月%d日}。", f"extended:{until}", actor)
    else:
        reason = _clean_text(reason, field="reason", required="请说明不同意延期的理由。", limit=300)
        _move(item, ActionStatus.IN_PROGRESS, actor, reason=reason)
    return item


def action_complete(
    *,
    item_id: int,
    result_class: str,
    text: str,
    actor: Any,
    photos: Sequence[Any] = (),
    expected_version: int | None = None,
) -> ActionItem:
    """The department reports the item done, with result class and evidence (a photo for A)."""
    encoded = images.prepare(photos, limit=MAX_PHOTOS)
    with transaction.atomic():
        return _complete(item_id, result_class, text, actor, encoded, expected_version)


def _complete(
    item_id: int,
    result_class: str,
    text: str,
    actor: Any,
    photos: list[images.Encoded],
    expected_version: int | None,
) -> ActionItem:
    item = _locked(item_id, expected_version)
    if result_class not in ResultClass.values:
        raise ApplicationError("请选择办理结果（A 已解决 / B 列入计划 / C 暂难解决）。", field="result_class")
    text = _clean_text(text, field="text", required="请填写办理情况。")
    if result_class == ResultClass.SOLVED and not photos and not item.photos.exists():
        raise ApplicationError("“已解决”须上传至少一张现场照片作为佐证。", field="photos")
    _move(
        item,
        ActionStatus.DONE,
        actor,
        reason=text[:300],
        extra={"result_class": result_class, "result_text": text, "completed_at": timezone.now()},
    )
    _store_report(item, text, photos, actor, public=True, completion=True)
    label = ResultClass(result_class).label
    _inform(item, f"承办单位已办结，办理结果：{label}。{text[:120]}", "done", actor)
    return item


@transaction.atomic
def action_verify(
    *, item_id: int, passed: bool, actor: Any, reason: str = "", expected_version: int | None = None
) -> ActionItem:
    """回访核实: the office confirms the result, or sends the item back to the department."""
    item = _locked(item_id, expected_version)
    if item.status != ActionStatus.DONE:
        raise ApplicationError("只有已办结的交办单可以核实。")
    if passed:
        _move(item, ActionStatus.VERIFIED, actor, reason=reason)
        if item.result_class == ResultClass.SOLVED:
            _concern_follows(item, ConcernStatus.RESOLVED, actor)
        _inform(item, "经回访核实，办理结果属实。", "verified", actor)
    else:
        reason = _clean_text(reason, field="reason", required="请说明核实未通过的原因。", limit=300)
        _move(item, ActionStatus.IN_PROGRESS, actor, reason=reason)
        _inform(
            item, "经回访核实，问题尚未解决，已要求承办单位继续办理。", f"verify_failed:{item.version}", actor
        )
    return item


@transaction.atomic
def action_close(*, item_id: int, actor: Any, expected_version: int | None = None) -> ActionItem:
    item = _locked(item_id, expected_version)
    if _move(item, ActionStatus.CLOSED, actor):
        _concern_follows(item, ConcernStatus.CLOSED, actor)
        _inform(item, "您反映的问题已办结，感谢您的参与和监督。", "closed", actor)
    return item


@transaction.atomic
def action_reopen(
    *, item_id: int, reason: str, deadline: dt.date | None, actor: Any, expected_version: int | None = None
) -> ActionItem:
    item = _locked(item_id, expected_version)
    reason = _clean_text(reason, field="reason", required="请说明重新办理的原因。", limit=300)
    deadline = _clean_deadline(deadline)
    _move(item, ActionStatus.REOPENED, actor, reason=reason, extra={"deadline": deadline, "result_class": ""})
    _inform(
        item, f"您反映的问题已重新交办，期限 {deadline:%Y年%m月%d日}。", f"reopened:{item.version}", actor
    )
    return item
