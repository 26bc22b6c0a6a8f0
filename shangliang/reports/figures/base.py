"""What a figure is: a name, a Chinese label, its counting rule, and the facts it counts.

A ``Fact`` is one aggregated source: the rows of a queryset, each dated (the day it counts on),
placed (its region) and optionally keyed (decision kind, state …) and described by dimensions
(source, category, form, committee). The same definition gives the rollup rows, the live count of
the days not rolled up yet, and the direct count the tests compare with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

# The dimensions a breakdown may use besides the region tree, with their Chinese names.
DIMENSIONS: dict[str, str] = {
    "source": "来源",
    "category": "类别",
    "form": "协商形式",
    "committee": "专委会",
}
# Breakdowns by place (derived from the region of each row) and by dimension.
BREAKDOWNS: dict[str, str] = {"street": "街道", "community": "村(社区)", **DIMENSIONS}

# One aggregated row: day, region id, key, dimension value, value.
Row = tuple[dt.date, int | None, str, str, int]


def _expression(value: Any) -> Any:
    return F(value) if isinstance(value, str) else value


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of a local calendar day (dates in the figures are local dates)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Fact:
    queryset: Callable[[], QuerySet[Any]]
    date: str  # field path of the datetime (or date, with ``is_date``) a row counts on
    region: str  # field path of the row's region id
    path: str  # field path of the row's region path (scope and place filters)
    dims: Mapping[str, Any] = field(default_factory=dict)
    key: Any = None  # field path or expression giving the key; None counts under ""
    value: Any = None  # an aggregate; None counts rows
    is_date: bool = False
    # A fact whose keys and values are computed in Python from each row's ``fields``
    # (durations, scores): ``split(row)`` gives the (key, value) pairs of one row.
    fields: Sequence[str] = ()
    split: Callable[[dict[str, Any]], list[tuple[str, int]]] | None = None

    def _bound(self, day: dt.date) -> Any:
        return day if self.is_date else day_start(day)

    def rows(
        self,
        *,
        dimension: str = "",
        start: dt.date | None = None,
        end: dt.date | None = None,
        path_prefix: str = "",
    ) -> Iterator[Row]:
        """Aggregated rows of the days in [start, end) (open ends: everything), for ``dimension``
        ("" for the total rows). A dimension the fact does not have yields nothing."""
        if dimension and dimension not in self.dims:
            return
        qs = self.queryset().filter(**{f"{self.date}__isnull": False}).order_by()
        if path_prefix:
            qs = qs.filter(**{f"{self.path}__startswith": path_prefix})
        if start is not None:
            qs = qs.filter(**{f"{self.date}__gte": self._bound(start)})
        if end is not None:
            qs = qs.filter(**{f"{self.date}__lt": self._bound(end)})
        annotations: dict[str, Any] = {
            "r_day": F(self.date) if self.is_date else TruncDate(self.date),
            "r_region": F(self.region),
            "r_dim": _expression(self.dims[dimension]) if dimension else Value(""),
        }
        if self.split is not None:
            totals: dict[tuple[dt.date, int | None, str, str], int] = {}
            for row in qs.annotate(**annotations).values("r_day", "r_region", "r_dim", *self.fields):
                dim = "" if row["r_dim"] is None else str(row["r_dim"])
                for key, value in self.split(row):
                    group = (row["r_day"], row["r_region"], key, dim)
                    totals[group] = totals.get(group, 0) + value
            for (day, region, key, dim), value in totals.items():
                yield day, region, key, dim, value
            return
        annotations["r_key"] = Value("") if self.key is None else _expression(self.key)
        aggregate = Count("pk") if self.value is None else self.value
        grouped = (
            qs.annotate(**annotations)
            .values("r_day", "r_region", "r_key", "r_dim")
            .annotate(r_value=aggregate)
        )
        for row in grouped:
            yield (
                row["r_day"],
                row["r_region"],
                "" if row["r_key"] is None else str(row["r_key"]),
                "" if row["r_dim"] is None else str(row["r_dim"]),
                int(row["r_value"] or 0),
            )


@dataclass(frozen=True)
class Figure:
    """One figure: ``facts`` are summed; ``keys`` label the parts (empty: a plain count);
    ``headline(values)`` turns the summed keys into the figure shown (a count, a rate …)."""

    name: str
    label: str
    rule: str
    facts: Sequence[Fact] = ()
    keys: Mapping[str, str] = field(default_factory=dict)
    unit: str = "件"
    headline: Callable[[Mapping[str, int]], float | int | None] | None = None
    # Keys whose label is read from a table at display time (rooms, categories …).
    key_labels: Callable[[Sequence[str]], Mapping[str, str]] | None = None
    # Figures that are a state now (rooms open, communities covered) are counted live from small
    # tables: ``stock(path_prefix)`` gives {region id: {key: value}}; the period does not apply.
    stock: Callable[[str], dict[int | None, dict[str, int]]] | None = None
    # Figures over a period read live from a small district-wide table (trainings):
    # ``period_live(first, last)`` gives [(day, key, value)]; they count only for the whole district.
    period_live: Callable[[dt.date, dt.date], list[tuple[dt.date, str, int]]] | None = None
    trend: bool = False  # shown as a monthly series in the charts
    public: bool = True

    @property
    def dimensions(self) -> list[str]:
        if self.stock is not None or self.period_live is not None:
            return []
        found: list[str] = []
        for fact in self.facts:
            found.extend(d for d in fact.dims if d not in found)
        return found

    def value_of(self, values: Mapping[str, int]) -> float | int | None:
        if self.headline is not None:
            return self.headline(values)
        return sum(values.values())


REGISTRY: dict[str, Figure] = {}


def register(figure: Figure) -> Figure:
    if figure.name in REGISTRY:
        raise ValueError(f"Figure {figure.name} is registered twice.")
    REGISTRY[figure.name] = figure
    return figure
