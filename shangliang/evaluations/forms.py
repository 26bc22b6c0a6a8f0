from __future__ import annotations

from typing import Any

from django import forms

from shangliang.core.forms import Form
from shangliang.evaluations.models import Choice, Grade

VOTE_CHOICES = list(Choice.choices)


class OpenForm(Form):
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="参加民主评议的政协委员", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    representatives = forms.CharField(
        label="群众代表（每行一位姓名，纸质投票）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = members


class ReviewForm(Form):
    grade = forms.ChoiceField(label="点评等次", choices=Grade.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="点评意见", widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)


class BallotForm(Form):
    choice = forms.ChoiceField(label="您的评议", choices=VOTE_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见（选填）", required=False, max_length=300)


class PaperForm(Form):
    satisfied = forms.IntegerField(label="满意", min_value=0, initial=0)
    basically = forms.IntegerField(label="基本满意", min_value=0, initial=0)
    dissatisfied = forms.IntegerField(label="不满意", min_value=0, initial=0)
    unknown = forms.IntegerField(label="不了解", min_value=0, initial=0)
    photo = forms.ImageField(label="选票照片")
    note = forms.CharField(label="说明（选填）", required=False, max_length=200)


class ResidentEntryForm(Form):
    household = forms.CharField(
        label="户地址", max_length=100, help_text="如：政法路28号院3栋2单元301，每户只计一票"
    )
    choice = forms.ChoiceField(label="居民评价", choices=VOTE_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label="居民意见（选填）", required=False, max_length=300)


class PhoneForm(Form):
    phone = forms.CharField(
        label="手机号", max_length=20, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )


class CodeForm(Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ResidentVoteForm(Form):
    choice = forms.ChoiceField(label="您对办理结果的评价", choices=VOTE_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="意见建议（选填）", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(Form):
    comment = forms.CharField(
        label="结论意见（选填）", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Closing cannot be undone: the votes stop and the result goes to residents.
    confirm = forms.BooleanField(
        label="我已核对票数，确认结束评价（结束后不能再投票，结果将告知居民）",
        error_messages={"required": "请勾选确认后再结束评价。"},
    )


class IndicatorForm(Form):
    name = forms.CharField(label="指标", max_length=60, help_text="如：医保参保率")
    unit = forms.CharField(label="单位", max_length=12, required=False, help_text="如：%")
    before = forms.DecimalField(label="协商前", max_digits=12, decimal_places=2)
    after = forms.DecimalField(label="落实后", max_digits=12, decimal_places=2, required=False)
    source = forms.CharField(label="数据来源", max_length=100, required=False)
