from __future__ import annotations

import datetime as dt

import factory

from shangliang.places import models as m
from shangliang.places.schedules import PRESET_RULES


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Region
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"区域{n}")
    level = m.RegionLevel.DISTRICT
    parent = None

    @factory.post_generation
    def set_path(obj: m.Region, create: bool, extracted: object, **kwargs: object) -> None:
        obj.path = (obj.parent.path if obj.parent else "/") + f"{obj.pk}/"
        obj.save(update_fields=["path"])


def district(name: str = "海城区") -> m.Region:
    return RegionFactory.create(name=name, level=m.RegionLevel.DISTRICT)


def street(parent: m.Region, name: str | None = None) -> m.Region:
    return RegionFactory.create(parent=parent, level=m.RegionLevel.STREET, **({"name": name} if name else {}))


def community(parent: m.Region, name: str | None = None) -> m.Region:
    return RegionFactory.create(
        parent=parent,
        level=m.RegionLevel.COMMUNITY,
        community_kind=m.CommunityKind.COMMUNITY,
        **({"name": name} if name else {}),
    )


def grid(parent: m.Region, name: str | None = None) -> m.Region:
    return RegionFactory.create(parent=parent, level=m.RegionLevel.GRID, **({"name": name} if name else {}))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Organisation

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = m.OrganisationKind.DEPARTMENT


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Member

    name = factory.Sequence(lambda n: f"委员{n}")
    level = m.MemberLevel.DISTRICT


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Room

    name = factory.Sequence(lambda n: f"协商议事室{n}")
    kind = m.RoomKind.COMMUNITY
    address = "政法路1号"
    capacity = 30


class RoomScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RoomSchedule

    room = factory.SubFactory(RoomFactory)
    name = "二五议事"
    preset = m.SchedulePreset.ERWU
    rule = PRESET_RULES["erwu"]
    start_time = dt.time(15, 0)
    end_time = dt.time(17, 0)
    starts_on = dt.date(2026, 1, 1)
