from django.urls import path

from shangliang.topics import views

app_name = "topics"
urlpatterns = [
    path("", views.public_list, name="public-list"),
    path("<int:pk>/", views.public_detail, name="public-detail"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/recommend/", views.recommend, name="recommend"),
    path("staff/assign/", views.assign, name="assign"),
    path("staff/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:pk>/edit/", views.edit, name="edit"),
    path("staff/<int:pk>/transition/", views.transition, name="transition"),
    path("staff/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("staff/<int:pk>/documents/", views.add_document, name="add-document"),
    path("staff/<int:pk>/documents/<int:doc_pk>/", views.document, name="document"),
]
