"""Reads of the figures: periods, the statistics of a region over a period with one breakdown, and the
home figures. Every caller (pages, home, exports, summary, API) goes through ``statistics``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shangliang.concerns.models import ConcernSource
from shangliang.core.errors import PermissionDenied
from shangliang.core.scope import Scope
from shangliang.places.models import Organisation, Region
from shangliang.reports import permissions, rollups
from shangliang.reports.figures import BREAKDOWNS, REGISTRY, Figure
from shangliang.reports.figures.definitions import HOME_FIGURES
from shangliang.reports.models import ExportJob
from shangliang.text.models import Category
from shangliang.topics.models import TopicForm

PRESETS: dict[str, str] = {"month": "本月", "quarter": "本季度", "year": "本年", "since2021": "2021年以来"}
EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    preset: str = ""

    @property
    def label(self) -> str:
        if self.preset:
            return PRESETS[self.preset]
        return f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"


def preset_period(preset: str, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    if preset == "month":
        return Period(today.replace(day=1), today, preset)
    if preset == "quarter":
        return Period(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today, preset)
    if preset == "since2021":
        return Period(dt.date(2021, 1, 1), today, preset)
    return Period(today.replace(month=1, day=1), today, "year")


def all_time(today: dt.date | None = None) -> Period:
    return Period(EARLIEST, today or timezone.localdate())


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    value: float | int | None
    parts: dict[str, int]


@dataclass(frozen=True)
class FigureResult:
    name: str
    label: str
    rule: str
    unit: str
    value: float | int | None
    parts: list[Part]
    groups: list[Group]  # empty without a breakdown, or when the figure has no such dimension
    months: list[tuple[dt.date, float | int | None]]
    applies: bool  # False: the breakdown does not apply to this figure
    is_stock: bool

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, float) and not self.value.is_integer():
            return f"{self.value:g}"
        return str(int(self.value))


@dataclass(frozen=True)
class Statistics:
    period: Period
    breakdown: str
    figures: list[FigureResult]
    months: list[dt.date]

    def figure(self, name: str) -> FigureResult:
        return next(f for f in self.figures if f.name == name)


def group_labels(breakdown: str, keys: Sequence[Any]) -> dict[Any, str]:
    """Chinese names of breakdown groups (regions, sources, categories, forms, committees)."""
    present = [k for k in keys if k not in (None, "")]
    if breakdown in ("street", "community"):
        labels = dict(Region.objects.filter(pk__in=present).values_list("pk", "name"))
        return {
            k: labels.get(k, "区级（未分街道/村社区）") if k is not None else "区级（未分街道/村社区）"
            for k in keys
        }
    if breakdown == "source":
        found = {s.value: s.label for s in ConcernSource}
    elif breakdown == "form":
        found = {s.value: s.label for s in TopicForm}
    elif breakdown == "category":
        ids = [int(k) for k in present if str(k).isdigit()]
        found = {str(pk): name for pk, name in Category.objects.filter(pk__in=ids).values_list("pk", "name")}
    elif breakdown == "committee":
        ids = [int(k) for k in present if str(k).isdigit()]
        found = {
            str(pk): name for pk, name in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    else:
        found = {}
    return {k: found.get(k, "未指定") if k not in (None, "") else "未指定" for k in keys}


def _months(period: Period) -> list[dt.date]:
    start = max(period.start, dt.date(2021, 1, 1)) if period.start == EARLIEST else period.start
    month = start.replace(day=1)
    found = []
    while month <= period.end:
        found.append(month)
        month = rollups.next_month(month)
    return found


def statistics(
    *,
    scope: Scope | None,
    path_prefix: str,
    period: Period,
    breakdown: str = "",
    names: Sequence[str] | None = None,
) -> Statistics:
    """The figures of the regions under ``path_prefix`` over ``period``, broken down by ``breakdown``.
    ``scope`` None: the public figures (anyone, any region); a person's scope: the staff figures of a
    region inside the one their statistics cover (``permissions.statistics_path``)."""
    if breakdown and breakdown not in BREAKDOWNS:
        raise ValueError(f"Unknown breakdown {breakdown}")
    public = scope is None
    if scope is not None:
        covered = permissions.statistics_path(scope)
        if covered is None or not path_prefix.startswith(covered):
            raise PermissionDenied("所选区域不存在或不在您的统计范围内。")
    figures = [REGISTRY[n] for n in (names or REGISTRY)]
    if public:
        figures = [f for f in figures if f.public]
    query = rollups.Query(period.start, period.end, path_prefix, breakdown)
    data = rollups.collect(figures, query)
    months = _months(period)
    all_groups = {g for d in data.values() for g in d.groups} if breakdown else set()
    labels = group_labels(breakdown, sorted(all_groups, key=lambda g: (g is None, str(g))))
    results = []
    for figure in figures:
        found = data[figure.name]
        applies = _applies(figure, breakdown)
        results.append(
            FigureResult(
                name=figure.name,
                label=figure.label,
                rule=figure.rule,
                unit=figure.unit,
                value=figure.value_of(found.totals),
                parts=_parts(figure, found.totals),
                groups=sorted(
                    (
                        Group(str(g) if g is not None else "", labels.get(g, "未指定"), figure.value_of(v), v)
                        for g, v in found.groups.items()
                    ),
                    key=lambda g: g.label,
                )
                if breakdown and applies
                else [],
                months=[(m, figure.value_of(found.months.get(m, {}))) for m in months]
                if figure.trend
                else [],
                applies=applies,
                is_stock=figure.stock is not None,
            )
        )
    return Statistics(period=period, breakdown=breakdown, figures=results, months=months)


def _applies(figure: Figure, breakdown: str) -> bool:
    if figure.period_live is not None:
        return not breakdown
    if not breakdown or breakdown in ("street", "community"):
        return True
    return breakdown in figure.dimensions


def _parts(figure: Figure, totals: dict[str, int]) -> list[Part]:
    if figure.key_labels is not None:
        labels = figure.key_labels(list(totals))
        return [Part(k, labels.get(k, k), v) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])]
    return [Part(k, label, totals.get(k, 0)) for k, label in figure.keys.items()]


def home_figures() -> list[FigureResult]:
    """The public home's figures: all time, the whole platform."""
    return statistics(scope=None, path_prefix="", period=all_time(), names=HOME_FIGURES).figures


def export_jobs_for(scope: Scope) -> QuerySet[ExportJob]:
    """The person's own background exports, newest first (nobody sees another's)."""
    if not scope.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(owner_id=scope.user_id).order_by("-created_at", "-pk")
