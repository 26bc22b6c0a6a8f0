"""In Debian's Chromium: staff open the statistics from their home, change the period and the street,
see the charts redrawn, and download a workbook holding the figures shown."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shangliang.concerns.models import Concern
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.conftest import DESKTOP, login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _concern(community: Any, day: dt.date) -> None:
    concern = ConcernFactory(community=community)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    Concern.objects.filter(pk=concern.pk).update(created_at=at)


def test_staff_change_period_and_street_and_download_the_same_figures(
    browser: Any, live_server: Any, district: Any, staff: Any
) -> None:
    # given concerns this year in both streets and two years ago in street B
    today = timezone.localdate()
    for _ in range(2):
        _concern(district.community_a, today)
    _concern(district.community_b, today)
    _concern(district.community_b, today.replace(year=today.year - 2, month=3, day=1))
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True, **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login_in_browser(page, staff.username)

    # when they open the statistics from their home
    page.locator("nav.staff-nav summary", has_text="资料统计").click()
    page.get_by_role("link", name="统计分析").first.click()
    page.locator("[data-chart='trend'][data-drawn]").wait_for()
    first_drawing = json.loads(page.locator("[data-chart='trend']").get_attribute("data-drawn") or "")
    assert page.get_by_test_id("figure-concerns_received").inner_text() == "3"

    # and choose 2021年以来 in street B
    page.get_by_label("统计期间").select_option(label="2021年以来")
    page.get_by_label("街道").select_option(label=district.street_b.name)
    page.get_by_role("button", name="查询").click()
    page.get_by_test_id("period-label").filter(has_text="2021年以来").wait_for()
    page.locator("[data-chart='trend'][data-drawn]").wait_for()

    # then the figures and the charts change
    assert page.get_by_test_id("figure-concerns_received").inner_text() == "2"
    second_drawing = json.loads(page.locator("[data-chart='trend']").get_attribute("data-drawn") or "")
    assert second_drawing != first_drawing
    assert sum(second_drawing[0]) == 2

    # and the downloaded workbook holds the figures shown
    shown = {
        name: page.get_by_test_id(f"figure-{name}").inner_text()
        for name in ("concerns_received", "meetings_held", "problems_solved", "recommendations_sent", "rooms")
    }
    with page.expect_download() as download:
        page.get_by_test_id("download-xlsx").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    rows = {row[0]: row[2] for row in book["指标"].iter_rows(min_row=2, values_only=True) if row[1] is None}
    labels = {
        "concerns_received": "收到群众反映",
        "meetings_held": "召开协商议事会",
        "problems_solved": "解决群众问题",
        "recommendations_sent": "向党委政府报送建议",
        "rooms": "协商议事室",
    }
    assert {name: str(rows[label]) for name, label in labels.items()} == shown
    context.close()
