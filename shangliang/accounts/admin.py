from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from shangliang.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "region", "organisation", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "display_name")
    autocomplete_fields = ("region", "organisation", "member")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("角色与数据范围", {"fields": ("display_name", "role", "region", "organisation", "member", "phone")}),
    )
    add_fieldsets = (
        *(BaseUserAdmin.add_fieldsets or ()),
        ("角色与数据范围", {"fields": ("display_name", "role", "region", "organisation", "member")}),
    )
