"""A resident on a phone: what Enter does in the code forms, pages that never scroll sideways."""

import re

import pytest

from shangliang.concerns import services
from shangliang.concerns.models import Concern
from shangliang.concerns.services import ConcernInput
from shangliang.concerns.tests.factories import jpeg_with_gps, publish
from shangliang.conftest import PHONE as PHONE_DEVICE
from shangliang.conftest import browser_page
from shangliang.notifications.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"
PHONE = "13812345678"


def submitted(district):
    concern, _ = services.concern_submit(
        data=ConcernInput(
            text=TEXT, region_id=district.community_a.pk, phone=PHONE, consent=True, anonymous=False
        )
    )
    return concern


def last_code() -> str:
    body = OutboxMessage.objects.filter(body__startswith="您的验证码是").latest("id").body
    match = re.search(r"\d{6}", body)
    assert match is not None
    return match.group(0)


def test_enter_in_the_code_field_of_my_concerns_verifies_the_code(phone_page, district):
    page = phone_page
    # given a concern filed with a phone
    concern = submitted(district)
    # when the resident opens 我反映的问题 from the home, asks for a code and presses Enter after typing it
    page.goto("/")
    page.get_by_role("link", name="我反映的问题").click()
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_label("短信验证码").fill(last_code())
    page.get_by_label("短信验证码").press("Enter")
    # then their concerns are listed, and no second code was asked for
    page.get_by_role("link", name=re.compile("政法路5栋楼道")).wait_for()
    assert page.get_by_text("验证码已发送").count() == 0
    assert OutboxMessage.objects.filter(body__startswith="您的验证码是").count() == 1
    assert concern.tracking_code in page.get_by_role("link", name=re.compile("政法路5栋楼道")).get_attribute(
        "href"
    )


def test_enter_in_the_code_field_of_the_contact_page_verifies_the_code(phone_page, district):
    page = phone_page
    # given a concern filed with a phone
    concern = submitted(district)
    # when the resident opens its tracking page from the home and manages the contact data
    page.goto("/")
    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("查询码").fill(concern.tracking_code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="管理我的联系方式").click()
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_label("短信验证码").fill(last_code())
    page.get_by_label("短信验证码").press("Enter")
    # then the contact data is shown with the delete button
    page.get_by_role("button", name="删除我的姓名和手机号").wait_for()
    assert OutboxMessage.objects.filter(body__startswith="您的验证码是").count() == 1


def test_the_tracking_page_never_scrolls_sideways_at_320_px(phone_page, district):
    page = phone_page
    page.set_viewport_size({"width": 320, "height": 700})
    # given a concern whose SMS carry long absolute links
    concern = submitted(district)
    # when the resident opens its tracking page from the home
    page.goto("/")
    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("查询码").fill(concern.tracking_code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="已发送的短信").wait_for()
    # then the link in the SMS is a real link and the page is no wider than the screen
    link = page.locator("a.long-link").first
    assert link.get_attribute("href").endswith(f"/concerns/t/{concern.tracking_code}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_photo_chosen_once_is_kept_through_the_similar_problems_page(phone_page, district):
    page = phone_page
    # given a screened, public report of the same problem
    first, _ = services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk))
    publish(first)
    # when a resident describes it again with a photo from the home
    page.goto("/")
    page.get_by_role("link", name="我要反映").click()
    page.get_by_label("村(社区)").select_option(label="政法路社区")
    page.get_by_label("遇到了什么问题？").fill("政法路5栋楼道有人私拉电线给电动车充电，太危险了")
    photo = jpeg_with_gps()
    page.get_by_label("照片（选填，最多 6 张）").set_input_files(
        files=[{"name": "楼道.jpg", "mimeType": "image/jpeg", "buffer": photo.read()}]
    )
    page.get_by_role("button", name="提交").click()
    # then the page says in one sentence why it came back, with the photo kept
    page.get_by_text("还没有提交：附近已有居民反映过类似的问题").wait_for()
    assert page.get_by_text("已上传 1 张照片，提交时一并保存：楼道.jpg。").is_visible()
    # when they file anyway without choosing the photo again
    page.get_by_role("button", name="仍然提交新的反映").click()
    page.wait_for_url(re.compile(r"/concerns/t/[A-Z0-9]{8}/$"))
    # then the new concern has its photo
    assert Concern.objects.exclude(pk=first.pk).get().photos.count() == 1
    assert page.get_by_role("img", name="照片 1").is_visible()


def test_a_photo_too_large_is_refused_before_it_is_uploaded(phone_page, district):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="我要反映").click()
    # when an 11 MB photo is chosen
    page.get_by_label("照片（选填，最多 6 张）").set_input_files(
        files=[
            {
                "name": "大照片.jpg",
                "mimeType": "image/jpeg",
                "buffer": b"\xff\xd8" + b"0" * (11 * 1024 * 1024),
            }
        ]
    )
    # then the page says so at once and the choice is cleared
    page.get_by_text("照片“大照片.jpg”太大（11.0 MB），每张不超过 10 MB。").wait_for()
    assert page.get_by_label("照片（选填，最多 6 张）").evaluate("e => e.files.length") == 0


def test_a_text_over_the_limit_comes_back_whole_with_its_length(phone_page, district):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="我要反映").click()
    page.get_by_label("村(社区)").select_option(label="政法路社区")
    # when 3,000 characters are pasted
    page.get_by_label("遇到了什么问题？").fill("楼" * 3000)
    # then the count says so while typing, nothing is cut, and the server refuses it with the count
    assert page.get_by_text("已输入 3000 字，最多 2000 字：请删去 1000 字").is_visible()
    page.get_by_role("button", name="提交").click()
    page.get_by_text("问题描述不能超过 2000 字（现在 3000 字），请精简后再提交。").wait_for()
    assert len(page.get_by_label("遇到了什么问题？").input_value()) == 3000
    assert Concern.objects.count() == 0


def test_me_too_with_a_phone_follows_the_concern_into_my_concerns(phone_page, district):
    page = phone_page
    # given a public concern
    first = publish(
        services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk))[0]
    )
    # when a resident finds it from the home and says 我也遇到 with a phone and consent
    page.goto("/")
    page.get_by_label("搜索反映、议题、会议和成果").fill("飞线充电")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=re.compile("^居民反映：")).first.click()
    page.get_by_label("手机号（选填，有公开进展时短信告诉您）").fill(PHONE)
    page.get_by_label("同意用这个手机号接收进展短信（每条短信都可退订）").check()
    page.get_by_role("button", name="我也遇到").click()
    # then they follow it
    page.get_by_text("有公开进展时，我们会发短信告诉您").wait_for()
    # when the concern moves on
    services.inform_residents(concerns=[first], text="经研判，已直接交办。", event_type="concern.x", key="x")
    # then they get an SMS with the concern's page
    assert (
        OutboxMessage.objects.filter(body__startswith="您关注的问题有新进展：经研判，已直接交办。").count()
        == 1
    )
    # and the concern is in 我反映的问题 under their phone
    page.goto("/")
    page.get_by_role("link", name="我反映的问题").click()
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_label("短信验证码").fill(last_code())
    page.get_by_label("短信验证码").press("Enter")
    page.get_by_role("heading", name="我也遇到的问题").wait_for()
    assert page.get_by_role("link", name=re.compile("政法路5栋楼道")).is_visible()


def test_without_javascript_the_grid_is_chosen_from_the_chosen_communitys_grids(
    browser, live_server, district
):
    # given a phone whose browser runs no JavaScript
    with browser_page(browser, live_server.url, {**PHONE_DEVICE, "java_script_enabled": False}) as page:
        # when a resident chooses a community on the form, asks for its grids and picks one
        page.goto("/")
        page.get_by_role("link", name="我要反映").click()
        page.get_by_label("村(社区)").select_option(label="政法路社区")
        page.get_by_label("遇到了什么问题？").fill(TEXT)
        page.get_by_role("button", name="列出所选村(社区)的网格").click()
        # then the form comes back as typed with that community's grids only
        assert page.get_by_label("遇到了什么问题？").input_value() == TEXT
        assert page.get_by_label("网格").locator("option").all_inner_texts() == [
            "不清楚网格",
            "政法路第1网格",
        ]
        page.get_by_label("网格").select_option(label="政法路第1网格")
        page.get_by_role("button", name="提交", exact=True).click()
        page.wait_for_url(re.compile(r"/concerns/t/[A-Z0-9]{8}/$"))
    # and the concern is filed in that grid
    assert Concern.objects.get().region == district.grid_a
