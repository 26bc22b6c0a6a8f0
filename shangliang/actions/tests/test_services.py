"""Action item services: the department's steps, the office's steps, evidence, residents informed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shangliang.actions import services
from shangliang.actions.models import ActionStatus, CategoryPolicy
from shangliang.actions.tests.factories import ActionItemFactory
from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns.models import ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory, png
from shangliang.core.errors import ApplicationError, ConcurrentChange, PermissionDenied
from shangliang.core.workdays import add_working_days
from shangliang.places.tests.factories import OrganisationFactory
from shangliang.text.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(district, department_officer):
    concern = ConcernFactory(community=district.community_a2, status=ConcernStatus.ASSIGNED_DIRECTLY)
    return ActionItemFactory(
        department=department_officer.organisation, region=district.community_a2, concern=concern
    )


def test_default_deadline_follows_the_category_policy():
    category = Category.objects.create(name="绿化")
    CategoryPolicy.objects.create(category=category, working_days=3, urgent_working_days=1)
    start = dt.date(2026, 9, 30)  # before the National Day holiday
    assert services.default_deadline(category_id=category.pk, urgent=False, start=start) == add_working_days(
        start, 3
    )
    assert services.default_deadline(category_id=None, urgent=True, start=start) == add_working_days(start, 1)
    assert services.default_deadline(category_id=None, urgent=False, start=start) == add_working_days(
        start, 5
    )


def test_the_department_accepts_reports_and_completes_with_a_photo(item, department_officer, staff):
    services.action_accept(item_id=item.pk, actor=department_officer, expected_version=1)
    services.action_report_progress(
        item_id=item.pk, text="已联系园林公司，明早修剪", actor=department_officer
    )
    item.refresh_from_db()
    assert item.status == ActionStatus.IN_PROGRESS
    services.action_complete(
        item_id=item.pk,
        result_class="A",
        text="树枝已修剪，不再碰到窗户",
        photos=[png("after.png")],
        actor=department_officer,
    )
    item.refresh_from_db()
    assert (item.status, item.result_class) == (ActionStatus.DONE, "A")
    assert item.photos.count() == 1
    services.action_verify(item_id=item.pk, passed=True, actor=staff)
    services.action_close(item_id=item.pk, actor=staff)
    item.concern.refresh_from_db()
    assert item.concern.status == ConcernStatus.CLOSED
    texts = [e.text for e in concern_selectors.public_timeline(item.concern)]
    assert texts[0].startswith("承办单位（区住建局）已签收")
    assert "办理进展：已联系园林公司，明早修剪" in texts
    assert "承办单位已办结，办理结果：A 已解决。树枝已修剪，不再碰到窗户" in texts


def test_solved_without_a_photo_is_refused(item, department_officer):
    services.action_accept(item_id=item.pk, actor=department_officer)
    with pytest.raises(ApplicationError, match="须上传至少一张现场照片"):
        services.action_complete(item_id=item.pk, result_class="A", text="已修剪", actor=department_officer)
    item.refresh_from_db()
    assert (item.status, item.result_class) == (ActionStatus.ACCEPTED, "")


def test_planned_needs_no_photo(item, department_officer):
    services.action_accept(item_id=item.pk, actor=department_officer)
    services.action_complete(
        item_id=item.pk, result_class="B", text="列入明年改造计划", actor=department_officer
    )
    item.refresh_from_db()
    assert item.result_class == "B"


def test_another_department_cannot_complete_the_item(item, district):
    from shangliang.accounts.tests.factories import UserFactory

    other = UserFactory(
        role="officer", region=district.district, organisation=OrganisationFactory(name="区医保局")
    )
    with pytest.raises(PermissionDenied, match="其他单位的交办单"):
        services.action_accept(item_id=item.pk, actor=other)
    with pytest.raises(PermissionDenied, match="其他单位的交办单"):
        services.action_complete(item_id=item.pk, result_class="B", text="x", actor=other)
    item.refresh_from_db()
    assert (item.status, item.version) == (ActionStatus.ASSIGNED, 1)


def test_return_within_three_working_days_then_reassigned(item, department_officer, staff):
    services.action_request_return(item_id=item.pk, reason="不属于本单位职责", actor=department_officer)
    item.refresh_from_db()
    assert (item.status, item.return_reason) == (ActionStatus.RETURN_REQUESTED, "不属于本单位职责")
    garden = OrganisationFactory(name="区园林所")
    services.action_reassign(item_id=item.pk, department_id=garden.pk, actor=staff)
    item.refresh_from_db()
    assert (item.status, item.department) == (ActionStatus.REASSIGNED, garden)
    assert concern_selectors.public_timeline(item.concern)[-1].text == "您反映的问题已改由区园林所承办。"


def test_return_after_the_acceptance_period_is_refused(item, department_officer):
    item.accept_due = timezone.localdate() - dt.timedelta(days=1)
    item.save()
    with pytest.raises(ApplicationError, match=r"签收期限.*已过"):
        services.action_request_return(item_id=item.pk, reason="不归我们管", actor=department_officer)
    item.refresh_from_db()
    assert item.status == ActionStatus.ASSIGNED


def test_refusing_a_return_sends_it_back_for_acceptance(item, department_officer, staff):
    services.action_request_return(item_id=item.pk, reason="不属于本单位职责", actor=department_officer)
    services.action_refuse_return(item_id=item.pk, reason="属于住建局职责", actor=staff)
    item.refresh_from_db()
    assert item.status == ActionStatus.ASSIGNED


def test_extension_request_and_approval_move_the_deadline(item, department_officer, staff):
    services.action_accept(item_id=item.pk, actor=department_officer)
    later = item.deadline + dt.timedelta(days=10)
    with pytest.raises(ApplicationError, match="须晚于现在的办理期限"):
        services.action_request_extension(
            item_id=item.pk, until=item.deadline, reason="等材料", actor=department_officer
        )
    services.action_request_extension(item_id=item.pk, until=later, reason="等材料", actor=department_officer)
    services.action_decide_extension(item_id=item.pk, approve=True, actor=staff)
    item.refresh_from_db()
    assert (item.status, item.deadline) == (ActionStatus.EXTENDED, later)


def test_overdue_is_derived_from_the_deadline(item):
    assert not item.is_overdue
    item.deadline = timezone.localdate() - dt.timedelta(days=1)
    assert item.is_overdue
    item.status = ActionStatus.DONE
    assert not item.is_overdue


def test_failed_verification_sends_the_item_back(item, department_officer, staff):
    services.action_accept(item_id=item.pk, actor=department_officer)
    services.action_complete(item_id=item.pk, result_class="C", text="需要更多经费", actor=department_officer)
    with pytest.raises(ApplicationError, match="请说明核实未通过的原因"):
        services.action_verify(item_id=item.pk, passed=False, actor=staff)
    services.action_verify(item_id=item.pk, passed=False, reason="树枝仍碰窗", actor=staff)
    item.refresh_from_db()
    assert item.status == ActionStatus.IN_PROGRESS


def test_a_stale_form_is_refused(item, department_officer):
    services.action_accept(item_id=item.pk, actor=department_officer, expected_version=1)
    with pytest.raises(ConcurrentChange):
        services.action_request_return(
            item_id=item.pk, reason="x", actor=department_officer, expected_version=1
        )


def test_reopen_needs_a_future_deadline(item, department_officer, staff):
    services.action_accept(item_id=item.pk, actor=department_officer)
    services.action_complete(item_id=item.pk, result_class="B", text="列入计划", actor=department_officer)
    services.action_verify(item_id=item.pk, passed=True, actor=staff)
    services.action_close(item_id=item.pk, actor=staff)
    with pytest.raises(ApplicationError, match="办理期限不能早于今天"):
        services.action_reopen(
            item_id=item.pk,
            reason="评价未通过",
            deadline=timezone.localdate() - dt.timedelta(days=1),
            actor=staff,
        )
    services.action_reopen(item_id=item.pk, reason="评价未通过", deadline=timezone.localdate(), actor=staff)
    item.refresh_from_db()
    assert item.status == ActionStatus.REOPENED
