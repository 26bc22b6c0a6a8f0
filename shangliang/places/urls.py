from django.urls import path

from shangliang.places import staff_views, views

app_name = "places"
urlpatterns = [
    path("rooms/", views.room_public_list, name="room-public-list"),
    path("rooms/<int:pk>/", views.room_public, name="room-public"),
    path("staff/regions/", staff_views.region_tree, name="region-tree"),
    path("staff/regions/<int:pk>/", staff_views.region_detail, name="region-detail"),
    path("staff/organisations/", staff_views.organisation_list, name="organisation-list"),
    path("staff/members/", staff_views.member_list, name="member-list"),
    path("staff/members/<int:pk>/phone/", staff_views.member_phone, name="member-phone"),
    path("staff/groups/", staff_views.group_list, name="group-list"),
    path("staff/groups/<int:community_pk>/", staff_views.group_edit, name="group-edit"),
    path("staff/coverage/", staff_views.coverage, name="coverage"),
    path("staff/rooms/", staff_views.room_list, name="room-list"),
    path("staff/rooms/new/", staff_views.room_create, name="room-create"),
    path("staff/rooms/<int:pk>/", staff_views.room_detail, name="room-detail"),
    path("staff/rooms/<int:pk>/edit/", staff_views.room_edit, name="room-edit"),
    path("staff/rooms/<int:pk>/checks/<str:item>/", staff_views.room_check, name="room-check"),
    path("staff/rooms/<int:pk>/schedules/new/", staff_views.schedule_create, name="schedule-create"),
    path("staff/schedules/<int:pk>/edit/", staff_views.schedule_edit, name="schedule-edit"),
    path("staff/evidence/<int:pk>/", staff_views.evidence, name="evidence"),
]
