from __future__ import annotations

from base64 import b32encode
from typing import Any

import django_otp
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.accounts import services, throttle, two_factor
from shangliang.accounts.forms import CodeForm, LoginForm
from shangliang.core.errors import ApplicationError
from shangliang.core.forms import add_service_error
from shangliang.files.qr import qr_svg
from shangliang.privacy.ratelimit import client_ip


class LoginView(auth_views.LoginView):
    """The one login of the site (the admin site's too): the password, then, for a person who
    enrolled, the code (``login_code``)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if two_factor.enrolled(user):
            two_factor.start_pending(self.request, user, self.get_success_url())
            return redirect("accounts:login-code")
        return super().form_valid(form)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.is_throttled():
            response.status_code = 429
        return response


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator or a recovery code. Wrong codes count as
    failed logins of the account from this address (``accounts.throttle``)."""
    found = two_factor.pending(request)
    if found is None:
        messages.info(request, "请重新输入用户名和密码。")
        return redirect("accounts:login")
    user, data = found
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        wait = throttle.seconds_to_wait(user.get_username(), ip)
        if wait:
            form.add_error(None, f"验证尝试过于频繁，请 {max(1, -(-wait // 60))} 分钟后再试。")
            status = 429
        else:
            device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
            if device is None:
                throttle.record_failure(user.get_username(), ip)
                form.add_error("code", services.WRONG_CODE)
            else:
                throttle.record_success(user.get_username(), ip)
                two_factor.finish_pending(request, user, device, data["backend"])
                if not isinstance(device, TOTPDevice):
                    left = two_factor.recovery_codes_left(user)
                    messages.warning(request, f"您用了一个恢复码，还剩 {left} 个。可在“账号安全”中重新生成。")
                return HttpResponseRedirect(data["next"])
    if form.errors and status == 200:
        status = 400
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


def _secret(device: Any) -> str:
    """The authenticator's secret as people type it: base32 in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """账号安全: turn two-step login on (QR code and secret, confirmed by a code, recovery codes
    shown once), renew the recovery codes, or turn it off."""
    user = request.user
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "begin":
                services.two_factor_begin(user=user)
                return redirect("accounts:security")
            if form.is_valid():
                code = form.cleaned_data["code"]
                if action == "confirm":
                    device, codes = services.two_factor_confirm(user=user, code=code)
                    django_otp.login(request, device)
                    request.session[two_factor.FRESH_CODES_KEY] = codes
                    messages.success(request, "两步验证已启用，以后登录时需要输入验证码。")
                    return redirect("accounts:security")
                if action == "renew":
                    request.session[two_factor.FRESH_CODES_KEY] = services.two_factor_renew_codes(
                        user=user, code=code
                    )
                    messages.success(request, "已生成新的恢复码，原来的恢复码不再有效。")
                    return redirect("accounts:security")
                if action == "disable":
                    services.two_factor_disable(user=user, code=code)
                    messages.success(request, "两步验证已停用。")
                    return redirect("accounts:security")
        except ApplicationError as error:
            add_service_error(form, error)
    enrolled = two_factor.enrolled(user)
    setting_up = None if enrolled else two_factor.totp_device(user, confirmed=False)
    context = {
        "form": form,
        "action": action,
        "enrolled": enrolled,
        "required": two_factor.required_for(user),
        "setting_up": setting_up,
        "qr": qr_svg(setting_up.config_url) if setting_up is not None else "",
        "secret": _secret(setting_up) if setting_up is not None else "",
        "codes_left": two_factor.recovery_codes_left(user) if enrolled else 0,
        "fresh_codes": request.session.pop(two_factor.FRESH_CODES_KEY, None),
    }
    response = render(request, "accounts/security.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the secret and the recovery codes
    return response
