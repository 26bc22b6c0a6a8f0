from typing import Any

from django.conf import settings
from django.http import HttpRequest

from shangliang.core import registry

TEXT_SIZE_COOKIE = "sl_text"


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "brand": settings.SHANGLIANG["BRAND_NAME"],
        "brand_org": settings.SHANGLIANG["BRAND_ORG"],
        "brand_logo": settings.SHANGLIANG["BRAND_LOGO"],
        "large_text": request.COOKIES.get(TEXT_SIZE_COOKIE) == "large",
        "staff_nav": registry.nav_for(user) if user is not None and user.is_authenticated else [],
    }
