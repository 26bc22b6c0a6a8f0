"""The daily digest: each person's due and overdue work, once a day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shangliang.actions.tests.factories import ActionItemFactory
from shangliang.notifications.models import OutboxMessage
from shangliang.ops import periodic
from shangliang.screening.digest import send_daily_digest
from shangliang.topics.tests.factories import waiting_concern

pytestmark = pytest.mark.django_db


def test_each_person_hears_of_their_due_and_overdue_work_once_a_day(
    district, secretary, staff, department_officer, grid_worker
):
    today = timezone.localdate()
    waiting_concern(district.community_a, first_response_due=today - dt.timedelta(days=2))
    waiting_concern(district.community_b, first_response_due=today)
    ActionItemFactory(
        department=department_officer.organisation,
        region=district.community_a,
        deadline=today - dt.timedelta(days=1),
        accept_due=today - dt.timedelta(days=3),
    )
    # when the digest runs twice on one day
    assert send_daily_digest(today) == 4
    assert send_daily_digest(today) == 4
    # then each person has one notice naming their own work
    notices = {m.recipient_user.username: m.body for m in OutboxMessage.objects.filter(channel="inbox")}
    assert len(notices) == 4
    assert "1 条诉求已超过首次答复期限" in notices[secretary.username]
    assert "1 条诉求将在" in notices[staff.username]
    assert "1 件交办单已超期未办结" in notices[staff.username]
    assert "1 件交办单待签收（其中 1 件已超过签收期限）" in notices[department_officer.username]
    assert "1 条诉求已超过首次答复期限" in notices[grid_worker.username]


def test_nothing_due_sends_nothing(district, staff):
    assert send_daily_digest(timezone.localdate()) == 0


def test_the_digest_is_a_daily_periodic_job():
    job = {j.name: j for j in periodic.registered_jobs()}["screening.daily_digest"]
    assert job.daily_at == dt.time(8, 0)
