"""Reads of places, people and rooms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from shangliang.places.models import Region, RegionLevel, Room, RoomSchedule
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
