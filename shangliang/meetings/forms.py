"""Forms of the meeting pages. They parse input; the services validate again and decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from shangliang.core.errors import ApplicationError
from shangliang.core.forms import Form
from shangliang.meetings.models import (
    Attendance,
    Participant,
    ParticipantRole,
    SiteKind,
    SpeechKind,
)
from shangliang.meetings.selectors import Suggestions, hosts_and_recorders
from shangliang.places.models import Member, Organisation, OrganisationKind, Room
from shangliang.topics.forms import MultipleFileField
from shangliang.topics.models import Topic, TopicForm, TopicPurpose

DEPARTMENT_KINDS = [OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT]


def add_service_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a refusal next to the field it concerns (or above the form); what was typed stays."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parts = [obj.name, obj.get_level_display()]
        if obj.sector_id:
            parts.append(obj.sector.name)
        if obj.committee_id:
            parts.append(obj.committee.name)
        return " · ".join(parts)


class PlanForm(Form):
    title = forms.CharField(label="会议名称", max_length=100)
    topics = forms.ModelMultipleChoiceField(
        label="议题", queryset=Topic.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    form = forms.ChoiceField(label="协商形式", choices=TopicForm.choices)
    purpose = forms.ChoiceField(label="协商目的", choices=TopicPurpose.choices)
    site_kind = forms.ChoiceField(label="会议地点", choices=SiteKind.choices)
    room = forms.ModelChoiceField(label="议事室", queryset=Room.objects.filter(active=True), required=False)
    address = forms.CharField(label="现场地址（上门、小区、庭院等）", max_length=200, required=False)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label="结束时间", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    host = forms.ModelChoiceField(label="主持人", queryset=hosts_and_recorders())
    recorder = forms.ModelChoiceField(label="记录人", queryset=hosts_and_recorders())
    description = forms.CharField(
        label="会议说明（公开会议会显示在公告上）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_public = forms.BooleanField(label="公开会议（发布公告，会后公开纪要）", required=False)
    signup_capacity = forms.IntegerField(
        label="公众报名名额（留空表示不开放报名）", min_value=1, required=False
    )
    members = MemberChoice(
        label="推荐委员（本村/社区活动小组，及相关界别、专委会的三级委员）",
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    member_query = forms.CharField(
        label="按姓名、界别或专委会筛选委员名单（按“筛选委员名单”后只留下相符的委员）",
        max_length=30,
        required=False,
    )
    other_members = MemberChoice(
        label="其他委员",
        queryset=Member.objects.filter(active=True).select_related("sector", "committee"),
        required=False,
    )
    departments = forms.ModelMultipleChoiceField(
        label="推荐职能部门（按议题类别）",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_departments = forms.ModelMultipleChoiceField(
        label="其他单位",
        queryset=Organisation.objects.filter(kind__in=DEPARTMENT_KINDS, active=True),
        required=False,
    )
    residents = forms.CharField(
        label="居民代表（每行一位：姓名 手机号，手机号可不填）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    experts = forms.CharField(
        label="专家、施工方等其他人员（每行一位：姓名 单位 手机号）",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    materials = MultipleFileField(label="会议材料（选填，可多选）", required=False)

    def __init__(
        self,
        *args: Any,
        topics: Any = None,
        suggestions: Suggestions | None = None,
        member_query: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if topics is not None:
            self._choices("topics").queryset = topics
        query = member_query.strip()
        if query and "other_members" in self.fields:
            field = self._choices("other_members")
            chosen = [int(v) for v in self.initial.get("other_members") or [] if str(v).isdigit()]
            assert field.queryset is not None
            field.queryset = field.queryset.filter(
                Q(name__contains=query)
                | Q(sector__name__contains=query)
                | Q(committee__name__contains=query)
                | Q(pk__in=chosen)
            )
        if suggestions is not None:
            ids = [m.pk for m in suggestions.group_members + suggestions.body_members]
            members = Member.objects.filter(pk__in=ids).select_related("sector", "committee")
            self._choices("members").queryset = members
            departments = Organisation.objects.filter(pk__in=[d.pk for d in suggestions.departments])
            self._choices("departments").queryset = departments

    def _choices(self, name: str) -> forms.ModelChoiceField[Any]:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field

    def times(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        if not data.get("date") or not data.get("start_time") or not data.get("end_time"):
            return None, None
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(data["date"], data["start_time"], tzinfo=tz),
            dt.datetime.combine(data["date"], data["end_time"], tzinfo=tz),
        )


class EditForm(PlanForm):
    """Changing the plan: the invitation list is edited on the meeting page."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "members",
            "other_members",
            "departments",
            "other_departments",
            "member_query",
            "residents",
            "experts",
            "materials",
        ):
            del self.fields[name]


class InviteeForm(Form):
    role = forms.ChoiceField(label="身份", choices=ParticipantRole.choices)
    member = forms.ModelChoiceField(
        label="政协委员", queryset=Member.objects.filter(active=True), required=False
    )
    organisation = forms.ModelChoiceField(
        label="单位",
        queryset=Organisation.objects.filter(kind__in=DEPARTMENT_KINDS, active=True),
        required=False,
    )
    name = forms.CharField(label="姓名", max_length=30, required=False)
    unit = forms.CharField(label="单位/身份说明", max_length=80, required=False)
    phone = forms.CharField(label="手机号（选填，用于短信通知）", max_length=20, required=False)


class TransitionForm(Form):
    reason = forms.CharField(
        label="原因", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_warnings = forms.BooleanField(label="我已知悉以上提醒，仍按此安排", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReplyForm(Form):
    answer = forms.ChoiceField(
        label="是否参加", choices=[("accept", "参加"), ("decline", "请假")], widget=forms.RadioSelect
    )
    reason = forms.CharField(label="请假事由（请假时必填）", max_length=200, required=False)


class SignUpForm(Form):
    name = forms.CharField(label="称呼", max_length=30)
    phone = forms.CharField(
        label="手机号", max_length=20, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )


class AgendaForm(Form):
    title = forms.CharField(label="议程", max_length=100)
    duration_minutes = forms.IntegerField(label="时长（分钟）", min_value=1, max_value=480, initial=10)


class ParticipantChoiceForm(Form):
    participant = forms.ModelChoiceField(label="发言人", queryset=Participant.objects.none())

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = meeting.participants.order_by("role", "pk")


class SpeechForm(ParticipantChoiceForm):
    kind = forms.ChoiceField(label="发言方式", choices=SpeechKind.choices)
    summary = forms.CharField(label="发言要点", widget=forms.Textarea(attrs={"rows": 3}))


class VoteForm(Form):
    question = forms.CharField(label="表决事项", max_length=200)
    votes_for = forms.IntegerField(label="赞成", min_value=0)
    votes_against = forms.IntegerField(label="反对", min_value=0)
    votes_abstain = forms.IntegerField(label="弃权", min_value=0, initial=0)
    others_present = forms.IntegerField(
        label="其他到会人数（未签到的群众，选填）",
        min_value=0,
        required=False,
        help_text="表决总票数不超过签到人数、报名人数与此人数之和。",
    )


class ConsensusForm(Form):
    text = forms.CharField(label="共识内容", widget=forms.Textarea(attrs={"rows": 2}))
    dissent = forms.CharField(
        label="不同意见（选填）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    department = forms.ModelChoiceField(
        label="建议承办单位（选填）",
        queryset=Organisation.objects.filter(kind__in=DEPARTMENT_KINDS, active=True),
        required=False,
    )
    responsible_person = forms.CharField(label="责任人（选填）", max_length=30, required=False)


class UnresolvedForm(Form):
    text = forms.CharField(label="未决事项", widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label="下一步（选填）", max_length=200, required=False)


class SummaryForm(Form):
    summary = forms.CharField(label="会议概述", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AttendanceForm(Form):
    attendance = forms.ChoiceField(label="出席情况", choices=Attendance.choices)
    reason = forms.CharField(label="请假事由", max_length=200, required=False)


class CheckinSearchForm(Form):
    q = forms.CharField(
        label="查找参会人员（姓名或单位）", required=False, widget=forms.TextInput(attrs={"type": "search"})
    )


class AssignForm(Form):
    """One row per consensus item not yet assigned: unit, person and deadline."""

    def __init__(self, *args: Any, items: list[Any], deadline: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Organisation.objects.filter(kind__in=DEPARTMENT_KINDS, active=True)
        self.items = items
        for item in items:
            self.fields[f"department_{item.pk}"] = forms.ModelChoiceField(
                label="承办单位", queryset=departments, initial=item.department_id
            )
            self.fields[f"person_{item.pk}"] = forms.CharField(
                label="责任人", max_length=30, required=False, initial=item.responsible_person
            )
            self.fields[f"deadline_{item.pk}"] = forms.DateField(
                label="办理期限",
                initial=deadline,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [
            (item, self[f"department_{item.pk}"], self[f"person_{item.pk}"], self[f"deadline_{item.pk}"])
            for item in self.items
        ]
