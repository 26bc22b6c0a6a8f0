from django.contrib import admin

from shangliang.concerns.models import Concern, ConcernPhoto, SensitiveWord


class PhotoInline(admin.TabularInline):
    model = ConcernPhoto
    extra = 0
    fields = ("thumbnail", "created_at")
    readonly_fields = ("thumbnail", "created_at")
    can_delete = False


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """Read-mostly: changes go through the staff pages so that they are audited."""

    list_display = (
        "tracking_code",
        "community",
        "category",
        "status",
        "channel",
        "needs_review",
        "created_at",
    )
    list_filter = ("status", "source", "channel", "needs_review")
    search_fields = ("tracking_code",)
    readonly_fields = [f.name for f in Concern._meta.fields]
    exclude = ("name_encrypted", "phone_encrypted", "phone_hash", "client_token", "submitted_ip_hash")
    inlines = [PhotoInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(SensitiveWord)
class SensitiveWordAdmin(admin.ModelAdmin):
    list_display = ("word", "active")
    list_filter = ("active",)
    search_fields = ("word",)
