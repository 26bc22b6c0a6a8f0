"""Demo meetings in every state, through the real services (audit trail, outbox, topics moving,
action items, duty facts). The article's cases are held meetings with published minutes:
政法路社区 整治老旧小区飞线问题 (错峰充电、电满让位), 赤西村 2022-11-23 议医保、解民忧 (30+
villagers, 医保 and 税务), 动植物药厂宿舍 2022-04-22 完善基础设施建设 (members of three levels,
builder, residents).

Idempotent by title: a meeting that exists is left alone. Services refuse a meeting in the past,
so a past meeting is planned for a free future slot and its time is then moved back before it is
held (the way the concerns builder backdates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from shangliang.accounts.models import User
from shangliang.actions.models import ActionItem, SourceType
from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns.models import ConcernStatus
from shangliang.meetings import record, services
from shangliang.meetings.models import ConsensusItem, Meeting, MeetingStatus, ParticipantRole
from shangliang.meetings.services import Invitee, MeetingDraft
from shangliang.places.models import Member, MemberLevel, Organisation, Region, RegionLevel, Room
from shangliang.screening import services as screening_services
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic, TopicConcern, TopicStatus

M = MeetingStatus
R = ParticipantRole


@dataclass(frozen=True)
class DemoMeeting:
    title: str
    topic: str
    concern_key: str  # the demo concern behind the topic ("" for none)
    community: str
    status: str
    when: dt.datetime | int  # a fixed past time, or days from today (negative: past)
    hours: float = 2
    form: str = "micro"
    purpose: str = "deliberate"
    address: str = ""  # on-site, instead of the community's room
    site_kind: str = "room"
    public: bool = False
    capacity: int | None = None
    sign_ups: int = 0
    members: tuple[str, ...] = ("邵响亮",)
    member_levels: tuple[str, ...] = ()  # one more member of each of these levels
    departments: tuple[str, ...] = ()
    others: tuple[tuple[str, str, str], ...] = ()  # (role, name, unit)
    speeches: tuple[tuple[str, str, str], ...] = ()  # (speaker name, kind, summary)
    vote: tuple[str, int, int, int] | None = None
    consensus: tuple[tuple[str, str, str], ...] = ()  # (text, department, dissent)
    unresolved: tuple[str, ...] = ()
    assign: bool = False
    reason: str = ""
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


FIRE = "海城区消防救援大队"
HOUSING = "海城区住房和城乡建设局"
POWER = "北海供电局海城供电分局"
MEDICAL = "海城区医疗保障局"
TAX = "国家税务总局北海市海城区税务局"
DRAIN = "海城区市政排水管理所"

MEETINGS: tuple[DemoMeeting, ...] = (
    DemoMeeting(
        "“珠事好商量”——整治老旧小区飞线问题",
        "整治老旧小区飞线充电",
        "zfl-wire-1",
        "政法路社区",
        M.PUBLISHED,
        _at(dt.date(2021, 12, 10), 15),
        public=True,
        description="业主代表、政协委员、相关职能部门负责同志共商整治老旧小区飞线充电问题。",
        departments=(FIRE, HOUSING, POWER),
        others=(
            (R.RESIDENT, "黄阿姨", "政法路28号院业主代表"),
            (R.RESIDENT, "陈师傅", "政法路28号院业主代表"),
        ),
        speeches=(
            ("黄阿姨", "oral", "楼道和窗外挂满电线，晚上充电很危险，希望尽快整治。"),
            (
                "邵响亮",
                "written",
                "飞线充电是火灾隐患，建议错峰使用现有充电设施，充满即走，并增设集中充电点。",
            ),
            ("海城区消防救援大队负责同志", "oral", "将开展入户宣传，清理楼道飞线。"),
        ),
        vote=("是否实行错峰充电、电满让位的共用共享办法", 5, 0, 1),
        consensus=(
            (
                "错峰充电、电满让位：小区充电设施按时段错峰使用，充满电即挪车让位",
                FIRE,
                "个别住户希望夜间也能充电",
            ),
            ("住建部门指导物业在小区增设集中充电点", HOUSING, ""),
        ),
        assign=True,
    ),
    DemoMeeting(
        "“珠事好商量”——议医保、解民忧",
        "农村低收入特殊人群参加医疗保险",
        "cx-medical-1",
        "赤西村",
        M.PUBLISHED,
        _at(dt.date(2022, 11, 23), 15),
        hours=2.5,
        purpose="service",
        public=True,
        capacity=30,
        sign_ups=32,
        description="由北海市政协、海城区政协主办，村民围绕农村低收入特殊人群参加医疗保险的问题畅所欲言。",
        departments=(MEDICAL, TAX),
        speeches=(
            ("海城区医疗保障局负责同志", "oral", "介绍城乡居民医保参保、医疗救助条件和住院报销办法。"),
            ("国家税务总局北海市海城区税务局负责同志", "oral", "介绍医保缴费渠道，现场指导手机缴费。"),
        ),
        consensus=(
            ("医保、税务部门在村设立参保缴费服务点，帮助低收入群体按时参保", MEDICAL, ""),
            ("对低收入特殊人群逐户核实，落实医疗救助资助参保", MEDICAL, ""),
        ),
        extra={"outcome": "当年参保率从91.1%提升至98.3%"},
    ),
    DemoMeeting(
        "“珠事好商量”——动植物药厂宿舍完善基础设施建设",
        "动植物药厂宿舍完善基础设施建设",
        "dzw-infra",
        "中山东路社区",
        M.PUBLISHED,
        _at(dt.date(2022, 4, 22), 19, 30),
        hours=1.5,
        form="estate",
        site_kind="estate",
        address="动植物药厂宿舍小区",
        member_levels=(MemberLevel.REGION, MemberLevel.CITY),
        others=(
            (R.BUILDER, "施工方代表", "小区改造施工单位"),
            (R.RESIDENT, "居民代表甲", "动植物药厂宿舍"),
            (R.RESIDENT, "居民代表乙", "动植物药厂宿舍"),
        ),
        speeches=(
            ("邵响亮", "oral", "介绍2022年小区完善基础设施建设基本情况。"),
            ("施工方代表", "oral", "说明电路改造及排水改造的施工安排。"),
            ("居民代表甲", "oral", "希望施工期间保障出行和用水。"),
        ),
        consensus=(
            ("市政协机关出资，完成小区电路改造和排水改造", "", ""),
            ("居民积极配合施工，共同完成老旧小区改造", "", ""),
        ),
    ),
    DemoMeeting(
        "南珠市场周边下水道疏通协商会",
        "南珠市场周边下水道堵塞",
        "nz-drain",
        "南珠社区",
        M.PUBLISHED,
        -21,
        public=True,
        departments=(DRAIN,),
        speeches=(("海城区市政排水管理所负责同志", "oral", "一周内完成疏通，并排查周边管网。"),),
        consensus=(("排水管理所一周内疏通南珠市场周边下水道", DRAIN, ""),),
        assign=True,
    ),
    DemoMeeting(
        "广西海洋研究所生活小区安全隐患整治议事会",
        "海洋所生活小区安全隐患",
        "hys-safety",
        "海洋所社区",
        M.PUBLISHED,
        -60,
        departments=(FIRE, HOUSING),
        speeches=(("海城区消防救援大队负责同志", "oral", "现场排查发现消防通道堵塞、灭火器过期。"),),
        consensus=(("物业一周内清理消防通道，更换过期灭火器", FIRE, ""),),
        unresolved=("老旧电梯更换资金来源",),
        assign=True,
    ),
    DemoMeeting(
        "长青社区小区停车难协商会",
        "长青社区小区停车难",
        "",
        "长青社区",
        M.MINUTES_CONFIRMED,
        -10,
        departments=(HOUSING,),
        speeches=(("长青社区居民代表", "oral", "晚上车位不够，消防通道常被占用。"),),
        consensus=(("利用小区闲置空地增设夜间临时车位", HOUSING, ""),),
    ),
    DemoMeeting(
        "外沙社区海鲜排档油烟扰民议事会",
        "外沙社区海鲜排档油烟扰民",
        "",
        "外沙社区",
        M.MINUTES_DRAFT,
        -3,
        departments=(HOUSING,),
        speeches=(("外沙社区居民代表", "oral", "排档油烟直排，住户不敢开窗。"),),
        consensus=(("排档一个月内加装油烟净化设施", HOUSING, ""),),
        unresolved=("夜间经营时间如何限定",),
        extra={"host_signed": True},
    ),
    DemoMeeting(
        "银滩社区老旧小区加装电梯意见征集会",
        "银滩社区老旧小区加装电梯",
        "",
        "银滩社区",
        M.HELD,
        0,
        departments=(HOUSING,),
        others=((R.RESIDENT, "一楼住户代表", "银滩小区"), (R.RESIDENT, "六楼住户代表", "银滩小区")),
    ),
    DemoMeeting(
        "政法路社区长者食堂运营协商会",
        "政法路社区长者食堂运营",
        "",
        "政法路社区",
        M.NOTIFIED,
        1,
        public=True,
        capacity=3,
        sign_ups=4,
        description="欢迎社区长者和家属报名参加，共商长者食堂的菜品、价格和就餐时间。",
        others=((R.RESIDENT, "黄阿姨", "政法路社区居民"),),
    ),
    DemoMeeting(
        "地角社区渔港路路灯维修协商会",
        "地角社区渔港路路灯维修",
        "",
        "地角社区",
        M.PLANNED,
        10,
        public=True,
        departments=(POWER,),
    ),
    DemoMeeting(
        "全区老旧小区飞线充电整治专题协商会",
        "全区老旧小区飞线充电整治",
        "",
        "政法路社区",
        M.DRAFT,
        20,
        form="thematic",
        purpose="consensus",
        departments=(FIRE, HOUSING, POWER),
    ),
    DemoMeeting(
        "高德社区学校周边交通安全协商会",
        "高德社区学校周边交通安全",
        "",
        "高德社区",
        M.POSTPONED,
        6,
        reason="台风“摩羯”预警，延期举行",
    ),
    DemoMeeting(
        "中街菜市场垃圾清运协商会",
        "中街菜市场垃圾清运",
        "",
        "中街社区",
        M.CANCELLED,
        8,
        reason="已通过直接交办解决，无需再开会",
    ),
)


def build() -> list[Meeting]:
    staff = User.objects.get(username="demo_staff")
    host = User.objects.get(username="demo_member")
    communities = {r.name: r for r in Region.objects.filter(level=RegionLevel.COMMUNITY)}
    built = []
    for index, spec in enumerate(MEETINGS):
        existing = Meeting.objects.filter(title=spec.title).first()
        if existing is not None:
            built.append(existing)
            continue
        meeting = _build(spec, index, communities[spec.community], staff, host)
        built.append(Meeting.objects.get(pk=meeting.pk))
    return built


def _topic(spec: DemoMeeting, community: Region, staff: User) -> Topic:
    """The case's topic: the one the screening demo made of its concern, or a new approved one."""
    topic = Topic.objects.filter(title=spec.topic).first()
    concern = (
        concern_selectors.concern_by_client_token(f"demo:{spec.concern_key}") if spec.concern_key else None
    )
    if topic is None and concern is not None:
        link = (
            TopicConcern.objects.filter(concern=concern, removed_at__isnull=True)
            .select_related("topic")
            .first()
        )
        if link is not None:
            topic = link.topic
        elif concern.status in (ConcernStatus.SUBMITTED, ConcernStatus.SCREENING):
            topic = screening_services.concerns_to_new_topic(
                concern_ids=[concern.pk],
                draft=topic_services.TopicDraft(title=spec.topic, form=spec.form, purpose=spec.purpose),
                reason="居民反映集中，列入协商议题",
                actor=staff,
            )
    if topic is None:
        topic = topic_services.topic_create(
            draft=topic_services.TopicDraft(
                title=spec.topic, form=spec.form, purpose=spec.purpose, source="member"
            ),
            region=community,
            actor=staff,
        )
    if topic.status == TopicStatus.PROPOSED:
        topic = topic_services.topic_transition(topic_id=topic.pk, new=TopicStatus.APPROVED, actor=staff)
    return topic


def _invitees(spec: DemoMeeting) -> list[Invitee]:
    invitees = [
        Invitee(role=R.MEMBER, member_id=m.pk) for m in Member.objects.filter(name__in=spec.members)[:1]
    ]
    for level in spec.member_levels:
        extra = (
            Member.objects.filter(level=level, active=True)
            .exclude(name__in=spec.members)
            .order_by("pk")
            .first()
        )
        if extra is not None:
            invitees.append(Invitee(role=R.MEMBER, member_id=extra.pk))
    for name in spec.departments:
        department = Organisation.objects.filter(name=name).first()
        if department is not None:
            invitees.append(Invitee(role=R.DEPARTMENT, organisation_id=department.pk))
    invitees += [Invitee(role=role, name=name, unit=unit) for role, name, unit in spec.others]
    return invitees


def _build(spec: DemoMeeting, index: int, community: Region, staff: User, host: User) -> Meeting:
    topic = _topic(spec, community, staff)
    room = Room.objects.filter(region=community, active=True).first() if spec.site_kind == "room" else None
    site_kind = spec.site_kind if room is not None or spec.site_kind != "room" else "other"
    address = spec.address or ("" if room is not None else f"{community.name}党群服务中心")
    past = isinstance(spec.when, dt.datetime) or spec.when <= 0
    if isinstance(spec.when, dt.datetime):
        starts_at = spec.when
    else:
        starts_at = _at(timezone.localdate() + dt.timedelta(days=spec.when), 15)
        if spec.when == 0:
            starts_at = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    # A past meeting is planned in a free future slot first (services refuse the past).
    planned_at = _at(timezone.localdate() + dt.timedelta(days=200 + index), 9) if past else starts_at
    length = dt.timedelta(hours=spec.hours)
    meeting = services.meeting_create(
        draft=MeetingDraft(
            title=spec.title,
            starts_at=planned_at,
            ends_at=planned_at + length,
            host_id=host.pk,
            recorder_id=staff.pk,
            topic_ids=[topic.pk] if topic.status in services.PLANNABLE_TOPIC_STATUSES else [],
            description=spec.description,
            form=spec.form,
            purpose=spec.purpose,
            site_kind=site_kind,
            room_id=room.pk if room else None,
            address=address,
            is_public=spec.public,
            signup_capacity=spec.capacity,
        ),
        actor=staff,
        invitees=_invitees(spec),
    )
    if not meeting.topics.exists():
        meeting.topics.add(topic)  # a finished topic: the meeting is its historical record
    if spec.status == M.DRAFT:
        return meeting
    services.meeting_plan(meeting_id=meeting.pk, actor=staff, confirm_warnings=True)
    if spec.status == M.CANCELLED:
        return services.meeting_cancel(meeting_id=meeting.pk, reason=spec.reason, actor=staff)
    if spec.status == M.PLANNED:
        return meeting
    for n in range(spec.sign_ups):
        services.registration_create(meeting_id=meeting.pk, name=f"村民{n + 1}", phone=f"1390779{n:04d}")
    if past:
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts_at, ends_at=starts_at + length)
    services.meeting_notify(meeting_id=meeting.pk, actor=staff)
    if spec.status == M.POSTPONED:
        return services.meeting_postpone(meeting_id=meeting.pk, reason=spec.reason, actor=staff)
    if spec.status == M.NOTIFIED:
        for participant in meeting.participants.all()[:2]:
            services.invitation_respond(token=participant.token, accept=True)
        return meeting
    return _hold(spec, meeting.pk, staff, host)


def _hold(spec: DemoMeeting, meeting_id: int, staff: User, host: User) -> Meeting:
    meeting = services.meeting_open(meeting_id=meeting_id, actor=staff)
    people = {p.name: p for p in meeting.participants.all()}
    for participant in people.values():
        services.check_in(participant_id=participant.pk, actor=staff)
    for title, minutes in (("介绍议题和前期调研情况", 15), ("各方发言协商", 60), ("形成共识", 15)):
        record.agenda_add(meeting_id=meeting_id, title=title, duration_minutes=minutes, actor=staff)
    for name, kind, summary in spec.speeches:
        speaker = people.get(name)
        if speaker is not None:
            record.speech_add(
                meeting_id=meeting_id, participant_id=speaker.pk, summary=summary, kind=kind, actor=staff
            )
    if spec.vote is not None:
        question, yes, no, abstain = spec.vote
        record.vote_add(
            meeting_id=meeting_id,
            question=question,
            votes_for=yes,
            votes_against=no,
            votes_abstain=abstain,
            actor=staff,
        )
    for text, department, dissent in spec.consensus:
        org = Organisation.objects.filter(name=department).first() if department else None
        record.consensus_add(
            meeting_id=meeting_id,
            text=text,
            dissent=dissent,
            department_id=org.pk if org else None,
            actor=staff,
        )
    for text in spec.unresolved:
        record.unresolved_add(meeting_id=meeting_id, text=text, next_step="下次协商议事会再议", actor=staff)
    if "outcome" in spec.extra:
        record.minutes_update(
            meeting_id=meeting_id, summary=f"会后成效：{spec.extra['outcome']}。", actor=staff
        )
    if spec.status == M.HELD:
        return Meeting.objects.get(pk=meeting_id)
    services.meeting_close(meeting_id=meeting_id, actor=staff)
    if spec.status == M.MINUTES_DRAFT:
        if spec.extra.get("host_signed"):
            record.minutes_confirm(meeting_id=meeting_id, actor=host)
        return Meeting.objects.get(pk=meeting_id)
    record.minutes_confirm(meeting_id=meeting_id, actor=host)
    record.minutes_confirm(meeting_id=meeting_id, actor=staff)
    existing = ActionItem.objects.filter(
        topic__in=meeting.topics.all(), source_type=SourceType.CONSENSUS, source_id__isnull=True
    ).first()
    if spec.assign and existing is not None:
        # The screening demo already assigned this case's consensus: the meeting's first item is its source.
        first = meeting.consensus_items.order_by("pk").first()
        assert first is not None
        ConsensusItem.objects.filter(pk=first.pk).update(action_item=existing)
        ActionItem.objects.filter(pk=existing.pk).update(
            source_model="meetings.consensusitem", source_id=first.pk
        )
    elif spec.assign:
        record.consensus_assign(
            meeting_id=meeting_id,
            assignments=[
                record.Assignment(
                    c.pk, c.department_id, record.default_deadline(), "邵响亮" if i == 0 else ""
                )
                for i, c in enumerate(Meeting.objects.get(pk=meeting_id).consensus_items.order_by("pk"))
                if c.department_id
            ],
            actor=staff,
        )
    if spec.status == M.PUBLISHED:
        record.minutes_publish(meeting_id=meeting_id, actor=staff)
    return Meeting.objects.get(pk=meeting_id)
