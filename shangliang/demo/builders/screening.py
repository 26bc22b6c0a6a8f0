"""Demo screening, topics and action items: the intake's demo concerns are merged, decided and
followed through, so every state of a topic and of an action item can be clicked through at once.

Everything goes through the real services (audit events, residents' timelines, SMS outbox). Only
two things are set directly afterwards, because the services rightly refuse them: deadlines in the
past (to show overdue items) and the dates of the events. A second run finds the first topic and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shangliang.accounts.models import User
from shangliang.actions import services as actions
from shangliang.actions.models import ActionItem, CategoryPolicy
from shangliang.concerns import rules as concern_rules
from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns import services as concern_services
from shangliang.concerns.models import NEVER_PUBLIC, Concern
from shangliang.concerns.services import ConcernInput
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.demo.builders import steps
from shangliang.demo.builders.concerns import _photo
from shangliang.meetings.models import MeetingStatus
from shangliang.places.models import Organisation, OrganisationKind, Region, RegionLevel
from shangliang.screening import services as screening
from shangliang.screening.models import DeclineReason
from shangliang.screening.services import DecisionInput
from shangliang.text.models import Category
from shangliang.topics import services as topics
from shangliang.topics.models import Topic
from shangliang.topics.services import TopicDraft

MARKER_TOPIC = "整治老旧小区飞线充电"
HOUSING = "海城区住房和城乡建设局"
GARDEN = "海城区园林绿化管理所"
DRAIN = "海城区市政排水管理所"
FIRE = "海城区消防救援大队"
CITY = "海城区城市管理局"
HOTLINE = "12345政务服务便民热线"
ZONGZHI = "海城区社会治安综合治理中心"
# Officers of departments other than the demo officer's (no sign-in: they only appear in timelines).
OFFICERS = {
    GARDEN: ("demo_officer_garden", "何志强"),
    DRAIN: ("demo_officer_drain", "苏立新"),
    FIRE: ("demo_officer_fire", "邓海波"),
    CITY: ("demo_officer_city", "蒙振华"),
}
POLICY_DEPARTMENTS = {
    "园林绿化": GARDEN,
    "市政设施": HOUSING,
    "物业管理": HOUSING,
    "消防安全": FIRE,
    "环境卫生": CITY,
}
# Extra concerns this builder adds to reach every state: key → (community, text).
EXTRA = {
    "dispute": ("政法路社区", "楼上邻居装修把建材堆在楼道，跟他说了几次都不听，两家闹得很僵。"),
    "playground": ("地角社区", "建议把海滨公园的儿童游乐设施翻新，现在滑梯生锈，秋千也坏了。"),
    "potholes": ("东街社区", "东街社区背街小巷路面坑洼，下雨积水，电动车经过容易摔倒。"),
    "market": ("中街社区", "中街菜市场屋顶漏雨，地面湿滑，摊位布局乱，希望整体改造。"),
    "parking": ("海景社区", "海景花园小区停车位太少，晚上车停满消防通道。"),
    "smoke": ("银滩社区", "银滩片区海鲜排档油烟很大，直排进居民楼，窗户都不敢开。"),
    "pier": ("地角社区", "地角渔港码头晚上照明不足，渔民卸货看不清，已经有人摔伤。"),
    "shop": ("解放路社区", "解放路老旧小区一楼商铺占用人行道摆摊，行人只能走机动车道。"),
    "shelter": ("地角社区", "海滨公交站没有候车亭，夏天老人等车晒得受不了，下雨也没处躲。"),
    "dogs": ("东街社区", "东街片区流浪狗越来越多，晚上追咬路人，小孩不敢出门。"),
    "dance": ("外沙社区", "外沙广场每晚广场舞音响声音太大，一直到十点多，附近居民无法休息。"),
}


def _users() -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    for department, (username, name) in OFFICERS.items():
        if username not in users:
            user = User(
                username=username,
                display_name=name,
                role=Role.OFFICER,
                organisation=Organisation.objects.get(name=department, kind=OrganisationKind.DEPARTMENT),
                region=Region.objects.get(level=RegionLevel.DISTRICT, name="海城区"),
            )
            user.set_unusable_password()
            user.save()
            users[username] = user
    return users


def _policies(departments: dict[str, Organisation]) -> None:
    for category_name, department in POLICY_DEPARTMENTS.items():
        category = Category.objects.filter(name=category_name).first()
        if category is not None:
            CategoryPolicy.objects.update_or_create(
                category=category, defaults={"department": departments[department]}
            )


def build() -> list[Topic]:
    if Topic.objects.filter(title=MARKER_TOPIC).exists():
        return list(Topic.objects.all())
    departments = {
        o.name: o
        for o in Organisation.objects.filter(
            kind__in=[OrganisationKind.DEPARTMENT, OrganisationKind.LINKED_BODY]
        )
    }
    _policies(departments)
    users = _users()
    staff, grid, secretary, officer = (
        users["demo_staff"],
        users["demo_grid"],
        users["demo_secretary"],
        users["demo_officer"],
    )
    concern = _concerns(users)

    def decide(key: str, actor: Any = staff, **kwargs: Any) -> Any:
        return screening.concern_decide(
            concern_id=concern[key].pk, decision=DecisionInput(**kwargs), actor=actor
        )

    def assign(key: str, department: str, reason: str, urgent: bool = False) -> ActionItem:
        decision = decide(
            key, kind="assign", reason=reason, department_id=departments[department].pk, urgent=urgent
        )
        return decision.action_item

    def walk(topic: Topic, *states: str, actor: Any = staff) -> None:
        for new in states:
            topics.topic_transition(topic_id=topic.pk, new=new, actor=actor)

    officer_of = {department: users[username] for department, (username, _) in OFFICERS.items()}
    officer_of[HOUSING] = officer

    # 1. 政法路 flying-wire charging: the grid worker merges a duplicate and proposes a topic of the
    #    other two, the secretary approves it.
    screening.concern_merge(
        concern_id=concern["zfl-wire-2"].pk, into_concern_id=concern["zfl-wire-1"].pk, actor=grid
    )
    wire = screening.concerns_to_new_topic(
        concern_ids=[concern["zfl-wire-1"].pk, concern["zfl-wire-3"].pk],
        draft=TopicDraft(
            title=MARKER_TOPIC,
            form="estate",
            purpose="deliberate",
            description="老旧小区飞线充电存在火灾隐患，居民对集中充电有需求。",
        ),
        reason="多位居民反映同一隐患，涉及全小区",
        actor=grid,
    )
    # The consultation meeting (the meetings demo) takes it on from here.
    walk(wire, "approved", actor=secretary)

    # 2. 铜鼓里 trees: urgent direct assignment, solved in half a day, verified and closed.
    trees = assign("tgl-trees", GARDEN, "简单事项，台风季前须尽快处理", urgent=True)
    actions.action_accept(item_id=trees.pk, actor=officer_of[GARDEN])
    actions.action_complete(
        item_id=trees.pk,
        result_class="A",
        text="已现场修剪5栋北侧榕树枝叶，不再拍打窗户。",
        photos=[_photo((50, 140, 60), "tgl-after")],
        actor=officer_of[GARDEN],
    )
    actions.action_verify(item_id=trees.pk, passed=True, reason="回访陈耀满，确认已解决", actor=staff)
    actions.action_close(item_id=trees.pk, actor=staff)

    # 3. and 4. The article's cases 赤西村 (medical insurance) and 动植物药厂宿舍 become approved
    #    topics; their consultation meetings are in the meetings demo.
    medical = decide(
        "cx-medical-1",
        kind="topic",
        reason="涉及全村参保和报销政策，需医保、税务部门与村民当面协商",
        topic=TopicDraft(title="农村低收入特殊人群参加医疗保险", form="community", purpose="service"),
    ).topic
    decide("cx-medical-2", kind="topic", reason="同一议题", topic_id=medical.pk)
    infra = decide(
        "dzw-infra",
        kind="topic",
        reason="涉及电路和排水改造，需三级委员、施工方和居民共同协商",
        topic=TopicDraft(title="动植物药厂宿舍完善基础设施建设", form="door", purpose="deliberate"),
    ).topic
    walk(medical, "approved")
    walk(infra, "approved")

    # Topics of everyday matters in the later states: implementing with a consensus item,
    # evaluating, closed, and reopened after a failed evaluation.
    shelter = decide(
        "shelter",
        kind="topic",
        reason="公交站台改造需协商",
        topic=TopicDraft(title="海滨公交站候车亭改造", form="micro"),
    ).topic
    walk(shelter, "approved")
    steps.consult(
        shelter,
        title="海滨公交站候车亭改造协商会",
        status=MeetingStatus.PUBLISHED,
        when=-14,
        slot=0,
        departments=[CITY],
        consensus=[("海滨公交站加装候车亭和座椅：候车亭加装遮阳顶棚和座椅", CITY)],
        assign=True,
    )
    shelter_item = ActionItem.objects.filter(topic=shelter).order_by("pk").first()
    assert shelter_item is not None
    actions.action_accept(item_id=shelter_item.pk, actor=officer_of[CITY])
    actions.action_report_progress(
        item_id=shelter_item.pk, text="候车亭已完成设计，下周进场施工。", actor=officer_of[CITY]
    )
    dogs = decide(
        "dogs",
        kind="topic",
        reason="流浪犬伤人隐患",
        topic=TopicDraft(title="东街片区流浪犬管理", form="micro", purpose="service"),
    ).topic
    walk(dogs, "approved")
    steps.consult(
        dogs,
        title="东街片区流浪犬管理协商会",
        status=MeetingStatus.PUBLISHED,
        when=-45,
        slot=1,
        departments=[CITY],
        consensus=[("城管部门联合社区开展流浪犬收容，设置宣传牌", CITY)],
        assign=True,
    )
    steps.finish_items(dogs)
    steps.evaluate(dogs, passed=True, comment="流浪犬少了，晚上散步安心多了。")
    dance = decide(
        "dance",
        kind="topic",
        reason="广场舞噪音需各方协商",
        topic=TopicDraft(title="外沙广场舞噪音协调", form="courtyard", purpose="consensus"),
    ).topic
    walk(dance, "approved")
    steps.consult(
        dance,
        title="外沙广场舞噪音协调议事会",
        status=MeetingStatus.PUBLISHED,
        when=-40,
        slot=2,
        departments=[CITY],
        consensus=[("广场舞音响音量不超过60分贝，晚九点半前结束", CITY)],
        assign=True,
    )
    steps.finish_items(dance)
    steps.evaluate(dance, passed=False, comment="九点半以后还有人放音乐。")

    # 5. Direct assignments in the other states.
    drain = assign("nz-drain", DRAIN, "下水道疏通属市政排水职责")
    actions.action_accept(item_id=drain.pk, actor=officer_of[DRAIN])
    actions.action_report_progress(
        item_id=drain.pk, text="已安排疏通车，因管道破损需开挖。", actor=officer_of[DRAIN]
    )
    wall = assign("hys-safety", HOUSING, "围墙安全隐患，请住建部门核查")
    actions.action_request_return(
        item_id=wall.pk, reason="围墙属海洋研究所产权，建议由产权单位负责维修。", actor=officer
    )
    elevator = assign("ys-elevator", HOUSING, "电梯故障属物业管理，请督促物业维修")
    potholes = assign("potholes", HOUSING, "背街小巷路面修补")
    actions.action_accept(item_id=potholes.pk, actor=officer)
    actions.action_request_extension(
        item_id=potholes.pk,
        until=potholes.deadline + dt.timedelta(days=14),
        reason="需等待沥青料进场，雨季施工受影响。",
        actor=officer,
    )
    shop = assign("shop", HOUSING, "占道经营问题")
    actions.action_request_return(item_id=shop.pk, reason="占道经营属城管执法职责。", actor=officer)
    actions.action_reassign(
        item_id=shop.pk, department_id=departments[CITY].pk, reason="改由城管局办理", actor=staff
    )
    parking = decide(
        "parking",
        kind="topic",
        reason="停车位规划需业主协商",
        topic=TopicDraft(title="海景花园停车难", form="owners"),
    ).topic
    walk(parking, "approved")
    steps.consult(parking, title="海景花园停车难业主协商会", status=MeetingStatus.PLANNED, when=12, slot=3)
    smoke = decide(
        "smoke",
        kind="topic",
        reason="排档与居民需协商",
        topic=TopicDraft(title="海鲜排档油烟扰民", form="micro"),
    ).topic
    walk(smoke, "approved")
    steps.consult(
        smoke,
        title="海鲜排档油烟扰民微协商",
        status=MeetingStatus.PUBLISHED,
        when=-7,
        slot=4,
        departments=[CITY],
        consensus=[("排档加装油烟净化设施", CITY)],
    )
    pier = decide(
        "pier",
        kind="topic",
        reason="涉及渔民安全",
        topic=TopicDraft(title="地角渔港码头照明", form="micro", purpose="service"),
    ).topic
    walk(pier, "approved")
    steps.consult(
        pier,
        title="地角渔港码头照明协商会",
        status=MeetingStatus.PUBLISHED,
        when=-20,
        slot=5,
        departments=[HOUSING],
        consensus=[("码头加装照明灯：码头增设6盏路灯", HOUSING)],
        assign=True,
    )
    pier_item = ActionItem.objects.filter(topic=pier).order_by("pk").first()
    assert pier_item is not None
    actions.action_accept(item_id=pier_item.pk, actor=officer)
    actions.action_complete(
        item_id=pier_item.pk, result_class="B", text="已列入下月市政照明计划，先安装临时照明。", actor=officer
    )
    steps.open_evaluation(pier)
    market = decide(
        "market", kind="topic", reason="菜市场改造", topic=TopicDraft(title="中街菜市场改造", form="micro")
    ).topic
    topics.topic_transition(
        topic_id=market.pk, new="cancelled", reason="已列入区政府2027年农贸市场改造计划", actor=staff
    )

    # 6. Referrals, conversions, a decline, and proposals waiting for approval.
    decide(
        "dj-light",
        kind="refer",
        reason="路灯维修由12345热线转市政部门办理",
        body_id=departments[HOTLINE].pk,
        reference="BH12345-20261120-0311",
    )
    decide(
        "hj-noise",
        kind="refer",
        reason="夜间噪音扰民由综治中心协调执法",
        body_id=departments[ZONGZHI].pk,
        reference="ZZ-2026-1107",
    )
    decide("gd-school", kind="opinion", reason="校园周边交通具有普遍性，报送社情民意")
    decide("playground", kind="proposal", reason="公园设施更新需纳入年度预算，转为提案")
    decide(
        "dispute",
        kind="decline",
        decline_reason_id=DeclineReason.objects.get_or_create(
            text="属于个人私事或民事纠纷，建议通过人民调解或司法途径解决", defaults={"sort_order": 10}
        )[0].pk,
        reason="已请网格员上门调解",
    )
    decide(
        "zfl-canteen",
        actor=secretary,
        kind="topic",
        reason="社区老人多，需求集中",
        topic=TopicDraft(title="开办长者饭堂", form="community", purpose="service"),
    )
    member = users["demo_member"]
    community_ids = sorted(scope_of(member).community_ids)
    if community_ids:
        topics.topic_recommend(
            draft=TopicDraft(
                title="老旧小区加装电梯",
                research_notes="走访中山东路社区3个小区共46户，38户支持加装电梯，主要分歧在低层住户出资比例。",
            ),
            community_id=community_ids[0],
            text="老旧小区老人上下楼困难，建议推进加装电梯。",
            actor=member,
        )
    reviewer = users["demo_reviewer"]
    topics.topic_assign(
        draft=TopicDraft(
            title="背街小巷环境整治提升",
            form="thematic",
            purpose="deliberate",
            required_by=timezone.localdate() + dt.timedelta(days=45),
        ),
        region_id=Region.objects.get(name="东街社区").pk,
        text="东街片区背街小巷环境脏乱，请政协组织协商，提出整治意见。",
        actor=reviewer,
    )

    # Overdue is derived from the deadline: move two deadlines into the past.
    today = timezone.localdate()
    ActionItem.objects.filter(pk=drain.pk).update(deadline=today - dt.timedelta(days=3))
    ActionItem.objects.filter(pk=elevator.pk).update(
        accept_due=today - dt.timedelta(days=1), deadline=today + dt.timedelta(days=2)
    )
    _publish_screened(staff)
    return list(Topic.objects.all())


def _publish_screened(staff: User) -> None:
    """Staff confirm the masked text of every screened concern whose resident allowed it."""
    for concern in Concern.objects.filter(
        is_public=True, needs_review=False, published_at__isnull=True
    ).exclude(status__in=list(NEVER_PUBLIC)):
        concern_services.concern_publish(
            concern=concern, public_text=concern_rules.propose_public_text(concern.text), actor=staff
        )


def _concerns(users: dict[str, User]) -> dict[str, Concern]:
    """The intake's demo concerns by key, and the extra ones this builder needs."""
    found: dict[str, Concern] = {}
    for key in (
        "zfl-wire-1",
        "zfl-wire-2",
        "zfl-wire-3",
        "tgl-trees",
        "cx-medical-1",
        "cx-medical-2",
        "dzw-infra",
        "nz-drain",
        "hys-safety",
        "ys-elevator",
        "dj-light",
        "hj-noise",
        "gd-school",
        "zfl-canteen",
    ):
        concern = concern_selectors.concern_by_client_token(f"demo:{key}")
        assert concern is not None, f"the intake demo concern {key} is missing"
        found[key] = concern
    communities = {r.name: r for r in Region.objects.filter(level=RegionLevel.COMMUNITY)}
    for key, (community, text) in EXTRA.items():
        found[key], _ = concern_services.concern_submit(
            data=ConcernInput(
                text=text,
                region_id=communities[community].pk,
                client_token=f"demo:screening:{key}",
                channel="door",
                source="grid",
            ),
            actor=users["demo_staff"],
        )
    return found
