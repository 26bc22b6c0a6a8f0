from django.urls import path

from shangliang.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bulk/", views.bulk, name="bulk"),
    path("hot/", views.hot, name="hot"),
    path("c/<int:pk>/", views.concern_page, name="concern"),
    path("c/<int:pk>/decide/", views.decide, name="decide"),
    path("c/<int:pk>/merge/", views.merge, name="merge"),
    path("c/<int:pk>/split/", views.split, name="split"),
    path("c/<int:pk>/start/", views.start, name="start"),
    path("c/<int:pk>/not-same/", views.dismiss, name="dismiss"),
    path("c/<int:pk>/category/", views.set_category, name="category"),
    path("c/<int:pk>/publish/", views.publish, name="publish"),
]
