from django.urls import path, re_path

from shangliang.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.staff_statistics, name="statistics"),
    path("public/", views.public_statistics, name="public-statistics"),
    re_path(r"^export\.(?P<fmt>xlsx|csv)$", views.export_statistics, name="export-statistics"),
]
