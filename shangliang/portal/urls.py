from django.urls import path

from shangliang.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("files/<str:token>/", views.file, name="file"),
]
