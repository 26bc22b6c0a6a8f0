"""Topic pages: staff list and page, transitions from the page, the public page without personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core import personal
from shangliang.topics.models import Topic, TopicStatus
from shangliang.topics.tests.factories import TopicFactory, topic_with

pytestmark = pytest.mark.django_db


def test_staff_see_the_topic_with_lineage_and_supporters(client, district, staff):
    concern = ConcernFactory(community=district.community_a, supporters_count=4, tracking_code="K7QM3XTP")
    topic = topic_with(district.community_a, [concern], title="政法路飞线充电整治")
    client.force_login(staff)
    listing = client.get(reverse("topics:staff-list"))
    assert "政法路飞线充电整治" in listing.content.decode()
    page = client.get(reverse("topics:staff-detail", args=[topic.pk])).content.decode()
    assert "K7QM3XTP" in page
    assert "5 人（1 条诉求）" in page
    assert "批准立题" in page


def test_a_secretary_approves_from_the_page_and_a_stale_page_is_told(client, district, secretary):
    topic = topic_with(district.community_a, [])
    client.force_login(secretary)
    url = reverse("topics:transition", args=[topic.pk])
    response = client.post(url, {"new": "approved", "version": 1})
    assert response.status_code == 302
    stale = client.post(url, {"new": "cancelled", "version": 1, "reason": "重复"})
    assert stale.status_code == 409
    assert "该记录刚刚已被他人修改" in stale.content.decode()
    topic.refresh_from_db()
    assert topic.status == TopicStatus.APPROVED


def test_cancel_without_reason_keeps_the_page_and_says_why(client, district, staff):
    topic = topic_with(district.community_a, [])
    client.force_login(staff)
    response = client.post(reverse("topics:transition", args=[topic.pk]), {"new": "cancelled", "version": 1})
    assert response.status_code == 400
    assert "撤销议题须说明原因" in response.content.decode()


def test_other_communities_topics_are_not_found(client, district, secretary):
    topic = TopicFactory(community=district.community_b)
    client.force_login(secretary)
    assert client.get(reverse("topics:staff-detail", args=[topic.pk])).status_code == 404


def test_edit_form_keeps_what_was_typed_when_refused(client, district, staff):
    topic = topic_with(district.community_a, [])
    client.force_login(staff)
    response = client.post(
        reverse("topics:edit", args=[topic.pk]),
        {
            "title": "短",
            "form": "micro",
            "purpose": "service",
            "version": topic.version,
            "research_notes": "走访记录",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写议题名称（至少 4 个字）" in body
    assert "走访记录" in body


def test_the_public_page_shows_no_personal_data(client, district):
    concern = ConcernFactory(
        community=district.community_a,
        text="我是张三，电话13812345678，楼道飞线充电",
        phone_encrypted=personal.encrypt("13812345678"),
        phone_masked="138****5678",
    )
    topic = topic_with(district.community_a, [concern], status=TopicStatus.APPROVED, title="飞线充电整治")
    body = client.get(reverse("topics:public-detail", args=[topic.pk])).content.decode()
    assert "飞线充电整治" in body
    for personal_data in ("13812345678", "138****5678", "张三"):
        assert personal_data not in body
    assert concern.tracking_code not in body


def test_proposed_and_private_topics_are_not_public(client, district):
    proposed = TopicFactory(community=district.community_a)
    private = TopicFactory(community=district.community_a, status=TopicStatus.APPROVED, is_public=False)
    for topic in (proposed, private):
        assert client.get(reverse("topics:public-detail", args=[topic.pk])).status_code == 404


def test_a_reviewer_assigns_through_the_form(client, district, reviewer):
    client.force_login(reviewer)
    due = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        reverse("topics:assign"),
        {
            "region": district.community_b.pk,
            "title": "提高医保参保率",
            "text": "赤西村医保参保率偏低",
            "required_by": due.isoformat(),
            "form": "thematic",
            "purpose": "consensus",
        },
    )
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert (topic.source, topic.status, topic.required_by) == ("government", "approved", due)
