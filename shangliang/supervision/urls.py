from django.urls import path

from shangliang.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/record/", views.add_record, name="record"),
    path("items/<int:pk>/extension/", views.decide_extension, name="extension"),
    path("items/<int:pk>/visit/", views.visit, name="visit"),
    path("visits/<int:pk>/apply/", views.apply_visit, name="visit-apply"),
    path("verify/", views.verify_list, name="verify-list"),
]
