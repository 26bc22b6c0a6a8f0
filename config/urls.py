from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from shangliang.accounts.views import LoginView
from shangliang.api.urls import api

admin.site.site_header = f"{settings.SHANGLIANG['BRAND_NAME']} 管理后台"
admin.site.site_title = settings.SHANGLIANG["BRAND_NAME"]
admin.site.index_title = "基础数据与配置"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("shangliang.portal.urls")),
    path("", include("shangliang.core.urls")),
    path("accounts/", include("shangliang.accounts.urls")),
    path("places/", include("shangliang.places.urls")),
    path("text/", include("shangliang.text.urls")),
    path("concerns/", include("shangliang.concerns.urls")),
    path("topics/", include("shangliang.topics.urls")),
    path("actions/", include("shangliang.actions.urls")),
    path("screening/", include("shangliang.screening.urls")),
    path("meetings/", include("shangliang.meetings.urls")),
    path("supervision/", include("shangliang.supervision.urls")),
    path("evaluations/", include("shangliang.evaluations.urls")),
    path("outputs/", include("shangliang.outputs.urls")),
    path("duty/", include("shangliang.duty.urls")),
    path("notifications/", include("shangliang.notifications.urls")),
    path("statistics/", include("shangliang.reports.urls")),
    path("api/v1/", api.urls),
    path("api-tokens/", include("shangliang.api.page_urls")),
    # The admin site signs in through the site's one login (throttled, with the second step).
    path("admin/login/", LoginView.as_view()),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # In production the reverse proxy serves uploaded photos (see the README).
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
