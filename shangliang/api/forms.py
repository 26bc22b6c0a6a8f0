"""The form that issues an integration token (the administrators' page and the admin)."""

from __future__ import annotations

from typing import Any

from django import forms

from shangliang.accounts.models import User
from shangliang.api.models import SCOPES
from shangliang.places.models import Organisation

OUTSIDE_ORGANISATION = "代表账号必须属于所选单位。"


def check_account(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """The account a token acts as belongs to the organisation it is issued to."""
    user, organisation = data.get("user"), data.get("organisation")
    if user is not None and organisation is not None and user.organisation_id != organisation.pk:
        form.add_error("user", OUTSIDE_ORGANISATION)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.display_name or obj.username
        return f"{name}（{obj.username}，{obj.organisation}）"


class TokenIssueForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="单位",
        queryset=Organisation.objects.order_by("name"),
        error_messages={"required": "请选择令牌所属的单位。", "invalid_choice": "所选单位不存在。"},
    )
    user = AccountChoiceField(
        label="代表账号",
        queryset=User.objects.filter(is_active=True, organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name", "username"),
        help_text="令牌以这个账号的身份访问，能看到的数据与该账号在网站上相同。",
        error_messages={"required": "请选择令牌代表的账号。", "invalid_choice": "所选账号不存在或已停用。"},
    )
    name = forms.CharField(
        label="用途", max_length=60, error_messages={"required": "请写明令牌的用途，例如“12345热线对接”。"}
    )
    scopes = forms.MultipleChoiceField(
        label="可用接口",
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项可用接口。"},
    )
    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_account(self, data)
        return data


class RevokeForm(forms.Form):
    confirm = forms.BooleanField(
        label="我确认撤销这个令牌：使用它的系统将立即无法访问接口",
        error_messages={"required": "请勾选确认后再撤销。"},
    )
