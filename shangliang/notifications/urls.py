from django.urls import path

from shangliang.notifications import staff_views

app_name = "notifications"
urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("<int:pk>/read/", staff_views.mark_read, name="mark-read"),
    path("read-all/", staff_views.mark_all_read, name="mark-all-read"),
]
