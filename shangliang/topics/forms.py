"""Forms of topics. They shape input; the services enforce the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from shangliang.concerns.forms import MultipleFileInput
from shangliang.core.forms import Form, add_service_error
from shangliang.places.models import ActivityGroup, Organisation, OrganisationKind, Region, RegionLevel
from shangliang.text.models import Category
from shangliang.topics.models import TopicForm, TopicPurpose, TopicStatus
from shangliang.topics.services import TopicDraft


class MultipleFileField(forms.FileField):
    """Several files at once (their content is checked by the service)."""

    widget = MultipleFileInput(attrs={"multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class VersionedForm(Form):
    """Carries the version the page was rendered with, so a stale submit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TopicEditForm(VersionedForm):
    title = forms.CharField(label="议题名称", max_length=100)
    description = forms.CharField(label="议题说明", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    form = forms.ChoiceField(label="协商形式", choices=TopicForm.choices, initial=TopicForm.MICRO)
    purpose = forms.ChoiceField(
        label="协商目的", choices=TopicPurpose.choices, initial=TopicPurpose.DELIBERATE
    )
    category = forms.ModelChoiceField(
        label="类别", queryset=Category.objects.filter(active=True), required=False, empty_label="（不限）"
    )
    committee = forms.ModelChoiceField(
        label="负责专委会",
        queryset=Organisation.objects.filter(kind=OrganisationKind.SPECIAL_COMMITTEE, active=True),
        required=False,
        empty_label="（无）",
    )
    activity_group = forms.ModelChoiceField(
        label="负责委员活动小组", queryset=ActivityGroup.objects.all(), required=False, empty_label="（无）"
    )
    required_by = forms.DateField(
        label="要求完成日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    research_notes = forms.CharField(
        label="调研情况", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_public = forms.BooleanField(label="在网站公开（不含个人信息）", required=False, initial=True)
    attachments = MultipleFileField(label="附件（选填，图片、PDF、Word、Excel）", required=False)

    def to_draft(self) -> TopicDraft:
        data = self.cleaned_data
        return TopicDraft(
            title=data["title"],
            description=data.get("description", ""),
            form=data["form"],
            purpose=data["purpose"],
            category_id=data["category"].pk if data.get("category") else None,
            committee_id=data["committee"].pk if data.get("committee") else None,
            activity_group_id=data["activity_group"].pk if data.get("activity_group") else None,
            required_by=data.get("required_by"),
            research_notes=data.get("research_notes", ""),
            is_public=bool(data.get("is_public")),
            files=data.get("attachments") or [],
        )


class TransitionForm(VersionedForm):
    new = forms.ChoiceField(choices=TopicStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label="原因（撤销时必填）", required=False, max_length=300)


class DocumentForm(Form):
    attachments = MultipleFileField(label="上传材料")
    note = forms.CharField(label="说明（选填）", required=False, max_length=200)


class RecommendForm(TopicEditForm):
    """委员荐题."""

    community = forms.ModelChoiceField(label="联系的村(社区)", queryset=Region.objects.none())
    text = forms.CharField(label="反映的问题", widget=forms.Textarea(attrs={"rows": 4}))
    field_order = [
        "community",
        "title",
        "text",
        "research_notes",
        "form",
        "purpose",
        "category",
        "attachments",
    ]

    def __init__(self, *args: Any, community_ids: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Region.objects.filter(level=RegionLevel.COMMUNITY)
        cast(forms.ModelChoiceField, self.fields["community"]).queryset = (
            qs if community_ids is None else qs.filter(pk__in=community_ids)
        )
        for name in ("committee", "activity_group", "required_by", "is_public", "description", "version"):
            del self.fields[name]


class AssignForm(TopicEditForm):
    """党委政府点题."""

    region = forms.ModelChoiceField(
        label="区域",
        queryset=Region.objects.filter(
            level__in=[RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY]
        ),
    )
    text = forms.CharField(label="点题说明", widget=forms.Textarea(attrs={"rows": 4}))
    field_order = [
        "region",
        "title",
        "text",
        "required_by",
        "form",
        "purpose",
        "committee",
        "category",
        "files",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["required_by"].required = True
        for name in ("activity_group", "research_notes", "description", "version"):
            del self.fields[name]


apply_error = add_service_error
