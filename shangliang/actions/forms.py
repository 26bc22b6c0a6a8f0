"""Forms of action items, one per step; the services enforce the rules."""

from __future__ import annotations

from django import forms

from shangliang.actions.models import ResultClass
from shangliang.concerns.forms import MultiplePhotoField
from shangliang.core.forms import Form
from shangliang.places.models import Organisation, OrganisationKind
from shangliang.topics.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"})


def department_field(label: str = "承办单位") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT], active=True
        ).order_by("name"),
        empty_label="请选择",
    )


class EmptyForm(VersionedForm):
    pass


class ReasonForm(VersionedForm):
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(VersionedForm):
    reason = forms.CharField(label="说明（选填）", max_length=300, required=False)


class ProgressForm(VersionedForm):
    text = forms.CharField(label="办理进展", widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label="现场照片（选填）", required=False)
    public = forms.BooleanField(label="居民可见（请勿填写个人信息）", required=False, initial=True)


class CompleteForm(VersionedForm):
    result_class = forms.ChoiceField(label="办理结果", choices=ResultClass.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label="佐证照片（“已解决”须至少一张）", required=False)
    # 办结 cannot be undone by the department: the office verifies it next.
    confirm = forms.BooleanField(
        label="我确认事项已办结（提交后不能撤回，由政协机关回访核实）",
        error_messages={"required": "请勾选确认后再提交办结。"},
    )


class ExtensionForm(VersionedForm):
    until = forms.DateField(label="延期至", widget=DATE)
    reason = forms.CharField(label="延期理由", max_length=300)


class DecideExtensionForm(VersionedForm):
    approve = forms.TypedChoiceField(
        label="审批",
        choices=[("1", "同意延期"), ("0", "不同意")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="说明（不同意时必填）", max_length=300, required=False)


class VerifyForm(VersionedForm):
    passed = forms.TypedChoiceField(
        label="回访核实",
        choices=[("1", "属实，通过"), ("0", "未解决，退回继续办理")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="说明（未通过时必填）", max_length=300, required=False)


class ReassignForm(VersionedForm):
    department = department_field("改派给")
    deadline = forms.DateField(label="新的办理期限（选填）", required=False, widget=DATE)
    reason = forms.CharField(label="说明", max_length=300, required=False)


class ReopenForm(VersionedForm):
    reason = forms.CharField(label="重新办理的原因", max_length=300)
    deadline = forms.DateField(label="新的办理期限", widget=DATE)


class InboxFilterForm(Form):
    view = forms.ChoiceField(
        label="查看",
        required=False,
        choices=[
            ("open", "未办结"),
            ("to_accept", "待签收"),
            ("working", "办理中"),
            ("overdue", "已超期"),
            ("requests", "退回/延期申请"),
            ("to_verify", "待核实"),
            ("finished", "已核实/关闭"),
            ("all", "全部"),
        ],
    )
