"""Browser test: a staff member turns on two-step login from their menu and signs in with a code."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import TOTP

from shangliang.conftest import login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_secret(secret: str, offset: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def test_a_staff_member_enrols_and_then_signs_in_with_a_code(desktop_page, staff):
    page = desktop_page
    # given a staff member on their home, who opens 账号安全 from the menu beside their name
    login_in_browser(page, staff.username)
    page.get_by_role("link", name="账号安全").click()
    page.get_by_role("button", name="开始设置").click()
    # when they type the secret shown in text into their authenticator and give its code
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    assert page.get_by_role("img", name="两步验证设置二维码").is_visible()
    page.get_by_label("验证码").fill(code_from_secret(secret))
    page.get_by_role("button", name="完成设置").click()
    # then it is on, and ten recovery codes are shown once
    assert page.get_by_test_id("two-factor-status").inner_text() == "已启用"
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    # when they sign out and in again, the code is asked for after the password (the next one:
    # a code is accepted once)
    page.get_by_role("button", name="退出").click()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(staff.username)
    page.get_by_label("密码").fill("Test-pass-123")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("heading", name="输入验证码").is_visible()
    page.get_by_label("验证码").fill(code_from_secret(secret, offset=30))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    assert page.get_by_role("heading", name=f"您好，{staff.display_name}").is_visible()
