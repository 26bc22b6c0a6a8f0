from __future__ import annotations

from typing import Any

from django import forms

from shangliang.core.forms import Form
from shangliang.outputs.models import Adoption, LeaderLevel, OutputKind

DRAFT_KINDS = [(k, label) for k, label in OutputKind.choices if k != OutputKind.PROPOSAL]


class DraftForm(Form):
    kind = forms.ChoiceField(label="成果类型", choices=DRAFT_KINDS)
    title = forms.CharField(label="标题（可留空，自动生成）", required=False, max_length=120)


class EditForm(Form):
    title = forms.CharField(label="标题", max_length=120)
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 18}))
    signatory = forms.CharField(label="落款", max_length=60, required=False)
    issued_on = forms.DateField(
        label="成文日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DecideForm(Form):
    decision = forms.ChoiceField(
        label="审定结果", choices=[("approve", "审定通过"), ("return", "退回修改")], widget=forms.RadioSelect
    )
    approval_body = forms.CharField(label="审定会议", required=False, max_length=30, initial="主席会议")
    reason = forms.CharField(label="退回理由", required=False, max_length=300)


class SendForm(Form):
    organisations: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="报送单位", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    users: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="报送领导（个人）", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organisations: Any = None, users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("organisations", organisations), ("users", users)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset


class InstructionForm(Form):
    leader = forms.CharField(label="批示领导", max_length=30)
    level = forms.ChoiceField(label="层级", choices=LeaderLevel.choices)
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 3}))
    given_on = forms.DateField(label="批示日期", widget=forms.DateInput(attrs={"type": "date"}))


class ReplyForm(Form):
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 3}))
    replied_on = forms.DateField(label="答复日期", widget=forms.DateInput(attrs={"type": "date"}))


class AdoptionForm(Form):
    adoption = forms.ChoiceField(label="采纳情况", choices=Adoption.choices)
    note = forms.CharField(label="说明", required=False, max_length=300)
