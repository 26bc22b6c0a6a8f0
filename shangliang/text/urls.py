from django.urls import path

from shangliang.text import views

app_name = "text"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("hot/", views.hot_issues, name="hot-issues"),
]
