"""Browser tests: the staff sign-in and the public home's large-text mode, in Debian's Chromium."""

import pytest

from shangliang.conftest import login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_sign_in_lands_on_the_staff_home(desktop_page, staff):
    # given a staff account
    # when they sign in through the login form
    login_in_browser(desktop_page, staff.username)
    # then the staff home greets them with their role and to-do list
    assert desktop_page.get_by_role("heading", name=f"您好，{staff.display_name}").is_visible()
    assert desktop_page.get_by_text("角色：政协机关工作人员").is_visible()
    assert desktop_page.get_by_role("heading", name="待办与提醒").is_visible()


def test_wrong_password_keeps_the_username_and_explains(desktop_page, staff):
    desktop_page.goto("/accounts/login/")
    desktop_page.get_by_label("用户名").fill(staff.username)
    desktop_page.get_by_label("密码").fill("wrong-password")
    desktop_page.get_by_role("button", name="登录").click()
    assert desktop_page.get_by_role("alert").inner_text().strip() == "用户名或密码不正确，请检查后重新输入。"
    assert desktop_page.get_by_label("用户名").input_value() == staff.username


def test_public_home_on_a_phone_switches_to_large_text_and_remembers_it(phone_page, district):
    # given the public home on a phone-sized screen
    phone_page.goto("/")
    base_size = phone_page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    # when the resident taps the large-text switch (the choice is saved in the background)
    with phone_page.expect_response("**/text-size/"):
        phone_page.get_by_role("button", name="大字模式").click()
    # then the text grows at once
    phone_page.wait_for_function("document.documentElement.classList.contains('text-large')")
    large_size = phone_page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large_size == pytest.approx(base_size * 1.3125)
    # and it is still large on the next visit
    phone_page.reload()
    assert phone_page.evaluate("document.documentElement.classList.contains('text-large')") is True
    assert phone_page.get_by_role("button", name="标准字号").is_visible()
    # and nothing overflows the phone's width
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
