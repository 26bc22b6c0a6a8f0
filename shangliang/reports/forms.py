from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from shangliang.places.models import Region, RegionLevel
from shangliang.reports.figures import BREAKDOWNS
from shangliang.reports.selectors import PRESETS, Period, preset_period

MAX_DAYS = 366 * 30
OUTSIDE = "所选区域不存在或不在您的统计范围内。"


class StatisticsForm(forms.Form):
    """The filters of the statistics page, the exports and ``GET /api/v1/stats``."""

    period = forms.ChoiceField(
        label="统计期间", choices=[*PRESETS.items(), ("custom", "自定义")], required=False, initial="year"
    )
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    street = forms.ModelChoiceField(
        label="街道",
        queryset=Region.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": OUTSIDE},
    )
    community = forms.ModelChoiceField(
        label="村(社区)",
        queryset=Region.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": OUTSIDE},
    )
    breakdown = forms.ChoiceField(
        label="分类统计", choices=[("", "不分类"), *BREAKDOWNS.items()], required=False
    )

    def __init__(self, *args: Any, scope_path: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_path = scope_path
        inside = Region.objects.filter(path__startswith=scope_path).order_by("path")
        street_field = self.fields["street"]
        community_field = self.fields["community"]
        assert isinstance(street_field, forms.ModelChoiceField)
        assert isinstance(community_field, forms.ModelChoiceField)
        street_field.queryset = inside.filter(level=RegionLevel.STREET)
        community_field.queryset = inside.filter(level=RegionLevel.COMMUNITY)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        if data.get("start") or data.get("end"):
            start = data.get("start") or dt.date(2021, 1, 1)
            end = data.get("end") or today
            if start > end:
                raise forms.ValidationError("开始日期不能晚于结束日期。")
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError("统计期间不能超过三十年。")
            data["period_value"] = Period(start, end)
        else:
            data["period_value"] = preset_period(data.get("period") or "year", today)
        street, community = data.get("street"), data.get("community")
        if street is not None and community is not None and not community.path.startswith(street.path):
            self.add_error("community", "所选村(社区)不在所选街道内。")
        place = community or street
        data["path_value"] = place.path if place is not None else self.scope_path
        return data
