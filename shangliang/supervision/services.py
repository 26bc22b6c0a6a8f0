"""Writes of supervision: 督办 records, verification visits (回访核实) and applying them, and the
daily reminder and escalation sweep. The item's own state changes go through ``actions.services``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shangliang.actions import services as action_services
from shangliang.actions.models import OPEN_STATUSES, ActionItem, ActionStatus
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import scope_of
from shangliang.core.workdays import add_working_days_db, working_days_between_db
from shangliang.files import images
from shangliang.notifications.services import enqueue_inbox, enqueue_sms
from shangliang.privacy.personal import InvalidPhone
from shangliang.supervision import permissions, selectors
from shangliang.supervision.models import (
    Escalation,
    Finding,
    Method,
    SupervisionRecord,
    Verification,
    VerificationPhoto,
    VisitMethod,
    VisitStatus,
)

MAX_PHOTOS = 6


def clean_text(value: str, *, field: str, required: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(required, field=field)
    if len(value) > limit:
        raise ApplicationError(f"内容不能超过 {limit} 字。", field=field)
    return value


def _locked_item(item_id: int) -> ActionItem:
    item = (
        ActionItem.objects.select_for_update()
        .select_related("department", "region")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise ApplicationError("没有找到该交办单。")
    return item


def tell_department(item: ActionItem, text: str, *, key: str, sms: bool = True) -> None:
    """Inbox (and SMS to those with a phone) for the item's department officers; idempotent by key."""
    for officer in selectors.department_officers(item.department_id):
        enqueue_inbox(user=officer, body=text, about=item, dedupe_key=f"{key}:inbox:{officer.pk}")
        if sms and officer.phone:
            try:
                enqueue_sms(phone=officer.phone, body=text, about=item, dedupe_key=f"{key}:sms:{officer.pk}")
            except InvalidPhone:
                continue


@transaction.atomic
def supervision_record_add(
    *, item_id: int, method: str, note: str, actor: Any, contact: str = ""
) -> SupervisionRecord:
    """A 督办 by phone, letter, site visit or meeting on an open item; the department is told."""
    item = _locked_item(item_id)
    if not permissions.can_add_record(scope_of(actor), item):
        if not item.is_open:
            raise ApplicationError(f"交办单当前为“{item.get_status_display()}”，不在办理中，无需督办。")
        raise PermissionDenied("您无权督办该交办单。")
    if method not in Method.values:
        raise ApplicationError("请选择督办方式。", field="method")
    note = clean_text(note, field="note", required="请填写督办情况。", limit=1000)
    record = SupervisionRecord.objects.create(
        item=item, method=method, note=note, contact=(contact or "").strip()[:60], author=actor
    )
    audit.record(
        target=item, event_type="action.supervised", actor=actor, new={"method": method, "record": record.pk}
    )
    tell_department(
        item,
        f"【{Method(method).label}】交办单“{item.title}”（期限 {item.deadline:%m月%d日}）：{note[:120]}",
        key=f"supervision:{record.pk}",
    )
    return record


def visit_record(
    *,
    item_id: int,
    method: str,
    finding: str,
    residents: str,
    note: str,
    actor: Any,
    photos: Sequence[Any] = (),
) -> Verification:
    """回访核实 by a grid worker or staff, with photos (required after a visit). A visit by someone who
    may verify the item (staff) is applied at once; a grid worker's waits for staff to apply it."""
    # Decoding photos takes seconds: done before the transaction that locks the item.
    encoded = images.prepare(photos, limit=MAX_PHOTOS)
    with transaction.atomic():
        return _visit_record(item_id, method, finding, residents, note, actor, encoded)


def _visit_record(
    item_id: int,
    method: str,
    finding: str,
    residents: str,
    note: str,
    actor: Any,
    photos: list[images.Encoded],
) -> Verification:
    scope = scope_of(actor)
    item = _locked_item(item_id)
    if not permissions.can_record_visit(scope, item):
        if item.status != ActionStatus.DONE:
            raise ApplicationError("只有承办单位已报办结的交办单才能回访核实。")
        raise PermissionDenied("您无权回访核实该交办单。")
    if method not in VisitMethod.values:
        raise ApplicationError("请选择回访方式。", field="method")
    if finding not in Finding.values:
        raise ApplicationError("请选择回访结论。", field="finding")
    residents = clean_text(residents, field="residents", required="请填写回访了哪些居民。", limit=100)
    note = clean_text(note, field="note", required="请填写回访情况。", limit=1000)
    if method == VisitMethod.VISIT and not photos:
        raise ApplicationError("入户走访须上传至少一张现场照片。", field="photos")
    visit = Verification.objects.create(
        item=item, method=method, finding=finding, residents=residents, note=note, visitor=actor
    )
    stored = [images.stored(photo, directory="supervision") for photo in photos]
    VerificationPhoto.objects.bulk_create([VerificationPhoto(verification=visit, **s.names) for s in stored])
    images.write_after_commit(stored)
    audit.record(
        target=item,
        event_type="action.visited",
        actor=actor,
        new={"visit": visit.pk, "finding": finding, "method": method, "photos": len(photos)},
        reason=note[:300],
    )
    if permissions.can_apply_visit(scope, item):
        _apply(visit, item, actor)
    else:
        for user in selectors.staff_over(item):
            enqueue_inbox(
                user=user,
                body=f"回访核实待确认：交办单“{item.title}”，{Finding(finding).label}。",
                about=item,
                dedupe_key=f"visit:{visit.pk}:staff:{user.pk}",
            )
    return visit


def _apply(visit: Verification, item: ActionItem, actor: Any) -> None:
    confirmed = visit.finding == Finding.CONFIRMED
    reason = visit.note[:300] if not confirmed else f"{visit.get_method_display()}：{visit.residents}"
    action_services.action_verify(item_id=item.pk, passed=confirmed, actor=actor, reason=reason)
    visit.status = VisitStatus.APPLIED
    visit.applied_by = actor
    visit.applied_at = timezone.now()
    visit.save(update_fields=["status", "applied_by", "applied_at", "updated_at"])
    # Other pending visits of the same round are superseded by this one.
    Verification.objects.filter(item=item, status=VisitStatus.PENDING).exclude(pk=visit.pk).update(
        status=VisitStatus.APPLIED, applied_by=actor, applied_at=visit.applied_at
    )
    if not confirmed:
        tell_department(
            item,
            f"交办单“{item.title}”经回访核实问题未真正解决，已退回继续办理：{visit.note[:120]}",
            key=f"visit:{visit.pk}:returned",
        )


@transaction.atomic
def visit_apply(*, visit_id: int, actor: Any) -> Verification:
    """Staff apply a grid worker's finding: the item is verified, or goes back to the department."""
    visit = Verification.objects.select_for_update().filter(pk=visit_id).first()
    if visit is None:
        raise ApplicationError("没有找到该回访记录。")
    item = _locked_item(visit.item_id)
    if visit.status != VisitStatus.PENDING:
        raise ApplicationError("该回访结论已确认过。")
    if not permissions.can_apply_visit(scope_of(actor), item):
        if item.status != ActionStatus.DONE:
            raise ApplicationError(f"交办单当前为“{item.get_status_display()}”，不能再按该回访结论核实。")
        raise PermissionDenied("只有政协机关工作人员可以确认回访结论。")
    _apply(visit, item, actor)
    return visit


# --- The daily sweep: reminders before the deadline and when overdue, escalation ------------------


def _overdue_working_days(deadline: dt.date, today: dt.date) -> int:
    return max(working_days_between_db(deadline, today), 0)


def escalate(item: ActionItem, *, today: dt.date, overdue_days: int) -> Escalation | None:
    """Raise an overdue item to the department's supervising leader, once per deadline."""
    leader = item.department.supervising_leader
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                item=item, deadline=item.deadline, overdue_working_days=overdue_days, leader=leader
            )
    except IntegrityError:
        return None
    audit.record(
        target=item,
        event_type="action.escalated",
        actor=None,
        actor_label="系统",
        new={"leader": leader, "overdue_working_days": overdue_days},
    )
    text = (
        f"【提级督办】交办单“{item.title}”（{item.department.name}）已超期 {overdue_days} 个工作日，"
        f"已报分管领导{leader or '（未登记）'}督办。"
    )
    tell_department(item, text, key=f"escalation:{escalation.pk}")
    for user in selectors.staff_over(item):
        enqueue_inbox(
            user=user, body=text, about=item, dedupe_key=f"escalation:{escalation.pk}:staff:{user.pk}"
        )
    return escalation


def remind_and_escalate(today: dt.date | None = None) -> dict[str, int]:
    """Once a day: remind departments of items due soon and of overdue items, and escalate items
    overdue for the configured number of working days. Safe to run twice (dedupe keys)."""
    today = today or timezone.localdate()
    config = selectors.config()
    remind_until = add_working_days_db(today, int(config["REMIND_BEFORE_WORKING_DAYS"]))
    escalate_after = int(config["ESCALATE_AFTER_OVERDUE_WORKING_DAYS"])
    counts = {"due_soon": 0, "overdue": 0, "escalated": 0}
    items = ActionItem.objects.filter(status__in=OPEN_STATUSES, deadline__lte=remind_until).select_related(
        "department", "region"
    )
    for item in items:
        with transaction.atomic():
            if item.deadline >= today:
                tell_department(
                    item,
                    f"【到期提醒】交办单“{item.title}”将于 {item.deadline:%m月%d日} 到期，请按时办结。",
                    key=f"remind:{item.pk}:due:{item.deadline}",
                )
                counts["due_soon"] += 1
                continue
            overdue_days = _overdue_working_days(item.deadline, today)
            tell_department(
                item,
                f"【超期提醒】交办单“{item.title}”已超过办理期限（{item.deadline:%m月%d日}），请尽快办结或申请延期。",
                key=f"remind:{item.pk}:overdue:{item.deadline}:{today}",
            )
            counts["overdue"] += 1
            if overdue_days >= escalate_after and escalate(item, today=today, overdue_days=overdue_days):
                counts["escalated"] += 1
    return counts
