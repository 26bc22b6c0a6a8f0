from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shangliang.accounts.tests.factories import UserFactory
from shangliang.actions.models import ActionItem, ActionStatus, ResultClass, SourceType
from shangliang.concerns.tests.factories import png
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.workdays import add_working_days_db
from shangliang.evaluations import selectors, services
from shangliang.evaluations.models import (
    Ballot,
    Evaluation,
    EvaluationStatus,
    Indicator,
    InviteeKind,
    PaperTally,
    ResidentVote,
    Review,
    VoteChannel,
)
from shangliang.evaluations.rules import Counts
from shangliang.evaluations.services import InviteeInput
from shangliang.notifications.models import OutboxMessage
from shangliang.supervision.tests.factories import ActionItemFactory, concern_with_phone, topic_with_items
from shangliang.topics.models import TopicStatus

pytestmark = pytest.mark.django_db


def _open(staff: Any, topic_id: int, members: list[Any] = (), representatives: int = 0) -> Evaluation:  # type: ignore[assignment]
    invitees = [InviteeInput(InviteeKind.MEMBER, str(m), m.pk) for m in members]
    invitees += [InviteeInput(InviteeKind.REPRESENTATIVE, f"代表{n}") for n in range(representatives)]
    return services.evaluation_open(actor=staff, invitees=invitees, topic_id=topic_id)


def _members(n: int) -> list[Any]:
    return [UserFactory(role=Role.MEMBER, username=f"m{i}") for i in range(n)]


def test_open_refused_while_an_action_item_is_still_open(district: Any, staff: Any) -> None:
    # given a topic with one item verified and one still in progress
    topic, _items = topic_with_items(
        district.community_a, statuses=(ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS)
    )
    # when / then
    with pytest.raises(ApplicationError, match="还有交办事项未办结"):
        _open(staff, topic.pk, representatives=3)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.IMPLEMENTING
    assert not Evaluation.objects.exists()


def test_open_refused_without_items_or_invitees(district: Any, staff: Any) -> None:
    topic, _ = topic_with_items(district.community_a, statuses=())
    with pytest.raises(ApplicationError, match="还没有交办事项"):
        _open(staff, topic.pk, representatives=1)
    topic, _ = topic_with_items(district.community_a)
    with pytest.raises(ApplicationError, match="请至少邀请一位"):
        _open(staff, topic.pk)
    assert not Evaluation.objects.exists()


def test_open_moves_topic_to_evaluating_and_invites(district: Any, staff: Any) -> None:
    # given a topic whose items are all finished and a resident who left a phone
    concern = concern_with_phone(district.community_a)
    topic, _ = topic_with_items(district.community_a, concern=concern)
    members = _members(2)
    # when
    evaluation = _open(staff, topic.pk, members=members, representatives=1)
    # then
    topic.refresh_from_db()
    assert topic.status == TopicStatus.EVALUATING
    assert evaluation.round == 1
    assert evaluation.invitees.count() == 3
    inbox = OutboxMessage.objects.filter(channel="inbox", recipient_user__in=members)
    assert inbox.count() == 2
    sms = OutboxMessage.objects.get(dedupe_key=f"concern:{concern.pk}:evaluation:{evaluation.pk}:invite")
    assert f"/evaluations/v/{evaluation.public_token}/?s=" in sms.body
    # a second evaluation of the same topic is refused
    with pytest.raises(ApplicationError, match="进行中的评价"):
        _open(staff, topic.pk, representatives=1)


def test_open_refused_to_people_outside_scope(district: Any, street_staff: Any, grid_worker: Any) -> None:
    topic, _ = topic_with_items(district.community_b)  # another street
    for actor in (street_staff, grid_worker):
        with pytest.raises(PermissionDenied):
            _open(actor, topic.pk, representatives=1)
    assert not Evaluation.objects.exists()


@pytest.fixture
def evaluation(district: Any, staff: Any) -> Evaluation:
    topic, _ = topic_with_items(district.community_a, concern=concern_with_phone(district.community_a))
    return _open(staff, topic.pk, members=_members(2), representatives=2)


def test_review_once_per_reviewer(evaluation: Evaluation, reviewer: Any) -> None:
    services.review_submit(
        evaluation_id=evaluation.pk, grade="good", comment="群众认可，办得实在。", actor=reviewer
    )
    with pytest.raises(ApplicationError, match="您已点评过"):
        services.review_submit(evaluation_id=evaluation.pk, grade="poor", comment="再点一次", actor=reviewer)
    assert list(Review.objects.values_list("grade", flat=True)) == ["good"]


def test_review_refused_to_other_roles_and_needs_comment(
    evaluation: Evaluation, staff: Any, member: Any, reviewer: Any
) -> None:
    for actor in (staff, member):
        with pytest.raises(PermissionDenied):
            services.review_submit(evaluation_id=evaluation.pk, grade="good", comment="好", actor=actor)
    with pytest.raises(ApplicationError, match="请填写点评意见"):
        services.review_submit(evaluation_id=evaluation.pk, grade="good", comment=" ", actor=reviewer)
    assert not Review.objects.exists()


def test_ballot_only_for_invitees_once(evaluation: Evaluation, member: Any) -> None:
    invited = evaluation.invitees.filter(user__isnull=False).first()
    assert invited is not None
    assert invited.user is not None
    services.ballot_cast(evaluation_id=evaluation.pk, choice="satisfied", actor=invited.user)
    with pytest.raises(ApplicationError, match="每人只计一票"):
        services.ballot_cast(evaluation_id=evaluation.pk, choice="dissatisfied", actor=invited.user)
    with pytest.raises(PermissionDenied, match="不在本次民主评议的应邀名单中"):
        services.ballot_cast(evaluation_id=evaluation.pk, choice="satisfied", actor=member)
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["satisfied"]


def test_paper_tally_needs_photo_and_room(evaluation: Evaluation, staff: Any) -> None:
    with pytest.raises(ApplicationError, match="请上传纸质选票的照片"):
        services.paper_tally_record(evaluation_id=evaluation.pk, counts=Counts(1), photo=None, actor=staff)
    with pytest.raises(ApplicationError, match="超过尚未投票的应邀人数（4 人）"):
        services.paper_tally_record(
            evaluation_id=evaluation.pk, counts=Counts(3, 2), photo=png(), actor=staff
        )
    tally = services.paper_tally_record(
        evaluation_id=evaluation.pk, counts=Counts(1, 1), photo=png(), actor=staff
    )
    assert re.fullmatch(r"ballots/[A-Za-z0-9_-]{24}\.jpg", tally.photo.name)
    assert PaperTally.objects.count() == 1


def test_second_vote_from_same_phone_or_household_is_refused(
    evaluation: Evaluation, grid_worker: Any
) -> None:
    # given a resident voted with a verified phone, and a grid worker entered a household
    services.resident_vote_cast(
        evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.QR, phone="13877905678"
    )
    services.resident_vote_cast(
        evaluation_id=evaluation.pk,
        choice="basically",
        channel=VoteChannel.VISIT,
        household="政法路28号院3栋2单元301",
        actor=grid_worker,
    )
    # when the same phone (other spelling) or the same household (other spacing, full-width digits) votes again
    with pytest.raises(ApplicationError, match="该手机号已评价过"):
        services.resident_vote_cast(
            evaluation_id=evaluation.pk,
            choice="dissatisfied",
            channel=VoteChannel.SMS,
            phone="+86 138 7790 5678",
        )
    with pytest.raises(ApplicationError, match="该户已评价过"):
        services.resident_vote_cast(
            evaluation_id=evaluation.pk,
            choice="dissatisfied",
            channel=VoteChannel.VISIT,
            household="政法路２８号院 3幢2单元301室",
            actor=grid_worker,
        )
    # then one vote each counts
    assert sorted(ResidentVote.objects.values_list("choice", flat=True)) == ["basically", "satisfied"]


def test_visit_entry_needs_grid_worker_or_staff_and_household(
    evaluation: Evaluation, member: Any, grid_worker: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.resident_vote_cast(
            evaluation_id=evaluation.pk,
            choice="satisfied",
            channel=VoteChannel.VISIT,
            household="1栋",
            actor=member,
        )
    with pytest.raises(ApplicationError, match="须填写户地址"):
        services.resident_vote_cast(
            evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.VISIT, actor=grid_worker
        )
    with pytest.raises(ApplicationError, match="请先验证手机号"):
        services.resident_vote_cast(evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.QR)
    assert not ResidentVote.objects.exists()


def _give_votes(evaluation: Evaluation, reviewer: Any, residents: list[str]) -> None:
    services.review_submit(evaluation_id=evaluation.pk, grade="good", comment="办得好", actor=reviewer)
    for invitee in evaluation.invitees.filter(user__isnull=False):
        services.ballot_cast(evaluation_id=evaluation.pk, choice="satisfied", actor=invitee.user)
    for index, choice in enumerate(residents):
        services.resident_vote_cast(
            evaluation_id=evaluation.pk, choice=choice, channel=VoteChannel.QR, phone=f"1390000{index:04d}"
        )


def test_close_pass_closes_topic_and_tells_residents(
    evaluation: Evaluation, staff: Any, reviewer: Any
) -> None:
    # given 党政 100, 民主 2 of 4 invited (not more than half: invalid), residents 4 满意 1 不满意
    _give_votes(evaluation, reviewer, ["satisfied"] * 4 + ["dissatisfied"])
    # when
    closed = services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    # then the result is frozen from the raw rows
    assert closed.status == EvaluationStatus.CLOSED
    assert closed.democratic_valid is False
    assert closed.democratic_score is None
    assert closed.resident_satisfaction == Decimal("0.8000")
    assert closed.composite == Decimal("88.57")  # (0.3 × 100 + 0.4 × 80) / 0.7
    assert closed.passed is True
    assert closed.result_notes["notes"] == [
        "民主评议参评 2 人，未超过应邀 4 人的半数，评议无效，不计入得分。"
    ]
    assert evaluation.topic is not None
    evaluation.topic.refresh_from_db()
    assert evaluation.topic.status == TopicStatus.CLOSED
    assert set(ActionItem.objects.filter(topic=evaluation.topic).values_list("status", flat=True)) == {
        ActionStatus.CLOSED
    }
    told = AuditEvent.objects.filter(event_type="concern.evaluated", public=True).get()
    assert "综合得分 88.6 分，群众满意率 80.0%，评价通过。" in told.public_text
    assert (
        OutboxMessage.objects.filter(
            dedupe_key__endswith=f"evaluation:{evaluation.pk}:result", channel="sms"
        ).count()
        == 1
    )
    assert selectors.problems_solved_count() == 1


def test_close_fail_reopens_with_new_deadline_and_reasons(
    evaluation: Evaluation, staff: Any, reviewer: Any
) -> None:
    # given residents 3 满意 2 不满意: satisfaction 60 %
    _give_votes(evaluation, reviewer, ["satisfied"] * 3 + ["dissatisfied"] * 2)
    # when
    closed = services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    # then
    deadline = add_working_days_db(timezone.localdate(), 15)
    assert closed.passed is False
    assert closed.rehandle_deadline == deadline
    assert closed.result_notes["reasons"] == ["群众满意率 60.0%，低于 80.0%。"]
    assert evaluation.topic is not None
    evaluation.topic.refresh_from_db()
    assert evaluation.topic.status == TopicStatus.REOPENED
    items = ActionItem.objects.filter(topic=evaluation.topic)
    assert {(i.status, i.deadline, i.result_class) for i in items} == {(ActionStatus.REOPENED, deadline, "")}
    assert "群众满意率 60.0%" in AuditEvent.objects.filter(event_type="topic.reopened").get().reason
    assert selectors.problems_solved_count() == 0


def test_vote_after_close_is_refused(
    evaluation: Evaluation, staff: Any, reviewer: Any, grid_worker: Any
) -> None:
    _give_votes(evaluation, reviewer, ["satisfied"] * 3)
    services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    before = ResidentVote.objects.count()
    with pytest.raises(ApplicationError, match="该评价已结束，不能再评价"):
        services.resident_vote_cast(
            evaluation_id=evaluation.pk, choice="satisfied", channel=VoteChannel.QR, phone="13900009999"
        )
    with pytest.raises(ApplicationError, match="该评价已结束"):
        services.review_submit(
            evaluation_id=evaluation.pk,
            grade="good",
            comment="迟到的点评",
            actor=UserFactory(role=Role.REVIEWER, region=grid_worker.region),
        )
    with pytest.raises(ApplicationError, match="该评价已结束"):
        services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    assert ResidentVote.objects.count() == before


def test_close_needs_a_review_and_resident_votes(evaluation: Evaluation, staff: Any, reviewer: Any) -> None:
    with pytest.raises(ApplicationError, match="还没有党政点评"):
        services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    services.review_submit(evaluation_id=evaluation.pk, grade="good", comment="好", actor=reviewer)
    with pytest.raises(ApplicationError, match="还没有有效的群众评价"):
        services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    evaluation.refresh_from_db()
    assert evaluation.is_open


def test_reopened_topic_can_be_evaluated_again(evaluation: Evaluation, staff: Any, reviewer: Any) -> None:
    _give_votes(evaluation, reviewer, ["dissatisfied"] * 3)
    services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    assert evaluation.topic is not None
    # the department re-does the work
    ActionItem.objects.filter(topic=evaluation.topic).update(
        status=ActionStatus.DONE, result_class=ResultClass.SOLVED
    )
    second = _open(staff, evaluation.topic.pk, representatives=1)
    assert second.round == 2
    evaluation.topic.refresh_from_db()
    assert evaluation.topic.status == TopicStatus.EVALUATING


def test_problem_solved_rule(district: Any, staff: Any, reviewer: Any) -> None:
    # a topic whose items are A but one is B does not count, even when passed
    topic_b, _ = topic_with_items(district.community_a)
    ActionItem.objects.filter(topic=topic_b).filter(
        pk=ActionItem.objects.filter(topic=topic_b).first().pk
    ).update(result_class=ResultClass.PLANNED)  # type: ignore[union-attr]
    evaluation = _open(staff, topic_b.pk, representatives=1)
    _give_votes(evaluation, reviewer, ["satisfied"])
    services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    assert selectors.problems_solved_count() == 0
    # a direct assignment solved (A) and passed counts
    item = ActionItemFactory(
        region=district.community_a,
        source_type=SourceType.DIRECT,
        status=ActionStatus.VERIFIED,
        result_class=ResultClass.SOLVED,
        completed_at=timezone.now(),
    )
    direct = services.evaluation_open(
        actor=staff, invitees=[InviteeInput(InviteeKind.REPRESENTATIVE, "代表")], item_id=item.pk
    )
    _give_votes(direct, reviewer, ["satisfied", "basically"])
    services.evaluation_close(evaluation_id=direct.pk, actor=staff)
    item.refresh_from_db()
    assert item.status == ActionStatus.CLOSED
    topics, items = selectors.problems_solved()
    assert (topics.count(), list(items)) == (0, [item])


def test_indicator_before_and_after(district: Any, staff: Any, grid_worker: Any) -> None:
    topic, _ = topic_with_items(district.community_a)
    indicator = services.indicator_save(
        topic_id=topic.pk, name="医保参保率", unit="%", before="91.1", actor=staff
    )
    services.indicator_save(
        topic_id=topic.pk,
        name="医保参保率",
        unit="%",
        before="91.1",
        after="98.3",
        actor=staff,
        indicator_id=indicator.pk,
    )
    indicator.refresh_from_db()
    assert (indicator.before, indicator.after, indicator.change) == (
        Decimal("91.10"),
        Decimal("98.30"),
        Decimal("7.20"),
    )
    with pytest.raises(PermissionDenied):
        services.indicator_save(topic_id=topic.pk, name="x", before="1", actor=grid_worker)
    with pytest.raises(ApplicationError, match="请填写数字"):
        services.indicator_save(topic_id=topic.pk, name="x", before="九十", actor=staff)
    assert Indicator.objects.count() == 1


def test_sms_link_proves_the_phone_of_that_evaluation_only(
    evaluation: Evaluation, district: Any, staff: Any
) -> None:
    concern = services.subject_concerns(evaluation)[0]
    link = services.sms_link(evaluation, concern)
    token = link.split("?s=")[1]
    assert services.phone_from_sms_link(evaluation, token) == "13877901234"
    other_topic, _ = topic_with_items(district.community_a)
    other = _open(staff, other_topic.pk, representatives=1)
    assert services.phone_from_sms_link(other, token) == ""
    assert services.phone_from_sms_link(evaluation, "forged") == ""


def test_rehandle_days_come_from_settings(
    evaluation: Evaluation, staff: Any, reviewer: Any, settings: Any
) -> None:
    settings.SHANGLIANG = {
        **settings.SHANGLIANG,
        "EVALUATION": {**settings.SHANGLIANG["EVALUATION"], "REHANDLE_WORKING_DAYS": 5},
    }
    _give_votes(evaluation, reviewer, ["dissatisfied"])
    closed = services.evaluation_close(evaluation_id=evaluation.pk, actor=staff)
    assert closed.rehandle_deadline == add_working_days_db(timezone.localdate(), 5)
    assert closed.rehandle_deadline > timezone.localdate() + dt.timedelta(days=4)
