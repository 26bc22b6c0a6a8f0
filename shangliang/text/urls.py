from django.urls import path

from shangliang.text import views

app_name = "text"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("hot/", views.hot_issues, name="hot-issues"),
    path("models/", views.models_page, name="models"),
    path("models/<int:pk>/activate/", views.model_activate, name="model-activate"),
    path("models/roll-back/", views.model_roll_back, name="model-roll-back"),
]
