"""Meetings are planned and changed through the staff pages (services); the admin shows them
read-only for support, and lets administrators inspect the duty facts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shangliang.meetings.models import Meeting, MemberDutyFact


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "starts_at", "region", "room", "is_public"]
    list_filter = ["status", "form", "is_public"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"


@admin.register(MemberDutyFact)
class MemberDutyFactAdmin(ReadOnlyAdmin):
    list_display = ["member", "kind", "meeting", "meeting_form", "occurred_on"]
    list_filter = ["kind", "meeting_form"]
    search_fields = ["member__name", "meeting__title"]
