"""The rule table is the administrator's (DOMAIN: score rules are admin-editable); ledger entries are
derived and read-only; everything else changes through the pages (services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shangliang.duty.models import DutyEntry, DutyItem, DutyRule


class DutyRuleInline(admin.TabularInline):
    model = DutyRule
    extra = 0
    fields = ["code", "label", "unit", "points", "self_reportable", "active", "sort_order"]


@admin.register(DutyItem)
class DutyItemAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "annual_cap", "is_key", "sort_order"]
    list_editable = ["annual_cap", "is_key", "sort_order"]
    inlines = [DutyRuleInline]


@admin.register(DutyRule)
class DutyRuleAdmin(admin.ModelAdmin):
    list_display = ["label", "item", "unit", "points", "self_reportable", "active"]
    list_filter = ["item", "self_reportable", "active"]
    list_editable = ["points", "self_reportable", "active"]


@admin.register(DutyEntry)
class DutyEntryAdmin(admin.ModelAdmin):
    list_display = ["member", "year", "rule", "occurred_on", "points", "counted", "label"]
    list_filter = ["year", "rule__item"]
    search_fields = ["member__name", "label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
