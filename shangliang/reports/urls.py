from django.urls import path, re_path

from shangliang.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.staff_statistics, name="statistics"),
    path("public/", views.public_statistics, name="public-statistics"),
    re_path(r"^export\.(?P<fmt>xlsx|csv)$", views.export_statistics, name="export-statistics"),
    path("exports/", views.export_list, name="exports"),
    re_path(r"^exports/(?P<name>[a-z]+)\.(?P<fmt>xlsx|csv)$", views.export_records, name="export-records"),
    path("exports/jobs/", views.export_job_create, name="export-job-create"),
    path("exports/jobs/<int:pk>/", views.export_job, name="export-job"),
    path("exports/jobs/<int:pk>/download/", views.export_job_download, name="export-job-download"),
    path("summary.docx", views.annual_summary, name="summary"),
    path("open-data/", views.open_data, name="open-data"),
    re_path(r"^open-data/(?P<name>[a-z]+)\.(?P<fmt>csv|json)$", views.open_dataset, name="open-dataset"),
]
