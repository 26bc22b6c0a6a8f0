"""The screening desk in Debian's Chromium: merge and 立题 then approval; 直接交办 to completion."""

from __future__ import annotations

import re

import pytest

from shangliang.concerns import services as concern_services
from shangliang.concerns.models import Concern
from shangliang.concerns.services import ConcernInput
from shangliang.concerns.tests.factories import jpeg_with_gps
from shangliang.concerns.tests.test_browser import serious_violations
from shangliang.conftest import login_in_browser
from shangliang.topics.models import Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"
SECOND = "政法路5栋楼道有人私拉电线给电动车充电，太危险了"


def submit(text: str, community_id: int, phone: str = "") -> Concern:
    concern, _ = concern_services.concern_submit(
        data=ConcernInput(
            text=text, region_id=community_id, phone=phone, consent=bool(phone), anonymous=not phone
        )
    )
    return concern


def test_a_grid_worker_merges_two_reports_and_the_secretary_approves_the_topic(
    browser, live_server, district, grid_worker, secretary
):
    first = submit(FIRST, district.community_a.pk)
    second = submit(SECOND, district.community_a.pk)
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    # given the grid worker on the screening desk, where the second report is flagged as a likely duplicate
    login_in_browser(page, grid_worker.username)
    page.locator("nav.staff-nav summary", has_text="诉求研判").click()
    page.get_by_role("link", name="研判台").click()
    row = page.get_by_role("row").filter(has_text=second.tracking_code)
    assert row.get_by_text("疑似重复 1").is_visible()
    # when they open it and merge it into the first report
    row.get_by_role("link", name=second.tracking_code).click()
    page.get_by_role("button", name="合并到此诉求").click()
    page.get_by_text("已合并").first.wait_for()
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    # and propose a topic from the first
    page.goto(f"/screening/c/{first.pk}/")
    page.get_by_role("radio", name="立题", exact=True).check()
    page.get_by_label("新议题名称").fill("政法路5栋楼道飞线充电整治")
    page.get_by_label("理由（居民会在办理进度中看到，请勿写个人信息）").fill("两户反映同一隐患")
    page.get_by_role("button", name="提交研判").click()
    page.get_by_text("已记录研判结果：立题").wait_for()
    topic = Topic.objects.get()
    assert topic.status == "proposed"
    # then the secretary approves the topic from their to-do list
    page.get_by_role("button", name="退出").click()
    login_in_browser(page, secretary.username)
    page.get_by_role("link", name="待审批的议题").click()
    page.get_by_role("link", name="政法路5栋楼道飞线充电整治").click()
    assert serious_violations(page) == []
    assert page.get_by_test_id("supporters").inner_text() == "2 人（2 条诉求）"
    page.get_by_role("button", name="批准立题").click()
    page.get_by_text("议题状态已更新为“已立题”。").wait_for()
    topic.refresh_from_db()
    assert topic.status == "approved"
    # and the resident of the merged report follows it on the tracking page
    page.goto(f"/concerns/t/{second.tracking_code}/")
    assert page.get_by_text("您反映的问题已列入协商议题“政法路5栋楼道飞线充电整治”").is_visible()
    context.close()


def test_a_direct_assignment_is_completed_with_a_photo_and_the_resident_sees_it(
    browser, live_server, district, staff, department_officer
):
    concern = submit(
        "铜鼓里小区的大树枝叶碰到三楼窗户，台风天很危险", district.community_a2.pk, phone="13907791234"
    )
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    # given staff decide 直接交办 to the housing bureau
    login_in_browser(page, staff.username)
    page.goto(f"/screening/c/{concern.pk}/")
    page.get_by_role("radio", name="直接交办").check()
    page.get_by_label("承办单位").select_option(label="区住建局")
    page.get_by_label("紧急（1 个工作日）").check()
    page.get_by_label("理由（居民会在办理进度中看到，请勿写个人信息）").fill("简单事项，现场可解决")
    page.get_by_role("button", name="提交研判").click()
    page.get_by_text("已记录研判结果：直接交办").wait_for()
    page.get_by_role("button", name="退出").click()
    # when the department's officer accepts it and completes it with a photo
    login_in_browser(page, department_officer.username)
    page.get_by_role("link", name=re.compile("待签收的交办单")).click()
    page.get_by_role("link", name=re.compile("铜鼓里小区的大树")).click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="签收").click()
    page.get_by_text("已签收。").wait_for()
    page.get_by_label("A 已解决").check()
    page.get_by_label("办理情况").fill("已修剪树枝，不再碰到窗户")
    photo = jpeg_with_gps()
    page.get_by_label("佐证照片（“已解决”须至少一张）").set_input_files(
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": photo.read()}]
    )
    page.get_by_label(re.compile("我确认事项已办结")).check()
    page.get_by_role("button", name="办结").click()
    page.get_by_text("已办结，等待回访核实。").wait_for()
    assert page.get_by_role("img", name="办理照片 1").is_visible()
    context.close()
    # then the resident's tracking page on a phone shows the completion
    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    resident = phone.new_page()
    resident.goto(f"/concerns/t/{concern.tracking_code}/")
    timeline = resident.get_by_role("region", name="办理过程")
    assert timeline.get_by_text("经研判，您反映的问题已直接交办区住建局").is_visible()
    assert timeline.get_by_text("承办单位已办结，办理结果：A 已解决。已修剪树枝，不再碰到窗户").is_visible()
    phone.close()


def test_the_desk_works_from_the_keyboard(desktop_page, district, staff):
    first = submit(FIRST, district.community_a.pk)
    second = submit(SECOND, district.community_a.pk)
    page = desktop_page
    login_in_browser(page, staff.username)
    page.goto("/screening/?sort=old")
    assert serious_violations(page) == []
    # j moves to the first row, x selects it, j x the second, m merges them into the first selected
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator("tr.current").get_attribute("data-href") == f"/screening/c/{second.pk}/"
    page.keyboard.press("m")
    page.get_by_text("已处理 1 条。").wait_for()
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == ("merged", first.pk)
    # o opens the current row
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"**/screening/c/{first.pk}/")
    assert serious_violations(page) == []
