"""Generated records for the figure tests: every counted model, dated over the last 14 months and
today, in several communities, sources, categories and forms (a fixed seed: the same every run)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shangliang.accounts.models import User
from shangliang.accounts.tests.factories import UserFactory
from shangliang.actions.models import ActionItem, ActionStatus, ResultClass
from shangliang.concerns.models import Concern, ConcernSource, ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.evaluations.models import Evaluation, EvaluationStatus
from shangliang.meetings.models import Attendance, Meeting, MeetingStatus, Participant, ParticipantRole
from shangliang.outputs.models import Addressee, Instruction, LeaderLevel, Output, OutputKind, OutputStatus
from shangliang.places.models import Organisation, OrganisationKind, Room
from shangliang.places.tests import factories as pf
from shangliang.text.models import Category
from shangliang.topics.models import Topic, TopicForm, TopicStatus


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def generate(district: Any, *, seed: int = 7, concerns: int = 120) -> dict[str, Any]:
    rng = random.Random(seed)
    today = timezone.localdate()
    communities = [district.community_a, district.community_a2, district.community_b]
    categories = [Category.objects.get_or_create(name=n)[0] for n in ("飞线充电", "树木修剪", "医保")]
    committee = Organisation.objects.filter(name="社会法制委员会").first() or pf.OrganisationFactory(
        name="社会法制委员会", kind=OrganisationKind.SPECIAL_COMMITTEE
    )
    party = Organisation.objects.filter(name="区委办公室").first() or pf.OrganisationFactory(
        name="区委办公室", kind=OrganisationKind.PARTY
    )
    host = User.objects.filter(username="stats-host").first() or UserFactory(username="stats-host")
    room = Room.objects.filter(name="政法路社区协商议事室").first() or pf.RoomFactory(
        name="政法路社区协商议事室", region=district.community_a
    )

    def day_back(most: int = 420) -> dt.date:
        return today - dt.timedelta(days=rng.choice([0, 0, rng.randint(1, most)]))

    for i in range(concerns):
        created = day_back()
        decided = rng.random() < 0.6
        concern = ConcernFactory(
            community=rng.choice([*communities, district.grid_a]) if i % 7 else district.grid_a,
            source=rng.choice(list(ConcernSource)),
            category=rng.choice([*categories, None]),
            status=rng.choice([ConcernStatus.ACCEPTED, ConcernStatus.DECLINED, ConcernStatus.RESOLVED])
            if decided
            else ConcernStatus.SUBMITTED,
            first_response_due=created + dt.timedelta(days=5),
        )
        decided_at = _at(min(created + dt.timedelta(days=rng.randint(0, 9)), today), 11) if decided else None
        Concern.objects.filter(pk=concern.pk).update(created_at=_at(created), decided_at=decided_at)

    topics = []
    for i in range(24):
        community = rng.choice(communities)
        topic = Topic.objects.create(
            title=f"议题{i}",
            region=community,
            community=community,
            region_path=community.path,
            form=rng.choice(list(TopicForm)),
            source=rng.choice(list(ConcernSource)),
            category=rng.choice(categories),
            committee=committee if i % 2 else None,
            status=TopicStatus.CLOSED if i % 3 == 0 else rng.choice(list(TopicStatus)),
            required_by=today + dt.timedelta(days=30),
            cancel_reason="已由其他渠道解决",
        )
        Topic.objects.filter(pk=topic.pk).update(created_at=_at(day_back()))
        topics.append(topic)

    for i, topic in enumerate(topics):
        starts = day_back()
        meeting = Meeting.objects.create(
            title=f"协商议事会{i}",
            region=topic.region,
            region_path=topic.region_path,
            form=topic.form,
            room=room if i % 2 else None,
            site_kind="room" if i % 2 else "site",
            starts_at=_at(starts, 15),
            ends_at=_at(starts, 17),
            host=host,
            recorder=host,
            status=rng.choice([MeetingStatus.HELD, MeetingStatus.PUBLISHED, MeetingStatus.PLANNED]),
        )
        meeting.topics.add(topic)
        for j, role in enumerate(ParticipantRole):
            Participant.objects.create(
                meeting=meeting,
                role=role,
                name=f"参会人{i}-{j}",
                member=pf.MemberFactory(name=f"委员{i}") if role == ParticipantRole.MEMBER else None,
                attendance=rng.choice([Attendance.PRESENT, Attendance.PRESENT, Attendance.ABSENT]),
            )
        assigned = day_back()
        done = rng.random() < 0.6
        completed = min(assigned + dt.timedelta(days=rng.randint(1, 20)), today)
        item = ActionItem.objects.create(
            title=f"交办{i}",
            topic=topic,
            department=party,
            assigned_by=host,
            region=topic.region,
            region_path=topic.region_path,
            status=ActionStatus.CLOSED
            if done or topic.status == TopicStatus.CLOSED
            else ActionStatus.IN_PROGRESS,
            assigned_at=_at(assigned, 9),
            accept_due=assigned + dt.timedelta(days=3),
            deadline=assigned + dt.timedelta(days=10),
            result_class=ResultClass.SOLVED if i % 4 else ResultClass.PLANNED,
            completed_at=_at(completed, 16) if done or topic.status == TopicStatus.CLOSED else None,
        )
        if topic.status == TopicStatus.CLOSED or i % 5 == 1:
            passed = i % 4 != 3
            Evaluation.objects.create(
                topic=topic,
                title=topic.title,
                region=topic.region,
                region_path=topic.region_path,
                status=EvaluationStatus.CLOSED,
                closed_at=_at(completed, 18),
                composite=Decimal("85.5") if passed else Decimal("61.25"),
                party_score=Decimal("80"),
                resident_score=Decimal("90.33"),
                passed=passed,
            )
        assert item.pk

    for i in range(14):
        sent = rng.random() < 0.8
        output = Output.objects.create(
            kind=rng.choice([OutputKind.RECOMMENDATION, OutputKind.SOCIAL_OPINION, OutputKind.PROPOSAL]),
            title=f"建议{i}",
            author=host,
            region=rng.choice(communities),
            region_path="",
            status=OutputStatus.SENT if sent else OutputStatus.DRAFT,
            sent_at=_at(day_back(), 14) if sent else None,
        )
        Output.objects.filter(pk=output.pk).update(region_path=output.region.path)
        Addressee.objects.create(output=output, organisation=party)
        if i % 3 == 0:
            Addressee.objects.create(output=output, organisation=committee)
        if sent and i % 2 == 0:
            Instruction.objects.create(
                output=output,
                leader="区委书记",
                level=rng.choice(list(LeaderLevel)),
                text="请抓紧落实。",
                given_on=min(output.sent_at.date() + dt.timedelta(days=3), today)
                if output.sent_at
                else today,
                recorded_by=host,
            )
    return {"today": today, "communities": communities, "categories": categories, "room": room}
