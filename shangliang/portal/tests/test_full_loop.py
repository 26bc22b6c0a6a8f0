"""The whole loop of 五步微协商 through the real pages, in Debian's Chromium: a resident submits on a
phone; a grid worker screens it into a topic; staff approve it and hold a meeting that reaches two
consensus items; two departments complete them; a grid worker verifies; the three evaluations are
given; the topic closes; the results page shows it and the public "problems solved" figure goes up
by one."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from shangliang.accounts.tests.factories import UserFactory
from shangliang.actions.models import ActionItem
from shangliang.concerns.models import Concern
from shangliang.conftest import DESKTOP, PHONE, login_in_browser
from shangliang.core.roles import Role
from shangliang.meetings.models import Meeting
from shangliang.places.models import OrganisationKind
from shangliang.places.tests.factories import OrganisationFactory, RoomFactory
from shangliang.topics.models import Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "政法路28号院好多人从楼上拉电线给电动车充电，电线挂在窗户外面，晚上很危险"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def a_quiet_hour() -> dt.datetime:
    """Now, unless a meeting starting soon would run past midnight: then noon today."""
    now = timezone.localtime()
    return now.replace(hour=12, minute=0) if (now + dt.timedelta(hours=2)).date() != now.date() else now


def solved_figure(page: Any) -> int:
    page.goto("/")
    return int(page.locator(".figure", has_text="解决群众问题").locator(".value").inner_text().strip())


def new_page(browser: Any, live_server: Any, device: dict[str, Any]) -> Any:
    page = browser.new_context(base_url=live_server.url, locale="zh-CN", **device).new_page()
    page.set_default_timeout(15_000)
    return page


def test_from_a_residents_report_to_a_published_result(
    browser,
    live_server,
    district,
    grid_worker,
    secretary,
    staff,
    member,
    reviewer,
    department_officer,
    monkeypatch,
):
    monkeypatch.setattr("shangliang.privacy.otp.secrets.randbelow", lambda n: 123456)
    RoomFactory(name="政法路社区协商议事室", region=district.community_a, capacity=30)
    fire = OrganisationFactory(
        name="区消防救援大队", kind=OrganisationKind.DEPARTMENT, categories="消防、飞线充电"
    )
    fire_officer = UserFactory(
        role=Role.OFFICER, region=district.district, organisation=fire, username="fire-officer"
    )
    resident = new_page(browser, live_server, PHONE)
    desk = new_page(browser, live_server, DESKTOP)
    before = solved_figure(resident)

    with time_machine.travel(a_quiet_hour(), tick=True):
        # 1. a resident submits on a phone, leaving a phone number for updates
        resident.goto("/")
        resident.get_by_role("link", name="我要反映").click()
        resident.get_by_label("村(社区)").select_option(label="政法路社区")
        resident.get_by_label("遇到了什么问题？").fill(TEXT)
        resident.get_by_label("留下手机号，接收办理进度短信").check()
        resident.get_by_label("手机号", exact=True).fill("13877905555")
        resident.get_by_label(re.compile("我同意将手机号用于联系我")).check()
        resident.get_by_role("button", name="提交").click()
        resident.get_by_test_id("tracking-code").wait_for()
        concern = Concern.objects.get()

        # 2. the grid worker screens it: 立题
        login_in_browser(desk, grid_worker.username)
        desk.goto(f"/screening/c/{concern.pk}/")
        desk.get_by_role("radio", name="立题", exact=True).check()
        desk.get_by_label("新议题名称").fill("整治政法路28号院飞线充电")
        desk.get_by_label("理由（居民会在办理进度中看到，请勿写个人信息）").fill("安全隐患，需各方协商")
        desk.get_by_role("button", name="提交研判").click()
        desk.get_by_text("已记录研判结果：立题").wait_for()
        topic = Topic.objects.get()

        # 3. the community secretary approves the topic
        login_in_browser(desk, secretary.username)
        desk.goto(f"/topics/staff/{topic.pk}/")
        desk.get_by_role("button", name="批准立题").click()
        desk.get_by_text("议题状态已更新为“已立题”。").wait_for()

        # 4. staff plan the meeting, send the notice and hold it
        login_in_browser(desk, staff.username)
        start = (timezone.localtime() + dt.timedelta(minutes=30)).replace(second=0, microsecond=0)
        end = start + dt.timedelta(hours=1)
        desk.goto(f"/meetings/staff/new/?topic={topic.pk}")
        desk.get_by_label("日期").fill(start.date().isoformat())
        desk.get_by_label("开始时间").fill(f"{start:%H:%M}")
        desk.get_by_label("结束时间").fill(f"{end:%H:%M}")
        desk.get_by_label("主持人").select_option(str(member.pk))
        desk.get_by_label("记录人").select_option(str(staff.pk))
        desk.get_by_label(re.compile("居民代表")).fill("黄阿姨 13977905678")
        desk.get_by_role("button", name="保存草稿").click()
        desk.wait_for_url(re.compile(r"/meetings/staff/\d+/$"))
        meeting = Meeting.objects.get()
        desk.get_by_label("我已知悉以上提醒，仍按此安排").check()
        desk.get_by_role("button", name="确认安排").click()
        desk.get_by_role("button", name="发送会议通知").click()
        desk.get_by_text("会议通知已发出。").wait_for()
        desk.get_by_role("button", name="开始会议").click()

        # 5. the recorder records two consensus items; host and recorder confirm; consensus becomes work
        desk.goto(f"/meetings/staff/{meeting.pk}/")
        desk.get_by_role("link", name="会议记录").click()
        for text, department in (("错峰充电、电满让位", "区消防救援大队"), ("增设集中充电桩", "区住建局")):
            consensus = desk.locator("#consensus form")
            consensus.get_by_label("共识内容").fill(text)
            consensus.get_by_label("建议承办单位（选填）").select_option(label=department)
            consensus.get_by_role("button", name="记录共识").click()
            desk.get_by_text("共识已记录。").wait_for()
        desk.goto(f"/meetings/staff/{meeting.pk}/")
        desk.get_by_role("button", name="结束会议，整理纪要").click()
        desk.get_by_role("button", name="确认纪要").click()
        desk.get_by_text("您已确认纪要，等待另一位确认。").wait_for()
        login_in_browser(desk, member.username)
        desk.goto(f"/meetings/staff/{meeting.pk}/")
        desk.get_by_role("button", name="确认纪要").click()
        desk.get_by_text("纪要已由主持人和记录人确认。").wait_for()
        login_in_browser(desk, staff.username)
        desk.goto(f"/meetings/staff/{meeting.pk}/")
        desk.get_by_role("link", name="共识交办").click()
        desk.get_by_role("button", name="生成交办单").click()
        desk.get_by_text("已生成 2 份交办单，议题转入落实。").wait_for()
        assert ActionItem.objects.count() == 2

    # 6. each department accepts its item and completes it with a photo
    for officer in (department_officer, fire_officer):
        item = ActionItem.objects.get(department=officer.organisation)
        login_in_browser(desk, officer.username)
        desk.goto(f"/actions/{item.pk}/")
        desk.get_by_role("button", name="签收").click()
        desk.get_by_text("已签收。").wait_for()
        desk.get_by_label("A 已解决").check()
        desk.get_by_label("办理情况").fill(f"{officer.organisation.name}已落实")
        desk.get_by_label("佐证照片（“已解决”须至少一张）").set_input_files(
            files=[{"name": "done.png", "mimeType": "image/png", "buffer": png()}]
        )
        desk.get_by_label(re.compile("我确认事项已办结")).check()
        desk.get_by_role("button", name="办结").click()
        desk.get_by_text("已办结，等待回访核实。").wait_for()

    # 7. the grid worker verifies both with the residents, staff confirm the findings
    for item in ActionItem.objects.order_by("pk"):
        login_in_browser(desk, grid_worker.username)
        desk.goto("/supervision/verify/")
        desk.locator("li", has_text=item.department.name).get_by_role("link", name="回访", exact=True).click()
        desk.get_by_role("radio", name="入户走访").check()
        desk.get_by_role("radio", name="属实，问题已解决").check()
        desk.get_by_label("回访对象").fill("政法路28号院 5 户")
        desk.get_by_label("回访情况").fill("入户查看，问题已解决。")
        desk.set_input_files(
            "input[name=photos]", files=[{"name": "v.png", "mimeType": "image/png", "buffer": png()}]
        )
        desk.get_by_role("button", name="提交回访结论").click()
        desk.wait_for_url("**/supervision/verify/")
        login_in_browser(desk, staff.username)
        desk.goto(f"/supervision/items/{item.pk}/")
        desk.get_by_role("button", name="确认核实通过").click()
        desk.wait_for_load_state()
    assert set(ActionItem.objects.values_list("status", flat=True)) == {"verified"}

    # 8. staff open 三评; the resident rates on the phone; the reviewer comments; paper ballots; close
    desk.goto("/evaluations/")
    desk.get_by_role("link", name="发起三评").first.click()
    desk.get_by_label("群众代表（每行一位姓名，纸质投票）").fill("黄阿姨\n陈师傅")
    desk.get_by_role("button", name="发起三评").click()
    desk.wait_for_url(re.compile(r".*/evaluations/\d+/$"))
    evaluation_url = desk.url
    vote_link = desk.locator(".qr + p a").get_attribute("href")
    resident.goto(vote_link)
    resident.get_by_label("手机号").fill("13877905555")
    resident.get_by_role("button", name="获取验证码").click()
    resident.get_by_label("短信验证码").fill("123456")
    resident.get_by_role("button", name="验证", exact=True).click()
    resident.get_by_role("radio", name="满意", exact=True).check()
    resident.get_by_role("button", name="提交评价").click()
    resident.get_by_text("感谢您的评价").wait_for()
    login_in_browser(desk, reviewer.username)
    desk.goto(evaluation_url)
    desk.get_by_role("radio", name="好", exact=True).check()
    desk.get_by_label("点评意见").fill("协商充分，整治到位。")
    desk.get_by_role("button", name="提交点评").click()
    login_in_browser(desk, staff.username)
    desk.goto(evaluation_url)
    desk.locator("#paper input[name=satisfied]").fill("2")
    desk.set_input_files(
        "#paper input[name=photo]", files=[{"name": "b.png", "mimeType": "image/png", "buffer": png()}]
    )
    desk.get_by_role("button", name="录入票数").click()
    desk.get_by_label(re.compile("确认结束评价")).check()
    desk.get_by_role("button", name="结束评价并计算结果").click()
    desk.get_by_text("评价通过").first.wait_for()

    # then the topic is closed, the results page shows it, the figure went up, the resident was told
    topic.refresh_from_db()
    assert topic.status == "closed"
    resident.goto("/evaluations/results/")
    resident.get_by_role("link", name="整治政法路28号院飞线充电").click()
    resident.get_by_text("三评结果").wait_for()
    assert solved_figure(resident) == before + 1
    resident.goto(f"/concerns/t/{concern.tracking_code}/")
    timeline = resident.locator("body").inner_text()
    assert "达成共识：1. 错峰充电、电满让位；2. 增设集中充电桩" in timeline
