from __future__ import annotations

from django import forms

from shangliang.actions.models import SourceType
from shangliang.concerns.forms import MultiplePhotoField
from shangliang.core.forms import Form
from shangliang.supervision.models import Finding, Method, VisitMethod
from shangliang.supervision.selectors import RAG_LABELS


class BoardFilterForm(Form):
    department = forms.TypedChoiceField(label="承办单位", required=False, coerce=int, empty_value=None)
    region = forms.TypedChoiceField(label="区域", required=False, coerce=int, empty_value=None)
    topic = forms.TypedChoiceField(label="议题", required=False, coerce=int, empty_value=None)
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部"), *SourceType.choices])
    colour = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RAG_LABELS.items()])


class RecordForm(Form):
    method = forms.ChoiceField(label="督办方式", choices=Method.choices)
    contact = forms.CharField(label="对接人（选填）", required=False, max_length=60)
    note = forms.CharField(label="督办情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class ExtensionForm(Form):
    decision = forms.ChoiceField(
        label="审批意见",
        choices=[("approve", "同意延期"), ("refuse", "不同意延期")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="理由（不同意时必填）", required=False, max_length=300)


class VisitForm(Form):
    method = forms.ChoiceField(label="回访方式", choices=VisitMethod.choices, widget=forms.RadioSelect)
    finding = forms.ChoiceField(label="回访结论", choices=Finding.choices, widget=forms.RadioSelect)
    residents = forms.CharField(label="回访对象", max_length=100, help_text="例如：3栋住户王阿姨等 5 户")
    note = forms.CharField(label="回访情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)
    photos = MultiplePhotoField(label="现场照片（入户走访必传，最多 6 张）", required=False)
