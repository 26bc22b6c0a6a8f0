"""Following: "我也遇到" with a phone, a public topic by phone, and stopping by the SMS link."""

import pytest
from django.urls import reverse

from shangliang.concerns import selectors, services
from shangliang.concerns.models import ConcernFollower, ConcernSupport
from shangliang.concerns.tests.factories import published
from shangliang.core.models import AuditEvent
from shangliang.notifications.models import OutboxMessage
from shangliang.topics import services as topic_services
from shangliang.topics.models import TopicFollower, TopicStatus
from shangliang.topics.tests.factories import topic_with, waiting_concern

pytestmark = pytest.mark.django_db

PHONE = "13977901234"


def sms_to(masked_tail: str = "1234") -> list[str]:
    return list(
        OutboxMessage.objects.filter(channel="sms", phone_masked__endswith=masked_tail)
        .order_by("pk")
        .values_list("body", flat=True)
    )


def test_me_too_with_a_phone_and_consent_makes_a_follower_told_of_each_public_change(
    client, district, settings
):
    settings.SHANGLIANG_SITE_URL = "https://sl.example.gov.cn"
    # given a public concern
    concern = published(community=district.community_a)
    # when a resident says 我也遇到 with a phone and consent
    response = client.post(
        reverse("concerns:support", args=[concern.public_id]),
        {"contact": "phone", "phone": PHONE, "consent": "on"},
    )
    # then the support counts once, keyed by the phone, and the resident follows the concern
    assert response.status_code == 200
    assert "有公开进展时，我们会发短信告诉您" in response.content.decode()
    assert ConcernSupport.objects.filter(concern=concern).count() == 1
    follower = ConcernFollower.objects.get(concern=concern)
    assert follower.phone_masked == "139****1234"
    assert AuditEvent.objects.filter(event_type="concern.followed", object_id=str(concern.pk)).count() == 1
    # and is welcomed with the concern's page and a stop link
    stop = f"https://sl.example.gov.cn/concerns/follow/{follower.token}/stop/"
    assert sms_to() == [
        f"您已关注问题“{concern.text}”，有公开进展时将短信告知："
        f"https://sl.example.gov.cn/concerns/p/{concern.public_id}/ 不再接收：{stop}"
    ]
    # when the concern moves publicly
    services.inform_residents(
        concerns=[concern], text="经研判，已直接交办。", event_type="concern.x", key="x"
    )
    # then the follower hears of it too
    assert sms_to()[-1] == (
        f"您关注的问题有新进展：经研判，已直接交办。详情：https://sl.example.gov.cn/concerns/p/{concern.public_id}/ "
        f"不再接收：{stop}"
    )
    # and the concern is among the phone's followed ones
    assert list(selectors.followed_for_phone(PHONE)) == [concern]


def test_me_too_with_a_phone_but_no_consent_counts_and_asks_again_with_the_phone_kept(client, district):
    # given a public concern
    concern = published(community=district.community_a)
    # when a resident says 我也遇到 with a phone but without consent
    response = client.post(reverse("concerns:support", args=[concern.public_id]), {"phone": PHONE})
    # then the support counts, nobody follows, and the page asks for consent with the phone kept
    html = response.content.decode()
    assert response.status_code == 400
    assert ConcernSupport.objects.filter(concern=concern).count() == 1
    assert ConcernFollower.objects.count() == 0
    assert "接收短信需要您同意我们用这个手机号发送进展短信。" in html
    assert f'value="{PHONE}"' in html
    # when they tick the consent on that page
    client.post(reverse("concerns:follow", args=[concern.public_id]), {"phone": PHONE, "consent": "on"})
    # then they follow, and the support is not counted twice
    assert ConcernFollower.objects.filter(concern=concern).count() == 1
    concern.refresh_from_db()
    assert concern.supporters_count == 1


def test_an_anonymous_me_too_on_the_intake_form_ignores_the_phone_field(client, district):
    # given a public concern
    concern = published(community=district.community_a)
    # when 我也遇到 is pressed on the intake form with 匿名 chosen
    client.post(
        reverse("concerns:support", args=[concern.public_id]), {"contact": "anonymous", "phone": PHONE}
    )
    # then the support counts and nobody follows
    assert ConcernSupport.objects.count() == 1
    assert ConcernFollower.objects.count() == 0


def test_the_stop_link_ends_the_messages(client, district):
    # given a follower
    concern = published(community=district.community_a)
    follower, _ = services.concern_follow(concern=concern, phone=PHONE, consent=True)
    url = reverse("concerns:unfollow", args=[follower.token])
    # when they open the link, nothing changes until they press the button
    assert client.get(url).status_code == 200
    assert ConcernFollower.objects.count() == 1
    client.post(url)
    # then they follow no more, and the link is spent
    assert ConcernFollower.objects.count() == 0
    assert client.get(url).status_code == 404
    services.inform_residents(concerns=[concern], text="已办结。", event_type="concern.x", key="y")
    assert [b for b in sms_to() if b.startswith("您关注的")] == []


def test_anyone_follows_a_public_topic_by_phone_and_hears_each_public_step(client, district, staff, settings):
    settings.SHANGLIANG_SITE_URL = "https://sl.example.gov.cn"
    # given a public topic
    topic = topic_with(district.community_a, [waiting_concern(district.community_a)], is_public=True)
    topic_services.topic_transition(topic_id=topic.pk, new=TopicStatus.APPROVED, actor=staff)
    # when a resident follows it on its page
    response = client.post(
        reverse("topics:public-detail", args=[topic.pk]), {"phone": PHONE, "consent": "on"}
    )
    # then they follow it
    assert "已关注：有公开进展时，我们会发短信告诉您。" in response.content.decode()
    follower = TopicFollower.objects.get(topic=topic)
    # when the topic is withdrawn, with its reason
    topic_services.topic_transition(
        topic_id=topic.pk, new=TopicStatus.CANCELLED, actor=staff, reason="并入全区整治"
    )
    # then they hear of it, with the topic's page and a stop link
    assert sms_to()[-1] == (
        f"您关注的议题有新进展：议题“{topic.title}”已撤销（并入全区整治）。"
        f"详情：https://sl.example.gov.cn/topics/{topic.pk}/ "
        f"不再接收：https://sl.example.gov.cn/concerns/follow/{follower.token}/stop/"
    )
    # and the same stop link ends them
    client.post(reverse("concerns:unfollow", args=[follower.token]))
    assert TopicFollower.objects.count() == 0


def test_following_a_topic_without_consent_is_refused_with_the_reason(client, district, staff):
    # given a public topic
    topic = topic_with(district.community_a, [waiting_concern(district.community_a)], is_public=True)
    topic_services.topic_transition(topic_id=topic.pk, new=TopicStatus.APPROVED, actor=staff)
    # when
    response = client.post(reverse("topics:public-detail", args=[topic.pk]), {"phone": PHONE})
    # then
    assert response.status_code == 400
    assert "接收短信需要您同意我们用这个手机号发送进展短信。" in response.content.decode()
    assert TopicFollower.objects.count() == 0
