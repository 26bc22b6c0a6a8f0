from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shangliang.actions.models import ActionStatus
from shangliang.concerns.tests.factories import png
from shangliang.supervision.models import SupervisionRecord, Verification
from shangliang.supervision.tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def test_board_query_count_does_not_grow_with_rows(
    client: Client, district: Any, staff: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(staff)
    ActionItemFactory(region=district.community_a)
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("supervision:board"))
    for n in range(8):
        ActionItemFactory(
            region=district.community_b, deadline=timezone.localdate() - dt.timedelta(days=n + 1)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("supervision:board"))
    assert page.status_code == 200
    assert page.content.decode().count('class="rag-red"') == 8


def test_board_filters_by_department_and_source(
    client: Client, district: Any, staff: Any, department_officer: Any
) -> None:
    mine = ActionItemFactory(
        region=district.community_a, department=department_officer.organisation, source_type="direct"
    )
    ActionItemFactory(
        region=district.community_a, title="其他单位事项", department=mine.department, source_type="consensus"
    )
    client.force_login(staff)
    page = client.get(reverse("supervision:board"), {"source": "direct"}).content.decode()
    assert mine.title in page
    assert "其他单位事项" not in page


def test_board_refused_to_officers_and_grid_workers(
    client: Client, department_officer: Any, grid_worker: Any
) -> None:
    for user in (department_officer, grid_worker):
        client.force_login(user)
        assert client.get(reverse("supervision:board")).status_code == 403


def test_record_and_extension_from_item_page(client: Client, district: Any, staff: Any) -> None:
    item = ActionItemFactory(
        region=district.community_a,
        status=ActionStatus.EXTENSION_REQUESTED,
        extension_until=timezone.localdate() + dt.timedelta(days=60),
        extension_reason="等待材料",
    )
    client.force_login(staff)
    page = client.get(reverse("supervision:item", kwargs={"pk": item.pk})).content.decode()
    assert "延期审批" in page
    assert "保存督办记录" in page
    record = client.post(
        reverse("supervision:record", kwargs={"pk": item.pk}),
        {"method": "site_visit", "note": "到现场查看进度"},
    )
    assert record.status_code == 302
    assert SupervisionRecord.objects.count() == 1
    refused = client.post(
        reverse("supervision:extension", kwargs={"pk": item.pk}),
        {"decision": "refuse", "reason": "", "version": item.version},
    )
    assert refused.status_code == 400
    assert "请说明不同意延期的理由" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == ActionStatus.EXTENSION_REQUESTED
    done = client.post(
        reverse("supervision:extension", kwargs={"pk": item.pk}),
        {"decision": "refuse", "reason": "工期可压缩", "version": item.version},
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionStatus.IN_PROGRESS


def test_grid_worker_visits_on_a_phone_and_staff_apply(
    client: Client, district: Any, staff: Any, grid_worker: Any
) -> None:
    item = ActionItemFactory(
        region=district.community_a, status=ActionStatus.DONE, result_class="A", completed_at=timezone.now()
    )
    client.force_login(grid_worker)
    listing = client.get(reverse("supervision:verify-list")).content.decode()
    assert item.title in listing
    missing = client.post(
        reverse("supervision:visit", kwargs={"pk": item.pk}),
        {"method": "visit", "finding": "confirmed", "residents": "5 户", "note": "已解决"},
    )
    assert missing.status_code == 400
    assert "入户走访须上传至少一张现场照片" in missing.content.decode()
    response = client.post(
        reverse("supervision:visit", kwargs={"pk": item.pk}),
        {"method": "visit", "finding": "confirmed", "residents": "5 户", "note": "已解决", "photos": [png()]},
    )
    assert response.status_code == 302
    visit = Verification.objects.get()
    client.force_login(staff)
    assert (
        client.post(
            reverse("supervision:visit-apply", kwargs={"pk": visit.pk}), {"item": item.pk}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.status == ActionStatus.VERIFIED
