"""Duty test data: members with sign-in accounts, held meetings with their duty facts, activity groups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from shangliang.accounts.tests.factories import UserFactory
from shangliang.core.roles import Role
from shangliang.meetings.models import Attendance, Meeting, MeetingStatus, ParticipantRole, Speech, SpeechKind
from shangliang.meetings.record import record_duty_facts
from shangliang.meetings.tests.factories import invite, meeting_in
from shangliang.places.models import ActivityGroup, ActivityGroupMembership, Member, Region, Room
from shangliang.places.tests import factories as pf


def member_user(name: str, region: Region, **member_fields: Any) -> Any:
    member = pf.MemberFactory(name=name, **member_fields)
    return UserFactory(role=Role.MEMBER, region=region, member=member, username=f"m-{name}")


def at(day: dt.date, hour: int = 15) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def held_meeting(
    *,
    room: Room,
    host: Any,
    recorder: Any,
    form: str,
    day: dt.date,
    present: Sequence[Member] = (),
    absent: Sequence[Member] = (),
    oral: Sequence[Member] = (),
    written: Sequence[Member] = (),
    title: str = "",
) -> Meeting:
    """A meeting whose minutes are confirmed, with attendance and speeches, and its duty facts
    written as ``minutes_confirm`` writes them."""
    meeting = meeting_in(
        MeetingStatus.MINUTES_CONFIRMED,
        room=room,
        host=host,
        recorder=recorder,
        form=form,
        starts_at=at(day),
        ends_at=at(day, 17),
        **({"title": title} if title else {}),
    )
    people = {}
    for m in present:
        people[m.pk] = invite(meeting, member=m, attendance=Attendance.PRESENT, role=ParticipantRole.MEMBER)
    for m in absent:
        people[m.pk] = invite(meeting, member=m, attendance=Attendance.ABSENT, role=ParticipantRole.MEMBER)
    for m in oral:
        Speech.objects.create(
            meeting=meeting, participant=people[m.pk], kind=SpeechKind.ORAL, summary="口头发言"
        )
    for m in written:
        Speech.objects.create(
            meeting=meeting, participant=people[m.pk], kind=SpeechKind.WRITTEN, summary="书面发言"
        )
    record_duty_facts(meeting)
    return meeting


def group_of(community: Region, members: Sequence[Member]) -> ActivityGroup:
    group = ActivityGroup.objects.create(community=community, name=f"{community.name}委员活动小组")
    for position, m in enumerate(members):
        ActivityGroupMembership.objects.create(group=group, member=m, is_leader=position == 0)
    return group
