"""Every place that lists records for a person shows the same ones: one access scope (core.scope).

Per demo role: the screening desk, the staff concern list, staff search and the API list show the
same concerns; the staff topic list, staff search and the API list the same topics; the action
item inbox and the API list the same action items. A department officer opens the meetings his
organisation is invited to and the topic behind each of his action items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shangliang.actions.tests.factories import ActionItemFactory
from shangliang.concerns.services import index_concern
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.scope import scope_of
from shangliang.meetings.models import Participant, ParticipantRole
from shangliang.meetings.tests.factories import MeetingFactory
from shangliang.places.models import ActivityGroup, ActivityGroupMembership
from shangliang.places.tests import factories as pf
from shangliang.topics.models import TopicSource
from shangliang.topics.services import index_topic
from shangliang.topics.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

WORD = "飞线充电"
ROLES = [
    "grid_worker",
    "secretary",
    "member",
    "staff",
    "street_staff",
    "reviewer",
    "department_officer",
    "admin_user",
]
DESK_ROLES = {"grid_worker", "secretary", "staff", "street_staff", "admin_user"}


@pytest.fixture
def records(district, member, department_officer):
    """Concerns, topics and action items across the district, all holding one searchable word."""
    ActivityGroupMembership.objects.create(
        group=ActivityGroup.objects.create(community=district.community_b, name="赤西村活动小组"),
        member=member.member,
    )
    other_department = pf.OrganisationFactory(name="区医保局")
    places = [
        (district.community_a, district.grid_a),
        (district.community_a, district.community_a),
        (district.community_a2, district.community_a2),
        (district.community_b, district.grid_b),
    ]
    concerns, topics, items = [], [], []
    for n, (community, region) in enumerate(places):
        concern = ConcernFactory(community=community, region=region, text=f"{WORD}第{n}处楼道私拉电线")
        index_concern(concern)
        concerns.append(concern)
        topic = TopicFactory(
            community=community,
            region=region,
            title=f"{WORD}整治{n}",
            source=TopicSource.GOVERNMENT if n % 2 else TopicSource.RESIDENT,
            required_by=timezone.localdate() + dt.timedelta(days=30) if n % 2 else None,
        )
        index_topic(topic)
        topics.append(topic)
        items.append(
            ActionItemFactory(
                topic=topic,
                region=region,
                department=department_officer.organisation if n % 2 else other_department,
            )
        )
    return concerns, topics, items


def _desk(client) -> set[int] | None:
    response = client.get(reverse("screening:inbox"), {"status": "all"})
    if response.status_code == 403:
        return None
    return {row.pk for row in response.context["page"].rows}


def _search(client, kind: str) -> set[int]:
    response = client.get(reverse("text:search"), {"q": WORD, "kind": kind})
    assert response.status_code == 200
    return {hit.object_id for hit in response.context["result"].hits}


def _api(client, name: str) -> set[int]:
    response = client.get(f"/api/v1/{name}", {"limit": 100})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["items"]}


def _listed(client, url: str, **query: str) -> set[int]:
    response = client.get(url, query)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["page"].object_list}


@pytest.mark.parametrize("role", ROLES)
def test_desk_concern_list_search_and_api_show_the_same_concerns(client, request, records, role):
    # given
    person = request.getfixturevalue(role)
    client.force_login(person)
    # when
    listed = _listed(client, reverse("concerns:staff-list"))
    searched = _search(client, "concern")
    api = _api(client, "staff/concerns")
    desk = _desk(client)
    # then
    assert searched == listed
    assert api == listed
    if role in DESK_ROLES:
        assert desk == listed
    else:
        assert desk is None


@pytest.mark.parametrize("role", ROLES)
def test_topic_list_search_and_api_show_the_same_topics(client, request, records, role):
    # given
    person = request.getfixturevalue(role)
    client.force_login(person)
    # when
    listed = _listed(client, reverse("topics:staff-list"))
    searched = _search(client, "topic")
    api = _api(client, "topics")
    # then
    assert searched == listed
    assert api == listed


@pytest.mark.parametrize("role", ROLES)
def test_action_inbox_and_api_show_the_same_action_items(client, request, records, role):
    # given
    person = request.getfixturevalue(role)
    client.force_login(person)
    # when
    response = client.get(reverse("actions:inbox"), {"view": "all"})
    api = _api(client, "actions")
    # then
    inbox = (
        {item.pk for item in response.context["page"].object_list} if response.status_code == 200 else set()
    )
    assert inbox == api


def test_each_role_sees_what_its_place_gives(records, district, request):
    # given
    from shangliang.concerns.selectors import concerns_for_staff

    concerns, _, _ = records
    # when
    seen = {
        role: set(concerns_for_staff(scope_of(request.getfixturevalue(role))).values_list("pk", flat=True))
        for role in ROLES
    }
    # then: a grid worker sees their grid's whole community, as the secretary does
    assert seen["grid_worker"] == {concerns[0].pk, concerns[1].pk}
    assert seen["secretary"] == {concerns[0].pk, concerns[1].pk}
    assert seen["street_staff"] == {concerns[0].pk, concerns[1].pk, concerns[2].pk}
    assert seen["staff"] == seen["admin_user"] == {c.pk for c in concerns}
    assert seen["member"] == {concerns[3].pk}
    assert seen["reviewer"] == seen["department_officer"] == set()


def test_an_officer_opens_his_organisations_meetings_and_the_topics_of_his_items(
    client, records, district, department_officer, staff
):
    # given: two meetings, his organisation invited to one of them
    _, topics, items = records
    room = pf.RoomFactory(region=district.community_a)
    invited, other = (
        MeetingFactory(title=title, room=room, host=staff, recorder=staff)
        for title in ("飞线充电协商会", "医保协商会")
    )
    Participant.objects.create(
        meeting=invited,
        organisation=department_officer.organisation,
        role=ParticipantRole.DEPARTMENT,
        name="区住建局",
    )
    client.force_login(department_officer)
    # when
    meeting_pages = {
        m.title: client.get(reverse("meetings:staff-detail", args=[m.pk])).status_code
        for m in (invited, other)
    }
    mine = [item for item in items if item.department_id == department_officer.organisation_id]
    topic_pages = {
        item.topic_id: client.get(reverse("topics:staff-detail", args=[item.topic_id])).status_code
        for item in mine
    }
    others = [t for t in topics if t.pk not in topic_pages]
    # then
    assert meeting_pages == {"飞线充电协商会": 200, "医保协商会": 404}
    assert topic_pages == {item.topic_id: 200 for item in mine}
    assert len(mine) == 2
    assert [client.get(reverse("topics:staff-detail", args=[t.pk])).status_code for t in others] == [404, 404]
