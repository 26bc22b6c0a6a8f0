from django.urls import path

from shangliang.concerns import staff_views, views

app_name = "concerns"
urlpatterns = [
    path("new/", views.submit, name="submit"),
    path("similar/", views.similar_fragment, name="similar"),
    path("grids/", views.grid_options, name="grid-options"),
    path("communities/", views.community_options, name="community-options"),
    path("p/<str:public_id>/", views.public_detail, name="public-detail"),
    path("p/<str:public_id>/support/", views.support, name="support"),
    path("p/<str:public_id>/follow/", views.follow, name="follow"),
    path("follow/<str:token>/stop/", views.unfollow, name="unfollow"),
    path("track/", views.lookup, name="lookup"),
    path("t/<str:code>/", views.track, name="track"),
    path("t/<str:code>/followup/", views.followup, name="followup"),
    path("t/<str:code>/contact/", views.contact, name="contact"),
    path("mine/", views.my_concerns, name="mine"),
    path("mine/signout/", views.my_concerns_signout, name="mine-signout"),
    path("rooms/<int:pk>/poster.pdf", staff_views.room_poster, name="room-poster"),
    path("staff/", staff_views.concern_list, name="staff-list"),
    path("staff/assist/", staff_views.assist, name="assist"),
    path("staff/<int:pk>/", staff_views.concern_detail, name="staff-detail"),
    path("staff/<int:pk>/contact/", staff_views.reveal_contact, name="reveal-contact"),
]
