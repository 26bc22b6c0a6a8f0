"""In Debian's Chromium: a member files a self-report from their home, staff verify it from theirs,
and the member sees the points and their rank."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from shangliang.conftest import DESKTOP, PHONE, login_in_browser
from shangliang.duty.models import DutyEntry, ReportStatus, SelfReport
from shangliang.duty.tests.factories import member_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_self_report_verified_by_staff_shows_points_and_rank(
    browser: Any, live_server: Any, district: Any, staff: Any, duty_rules: None
) -> None:
    # given a member and a colleague without points
    user = member_user("邵响亮", district.district)
    member_user("梁国栋", district.district)  # ranked below with 0 points
    member_context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = member_context.new_page()
    page.set_default_timeout(10_000)
    login_in_browser(page, user.username)

    # when the member files a self-report from their home
    page.get_by_role("link", name="我的履职").first.click()
    page.get_by_label("履职事项").select_option(label="参加调研、视察活动（3 分/次）")
    page.get_by_label("活动日期").fill(timezone.localdate().isoformat())
    page.get_by_label("活动名称").fill("电动车飞线充电专题调研")
    page.get_by_label("情况说明").fill("与消防大队到三无小区实地调研。")
    page.get_by_role("button", name="提交自报").click()
    page.get_by_text("自报已提交").wait_for()
    assert SelfReport.objects.get().status == ReportStatus.PENDING

    # and staff verify it from the self-report queue on their home
    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN", **DESKTOP)
    desk = staff_context.new_page()
    desk.set_default_timeout(10_000)
    login_in_browser(desk, staff.username)
    desk.get_by_role("link", name="待核实的履职自报").click()
    desk.get_by_role("button", name="核实通过：电动车飞线充电专题调研").click()
    desk.get_by_text("已核实“电动车飞线充电专题调研”").wait_for()

    # then the member sees the points and the rank
    page.get_by_role("link", name="我的履职").first.click()
    assert page.get_by_test_id("duty-total").inner_text() == "3 分"
    assert page.get_by_test_id("duty-rank").inner_text() == "第 1 名"
    assert page.get_by_test_id("duty-grade").inner_text() == "不合格"
    assert (
        page.get_by_role("link", name="电动车飞线充电专题调研").count() == 2
    )  # the ledger line and the report
    assert list(DutyEntry.objects.values_list("member_id", "counted")) == [(user.member_id, 3)]
    member_context.close()
    staff_context.close()
