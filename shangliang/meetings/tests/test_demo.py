"""The demo meetings: every state, the article's cases held with minutes, and a second run changes nothing."""

from __future__ import annotations

import pytest

from shangliang.demo.builders import accounts, concerns, meetings, places
from shangliang.meetings.models import Meeting, MeetingStatus

pytestmark = pytest.mark.django_db


def test_demo_meetings_in_every_state():
    built = places.build()
    accounts.build(built["regions"], built["organisations"])
    concerns.build()
    first = meetings.build()
    assert {m.status for m in first} == set(MeetingStatus.values)
    medical = Meeting.objects.get(title="“珠事好商量”——议医保、解民忧")
    assert (medical.status, f"{medical.starts_at:%Y-%m-%d}") == (MeetingStatus.PUBLISHED, "2022-11-23")
    assert medical.registrations.filter(status="confirmed").count() == 30
    assert sorted(medical.participants.filter(role="department").values_list("name", flat=True)) == [
        "国家税务总局北海市海城区税务局负责同志",
        "海城区医疗保障局负责同志",
    ]
    wire = Meeting.objects.get(title="“珠事好商量”——整治老旧小区飞线问题")
    assert wire.consensus_items.filter(
        text__startswith="错峰充电、电满让位", action_item__isnull=False
    ).exists()
    infra = Meeting.objects.get(title="“珠事好商量”——动植物药厂宿舍完善基础设施建设")
    levels = set(infra.participants.filter(member__isnull=False).values_list("member__level", flat=True))
    assert levels == {"region", "city", "district"}
    assert infra.participants.filter(role="builder").exists()
    assert list(infra.consensus_items.values_list("text", flat=True)) == [
        "市政协机关出资，完成小区电路改造和排水改造",
        "居民积极配合施工，共同完成老旧小区改造",
    ]
    # a second run finds everything by title
    count = Meeting.objects.count()
    meetings.build()
    assert Meeting.objects.count() == count == len(meetings.MEETINGS)
