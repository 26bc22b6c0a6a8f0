"""Security headers on every response: a strict Content-Security-Policy and a Permissions-Policy;
in production every cookie marked Secure.

The policy is the same for every page (no inline script or style anywhere, no nonces), so it is one
constant header, set here rather than through a package: ``SHANGLIANG_CSP`` and
``SHANGLIANG_PERMISSIONS_POLICY`` in the settings hold the directives (ADR 61).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _header(directives: dict[str, list[str]], separator: str) -> str:
    return separator.join(f"{name} {' '.join(values)}".strip() for name, values in directives.items())


def csp_header() -> str:
    return _header(settings.SHANGLIANG_CSP, "; ")


def permissions_policy_header() -> str:
    return ", ".join(
        f"{name}=({' '.join(values)})" for name, values in settings.SHANGLIANG_PERMISSIONS_POLICY.items()
    )


class RequestSizeMiddleware:
    """Refuse a request whose declared body is larger than ``SHANGLIANG_MAX_REQUEST_MB`` (413), before
    any of it is read. The reverse proxy should refuse it earlier still (``client_max_body_size``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.SHANGLIANG_MAX_REQUEST_MB * 1024 * 1024

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            return HttpResponse(
                f"提交的内容过大（超过 {settings.SHANGLIANG_MAX_REQUEST_MB} MB），请减少照片或文件后再试。",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = csp_header()
        self.permissions = permissions_policy_header()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if settings.SESSION_COOKIE_SECURE:
            # Production (HTTPS only): every cookie the site sets is Secure, whoever sets it.
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
