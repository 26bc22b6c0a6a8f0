"""Topic services: the sources, transitions (cancel needs a reason), lineage, supporters, documents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns.models import Concern, ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.errors import ApplicationError, ConcurrentChange, PermissionDenied
from shangliang.places.models import ActivityGroup
from shangliang.text.models import SearchDocument
from shangliang.topics import selectors, services
from shangliang.topics.models import Topic, TopicConcern, TopicDocument, TopicSource, TopicStatus
from shangliang.topics.services import TopicDraft
from shangliang.topics.tests.factories import topic_with, waiting_concern

pytestmark = pytest.mark.django_db


def pdf(name: str = "调研报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%...\n", content_type="application/pdf")


def test_a_member_recommends_a_topic_for_a_linked_community(district, member):
    # given the member's activity group is linked to community a
    group = ActivityGroup.objects.create(community=district.community_a, name="政法路社区委员活动小组")
    group.members.add(member.member)
    # when they recommend a topic with research notes and a file
    topic = services.topic_recommend(
        draft=TopicDraft(title="老旧小区加装电梯", research_notes="走访 12 户，9 户同意", files=[pdf()]),
        community_id=district.community_a.pk,
        text="政法路老旧小区老人上下楼困难，建议加装电梯",
        actor=member,
    )
    # then a proposed 委员荐题 topic holds a 委员荐题 concern, and the file is kept
    assert (topic.status, topic.source, topic.research_notes) == (
        TopicStatus.PROPOSED,
        "member",
        "走访 12 户，9 户同意",
    )
    concern = topic.links.get().concern
    assert (concern.source, concern.status) == ("member", ConcernStatus.ACCEPTED)
    assert TopicDocument.objects.get(topic=topic).name == "调研报告.pdf"
    assert SearchDocument.objects.filter(kind="topic", object_id=topic.pk).exists()


def test_a_member_cannot_recommend_for_an_unlinked_community(district, member):
    with pytest.raises(PermissionDenied, match="所联系的村"):
        services.topic_recommend(
            draft=TopicDraft(title="老旧小区加装电梯"),
            community_id=district.community_b.pk,
            text="加装电梯问题",
            actor=member,
        )
    assert Topic.objects.count() == Concern.objects.count() == 0


def test_a_reviewer_assigns_an_approved_topic_with_a_required_date(district, reviewer):
    due = timezone.localdate() + dt.timedelta(days=60)
    topic = services.topic_assign(
        draft=TopicDraft(title="提高医保参保率", required_by=due, form="thematic"),
        region_id=district.community_b.pk,
        text="赤西村医保参保率偏低",
        actor=reviewer,
    )
    assert (topic.status, topic.source, topic.required_by) == (
        TopicStatus.APPROVED,
        TopicSource.GOVERNMENT,
        due,
    )
    assert topic.links.get().concern.source == "government"


def test_assigning_without_a_required_date_or_with_a_past_one_is_refused(district, reviewer):
    for required_by, message in [
        (None, "须填写要求完成日期"),
        (timezone.localdate() - dt.timedelta(days=1), "不能早于今天"),
    ]:
        with pytest.raises(ApplicationError, match=message):
            services.topic_assign(
                draft=TopicDraft(title="提高医保参保率", required_by=required_by),
                region_id=district.community_b.pk,
                text="医保",
                actor=reviewer,
            )
    assert Topic.objects.count() == 0


def test_cancelling_needs_a_reason_and_sends_concerns_back_to_screening(district, staff):
    concern = waiting_concern(district.community_a)
    topic = topic_with(district.community_a, [concern])
    with pytest.raises(ApplicationError, match="撤销议题须说明原因"):
        services.topic_transition(topic_id=topic.pk, new=TopicStatus.CANCELLED, actor=staff)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PROPOSED
    services.topic_transition(
        topic_id=topic.pk, new=TopicStatus.CANCELLED, reason="已由物业解决", actor=staff
    )
    topic.refresh_from_db()
    concern.refresh_from_db()
    assert (topic.status, topic.cancel_reason) == (TopicStatus.CANCELLED, "已由物业解决")
    assert concern.status == ConcernStatus.SCREENING
    assert "已撤销（已由物业解决）" in concern_selectors.public_timeline(concern)[-1].text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("approved", "scheduled", "还没有已安排的协商议事会"),
        ("scheduled", "consulted", "协商议事会还没有召开"),
        ("consulted", "implementing", "还没有交办单"),
        ("implementing", "evaluating", "须通过“发起三评”进入评价"),
        ("evaluating", "closed", "三评还没有得出相应结果"),
        ("evaluating", "reopened", "三评还没有得出相应结果"),
    ],
)
def test_a_state_is_refused_until_its_step_has_happened(district, staff, old, new, message):
    # given a topic in ``old`` with none of the records its next step leaves behind
    concern = waiting_concern(district.community_a, phone_encrypted="")
    topic = topic_with(district.community_a, [concern], status=old)
    # when someone moves it straight to ``new``
    with pytest.raises(ApplicationError, match=message):
        services.topic_transition(topic_id=topic.pk, new=new, actor=staff)
    # then nothing changed and the resident was told nothing
    topic.refresh_from_db()
    assert (topic.status, topic.version) == (old, 1)
    assert concern_selectors.public_timeline(concern) == []


def test_a_jump_the_table_forbids_is_refused(district, staff):
    topic = topic_with(district.community_a, [])
    with pytest.raises(ApplicationError, match="当前状态为“待审批”，不能变更为“已办结”"):
        services.topic_transition(topic_id=topic.pk, new=TopicStatus.CLOSED, actor=staff)


def test_a_stale_form_is_refused(district, staff):
    topic = topic_with(district.community_a, [])
    services.topic_transition(topic_id=topic.pk, new=TopicStatus.APPROVED, actor=staff, expected_version=1)
    with pytest.raises(ConcurrentChange):
        services.topic_transition(
            topic_id=topic.pk, new=TopicStatus.CANCELLED, reason="x", actor=staff, expected_version=1
        )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.APPROVED


def test_supporters_are_derived_from_concerns_and_their_duplicates(district):
    a = ConcernFactory(community=district.community_a, supporters_count=2)
    b = ConcernFactory(community=district.community_a)
    duplicate = ConcernFactory(
        community=district.community_a, merged_into=a, status="merged", supporters_count=1
    )
    topic = topic_with(district.community_a, [a, b])
    assert duplicate.merged_into_id == a.pk
    assert selectors.supporters(topic) == selectors.Supporters(concerns=3, residents=6)


def test_documents_are_checked_by_content(district, staff):
    topic = topic_with(district.community_a, [])
    fake = SimpleUploadedFile("报告.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError, match="未能上传"):
        services.topic_add_document(topic_id=topic.pk, files=[fake], actor=staff)
    services.topic_add_document(topic_id=topic.pk, files=[pdf()], note="调研", actor=staff)
    assert topic.documents.count() == 1


def test_editing_keeps_the_source_and_reindexes(district, staff):
    topic = topic_with(district.community_a, [], source="grid")
    services.topic_update(
        topic_id=topic.pk,
        draft=TopicDraft(title="新的议题名称", form="courtyard", purpose="service", source="resident"),
        actor=staff,
        expected_version=topic.version,
    )
    topic.refresh_from_db()
    assert (topic.title, topic.form, topic.purpose, topic.source) == (
        "新的议题名称",
        "courtyard",
        "service",
        "grid",
    )
    assert SearchDocument.objects.get(kind="topic", object_id=topic.pk).title == "新的议题名称"


def test_supporters_from_the_pages_link_rows_match_the_lookup(district):
    a = ConcernFactory(community=district.community_a, supporters_count=2)
    b = ConcernFactory(community=district.community_a, supporters_count=1)
    split_off = ConcernFactory(community=district.community_a, supporters_count=9)
    duplicate = ConcernFactory(community=district.community_a, merged_into=a, status="merged")
    ConcernFactory(community=district.community_a, merged_into=duplicate, status="merged", supporters_count=3)
    topic = topic_with(district.community_a, [a, b, split_off])
    TopicConcern.objects.filter(topic=topic, concern=split_off).update(removed_at=timezone.now())
    rows = selectors.link_rows(topic)
    assert [r.concern_id for r in rows] == [a.pk, b.pk, split_off.pk]
    assert rows[-1].removed_at is not None
    assert rows[0].via_label == "立题时纳入"
    # a, b, the duplicate and the duplicate's duplicate; the split-off concern no longer counts
    expected = selectors.Supporters(concerns=4, residents=4 + 2 + 1 + 3)
    assert selectors.supporters(topic) == expected
    assert selectors.supporters(topic, rows=rows) == expected
    assert selectors.sources_of(topic, rows=rows) == selectors.sources_of(topic)


def test_supporters_count_merged_concerns_beyond_one_batch(district):
    head = ConcernFactory(community=district.community_a, supporters_count=1)
    merged = [
        ConcernFactory(
            community=district.community_a, merged_into=head, status="merged", supporters_count=n % 3
        )
        for n in range(40)
    ]
    ConcernFactory(
        community=district.community_a, merged_into=merged[-1], status="merged", supporters_count=5
    )
    topic = topic_with(district.community_a, [head])

    # the head, its 40 duplicates (read in two batches) and one duplicate of a duplicate
    assert selectors.supporters(topic) == selectors.Supporters(
        concerns=42, residents=42 + 1 + sum(n % 3 for n in range(40)) + 5
    )
