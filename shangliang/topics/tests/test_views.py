"""Topic pages: staff list and page, transitions from the page, the public page without personal data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shangliang.concerns.models import Concern
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.testing import count_queries
from shangliang.privacy import personal
from shangliang.topics import services
from shangliang.topics.models import Topic, TopicConcern, TopicStatus
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


def test_the_page_shows_each_change_at_once_and_each_visit_its_own_token(client, district, staff):
    concern = ConcernFactory(community=district.community_a, tracking_code="K7QM3XTP")
    topic = topic_with(district.community_a, [concern], title="政法路飞线充电整治")
    client.force_login(staff)
    url = reverse("topics:staff-detail", args=[topic.pk])
    first, again = client.get(url).content.decode(), client.get(url).content.decode()

    services.topic_transition(topic_id=topic.pk, new=TopicStatus.APPROVED, reason="", actor=staff)
    Concern.objects.filter(pk=concern.pk).update(supporters_count=2)
    changed = client.get(url).content.decode()

    assert "待审批" in first
    assert "已立题" in changed
    assert "3 人（1 条诉求）" in changed
    tokens = [page.split('name="csrfmiddlewaretoken" value="', 1)[1][:64] for page in (first, again)]
    assert tokens[0] != tokens[1]


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


def test_staff_page_shows_material_and_split_off_concerns_with_a_constant_number_of_queries(
    client, district, staff
):
    small = topic_with(
        district.community_a, [ConcernFactory(community=district.community_a) for _ in range(2)]
    )
    large = topic_with(
        district.community_a, [ConcernFactory(community=district.community_a) for _ in range(8)]
    )
    split = large.links.order_by("id").last()
    TopicConcern.objects.filter(pk=split.pk).update(removed_at=timezone.now())
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    for topic in (small, large):
        services.topic_add_document(
            topic_id=topic.pk,
            files=[SimpleUploadedFile("现场.gif", gif, content_type="image/gif")],
            note="调研照片",
            actor=staff,
        )
    client.force_login(staff)
    client.get(reverse("topics:staff-detail", args=[small.pk]))  # warm the session and caches
    queries = [
        count_queries(lambda t=t: client.get(reverse("topics:staff-detail", args=[t.pk])))
        for t in (small, large)
    ]
    assert queries[0] == queries[1]
    page = client.get(reverse("topics:staff-detail", args=[large.pk])).content.decode()
    assert "现场.gif" in page
    assert "调研照片" in page
    assert str(staff) in page
    assert page.count('class="removed"') == 1
    assert "拆分" in page
    assert "7 人（7 条诉求）" in page


def _offered(page: str) -> list[str]:
    """The action buttons and links of the topic page, in order."""

    actions = page.split('<div class="actions">', 1)[1].split("</div>", 1)[0]
    labels = re.findall(r">([^<>]+)</(?:button|a)>", actions)
    if 'data-testid="draft-output"' in page:
        labels.append("起草成果")
    return [label.strip() for label in labels]


STAFF_OFFERS = {
    "proposed": ["批准立题", "编辑", "撤销议题", "起草成果"],
    "approved": ["安排协商会议", "编辑", "撤销议题", "起草成果"],
    "scheduled": ["安排协商会议", "编辑", "撤销议题", "起草成果"],
    "consulted": ["安排协商会议", "编辑", "撤销议题", "起草成果"],
    "implementing": ["安排协商会议", "发起三评", "编辑", "撤销议题", "起草成果"],
    "evaluating": ["编辑", "起草成果"],
    "reopened": ["安排协商会议", "发起三评", "编辑", "撤销议题", "起草成果"],
    "closed": ["起草成果"],
    "cancelled": ["起草成果"],
}
SECRETARY_OFFERS = {
    "proposed": ["批准立题", "编辑", "撤销议题"],
    "approved": ["编辑"],
    "scheduled": ["编辑"],
    "consulted": ["编辑"],
    "implementing": ["编辑"],
    "evaluating": ["编辑"],
    "reopened": ["编辑"],
    "closed": [],
    "cancelled": [],
}


@pytest.mark.parametrize("status", list(STAFF_OFFERS))
@pytest.mark.parametrize(
    ("role", "offers"),
    [
        ("staff", STAFF_OFFERS),
        ("secretary", SECRETARY_OFFERS),
        ("grid_worker", {key: [] for key in STAFF_OFFERS}),
    ],
)
def test_the_topic_page_offers_only_what_the_state_and_role_allow(
    request, client, district, status, role, offers
):
    # given a topic of community a in ``status``
    topic = TopicFactory(
        community=district.community_a, status=status, cancel_reason="x" if status == "cancelled" else ""
    )
    client.force_login(request.getfixturevalue(role))
    # when the person opens its page
    page = client.get(reverse("topics:staff-detail", args=[topic.pk])).content.decode()
    # then it offers exactly the steps allowed, and no free status button
    assert _offered(page) == offers[status]


@pytest.mark.parametrize(
    "new", ["scheduled", "consulted", "implementing", "evaluating", "closed", "reopened"]
)
def test_the_page_refuses_a_free_status_change(client, district, staff, new):
    # given an approved topic
    topic = TopicFactory(community=district.community_a, status=TopicStatus.APPROVED)
    client.force_login(staff)
    # when a status is posted directly
    response = client.post(
        reverse("topics:transition", args=[topic.pk]), {"new": new, "version": 1}, follow=True
    )
    # then nothing changes and the page says why
    topic.refresh_from_db()
    assert (topic.status, topic.version) == (TopicStatus.APPROVED, 1)
    assert "议题状态随协商、交办和三评的实际办理推进，不能直接变更。" in response.content.decode()


def test_cancelling_asks_for_confirmation_and_tells_the_resident_the_reason(client, district, staff):
    # given an approved topic with a resident's concern
    concern = ConcernFactory(community=district.community_a)
    topic = topic_with(district.community_a, [concern], status=TopicStatus.APPROVED, title="海景花园停车难")
    client.force_login(staff)
    # when staff open 撤销议题, then the confirmation page says what the resident will read
    page = client.get(reverse("topics:cancel", args=[topic.pk])).content.decode()
    assert "议题“海景花园停车难”已撤销（撤销原因），您的反映将重新研判。" in page
    # and confirming without a reason keeps the page with the error
    empty = client.post(reverse("topics:transition", args=[topic.pk]), {"new": "cancelled", "version": 1})
    assert empty.status_code == 400
    assert "撤销议题须说明原因。" in empty.content.decode()
    # and with a reason it is cancelled and the resident is told exactly that
    client.post(
        reverse("topics:transition", args=[topic.pk]),
        {"new": "cancelled", "version": 1, "reason": "业主自行解决"},
    )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.CANCELLED
    from shangliang.concerns import selectors as concern_selectors

    assert concern_selectors.public_timeline(concern)[-1].text == (
        "议题“海景花园停车难”已撤销（业主自行解决），您的反映将重新研判。"
    )


def test_drafting_an_output_from_the_topic_page_takes_the_chosen_kind(client, district, staff):
    # given a consulted topic
    topic = TopicFactory(community=district.community_a, status=TopicStatus.CONSULTED, title="海景花园停车难")
    client.force_login(staff)
    page = client.get(reverse("topics:staff-detail", args=[topic.pk])).content.decode()
    assert 'value="special_report">专项报告</option>' in page
    # when staff choose 专项报告 there and press 起草
    response = client.post(
        reverse("outputs:draft-topic", args=[topic.pk]), {"kind": "special_report", "title": ""}
    )
    # then a draft of that kind exists and its editing page opens
    from shangliang.outputs.models import Output

    output = Output.objects.get(source_topics=topic)
    assert output.kind == "special_report"
    assert response.status_code == 302
    assert response["Location"] == reverse("outputs:edit", args=[output.pk])
