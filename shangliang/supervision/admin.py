from django.contrib import admin

from shangliang.supervision.models import Escalation, SupervisionRecord


@admin.register(SupervisionRecord)
class SupervisionRecordAdmin(admin.ModelAdmin):
    list_display = ("item", "method", "author", "created_at")
    list_filter = ("method",)

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("item", "leader", "overdue_working_days", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False
