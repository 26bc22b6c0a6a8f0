"""Screening services: merge and split with lineage, each decision, refusals leave nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shangliang.actions.models import ActionItem, ActionStatus, CategoryPolicy
from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns import services as concern_services
from shangliang.concerns.models import Concern, ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.errors import ApplicationError, ConcurrentChange, PermissionDenied
from shangliang.core.models import AuditEvent
from shangliang.core.workdays import add_working_days
from shangliang.notifications.models import OutboxMessage
from shangliang.outputs.models import Output, OutputKind
from shangliang.places.models import OrganisationKind
from shangliang.places.tests.factories import OrganisationFactory
from shangliang.screening import services
from shangliang.screening.models import Decision, DecisionKind, DeclineReason
from shangliang.screening.services import DecisionInput
from shangliang.text.models import Category, SearchDocument
from shangliang.topics.models import Topic, TopicConcern, TopicStatus
from shangliang.topics.services import TopicDraft
from shangliang.topics.tests.factories import TopicFactory, topic_with, waiting_concern

pytestmark = pytest.mark.django_db


def snapshot(concern: Concern) -> tuple:
    concern.refresh_from_db()
    return (
        concern.status,
        concern.version,
        concern.merged_into_id,
        Decision.objects.count(),
        Topic.objects.count(),
    )


def with_phone(concern: Concern, phone: str = "13800138000") -> Concern:
    from shangliang.privacy import personal

    Concern.objects.filter(pk=concern.pk).update(
        phone_encrypted=personal.encrypt(phone), phone_masked="138****8000"
    )
    concern.refresh_from_db()
    return concern


def test_merging_a_duplicate_keeps_lineage_and_tells_its_resident(district, grid_worker):
    # given two reports of one problem, the second with a phone
    first = waiting_concern(district.community_a)
    second = with_phone(waiting_concern(district.community_a))
    # when the grid worker merges the second into the first
    services.concern_merge(
        concern_id=second.pk, into_concern_id=first.pk, actor=grid_worker, expected_version=1
    )
    # then it is merged with lineage, and its resident is told on the tracking page and by SMS
    second.refresh_from_db()
    assert second.status == ConcernStatus.MERGED
    assert second.merged_into_id == first.pk
    timeline = [e.text for e in concern_selectors.public_timeline(second)]
    assert timeline[-1].startswith("您反映的问题与其他居民反映的同一问题已合并办理")
    assert OutboxMessage.objects.filter(about_id=str(second.pk), channel="sms").count() == 1


def test_a_decision_on_the_survivor_reaches_the_residents_of_merged_concerns(district, staff):
    # given a duplicate merged into a first report
    first = waiting_concern(district.community_a)
    second = with_phone(waiting_concern(district.community_a))
    services.concern_merge(concern_id=second.pk, into_concern_id=first.pk, actor=staff)
    # when the first becomes a topic
    services.concern_decide(
        concern_id=first.pk, decision=DecisionInput(kind=DecisionKind.TOPIC, reason="多户反映"), actor=staff
    )
    # then the merged concern's resident follows it
    texts = [e.text for e in concern_selectors.public_timeline(second)]
    assert any(t.startswith("经研判，您反映的问题已立题") and "多户反映" in t for t in texts)


def test_a_referred_concern_says_so_once_when_merged(district, staff):
    # given a concern already referred elsewhere
    concern = waiting_concern(district.community_a, status=ConcernStatus.REFERRED)
    target = waiting_concern(district.community_a)
    # when someone tries to merge it
    with pytest.raises(ApplicationError) as excinfo:
        services.concern_merge(concern_id=concern.pk, into_concern_id=target.pk, actor=staff)
    # then the reason reads naturally
    assert excinfo.value.message == "该诉求已转介，不能再合并。"


def test_merging_into_itself_or_a_closed_topic_is_refused_and_nothing_changes(district, staff):
    concern = waiting_concern(district.community_a)
    closed = TopicFactory(community=district.community_a, status=TopicStatus.CLOSED)
    before = snapshot(concern)
    with pytest.raises(ApplicationError, match="不能把诉求合并到它自己"):
        services.concern_merge(concern_id=concern.pk, into_concern_id=concern.pk, actor=staff)
    with pytest.raises(ApplicationError, match="已办结，不能再并入诉求"):
        services.concern_merge(concern_id=concern.pk, into_topic_id=closed.pk, actor=staff)
    assert snapshot(concern) == before
    assert TopicConcern.objects.count() == 0


def test_merging_into_a_concern_merged_into_this_one_is_refused(district, staff):
    first = waiting_concern(district.community_a)
    second = waiting_concern(district.community_a)
    services.concern_merge(concern_id=second.pk, into_concern_id=first.pk, actor=staff)
    # the second now points at the first; merging the first "into" the second would be a cycle
    with pytest.raises(ApplicationError, match="不能反向合并"):
        services.concern_merge(concern_id=first.pk, into_concern_id=second.pk, actor=staff)


def test_merging_into_a_topic_and_splitting_it_out_again(district, secretary):
    topic = topic_with(district.community_a, [waiting_concern(district.community_a)])
    concern = waiting_concern(district.community_a)
    services.concern_merge(concern_id=concern.pk, into_topic_id=topic.pk, actor=secretary)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.ACCEPTED
    link = TopicConcern.objects.get(concern=concern)
    assert (link.topic_id, link.via, link.removed_at) == (topic.pk, "merged", None)
    # when it is split out (undo)
    services.concern_split(concern_id=concern.pk, actor=secretary, expected_version=concern.version)
    concern.refresh_from_db()
    link.refresh_from_db()
    assert concern.status == ConcernStatus.SCREENING
    assert link.removed_at is not None  # the lineage row stays
    assert TopicConcern.objects.filter(concern=concern, removed_at__isnull=True).count() == 0


def test_split_undoes_a_merge_into_a_concern(district, grid_worker):
    first = waiting_concern(district.community_a)
    second = waiting_concern(district.community_a)
    merged = services.concern_merge(concern_id=second.pk, into_concern_id=first.pk, actor=grid_worker)
    services.concern_split(concern_id=second.pk, actor=grid_worker, expected_version=merged.version)
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == (ConcernStatus.SCREENING, None)


def test_topic_decision_creates_a_proposed_topic_with_the_concern(district, staff):
    concern = waiting_concern(district.community_a, source="grid")
    decision = services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(
            kind=DecisionKind.TOPIC, reason="涉及多户", topic=TopicDraft(title="整治飞线充电")
        ),
        actor=staff,
        expected_version=1,
    )
    topic = decision.topic
    assert topic is not None
    assert (topic.title, topic.status, topic.source, topic.community_id) == (
        "整治飞线充电",
        TopicStatus.PROPOSED,
        "grid",
        district.community_a.pk,
    )
    assert list(topic.links.values_list("concern_id", flat=True)) == [concern.pk]


def test_joining_an_existing_topic(district, staff):
    topic = topic_with(
        district.community_a, [waiting_concern(district.community_a)], status=TopicStatus.APPROVED
    )
    concern = waiting_concern(district.community_a)
    decision = services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(kind=DecisionKind.TOPIC, reason="同一问题", topic_id=topic.pk),
        actor=staff,
    )
    assert decision.topic == topic
    assert topic.links.count() == 2


def test_direct_assignment_takes_department_and_deadline_from_the_category_policy(district, staff):
    # given a category whose policy is 2 working days at 区住建局
    category = Category.objects.create(name="绿化")
    department = OrganisationFactory(name="区住建局")
    CategoryPolicy.objects.create(category=category, working_days=2, department=department)
    concern = with_phone(waiting_concern(district.community_a2, category=category))
    # when staff assign it directly without choosing
    decision = services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(kind=DecisionKind.ASSIGN, reason="简单事项，直接交办"),
        actor=staff,
    )
    # then the item goes to that department with that deadline, and the resident is told
    item = decision.action_item
    assert item is not None
    today = timezone.localdate()
    assert (item.department, item.deadline, item.status) == (
        department,
        add_working_days(today, 2),
        ActionStatus.ASSIGNED,
    )
    assert item.accept_due == min(add_working_days(today, 3), item.deadline)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.ASSIGNED_DIRECTLY
    text = concern_selectors.public_timeline(concern)[-1].text
    assert text.startswith("经研判，您反映的问题已直接交办区住建局")
    assert "简单事项，直接交办" in text


def test_urgent_direct_assignment_is_one_working_day(district, staff):
    department = OrganisationFactory(name="区住建局")
    concern = waiting_concern(district.community_a2)
    decision = services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(
            kind=DecisionKind.ASSIGN, reason="台风前", urgent=True, department_id=department.pk
        ),
        actor=staff,
    )
    assert decision.action_item is not None
    assert decision.action_item.deadline == add_working_days(timezone.localdate(), 1)


def test_a_deadline_before_today_is_refused(district, staff):
    department = OrganisationFactory(name="区住建局")
    concern = waiting_concern(district.community_a2)
    before = snapshot(concern)
    with pytest.raises(ApplicationError, match="办理期限不能早于今天"):
        services.concern_decide(
            concern_id=concern.pk,
            decision=DecisionInput(
                kind=DecisionKind.ASSIGN,
                reason="x",
                department_id=department.pk,
                deadline=timezone.localdate() - dt.timedelta(days=1),
            ),
            actor=staff,
        )
    assert snapshot(concern) == before
    assert ActionItem.objects.count() == 0


def test_referral_keeps_the_reference_number(district, staff):
    hotline = OrganisationFactory(name="12345政务服务便民热线", kind=OrganisationKind.LINKED_BODY)
    concern = waiting_concern(district.community_a)
    decision = services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(
            kind=DecisionKind.REFER, reason="属热线受理范围", body_id=hotline.pk, reference="BH2026-0815"
        ),
        actor=staff,
    )
    assert (decision.referral_body, decision.referral_ref) == (hotline, "BH2026-0815")
    assert "受理编号 BH2026-0815" in concern_selectors.public_timeline(concern)[-1].text


def test_referral_without_reference_is_refused(district, staff):
    hotline = OrganisationFactory(name="综治中心", kind=OrganisationKind.LINKED_BODY)
    concern = waiting_concern(district.community_a)
    before = snapshot(concern)
    with pytest.raises(ApplicationError, match="请填写综治中心的受理编号"):
        services.concern_decide(
            concern_id=concern.pk,
            decision=DecisionInput(kind=DecisionKind.REFER, reason="x", body_id=hotline.pk),
            actor=staff,
        )
    assert snapshot(concern) == before


@pytest.mark.parametrize(
    ("kind", "output_kind"), [("proposal", OutputKind.PROPOSAL), ("opinion", OutputKind.SOCIAL_OPINION)]
)
def test_conversion_creates_a_draft_output_linked_to_the_concern(district, staff, kind, output_kind):
    concern = waiting_concern(district.community_a)
    decision = services.concern_decide(
        concern_id=concern.pk, decision=DecisionInput(kind=kind, reason="具有普遍性"), actor=staff
    )
    output = Output.objects.get()
    assert decision.output == output
    assert (output.kind, output.status, list(output.source_concerns.all())) == (
        output_kind,
        "draft",
        [concern],
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CONVERTED


def test_decline_shows_the_listed_reason_and_the_free_text(district, staff):
    reason = DeclineReason.objects.create(text="属于个人私事，不属于公共事务")
    concern = waiting_concern(district.community_a)
    services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(
            kind=DecisionKind.DECLINE, decline_reason_id=reason.pk, reason="建议通过人民调解"
        ),
        actor=staff,
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.DECLINED
    assert concern_selectors.public_timeline(concern)[-1].text == (
        "经研判，您反映的问题暂不予立题。理由：属于个人私事，不属于公共事务。建议通过人民调解。"
    )


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (DecisionInput(kind="topic", reason=""), "请填写研判理由"),
        (DecisionInput(kind="decline", reason="随便"), "请选择不予立题的理由"),
        (DecisionInput(kind="assign", reason="x"), "请选择承办单位"),
        (DecisionInput(kind="nonsense", reason="x"), "请选择研判结果"),
    ],
)
def test_deciding_without_what_the_decision_needs_is_refused(district, staff, decision, message):
    concern = waiting_concern(district.community_a)
    before = snapshot(concern)
    with pytest.raises(ApplicationError, match=message):
        services.concern_decide(concern_id=concern.pk, decision=decision, actor=staff)
    assert snapshot(concern) == before
    assert AuditEvent.objects.filter(object_id=str(concern.pk)).count() == 0


def test_two_staff_deciding_at_once_the_second_is_told_it_changed(district, staff, street_staff):
    # given both opened the concern at version 1
    concern = waiting_concern(district.community_a)
    repeated = DeclineReason.objects.create(text="重复反映")
    services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(kind="topic", reason="先到"),
        actor=staff,
        expected_version=1,
    )
    before = snapshot(concern)
    # when the second submits the form rendered at version 1
    with pytest.raises(ConcurrentChange, match="该记录刚刚已被他人修改"):
        services.concern_decide(
            concern_id=concern.pk,
            decision=DecisionInput(kind="decline", decline_reason_id=repeated.pk),
            actor=street_staff,
            expected_version=1,
        )
    # then nothing of theirs was written
    assert snapshot(concern) == before
    assert concern.status == ConcernStatus.ACCEPTED


def test_deciding_an_already_decided_concern_is_refused(district, staff):
    concern = waiting_concern(district.community_a)
    services.concern_decide(
        concern_id=concern.pk, decision=DecisionInput(kind="topic", reason="a"), actor=staff
    )
    with pytest.raises(ApplicationError, match="已立题，不能重复研判"):
        services.concern_decide(
            concern_id=concern.pk, decision=DecisionInput(kind="topic", reason="b"), actor=staff
        )


def test_out_of_scope_is_refused(district, secretary):
    other = waiting_concern(district.community_b)
    with pytest.raises(PermissionDenied):
        services.concern_decide(
            concern_id=other.pk, decision=DecisionInput(kind="topic", reason="x"), actor=secretary
        )


def test_secretary_first_level_opinion_comes_before_the_office(settings, district, secretary, staff):
    settings.SHANGLIANG = {**settings.SHANGLIANG, "SECRETARY_FIRST_LEVEL": True}
    reason = DeclineReason.objects.create(text="不属于公共事务")
    concern = waiting_concern(district.community_a)
    decline = DecisionInput(kind="decline", decline_reason_id=reason.pk)
    # the office cannot decide before the community's opinion
    with pytest.raises(ApplicationError, match="须先由社区书记提出初审意见"):
        services.concern_decide(concern_id=concern.pk, decision=decline, actor=staff)
    # the secretary's decision is recorded as the first-level opinion
    opinion = services.concern_decide(concern_id=concern.pk, decision=decline, actor=secretary)
    concern.refresh_from_db()
    assert (opinion.level, concern.status, concern.first_level_decision) == (
        "first",
        ConcernStatus.SCREENING,
        "decline",
    )
    # then the office decides
    final = services.concern_decide(concern_id=concern.pk, decision=decline, actor=staff)
    concern.refresh_from_db()
    assert (final.level, concern.status) == ("final", ConcernStatus.DECLINED)


def test_bulk_new_topic_from_selected_rows(district, grid_worker):
    concerns = [waiting_concern(district.community_a) for _ in range(3)]
    topic = services.concerns_to_new_topic(
        concern_ids=[c.pk for c in concerns],
        draft=TopicDraft(title="政法路飞线充电"),
        reason="",
        actor=grid_worker,
    )
    assert topic.links.count() == 3
    assert set(Concern.objects.values_list("status", flat=True)) == {ConcernStatus.ACCEPTED}
    assert Decision.objects.filter(topic=topic).count() == 3


def test_bulk_new_topic_refuses_rows_of_different_communities(district, staff):
    a = waiting_concern(district.community_a)
    b = waiting_concern(district.community_b)
    with pytest.raises(ApplicationError, match="不在同一个村"):
        services.concerns_to_new_topic(
            concern_ids=[a.pk, b.pk], draft=TopicDraft(title="不同社区"), reason="", actor=staff
        )
    assert Topic.objects.count() == 0


def test_bulk_merge_reports_each_refused_row(district, staff):
    first = waiting_concern(district.community_a)
    second = waiting_concern(district.community_a)
    declined = ConcernFactory(community=district.community_a, status=ConcernStatus.DECLINED)
    result = services.bulk_merge(concern_ids=[second.pk, declined.pk], into_concern_id=first.pk, actor=staff)
    assert result.done == [second.pk]
    assert [pk for pk, _ in result.refused] == [declined.pk]


def test_a_declined_concern_is_no_longer_offered_to_residents_as_the_same_problem(district, staff):
    # given a concern waiting for screening, its masked text already confirmed by mistake
    text = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"
    concern, _ = concern_services.concern_submit(
        data=concern_services.ConcernInput(text=text, region_id=district.community_a.pk)
    )
    Concern.objects.filter(pk=concern.pk).update(public_text=text, published_at=timezone.now())
    concern_services.index_concern(Concern.objects.get(pk=concern.pk))
    similar = "政法路5栋楼道有人私拉电线给电动车充电"
    # then it is not offered before screening
    assert concern_selectors.similar_public(similar, community_id=district.community_a.pk) == []
    # when it is declined
    reason = DeclineReason.objects.create(text="属于个人私事，不属于公共事务")
    services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(kind=DecisionKind.DECLINE, decline_reason_id=reason.pk),
        actor=staff,
    )
    # then its index entry is closed and it is offered no more
    document = SearchDocument.objects.get(kind="concern", object_id=concern.pk)
    assert (document.status, document.is_open) == (ConcernStatus.DECLINED, False)
    assert concern_selectors.similar_public(similar, community_id=district.community_a.pk) == []


def test_a_reason_that_says_the_resident_was_told_is_refused_for_an_anonymous_resident(district, staff):
    # given an anonymous concern without a phone and the listed reason "已向反映人解释说明"
    told = DeclineReason.objects.get(text="已有明确政策规定，已向反映人解释说明")
    concern = waiting_concern(district.community_a, phone_encrypted="")
    # when staff decline it with that reason, then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="匿名反映且未留联系方式"):
        services.concern_decide(
            concern_id=concern.pk,
            decision=DecisionInput(kind=DecisionKind.DECLINE, decline_reason_id=told.pk, reason=""),
            actor=staff,
        )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SUBMITTED


def test_the_listed_reason_and_the_free_text_are_kept_apart(district, staff):
    listed = DeclineReason.objects.get(text="问题已经解决")
    concern = waiting_concern(district.community_a)
    decision = services.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(kind=DecisionKind.DECLINE, decline_reason_id=listed.pk, reason="物业已修好"),
        actor=staff,
    )
    assert (decision.decline_reason, decision.reason) == (listed, "物业已修好")
