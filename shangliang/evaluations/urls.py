from django.urls import path

from shangliang.evaluations import staff_views, views

app_name = "evaluations"
urlpatterns = [
    # Public: 群众评价 by QR code or SMS link, and 成果公示.
    path("v/<str:token>/", views.vote, name="vote"),
    path("results/", views.results, name="results"),
    path("results/<int:pk>/", views.result, name="result"),
    # Staff, reviewers, invited members, grid workers.
    path("", staff_views.evaluation_list, name="list"),
    path("open/topic/<int:pk>/", staff_views.open_for_topic, name="open-topic"),
    path("open/item/<int:pk>/", staff_views.open_for_item, name="open-item"),
    path("<int:pk>/", staff_views.detail, name="detail"),
    path("<int:pk>/review/", staff_views.review, name="review"),
    path("<int:pk>/ballot/", staff_views.ballot, name="ballot"),
    path("<int:pk>/paper/", staff_views.paper, name="paper"),
    path("<int:pk>/resident/", staff_views.resident_entry, name="resident-entry"),
    path("<int:pk>/close/", staff_views.close, name="close"),
    path("topics/<int:pk>/indicators/", staff_views.indicators, name="indicators"),
]
