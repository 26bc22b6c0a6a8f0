from django.contrib import admin

from shangliang.topics.models import Topic, TopicConcern


class LinkInline(admin.TabularInline):
    model = TopicConcern
    extra = 0
    fields = ("concern", "via", "joined_at", "joined_by", "removed_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Read-mostly: topics change through the staff pages so that every change is audited."""

    list_display = ("title", "source", "form", "status", "community", "created_at")
    list_filter = ("status", "source", "form", "purpose")
    search_fields = ("title",)
    readonly_fields = [f.name for f in Topic._meta.fields]
    inlines = [LinkInline]

    def has_add_permission(self, request: object) -> bool:
        return False
