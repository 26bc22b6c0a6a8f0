from django.urls import path

from shangliang.core import views

app_name = "core"
urlpatterns = [
    path("staff/", views.staff_home, name="staff-home"),
    path("text-size/", views.set_text_size, name="text-size"),
    path("healthz", views.healthz, name="healthz"),
]
