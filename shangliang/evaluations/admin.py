from django.contrib import admin

from shangliang.evaluations.models import Evaluation, Indicator


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """Read-only: evaluations change only through the services (votes are raw records)."""

    list_display = ("title", "round", "status", "composite", "passed", "closed_at")
    list_filter = ("status", "passed")
    search_fields = ("title",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "topic", "before", "after", "unit")
    search_fields = ("name", "topic__title")
