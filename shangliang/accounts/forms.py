from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from shangliang.accounts import throttle, two_factor
from shangliang.privacy.ratelimit import client_ip

THROTTLED = "throttled"


class ThrottledLogin(AuthenticationForm):
    """Every login form: refused while its address must wait, and each failure counted (``throttle``)."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else "unknown"
        wait = throttle.seconds_to_wait(username, ip)
        if wait:
            minutes = max(1, -(-wait // 60))
            raise ValidationError(f"登录尝试过于频繁，请 {minutes} 分钟后再试。", code=THROTTLED)
        try:
            cleaned = super().clean()
        except ValidationError:
            if username and self.cleaned_data.get("password"):
                throttle.record_failure(username, ip)
            raise
        # With a second step, the login succeeds (and the failures are forgiven) only at its end.
        if self.user_cache is not None and not two_factor.enrolled(self.user_cache):
            throttle.record_success(username, ip)
        return cleaned

    def is_throttled(self) -> bool:
        return any(error.code == THROTTLED for error in self.errors.as_data().get("__all__", []))


class LoginForm(ThrottledLogin):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请检查后重新输入。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    username = forms.CharField(
        label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    """The second step of the login, and every change of the two-step settings."""

    code = forms.CharField(
        label="验证码",
        max_length=32,
        help_text="打开手机上的身份验证器，输入显示的 6 位数字；手机不在身边时，可输入一个恢复码。",
        error_messages={"required": "请输入验证码。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
