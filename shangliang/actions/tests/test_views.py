"""The department inbox and the item page: scoping, steps as forms, refusals keep the input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shangliang.actions.models import ActionStatus
from shangliang.actions.tests.factories import ActionItemFactory
from shangliang.concerns.tests.factories import png
from shangliang.places.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_officer_sees_only_their_departments_items(client, district, department_officer):
    mine = ActionItemFactory(
        department=department_officer.organisation, region=district.community_a, title="修剪树木"
    )
    theirs = ActionItemFactory(
        department=OrganisationFactory(name="区医保局"), region=district.community_a, title="医保参保"
    )
    client.force_login(department_officer)
    body = client.get(reverse("actions:inbox")).content.decode()
    assert "修剪树木" in body
    assert "医保参保" not in body
    assert client.get(reverse("actions:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("actions:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("actions:step", args=[theirs.pk, "accept"]), {"version": 1}).status_code == 404


def test_accept_then_complete_with_evidence(client, district, department_officer):
    item = ActionItemFactory(department=department_officer.organisation, region=district.community_a)
    client.force_login(department_officer)
    assert client.post(reverse("actions:step", args=[item.pk, "accept"]), {"version": 1}).status_code == 302
    item.refresh_from_db()
    response = client.post(
        reverse("actions:step", args=[item.pk, "complete"]),
        {
            "version": item.version,
            "result_class": "A",
            "text": "已修剪完毕",
            "photos": [png()],
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.photos.count()) == (ActionStatus.DONE, 1)


def test_a_refused_completion_keeps_what_was_typed(client, district, department_officer):
    item = ActionItemFactory(
        department=department_officer.organisation, region=district.community_a, status="accepted"
    )
    client.force_login(department_officer)
    response = client.post(
        reverse("actions:step", args=[item.pk, "complete"]),
        {"version": item.version, "result_class": "A", "text": "已修剪完毕，居民满意", "confirm": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "须上传至少一张现场照片" in body
    assert "已修剪完毕，居民满意" in body


def test_overdue_filter_is_derived(client, district, staff, department_officer):
    import datetime as dt

    from django.utils import timezone

    ActionItemFactory(
        department=department_officer.organisation,
        region=district.community_a,
        title="超期事项",
        deadline=timezone.localdate() - dt.timedelta(days=2),
        accept_due=timezone.localdate() - dt.timedelta(days=4),
    )
    ActionItemFactory(
        department=department_officer.organisation, region=district.community_a, title="未到期事项"
    )
    client.force_login(staff)
    body = client.get(reverse("actions:inbox") + "?view=overdue").content.decode()
    assert "超期事项" in body
    assert "未到期事项" not in body


def test_completion_needs_confirming_and_the_day_to_day_steps_are_open(client, district, department_officer):
    # given an accepted item of the officer's department
    item = ActionItemFactory(
        department=department_officer.organisation, region=district.community_a, status="accepted"
    )
    client.force_login(department_officer)
    # when the officer opens it, then 填报进展 and 办结 are open sections, not folded away
    page = client.get(reverse("actions:detail", args=[item.pk])).content.decode()
    assert '<h2 id="step-progress">填报进展</h2>' in page
    assert '<h2 id="step-complete">办结</h2>' in page
    # and 办结 without ticking the confirmation is refused, keeping what was typed
    response = client.post(
        reverse("actions:step", args=[item.pk, "complete"]),
        {"version": item.version, "result_class": "A", "text": "已修剪完毕", "photos": [png()]},
    )
    assert response.status_code == 400
    assert "请勾选确认后再提交办结。" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ActionStatus.ACCEPTED
