"""Reads of places, people and rooms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from shangliang.core.errors import PermissionDenied
from shangliang.core.scope import Scope
from shangliang.places import permissions as perms
from shangliang.places.models import (
    ActivityGroup,
    ActivityGroupMembership,
    Member,
    Organisation,
    OrganisationKind,
    Region,
    RegionLevel,
    Room,
    RoomSchedule,
    RoomStandardCheck,
    StandardItem,
)
from shangliang.places.rules import group_size_status
from shangliang.places.schedules import RuleError, occurrences


@dataclass(frozen=True)
class OpenDay:
    """One coming date on which a room is open for anyone to come and raise a matter."""

    room: Room
    schedule: RoomSchedule
    date: dt.date

    @property
    def starts_at(self) -> dt.time:
        return self.schedule.start_time

    @property
    def ends_at(self) -> dt.time:
        return self.schedule.end_time


def schedule_next_dates(
    schedule: RoomSchedule, *, after: dt.date | None = None, count: int = 5
) -> list[dt.date]:
    after = after or timezone.localdate()
    try:
        return occurrences(
            schedule.rule, starts_on=schedule.starts_on, after=after, count=count, ends_on=schedule.ends_on
        )
    except RuleError:
        return []


def public_rooms() -> QuerySet[Room]:
    return (
        Room.objects.filter(active=True)
        .select_related("region", "region__parent")
        .prefetch_related(Prefetch("schedules", queryset=RoomSchedule.objects.filter(active=True)))
    )


def upcoming_open_days(
    rooms: QuerySet[Room] | list[Room],
    *,
    after: dt.date | None = None,
    per_schedule: int = 3,
    limit: int = 10,
) -> list[OpenDay]:
    days = [
        OpenDay(room=room, schedule=schedule, date=date)
        for room in rooms
        for schedule in room.schedules.all()
        if schedule.active
        for date in schedule_next_dates(schedule, after=after, count=per_schedule)
    ]
    days.sort(key=lambda d: (d.date, d.schedule.start_time, d.room.name))
    return days[:limit]


def communities() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.COMMUNITY)


# --- Staff reads, scoped to the person asking -----------------------------------------------------


def _scoped(queryset: QuerySet[Any], scope: Scope, field: str) -> QuerySet[Any]:
    prefix = scope.region_path
    if prefix is None:
        return queryset.none()
    if prefix == "":
        return queryset
    return queryset.filter(**{f"{field}__startswith": prefix})


def region_tree_for_user(scope: Scope) -> list[Region]:
    """The regions a person may see, in tree order (ancestors of one's own region first)."""
    prefix = scope.region_path
    if prefix is None:
        return []
    regions = Region.objects.order_by("path")
    if prefix:
        ancestor_ids = [int(part) for part in prefix.strip("/").split("/") if part]
        regions = regions.filter(Q(path__startswith=prefix) | Q(pk__in=ancestor_ids))
    return list(regions.filter(level__in=[lvl for lvl in RegionLevel.values if lvl != RegionLevel.GRID]))


def region_children(region: Region) -> QuerySet[Region]:
    return region.children.order_by("sort_order", "name").annotate(child_count=Count("children"))


def region_get_for_user(scope: Scope, pk: int) -> Region:
    region = get_object_or_404(Region.objects.select_related("parent"), pk=pk)
    if not perms.can_view_region(scope, region):
        raise PermissionDenied()
    return region


def rooms_for_user(scope: Scope) -> QuerySet[Room]:
    return (
        _scoped(Room.objects.all(), scope, "region__path")
        .select_related("region", "region__parent")
        .annotate(
            satisfied_count=Count(
                "standard_checks", filter=Q(standard_checks__satisfied=True), distinct=True
            ),
            schedule_count=Count("schedules", filter=Q(schedules__active=True), distinct=True),
        )
        .order_by("region__path", "name")
    )


def rooms_with_incomplete_checks(scope: Scope) -> QuerySet[Room]:
    incomplete = {"satisfied_count__lt": len(StandardItem.values)}
    return rooms_for_user(scope).filter(active=True, **incomplete)


def room_get_for_user(scope: Scope, pk: int) -> Room:
    room = get_object_or_404(Room.objects.select_related("region", "region__parent"), pk=pk)
    if not perms.can_view_room(scope, room):
        raise PermissionDenied()
    return room


def room_get_public(pk: int) -> Room:
    return get_object_or_404(public_rooms(), pk=pk)


@dataclass(frozen=True)
class CheckRow:
    item: str
    label: str
    check: RoomStandardCheck | None

    @property
    def satisfied(self) -> bool:
        return self.check is not None and self.check.satisfied


def room_checklist(room: Room) -> list[CheckRow]:
    """The four "四有" items in order, with what has been recorded for each (or nothing yet)."""
    checks = {c.item: c for c in room.standard_checks.all()}
    return [
        CheckRow(item=value, label=label, check=checks.get(value)) for value, label in StandardItem.choices
    ]


def room_schedules_with_dates(room: Room, *, count: int = 5) -> list[tuple[RoomSchedule, list[dt.date]]]:
    return [(s, schedule_next_dates(s, count=count) if s.active else []) for s in room.schedules.all()]


def organisations_list(*, kind: str = "") -> QuerySet[Organisation]:
    queryset = Organisation.objects.select_related("region", "parent").order_by("kind", "name")
    return queryset.filter(kind=kind) if kind else queryset


def members_list(
    *, level: str = "", sector: int | None = None, committee: int | None = None, q: str = ""
) -> QuerySet[Member]:
    queryset = Member.objects.select_related("sector", "committee").prefetch_related(
        Prefetch("activity_groups", queryset=ActivityGroup.objects.select_related("community"))
    )
    if level:
        queryset = queryset.filter(level=level)
    if sector:
        queryset = queryset.filter(sector_id=sector)
    if committee:
        queryset = queryset.filter(committee_id=committee)
    if q:
        queryset = queryset.filter(Q(name__contains=q) | Q(work_unit__contains=q))
    return queryset.order_by("level", "name")


def member_bodies() -> tuple[QuerySet[Organisation], QuerySet[Organisation]]:
    """The sectors and special committees, for the member list's filters."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.SECTOR).order_by("name"),
        Organisation.objects.filter(kind=OrganisationKind.SPECIAL_COMMITTEE).order_by("name"),
    )


def activity_groups_for_user(scope: Scope) -> QuerySet[ActivityGroup]:
    return (
        _scoped(ActivityGroup.objects.all(), scope, "community__path")
        .select_related("community", "community__parent")
        .prefetch_related(
            Prefetch(
                "activitygroupmembership_set",
                queryset=ActivityGroupMembership.objects.select_related("member").order_by(
                    "-is_leader", "id"
                ),
            )
        )
        .order_by("community__path")
    )


@dataclass(frozen=True)
class CoverageRow:
    community: Region
    group_id: int | None
    member_count: int

    @property
    def status(self) -> str:
        return "missing" if self.group_id is None else group_size_status(self.member_count)

    @property
    def status_label(self) -> str:
        return COVERAGE_LABELS[self.status]


COVERAGE_LABELS = {
    "missing": "未建立活动小组",
    "short": "委员人数不足",
    "over": "委员人数过多",
    "ok": "已覆盖",
}


def coverage_for_user(scope: Scope) -> list[CoverageRow]:
    """Every village/community in scope with its group's size: the gaps first, then the rest."""
    communities_in_scope = (
        _scoped(communities(), scope, "path")
        .select_related("parent")
        .annotate(
            group_id=F("activity_group__id"),
            member_count=Count("activity_group__activitygroupmembership"),
        )
        .order_by("path")
    )
    rows = [CoverageRow(c, c.group_id, c.member_count) for c in communities_in_scope]
    return sorted(rows, key=lambda r: (r.status == "ok", r.community.path))
