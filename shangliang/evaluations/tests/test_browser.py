"""三评 in Debian's Chromium: on a phone, a resident rates the outcome through the QR link with an SMS
code; on a desktop, a grid worker verifies and the reviewer and staff complete the evaluation; the
results page shows the topic and the "problems solved" figure on the public home goes up by one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shangliang.actions.models import ActionStatus
from shangliang.conftest import DESKTOP, PHONE, login_in_browser
from shangliang.supervision.tests.factories import concern_with_phone, topic_with_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _solved_figure(page: Any) -> int:
    page.goto("/")
    card = page.locator(".figure", has_text="解决群众问题")
    return int(card.locator(".value").inner_text().strip())


def test_verification_three_evaluations_and_results_on_a_phone(
    browser: Any,
    live_server: Any,
    district: Any,
    staff: Any,
    reviewer: Any,
    grid_worker: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr("shangliang.privacy.otp.secrets.randbelow", lambda n: 123456)
    concern = concern_with_phone(district.community_a)
    topic, items = topic_with_items(
        district.community_a, concern=concern, statuses=(ActionStatus.DONE, ActionStatus.VERIFIED)
    )
    desktop = browser.new_context(base_url=live_server.url, locale="zh-CN", **DESKTOP).new_page()
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE).new_page()
    for page in (desktop, phone):
        page.set_default_timeout(10_000)
    before = _solved_figure(phone)

    # a grid worker verifies the item the department reported done, with a photo
    login_in_browser(desktop, grid_worker.username)
    desktop.goto("/supervision/verify/")
    desktop.get_by_role("link", name="回访", exact=True).first.click()
    desktop.get_by_role("radio", name="入户走访").check()
    desktop.get_by_role("radio", name="属实，问题已解决").check()
    desktop.get_by_label("回访对象").fill("政法路28号院 5 户")
    desktop.get_by_label("回访情况").fill("入户查看，集中充电桩已投用，楼道无飞线。")
    desktop.set_input_files(
        "input[name=photos]", files=[{"name": "v.png", "mimeType": "image/png", "buffer": _png()}]
    )
    desktop.get_by_role("button", name="提交回访结论").click()
    desktop.wait_for_url("**/supervision/verify/")
    # staff apply the finding and open 三评
    login_in_browser(desktop, staff.username)
    desktop.goto(f"/supervision/items/{items[0].pk}/")
    desktop.get_by_role("button", name="确认核实通过").click()
    desktop.goto("/evaluations/")
    desktop.get_by_role("link", name="发起三评").first.click()
    desktop.get_by_label("群众代表（每行一位姓名，纸质投票）").fill("黄阿姨\n陈师傅")
    desktop.get_by_role("button", name="发起三评").click()
    desktop.wait_for_url(re.compile(r".*/evaluations/\d+/$"))
    evaluation_url = desktop.url
    vote_link = desktop.locator(".qr + p a").get_attribute("href")
    assert vote_link

    # the resident rates on a phone through the QR link, verifying the phone by SMS code
    phone.goto(vote_link)
    phone.get_by_label("手机号").fill("13877905555")
    phone.get_by_role("button", name="获取验证码").click()
    phone.get_by_label("短信验证码").fill("123456")
    phone.get_by_role("button", name="验证", exact=True).click()
    phone.get_by_role("radio", name="满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.get_by_text("感谢您的评价").wait_for()

    # 党政点评 by the reviewer; paper ballots typed in and closing by staff
    login_in_browser(desktop, reviewer.username)
    desktop.goto(evaluation_url)
    desktop.get_by_role("radio", name="好", exact=True).check()
    desktop.get_by_label("点评意见").fill("居民满意，整治到位。")
    desktop.get_by_role("button", name="提交点评").click()
    login_in_browser(desktop, staff.username)
    desktop.goto(evaluation_url)
    desktop.locator("#paper input[name=satisfied]").fill("2")
    desktop.set_input_files(
        "#paper input[name=photo]", files=[{"name": "b.png", "mimeType": "image/png", "buffer": _png()}]
    )
    desktop.get_by_role("button", name="录入票数").click()
    desktop.get_by_label(re.compile("确认结束评价")).check()
    desktop.get_by_role("button", name="结束评价并计算结果").click()
    desktop.get_by_text("评价通过").first.wait_for()

    # the public results page shows it and the figure went up by one
    phone.goto("/evaluations/results/")
    phone.get_by_role("link", name=topic.title).click()
    phone.get_by_text("三评结果").wait_for()
    assert _solved_figure(phone) == before + 1


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 100, 0)).save(buffer, format="PNG")
    return buffer.getvalue()
