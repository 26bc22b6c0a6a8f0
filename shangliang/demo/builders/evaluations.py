"""The article's cases (DOMAIN §7) made complete: their action items done with evidence and
verified, 三评 given (党政点评, 民主评议 online and on paper, 群众评价 by households) and closed, so
that they are published results and count in the public figures. 赤西村 gets its outcome indicator
(医保参保率 91.1 % → 98.3 %).

Runs after the meetings and screening builders and reuses their topics and items; everything goes
through the services. Idempotent: a subject with a passed evaluation is left alone, and a topic
that is not being implemented (or whose items are missing) is skipped.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shangliang.accounts.models import User
from shangliang.actions import services as action_services
from shangliang.actions.models import ActionItem, ActionStatus, ResultClass
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.evaluations import permissions, services
from shangliang.evaluations.models import Evaluation, EvaluationStatus, InviteeKind
from shangliang.evaluations.rules import Counts
from shangliang.places.models import Organisation, OrganisationKind
from shangliang.topics.models import Topic, TopicStatus

# Topic titles of the article's cases (from the meetings builder) and what residents said.
CASES: tuple[tuple[str, str], ...] = (
    ("整治老旧小区飞线充电", "集中充电桩建好了，楼道里再没有飞线。"),
    ("农村低收入特殊人群参加医疗保险", "在村里就能缴医保，报销也讲清楚了。"),
    ("动植物药厂宿舍完善基础设施建设", "电路和下水道都改好了，雨天不再积水。"),
    ("南珠市场周边下水道堵塞", "下水道通了，市场门口不再有臭水。"),
    ("海洋所生活小区安全隐患", "消防通道清出来了，灭火器也换了新的。"),
)
DIRECT_CASES = ("铜鼓里",)  # a direct assignment whose concern is in this community
MEDICAL_TOPIC = "农村低收入特殊人群参加医疗保险"
RESIDENT_CHOICES = ("satisfied",) * 7 + ("basically",) * 2 + ("dissatisfied",)
# Each case is judged on its own: the households' answers and the reviewer's grade differ, so the
# published scores do too (every set still passes: satisfaction at least 80 %).
CASE_JUDGEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("good", RESIDENT_CHOICES),
    ("fairly_good", ("satisfied",) * 9 + ("basically",)),
    ("good", ("satisfied",) * 5 + ("basically",) * 4 + ("unknown",)),
    ("fairly_good", ("satisfied",) * 6 + ("basically",) * 2 + ("dissatisfied",) * 2),
    ("good", ("satisfied",) * 8 + ("dissatisfied",)),
    ("fairly_good", ("satisfied",) * 4 + ("basically",) * 5 + ("dissatisfied",)),
)


def _photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _officer(item: ActionItem, fallback: User) -> User:
    return (
        User.objects.filter(organisation_id=item.department_id, role=Role.OFFICER, is_active=True).first()
        or fallback
    )


def _finish(item: ActionItem, *, staff: User, admin: User, text: str) -> None:
    """Take an item from wherever it is to verified, as the department and the office would."""
    officer = _officer(item, admin)
    if item.status in (ActionStatus.ASSIGNED, ActionStatus.REASSIGNED):
        action_services.action_accept(item_id=item.pk, actor=officer)
        item.refresh_from_db()
    if item.status == ActionStatus.EXTENSION_REQUESTED:
        action_services.action_decide_extension(item_id=item.pk, approve=True, actor=staff)
        item.refresh_from_db()
    if item.status in (
        ActionStatus.ACCEPTED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.EXTENDED,
        ActionStatus.REOPENED,
    ):
        action_services.action_complete(
            item_id=item.pk,
            result_class=ResultClass.SOLVED,
            text=text,
            photos=[_photo((60, 130, 80), f"done-{item.pk}")],
            actor=officer,
        )
        item.refresh_from_db()
    if item.status == ActionStatus.DONE:
        action_services.action_verify(
            item_id=item.pk, passed=True, reason="回访居民，确认已解决", actor=staff
        )


def _assign_consensus(topic: Topic, staff: User) -> None:
    """A consulted case whose consensus was not yet assigned: assign it as the office would (the
    meeting's own department, or the housing bureau for 动植物药厂宿舍's CPPCC-funded works)."""
    from shangliang.meetings import record
    from shangliang.meetings.models import ConsensusItem, MeetingStatus

    fallback = (
        Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, active=True).order_by("pk").first()
    )
    pending = ConsensusItem.objects.filter(
        topic=topic,
        action_item__isnull=True,
        meeting__status__in=[MeetingStatus.MINUTES_CONFIRMED, MeetingStatus.PUBLISHED],
    ).select_related("meeting")
    by_meeting: dict[int, list[Any]] = {}
    for consensus in pending:
        department = consensus.department_id or (fallback.pk if fallback else None)
        by_meeting.setdefault(consensus.meeting_id, []).append(
            record.Assignment(
                consensus_id=consensus.pk, department_id=department, deadline=record.default_deadline()
            )
        )
    for meeting_id, assignments in by_meeting.items():
        record.consensus_assign(meeting_id=meeting_id, assignments=assignments, actor=staff)


def _evaluate(
    evaluation: Evaluation,
    *,
    reviewer: User,
    staff: User,
    grid: User,
    comment: str,
    choices: tuple[str, ...] = RESIDENT_CHOICES,
    grade: str = "good",
) -> Evaluation:
    # The demo reviewer may have no region scope; the administrator records the review then.
    if not permissions.can_review(scope_of(reviewer), evaluation):
        reviewer = User.objects.filter(username="demo_admin").first() or reviewer
    services.review_submit(
        evaluation_id=evaluation.pk, grade=grade, comment="群众认可，成效明显。", actor=reviewer
    )
    for invitee in evaluation.invitees.filter(user__isnull=False):
        services.ballot_cast(evaluation_id=evaluation.pk, choice="satisfied", actor=invitee.user)
    paper = evaluation.invitees.filter(user__isnull=True).count()
    if paper:
        services.paper_tally_record(
            evaluation_id=evaluation.pk,
            counts=Counts(satisfied=paper - 1, basically=1),
            photo=_photo((230, 230, 220), f"ballots-{evaluation.pk}"),
            actor=staff,
        )
    for number, choice in enumerate(choices, start=1):
        services.resident_vote_cast(
            evaluation_id=evaluation.pk,
            choice=choice,
            channel="visit",
            household=f"{evaluation.title[:6]}{number}号户",
            comment=comment if number == 1 else "",
            actor=grid if permissions.can_enter_resident_vote(scope_of(grid), evaluation) else staff,
        )
    return services.evaluation_close(evaluation_id=evaluation.pk, actor=staff, comment="评价结束，结果公示。")


def build() -> list[Evaluation]:
    staff, reviewer, grid, admin = (
        _user(n) for n in ("demo_staff", "demo_reviewer", "demo_grid", "demo_admin")
    )
    if staff is None or reviewer is None or grid is None or admin is None:
        return []
    member = _user("demo_member")
    invitees = [services.InviteeInput(InviteeKind.MEMBER, str(member), member.pk)] if member else []
    invitees += [services.InviteeInput(InviteeKind.REPRESENTATIVE, f"居民代表{n}") for n in range(1, 5)]
    done: list[Evaluation] = []
    for title, comment in CASES:
        topic = Topic.objects.filter(title=title).first()
        if topic is None or topic.evaluations.filter(passed=True).exists():
            continue
        if topic.status == TopicStatus.CONSULTED:
            _assign_consensus(topic, staff)
            topic.refresh_from_db()
        if topic.status not in (TopicStatus.IMPLEMENTING, TopicStatus.REOPENED, TopicStatus.EVALUATING):
            continue
        items = list(ActionItem.objects.filter(topic=topic).order_by("pk"))
        if not items:
            continue
        for item in items:
            _finish(item, staff=staff, admin=admin, text=f"{item.title}：已完成。")
        if title == MEDICAL_TOPIC and not topic.indicators.exists():
            services.indicator_save(
                topic_id=topic.pk,
                name="医保参保率",
                unit="%",
                before="91.1",
                after="98.3",
                source="区医疗保障局",
                actor=staff,
            )
        evaluation = topic.evaluations.filter(status=EvaluationStatus.OPEN).first()
        if evaluation is None:
            evaluation = services.evaluation_open(actor=staff, invitees=invitees, topic_id=topic.pk)
        grade, choices = CASE_JUDGEMENTS[len(done) % len(CASE_JUDGEMENTS)]
        done.append(
            _evaluate(
                evaluation,
                reviewer=reviewer,
                staff=staff,
                grid=grid,
                comment=comment,
                choices=choices,
                grade=grade,
            )
        )
    for community in DIRECT_CASES:
        direct = (
            ActionItem.objects.filter(
                topic__isnull=True, region__name__startswith=community, result_class=ResultClass.SOLVED
            )
            .exclude(evaluations__passed=True)
            .first()
        )
        if direct is None or direct.status not in (
            ActionStatus.DONE,
            ActionStatus.VERIFIED,
            ActionStatus.CLOSED,
        ):
            continue
        evaluation = direct.evaluations.filter(
            status=EvaluationStatus.OPEN
        ).first() or services.evaluation_open(actor=staff, invitees=invitees, item_id=direct.pk)
        done.append(
            _evaluate(
                evaluation,
                reviewer=reviewer,
                staff=staff,
                grid=grid,
                comment="树枝修剪了，台风天不再打窗户。",
            )
        )
    return done


def summary() -> dict[str, Any]:
    from shangliang.evaluations.selectors import problems_solved_count

    return {"solved": problems_solved_count()}
