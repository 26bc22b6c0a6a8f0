"""Forms of members' work. They collect and type the input; the services validate it again."""

from __future__ import annotations

from typing import Any

from django import forms

from shangliang.concerns.forms import MultiplePhotoField
from shangliang.duty.models import (
    APPEAL_ADJUSTMENT_LIMIT,
    AdoptionLevel,
    AppealStatus,
    DutyRule,
    TrainingKind,
    WritingKind,
)
from shangliang.files.uploads import validate_document_or_image
from shangliang.places.models import Member, MemberLevel, Organisation, OrganisationKind
from shangliang.topics.models import TopicForm

DATE = forms.DateInput(attrs={"type": "date"})


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label}（{obj.points} 分/{obj.unit.removeprefix('每')}）"


class SelfReportForm(forms.Form):
    rule = RuleChoiceField(
        label="履职事项",
        queryset=DutyRule.objects.none(),
        empty_label="请选择",
        error_messages={"required": "请选择履职事项。"},
    )
    occurred_on = forms.DateField(
        label="活动日期",
        widget=DATE,
        error_messages={"required": "请填写活动日期。", "invalid": "日期格式不正确。"},
    )
    title = forms.CharField(label="活动名称", max_length=100, error_messages={"required": "请填写活动名称。"})
    description = forms.CharField(
        label="情况说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label="佐证材料（照片、PDF 或 Word）", required=False, validators=[validate_document_or_image]
    )
    client_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = self.fields["rule"]
        assert isinstance(rule, forms.ModelChoiceField)
        rule.queryset = DutyRule.objects.filter(self_reportable=True, active=True).select_related("item")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="不予核实的原因", max_length=300, error_messages={"required": "请说明不予核实的原因。"}
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label="申诉理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写申诉理由。"},
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[
            (AppealStatus.UPHELD, "采纳申诉"),
            (AppealStatus.PARTLY_UPHELD, "部分采纳"),
            (AppealStatus.DISMISSED, "维持原评定"),
        ],
        error_messages={"required": "请选择处理结果。", "invalid_choice": "请选择处理结果。"},
    )
    adjustment = forms.IntegerField(
        label="调整分值",
        required=False,
        min_value=-APPEAL_ADJUSTMENT_LIMIT,
        max_value=APPEAL_ADJUSTMENT_LIMIT,
        help_text="采纳或部分采纳时对年度记分的加减（如 +3、−5）；通过补正来源记录更正的填 0 或留空。",
        error_messages={
            "invalid": "调整分值须为整数。",
            "min_value": f"调整分值不能小于 −{APPEAL_ADJUSTMENT_LIMIT}。",
            "max_value": f"调整分值不能大于 {APPEAL_ADJUSTMENT_LIMIT}。",
        },
    )
    decision = forms.CharField(
        label="处理意见",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写处理意见，委员会看到。"},
    )


class RankingFilterForm(forms.Form):
    sector = forms.ModelChoiceField(
        label="界别",
        required=False,
        queryset=Organisation.objects.filter(kind=OrganisationKind.SECTOR),
        empty_label="全部界别",
    )
    committee = forms.ModelChoiceField(
        label="专委会",
        required=False,
        queryset=Organisation.objects.filter(kind=OrganisationKind.SPECIAL_COMMITTEE),
        empty_label="全部专委会",
    )
    level = forms.ChoiceField(
        label="委员层级", required=False, choices=[("", "全部层级"), *MemberLevel.choices]
    )


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label="培训方式", choices=TrainingKind.choices)
    subject = forms.CharField(label="培训主题", max_length=100)
    held_on = forms.DateField(
        label="培训日期", widget=DATE, required=False, help_text="以会代训关联会议时按会议日期。"
    )
    place = forms.CharField(label="地点", max_length=100)
    organiser = forms.CharField(label="组织单位", max_length=60, initial="区政协办公室")
    materials = forms.CharField(
        label="培训内容与材料", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    material_file = forms.FileField(
        label="培训材料文件", required=False, validators=[validate_document_or_image]
    )
    meeting = forms.IntegerField(label="所附会议编号（以会代训）", required=False, widget=forms.Select)

    def __init__(self, *args: Any, meetings: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].widget.choices = [("", "不关联会议"), *(meetings or [])]


class InviteForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label="邀请委员",
        queryset=Member.objects.filter(active=True),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class CheckInForm(forms.Form):
    member = forms.ModelChoiceField(
        label="签到委员", queryset=Member.objects.filter(active=True), empty_label="请选择"
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300)


PLAN_ROWS = 6


class PlanForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, rows: int = PLAN_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(rows):
            self.fields[f"subject_{n}"] = forms.CharField(
                label=f"第 {n + 1} 项 协商主题", required=False, max_length=100
            )
            self.fields[f"form_{n}"] = forms.ChoiceField(
                label="协商形式", required=False, choices=[("", "—"), *TopicForm.choices]
            )
            self.fields[f"month_{n}"] = forms.TypedChoiceField(
                label="计划月份",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "—")] + [(m, f"{m}月") for m in range(1, 13)],
            )
        self.rows = rows


class VisitForm(forms.Form):
    group = forms.IntegerField(widget=forms.HiddenInput)
    visited_on = forms.DateField(
        label="走访日期", widget=DATE, error_messages={"required": "请填写走访日期。"}
    )
    members = forms.MultipleChoiceField(
        label="参加委员",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择参加走访的组员。"},
    )
    heard = forms.CharField(
        label="听取的意见和情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=3000
    )
    concerns = forms.CharField(
        label="走访中收集的诉求（每行一条）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一条，登记为该村(社区)的诉求并与本次走访关联：委员登记时来源为“委员荐题”，工作人员登记时为入户走访代录。",
    )
    photos = MultiplePhotoField(label="照片（选填，最多 6 张）", required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = choices or []  # type: ignore[attr-defined]


class WritingForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=WritingKind.choices)
    title = forms.CharField(label="标题", max_length=120)
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="社情民意信息一事一报，不超过约 1500 字：情况、原因分析、建议。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class WritingDecisionForm(forms.Form):
    adopted = forms.TypedChoiceField(
        label="审核结果", choices=[("1", "采用"), ("0", "不予采用")], coerce=lambda v: v == "1"
    )
    level = forms.ChoiceField(label="采用层级", required=False, choices=[("", "—"), *AdoptionLevel.choices])
    title = forms.CharField(label="标题（可修改）", max_length=120)
    body = forms.CharField(label="正文（可修改）", widget=forms.Textarea(attrs={"rows": 8}))
    note = forms.CharField(label="审核意见", required=False, max_length=300)


class ReturnForm(forms.Form):
    note = forms.CharField(label="修改意见", max_length=300)


class ReplyForm(forms.Form):
    reply_text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 3}))
    replied_on = forms.DateField(label="答复日期", widget=DATE)
