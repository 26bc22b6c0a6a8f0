"""The demo district's places and people: a Haicheng-like region tree, organisations, members,
activity groups and consultation rooms.

Names from the article (政法路社区, 铜鼓里社区, 赤西村, 邵响亮 …) are used as they are; the other
people are invented. Every row is found by its natural key first, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from shangliang.places.models import (
    ActivityGroup,
    ActivityGroupMembership,
    CommunityKind,
    Member,
    MemberLevel,
    Organisation,
    OrganisationKind,
    Region,
    RegionLevel,
    Room,
    RoomKind,
    RoomSchedule,
    RoomStandardCheck,
    SchedulePreset,
    StandardItem,
)
from shangliang.places.schedules import PRESET_NAMES, PRESET_RULES

STREETS: dict[str, list[str]] = {
    "中街街道": ["中山东路社区", "解放路社区", "珠海中路社区", "中街社区", "和平路社区", "新华社区"],
    "东街街道": [
        "政法路社区",
        "铜鼓里社区",
        "东街社区",
        "四川路社区",
        "北京路社区",
        "长青社区",
        "湖北路社区",
    ],
    "西街街道": [
        "外沙社区",
        "西街社区",
        "文明路社区",
        "南珠社区",
        "海关路社区",
        "北部湾西路社区",
        "珠江路社区",
    ],
    "地角街道": [
        "地角社区",
        "冠头岭社区",
        "海洋所社区",
        "渔港社区",
        "茶亭路社区",
        "西南大道社区",
        "海滨社区",
        "地角村",
    ],
    "高德街道": [
        "赤西村",
        "高德社区",
        "高德村",
        "平阳村",
        "南万村",
        "东村",
        "西村",
        "北海港社区",
        "廉州湾社区",
    ],
    "驿马街道": ["驿马社区", "驿马村", "银滩社区", "四川南路社区", "重庆路社区", "新市社区", "蓝海社区"],
    "海角街道": ["海角社区", "海角村", "兴港社区", "海景社区", "新港社区", "合浦路社区", "金海岸社区"],
}
GRID_TOTAL = 520
# Left without an activity group, and staffed by one member only, so the coverage page has work.
UNCOVERED_COMMUNITY = "新港社区"
UNDERSTAFFED_COMMUNITY = "金海岸社区"

SURNAMES = "黄李陈梁林韦莫覃刘张王杨周吴何邓苏冯钟蒙庞潘卢谢罗"
GIVEN = "海珠明华丽芳强伟军敏静涛婷杰勇霞燕峰琳鹏宇晨洁斌红春秀凯宁欣"
# People the article names; invented names must not collide with them.
ARTICLE_PEOPLE = {"邵响亮", "黄深浦", "杨宇芳", "林燕", "陈耀满", "林丹", "黄玉春"}

SECTORS = [
    "中共界",
    "民革界",
    "民盟界",
    "民建界",
    "民进界",
    "农工党界",
    "致公党界",
    "无党派人士界",
    "工商联界",
    "经济界",
    "农业界",
    "教育界",
    "医药卫生界",
    "文化艺术体育界",
    "社会福利和社会保障界",
    "特邀人士界",
]
COMMITTEES = [
    "提案委员会",
    "经济委员会",
    "社会和法制委员会",
    "科教文卫体委员会",
    "农业和农村委员会",
    "文史和学习委员会",
]
# Departments (承办单位) with the kinds of matter they handle, used to suggest who takes an item.
DEPARTMENTS: dict[str, str] = {
    "海城区医疗保障局": "医保、医疗救助、参保",
    "国家税务总局北海市海城区税务局": "税务、社保缴费",
    "海城区住房和城乡建设局": "老旧小区改造、物业管理、房屋安全、三无小区",
    "海城区消防救援大队": "消防、飞线充电、电动车充电、安全隐患",
    "北海供电局海城供电分局": "供电、线路改造、停电",
    "海城区城市管理局": "市容环境、占道经营、违章搭建、垃圾清运",
    "海城区市场监督管理局": "市场秩序、食品安全、价格",
    "海城区园林绿化管理所": "树木修剪、绿化养护",
    "海城区市政排水管理所": "排水、下水道疏通、内涝",
    "海城区民政局": "养老服务、社会救助、社区建设",
    "海城区卫生健康局": "医疗卫生、疫苗接种",
    "海城区教育局": "学校、入学、校园周边",
}
LINKED_BODIES = [
    ("12345政务服务便民热线", "12345"),
    ("海城区社会治安综合治理中心", "综治中心"),
    ("海城区新时代文明实践中心", "新时代文明实践站"),
]

# (name, kind, community or street, address, host unit, schedules, satisfied 四有 items)
ALL_ITEMS = tuple(StandardItem.values)
ROOMS: list[tuple[str, str, str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "政法路社区“珠事好商量”协商议事室",
        RoomKind.COMMUNITY,
        "政法路社区",
        "海城区政法路社区党群服务中心二楼",
        "",
        ("fengshi", "erwu"),
        ALL_ITEMS,
    ),
    (
        "赤西村“珠事好商量”协商议事室",
        RoomKind.COMMUNITY,
        "赤西村",
        "高德街道赤西村村委会一楼",
        "",
        ("fengshi",),
        ALL_ITEMS,
    ),
    (
        "铜鼓里社区协商议事室",
        RoomKind.COMMUNITY,
        "铜鼓里社区",
        "东街街道铜鼓里社区服务站",
        "",
        ("erwu",),
        ALL_ITEMS,
    ),
    ("南珠社区协商议事室", RoomKind.COMMUNITY, "南珠社区", "西街街道南珠社区综合服务中心", "", (), ALL_ITEMS),
    (
        "海洋所社区协商议事室",
        RoomKind.COMMUNITY,
        "海洋所社区",
        "地角街道海洋所社区居委会",
        "",
        ("erwu",),
        ALL_ITEMS,
    ),
    ("外沙社区协商议事室", RoomKind.COMMUNITY, "外沙社区", "西街街道外沙社区党群服务中心", "", (), ALL_ITEMS),
    (
        "驿马村协商议事室",
        RoomKind.COMMUNITY,
        "驿马村",
        "驿马街道驿马村村委会",
        "",
        ("fengshi",),
        ("logo", "place"),
    ),
    ("银滩社区协商议事室", RoomKind.COMMUNITY, "银滩社区", "驿马街道银滩社区服务站", "", (), ALL_ITEMS),
    ("海角社区协商议事室", RoomKind.COMMUNITY, "海角社区", "海角街道海角社区居委会", "", (), ALL_ITEMS),
    (
        "中街街道协商议事室",
        RoomKind.STREET,
        "中街街道",
        "中街街道办事处三楼会议室",
        "",
        ("fengshi",),
        ALL_ITEMS,
    ),
    ("东街街道协商议事长廊", RoomKind.STREET, "东街街道", "东街街道办事处一楼", "", ("fengshi",), ALL_ITEMS),
    ("西街街道协商议事室", RoomKind.STREET, "西街街道", "西街街道办事处二楼", "", (), ALL_ITEMS),
    ("地角街道协商议事室", RoomKind.STREET, "地角街道", "地角街道办事处会议室", "", ("erwu",), ALL_ITEMS),
    (
        "高德街道协商议事室",
        RoomKind.STREET,
        "高德街道",
        "高德街道办事处二楼",
        "",
        (),
        ("logo", "place", "duties"),
    ),
    (
        "北海港企业协商议事室",
        RoomKind.ENTERPRISE,
        "北海港社区",
        "高德街道北海港区办公楼",
        "北海港务有限公司（示范企业）",
        (),
        ALL_ITEMS,
    ),
    (
        "电子产业园企业协商议事室",
        RoomKind.ENTERPRISE,
        "西南大道社区",
        "地角街道西南大道电子产业园服务中心",
        "海城区电子信息产业园（示范企业）",
        ("erwu",),
        ALL_ITEMS,
    ),
    (
        "南珠市场商户协商议事室",
        RoomKind.ENTERPRISE,
        "南珠社区",
        "西街街道南珠市场管理处二楼",
        "南珠市场经营管理有限公司（示范企业）",
        (),
        ("place",),
    ),
]
SCHEDULE_TIMES = {"fengshi": (dt.time(9, 0), dt.time(11, 30)), "erwu": (dt.time(15, 0), dt.time(17, 30))}
SCHEDULES_START = dt.date(2026, 1, 1)


class Names:
    """Invented, unique Chinese names from a fixed seed, so every run yields the same people."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.used: set[str] = set(ARTICLE_PEOPLE)

    def __call__(self) -> str:
        while True:
            given = "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2, 2))))
            name = self.random.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


def _region(name: str, level: str, parent: Region | None, **defaults: Any) -> Region:
    region, _ = Region.objects.get_or_create(name=name, parent=parent, defaults={"level": level, **defaults})
    if not region.path:
        region.path = f"{parent.path if parent else '/'}{region.pk}/"
        region.save(update_fields=["path"])
    return region


def build_regions() -> dict[str, Region]:
    """广西壮族自治区 → 北海市 → 海城区 → 7 streets → 51 villages/communities → 520 grids."""
    province = _region("广西壮族自治区", RegionLevel.PROVINCE, None, code="450000")
    city = _region("北海市", RegionLevel.CITY, province, code="450500")
    district = _region("海城区", RegionLevel.DISTRICT, city, code="450502")
    regions = {"广西壮族自治区": province, "北海市": city, "海城区": district}
    communities: list[Region] = []
    for order, (street_name, names) in enumerate(STREETS.items(), start=1):
        street = _region(street_name, RegionLevel.STREET, district, sort_order=order)
        regions[street_name] = street
        for index, name in enumerate(names, start=1):
            kind = CommunityKind.VILLAGE if name.endswith("村") else CommunityKind.COMMUNITY
            community = _region(name, RegionLevel.COMMUNITY, street, community_kind=kind, sort_order=index)
            regions[name] = community
            communities.append(community)
    _build_grids(communities)
    regions["政法路社区第1网格"] = Region.objects.get(name="政法路社区第1网格", parent=regions["政法路社区"])
    return regions


def _build_grids(communities: list[Region]) -> None:
    """About ten grids per community (520 in all), each with a 网格长; created in bulk."""
    names = Names(seed=520)
    base, extra = divmod(GRID_TOTAL, len(communities))
    existing = set(
        Region.objects.filter(level=RegionLevel.GRID, parent__in=communities).values_list("parent_id", "name")
    )
    new: list[Region] = []
    for position, community in enumerate(communities):
        for number in range(1, base + (1 if position < extra else 0) + 1):
            name = f"{community.name}第{number}网格"
            leader = names()
            if (community.pk, name) not in existing:
                new.append(
                    Region(
                        name=name,
                        level=RegionLevel.GRID,
                        parent=community,
                        leader_name=leader,
                        sort_order=number,
                    )
                )
    if not new:
        return
    created = Region.objects.bulk_create(new)
    if any(g.pk is None for g in created):  # a database that does not return ids
        created = list(Region.objects.filter(level=RegionLevel.GRID, path=""))
    paths: dict[int | None, str] = {c.pk: c.path for c in communities}
    for grid in created:
        grid.path = f"{paths[grid.parent_id]}{grid.pk}/"
    Region.objects.bulk_update(created, ["path"])


def _organisation(name: str, kind: str, **defaults: Any) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(name=name, kind=kind, defaults=defaults)
    return organisation


def build_organisations(regions: dict[str, Region]) -> dict[str, Organisation]:
    district = regions["海城区"]
    cppcc = _organisation(
        "政协北海市海城区委员会", OrganisationKind.CPPCC_BODY, short_name="区政协", region=district
    )
    bodies = {cppcc.name: cppcc}
    for name, short in (
        ("主席会议", "主席会议"),
        ("常务委员会", "常委会"),
        ("政协北海市海城区委员会办公室", "区政协办"),
    ):
        bodies[name] = _organisation(name, OrganisationKind.CPPCC_BODY, short_name=short, parent=cppcc)
    for name in COMMITTEES:
        bodies[name] = _organisation(name, OrganisationKind.SPECIAL_COMMITTEE, parent=cppcc)
    for name in SECTORS:
        bodies[name] = _organisation(name, OrganisationKind.SECTOR, parent=cppcc)
    party = _organisation(
        "中共北海市海城区委员会", OrganisationKind.PARTY, short_name="区委", region=district
    )
    government = _organisation(
        "北海市海城区人民政府", OrganisationKind.GOVERNMENT, short_name="区政府", region=district
    )
    bodies[party.name], bodies[government.name] = party, government
    for street_name in STREETS:
        street = regions[street_name]
        prefix = street_name.removesuffix("街道")
        work_committee = f"中共北海市海城区{street_name}工作委员会"
        bodies[work_committee] = _organisation(
            work_committee,
            OrganisationKind.PARTY,
            short_name=f"{prefix}街道党工委",
            region=street,
            parent=party,
        )
        office = f"海城区{street_name}办事处"
        bodies[office] = _organisation(
            office,
            OrganisationKind.GOVERNMENT,
            short_name=f"{prefix}街道办",
            region=street,
            parent=government,
        )
    for name, categories in DEPARTMENTS.items():
        bodies[name] = _organisation(
            name, OrganisationKind.DEPARTMENT, region=district, parent=government, categories=categories
        )
    for name, short in LINKED_BODIES:
        bodies[name] = _organisation(name, OrganisationKind.LINKED_BODY, short_name=short, region=district)
    return bodies


# (name, level, sector, committee, standing, work unit): the people the article names.
NAMED_MEMBERS = [
    ("邵响亮", MemberLevel.DISTRICT, "特邀人士界", "社会和法制委员会", False, "海城区消防救援大队大队长"),
    ("黄深浦", MemberLevel.DISTRICT, "中共界", "", True, "政协北海市海城区委员会主席"),
    ("梁国栋", MemberLevel.DISTRICT, "无党派人士界", "社会和法制委员会", True, "社会和法制委员会主任"),
]
MEMBER_LEVELS = [(MemberLevel.REGION, 8), (MemberLevel.CITY, 30), (MemberLevel.DISTRICT, 82)]
WORK_UNITS = [
    "北海市人民医院医生",
    "海城区第一小学教师",
    "北海海鲜行业协会会长",
    "广西海洋研究所研究员",
    "北海律师事务所律师",
    "海城区个体工商户",
    "北海市第五中学副校长",
    "北海银行海城支行行长",
    "社区卫生服务中心主任",
    "北海旅游集团经理",
]


def build_members(bodies: dict[str, Organisation]) -> list[Member]:
    """About 120 members of the three levels; the article's people are among them."""
    names = Names(seed=120)
    rng = random.Random(121)
    members: list[Member] = []
    for name, level, sector, committee, standing, unit in NAMED_MEMBERS:
        member, _ = Member.objects.get_or_create(
            name=name,
            level=level,
            defaults={
                "sector": bodies[sector],
                "committee": bodies.get(committee),
                "is_standing": standing,
                "work_unit": unit,
                "phone": "13807790000",
            },
        )
        members.append(member)
    remaining = sum(count for _, count in MEMBER_LEVELS) - len(members)
    plan = [level for level, count in MEMBER_LEVELS for _ in range(count)][:remaining]
    for number, level in enumerate(plan, start=1):
        name = names()
        member, _ = Member.objects.get_or_create(
            name=name,
            level=level,
            defaults={
                "sector": bodies[SECTORS[rng.randrange(len(SECTORS))]],
                "committee": bodies[COMMITTEES[rng.randrange(len(COMMITTEES))]],
                "term": "第十二届" if level != MemberLevel.DISTRICT else "第十届",
                "is_standing": number % 7 == 0,
                "work_unit": WORK_UNITS[rng.randrange(len(WORK_UNITS))],
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            },
        )
        members.append(member)
    return members


def build_activity_groups(regions: dict[str, Region], members: list[Member]) -> list[ActivityGroup]:
    """Members of all three levels, 2–3 per village/community; one community left without a group
    and one with a single member, so the coverage page has something to show."""
    communities = [
        regions[name] for names in STREETS.values() for name in names if name != UNCOVERED_COMMUNITY
    ]
    # The chair leads the body and is not stationed; everyone else is, in order.
    pool = [m for m in members if m.name != "黄深浦"]
    pool.sort(key=lambda m: (m.name != "邵响亮", m.pk))
    groups: list[ActivityGroup] = []
    cursor = 0
    for index, community in enumerate(communities):
        size = 1 if community.name == UNDERSTAFFED_COMMUNITY else (3 if index % 5 < 2 else 2)
        chosen = pool[cursor : cursor + size]
        cursor += size
        group, _ = ActivityGroup.objects.get_or_create(
            community=community, defaults={"name": f"{community.name}委员活动小组"}
        )
        _memberships(group, chosen)
        groups.append(group)
    return groups


def _memberships(group: ActivityGroup, chosen: Iterable[Member]) -> None:
    if group.activitygroupmembership_set.exists():
        return
    ActivityGroupMembership.objects.bulk_create(
        ActivityGroupMembership(group=group, member=member, is_leader=position == 0)
        for position, member in enumerate(chosen)
    )


def build_rooms(regions: dict[str, Region]) -> list[Room]:
    rooms: list[Room] = []
    names = Names(seed=17)
    for name, kind, place, address, host_unit, presets, satisfied in ROOMS:
        convener = "杨宇芳" if place == "政法路社区" else names()
        room, _ = Room.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "region": regions[place],
                "address": address,
                "capacity": 60 if kind == RoomKind.STREET else 30,
                "convener_name": convener,
                "host_unit": host_unit,
                "description": "按照有统一标识、有固定阵地、有明确职责、有配套工作机制的“四有”标准建设。",
            },
        )
        for item in StandardItem.values:
            RoomStandardCheck.objects.get_or_create(
                room=room,
                item=item,
                defaults={
                    "satisfied": item in satisfied,
                    "note": "现场核查通过" if item in satisfied else "待补充佐证材料",
                    "checked_on": dt.date(2026, 1, 15),
                },
            )
        for preset in presets:
            start, end = SCHEDULE_TIMES[preset]
            RoomSchedule.objects.get_or_create(
                room=room,
                name=PRESET_NAMES[preset],
                defaults={
                    "preset": SchedulePreset(preset),
                    "rule": PRESET_RULES[preset],
                    "start_time": start,
                    "end_time": end,
                    "starts_on": SCHEDULES_START,
                },
            )
        rooms.append(room)
    return rooms


def build() -> dict[str, Any]:
    regions = build_regions()
    bodies = build_organisations(regions)
    members = build_members(bodies)
    groups = build_activity_groups(regions, members)
    rooms = build_rooms(regions)
    return {"regions": regions, "organisations": bodies, "members": members, "groups": groups, "rooms": rooms}
