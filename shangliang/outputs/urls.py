from django.urls import path

from shangliang.outputs import views

app_name = "outputs"
urlpatterns = [
    path("", views.output_list, name="list"),
    path("received/", views.received, name="received"),
    path("from-topic/<int:topic_id>/", views.draft_from_topic, name="draft-topic"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/instruction/", views.instruction, name="instruction"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/adoption/", views.adoption, name="adoption"),
    path("<int:pk>/document.docx", views.docx, name="docx"),
    path("<int:pk>/print/", views.printable, name="print"),
]
