"""Every resident page of the demo district on a phone (390 px), in the standard and the large text
size: axe finds no serious or critical violation, each button and link-button is at least 44 px
each way with its label on at most two lines, each status badge on one line, the page is never wider
than the screen, and it says 反映 and 我也遇到 as residents do, never 诉求 or 附议. Each page is
reached from the home by clicking, as a resident would.

The demo district is built once for the module and served by a live server of its own; what a test
writes (a one-time code, a support) is rolled back after it, and when the module is done the
database is put back as the module found it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from shangliang.concerns.models import OPEN_STATUSES, PUBLICLY_VISIBLE, Concern
from shangliang.conftest import PHONE, browser_page
from shangliang.notifications.models import OutboxMessage
from shangliang.privacy.personal import decrypt
from shangliang.text import fulltext

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

MEASURE = """() => Array.from(document.querySelectorAll(
  'button, a.button, input[type=submit]')).filter(e => e.offsetParent !== null).map(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    const inner = r.height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)
      - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
    const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.3;
    return {label: e.innerText.trim() || e.value || e.getAttribute('aria-label'),
            width: Math.round(r.width), height: Math.round(r.height),
            lines: Math.max(1, Math.round(inner / line))};
})"""


# Status badges: each on one line, never a tall oval squeezed by its row.
BADGES = """() => Array.from(document.querySelectorAll('.badge')).filter(e => e.offsetParent !== null).map(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    const inner = r.height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)
      - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
    const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.3;
    return {label: e.innerText.trim(), width: Math.round(r.width), height: Math.round(r.height),
            lines: Math.max(1, Math.round(inner / line))};
})"""
# What residents read says 反映 and 我也遇到, never the back office's 诉求 or 附议.
STAFF_WORDS = re.compile("诉求|附议")


@dataclass(frozen=True)
class Demo:
    url: str
    code: str  # the tracking code of a concern filed with a phone
    phone: str  # that phone
    repeat_community: str  # a community with an open public concern, and that concern's text
    repeat_text: str


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Demo]:
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        # What the database holds before the demo (what the migrations wrote: categories, decline
        # reasons, duty rules, content types), put back once the module has emptied it.
        found = connection.creation.serialize_db_to_string()
        call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
        filed = Concern.objects.exclude(phone_hash="").order_by("pk").first()
        repeated = (
            Concern.objects.filter(PUBLICLY_VISIBLE, status__in=list(OPEN_STATUSES))
            .select_related("community")
            .order_by("pk")
            .first()
        )
        assert filed is not None
        assert repeated is not None
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield Demo(
                url=server.url,
                code=filed.tracking_code,
                phone=decrypt(filed.phone_encrypted),
                repeat_community=repeated.community.name,
                repeat_text=repeated.public_text,
            )
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(found)
            # The flush restarted the id sequences (PostgreSQL): move them past the rows put back.
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                    cursor.execute(statement)
            # SQLite's full-text index is a virtual table the flush does not empty: read it again
            # from the documents put back.
            fulltext.rebuild()


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """The demo's photos stay where the module's server reads them."""


@pytest.fixture
def phone_page(browser: Any, demo: Demo) -> Iterator[Any]:
    with browser_page(browser, demo.url, PHONE) as page:
        page.set_default_timeout(20_000)
        yield page


# --- How a resident reaches each page from the home ---------------------------------------------


def click(page: Any, *targets: str) -> None:
    """From the home, follow links by their names (or CSS selectors starting with ``css=``)."""
    page.goto("/")
    for target in targets:
        link = (
            page.locator(target[4:]) if target.startswith("css=") else page.get_by_role("link", name=target)
        )
        link.first.click()
        page.wait_for_load_state()


def tracking(page: Any, demo: Demo) -> None:
    click(page, "查询办理进度")
    page.get_by_label("查询码").fill(demo.code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="办理进度").wait_for()


def contact(page: Any, demo: Demo) -> None:
    tracking(page, demo)
    page.get_by_role("link", name="管理我的联系方式").click()
    page.wait_for_load_state()


def my_concerns(page: Any, demo: Demo) -> None:
    click(page, "我反映的问题")
    page.get_by_label("手机号").fill(demo.phone)
    page.get_by_role("button", name="获取短信验证码").click()
    body = OutboxMessage.objects.filter(body__startswith="您的验证码是").latest("id").body
    page.get_by_label("短信验证码").fill(re.findall(r"\d{6}", body)[0])
    page.get_by_role("button", name="验证", exact=True).click()
    page.get_by_role("button", name="退出查看").wait_for()


def search(page: Any, demo: Demo, words: str = "飞线充电") -> None:
    page.goto("/")
    page.get_by_label("搜索反映、议题、会议和成果").fill(words)
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("heading", name="反映和议题").wait_for()


def public_concern(page: Any, demo: Demo) -> None:
    """An open public concern, with its 我也遇到 form."""
    search(page, demo, demo.repeat_text)
    page.get_by_role("link", name=re.compile("^居民反映")).first.click()
    page.get_by_role("heading", name="居民反映").wait_for()


def repeat(page: Any, demo: Demo) -> None:
    """The form come back with the similar public problems: the duplicate check before filing."""
    click(page, "我要反映")
    page.get_by_label("村(社区)").select_option(label=demo.repeat_community)
    page.get_by_label("遇到了什么问题？").fill(demo.repeat_text)
    page.locator("#concern-form button[type=submit].big-submit").click()
    page.get_by_text("还没有提交：附近已有居民反映过类似的问题").wait_for()


def me_too(page: Any, demo: Demo) -> None:
    public_concern(page, demo)
    page.get_by_role("button", name="我也遇到").click()
    page.wait_for_load_state()


def meeting_with_signup(page: Any, demo: Demo) -> None:
    click(page, "css=section[aria-labelledby=meetings-title] ul a")
    page.get_by_role("heading", name="报名参加").wait_for()


def minutes(page: Any, demo: Demo) -> None:
    click(page, "全部公开会议", "css=section[aria-labelledby=published-title] a")
    page.get_by_role("heading", name="会议纪要（公开版）").wait_for()


PAGES: dict[str, Callable[[Any, Demo], None]] = {
    "首页": lambda page, demo: click(page),
    "我要反映": lambda page, demo: click(page, "我要反映"),
    "类似问题提示": repeat,
    "查询办理进度": lambda page, demo: click(page, "查询办理进度"),
    "办理进度": tracking,
    "联系方式": contact,
    "我反映的问题": my_concerns,
    "搜索": search,
    "居民反映": public_concern,
    "我也遇到": me_too,
    "协商议题": lambda page, demo: click(page, "协商议题"),
    "议题": lambda page, demo: click(page, "协商议题", "css=main article h2 a"),
    "协商议事会": lambda page, demo: click(page, "全部公开会议"),
    "会议报名": meeting_with_signup,
    "会议纪要": minutes,
    "成果公示": lambda page, demo: click(page, "成果公示"),
    "成果": lambda page, demo: click(page, "css=section[aria-labelledby=results-title] ul a"),
    "协商议事室": lambda page, demo: click(page, "全部公开会议", "协商议事室"),
    "议事室": lambda page, demo: click(page, "全部公开会议", "协商议事室", "css=main ul.todo a"),
    "议事室日历": lambda page, demo: click(
        page, "全部公开会议", "协商议事室", "css=main ul.todo a", "查看议事室日历（开放日和会议）"
    ),
    "统计": lambda page, demo: click(page, "查看全部统计与趋势"),
    "开放数据": lambda page, demo: click(page, "开放数据"),
}


def problems(page: Any) -> dict[str, list[Any]]:
    width = page.evaluate("document.documentElement.scrollWidth")
    return {
        "axe": [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ],
        "buttons": [
            b
            for b in page.evaluate(MEASURE)
            if b["height"] < 44 or b["width"] < 44 or (b["lines"] > 2 and len(b["label"] or "") <= 12)
        ],
        "wider": [width] if width > 390 else [],
        "badges": [b for b in page.evaluate(BADGES) if b["lines"] > 1 or b["height"] > b["width"]],
        "words": STAFF_WORDS.findall(page.locator("body").inner_text()),
    }


@pytest.mark.parametrize("name", PAGES)
def test_a_resident_page_is_accessible_and_pressable_at_390_px(phone_page, demo, name):
    page = phone_page
    # given the page, reached from the home
    PAGES[name](page, demo)
    # when it is checked in the standard size, then again after 大字模式 is chosen
    standard = problems(page)
    page.get_by_role("button", name="大字模式").click()
    page.wait_for_function("document.documentElement.classList.contains('text-large')")
    large = problems(page)
    # then axe finds nothing serious, nothing is too small or squeezed, nothing too wide, and the
    # words are the residents' own
    clean = {"axe": [], "buttons": [], "wider": [], "badges": [], "words": []}
    assert {"standard": standard, "large": large} == {"standard": clean, "large": clean}, page.url


def test_the_public_pages_lead_from_a_result_to_its_topic_meeting_and_concerns(phone_page):
    page = phone_page
    # when a resident opens a result from the home
    page.goto("/")
    page.get_by_role("link", name="成果公示").first.click()
    page.get_by_role("link", name="整治老旧小区飞线充电", exact=True).first.click()
    result_url = page.url
    title = page.locator("h1").inner_text()
    # then it leads to its topic, and the topic back to the result, its meetings and concerns
    page.get_by_role("link", name=f"议题“{title}”的办理过程和居民反映").click()
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("link", name=f"查看成果公示：{title}").get_attribute("href") in result_url
    meeting = page.locator("section[aria-labelledby=topic-meetings-title] a").first
    meeting_title = meeting.inner_text()
    meeting.click()
    assert page.locator("h1").inner_text() == meeting_title
    assert page.get_by_role("link", name=title, exact=True).count() == 1
    assert page.get_by_role("link", name=f"“{title}”成果公示").count() == 1
    page.get_by_role("link", name=title, exact=True).click()
    page.locator("section[aria-labelledby=topic-concerns-title] a").first.click()
    assert page.locator("h1").inner_text() == "居民反映"
    page.get_by_role("link", name=title, exact=True).click()
    assert page.locator("h1").inner_text() == title
