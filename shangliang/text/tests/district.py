"""A simulated district whose residents name problems in words the shipped models do not know."""

from __future__ import annotations

import itertools
import random

from shangliang.text import learning_services
from shangliang.text.tests.factories import BASE_TIME, index

# Local ways of naming a problem (Cantonese-flavoured, or plain local slang), by category.
PROBLEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "power": ("水电气", ("冇电", "跳掣", "电掣烧咗", "黑晒灯冇电用")),
    "water": ("水电气", ("冇水", "水喉冇水出", "水掣关咗", "水喉干塘")),
    "lift": ("物业管理", ("𨋢坏咗", "𨋢唔郁", "升降𨋢停咗", "𨋢卡住")),
    "rubbish": ("环境卫生", ("垃圾冇人收", "垃圾桶爆晒", "垃圾冚唪唥堆住", "啲垃圾臭到死")),
    "noise": ("噪音扰民", ("好嘈", "嘈到瞓唔着", "成晚咁嘈", "嘈喧巴闭")),
    "tree": ("园林绿化", ("棵树就快冧", "树枝冧落嚟", "大树歪咗", "树头松咗")),
    "stall": ("市场监管", ("啲摊档呃秤", "斤两唔够", "买嘢俾人呃秤", "秤唔准")),
    "bus": ("交通出行", ("巴士唔停站", "巴士站冇咗", "等巴士等到颈都长", "巴士飞站")),
}
PLACES = ("榕荫里", "蚝壳巷", "渔港新村", "凤凰台", "石牌坊", "鸭脷街")
TAILS = ("，搞咗成个礼拜", "，唔该快啲处理", "，街坊都好烦", "", "，老人家好辛苦", "，几日都系咁")


def build(seed: int = 7) -> dict[str, list[int]]:
    """Index the district's concerns and record its staff's decisions: merges of reports of one
    problem at one place, "not the same" for another problem at the same place or the same problem
    at another place, and a category for every report. Returns the ids by decision kind."""
    rng = random.Random(seed)
    ids = itertools.count(700_000)
    community = 77
    made: dict[str, list[int]] = {"same": [], "different": [], "category": []}
    reports: list[tuple[int, str, str, str, str]] = []  # id, text, problem, place, category
    for place, (problem, (category, words)) in itertools.product(PLACES, PROBLEMS.items()):
        for word in (rng.choice(words) for _ in range(3)):
            object_id = next(ids)
            text = f"{place}{rng.choice(('', '嗰边', '呢度'))}{word}{rng.choice(TAILS)}"
            index(text, community_id=community, object_id=object_id, created_at=BASE_TIME)
            reports.append((object_id, text, problem, place, category))
    by_key: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for object_id, text, problem, place, _ in reports:
        by_key.setdefault((problem, place), []).append((object_id, text))
    for object_id, text, problem, place, category in reports:
        learning_services.judgement_record(
            label="category",
            via="category",
            object_id=object_id,
            text=text,
            community_id=community,
            category=category,
            actor=None,
        )
        made["category"].append(object_id)
        group = by_key[(problem, place)]
        first_id, first_text = group[0]
        if object_id != first_id:
            learning_services.judgement_record(
                label="same",
                via="merge",
                object_id=object_id,
                text=text,
                community_id=community,
                other_kind="concern",
                other_object_id=first_id,
                other_text=first_text,
                actor=None,
            )
            made["same"].append(object_id)
        other_place = rng.choice([p for p in PLACES if p != place])
        other_problem = rng.choice([p for p in PROBLEMS if p != problem])
        for key in ((problem, other_place), (other_problem, place)):
            other_id, other_text = by_key[key][0]
            if other_id != object_id:
                learning_services.judgement_record(
                    label="different",
                    via="dismiss",
                    object_id=object_id,
                    text=text,
                    community_id=community,
                    other_kind="concern",
                    other_object_id=other_id,
                    other_text=other_text,
                    actor=None,
                )
                made["different"].append(object_id)
    return made
