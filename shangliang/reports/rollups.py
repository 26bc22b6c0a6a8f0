"""Rollups: each figure counted per region × day (and per month) × key × dimension value, so that a
statistics page sums a few thousand rows instead of scanning the records.

``refresh`` rebuilds every row up to yesterday (idempotent: it deletes and counts again, under a
lock, so records whose state changed are counted in their new state). ``collect`` reads full months
from the month rows, the edge days from the day rows, and the days after the last refresh live
from the records through the same ``Fact`` definitions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, Q, Subquery, Sum
from django.utils import timezone

from shangliang.core.models import AuditEvent
from shangliang.places.models import Region, RegionLevel
from shangliang.reports.figures import DIMENSIONS, REGISTRY, Figure
from shangliang.reports.models import Grain, Rollup, RollupState

BATCH = 5000
# The rollup part of a read is cached under its refresh time, so it only needs to outlive a day.
ROLLED_SECONDS = 26 * 3600


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class RegionMap:
    """Every region's path, level and parent, read once per refresh or page."""

    paths: dict[int, str]
    levels: dict[int, str]
    parents: dict[int, int | None]

    @classmethod
    def load(cls) -> RegionMap:
        rows = list(Region.objects.values_list("pk", "path", "level", "parent_id"))
        return cls(
            paths={pk: path for pk, path, _, _ in rows},
            levels={pk: level for pk, _, level, _ in rows},
            parents={pk: parent for pk, _, _, parent in rows},
        )

    def fold(self, region_id: int | None) -> int | None:
        """A grid counts in its community: rollup rows are per community or coarser."""
        if region_id is not None and self.levels.get(region_id) == RegionLevel.GRID:
            return self.parents.get(region_id)
        return region_id

    def path(self, region_id: int | None) -> str:
        return self.paths.get(region_id, "") if region_id is not None else ""

    def is_district_wide(self, path_prefix: str) -> bool:
        """The prefix covers a whole district (or more): no street or community filter."""
        ids = [int(p) for p in path_prefix.strip("/").split("/") if p]
        return not ids or self.levels.get(ids[-1]) in (
            RegionLevel.PROVINCE,
            RegionLevel.CITY,
            RegionLevel.DISTRICT,
        )

    def ancestor_at(self, region_id: int | None, level: str) -> int | None:
        """The region at ``level`` containing ``region_id`` (None when it lies above that level)."""
        for part in self.path(region_id).strip("/").split("/"):
            if part and self.levels.get(int(part)) == level:
                return int(part)
        return None


def rolled_figures() -> list[Figure]:
    return [f for f in REGISTRY.values() if f.stock is None and f.period_live is None]


def refresh(*, today: dt.date | None = None) -> dict[str, int]:
    """Count every figure again for every day before ``today``; returns rows written per figure."""
    today = today or timezone.localdate()
    regions = RegionMap.load()
    written: dict[str, int] = {}
    with transaction.atomic():
        state = _state(lock=True)
        Rollup.objects.all().delete()
        for figure in rolled_figures():
            written[figure.name] = _write(figure, today, regions)
        state.refreshed_through = today - dt.timedelta(days=1)
        state.refreshed_at = timezone.now()
        state.save(update_fields=["refreshed_through", "refreshed_at"])
    return written


def _state(*, lock: bool = False) -> RollupState:
    qs = RollupState.objects.select_for_update() if lock else RollupState.objects.all()
    state = qs.order_by("pk").first()
    if state is None:
        state, _ = RollupState.objects.get_or_create(pk=1)
    return state


def _write(figure: Figure, today: dt.date, regions: RegionMap) -> int:
    complete_before = today.replace(day=1)  # months before this one are complete
    count = 0
    for dimension in ["", *figure.dimensions]:
        days: dict[tuple[dt.date, int | None, str, str], int] = {}
        for fact in figure.facts:
            for day, region, key, value_of_dim, value in fact.rows(dimension=dimension, end=today):
                group = (day, regions.fold(region), key, value_of_dim)
                days[group] = days.get(group, 0) + value
        months: dict[tuple[dt.date, int | None, str, str], int] = {}
        for (day, region, key, value_of_dim), value in days.items():
            if day < complete_before:
                group = (day.replace(day=1), region, key, value_of_dim)
                months[group] = months.get(group, 0) + value
        rows = [
            Rollup(
                figure=figure.name,
                grain=grain,
                period_start=start,
                region_id=region,
                region_path=regions.path(region),
                key=key,
                dimension=dimension,
                dimension_value=value_of_dim,
                value=value,
            )
            for grain, groups in ((Grain.DAY, days), (Grain.MONTH, months))
            for (start, region, key, value_of_dim), value in groups.items()
            if value
        ]
        Rollup.objects.bulk_create(rows, batch_size=BATCH)
        count += len(rows)
    return count


# --- Reading --------------------------------------------------------------------------------------


@dataclass
class FigureData:
    """One figure over a period: totals per key, per breakdown group, per month."""

    totals: dict[str, int] = field(default_factory=dict)
    groups: dict[Any, dict[str, int]] = field(default_factory=dict)
    months: dict[dt.date, dict[str, int]] = field(default_factory=dict)

    def add(self, month: dt.date | None, group: Any, key: str, value: int) -> None:
        self.totals[key] = self.totals.get(key, 0) + value
        part = self.groups.setdefault(group, {})
        part[key] = part.get(key, 0) + value
        if month is not None:
            by_month = self.months.setdefault(month, {})
            by_month[key] = by_month.get(key, 0) + value


@dataclass(frozen=True)
class Query:
    start: dt.date
    end: dt.date  # inclusive
    path_prefix: str = ""
    breakdown: str = ""  # "", "street", "community" or a key of DIMENSIONS


def _grouper(query: Query, regions: RegionMap) -> Any:
    if query.breakdown == "street":
        return lambda region, dim: regions.ancestor_at(region, RegionLevel.STREET)
    if query.breakdown == "community":
        return lambda region, dim: regions.ancestor_at(region, RegionLevel.COMMUNITY)
    if query.breakdown in DIMENSIONS:
        return lambda region, dim: dim
    return lambda region, dim: None


# (figure, month, group, key, value): what a read adds up, cached as such.
Counted = list[tuple[str, dt.date | None, Any, str, int]]


def live_seconds() -> int:
    """How long the live count of the days after the last rollup may be reused whatever changed: 0
    (the default) reuses it only while the newest ids of ``stamp_models`` are unchanged, so a figure
    changes as soon as what it counts does."""
    return int(settings.SHANGLIANG.get("STATISTICS_LIVE_SECONDS", 0))


@lru_cache(maxsize=1)
def stamp_models() -> tuple[type[Model], ...]:
    """The tables whose newest row tells that a live count may have changed: every table a rolled
    figure counts (a new row), the audit trail (every state change writes an event, ADR 72) and the
    admin's log (an edit in the admin). Fixed by the code, the same in every process."""
    counted = {fact.queryset().model for figure in rolled_figures() for fact in figure.facts}
    return (*sorted(counted, key=lambda m: m._meta.label), AuditEvent, LogEntry)


def _state_and_stamp() -> tuple[RollupState, str]:
    """The rollup state and, in the same query, the newest id of every ``stamp_models`` table."""
    marks = {
        f"mark_{i}": Subquery(model._base_manager.order_by("-pk").values("pk")[:1])
        for i, model in enumerate(stamp_models())
    }
    state = RollupState.objects.annotate(**marks).order_by("pk").first()
    if state is None:
        _state()
        state = RollupState.objects.annotate(**marks).order_by("pk").first()
    assert state is not None
    return state, ",".join(str(getattr(state, mark)) for mark in marks)


def collect(
    figures: Sequence[Figure], query: Query, *, regions: RegionMap | None = None
) -> dict[str, FigureData]:
    """Every figure of ``figures`` over ``query``, from rollups plus the live days after them. A
    figure without the breakdown's dimension (meetings have no source) gives its total only.

    The rollup part is cached under the time of the refresh that wrote it (it cannot change until the
    next one); the live part of the rolled figures under the newest ids of what they count and of
    the audit trail (``stamp_models``: a new record or any state change counts it again), or for
    ``live_seconds()`` when a site sets it; figures that are a state now and trainings are counted
    on every read from their small tables."""
    found: list[RegionMap] = [regions] if regions is not None else []

    def region_map() -> RegionMap:
        if not found:
            found.append(RegionMap.load())
        return found[0]

    state, stamp = _state_and_stamp()
    end = query.end + dt.timedelta(days=1)
    through = state.refreshed_through
    rolled_end = min(end, through + dt.timedelta(days=1)) if through is not None else query.start
    live_start = max(query.start, rolled_end)
    asked = "|".join([*(f.name for f in figures), str(query)])
    digest = hashlib.sha256(asked.encode()).hexdigest()[:32]
    rolled_rows: Counted = (
        cache.get_or_set(
            f"reports:rolled:{state.refreshed_at.timestamp() if state.refreshed_at else 0}:{digest}",
            lambda: _rolled_part(figures, query, rolled_end, region_map),
            timeout=ROLLED_SECONDS,
        )
        or []
    )
    seconds = live_seconds()
    if seconds > 0:
        live_key, live_timeout = f"reports:live:{live_start}:{digest}", seconds
    else:
        marks = hashlib.sha256(stamp.encode()).hexdigest()[:16]
        live_key, live_timeout = f"reports:live:{live_start}:{digest}:{marks}", ROLLED_SECONDS
    live_rows: Counted = (
        cache.get_or_set(
            live_key, lambda: _live_part(figures, query, live_start, end, region_map), timeout=live_timeout
        )
        or []
    )
    data = {f.name: FigureData() for f in figures}
    for name, month, group, key, value in [*rolled_rows, *live_rows, *_now_part(figures, query, region_map)]:
        data[name].add(month, group, key, value)
    return data


def _dims(figures: Sequence[Figure], query: Query) -> dict[str, str]:
    dimension = query.breakdown if query.breakdown in DIMENSIONS else ""
    return {
        f.name: dimension if dimension in f.dimensions else ""
        for f in figures
        if f.stock is None and f.period_live is None
    }


def _rolled_part(figures: Sequence[Figure], query: Query, rolled_end: dt.date, region_map: Any) -> Counted:
    dims = _dims(figures, query)
    counted: Counted = []
    if dims and rolled_end > query.start:
        _read_rollups(dims, query, rolled_end, lambda: _grouper(query, region_map()), counted)
    return counted


def _live_part(
    figures: Sequence[Figure], query: Query, live_start: dt.date, end: dt.date, region_map: Any
) -> Counted:
    """The rolled figures counted on the records of the days after the last refresh."""
    dimension = query.breakdown if query.breakdown in DIMENSIONS else ""
    dims = _dims(figures, query)
    counted: Counted = []
    if live_start < end and dims:
        regions = region_map()
        group_of = _grouper(query, regions)
        for name, wanted in dims.items():
            for fact in REGISTRY[name].facts:
                for day, region, key, value_of_dim, value in fact.rows(
                    dimension=wanted, start=live_start, end=end, path_prefix=query.path_prefix
                ):
                    group = group_of(regions.fold(region), value_of_dim) if wanted == dimension else None
                    counted.append((name, day.replace(day=1), group, key, value))
    return counted


def _now_part(figures: Sequence[Figure], query: Query, region_map: Any) -> Counted:
    """Figures that are a state now (rooms open, communities covered) and district-wide trainings,
    counted on every read from their small tables."""
    if not any(f.period_live is not None or f.stock is not None for f in figures):
        return []
    regions = region_map()
    group_of = _grouper(query, regions)
    dimension = query.breakdown if query.breakdown in DIMENSIONS else ""
    district_wide = regions.is_district_wide(query.path_prefix)
    counted: Counted = []
    for figure in figures:
        if figure.period_live is not None and district_wide and not dimension:
            for day, key, value in figure.period_live(query.start, query.end):
                counted.append((figure.name, day.replace(day=1), None, key, value))
        if figure.stock is not None:
            for region, values in figure.stock(query.path_prefix).items():
                for key, value in values.items():
                    group = group_of(region, "") if not dimension else None
                    counted.append((figure.name, None, group, key, value))
    return counted


def _read_rollups(
    dims: dict[str, str],
    query: Query,
    rolled_end: dt.date,
    grouper: Any,
    counted: Counted,
) -> None:
    first_full = query.start if query.start.day == 1 else next_month(query.start)
    last_full = rolled_end.replace(day=1)  # months in [first_full, last_full) are whole
    by_region = query.breakdown in ("street", "community")
    columns = ["figure", "dimension", "period_start", "key", "dimension_value"] + (
        ["region_id"] if by_region else []
    )
    which = Q()
    for dimension in set(dims.values()):
        which |= Q(dimension=dimension, figure__in=[name for name, d in dims.items() if d == dimension])
    base = Rollup.objects.filter(which, region_path__startswith=query.path_prefix)
    parts: list[Iterable[dict[str, Any]]] = []
    if first_full < last_full:
        months = base.filter(grain=Grain.MONTH, period_start__gte=first_full, period_start__lt=last_full)
        days = base.filter(grain=Grain.DAY).filter(
            Q(period_start__gte=query.start, period_start__lt=first_full)
            | Q(period_start__gte=last_full, period_start__lt=rolled_end)
        )
        parts = [months.values(*columns).annotate(v=Sum("value")).order_by()]
    else:
        days = base.filter(grain=Grain.DAY, period_start__gte=query.start, period_start__lt=rolled_end)
    parts.append(days.values(*columns).annotate(v=Sum("value")).order_by())
    wanted = query.breakdown if query.breakdown in DIMENSIONS else ""
    group_of = None
    for rows in parts:
        for row in rows:
            group = None
            if row["dimension"] == wanted and query.breakdown:
                group_of = group_of or grouper()
                group = group_of(row.get("region_id"), row["dimension_value"])
            counted.append(
                (row["figure"], row["period_start"].replace(day=1), group, row["key"], int(row["v"]))
            )
