"""Forms of the intake. They collect and shape input; the rules are enforced by the services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from shangliang.concerns import rules
from shangliang.concerns.models import ASSISTED_CHANNELS, ConcernSource, EntryChannel
from shangliang.concerns.services import ConcernInput
from shangliang.core.forms import Form
from shangliang.places.models import Region, RegionLevel
from shangliang.text.models import Category


class MultipleFileInput(forms.FileInput):
    """Several files at once. A plain file input: none of these forms offers a stored file to
    clear."""

    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to ``rules.MAX_PHOTOS`` photos; content is checked by the service."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files if f]


class PlaceMixin(Form):
    """街道 → 村/社区 → 网格. The street only narrows the community list; the grid is optional."""

    street = forms.ModelChoiceField(
        label="街道",
        queryset=Region.objects.filter(level=RegionLevel.STREET).order_by("path"),
        required=False,
        empty_label="全部街道",
    )
    community = forms.ModelChoiceField(
        label="村(社区)",
        queryset=Region.objects.filter(level=RegionLevel.COMMUNITY),
        empty_label="请选择村(社区)",
        error_messages={
            "required": "请选择问题所在的村(社区)。",
            "invalid_choice": "所选村(社区)不存在，请重新选择。",
        },
    )
    grid = forms.ModelChoiceField(
        label="网格",
        queryset=Region.objects.filter(level=RegionLevel.GRID),
        required=False,
        empty_label="不清楚网格",
        error_messages={"invalid_choice": "所选网格不存在，请重新选择。"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        community, grid = data.get("community"), data.get("grid")
        if community and grid and grid.parent_id != community.pk:
            self.add_error("grid", "所选网格不属于该村(社区)，请重新选择或选“不清楚网格”。")
        return data

    def place_id(self) -> int | None:
        grid = self.cleaned_data.get("grid")
        community = self.cleaned_data.get("community")
        return grid.pk if grid else (community.pk if community else None)


PUBLICITY_CHOICES = [
    ("public", "公开：研判后，由工作人员隐去姓名、电话、门牌号等个人信息再公开"),
    ("private", "不公开：只有办理的工作人员能看到"),
]


class ConcernForm(PlaceMixin):
    # No maxlength in the page: a browser would cut a long paste without a word; the count is
    # shown while typing and a text over the limit comes back whole with its length.
    text = forms.CharField(
        label="遇到了什么问题？",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=rules.MAX_TEXT,
        error_messages={
            "required": "请填写您要反映的问题。",
            "max_length": "问题描述不能超过 %(limit_value)d 字（现在 %(show_value)d 字），请精简后再提交。",
        },
        help_text="用自己的话说清楚：什么问题、在哪里、影响了谁。",
    )
    place_description = forms.CharField(
        label="具体位置（选填）",
        required=False,
        max_length=rules.MAX_PLACE,
        help_text="例如：5栋2单元楼下、南珠市场东门。",
        error_messages={"max_length": f"具体位置不能超过 {rules.MAX_PLACE} 字。"},
    )
    category = forms.ModelChoiceField(
        label="问题类别",
        queryset=Category.objects.filter(active=True),
        required=False,
        empty_label="由系统根据描述推荐",
    )
    photos = MultiplePhotoField(label=f"照片（选填，最多 {rules.MAX_PHOTOS} 张）", required=False)
    contact = forms.ChoiceField(
        label="是否留下手机号",
        choices=[("anonymous", "匿名反映，凭查询码查看进度"), ("phone", "留下手机号，接收办理进度短信")],
        widget=forms.RadioSelect,
        initial="anonymous",
    )
    phone = forms.CharField(
        label="手机号",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
    )
    consent = forms.BooleanField(
        label="我同意将手机号用于联系我和发送办理进度短信。手机号加密保存，仅经办人员可见，我可以随时删除。",
        required=False,
        template_name="forms/checkbox_field.html",
    )
    publicity = forms.ChoiceField(
        label="是否公开",
        choices=PUBLICITY_CHOICES,
        widget=forms.RadioSelect,
        initial="public",
        required=False,
    )
    client_token = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_new = forms.BooleanField(widget=forms.HiddenInput, required=False)
    # A field people never see; software that fills every field reveals itself.
    website = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("client_token"):
            self.initial["client_token"] = uuid.uuid4().hex

    def to_input(self) -> ConcernInput:
        data = self.cleaned_data
        with_phone = data["contact"] == "phone"
        return ConcernInput(
            text=data["text"],
            region_id=self.place_id(),
            place_description=data.get("place_description", ""),
            category_id=data["category"].pk if data.get("category") else None,
            phone=data.get("phone", "") if with_phone else "",
            consent=bool(data.get("consent")),
            anonymous=not with_phone,
            is_public=data.get("publicity") != "private",
            photos=data.get("photos") or [],
            client_token=data.get("client_token", ""),
        )


class AssistedConcernForm(ConcernForm):
    """代录: a grid worker or staff member types in a concern for a resident."""

    channel = forms.ChoiceField(
        label="收集方式",
        choices=[(c.value, c.label) for c in EntryChannel if c in ASSISTED_CHANNELS],
        initial=EntryChannel.PHONE,
    )
    source = forms.ChoiceField(
        label="来源",
        choices=[
            (ConcernSource.RESIDENT.value, "群众出题（代居民反映）"),
            (ConcernSource.GRID.value, "网格筛题（入户走访收集）"),
        ],
        initial=ConcernSource.RESIDENT,
        required=False,
    )
    name = forms.CharField(label="居民姓名（选填）", required=False, max_length=30)
    external_ref = forms.CharField(label="12345工单号", required=False, max_length=40)
    consent = forms.BooleanField(
        label="已征得居民同意记录其姓名和手机号", required=False, template_name="forms/checkbox_field.html"
    )

    field_order = [
        "channel",
        "source",
        "external_ref",
        "street",
        "community",
        "grid",
        "text",
        "place_description",
        "category",
        "name",
        "phone",
        "consent",
        "photos",
    ]

    def to_input(self) -> ConcernInput:
        data = self.cleaned_data
        return ConcernInput(
            text=data["text"],
            region_id=self.place_id(),
            place_description=data.get("place_description", ""),
            category_id=data["category"].pk if data.get("category") else None,
            phone=data.get("phone", ""),
            name=data.get("name", ""),
            consent=bool(data.get("consent")),
            anonymous=not data.get("phone"),
            photos=data.get("photos") or [],
            client_token=data.get("client_token", ""),
            channel=data["channel"],
            source=data.get("source") or ConcernSource.RESIDENT,
            external_ref=data.get("external_ref", ""),
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["contact"]
        del self.fields["website"]
        del self.fields["confirm_new"]


class FollowUpForm(Form):
    text = forms.CharField(
        label="补充情况", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=rules.MAX_TEXT
    )
    photos = MultiplePhotoField(label="补充照片（选填）", required=False)


class CodeLookupForm(Form):
    code = forms.CharField(
        label="查询码", max_length=20, help_text="提交时获得的 8 位查询码，例如 K7QM-3XTP。"
    )


class PhoneForm(Form):
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
    )


class OtpForm(Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"min_length": "验证码是 6 位数字。", "required": "请输入短信验证码。"},
    )
