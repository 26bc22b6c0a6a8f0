"""The staff side of the whole loop, in Debian's Chromium, with clicks only: every person starts
from their home (工作台) and follows what it shows them — a new concern is screened into a topic,
approved, consulted in a meeting that is planned, notified, held and minuted, its consensus
assigned, done by the departments and verified, 三评 opened, given and closed, and a 建议案 is
drafted from the topic and downloaded as .docx."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from shangliang.accounts.tests.factories import UserFactory
from shangliang.actions.models import ActionItem
from shangliang.concerns import services as concern_services
from shangliang.concerns.services import ConcernInput
from shangliang.conftest import DESKTOP, login_in_browser
from shangliang.core.roles import Role
from shangliang.places.models import OrganisationKind
from shangliang.places.tests.factories import OrganisationFactory, RoomFactory
from shangliang.portal.tests.test_full_loop import a_quiet_hour, png
from shangliang.topics.models import Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "整治政法路28号院飞线充电"


def photo(name: str) -> list[dict[str, Any]]:
    return [{"name": name, "mimeType": "image/png", "buffer": png()}]


def home(page: Any, username: str) -> None:
    """Sign in; the login lands on the person's 工作台."""
    login_in_browser(page, username)


def menu(page: Any, group: str, entry: str) -> None:
    """Open a group of the staff navigation and follow one of its entries."""
    nav = page.locator("nav.staff-nav")
    nav.locator("summary", has_text=group).click()
    nav.get_by_role("link", name=entry, exact=True).click()


def test_a_new_concern_carried_through_the_loop_by_clicks_from_each_home(
    browser,
    live_server,
    district,
    grid_worker,
    secretary,
    staff,
    member,
    reviewer,
    department_officer,
):
    # given a room, two departments with an officer each, and a resident's new concern
    RoomFactory(name="政法路社区协商议事室", region=district.community_a, capacity=30)
    fire = OrganisationFactory(name="区消防救援大队", kind=OrganisationKind.DEPARTMENT, categories="消防")
    fire_officer = UserFactory(
        role=Role.OFFICER, region=district.district, organisation=fire, username="fire-o"
    )
    concern, _ = concern_services.concern_submit(
        data=ConcernInput(
            text="政法路28号院好多人从楼上拉电线给电动车充电，电线挂在窗户外面，晚上很危险",
            region_id=district.community_a.pk,
            phone="13877905555",
            consent=True,
        ),
        actor=None,
    )
    page = browser.new_context(
        base_url=live_server.url, locale="zh-CN", accept_downloads=True, **DESKTOP
    ).new_page()
    page.set_default_timeout(20_000)

    with time_machine.travel(a_quiet_hour(), tick=True):
        # 1. the grid worker screens it from 待研判的诉求: 立题
        home(page, grid_worker.username)
        page.get_by_role("link", name="待研判的诉求").click()
        page.get_by_role("link", name=concern.tracking_code).click()
        page.get_by_role("radio", name="立题", exact=True).check()
        page.get_by_label("新议题名称").fill(TITLE)
        page.get_by_label("理由（居民会在办理进度中看到，请勿写个人信息）").fill("安全隐患，需各方协商")
        page.get_by_role("button", name="提交研判").click()
        page.get_by_text("已记录研判结果：立题").wait_for()

        # 2. the community secretary approves it from 待审批的议题
        home(page, secretary.username)
        page.get_by_role("link", name="待审批的议题").click()
        page.get_by_role("link", name=TITLE).click()
        page.get_by_role("button", name="批准立题").click()
        page.get_by_text("议题状态已更新为“已立题”。").wait_for()

        # 3. staff plan the meeting from the topic page, notify and open it, record the consensus
        home(page, staff.username)
        menu(page, "议题协商", "议题")
        page.get_by_role("link", name=TITLE).click()
        page.get_by_role("link", name="安排协商会议").click()
        start = (timezone.localtime() + dt.timedelta(minutes=30)).replace(second=0, microsecond=0)
        page.get_by_label("日期").fill(start.date().isoformat())
        page.get_by_label("开始时间").fill(f"{start:%H:%M}")
        page.get_by_label("结束时间").fill(f"{start + dt.timedelta(hours=1):%H:%M}")
        page.get_by_label("主持人").select_option(str(member.pk))
        page.get_by_label("记录人").select_option(str(staff.pk))
        page.get_by_label(re.compile("居民代表")).fill("黄阿姨 13977905678")
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_label("我已知悉以上提醒，仍按此安排").check()
        page.get_by_role("button", name="确认安排").click()
        page.get_by_role("button", name="发送会议通知").click()
        page.get_by_text("会议通知已发出。").wait_for()
        page.get_by_role("button", name="开始会议").click()
        page.get_by_text("进行中").first.wait_for()
        page.get_by_role("link", name="会议记录").click()
        for text, department in (("错峰充电、电满让位", "区消防救援大队"), ("增设集中充电桩", "区住建局")):
            consensus = page.locator("#consensus form")
            consensus.get_by_label("共识内容").fill(text)
            consensus.get_by_label("建议承办单位（选填）").select_option(label=department)
            consensus.get_by_role("button", name="记录共识").click()
            page.get_by_text("共识已记录。").wait_for()
        page.get_by_role("link", name="返回会议").click()
        page.get_by_role("button", name="结束会议，整理纪要").click()
        page.get_by_role("button", name="确认纪要").click()
        page.get_by_text("您已确认纪要，等待主持人确认。").wait_for()

        # 4. the host confirms from 纪要待确认; staff assign the consensus from the meetings list
        home(page, member.username)
        page.get_by_role("link", name="纪要待确认").click()
        page.get_by_role("button", name="确认纪要").click()
        page.get_by_text("纪要已由主持人和记录人确认。").wait_for()
        home(page, staff.username)
        menu(page, "议题协商", "会议")
        page.get_by_role("link", name=re.compile(TITLE)).first.click()
        page.get_by_role("link", name="共识交办").click()
        page.get_by_role("button", name="生成交办单").click()
        page.get_by_text("已生成 2 份交办单，议题转入落实。").wait_for()

    # 5. each department's officer accepts and completes its item from 待签收的交办单
    for officer, title in ((department_officer, "增设集中充电桩"), (fire_officer, "错峰充电、电满让位")):
        home(page, officer.username)
        page.get_by_role("link", name="待签收的交办单").click()
        page.get_by_role("link", name=title).click()
        page.get_by_role("button", name="签收").click()
        page.get_by_text("已签收。").wait_for()
        page.get_by_label("A 已解决").check()
        page.get_by_label("办理情况").fill(f"{officer.organisation.name}已落实")
        page.get_by_label("佐证照片（“已解决”须至少一张）").set_input_files(files=photo("done.png"))
        page.get_by_label(re.compile("我确认事项已办结")).check()
        page.get_by_role("button", name="办结").click()
        page.get_by_text("已办结，等待回访核实。").wait_for()

    # 6. the grid worker verifies both with the residents; staff confirm the findings
    for item in ActionItem.objects.order_by("pk"):
        home(page, grid_worker.username)
        page.get_by_role("link", name="待回访核实的交办单").click()
        page.locator("li", has_text=item.title).get_by_role("link", name="回访", exact=True).click()
        page.get_by_role("radio", name="入户走访").check()
        page.get_by_role("radio", name="属实，问题已解决").check()
        page.get_by_label("回访对象").fill("政法路28号院 5 户")
        page.get_by_label("回访情况").fill("入户查看，问题已解决。")
        page.set_input_files("input[name=photos]", files=photo("v.png"))
        page.get_by_role("button", name="提交回访结论").click()
        page.wait_for_url("**/supervision/verify/")
        home(page, staff.username)
        page.get_by_role("link", name="待回访核实的交办单").click()
        page.locator("li", has_text=item.title).get_by_role("link", name=item.title).click()
        page.get_by_role("button", name="确认核实通过").click()
        page.wait_for_load_state()
    assert set(ActionItem.objects.values_list("status", flat=True)) == {"verified"}

    # 7. staff open 三评 from the topic page
    home(page, staff.username)
    menu(page, "议题协商", "议题")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="发起三评").click()
    page.get_by_label("群众代表（每行一位姓名，纸质投票）").fill("黄阿姨\n陈师傅")
    page.get_by_role("button", name="发起三评").click()
    page.wait_for_url(re.compile(r".*/evaluations/\d+/$"))

    # 8. the reviewer gives 党政点评 from 待党政点评
    home(page, reviewer.username)
    page.get_by_role("link", name="待党政点评").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("radio", name="好", exact=True).check()
    page.get_by_label("点评意见").fill("协商充分，整治到位。")
    page.get_by_role("button", name="提交点评").click()

    # 9. staff enter the residents' answers and the paper ballots, then close with confirmation
    home(page, staff.username)
    menu(page, "评价成果", "三评")
    page.get_by_role("link", name=TITLE).click()
    for number in (1, 2, 3):
        entry = page.locator("#resident")
        entry.get_by_label("户地址").fill(f"政法路28号院{number}栋")
        entry.get_by_role("radio", name="满意", exact=True).check()
        entry.get_by_role("button", name="录入评价").click()
        page.wait_for_load_state()
    page.locator("#paper input[name=satisfied]").fill("2")
    page.set_input_files("#paper input[name=photo]", files=photo("b.png"))
    page.get_by_role("button", name="录入票数").click()
    page.get_by_label(re.compile("确认结束评价")).check()
    page.get_by_role("button", name="结束评价并计算结果").click()
    page.get_by_text("评价通过").first.wait_for()
    topic = Topic.objects.get(title=TITLE)
    assert topic.status == "closed"

    # 10. staff draft a 建议案 from the topic page and download it as .docx
    menu(page, "议题协商", "议题")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("起草成果").select_option(label="建议案")
    page.get_by_role("button", name="起草").click()
    page.get_by_role("button", name="保存").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word（.docx）").click()
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as file:
        assert file.read(2) == b"PK"
