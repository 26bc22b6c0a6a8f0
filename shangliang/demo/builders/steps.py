"""Carry a demo topic to a later state through the steps that make that state true: a meeting
planned, held with its consensus (and assigned), the action items finished, 三评 opened and
closed with a passing or failing result. The topics service refuses a state whose step has not
happened, so the demo takes the same road a district would."""

from __future__ import annotations

from collections.abc import Sequence

from shangliang.accounts.models import User
from shangliang.actions.models import ActionItem
from shangliang.demo.builders import evaluations as evaluation_demo
from shangliang.demo.builders import meetings as meeting_demo
from shangliang.evaluations import services as evaluation_services
from shangliang.evaluations.models import Evaluation, InviteeKind
from shangliang.meetings.models import Meeting
from shangliang.topics.models import Topic

# Residents' answers of a failing 群众评价 (satisfaction 50 %, under the 80 % threshold).
FAILING_CHOICES = ("satisfied",) * 3 + ("basically",) * 2 + ("dissatisfied",) * 5
# Planning slots of these meetings come after those of the meetings demo (200 + its index days).
FIRST_SLOT = 40


def consult(
    topic: Topic,
    *,
    title: str,
    status: str,
    when: int,
    slot: int,
    consensus: Sequence[tuple[str, str]] = (),
    departments: Sequence[str] = (),
    assign: bool = False,
) -> Meeting:
    """A meeting of ``topic`` taken to ``status`` (held ones with ``consensus`` of (text,
    department), assigned as action items when ``assign``)."""
    community = topic.community or topic.region
    spec = meeting_demo.DemoMeeting(
        title,
        topic.title,
        "",
        community.name,
        status,
        when,
        departments=tuple(departments),
        consensus=tuple((text, department, "") for text, department in consensus),
        speeches=(),
        assign=assign,
    )
    staff = User.objects.get(username="demo_staff")
    host = User.objects.get(username="demo_member")
    meeting = meeting_demo._build(spec, FIRST_SLOT + slot, community, staff, host)
    return Meeting.objects.get(pk=meeting.pk)


def finish_items(topic: Topic) -> None:
    """Every action item of ``topic`` done by its department and verified by the office."""
    staff = User.objects.get(username="demo_staff")
    admin = User.objects.get(username="demo_admin")
    for item in ActionItem.objects.filter(topic=topic).order_by("pk"):
        evaluation_demo._finish(item, staff=staff, admin=admin, text=f"{item.title}：已完成。")


def open_evaluation(topic: Topic) -> Evaluation:
    staff = User.objects.get(username="demo_staff")
    member = User.objects.filter(username="demo_member").first()
    invitees = (
        [evaluation_services.InviteeInput(InviteeKind.MEMBER, str(member), member.pk)] if member else []
    )
    invitees += [
        evaluation_services.InviteeInput(InviteeKind.REPRESENTATIVE, f"居民代表{n}") for n in range(1, 5)
    ]
    return evaluation_services.evaluation_open(actor=staff, invitees=invitees, topic_id=topic.pk)


def evaluate(topic: Topic, *, passed: bool, comment: str) -> Evaluation:
    """三评 of ``topic`` opened and closed: passing, or failing on residents' satisfaction."""
    evaluation = open_evaluation(topic)
    users = {
        u.username: u for u in User.objects.filter(username__in=["demo_staff", "demo_reviewer", "demo_grid"])
    }
    return evaluation_demo._evaluate(
        evaluation,
        reviewer=users["demo_reviewer"],
        staff=users["demo_staff"],
        grid=users["demo_grid"],
        comment=comment,
        choices=evaluation_demo.RESIDENT_CHOICES if passed else FAILING_CHOICES,
    )
