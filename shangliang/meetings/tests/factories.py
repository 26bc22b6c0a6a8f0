"""Meeting test data: a room, an approved topic whose concern left a phone, departments, and
meetings in any state (built directly, for permission matrices) or through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone

from shangliang.concerns.models import Concern
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.meetings.models import Meeting, MeetingStatus, Participant, ParticipantRole
from shangliang.places.models import Organisation, OrganisationKind, Room
from shangliang.places.tests import factories as pf
from shangliang.privacy import personal
from shangliang.topics.models import Topic, TopicStatus
from shangliang.topics.tests.factories import topic_with

RESIDENT_PHONE = "13877901234"


def soon(days: int = 5, hour: int = 15) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"整治老旧小区飞线问题协商议事会{n}")
    region = factory.SelfAttribute("room.region")
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    starts_at = factory.LazyFunction(lambda: soon(5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    status = MeetingStatus.DRAFT


@dataclass
class World:
    room: Room
    topic: Topic
    concern: Concern
    housing: Organisation
    fire: Organisation


def world(district: Any) -> World:
    room = pf.RoomFactory(name="政法路社区协商议事室", region=district.community_a, capacity=30)
    concern = ConcernFactory(
        community=district.community_a,
        text="政法路5栋楼道私拉电线给电动车充电",
        phone_encrypted=personal.encrypt(RESIDENT_PHONE),
    )
    topic = topic_with(
        district.community_a, [concern], title="整治老旧小区飞线充电", status=TopicStatus.APPROVED
    )
    housing = Organisation.objects.filter(name="区住建局").first() or pf.OrganisationFactory(name="区住建局")
    housing.categories = "老旧小区改造、物业管理"
    housing.save()
    fire = pf.OrganisationFactory(
        name="区消防救援大队", kind=OrganisationKind.DEPARTMENT, categories="消防、飞线充电"
    )
    return World(room=room, topic=topic, concern=concern, housing=housing, fire=fire)


def meeting_in(status: str, *, room: Room, host: Any, recorder: Any, **kwargs: Any) -> Meeting:
    if status == MeetingStatus.CANCELLED:
        kwargs.setdefault("cancel_reason", "天气原因")
    return MeetingFactory(room=room, host=host, recorder=recorder, status=status, **kwargs)


def invite(
    meeting: Meeting,
    *,
    member: Any = None,
    user: Any = None,
    name: str = "",
    role: str = ParticipantRole.MEMBER,
    **kwargs: Any,
) -> Participant:
    return Participant.objects.create(
        meeting=meeting,
        role=role,
        member=member,
        user=user,
        name=name or (member.name if member else str(user)),
        **kwargs,
    )
