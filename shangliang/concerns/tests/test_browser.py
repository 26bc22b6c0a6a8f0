"""Residents and grid workers on real phones-sized pages, in Debian's Chromium."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from shangliang.concerns import services
from shangliang.concerns.models import Concern
from shangliang.concerns.services import ConcernInput
from shangliang.concerns.tests.factories import jpeg_with_gps, publish
from shangliang.conftest import login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"


def serious_violations(page):
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_resident_submits_with_a_photo_and_follows_it(phone_page, district):
    page = phone_page
    # given the public home on a phone
    page.goto("/")
    assert serious_violations(page) == []
    # when the resident taps 我要反映 and fills in the form with a photo
    page.get_by_role("link", name="我要反映").click()
    assert serious_violations(page) == []
    page.get_by_label("村(社区)").select_option(label="政法路社区")
    page.get_by_label("遇到了什么问题？").fill(FIRST)
    photo = jpeg_with_gps()
    page.get_by_label("照片（选填，最多 6 张）").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": photo.read()}]
    )
    page.get_by_role("button", name="提交").click()
    # then the receipt shows the tracking code
    page.wait_for_url(re.compile(r"/concerns/t/[A-Z0-9]{8}/$"))
    code = page.get_by_test_id("tracking-code").inner_text()
    concern = Concern.objects.get()
    assert code == f"{concern.tracking_code[:4]}-{concern.tracking_code[4:]}"
    assert concern.photos.count() == 1
    assert serious_violations(page) == []
    # and later the code (typed in lower case) opens the tracking page with the timeline
    page.goto("/concerns/track/")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    assert page.get_by_role("heading", name="办理过程").is_visible()
    assert page.get_by_text("已收到您的反映（居民自行提交）").is_visible()
    assert page.get_by_role("img", name="照片 1").is_visible()


def test_a_second_resident_is_offered_the_first_report_and_supports_it(phone_page, district):
    page = phone_page
    # given a first resident's public report
    first, _ = services.concern_submit(data=ConcernInput(text=FIRST, region_id=district.community_a.pk))
    first = publish(first)  # screened, its masked text confirmed by staff
    # when a second resident describes the same problem in other words
    page.goto(f"/concerns/new/?community={district.community_a.pk}")
    page.get_by_label("遇到了什么问题？").press_sequentially(
        "政法路5栋楼道有人私拉电线给电动车充电，太危险了", delay=5
    )
    # then while typing the first report is offered
    page.get_by_role("heading", name="已有 1 位居民反映类似问题").wait_for()
    assert serious_violations(page) == []
    # and "我也遇到" counts them in instead of filing again
    page.get_by_role("button", name="我也遇到").click()
    page.get_by_role("heading", name="已记录：您也遇到了这个问题").wait_for()
    assert page.get_by_text("目前共有 2 位居民反映").is_visible()
    first.refresh_from_db()
    assert first.supporters_count == 1
    assert Concern.objects.count() == 1


def test_a_grid_worker_enters_a_concern_for_an_elderly_resident_by_phone(desktop_page, district, grid_worker):
    page = desktop_page
    # given a grid worker signed in
    login_in_browser(page, grid_worker.username)
    # when they type in what an elderly resident said on the phone
    page.locator("nav.staff-nav summary", has_text="诉求研判").click()
    page.get_by_role("link", name="代录").first.click()
    page.get_by_label("收集方式").select_option(label="电话代录")
    page.get_by_label("村(社区)").select_option(label="政法路社区")
    page.get_by_label("遇到了什么问题？").fill("老人来电：5栋楼道灯坏了一个月，晚上上下楼看不见")
    page.get_by_label("居民姓名（选填）").fill("陈阿婆")
    page.get_by_label("手机号", exact=True).fill("13907791234")
    page.get_by_label("已征得居民同意记录其姓名和手机号").check()
    page.get_by_label("遇到了什么问题？").press("Control+Enter")
    # then it is saved with the operator and channel, and the form is ready for the next one
    page.get_by_text(re.compile(r"已录入，查询码 [A-Z0-9]{4}-[A-Z0-9]{4}，请告知居民。")).wait_for()
    concern = Concern.objects.get()
    assert (concern.operator_id, concern.channel, concern.phone_masked) == (
        grid_worker.pk,
        "phone",
        "139****1234",
    )
    assert page.get_by_label("收集方式").input_value() == "phone"
    assert page.get_by_label("遇到了什么问题？").input_value() == ""
