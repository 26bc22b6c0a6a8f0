"""Two-step login for staff (ADR 73): a password, then a code from an authenticator app (TOTP) or a
recovery code, with django-otp's devices.

* Optional for everyone with an account; required of administrators (the 系统管理员 role and anyone
  who may open the Django admin) when ``SHANGLIANG["REQUIRE_ADMIN_2FA"]`` is on (by default when
  ``DEBUG`` is off): until they have enrolled, every page sends them to the enrolment page.
* A person with a device is not signed in by the password alone: the login keeps them as *pending*
  in the session (for ``PENDING_SECONDS``) and signs them in when the code is right. So no page, API
  call or admin view can see a half-signed-in person.
* Wrong codes count as failed logins of the account (``accounts.throttle``), and django-otp's own
  per-device delay applies as well.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.core.roles import Role

PENDING_KEY = "accounts:pending-login"
PENDING_SECONDS = 300
RECOVERY_CODES = 10
# Shown once after enrolment or regeneration, then dropped from the session.
FRESH_CODES_KEY = "accounts:fresh-recovery-codes"


def required() -> bool:
    return bool(settings.SHANGLIANG.get("REQUIRE_ADMIN_2FA", not settings.DEBUG))


def is_administrator(user: Any) -> bool:
    """Administrators of the site: the 系统管理员 role, and anyone the Django admin lets in."""
    return bool(
        getattr(user, "role", "") == Role.ADMIN or getattr(user, "is_staff", False) or user.is_superuser
    )


def required_for(user: Any) -> bool:
    return required() and is_administrator(user)


def totp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def enrolled(user: Any) -> bool:
    """Whether the person signs in with a second step (a confirmed authenticator)."""
    return totp_device(user) is not None


def recovery_codes_left(user: Any) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


# --- The pending login ------------------------------------------------------------------------


def start_pending(request: HttpRequest, user: Any, redirect_to: str) -> None:
    """Remember who gave the right password, for the code step."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "next": redirect_to,
        "at": time.time(),
    }


def pending(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """The person waiting for their code and what was remembered; None when there is none or it is
    too old (the password must then be given again)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    return (user, data) if user is not None else None


def finish_pending(request: HttpRequest, user: Any, device: Any, backend: str) -> None:
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=backend)
    django_otp.login(request, device)


# --- Enforcement ------------------------------------------------------------------------------

# Pages an administrator who must enrol may still open: enrolment itself and signing out.
_OPEN_URL_NAMES = ("accounts:security", "accounts:logout")


class TwoFactorMiddleware:
    """Administrators who must use two-step login and have not enrolled may open only the
    enrolment page; those who enrolled but whose session was not verified by a code (signed in
    before they enrolled, elsewhere) sign in again. Installed after django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user  # is_verified() comes from django-otp's OTPMiddleware
        if user.is_authenticated and required_for(user) and not user.is_verified():
            refusal = self._refusal(request, user)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        if request.path in {reverse(name) for name in _OPEN_URL_NAMES}:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "管理员账号须先启用两步验证。"}, status=403)
        if enrolled(user):
            logout(request)
            return redirect_to_login(request.get_full_path())
        return redirect("accounts:security")
