from django.urls import path, re_path

from shangliang.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.staff_statistics, name="statistics"),
    path("public/", views.public_statistics, name="public-statistics"),
    re_path(r"^export\.(?P<fmt>xlsx|csv)$", views.export_statistics, name="export-statistics"),
    path("exports/", views.export_list, name="exports"),
    re_path(r"^exports/(?P<name>[a-z]+)\.(?P<fmt>xlsx|csv)$", views.export_records, name="export-records"),
    path("summary.docx", views.annual_summary, name="summary"),
    path("open-data/", views.open_data, name="open-data"),
    re_path(r"^open-data/(?P<name>[a-z]+)\.(?P<fmt>csv|json)$", views.open_dataset, name="open-dataset"),
]
