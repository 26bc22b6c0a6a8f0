"""Forms of the screening desk; the services enforce the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from shangliang.actions.forms import department_field
from shangliang.core.forms import Form
from shangliang.places.models import Organisation, OrganisationKind
from shangliang.screening.models import DecisionKind, DeclineReason
from shangliang.screening.services import DecisionInput
from shangliang.topics.forms import VersionedForm
from shangliang.topics.models import TopicForm, TopicPurpose
from shangliang.topics.services import TopicDraft

DATE = forms.DateInput(attrs={"type": "date"})


class DecisionForm(VersionedForm):
    kind = forms.ChoiceField(label="研判结果", choices=DecisionKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="理由（居民会在办理进度中看到，请勿写个人信息）",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # 立题
    topic = forms.IntegerField(label="并入已有议题", required=False, widget=forms.Select)
    topic_title = forms.CharField(label="新议题名称", required=False, max_length=100)
    topic_form = forms.ChoiceField(
        label="协商形式", choices=TopicForm.choices, initial=TopicForm.MICRO, required=False
    )
    topic_purpose = forms.ChoiceField(
        label="协商目的", choices=TopicPurpose.choices, initial=TopicPurpose.DELIBERATE, required=False
    )
    # 直接交办
    department = department_field()
    deadline = forms.DateField(label="办理期限", required=False, widget=DATE)
    urgent = forms.BooleanField(label="紧急（1 个工作日）", required=False)
    # 转介
    body = forms.ModelChoiceField(
        label="转介平台",
        queryset=Organisation.objects.filter(kind=OrganisationKind.LINKED_BODY, active=True).order_by("name"),
        required=False,
        empty_label="请选择",
    )
    reference = forms.CharField(label="对方受理编号", required=False, max_length=40)
    # 不予立题
    decline_reason = forms.ModelChoiceField(
        label="不予立题理由",
        queryset=DeclineReason.objects.filter(active=True),
        required=False,
        empty_label="请选择",
    )
    # 不予立题 cannot be taken back: the resident is told at once.
    confirm_decline = forms.BooleanField(
        label="我确认不予立题（居民会立即收到理由，不能撤回）", required=False
    )

    def __init__(self, *args: Any, topics: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].required = False
        self.fields["topic"].widget.choices = [("", "（新建议题）"), *[(t.pk, t.title) for t in topics]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == DecisionKind.DECLINE and not data.get("confirm_decline"):
            self.add_error("confirm_decline", "请勾选确认后再提交不予立题。")
        return data

    def to_input(self) -> DecisionInput:
        data = self.cleaned_data
        draft = None
        if data["kind"] == DecisionKind.TOPIC and not data.get("topic"):
            draft = TopicDraft(
                title=data.get("topic_title") or "",
                form=data.get("topic_form") or TopicForm.MICRO,
                purpose=data.get("topic_purpose") or TopicPurpose.DELIBERATE,
            )
        return DecisionInput(
            kind=data["kind"],
            reason=data.get("reason", ""),
            topic_id=data.get("topic"),
            topic=draft,
            department_id=data["department"].pk if data.get("department") else None,
            deadline=data.get("deadline"),
            urgent=bool(data.get("urgent")),
            body_id=data["body"].pk if data.get("body") else None,
            reference=data.get("reference", ""),
            decline_reason_id=data["decline_reason"].pk if data.get("decline_reason") else None,
        )


class MergeForm(VersionedForm):
    into_concern = forms.IntegerField(required=False, widget=forms.HiddenInput)
    into_topic = forms.IntegerField(required=False, widget=forms.HiddenInput)


class BulkForm(Form):
    action = forms.ChoiceField(
        choices=[
            ("merge", "合并到第一条"),
            ("topic", "合并立题"),
            ("decline", "不予立题"),
            ("screening", "标记研判中"),
        ]
    )
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    topic_title = forms.CharField(label="新议题名称", required=False, max_length=100)
    decline_reason = forms.ModelChoiceField(
        queryset=DeclineReason.objects.filter(active=True), required=False
    )
    reason = forms.CharField(label="理由", required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        cast(forms.ChoiceField, self.fields["ids"]).choices = [(v, v) for v in values]
        self.fields["ids"].error_messages["required"] = "请先勾选诉求。"
