"""Every resident page of the demo district on a phone (390 px), in the standard and the large text
size: each button and link-button is at least 44 px each way, its label on at most two lines, the
page never wider than the screen, and axe finds nothing serious. Pages are reached from the home by
clicking, as a resident would."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from shangliang.concerns.models import Concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


def small_or_squeezed(page):
    return [
        b
        for b in page.evaluate(MEASURE)
        if b["height"] < 44 or b["width"] < 44 or (b["lines"] > 2 and len(b["label"] or "") <= 12)
    ]


def serious(page):
    return [
        (v["id"], v["impact"])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check(page, name, problems):
    width = page.evaluate("document.documentElement.scrollWidth")
    found = {"buttons": small_or_squeezed(page), "axe": serious(page), "wider": width if width > 390 else 0}
    if any(found.values()):
        problems.append((name, page.url, found))


def walk(page, code, problems):
    """Every kind of resident page, each reached from the home."""
    page.goto("/")
    check(page, "首页", problems)
    steps = {
        "我要反映": [("link", "我要反映")],
        "查询办理进度": [("link", "查询办理进度")],
        "我反映的问题": [("link", "我反映的问题")],
        "成果公示": [("link", "成果公示")],
        "成果": [("link", "成果公示"), ("css", "main ul.results h2 a")],
        "协商议题": [("link", "协商议题")],
        "议题": [("link", "协商议题"), ("css", "main article h2 a")],
        "议事会": [("css", "section[aria-labelledby=meetings-title] ul.todo a")],
    }
    for name, clicks in steps.items():
        page.goto("/")
        for kind, target in clicks:
            (
                page.get_by_role("link", name=target).first if kind == "link" else page.locator(target).first
            ).click()
            page.wait_for_load_state()
        check(page, name, problems)
    # the tracking page and the contact page, by the code
    page.goto("/")
    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    check(page, "办理进度", problems)
    page.get_by_role("link", name="管理我的联系方式").click()
    check(page, "联系方式", problems)
    # public search, then a public concern and its 我也遇到 form
    page.goto("/")
    page.get_by_label("搜索反映、议题、会议和成果").fill("飞线充电")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    check(page, "搜索", problems)
    page.get_by_role("link", name="居民反映").first.click()
    check(page, "居民反映", problems)


def test_every_resident_page_is_pressable_and_leads_somewhere(phone_page):
    page = phone_page
    page.set_default_timeout(20_000)
    # given the demo district
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    code = Concern.objects.exclude(phone_hash="").order_by("pk").first().tracking_code
    problems: list = []
    # when each page is opened in the standard size
    walk(page, code, problems)
    # and again after 大字模式 is chosen
    page.goto("/")
    page.get_by_role("button", name="大字模式").click()
    page.wait_for_function("document.documentElement.classList.contains('text-large')")
    walk(page, code, problems)
    # then nothing is too small, squeezed, too wide or inaccessible
    assert problems == []
    # and the public pages lead from a result to its topic, meeting and concerns and back
    # (one test: the demo district is built once)
    follow_links(page)


def follow_links(page):
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
