from __future__ import annotations

from typing import Any

from django import forms

from shangliang.core.scope import ANONYMOUS, Scope
from shangliang.places.models import Region, RegionLevel
from shangliang.text.models import DocumentKind
from shangliang.text.selectors import MAX_QUERY_CHARS


class SearchForm(forms.Form):
    q = forms.CharField(label="检索内容", max_length=MAX_QUERY_CHARS, strip=True)
    kind = forms.ChoiceField(label="类型", choices=[("", "全部"), *DocumentKind.choices], required=False)
    region = forms.ModelChoiceField(
        label="区域", queryset=Region.objects.none(), required=False, empty_label="全部"
    )
    category = forms.CharField(label="类别", max_length=30, required=False)
    status = forms.CharField(label="状态", max_length=30, required=False)
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(min_value=1, max_value=1000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, scope: Scope = ANONYMOUS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Streets and communities the person may search in.
        regions = Region.objects.filter(level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY])
        regions = scope.filter(regions, path_field="path")
        self.fields["region"].queryset = regions.order_by("path")  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return data
