"""A synthetic district: communities, estates and resident concerns composed from templates.

Deterministic for a seed. Texts vary in register (colloquial / formal), length, place detail and
filler, so that posting lists have realistic skew: a few words (小区, 物业, 晚上) are very common,
place names are community-local, problem words spread over categories.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

STREETS = ["海滨", "中街", "高德", "地角", "驿马", "东街", "西街"]
PLACE_HEADS = list("海金椰龙南北新红珠银沙湾港林桥湖山石榕花月星云竹松兰桂")
PLACE_TAILS = ["景", "沙", "林", "门", "港", "湾", "洲", "岭", "塘", "坡", "田", "园", "江", "苑"]
COMMUNITY_KINDS = ["社区", "村"]
ESTATE_KINDS = ["花园", "小区", "新村", "公寓", "家园", "名苑", "大厦", "宿舍", "里"]
SPOTS = [
    "门口",
    "后巷",
    "楼下",
    "东门",
    "北侧",
    "路口",
    "广场",
    "停车场",
    "菜市场",
    "公交站",
    "篮球场",
    "小学旁",
]

# (category, problem phrases, detail phrases)
PROBLEMS: list[tuple[str, list[str], list[str]]] = [
    (
        "市政设施",
        [
            "路灯不亮",
            "路灯坏了",
            "井盖缺失",
            "井盖松动响",
            "人行道地砖松动",
            "路面有大坑",
            "护栏断了",
            "排水口堵塞",
        ],
        ["晚上黑乎乎的", "老人差点摔倒", "下雨就积水", "骑车很危险"],
    ),
    (
        "环境卫生",
        ["垃圾没人清运", "垃圾桶满了", "污水横流", "有人乱倒泔水", "到处是狗屎", "公厕太脏"],
        ["臭气熏天", "苍蝇蚊子很多", "老鼠乱窜", "天热更严重"],
    ),
    (
        "园林绿化",
        ["树枝挡住窗户", "大树歪了怕倒", "绿化带挡视线", "椰子树果子掉落", "草坪没人修剪"],
        ["台风要来了", "砸到车了", "开车看不见", "一直没人管"],
    ),
    (
        "物业管理",
        ["电梯经常坏", "电梯困人", "楼道灯坏了", "门禁坏了", "外墙瓷砖脱落", "物业费乱涨", "车库漏水"],
        ["物业推来推去", "报修好几次", "业主意见很大", "老人上下楼困难"],
    ),
    (
        "消防安全",
        ["飞线充电", "私拉电线给电动车充电", "消防通道被堵", "消火栓被遮挡", "楼道堆满杂物"],
        ["一旦着火后果严重", "说了也不听", "晚上更严重", "存在安全隐患"],
    ),
    (
        "交通出行",
        ["货车乱停", "公交站取消了", "红绿灯时间太短", "泥头车超速", "僵尸车占车位"],
        ["孩子上学很危险", "堵得走不动", "老人过不了马路", "一年多没动过"],
    ),
    (
        "噪音扰民",
        ["广场舞音响太吵", "半夜施工噪音", "空调外机嗡嗡响", "烧烤摊吵到凌晨", "改装摩托炸街"],
        ["睡不着觉", "孩子没法写作业", "老人心脏受不了", "投诉多次没用"],
    ),
    (
        "医疗医保",
        ["卫生室不能刷医保", "卫生站经常没人", "胰岛素断货", "疫苗预约打不通", "医保报销太慢"],
        ["只能去市里", "老人跑了好几趟", "自己掏钱", "耽误看病"],
    ),
    (
        "社会保障",
        ["高龄津贴没发", "长者饭堂饭菜太咸", "低保审核太慢", "养老金到账晚", "日间照料中心关门"],
        ["老人生活困难", "问了没人答复", "希望尽快落实", "家里没人照顾"],
    ),
    (
        "教育托育",
        ["幼儿园学位不够", "无证托儿所", "校门口没人接送秩序乱", "校车超载"],
        ["孩子没地方上学", "安全隐患大", "家长很着急", "费用太贵"],
    ),
    (
        "市场监管",
        ["鬼秤缺斤少两", "卖过期食品", "不明码标价宰客", "预付卡老板跑路", "猪肉没有检疫章"],
        ["消费者吃亏", "投诉无门", "好多人上当", "影响形象"],
    ),
    (
        "水电气",
        ["经常停电", "自来水发黄", "水压太小", "燃气味很重", "电压不稳"],
        ["热水器打不着火", "冰箱东西坏了", "不敢喝水", "怕出事"],
    ),
    (
        "其他",
        ["流浪狗越来越多", "开证明材料太多", "办事窗口中午没人", "村务不公开"],
        ["追着小孩叫", "来回跑好几趟", "群众意见大", "希望改进"],
    ),
]
OPENERS = ["", "", "反映一下，", "您好，", "我想问下，", "请领导关注：", "麻烦管一管，", "居民反映："]
CLOSERS = [
    "",
    "",
    "请尽快处理。",
    "希望有关部门管一管！",
    "已经好几天了。",
    "拜托了🙏",
    "这个月第三次了",
    "谢谢！",
]
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Community:
    id: int
    name: str
    street: str
    path: str
    estates: tuple[str, ...]


@dataclass(frozen=True)
class Concern:
    community: Community
    text: str
    category: str


def district(seed: int = 7, communities: int = 51) -> list[Community]:
    rng = random.Random(seed)
    names: set[str] = set()
    result: list[Community] = []
    while len(result) < communities:
        head = rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS)
        name = head + rng.choice(COMMUNITY_KINDS)
        if name in names:
            continue
        names.add(name)
        street_index = len(result) % len(STREETS)
        estates = tuple(
            rng.choice([head, rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS)]) + rng.choice(ESTATE_KINDS)
            for _ in range(rng.randint(4, 9))
        )
        cid = 1000 + len(result)
        result.append(Community(cid, name, STREETS[street_index], f"/1/{10 + street_index}/{cid}/", estates))
    return result


def _place(rng: random.Random, community: Community) -> str:
    estate = rng.choice(community.estates)
    choice = rng.random()
    if choice < 0.35:
        number = rng.randint(1, 30)
        building = str(number) if rng.random() < 0.7 or number > 10 else NUMERALS[number - 1]
        return f"{estate}{building}{rng.choice(['栋', '号楼', '幢'])}"
    if choice < 0.7:
        return estate + rng.choice(SPOTS)
    if choice < 0.85:
        return community.name + rng.choice(SPOTS)
    return rng.choice(SPOTS)


def concerns(count: int, communities: list[Community], seed: int = 11) -> Iterator[Concern]:
    rng = random.Random(seed)
    # Community sizes are skewed: a few big urban communities file most concerns.
    weights = [1.0 / (1 + i % 17) for i in range(len(communities))]
    for _ in range(count):
        community = rng.choices(communities, weights)[0]
        category, phrases, details = rng.choice(PROBLEMS)
        parts = [rng.choice(OPENERS), _place(rng, community), rng.choice(phrases)]
        if rng.random() < 0.7:
            parts.append("，" + rng.choice(details))
        if rng.random() < 0.3:
            parts.append("，" + rng.choice(details))
        parts.append(rng.choice(["，", "。", "！", " "]) + rng.choice(CLOSERS))
        yield Concern(community, "".join(parts).strip(), category)


SEARCH_QUERIES = [
    "电梯",
    "噪音",
    "路灯",
    "垃圾",
    "飞线充电",
    "停电",
    "漏水 车库",
    "医保",
    "消防通道",
    "幼儿园",
    "鬼秤",
    "水压",
    "流浪狗",
    "井盖",
    "物业费",
    "广场舞",
    "电梯 困人",
    "燃气",
    "僵尸车",
    "高龄津贴",
]
