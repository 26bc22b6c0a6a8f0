"""What a visitor finds of topics through the similar-records API: what their public page shows."""

import pytest
from django.urls import reverse

from shangliang.topics.models import Topic, TopicStatus
from shangliang.topics.services import index_topic
from shangliang.topics.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def indexed_topic(district, *, is_public: bool) -> Topic:
    topic = TopicFactory(
        community=district.community_a,
        title="楼道私拉电线充电整治",
        description="政法路社区多栋楼道有人私拉电线给电动车充电，联系人电话13812345678",
        research_notes="走访张建国家，了解私拉电线充电情况",
        status=TopicStatus.APPROVED,
        is_public=is_public,
    )
    index_topic(topic)
    return topic


def test_a_visitor_finds_a_public_topic_under_what_its_public_page_shows(client, district):
    # given a public topic and one kept from the public, of the same problem
    shown = indexed_topic(district, is_public=True)
    indexed_topic(district, is_public=False)
    # when a visitor looks for similar records
    response = client.get("/api/v1/text/similar", {"text": "楼道私拉电线给电动车充电"})
    # then only the public topic is found, under its title and masked description, without its notes
    assert response.status_code == 200
    body = response.json()
    assert [(hit["kind"], hit["object_id"]) for hit in body] == [("topic", shown.pk)]
    assert body[0]["title"] == "楼道私拉电线充电整治"
    assert body[0]["text"] == "政法路社区多栋楼道有人私拉电线给电动车充电，联系人电话138****5678"
    assert "张建国" not in response.content.decode()
    assert "13812345678" not in response.content.decode()


def test_the_public_page_masks_numbers_in_the_description_as_the_api_does(client, district):
    # given a public topic whose description holds a phone number
    topic = indexed_topic(district, is_public=True)
    # when a visitor opens its public page
    html = client.get(reverse("topics:public-detail", args=[topic.pk])).content.decode()
    # then the number is masked by the one rule
    assert "联系人电话138****5678" in html
    assert "13812345678" not in html
