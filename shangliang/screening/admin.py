from django.contrib import admin

from shangliang.screening.models import Decision, DeclineReason


@admin.register(DeclineReason)
class DeclineReasonAdmin(admin.ModelAdmin):
    list_display = ("text", "sort_order", "active")
    list_editable = ("sort_order", "active")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("concern", "kind", "level", "actor", "created_at")
    list_filter = ("kind", "level")
    readonly_fields = [f.name for f in Decision._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
