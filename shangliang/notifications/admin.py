from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from shangliang.notifications import services
from shangliang.notifications.models import OutboxMessage
from shangliang.privacy.personal import InvalidPhone, lookup_hash, normalize_mobile

FIELDS = (
    "created_at",
    "channel",
    "recipient_label",
    "body",
    "about_type",
    "about_id",
    "dedupe_key",
    "request_id",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "sent_at",
    "provider_message_id",
    "read_at",
)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written by services; the only action is to try a failed SMS again."""

    list_display = [
        "id",
        "created_at",
        "channel",
        "recipient_label",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["channel", "status"]
    search_fields = ["dedupe_key", "provider_message_id"]
    date_hierarchy = "created_at"
    fields = FIELDS
    readonly_fields = FIELDS
    list_select_related = ["recipient_user"]
    actions = ["retry_now"]

    @admin.display(description="接收人")
    def recipient_label(self, obj: OutboxMessage) -> str:
        return obj.recipient_label

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        # A full phone number is found through its keyed hash; the number itself is not stored in clear.
        try:
            phone = normalize_mobile(search_term)
        except InvalidPhone:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(phone_hash=lookup_hash(phone)), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_outboxmessage")

    @admin.action(description="立即重试所选短信", permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = services.outbox_retry_now(
            message_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(request, f"已安排重试 {count} 条短信（已发送或发送中的不重试）。", messages.SUCCESS)
