"""Staff forms for places, people and rooms. They parse input; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms

from shangliang.core.errors import ApplicationError
from shangliang.files.uploads import max_upload_bytes
from shangliang.places.models import (
    Member,
    MemberLevel,
    Organisation,
    Region,
    RegionLevel,
    Room,
    RoomKind,
    SchedulePreset,
)
from shangliang.places.services import ROOM_FIELDS, SCHEDULE_FIELDS


def add_service_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a refusal from a service next to the field it concerns (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class VersionedForm(forms.Form):
    """Carries the version the form was opened on, so a stale save is refused instead of overwriting."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RegionChildForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60)
    level = forms.ChoiceField(label="层级", choices=RegionLevel.choices)
    code = forms.CharField(label="区划代码", max_length=20, required=False)
    leader_name = forms.CharField(label="负责人（网格长）", max_length=30, required=False)


def _indented_region(region: Region) -> str:
    """A region's name indented by its depth, so the choice list reads like the tree."""
    return f"{'　' * region.depth}{region.name}"


class RoomForm(VersionedForm):
    name = forms.CharField(label="名称", max_length=80)
    kind = forms.ChoiceField(label="类型", choices=RoomKind.choices)
    region = forms.ModelChoiceField(label="所在区域", queryset=Region.objects.none())
    address = forms.CharField(label="地址", max_length=200)
    capacity = forms.IntegerField(label="可容纳人数", min_value=1, initial=30)
    convener_name = forms.CharField(label="召集人", max_length=30, required=False)
    convener_phone = forms.CharField(label="召集人电话", max_length=20, required=False)
    host_unit = forms.CharField(label="依托单位（企业议事室）", max_length=80, required=False)
    description = forms.CharField(label="简介", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    FIELDS = ROOM_FIELDS

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions
        field.label_from_instance = _indented_region  # type: ignore[method-assign,assignment]

    @classmethod
    def initial_for(cls, room: Room) -> dict[str, Any]:
        return {name: getattr(room, name) for name in cls.FIELDS} | {"version": room.version}

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class StandardCheckForm(forms.Form):
    satisfied = forms.BooleanField(label="已达标", required=False)
    evidence = forms.FileField(
        label="佐证材料",
        required=False,
        help_text=f"照片、PDF、Word 文档或 Excel 表格，最大 {max_upload_bytes() // (1024 * 1024)} MB。",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)
    checked_on = forms.DateField(
        label="核查日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ScheduleForm(VersionedForm):
    preset = forms.ChoiceField(label="预设", choices=SchedulePreset.choices, initial=SchedulePreset.FENGSHI)
    name = forms.CharField(label="名称", max_length=30, required=False, help_text="留空则使用预设名称。")
    rule = forms.CharField(
        label="重复规则（自定义时填写）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="iCalendar 重复规则，每行一条，例如 RRULE:FREQ=MONTHLY;BYMONTHDAY=15",
    )
    start_time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="结束时间", widget=forms.TimeInput(attrs={"type": "time"}))
    starts_on = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    active = forms.BooleanField(label="启用", required=False, initial=True)

    FIELDS = SCHEDULE_FIELDS

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ActivityGroupForm(VersionedForm):
    name = forms.CharField(label="小组名称", max_length=60, required=False, help_text="留空则按村/社区命名。")
    members = forms.ModelMultipleChoiceField(
        label="组员（2–3 名委员）",
        queryset=Member.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="按住 Ctrl（Mac 为 Command）可多选。",
    )
    leader = forms.ModelChoiceField(label="组长", queryset=Member.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Member.objects.filter(active=True).order_by("level", "name")
        for name in ("members", "leader"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = active


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="姓名或单位", required=False)
    level = forms.ChoiceField(label="委员层级", choices=[("", "全部"), *MemberLevel.choices], required=False)
    sector = forms.ModelChoiceField(label="界别", queryset=Organisation.objects.none(), required=False)
    committee = forms.ModelChoiceField(
        label="专门委员会", queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, sectors: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector, committee = self.fields["sector"], self.fields["committee"]
        assert isinstance(sector, forms.ModelChoiceField)
        assert isinstance(committee, forms.ModelChoiceField)
        sector.queryset = sectors
        committee.queryset = committees
        sector.empty_label = committee.empty_label = "全部"

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"].strip(),
            "level": data["level"],
            "sector": data["sector"].pk if data["sector"] else None,
            "committee": data["committee"].pk if data["committee"] else None,
        }
