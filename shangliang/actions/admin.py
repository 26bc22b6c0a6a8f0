from django.contrib import admin

from shangliang.actions.models import ActionItem, CategoryPolicy


@admin.register(CategoryPolicy)
class CategoryPolicyAdmin(admin.ModelAdmin):
    """Per category: the working days of a direct assignment (urgent: 1 by default) and the usual department."""

    list_display = ("category", "working_days", "urgent_working_days", "department")
    list_editable = ("working_days", "urgent_working_days", "department")
    autocomplete_fields = ("category",)


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    """Read-only: items change through the department and office pages, which audit every step."""

    list_display = ("title", "department", "status", "deadline", "result_class")
    list_filter = ("status", "result_class", "urgent")
    search_fields = ("title",)
    readonly_fields = [f.name for f in ActionItem._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
