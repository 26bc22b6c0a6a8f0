"""Members' work in the article's year (2022): 10 training sessions with 500 person-times (走出去,
请进来, 以会代训, one of them at the 动植物药厂宿舍 meeting), every special committee with a plan and
its consultation held (one committee behind plan), activity-group visits in most communities,
self-reports verified (and one rejected) that year and some waiting now, members' 社情民意 and 提案
adopted at several levels, and members in each grade; the year's assessment is published.

Visits, training, verification and adoption go through the services (audit trail, ledger); what
members wrote and reported is loaded as an import would, since most demo members have no account.
Idempotent: nothing is built when the year already has training sessions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from shangliang.accounts.models import User
from shangliang.core import audit
from shangliang.core.scope import scope_of
from shangliang.demo.builders import figures
from shangliang.duty import defaults, ledger, services
from shangliang.duty.models import (
    Appeal,
    AssessmentYear,
    DutyItem,
    DutyRule,
    MemberWriting,
    SelfReport,
    TrainingKind,
    TrainingSession,
    WritingStatus,
)
from shangliang.meetings.models import (
    HELD_STATUSES,
    Attendance,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Speech,
)
from shangliang.meetings.record import record_duty_facts
from shangliang.meetings.selectors import meetings_held_count
from shangliang.places.models import ActivityGroup, Member, Organisation, OrganisationKind, Room
from shangliang.topics.models import Topic, TopicStatus

DEMO_YEAR = 2022
PERSON_TIMES = 500
MEETING_TRAINING = "“珠事好商量”——动植物药厂宿舍完善基础设施建设"

# (kind, subject, date, place, organiser); the 以会代训 at the meeting above is added to these nine.
SESSIONS: tuple[tuple[str, str, dt.date, str, str], ...] = (
    (
        TrainingKind.INVITED,
        "政协协商与基层协商有效衔接专题培训",
        dt.date(DEMO_YEAR, 2, 24),
        "区政协会议室",
        "区政协办公室",
    ),
    (
        TrainingKind.MEETING,
        "以会代训：区政协全体会议履职学习",
        dt.date(DEMO_YEAR, 3, 10),
        "海城区会议中心",
        "区政协办公室",
    ),
    (
        TrainingKind.OUTBOUND,
        "赴南宁市青秀区学习基层协商议事室建设",
        dt.date(DEMO_YEAR, 4, 14),
        "南宁市青秀区",
        "区政协办公室",
    ),
    (
        TrainingKind.INVITED,
        "“五步微协商”工作法专题讲座",
        dt.date(DEMO_YEAR, 5, 19),
        "区政协会议室",
        "社会和法制委员会",
    ),
    (
        TrainingKind.MEETING,
        "以会代训：常委会专题协商会履职学习",
        dt.date(DEMO_YEAR, 6, 23),
        "区政协会议室",
        "区政协办公室",
    ),
    (
        TrainingKind.OUTBOUND,
        "赴桂林市学习委员联系群众工作",
        dt.date(DEMO_YEAR, 7, 21),
        "桂林市",
        "区政协办公室",
    ),
    (TrainingKind.INVITED, "社情民意信息撰写培训", dt.date(DEMO_YEAR, 8, 25), "区政协会议室", "提案委员会"),
    (TrainingKind.INVITED, "提案撰写与办理协商培训", dt.date(DEMO_YEAR, 9, 22), "区政协会议室", "提案委员会"),
    (
        TrainingKind.MEETING,
        "以会代训：“珠事好商量”工作推进会",
        dt.date(DEMO_YEAR, 12, 8),
        "海城区会议中心",
        "区政协办公室",
    ),
)

# The committees in the order they take the year's held consultations; those without a held meeting
# by then hold their own (subject, form, month, day), side by side in joint consultations when the
# article's count of meetings held leaves fewer meetings than committees. The last also plans a
# consultation it never holds: it is behind plan.
COMMITTEES: tuple[tuple[str, tuple[str, str, int, int]], ...] = (
    ("社会和法制委员会", ("老旧小区飞线充电整治", "thematic", 3, 17)),
    ("提案委员会", ("提案办理质量提升", "counterpart", 6, 16)),
    ("科教文卫体委员会", ("中小学课后服务", "sector", 9, 15)),
    ("文史和学习委员会", ("南珠文化保护传承", "sector", 8, 18)),
    ("经济委员会", ("优化营商环境", "thematic", 5, 26)),
    ("农业和农村委员会", ("乡村振兴产业发展", "thematic", 4, 28)),
)
BEHIND = ("农村人居环境整治", "sector", 10)

OPINION_SUBJECTS = (
    "关于加快老旧小区电动车集中充电设施建设的建议",
    "关于提高农村低收入人群医保参保率的建议",
    "关于三无小区树木修剪长效管护的建议",
    "关于南珠市场周边排水管网改造的建议",
    "关于完善社区长者食堂运营补贴的建议",
    "关于学校周边交通安全综合治理的建议",
    "关于海鲜排档油烟治理的建议",
    "关于老旧小区加装电梯资金筹措的建议",
)
OPINION_BODY = "一、基本情况\n委员在联系村(社区)走访中了解到群众反映集中。\n二、原因分析\n管护责任不清、资金渠道单一。\n三、意见建议\n明确责任主体，建立长效机制。"


def build() -> dict[str, Any]:
    # The default rule table comes with a data migration; a database emptied since (a test flush)
    # gets it back here, as the demo builds on it.
    defaults.load(DutyItem, DutyRule)
    staff = User.objects.filter(username="demo_staff").first()
    if staff is None or TrainingSession.objects.filter(held_on__year=DEMO_YEAR).exists():
        return {"sessions": TrainingSession.objects.filter(held_on__year=DEMO_YEAR).count()}
    groups = list(
        ActivityGroup.objects.select_related("community")
        .prefetch_related("members")
        .order_by("community__path")
    )
    star = Member.objects.filter(name="邵响亮").first()
    groups.sort(key=lambda g: 0 if star is not None and star in g.members.all() else 1)
    excellent = _members_of(groups[:4]) | ({star.pk} if star else set())
    qualified = _members_of(groups[4:16]) - excellent
    _committee_consultations(staff)
    _visits(groups, staff)
    sessions = _training(staff, sorted(excellent), sorted(qualified))
    research = DutyRule.objects.get(code="research")
    _reports(staff, research, sorted(excellent), 5, verified=True)
    _reports(staff, research, sorted(qualified), 5, verified=True)
    _writings(staff, sorted(excellent), ("district", "city", "province", "district"))
    _writings(staff, sorted(qualified), ("district", "city"))
    _proposals(staff, sorted(excellent)[:2])
    _waiting(staff, research)
    ledger.recompute(DEMO_YEAR, None, staff)
    services.assessment_publish(year=DEMO_YEAR, scope=scope_of(staff), actor=staff)
    _appeal(sorted(qualified)[:1])
    ledger.recompute(timezone.localdate().year, None, staff)
    return {"sessions": len(sessions)}


def _members_of(groups: Sequence[ActivityGroup]) -> set[int]:
    return {m.pk for g in groups for m in g.members.all()}


def _committee_consultations(staff: User) -> None:
    """Each committee takes one of the year's held consultations (its topics now carry the
    committee), or holds its own, and plans it; the last also plans one it never holds.

    The committees' own consultations are consultation meetings held, counted among the article's
    figure since 2021: the committees left hold as many meetings as that figure still allows,
    sharing one (a joint consultation) when they are more; the figures builder adds the earlier
    years' meetings still missing."""
    held = list(
        Meeting.objects.filter(status__in=HELD_STATUSES, starts_at__year=DEMO_YEAR)
        .exclude(topics__committee__isnull=False)
        .order_by("starts_at", "pk")
    )
    committees = [
        (committee, own)
        for name, own in COMMITTEES
        if (
            committee := Organisation.objects.filter(
                name=name, kind=OrganisationKind.SPECIAL_COMMITTEE
            ).first()
        )
    ]
    subjects: dict[int, tuple[str, Meeting]] = {}
    for (committee, _own), meeting in zip(committees, held, strict=False):
        Topic.objects.filter(meetings=meeting).update(committee=committee)
        topic = Topic.objects.filter(meetings=meeting).first()
        subjects[committee.pk] = (topic.title if topic is not None else meeting.title, meeting)
    rest = committees[len(held) :]
    if rest:
        allowed = figures.MEETINGS_HELD - meetings_held_count(since=figures.SINCE)
        count = min(len(rest), max(1, allowed))
        size = -(-len(rest) // count)
        for start in range(0, len(rest), size):
            joint = rest[start : start + size]
            meeting = _own_consultation(joint, staff)
            for committee, own in joint:
                subjects[committee.pk] = (own[0], meeting)
    for index, (committee, _own) in enumerate(committees):
        subject, meeting = subjects[committee.pk]
        items = [
            services.PlannedItem(subject[:100], meeting.form, timezone.localtime(meeting.starts_at).month)
        ]
        if index == len(COMMITTEES) - 1:
            items.append(services.PlannedItem(*BEHIND))
        services.plan_save(
            committee_id=committee.pk,
            year=DEMO_YEAR,
            items=items,
            note="按“每个专门委员会每年至少开展一次协商议事会议”安排。",
            scope=scope_of(staff),
            actor=staff,
        )


def _own_consultation(
    joint: Sequence[tuple[Organisation, tuple[str, str, int, int]]], staff: User
) -> Meeting:
    """Committees' 专题/对口/界别协商 held in the demo year (one committee, or several side by side
    on the first one's date and form): each committee's topic, its members attend, one of them
    hands in a written speech; minutes published (the members' duty facts are written)."""
    room = Room.objects.filter(active=True).order_by("pk").first()
    assert room is not None
    _subject, form, month, day = joint[0][1]
    topics = [
        Topic.objects.create(
            title=subject,
            description=f"{committee.name}{DEMO_YEAR}年度计划协商议题。",
            form=form,
            status=TopicStatus.CONSULTED,
            region=room.region,
            region_path=room.region.path,
            committee=committee,
            is_public=False,
            created_by=staff,
        )
        for committee, (subject, *_rest) in joint
    ]
    names = "、".join(committee.name for committee, _own in joint)
    subjects = "”“".join(topic.title for topic in topics)
    kind = topics[0].get_form_display()
    start = dt.datetime.combine(
        dt.date(DEMO_YEAR, month, day), dt.time(15), tzinfo=timezone.get_current_timezone()
    )
    meeting = Meeting.objects.create(
        title=f"{names}“{subjects}”{'联合' if len(joint) > 1 else ''}{kind}会",
        form=form,
        region=room.region,
        region_path=room.region.path,
        room=room,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        host=staff,
        recorder=staff,
        status=MeetingStatus.PUBLISHED,
        held_at=start,
        closed_at=start + dt.timedelta(hours=2),
        confirmed_at=start + dt.timedelta(days=3),
        published_at=start + dt.timedelta(days=4),
        minutes_summary=f"{names}组织委员围绕“{subjects}”开展{kind}，形成意见建议报区委、区政府参考。",
        created_by=staff,
    )
    meeting.topics.add(*topics)
    for committee, (subject, *_rest) in joint:
        members = Member.objects.filter(committee=committee, active=True).order_by("pk")[:4]
        for position, member in enumerate(members):
            participant = Participant.objects.create(
                meeting=meeting,
                role=ParticipantRole.MEMBER,
                name=member.name,
                member=member,
                attendance=Attendance.PRESENT,
            )
            if position == 0:
                Speech.objects.create(
                    meeting=meeting,
                    participant=participant,
                    kind="written",
                    summary=f"就{subject}提交书面发言。",
                )
    record_duty_facts(meeting)
    audit.record(target=meeting, event_type="meeting.published", actor=staff, reason="年度计划协商（导入）")
    return meeting


def _visits(groups: Sequence[ActivityGroup], staff: User) -> None:
    """Excellent groups visit monthly, the next twelve eight times, most others once or twice; every
    fifth of the rest none (the coverage page flags them)."""
    for index, group in enumerate(groups):
        present = [m.pk for m in group.members.all()]
        if not present:
            continue
        if index < 4:
            days = [dt.date(DEMO_YEAR, month, 8) for month in range(1, 11)]
        elif index < 16:
            days = [dt.date(DEMO_YEAR, month, 12) for month in range(1, 9)]
        elif index % 5 == 0:
            days = []
        else:
            days = [dt.date(DEMO_YEAR, 3 * (index % 4) + 1, 15 + n) for n in range(1 + index % 2)]
        for day in days:
            services.visit_record(
                data=services.VisitInput(
                    group_id=group.pk,
                    visited_on=day,
                    member_ids=present,
                    heard=f"走访{group.community.name}，听取居民对小区环境、养老服务和出行的意见。",
                ),
                scope=scope_of(staff),
                actor=staff,
            )


def _training(staff: User, excellent: list[int], qualified: list[int]) -> list[TrainingSession]:
    """Nine sessions with check-ins and the 以会代训 at the 动植物药厂宿舍 meeting, 500 person-times in all."""
    sessions: list[TrainingSession] = []
    meeting = Meeting.objects.filter(title=MEETING_TRAINING).first()
    at_meeting = 0
    if meeting is not None:
        session = services.training_create(
            data=services.TrainingInput(
                kind=TrainingKind.MEETING,
                subject="以会代训：基层协商议事现场观摩",
                held_on=None,
                place="动植物药厂宿舍小区",
                organiser="区政协办公室",
                materials="在协商议事会现场学习“五步微协商”的议程、发言和形成共识的方法。",
                meeting_id=meeting.pk,
            ),
            scope=scope_of(staff),
            actor=staff,
        )
        services.training_mark_held(session_id=session.pk, scope=scope_of(staff), actor=staff)
        at_meeting = meeting.participants.filter(member__isnull=False, attendance=Attendance.PRESENT).count()
        sessions.append(session)
    others = list(
        Member.objects.filter(active=True)
        .exclude(pk__in=[*excellent, *qualified])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    remaining = PERSON_TIMES - at_meeting
    cursor = 0
    for index, (kind, subject, day, place, organiser) in enumerate(SESSIONS):
        size = remaining // (len(SESSIONS) - index)
        remaining -= size
        chosen = list(excellent) + (list(qualified) if index < 6 else [])
        chosen = chosen[:size]
        while len(chosen) < size:
            chosen.append(others[cursor % len(others)])
            cursor += 1
        session = services.training_create(
            data=services.TrainingInput(
                kind=kind, subject=subject, held_on=day, place=place, organiser=organiser
            ),
            scope=scope_of(staff),
            actor=staff,
        )
        for member_id in chosen:
            services.training_check_in(
                session_id=session.pk, member_id=member_id, scope=scope_of(staff), actor=staff
            )
        services.training_mark_held(session_id=session.pk, scope=scope_of(staff), actor=staff)
        sessions.append(session)
    return sessions


def _reports(staff: User, rule: DutyRule, members: list[int], count: int, *, verified: bool) -> None:
    subjects = (
        "老旧小区飞线充电专题调研",
        "农村医保参保情况视察",
        "南珠市场排水设施调研",
        "学校周边交通安全视察",
        "长者食堂运营情况调研",
    )
    for member_id in members:
        for n in range(count):
            report = SelfReport.objects.create(
                member_id=member_id,
                rule=rule,
                occurred_on=dt.date(DEMO_YEAR, 2 + 2 * n, 20),
                title=subjects[n % len(subjects)],
                description="随区政协调研组实地查看并座谈，形成调研意见。",
            )
            audit.record(target=report, event_type="duty.report_submitted", actor_label="委员（导入）")
            if verified:
                services.self_report_verify(report_id=report.pk, scope=scope_of(staff), actor=staff)


def _writings(staff: User, members: list[int], levels: Sequence[str]) -> None:
    for position, member_id in enumerate(members):
        for n, level in enumerate(levels):
            submitted = dt.date(DEMO_YEAR, 2 + 2 * n, 10)
            writing = MemberWriting.objects.create(
                kind="social_opinion",
                member_id=member_id,
                title=OPINION_SUBJECTS[(position + n) % len(OPINION_SUBJECTS)],
                body=OPINION_BODY,
                status=WritingStatus.SUBMITTED,
                submitted_on=submitted,
            )
            audit.record(target=writing, event_type="duty.writing_submitted", actor_label="委员（导入）")
            services.writing_decide(
                writing_id=writing.pk,
                adopted=True,
                level=level,
                note="内容翔实，予以采用。",
                scope=scope_of(staff),
                actor=staff,
            )
            MemberWriting.objects.filter(pk=writing.pk).update(decided_on=submitted + dt.timedelta(days=20))


def _proposals(staff: User, members: list[int]) -> None:
    """Two proposals accepted (立案) at district level: one answered within 3 months, one not yet."""
    for position, member_id in enumerate(members):
        submitted = dt.date(DEMO_YEAR, 3 + 6 * position, 1)
        writing = MemberWriting.objects.create(
            kind="proposal",
            member_id=member_id,
            title=("关于推进老旧小区电动车充电设施建设的提案", "关于健全农村医疗救助资助参保机制的提案")[
                position
            ],
            body="案由：……\n建议：……",
            status=WritingStatus.SUBMITTED,
            submitted_on=submitted,
        )
        audit.record(target=writing, event_type="duty.writing_submitted", actor_label="委员（导入）")
        services.writing_decide(
            writing_id=writing.pk,
            adopted=True,
            level="district",
            note="立案",
            scope=scope_of(staff),
            actor=staff,
        )
        decided = submitted + dt.timedelta(days=15)
        MemberWriting.objects.filter(pk=writing.pk).update(decided_on=decided)
        if position == 0:
            services.writing_reply(
                writing_id=writing.pk,
                text="区住建局会同供电部门已在12个老旧小区建成集中充电点。",
                replied_on=decided + dt.timedelta(days=70),
                scope=scope_of(staff),
                actor=staff,
            )


def _waiting(staff: User, rule: DutyRule) -> None:
    """Self-reports waiting for the office now, one rejected in the demo year, and a draft."""
    today = timezone.localdate()
    members = list(Member.objects.filter(active=True).order_by("-pk")[:5])
    star = Member.objects.filter(name="邵响亮").first()
    for member in [*members, *([star] if star else [])]:
        report = SelfReport.objects.create(
            member=member,
            rule=rule,
            occurred_on=today - dt.timedelta(days=7),
            title="参加“三无小区”安全隐患排查视察",
            description="与区住建局、消防救援大队到小区现场查看，附现场照片。",
        )
        audit.record(target=report, event_type="duty.report_submitted", actor_label=member.name)
    rejected = SelfReport.objects.create(
        member=members[0],
        rule=rule,
        occurred_on=dt.date(DEMO_YEAR, 6, 2),
        title="参加街道座谈会",
        description="",
    )
    audit.record(target=rejected, event_type="duty.report_submitted", actor_label=members[0].name)
    services.self_report_reject(
        report_id=rejected.pk,
        reason="未附佐证材料，且该座谈会不属于调研视察活动。",
        scope=scope_of(staff),
        actor=staff,
    )


def _appeal(members: list[int]) -> None:
    if not members or not AssessmentYear.objects.filter(year=DEMO_YEAR, published_at__isnull=False).exists():
        return
    appeal = Appeal.objects.create(
        member_id=members[0],
        year=DEMO_YEAR,
        reason="本人10月参加的农村人居环境专题调研未计入，已补交佐证材料。",
    )
    audit.record(target=appeal, event_type="duty.appeal_filed", actor_label="委员", reason=appeal.reason)
