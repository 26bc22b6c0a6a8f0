"""The whole meeting on phone-sized pages in Debian's Chromium: staff plan it for a topic, a member
accepts and checks in by the meeting's code, the recorder records two speeches, a vote and two
consensus items, host and recorder confirm, two action items go to the departments, and the
resident's tracking page shows the consensus."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from shangliang.actions.models import ActionItem
from shangliang.conftest import PHONE, login_in_browser
from shangliang.meetings.models import Meeting, MeetingStatus
from shangliang.meetings.tests.factories import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page):
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def a_quiet_hour() -> dt.datetime:
    """Now, unless the meeting would run past midnight: then noon today."""
    now = timezone.localtime()
    if (now + dt.timedelta(hours=2)).date() != now.date():
        return now.replace(hour=12, minute=0)
    return now


def test_a_meeting_from_plan_to_consensus_on_phones(
    browser, live_server, phone_page, district, staff, member, department_officer
):
    w = world(district)
    with time_machine.travel(a_quiet_hour(), tick=True):
        start = (timezone.localtime() + dt.timedelta(minutes=30)).replace(second=0, microsecond=0)
        end = start + dt.timedelta(hours=1)
        page = phone_page
        # given staff on a phone plan a meeting for the topic
        login_in_browser(page, staff.username)
        page.goto(f"/meetings/staff/new/?topic={w.topic.pk}")
        assert serious_violations(page) == []
        page.get_by_label("日期").fill(start.date().isoformat())
        page.get_by_label("开始时间").fill(f"{start:%H:%M}")
        page.get_by_label("结束时间").fill(f"{end:%H:%M}")
        page.get_by_label("主持人").select_option(str(member.pk))
        page.get_by_label("记录人").select_option(str(staff.pk))
        page.get_by_label("其他委员").select_option(str(member.member.pk))
        page.get_by_label(re.compile("区消防救援大队")).check()
        page.get_by_label(re.compile("居民代表")).fill("黄阿姨 13977905678")
        page.get_by_role("button", name="保存草稿").click()
        page.wait_for_url(re.compile(r"/meetings/staff/\d+/$"))
        meeting = Meeting.objects.get()
        # the short notice is a warning to confirm, not a silent pass
        assert "应至少提前 3 天通知" in page.get_by_test_id("plan-warnings").inner_text()
        assert serious_violations(page) == []
        page.get_by_label("我已知悉以上提醒，仍按此安排").check()
        page.get_by_role("button", name="确认安排").click()
        page.get_by_role("button", name="发送会议通知").click()
        page.get_by_text("会议通知已发出。").wait_for()
        page.goto(f"/meetings/staff/{meeting.pk}/qr/")
        checkin_link = page.get_by_test_id("checkin-link").get_attribute("href")
        assert serious_violations(page) == []

        # when the member accepts the invitation on their phone and checks in by the code's link
        member_context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
        member_page = member_context.new_page()
        member_page.set_default_timeout(10_000)
        login_in_browser(member_page, member.username)
        member_page.goto("/meetings/mine/")
        member_page.get_by_role("link", name=meeting.title).click()
        member_page.get_by_label("参加").check()
        member_page.get_by_role("button", name="提交回复").click()
        member_page.get_by_text("已收到您的回复").wait_for()
        assert member_page.get_by_test_id("rsvp").inner_text() == "当前：参加"
        assert serious_violations(member_page) == []
        member_page.goto(checkin_link)
        member_page.get_by_role("button", name=re.compile("确认签到")).click()
        member_page.get_by_text(re.compile("签到成功")).wait_for()
        assert serious_violations(member_page) == []

        # and staff check the resident representative in from the searchable list
        page.goto(f"/meetings/staff/{meeting.pk}/")
        page.get_by_role("button", name="开始会议").click()
        page.get_by_role("link", name="签到", exact=True).click()
        page.get_by_label("查找参会人员（姓名或单位）").fill("黄")
        page.get_by_role("button", name="为黄阿姨签到").click()
        page.get_by_text("黄阿姨 已签到。").wait_for()
        assert page.get_by_test_id("checkin-counts").inner_text().startswith("已签到 2 / 3 人")
        assert serious_violations(page) == []

        # and the recorder records the meeting
        page.goto(f"/meetings/staff/{meeting.pk}/")
        page.get_by_role("link", name="会议记录").click()
        assert serious_violations(page) == []
        for speaker, summary in (
            ("邵响亮", "建议错峰充电，夜间集中充电"),
            ("黄阿姨", "楼道飞线很危险，希望尽快整治"),
        ):
            form = page.locator("#speech form")
            form.get_by_label("发言人").select_option(label=_option(page, speaker))
            form.get_by_label("发言要点").fill(summary)
            form.get_by_role("button", name="记录发言").click()
            page.get_by_text("发言已记录。").wait_for()
        vote = page.locator("#vote form")
        vote.get_by_label("表决事项").fill("是否实行错峰充电")
        vote.get_by_label("赞成").fill("2")
        vote.get_by_label("反对").fill("0")
        vote.get_by_label("弃权").fill("0")
        vote.get_by_role("button", name="记录表决").click()
        page.get_by_text("表决结果已记录。").wait_for()
        for text, department in (("错峰充电、电满让位", "区消防救援大队"), ("增设集中充电桩", "区住建局")):
            consensus = page.locator("#consensus form")
            consensus.get_by_label("共识内容").fill(text)
            consensus.get_by_label("建议承办单位（选填）").select_option(label=department)
            consensus.get_by_role("button", name="记录共识").click()
            page.get_by_text("共识已记录。").wait_for()
        assert page.get_by_test_id("speeches").inner_text().count("发言") == 2
        assert "通过" in page.get_by_test_id("votes").inner_text()
        page.goto(f"/meetings/staff/{meeting.pk}/")
        page.get_by_role("button", name="结束会议，整理纪要").click()
        page.get_by_text("会议已结束，请整理纪要。").wait_for()

        # then host and recorder confirm the minutes
        page.get_by_role("button", name="确认纪要").click()
        page.get_by_text("您已确认纪要，等待另一位确认。").wait_for()
        member_page.goto(f"/meetings/staff/{meeting.pk}/")
        member_page.get_by_role("button", name="确认纪要").click()
        member_page.get_by_text("纪要已由主持人和记录人确认。").wait_for()
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.MINUTES_CONFIRMED

        # and in one step the consensus becomes two action items for the departments
        page.goto(f"/meetings/staff/{meeting.pk}/")
        page.get_by_role("link", name="共识交办").click()
        assert serious_violations(page) == []
        page.get_by_role("button", name="生成交办单").click()
        page.get_by_text("已生成 2 份交办单，议题转入落实。").wait_for()
        assert sorted(ActionItem.objects.values_list("department__name", flat=True)) == [
            "区住建局",
            "区消防救援大队",
        ]
        member_context.close()

        # and the resident who raised it reads the consensus on their tracking page
        page.goto(f"/concerns/t/{w.concern.tracking_code}/")
        timeline = page.locator("body").inner_text()
        assert "达成共识：1. 错峰充电、电满让位；2. 增设集中充电桩" in timeline


def _option(page, speaker: str) -> str:
    """The visible label of the speaker's option (name plus role)."""
    return page.locator(
        "#speech form select[name='speech-participant'] option", has_text=speaker
    ).first.inner_text()
