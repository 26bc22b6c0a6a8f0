from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shangliang.core import registry
from shangliang.core.context_processors import TEXT_SIZE_COOKIE
from shangliang.core.scope import scope_of


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/staff_home.html", {"todo": registry.todo_for(scope_of(request.user))})


@require_POST
def set_text_size(request: HttpRequest) -> HttpResponse:
    """Large text for elderly readers; kept in a cookie for a year so it survives visits."""
    size = "large" if request.POST.get("size") == "large" else "normal"
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response: HttpResponse = (
        HttpResponse(status=204) if request.htmx else redirect(target)  # type: ignore[attr-defined]
    )
    response.set_cookie(TEXT_SIZE_COOKIE, size, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired or forged form: explain in Chinese instead of Django's English page."""
    return render(request, "403_csrf.html", status=403)
