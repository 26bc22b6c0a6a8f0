"""A resident on a phone: what Enter does in the code forms, pages that never scroll sideways."""

import re

import pytest

from shangliang.concerns import services
from shangliang.concerns.services import ConcernInput
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
