from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.accounts import services
from shangliang.accounts.models import User
from shangliang.core.errors import ApplicationError

# Authenticators change only through the audited services (the person's 账号安全 page, the reset
# action below), never by editing django-otp's rows in the admin.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


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
    actions = ("reset_two_factor",)
    add_fieldsets = (
        *(BaseUserAdmin.add_fieldsets or ()),
        ("角色与数据范围", {"fields": ("display_name", "role", "region", "organisation", "member")}),
    )

    @admin.action(description="重置两步验证（手机丢失时：删除身份验证器和恢复码）")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            try:
                services.two_factor_reset(
                    user=user, actor=request.user, reason="管理后台重置（手机丢失或更换）"
                )
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                self.message_user(request, f"已重置 {user} 的两步验证。", messages.SUCCESS)
