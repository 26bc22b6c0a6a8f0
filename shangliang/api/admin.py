from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from shangliang.api import services
from shangliang.api.forms import check_account
from shangliang.api.models import SCOPES, ApiToken
from shangliang.api.permissions import can_manage_tokens
from shangliang.core.scope import scope_of


class ApiTokenForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        label="可用接口", choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["organisation", "user", "name"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_account(self, data)
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    fields = ["organisation", "user", "name", "scope_choices"]
    list_display = [
        "name",
        "organisation",
        "user",
        "scopes",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["organisation"]
    actions = ["revoke"]

    # Administrators of the platform (the role), whatever their model permissions.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_tokens(scope_of(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_tokens(scope_of(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_tokens(scope_of(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_tokens(scope_of(request.user))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, never deleted: the audit trail refers to them

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A token's identity never changes after it is issued: revoke it and issue another.
        if obj is not None:
            return [
                "organisation",
                "user",
                "name",
                "scopes",
                "prefix",
                "created_by",
                "created_at",
                "last_used_at",
                "revoked_at",
            ]
        return []

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["form"] = forms.ModelForm
            kwargs["fields"] = []
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_readonly_fields(request, obj) if obj is not None else self.fields

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return
        token, issued = services.token_issue(
            organisation=form.cleaned_data["organisation"],
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scope_choices"],
            scope=scope_of(request.user),
            actor=request.user,
        )
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued, field.attname))
        messages.warning(request, f"令牌已创建。请立即复制并妥善保存，它只显示这一次：{token}")

    @admin.action(description="撤销所选令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        scope = scope_of(request.user)
        for token in queryset.filter(revoked_at__isnull=True):
            services.token_revoke(token=token, scope=scope, actor=request.user)
            count += 1
        messages.success(request, f"已撤销 {count} 个令牌（{timezone.localtime():%Y-%m-%d %H:%M}）。")
