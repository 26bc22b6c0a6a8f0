from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from shangliang.api.urls import api

admin.site.site_header = f"{settings.SHANGLIANG['BRAND_NAME']} 管理后台"
admin.site.site_title = settings.SHANGLIANG["BRAND_NAME"]
admin.site.index_title = "基础数据与配置"

urlpatterns = [
    path("", include("shangliang.portal.urls")),
    path("", include("shangliang.core.urls")),
    path("accounts/", include("shangliang.accounts.urls")),
    path("places/", include("shangliang.places.urls")),
    path("text/", include("shangliang.text.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
