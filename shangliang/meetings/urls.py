from django.urls import path

from shangliang.meetings import staff_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.public_list, name="public-list"),
    path("<int:pk>/", views.public_detail, name="public-detail"),
    path("<int:pk>/meeting.ics", views.public_ics, name="public-ics"),
    path("rooms/<int:pk>/calendar/", views.room_calendar, name="room-calendar"),
    path("signup/<str:token>/", views.registration, name="registration"),
    path("signup/<str:token>/cancel/", views.registration_cancel, name="registration-cancel"),
    path("i/<str:token>/", views.invitation, name="invitation"),
    path("i/<str:token>/meeting.ics", views.invitation_ics, name="invitation-ics"),
    path("c/<str:token>/", views.checkin, name="checkin"),
    path("mine/", views.mine, name="mine"),
    path("staff/", staff_views.staff_list, name="staff-list"),
    path("staff/new/", staff_views.create, name="staff-create"),
    path("staff/<int:pk>/", staff_views.detail, name="staff-detail"),
    path("staff/<int:pk>/edit/", staff_views.edit, name="staff-edit"),
    path("staff/<int:pk>/do/<str:action>/", staff_views.transition, name="staff-transition"),
    path("staff/<int:pk>/participants/", staff_views.participant_add, name="staff-participant-add"),
    path(
        "staff/<int:pk>/participants/<int:participant_pk>/remove/",
        staff_views.participant_remove,
        name="staff-participant-remove",
    ),
    path(
        "staff/<int:pk>/participants/<int:participant_pk>/attendance/",
        staff_views.attendance,
        name="staff-attendance",
    ),
    path("staff/<int:pk>/materials/", staff_views.materials_add, name="staff-materials"),
    path("<int:pk>/materials/<int:material_pk>/", staff_views.material, name="material"),
    path("staff/<int:pk>/checkin/", staff_views.checkin_page, name="staff-checkin"),
    path("staff/<int:pk>/checkin/<int:participant_pk>/", staff_views.checkin_one, name="staff-checkin-one"),
    path("staff/<int:pk>/qr/", staff_views.qr_page, name="staff-qr"),
    path("staff/<int:pk>/record/", staff_views.record_page, name="staff-record"),
    path("staff/<int:pk>/record/<str:kind>/", staff_views.record_page, name="staff-record-add"),
    path(
        "staff/<int:pk>/record/<str:kind>/<int:item_pk>/remove/",
        staff_views.record_remove,
        name="staff-record-remove",
    ),
    path("staff/<int:pk>/confirm/", staff_views.confirm, name="staff-confirm"),
    path("staff/<int:pk>/minutes/", staff_views.minutes_page, name="staff-minutes"),
    path("staff/<int:pk>/minutes.docx", staff_views.minutes_docx, name="staff-minutes-docx"),
    path("staff/<int:pk>/meeting.ics", staff_views.staff_ics, name="staff-ics"),
    path("staff/<int:pk>/assign/", staff_views.assign, name="staff-assign"),
]
