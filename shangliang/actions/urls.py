from django.urls import path

from shangliang.actions import views

app_name = "actions"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:name>/", views.step, name="step"),
]
