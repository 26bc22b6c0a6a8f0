"""The article's "2021年以来" figures (DOMAIN §6): 15 consultation meetings held, 15 problems solved,
10 recommendations sent to the party committee and government (some with 批示), 17 rooms.

The other builders tell the article's cases and this year's work; this one adds the earlier years'
work (2021–2025) the article summarises, as complete records: a topic consulted at a held meeting
with members present, its action item done with result A, 三评 passed, and the recommendations
sent with the leaders' instructions. It adds only what the counting rules still miss, so the
public figures read 15 / 15 / 10 whatever the other builders hold, and running it again adds
nothing (records are found by title).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from shangliang.accounts.models import User
from shangliang.actions.models import ActionItem, ActionStatus, ResultClass, SourceType
from shangliang.core.roles import Role
from shangliang.evaluations.models import Evaluation, EvaluationStatus
from shangliang.evaluations.selectors import problems_solved_count
from shangliang.meetings.models import Attendance, Meeting, MeetingStatus, Participant, ParticipantRole
from shangliang.meetings.selectors import meetings_held_count
from shangliang.outputs.models import Addressee, Instruction, LeaderLevel, Output, OutputKind, OutputStatus
from shangliang.outputs.selectors import recommendations_sent_count
from shangliang.places.models import Member, Organisation, OrganisationKind, Region, RegionLevel, Room
from shangliang.topics.models import Topic, TopicForm, TopicSource, TopicStatus

SINCE = dt.date(2021, 1, 1)
MEETINGS_HELD = 15
PROBLEMS_SOLVED = 15
RECOMMENDATIONS_SENT = 10

# Earlier years' consultations: community, topic, form, date, department, what was done.
EARLIER: tuple[tuple[str, str, str, dt.date, str, str], ...] = (
    (
        "铜鼓里社区",
        "三无小区树枝修剪",
        TopicForm.DOOR,
        dt.date(2021, 6, 18),
        "区住建局",
        "台风季前修剪遮挡窗户的树枝",
    ),
    (
        "东街社区",
        "老街骑楼外墙安全隐患整治",
        TopicForm.ESTATE,
        dt.date(2021, 9, 10),
        "区住建局",
        "排查加固外墙脱落部位",
    ),
    (
        "外沙社区",
        "海鲜市场周边占道经营",
        TopicForm.OWNERS,
        dt.date(2022, 3, 20),
        "区城市管理局",
        "划定临时摊位，错时经营",
    ),
    ("地角社区", "渔港路段夜间照明不足", TopicForm.MICRO, dt.date(2022, 8, 10), "区住建局", "增设路灯十二盏"),
    (
        "中街社区",
        "老旧小区化粪池清掏",
        TopicForm.COURTYARD,
        dt.date(2023, 5, 20),
        "区住建局",
        "定期清掏并更换井盖",
    ),
    (
        "高德社区",
        "学校周边早晚高峰交通疏导",
        TopicForm.COMMUNITY,
        dt.date(2023, 10, 10),
        "区公安分局",
        "设置护学岗和减速带",
    ),
    (
        "银滩社区",
        "小区公共充电桩建设",
        TopicForm.ESTATE,
        dt.date(2024, 4, 10),
        "区住建局",
        "建成集中充电桩四十个",
    ),
    (
        "长青社区",
        "背街小巷积水点整治",
        TopicForm.MICRO,
        dt.date(2024, 9, 20),
        "区住建局",
        "疏通排水管并抬高路面",
    ),
    (
        "南珠社区",
        "农贸市场垃圾清运时间调整",
        TopicForm.MICRO,
        dt.date(2025, 3, 10),
        "区城市管理局",
        "清运改在早七点前",
    ),
    (
        "海洋所社区",
        "生活小区消防通道清理",
        TopicForm.ESTATE,
        dt.date(2025, 6, 20),
        "区消防救援大队",
        "清理通道并划线",
    ),
    ("赤西村", "村道破损修复", TopicForm.COMMUNITY, dt.date(2025, 8, 30), "区住建局", "修复村道八百米"),
)

RECOMMENDATIONS: tuple[tuple[str, str, dt.date, str | None], ...] = (
    (
        OutputKind.SPECIAL_REPORT,
        "整治电动车“飞线”充电 助力文明城市创建的调研报告",
        dt.date(2022, 6, 8),
        LeaderLevel.CITY,
    ),
    (
        OutputKind.RECOMMENDATION,
        "关于推进老旧小区改造中居民协商共治的建议",
        dt.date(2021, 11, 5),
        LeaderLevel.DISTRICT,
    ),
    (
        OutputKind.SOCIAL_OPINION,
        "关于提高农村低收入人群医保参保率的建议",
        dt.date(2022, 12, 12),
        LeaderLevel.DISTRICT,
    ),
    (OutputKind.SOCIAL_OPINION, "关于三无小区绿化养护责任落实的建议", dt.date(2021, 7, 2), None),
    (
        OutputKind.RECOMMENDATION,
        "关于完善基层协商议事室“四有”标准建设的建议",
        dt.date(2022, 9, 16),
        LeaderLevel.DISTRICT,
    ),
    (OutputKind.SOCIAL_OPINION, "关于规范农贸市场周边经营秩序的建议", dt.date(2023, 4, 18), None),
    (OutputKind.PROPOSAL_LETTER, "关于学校周边交通安全综合治理的协商成果建议书", dt.date(2023, 11, 3), None),
    (
        OutputKind.SOCIAL_OPINION,
        "关于加快老旧小区公共充电设施建设的建议",
        dt.date(2024, 5, 6),
        LeaderLevel.CITY,
    ),
    (OutputKind.SPECIAL_REPORT, "海城区背街小巷排水设施状况的专项报告", dt.date(2024, 10, 9), None),
    (OutputKind.SOCIAL_OPINION, "关于农村公路养护资金保障的建议", dt.date(2025, 9, 12), None),
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _department(name: str) -> Organisation:
    found = Organisation.objects.filter(name=name).first()
    return found or Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("pk").first()  # type: ignore[return-value]


def _consultation(
    entry: tuple[str, str, str, dt.date, str, str], *, held: bool, solved: bool, staff: User
) -> None:
    community_name, title, form, day, department_name, done = entry
    community = Region.objects.filter(name=community_name, level=RegionLevel.COMMUNITY).first()
    if community is None:
        return
    topic = Topic.objects.create(
        title=title,
        description=f"{community_name}居民反映{title.removesuffix('整治')}问题，委员进驻议事室收集后立题协商。",
        form=form,
        source=TopicSource.RESIDENT,
        status=TopicStatus.CLOSED if solved else TopicStatus.IMPLEMENTING,
        region=community,
        community=community,
        region_path=community.path,
        created_by=staff,
    )
    Topic.objects.filter(pk=topic.pk).update(created_at=_at(day - dt.timedelta(days=20), 9))
    if held:
        room = Room.objects.filter(region=community, active=True).first()
        meeting = Meeting.objects.create(
            title=f"“珠事好商量”——{title}",
            form=form,
            region=community,
            region_path=community.path,
            site_kind="room" if room else "site",
            room=room,
            address="" if room else f"{community_name}现场",
            starts_at=_at(day, 15),
            ends_at=_at(day, 17),
            host=staff,
            recorder=staff,
            status=MeetingStatus.PUBLISHED,
            is_public=True,
        )
        meeting.topics.add(topic)
        members = Member.objects.filter(activity_groups__community=community)[:3]
        for member in members:
            Participant.objects.create(
                meeting=meeting,
                role=ParticipantRole.MEMBER,
                name=member.name,
                member=member,
                attendance=Attendance.PRESENT,
            )
        Participant.objects.create(
            meeting=meeting, role=ParticipantRole.RESIDENT, name="居民代表", attendance=Attendance.PRESENT
        )
    department = _department(department_name)
    completed = day + dt.timedelta(days=12)
    item = ActionItem.objects.create(
        title=done,
        description=f"落实“{title}”协商共识：{done}。",
        source_type=SourceType.CONSENSUS,
        topic=topic,
        department=department,
        assigned_by=staff,
        region=community,
        region_path=community.path,
        status=ActionStatus.CLOSED if solved else ActionStatus.IN_PROGRESS,
        assigned_at=_at(day + dt.timedelta(days=1), 10),
        accept_due=day + dt.timedelta(days=4),
        deadline=day + dt.timedelta(days=21),
        result_class=ResultClass.SOLVED if solved else "",
        result_text=f"已{done}。" if solved else "",
        completed_at=_at(completed, 16) if solved else None,
    )
    if solved:
        Evaluation.objects.create(
            topic=topic,
            title=topic.title,
            region=community,
            region_path=community.path,
            status=EvaluationStatus.CLOSED,
            opened_by=staff,
            closed_by=staff,
            closed_at=_at(completed + dt.timedelta(days=10), 11),
            party_score=Decimal("80.00"),
            democratic_score=Decimal("88.00"),
            democratic_valid=True,
            resident_score=Decimal("91.00"),
            resident_satisfaction=Decimal("95.00"),
            composite=Decimal("87.00"),
            passed=True,
            close_comment="党政点评较好，民主评议和群众评价满意，协商成果落实到位。",
        )
    assert item.pk


def _recommendation(entry: tuple[str, str, dt.date, str | None], *, staff: User) -> None:
    kind, title, day, leader_level = entry
    district = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("pk").first()
    party = Organisation.objects.filter(kind=OrganisationKind.PARTY, region=district).first()
    government = Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT, region=district).first()
    if district is None or party is None or government is None:
        return
    output = Output.objects.create(
        kind=kind,
        title=title,
        body=f"{title}。（正文略）",
        status=OutputStatus.SENT,
        author=staff,
        region=district,
        region_path=district.path,
        signatory="政协北海市海城区委员会",
        issued_on=day,
        sent_at=_at(day, 10),
    )
    Addressee.objects.create(output=output, organisation=party)
    Addressee.objects.create(output=output, organisation=government)
    if leader_level is not None:
        Instruction.objects.create(
            output=output,
            leader="区委主要领导" if leader_level == LeaderLevel.DISTRICT else "市政府分管领导",
            level=leader_level,
            text="请相关部门认真研究办理，抓好落实。",
            given_on=day + dt.timedelta(days=7),
            recorded_by=staff,
        )


def build() -> dict[str, int]:
    staff = User.objects.filter(role=Role.STAFF).order_by("pk").first()
    if staff is None:
        return {}
    meetings_short = max(0, MEETINGS_HELD - meetings_held_count(since=SINCE))
    solved_short = max(0, PROBLEMS_SOLVED - problems_solved_count())
    existing = set(Topic.objects.filter(title__in=[e[1] for e in EARLIER]).values_list("title", flat=True))
    for entry in [e for e in EARLIER if e[1] not in existing][: max(meetings_short, solved_short)]:
        held, solved = meetings_short > 0, solved_short > 0
        _consultation(entry, held=held, solved=solved, staff=staff)
        meetings_short -= held
        solved_short -= solved
    sent_short = max(0, RECOMMENDATIONS_SENT - recommendations_sent_count())
    titles = set(
        Output.objects.filter(title__in=[r[1] for r in RECOMMENDATIONS]).values_list("title", flat=True)
    )
    for recommendation in [r for r in RECOMMENDATIONS if r[1] not in titles][:sent_short]:
        _recommendation(recommendation, staff=staff)
    return {
        "meetings_held": meetings_held_count(since=SINCE),
        "problems_solved": problems_solved_count(),
        "recommendations_sent": recommendations_sent_count(),
    }
