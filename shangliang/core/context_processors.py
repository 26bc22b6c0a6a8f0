from typing import Any

from django.conf import settings
from django.http import HttpRequest

TEXT_SIZE_COOKIE = "sl_text"


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "brand": settings.SHANGLIANG["BRAND_NAME"],
        "brand_org": settings.SHANGLIANG["BRAND_ORG"],
        "brand_logo": settings.SHANGLIANG["BRAND_LOGO"],
        "large_text": request.COOKIES.get(TEXT_SIZE_COOKIE) == "large",
    }
