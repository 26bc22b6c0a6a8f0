from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from shangliang.accounts.tests.factories import UserFactory
from shangliang.actions import services as action_services
from shangliang.actions.models import ActionItem, ActionStatus
from shangliang.concerns.tests.factories import png
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.notifications.models import OutboxMessage
from shangliang.supervision import selectors, services
from shangliang.supervision.models import Escalation, SupervisionRecord, Verification, VisitStatus
from shangliang.supervision.tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db

# A Wednesday with no holiday around it, so working days are plain weekdays.
TODAY = dt.date(2026, 3, 11)


@pytest.fixture
def officer(department_officer: Any) -> Any:
    department_officer.phone = "13977700001"
    department_officer.save(update_fields=["phone"])
    return department_officer


def test_rag_is_derived_from_the_deadline() -> None:
    limit = dt.date(2026, 3, 16)
    assert selectors.rag(dt.date(2026, 3, 10), today=TODAY, amber_limit=limit) == selectors.RED
    assert selectors.rag(TODAY, today=TODAY, amber_limit=limit) == selectors.AMBER
    assert selectors.rag(limit, today=TODAY, amber_limit=limit) == selectors.AMBER
    assert selectors.rag(dt.date(2026, 3, 17), today=TODAY, amber_limit=limit) == selectors.GREEN


@time_machine.travel(dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC), tick=False)
def test_board_colours_filters_and_counts(district: Any, staff: Any, officer: Any) -> None:
    late = ActionItemFactory(region=district.community_a, deadline=dt.date(2026, 3, 9))
    soon = ActionItemFactory(region=district.community_a, deadline=dt.date(2026, 3, 13))
    fine = ActionItemFactory(region=district.community_b, deadline=dt.date(2026, 4, 30))
    ActionItemFactory(
        region=district.community_a, deadline=dt.date(2026, 3, 1), status=ActionStatus.DONE, result_class="A"
    )
    rows = {item.pk: item.rag for item in selectors.board(scope_of(staff))}
    assert rows == {late.pk: "red", soon.pk: "amber", fine.pk: "green"}
    assert selectors.board_counts(scope_of(staff)) == {"red": 1, "amber": 1, "green": 1}
    by_region = selectors.board(scope_of(staff), selectors.BoardFilters(region=district.street_b.pk))
    assert list(by_region) == [fine]
    assert list(selectors.board(scope_of(staff), selectors.BoardFilters(colour="red"))) == [late]


def test_board_is_empty_for_people_without_it(
    district: Any, officer: Any, grid_worker: Any, member: Any
) -> None:
    ActionItemFactory(region=district.community_a)
    for user in (officer, grid_worker, member):
        assert not selectors.board(scope_of(user)).exists()


def test_record_tells_the_department(district: Any, staff: Any, officer: Any) -> None:
    item = ActionItemFactory(region=district.community_a, department=officer.organisation)
    record = services.supervision_record_add(
        item_id=item.pk, method="phone", note="请本周内拆除飞线。", actor=staff
    )
    assert record.method == "phone"
    assert OutboxMessage.objects.filter(recipient_user=officer, channel="inbox").count() == 1
    assert OutboxMessage.objects.filter(channel="sms", phone_masked="139****0001").count() == 1
    assert AuditEvent.objects.filter(event_type="action.supervised").count() == 1


@pytest.mark.parametrize(
    ("role", "status", "allowed"),
    [
        (Role.STAFF, ActionStatus.IN_PROGRESS, True),
        (Role.STAFF, ActionStatus.DONE, False),
        (Role.STAFF, ActionStatus.CLOSED, False),
        (Role.GRID_WORKER, ActionStatus.IN_PROGRESS, False),
        (Role.REVIEWER, ActionStatus.IN_PROGRESS, False),
        (Role.OFFICER, ActionStatus.IN_PROGRESS, False),
    ],
)
def test_record_permission_matrix(district: Any, role: str, status: str, allowed: bool) -> None:
    item = ActionItemFactory(
        region=district.community_a, status=status, result_class="A" if status != "in_progress" else ""
    )
    user = UserFactory(role=role, region=district.district)
    if allowed:
        services.supervision_record_add(item_id=item.pk, method="letter", note="督办", actor=user)
        assert SupervisionRecord.objects.count() == 1
    else:
        with pytest.raises(ApplicationError):
            services.supervision_record_add(item_id=item.pk, method="letter", note="督办", actor=user)
        assert SupervisionRecord.objects.count() == 0


def test_record_needs_method_and_note(district: Any, staff: Any) -> None:
    item = ActionItemFactory(region=district.community_a)
    with pytest.raises(ApplicationError, match="请选择督办方式"):
        services.supervision_record_add(item_id=item.pk, method="email", note="x", actor=staff)
    with pytest.raises(ApplicationError, match="请填写督办情况"):
        services.supervision_record_add(item_id=item.pk, method="phone", note="  ", actor=staff)
    assert not SupervisionRecord.objects.exists()


def test_reminders_and_escalation_once(district: Any, staff: Any, officer: Any) -> None:
    department = officer.organisation
    department.supervising_leader = "李副区长"
    department.save()
    due = ActionItemFactory(region=district.community_a, department=department, deadline=dt.date(2026, 3, 12))
    late = ActionItemFactory(region=district.community_a, department=department, deadline=dt.date(2026, 3, 2))
    recent = ActionItemFactory(
        region=district.community_a, department=department, deadline=dt.date(2026, 3, 10)
    )
    # when the sweep runs twice on the same day
    first = services.remind_and_escalate(TODAY)
    second = services.remind_and_escalate(TODAY)
    # then: one due-soon reminder, two overdue reminders, one escalation (7 working days overdue ≥ 5)
    assert first == {"due_soon": 1, "overdue": 2, "escalated": 1}
    assert second == {"due_soon": 1, "overdue": 2, "escalated": 0}
    escalation = Escalation.objects.get()
    assert (escalation.item, escalation.leader, escalation.overdue_working_days) == (late, "李副区长", 7)
    assert not Escalation.objects.filter(item__in=[due, recent]).exists()
    inbox = OutboxMessage.objects.filter(channel="inbox")
    assert inbox.filter(recipient_user=officer, body__startswith="【到期提醒】").count() == 1
    assert inbox.filter(recipient_user=officer, body__startswith="【超期提醒】").count() == 2
    assert inbox.filter(recipient_user=staff, body__contains="已报分管领导李副区长督办").count() == 1
    assert inbox.filter(recipient_user=officer, body__startswith="【提级督办】").count() == 1


def test_escalation_threshold_comes_from_settings(district: Any, staff: Any, settings: Any) -> None:
    settings.SHANGLIANG = {
        **settings.SHANGLIANG,
        "SUPERVISION": {**settings.SHANGLIANG["SUPERVISION"], "ESCALATE_AFTER_OVERDUE_WORKING_DAYS": 1},
    }
    ActionItemFactory(region=district.community_a, deadline=dt.date(2026, 3, 10))
    assert services.remind_and_escalate(TODAY)["escalated"] == 1


def test_extension_decision_goes_through_actions(district: Any, staff: Any, officer: Any) -> None:
    item = ActionItemFactory(
        region=district.community_a,
        department=officer.organisation,
        status=ActionStatus.EXTENSION_REQUESTED,
        extension_until=timezone.localdate() + dt.timedelta(days=60),
        extension_reason="需等待施工队进场",
    )
    with pytest.raises(ApplicationError, match="请说明不同意延期的理由"):
        action_services.action_decide_extension(item_id=item.pk, approve=False, actor=staff)
    action_services.action_decide_extension(item_id=item.pk, approve=True, actor=staff)
    item.refresh_from_db()
    assert (item.status, item.deadline) == (ActionStatus.EXTENDED, item.extension_until)


def _done(district: Any, **extra: Any) -> ActionItem:
    return ActionItemFactory(
        region=district.community_a,
        status=ActionStatus.DONE,
        result_class="A",
        completed_at=timezone.now(),
        **extra,
    )


def test_staff_visit_verifies_at_once(district: Any, staff: Any) -> None:
    item = _done(district)
    visit = services.visit_record(
        item_id=item.pk,
        method="phone",
        finding="confirmed",
        residents="3栋住户 4 户",
        note="居民确认已改好。",
        actor=staff,
    )
    item.refresh_from_db()
    assert (visit.status, item.status) == (VisitStatus.APPLIED, ActionStatus.VERIFIED)


def test_grid_worker_visit_with_photo_waits_for_staff(district: Any, staff: Any, grid_worker: Any) -> None:
    item = _done(district)
    visit = services.visit_record(
        item_id=item.pk,
        method="visit",
        finding="confirmed",
        residents="政法路28号院 5 户",
        note="入户看过，充电桩已用上。",
        photos=[png()],
        actor=grid_worker,
    )
    item.refresh_from_db()
    assert (visit.status, item.status, visit.photos.count()) == (VisitStatus.PENDING, ActionStatus.DONE, 1)
    assert OutboxMessage.objects.filter(recipient_user=staff, body__startswith="回访核实待确认").count() == 1
    # when staff apply it
    services.visit_apply(visit_id=visit.pk, actor=staff)
    item.refresh_from_db()
    assert item.status == ActionStatus.VERIFIED
    with pytest.raises(ApplicationError, match="已确认过"):
        services.visit_apply(visit_id=visit.pk, actor=staff)


def test_not_fixed_goes_back_to_the_department_with_reason(district: Any, staff: Any, officer: Any) -> None:
    item = _done(district, department=officer.organisation)
    services.visit_record(
        item_id=item.pk,
        method="phone",
        finding="not_fixed",
        residents="王阿姨",
        note="楼道里仍有飞线。",
        actor=staff,
    )
    item.refresh_from_db()
    assert item.status == ActionStatus.IN_PROGRESS
    assert AuditEvent.objects.filter(event_type="action.in_progress").get().reason == "楼道里仍有飞线。"
    assert OutboxMessage.objects.filter(recipient_user=officer, body__contains="问题未真正解决").count() == 1


def test_visit_refusals_change_nothing(district: Any, grid_worker: Any, member: Any, staff: Any) -> None:
    item = _done(district)
    open_item = ActionItemFactory(region=district.community_a)
    with pytest.raises(ApplicationError, match="入户走访须上传至少一张现场照片"):
        services.visit_record(
            item_id=item.pk,
            method="visit",
            finding="confirmed",
            residents="5 户",
            note="好",
            actor=grid_worker,
        )
    with pytest.raises(PermissionDenied):
        services.visit_record(
            item_id=item.pk, method="phone", finding="confirmed", residents="5 户", note="好", actor=member
        )
    with pytest.raises(ApplicationError, match="只有承办单位已报办结"):
        services.visit_record(
            item_id=open_item.pk,
            method="phone",
            finding="confirmed",
            residents="5 户",
            note="好",
            actor=staff,
        )
    visit = services.visit_record(
        item_id=item.pk, method="phone", finding="confirmed", residents="5 户", note="好", actor=grid_worker
    )
    with pytest.raises(PermissionDenied, match="只有政协机关工作人员可以确认回访结论"):
        services.visit_apply(visit_id=visit.pk, actor=grid_worker)
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
    assert Verification.objects.count() == 1
